/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-bus.h"
#include "tr-engine.h"

G_BEGIN_DECLS

#define TR_TYPE_DBUS_SERVER (tr_dbus_server_get_type())
G_DECLARE_FINAL_TYPE(TrDbusServer, tr_dbus_server, TR, DBUS_SERVER, GObject)

TrDbusServer *tr_dbus_server_new(TrEngine *engine);
gboolean tr_dbus_server_start(TrDbusServer *self, TrBusKind kind, const gchar *address,
			      GError **error);
const gchar *tr_dbus_server_get_address(TrDbusServer *self);
void tr_dbus_server_stop(TrDbusServer *self);

G_END_DECLS
