/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-plugin.h"

G_BEGIN_DECLS

#define TR_TYPE_TRANSPORT (tr_transport_get_type())
G_DECLARE_DERIVABLE_TYPE(TrTransport, tr_transport, TR, TRANSPORT, TrPlugin)

/**
 * TrTransportClass:
 * @protocol: the `SIP_Transport_N_` value the plugin serves: "UDP", "TCP"
 *   or "TLS"; set in class_init
 *
 * A SIP transport. The core gives each line the transport plugin that
 * declares the line's `SIP_Transport`; with none, the line fails with a
 * clear error instead of falling back to another.
 */
struct _TrTransportClass {
	TrPluginClass parent_class;
	const gchar *protocol;
	/*< private >*/
	gpointer padding[12];
};

const gchar *tr_transport_get_protocol(TrTransport *self);

G_END_DECLS
