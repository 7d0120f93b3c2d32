/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

#include "tr-tls-session.h"
#include "tr-tls-tport.h"

/*
 * SIP over TLS, GnuTLS end to end, for the lines whose SIP_Transport_N_ is
 * TLS. start() checks that the installed Sofia-SIP is the one the
 * transport was built against, then registers the GnuTLS tport type that
 * shadows Sofia's OpenSSL one; a line's agent binds sips: and reaches its
 * proxy at sips:HOST. Each line has a TrTlsSession: its settings, read from
 * the line's parameters when it attaches, and what is known of its session.
 */
#define TR_TYPE_TRANSPORT_TLS (tr_transport_tls_get_type())
G_DECLARE_FINAL_TYPE(TrTransportTls, tr_transport_tls, TR, TRANSPORT_TLS, TrTransport)

struct _TrTransportTls {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TrTransportTls, tr_transport_tls, TR_TYPE_TRANSPORT)

static gboolean
tr_transport_tls_start(TrPlugin *plugin, GError **error)
{
	if (!tr_tls_tport_check_version(NULL, error) || !tr_tls_tport_register(error))
		return FALSE;
	g_debug("SIP over TLS with GnuTLS, replacing Sofia-SIP's own TLS");
	return TRUE;
}

static gchar *
tr_transport_tls_bind_url(TrTransport *transport, TrLine *line, guint port)
{
	/* nta refuses ;transport=tls; sips: alone binds the one TLS transport */
	return g_strdup_printf("sips:*:%u", port);
}

static gchar *
tr_transport_tls_proxy_uri(TrTransport *transport, TrLine *line, const gchar *host_port)
{
	return g_strdup_printf("sips:%s", host_port);
}

/* a parameter of the line's device; NULL if its schema lacks it */
static const gchar *
device_param(TrLine *line, const gchar *name)
{
	TrStore *store = tr_device_get_store(tr_line_get_device(line));
	const gchar *value = tr_store_get(store, name);

	return value != NULL && *value != '\0' ? value : NULL;
}

static const gchar *
line_param(TrLine *line, const gchar *base_name)
{
	g_autofree gchar *name = tr_line_param_name(line, base_name);
	return device_param(line, name);
}

static gboolean
param_is_no(const gchar *value)
{
	return value != NULL && g_ascii_strcasecmp(value, "no") == 0;
}

static gboolean
tr_transport_tls_line_attach(TrTransport *transport, TrLine *line, GError **error)
{
	TrTlsSession *session = g_object_get_data(G_OBJECT(line), TR_TRANSPORT_SESSION_KEY);
	TrTlsSettings settings = {0};
	const gchar *keepalive = line_param(line, "NAT_Keep_Alive_Enable");

	settings.ca_file = device_param(line, "Custom_CA_File");
	settings.min_version = line_param(line, "TLS_Minimum_Version");
	settings.server_name = line_param(line, "TLS_Server_Name");
	settings.no_verify = param_is_no(line_param(line, "TLS_Verify_Server"));
	if (!param_is_no(line_param(line, "TLS_Client_Certificate"))) {
		settings.cert_file = device_param(line, "Device_Certificate_File");
		settings.key_file = device_param(line, "Device_Private_Key_File");
	}
	if (keepalive != NULL && g_ascii_strcasecmp(keepalive, "yes") == 0) {
		const gchar *interval = device_param(line, "NAT_Keep_Alive_Intvl");

		settings.keepalive_interval =
			interval != NULL ? (guint)g_ascii_strtoull(interval, NULL, 10) : 15;
	}

	if (session == NULL) {
		g_autofree gchar *name =
			g_strdup_printf("%s/%u", tr_device_get_name(tr_line_get_device(line)),
					tr_line_get_index(line));

		session = tr_tls_session_new(name);
		g_object_set_data_full(G_OBJECT(line), TR_TRANSPORT_SESSION_KEY, session,
				       g_object_unref);
	}
	g_object_set_data(G_OBJECT(line), TR_TRANSPORT_NUA_TAGS_KEY,
			  (gpointer)tr_tls_session_get_nua_tags(session));
	return tr_tls_session_configure(session, &settings, error);
}

static void
tr_transport_tls_line_detach(TrTransport *transport, TrLine *line)
{
	/* the session stays with the line: it keeps the reconnect count and
	 * the last error across agents, and says "closed"; its tags go, so an
	 * agent of another transport does not carry them */
	g_object_set_data(G_OBJECT(line), TR_TRANSPORT_NUA_TAGS_KEY, NULL);
}

static void
tr_transport_tls_class_init(TrTransportTlsClass *klass)
{
	TrPluginClass *plugin_class = TR_PLUGIN_CLASS(klass);
	TrTransportClass *transport_class = TR_TRANSPORT_CLASS(klass);

	plugin_class->start = tr_transport_tls_start;
	transport_class->protocol = "TLS";
	transport_class->bind_url = tr_transport_tls_bind_url;
	transport_class->proxy_uri = tr_transport_tls_proxy_uri;
	transport_class->line_attach = tr_transport_tls_line_attach;
	transport_class->line_detach = tr_transport_tls_line_detach;
}

static void
tr_transport_tls_init(TrTransportTls *self)
{
}

TR_PLUGIN_DEFINE("transport-tls", "SIP over TLS (GnuTLS)", tr_transport_tls_get_type)
