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

/**
 * tr_transport_bind_url:
 * @line: the line
 * @port: its `SIP_Port`
 *
 * Returns: (transfer full): the URL the line's agent binds
 */
gchar *
tr_transport_bind_url(TrTransport *self, TrLine *line, guint port)
{
	g_return_val_if_fail(TR_IS_TRANSPORT(self), NULL);
	return TR_TRANSPORT_GET_CLASS(self)->bind_url(self, line, port);
}

/**
 * tr_transport_proxy_uri:
 * @host_port: a `Proxy`/`Outbound_Proxy` value: `host[:port]`
 *
 * Returns: (transfer full): the proxy's URI over this transport
 */
gchar *
tr_transport_proxy_uri(TrTransport *self, TrLine *line, const gchar *host_port)
{
	g_return_val_if_fail(TR_IS_TRANSPORT(self), NULL);
	g_return_val_if_fail(host_port != NULL, NULL);
	return TR_TRANSPORT_GET_CLASS(self)->proxy_uri(self, line, host_port);
}

gboolean
tr_transport_line_attach(TrTransport *self, TrLine *line, GError **error)
{
	TrTransportClass *klass;

	g_return_val_if_fail(TR_IS_TRANSPORT(self), FALSE);
	klass = TR_TRANSPORT_GET_CLASS(self);
	return klass->line_attach == NULL || klass->line_attach(self, line, error);
}

void
tr_transport_line_detach(TrTransport *self, TrLine *line)
{
	TrTransportClass *klass;

	g_return_if_fail(TR_IS_TRANSPORT(self));
	klass = TR_TRANSPORT_GET_CLASS(self);
	if (klass->line_detach != NULL)
		klass->line_detach(self, line);
}

static gchar *
tr_transport_real_bind_url(TrTransport *self, TrLine *line, guint port)
{
	g_autofree gchar *proto = g_ascii_strdown(tr_transport_get_protocol(self), -1);
	return g_strdup_printf("sip:*:%u;transport=%s", port, proto);
}

static gchar *
tr_transport_real_proxy_uri(TrTransport *self, TrLine *line, const gchar *host_port)
{
	g_autofree gchar *proto = g_ascii_strdown(tr_transport_get_protocol(self), -1);
	return g_strdup_printf("sip:%s;transport=%s", host_port, proto);
}

static void
tr_transport_class_init(TrTransportClass *klass)
{
	klass->bind_url = tr_transport_real_bind_url;
	klass->proxy_uri = tr_transport_real_proxy_uri;
}

static void
tr_transport_init(TrTransport *self)
{
}
