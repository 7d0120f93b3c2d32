/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "tr-error.h"

static const GDBusErrorEntry tr_error_entries[] = {
	{TR_ERROR_FAILED, "org.tipring.Tipring1.Error.Failed"},
	{TR_ERROR_INVALID_PARAMETER, "org.tipring.Tipring1.Error.InvalidParameter"},
	{TR_ERROR_UNKNOWN_PARAMETER, "org.tipring.Tipring1.Error.UnknownParameter"},
	{TR_ERROR_INVALID_ARGUMENT, "org.tipring.Tipring1.Error.InvalidArgument"},
	{TR_ERROR_NOT_SUPPORTED, "org.tipring.Tipring1.Error.NotSupported"},
	{TR_ERROR_ACCESS_DENIED, "org.tipring.Tipring1.Error.AccessDenied"},
	{TR_ERROR_PLUGIN, "org.tipring.Tipring1.Error.Plugin"},
	{TR_ERROR_SCHEMA, "org.tipring.Tipring1.Error.Schema"},
	{TR_ERROR_STORAGE, "org.tipring.Tipring1.Error.Storage"},
	{TR_ERROR_NOT_FOUND, "org.tipring.Tipring1.Error.NotFound"},
};

G_STATIC_ASSERT(G_N_ELEMENTS(tr_error_entries) == TR_ERROR_LAST);

GQuark
tr_error_quark(void)
{
	static gsize quark = 0;
	g_dbus_error_register_error_domain("tr-error-quark", &quark, tr_error_entries,
					   G_N_ELEMENTS(tr_error_entries));
	return (GQuark)quark;
}
