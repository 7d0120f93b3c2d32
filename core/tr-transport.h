/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-plugin.h"

G_BEGIN_DECLS

typedef struct _TrLine TrLine;

/*
 * What a transport leaves on a line, as GObject data, after line_attach:
 * TR_TRANSPORT_NUA_TAGS_KEY, a `const tagi_t *` the core appends to the
 * line's nua_create() (cleared at line_detach); TR_TRANSPORT_SESSION_KEY,
 * a GObject with the session's properties (TLS: the Line.Tls interface).
 */
#define TR_TRANSPORT_NUA_TAGS_KEY "tr-transport-nua-tags"
#define TR_TRANSPORT_SESSION_KEY  "tr-transport-session"

#define TR_TYPE_TRANSPORT (tr_transport_get_type())
G_DECLARE_DERIVABLE_TYPE(TrTransport, tr_transport, TR, TRANSPORT, TrPlugin)

/**
 * TrTransportClass:
 * @protocol: the `SIP_Transport_N_` value the plugin serves: "UDP", "TCP"
 *   or "TLS"; set in class_init
 * @bind_url: the URL a line's Sofia-SIP agent binds, with exactly this one
 *   transport; the default is `sip:*:PORT;transport=udp` (or tcp)
 * @proxy_uri: the URI of a proxy or registrar given as `host[:port]`; the
 *   default is `sip:HOST;transport=udp` (or tcp)
 * @line_attach: (nullable): a line is about to use the transport; a plugin
 *   that cannot serve it (missing certificate, failed version check) says
 *   why, and the line fails with that reason instead of falling back
 * @line_detach: (nullable): the line's agent is gone
 *
 * A SIP transport. The core gives each line the transport plugin that
 * declares the line's `SIP_Transport`; with none, the line fails with a
 * clear error instead of falling back to another.
 */
struct _TrTransportClass {
	TrPluginClass parent_class;
	const gchar *protocol;
	gchar *(*bind_url)(TrTransport *self, TrLine *line, guint port);
	gchar *(*proxy_uri)(TrTransport *self, TrLine *line, const gchar *host_port);
	gboolean (*line_attach)(TrTransport *self, TrLine *line, GError **error);
	void (*line_detach)(TrTransport *self, TrLine *line);
	/*< private >*/
	gpointer padding[8];
};

const gchar *tr_transport_get_protocol(TrTransport *self);
gchar *tr_transport_bind_url(TrTransport *self, TrLine *line, guint port);
gchar *tr_transport_proxy_uri(TrTransport *self, TrLine *line, const gchar *host_port);
gboolean tr_transport_line_attach(TrTransport *self, TrLine *line, GError **error);
void tr_transport_line_detach(TrTransport *self, TrLine *line);

G_END_DECLS
