/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-transport.h"

G_DEFINE_ABSTRACT_TYPE(TrTransport, tr_transport, TR_TYPE_PLUGIN)

const gchar *
tr_transport_get_protocol(TrTransport *self)
{
	g_return_val_if_fail(TR_IS_TRANSPORT(self), NULL);
	return TR_TRANSPORT_GET_CLASS(self)->protocol;
}

static void
tr_transport_class_init(TrTransportClass *klass)
{
}

static void
tr_transport_init(TrTransport *self)
{
}
