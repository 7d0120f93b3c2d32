/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>

#define TAG_NAMESPACE "tipring"
#include <sofia-sip/su_tag_class.h>

#include "tr-tls-session-private.h"

/*
 * A line's TLS session: its settings (trust, client certificate, versions,
 * server name) and what is known of its current or last connection. The
 * transport finds it in the tags the line gave nua_create() and reports to
 * it; the line shows it (D-Bus Line.Tls). Property names are those of the
 * D-Bus interface, so the core can bind them one to one.
 */

tag_typedef_t trtlstag_session = PTRTAG_TYPEDEF(tls_session);

#define TR_TLS_DEFAULT_HANDSHAKE_TIMEOUT 10000 /* ms */

struct _TrTlsSession {
	GObject parent_instance;
	gchar *name;
	tagi_t tags[2];

	/* settings */
	TrTlsCredentials *credentials;
	gboolean has_client_certificate;
	gchar *min_version;
	gchar *server_name;
	gboolean no_verify;
	guint keepalive_interval;
	guint handshake_timeout;

	/* what is known, of the main connection */
	gconstpointer current;
	TrTlsState state;
	gchar *protocol_version;
	gchar *cipher_suite;
	gchar *peer_certificate;
	gchar *peer_subject;
	gboolean verified;
	gchar *verify_result;
	guint handshake_ms;
	gboolean resumed;
	gint64 established_at;
	guint attempts;
	gchar *last_error;
	guint keepalives_sent;
	guint pongs_received;
	guint records_waited;

	GBytes *resumption;
	gchar *resumption_peer;
};

G_DEFINE_TYPE(TrTlsSession, tr_tls_session, G_TYPE_OBJECT)

enum {
	PROP_0,
	PROP_NAME,
	PROP_STATE,
	PROP_PROTOCOL_VERSION,
	PROP_CIPHER_SUITE,
	PROP_PEER_CERTIFICATE,
	PROP_PEER_SUBJECT,
	PROP_VERIFIED,
	PROP_VERIFY_RESULT,
	PROP_HANDSHAKE_MS,
	PROP_RESUMED,
	PROP_ESTABLISHED_AT,
	PROP_RECONNECT_COUNT,
	PROP_LAST_ERROR,
	PROP_KEEPALIVES_SENT,
	PROP_PONGS_RECEIVED,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

const gchar *
tr_tls_state_to_string(TrTlsState state)
{
	switch (state) {
	case TR_TLS_STATE_IDLE:
		return "idle";
	case TR_TLS_STATE_CONNECTING:
		return "connecting";
	case TR_TLS_STATE_HANDSHAKING:
		return "handshaking";
	case TR_TLS_STATE_ESTABLISHED:
		return "established";
	case TR_TLS_STATE_FAILED:
		return "failed";
	case TR_TLS_STATE_CLOSED:
		return "closed";
	}
	return "unknown";
}

/* ---- change tracking ---------------------------------------------------- */

/* strings are never NULL: "" says "not known" (D-Bus has no NULL string) */
static void
set_string(TrTlsSession *self, gchar **field, const gchar *value, guint prop)
{
	if (value == NULL)
		value = "";
	if (g_strcmp0(*field, value) == 0)
		return;
	g_free(*field);
	*field = g_strdup(value);
	g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void
set_bool(TrTlsSession *self, gboolean *field, gboolean value, guint prop)
{
	if (*field == !!value)
		return;
	*field = !!value;
	g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void
set_uint(TrTlsSession *self, guint *field, guint value, guint prop)
{
	if (*field == value)
		return;
	*field = value;
	g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void
set_state(TrTlsSession *self, TrTlsState state)
{
	if (self->state == state)
		return;
	g_debug("%s: %s -> %s", self->name, tr_tls_state_to_string(self->state),
		tr_tls_state_to_string(state));
	self->state = state;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
}

static void
changes_begin(TrTlsSession *self)
{
	g_object_freeze_notify(G_OBJECT(self));
}

static void
changes_end(TrTlsSession *self)
{
	g_object_thaw_notify(G_OBJECT(self));
	g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
}

static void
clear_peer(TrTlsSession *self)
{
	set_string(self, &self->protocol_version, "", PROP_PROTOCOL_VERSION);
	set_string(self, &self->cipher_suite, "", PROP_CIPHER_SUITE);
	set_string(self, &self->peer_certificate, "", PROP_PEER_CERTIFICATE);
	set_string(self, &self->peer_subject, "", PROP_PEER_SUBJECT);
	set_bool(self, &self->verified, FALSE, PROP_VERIFIED);
	set_string(self, &self->verify_result, "", PROP_VERIFY_RESULT);
	set_uint(self, &self->handshake_ms, 0, PROP_HANDSHAKE_MS);
	set_bool(self, &self->resumed, FALSE, PROP_RESUMED);
	if (self->established_at != 0) {
		self->established_at = 0;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ESTABLISHED_AT]);
	}
}

/* the peer's certificate chain as PEM, and the subject of its first one */
static void
read_peer(TrTlsSession *self, gnutls_session_t session)
{
	const gnutls_datum_t *certs;
	unsigned int n_certs = 0;
	g_autoptr(GString) pem = g_string_new(NULL);
	g_autofree gchar *subject = NULL;

	set_string(self, &self->protocol_version,
		   gnutls_protocol_get_name(gnutls_protocol_get_version(session)),
		   PROP_PROTOCOL_VERSION);
	set_string(self, &self->cipher_suite, gnutls_ciphersuite_get(session), PROP_CIPHER_SUITE);

	certs = gnutls_certificate_get_peers(session, &n_certs);
	for (guint i = 0; certs != NULL && i < n_certs; i++) {
		gnutls_datum_t out = {NULL, 0};

		if (gnutls_pem_base64_encode2("CERTIFICATE", &certs[i], &out) == 0) {
			g_string_append_len(pem, (const gchar *)out.data, out.size);
			gnutls_free(out.data);
		}
		if (i == 0) {
			gnutls_x509_crt_t crt = NULL;
			gnutls_datum_t dn = {NULL, 0};

			if (gnutls_x509_crt_init(&crt) == 0 &&
			    gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
			    gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
				subject = g_strndup((const gchar *)dn.data, dn.size);
				gnutls_free(dn.data);
			}
			if (crt != NULL)
				gnutls_x509_crt_deinit(crt);
		}
	}
	set_string(self, &self->peer_certificate, pem->str, PROP_PEER_CERTIFICATE);
	set_string(self, &self->peer_subject, subject != NULL ? subject : "", PROP_PEER_SUBJECT);
}

/* ---- what the transport reports ----------------------------------------- */

/* whether @conn is the main connection, or may become it */
static gboolean
is_main(TrTlsSession *self, gconstpointer conn)
{
	if (conn == self->current)
		return TRUE;
	return self->current == NULL && self->state != TR_TLS_STATE_ESTABLISHED;
}

void
tr_tls_session_connecting(TrTlsSession *self, gconstpointer conn, const gchar *peer)
{
	g_return_if_fail(TR_IS_TLS_SESSION(self));

	if (self->current != NULL && self->state == TR_TLS_STATE_ESTABLISHED) {
		g_debug("%s: another connection, to %s, beside the main one", self->name, peer);
		return;
	}
	self->current = conn;
	changes_begin(self);
	if (self->attempts++ > 0)
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_RECONNECT_COUNT]);
	g_debug("%s: connecting to %s (attempt %u)", self->name, peer, self->attempts);
	clear_peer(self);
	set_state(self, TR_TLS_STATE_CONNECTING);
	changes_end(self);
}

void
tr_tls_session_handshaking(TrTlsSession *self, gconstpointer conn)
{
	g_return_if_fail(TR_IS_TLS_SESSION(self));

	if (!is_main(self, conn))
		return;
	changes_begin(self);
	set_state(self, TR_TLS_STATE_HANDSHAKING);
	changes_end(self);
}

void
tr_tls_session_established(TrTlsSession *self, gconstpointer conn, gnutls_session_t session,
			   guint handshake_ms, gboolean verified, const gchar *verify_result)
{
	g_return_if_fail(TR_IS_TLS_SESSION(self));

	if (!is_main(self, conn)) {
		g_debug("%s: another connection established (%s)", self->name, verify_result);
		return;
	}
	self->current = conn;
	changes_begin(self);
	read_peer(self, session);
	set_bool(self, &self->verified, verified, PROP_VERIFIED);
	set_string(self, &self->verify_result, verify_result, PROP_VERIFY_RESULT);
	set_uint(self, &self->handshake_ms, handshake_ms, PROP_HANDSHAKE_MS);
	set_bool(self, &self->resumed, gnutls_session_is_resumed(session) != 0, PROP_RESUMED);
	self->established_at = g_get_real_time() / G_USEC_PER_SEC;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ESTABLISHED_AT]);
	set_string(self, &self->last_error, "", PROP_LAST_ERROR);
	set_state(self, TR_TLS_STATE_ESTABLISHED);
	changes_end(self);
	g_message("%s: TLS session established: %s, %s, %s in %u ms%s", self->name,
		  self->protocol_version, self->cipher_suite, self->verify_result, handshake_ms,
		  self->resumed ? " (resumed)" : "");
	/* allowed only by TLS_Minimum_Version, and never silently */
	if (gnutls_protocol_get_version(session) == GNUTLS_TLS1_0 ||
	    gnutls_protocol_get_version(session) == GNUTLS_TLS1_1)
		g_warning("%s: the TLS session uses %s, older than TLS 1.2: TLS_Minimum_Version "
			  "allows it; raise it as soon as the SBC can",
			  self->name, self->protocol_version);
}

void
tr_tls_session_failed(TrTlsSession *self, gconstpointer conn, gnutls_session_t session,
		      const gchar *verify_result, const gchar *reason)
{
	g_return_if_fail(TR_IS_TLS_SESSION(self));

	if (!is_main(self, conn)) {
		g_message("%s: another TLS connection failed: %s", self->name, reason);
		return;
	}
	self->current = NULL;
	changes_begin(self);
	if (session != NULL)
		read_peer(self, session);
	if (verify_result != NULL)
		set_string(self, &self->verify_result, verify_result, PROP_VERIFY_RESULT);
	set_bool(self, &self->verified, FALSE, PROP_VERIFIED);
	set_string(self, &self->last_error, reason, PROP_LAST_ERROR);
	set_state(self, TR_TLS_STATE_FAILED);
	changes_end(self);
	g_warning("%s: TLS session failed: %s", self->name, reason);
}

/*
 * @by_peer: the server ended it (that is worth a last error), rather than
 *   the line (shutdown, idle, a new configuration)
 */
void
tr_tls_session_closed(TrTlsSession *self, gconstpointer conn, const gchar *reason, gboolean by_peer)
{
	g_return_if_fail(TR_IS_TLS_SESSION(self));

	if (conn != self->current)
		return;
	self->current = NULL;
	/* a failure stays the last word until the next attempt */
	if (self->state == TR_TLS_STATE_FAILED || self->state == TR_TLS_STATE_CLOSED)
		return;
	changes_begin(self);
	if (by_peer || self->state != TR_TLS_STATE_ESTABLISHED)
		set_string(self, &self->last_error, reason, PROP_LAST_ERROR);
	g_message("%s: TLS session closed: %s", self->name, reason);
	set_state(self, TR_TLS_STATE_CLOSED);
	changes_end(self);
}

void
tr_tls_session_keepalive_sent(TrTlsSession *self)
{
	changes_begin(self);
	set_uint(self, &self->keepalives_sent, self->keepalives_sent + 1, PROP_KEEPALIVES_SENT);
	changes_end(self);
}

void
tr_tls_session_pong_received(TrTlsSession *self)
{
	changes_begin(self);
	set_uint(self, &self->pongs_received, self->pongs_received + 1, PROP_PONGS_RECEIVED);
	changes_end(self);
}

void
tr_tls_session_record_waited(TrTlsSession *self)
{
	self->records_waited++;
}

guint
tr_tls_session_get_records_waited(TrTlsSession *self)
{
	return self->records_waited;
}

void
tr_tls_session_save_resumption(TrTlsSession *self, gnutls_session_t session, const gchar *peer)
{
	gnutls_datum_t data = {NULL, 0};

	if (gnutls_session_get_data2(session, &data) < 0)
		return;
	g_clear_pointer(&self->resumption, g_bytes_unref);
	self->resumption = g_bytes_new(data.data, data.size);
	gnutls_free(data.data);
	g_free(self->resumption_peer);
	self->resumption_peer = g_strdup(peer);
}

void
tr_tls_session_apply_resumption(TrTlsSession *self, gnutls_session_t session, const gchar *peer)
{
	gsize size = 0;
	const guint8 *data;

	if (self->resumption == NULL || g_strcmp0(peer, self->resumption_peer) != 0)
		return;
	data = g_bytes_get_data(self->resumption, &size);
	if (gnutls_session_set_data(session, data, size) < 0)
		g_clear_pointer(&self->resumption, g_bytes_unref);
}

/* ---- settings ----------------------------------------------------------- */

static gboolean
priority_for_min_version(const gchar *min_version, gchar **priority, GError **error)
{
	static const struct {
		const gchar *names[3];
		const gchar *priority;
	} versions[] = {
		{{"TLSv1.3", "TLS1.3", "1.3"}, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
		{{"TLSv1.2", "TLS1.2", "1.2"}, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
		{{"TLSv1.1", "TLS1.1", "1.1"},
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1"},
		{{"TLSv1.0", "TLS1.0", "1.0"},
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0"},
	};

	if (min_version == NULL || *min_version == '\0')
		min_version = "TLSv1.2";
	for (guint i = 0; i < G_N_ELEMENTS(versions); i++) {
		for (guint j = 0; j < G_N_ELEMENTS(versions[i].names); j++) {
			if (g_ascii_strcasecmp(min_version, versions[i].names[j]) == 0) {
				*priority = g_strdup(versions[i].priority);
				return TRUE;
			}
		}
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		    /* TRANSLATORS: %s is the value of TLS_Minimum_Version; keep the
		     * version names */
		    _("unknown TLS minimum version “%s” (TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)"),
		    min_version);
	return FALSE;
}

/**
 * tr_tls_session_configure:
 * @settings: (nullable): the line's settings; %NULL for the defaults
 *
 * Reads the trust and the client certificate now, so that a wrong file is
 * an error here rather than a failed handshake later. The settings apply
 * to the next connection.
 */
static void
tr_tls_credentials_free(TrTlsCredentials *credentials)
{
	if (credentials->credentials != NULL)
		gnutls_certificate_free_credentials(credentials->credentials);
	if (credentials->priority != NULL)
		gnutls_priority_deinit(credentials->priority);
}

TrTlsCredentials *
tr_tls_credentials_ref(TrTlsCredentials *credentials)
{
	return g_rc_box_acquire(credentials);
}

void
tr_tls_credentials_unref(TrTlsCredentials *credentials)
{
	g_rc_box_release_full(credentials, (GDestroyNotify)tr_tls_credentials_free);
}

static TrTlsCredentials *
tr_tls_credentials_new(const TrTlsSettings *settings, GError **error)
{
	g_autoptr(TrTlsCredentials) credentials = g_rc_box_new0(TrTlsCredentials);
	g_autofree gchar *priority = NULL;
	const gchar *err_pos = NULL;
	int r;

	if (!priority_for_min_version(settings->min_version, &priority, error))
		return NULL;
	r = gnutls_priority_init2(&credentials->priority, priority, &err_pos, 0);
	if (r < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    /* TRANSLATORS: a GnuTLS priority string, then GnuTLS's reason */
			    _("TLS priority “%s”: %s"), priority, gnutls_strerror(r));
		return NULL;
	}

	r = gnutls_certificate_allocate_credentials(&credentials->credentials);
	if (r < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", gnutls_strerror(r));
		return NULL;
	}
	if (settings->ca_file != NULL && *settings->ca_file != '\0') {
		r = gnutls_certificate_set_x509_trust_file(credentials->credentials,
							   settings->ca_file, GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    /* TRANSLATORS: a file name, then why; CA: certificate
				     * authority */
				    _("cannot read the CA file %s: %s"), settings->ca_file,
				    r == 0 ? _("no certificate in it") : gnutls_strerror(r));
			return NULL;
		}
	} else {
		r = gnutls_certificate_set_x509_system_trust(credentials->credentials);
		if (r <= 0) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    /* TRANSLATORS: %s says why */
				    _("cannot read the system's trust store: %s"),
				    r == 0 ? _("no certificate in it") : gnutls_strerror(r));
			return NULL;
		}
	}
	if (settings->cert_file != NULL && *settings->cert_file != '\0') {
		const gchar *key_file = settings->key_file;

		if (key_file == NULL || *key_file == '\0')
			key_file = settings->cert_file;
		r = gnutls_certificate_set_x509_key_file2(credentials->credentials,
							  settings->cert_file, key_file,
							  GNUTLS_X509_FMT_PEM, NULL, 0);
		if (r < 0) {
			/* the key's path may be shown, never its contents */
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    /* TRANSLATORS: two file names, then GnuTLS's reason */
				    _("cannot use the client certificate %s with the key %s: %s"),
				    settings->cert_file, key_file, gnutls_strerror(r));
			return NULL;
		}
	}
	return g_steal_pointer(&credentials);
}

/**
 * tr_tls_session_configure:
 * @settings: (nullable): the line's settings; %NULL for the defaults
 *
 * Reads the trust and the client certificate now, so that a wrong file is
 * an error here rather than a failed handshake later. The settings apply
 * to the next connection; a live one goes on with those it started with.
 */
gboolean
tr_tls_session_configure(TrTlsSession *self, const TrTlsSettings *settings, GError **error)
{
	static const TrTlsSettings defaults = {0};
	TrTlsCredentials *credentials;

	g_return_val_if_fail(TR_IS_TLS_SESSION(self), FALSE);

	if (settings == NULL)
		settings = &defaults;
	credentials = tr_tls_credentials_new(settings, error);
	if (credentials == NULL) {
		g_prefix_error(error, "%s: ", self->name);
		return FALSE;
	}
	g_clear_pointer(&self->credentials, tr_tls_credentials_unref);
	self->credentials = credentials;
	g_free(self->min_version);
	self->min_version = g_strdup(settings->min_version != NULL && *settings->min_version != '\0'
					     ? settings->min_version
					     : "TLSv1.2");
	g_free(self->server_name);
	self->server_name = settings->server_name != NULL && *settings->server_name != '\0'
				    ? g_strdup(settings->server_name)
				    : NULL;
	self->has_client_certificate = settings->cert_file != NULL && *settings->cert_file != '\0';
	self->no_verify = settings->no_verify;
	self->keepalive_interval = settings->keepalive_interval;
	self->handshake_timeout = settings->handshake_timeout != 0
					  ? settings->handshake_timeout
					  : TR_TLS_DEFAULT_HANDSHAKE_TIMEOUT;
	/* another trust or certificate: do not resume what was agreed before */
	g_clear_pointer(&self->resumption, g_bytes_unref);
	if (self->no_verify)
		g_warning("%s: server certificates will not be verified", self->name);
	return TRUE;
}

/**
 * tr_tls_session_ref_credentials:
 *
 * Returns: (transfer full) (nullable): what the next connection uses;
 *   %NULL before tr_tls_session_configure()
 */
TrTlsCredentials *
tr_tls_session_ref_credentials(TrTlsSession *self)
{
	return self->credentials != NULL ? tr_tls_credentials_ref(self->credentials) : NULL;
}

gboolean
tr_tls_session_has_credentials(TrTlsSession *self)
{
	return self->credentials != NULL;
}

gboolean
tr_tls_session_has_client_certificate(TrTlsSession *self)
{
	return self->has_client_certificate;
}

const gchar *
tr_tls_session_get_min_version(TrTlsSession *self)
{
	return self->min_version != NULL ? self->min_version : "TLSv1.2";
}

const gchar *
tr_tls_session_get_server_name(TrTlsSession *self)
{
	return self->server_name;
}

gboolean
tr_tls_session_get_no_verify(TrTlsSession *self)
{
	return self->no_verify;
}

guint
tr_tls_session_get_keepalive_interval(TrTlsSession *self)
{
	return self->keepalive_interval;
}

guint
tr_tls_session_get_handshake_timeout(TrTlsSession *self)
{
	return self->handshake_timeout;
}

/**
 * tr_tls_session_get_nua_tags:
 *
 * Returns: the tags to give nua_create() (with TAG_NEXT()) so that the
 *   line's agent uses this session; valid as long as the session
 */
const tagi_t *
tr_tls_session_get_nua_tags(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->tags;
}

TrTlsSession *
tr_tls_session_find_in_tags(const tagi_t *tags)
{
	const tagi_t *t = tl_find(tags, trtlstag_session);

	if (t == NULL || t->t_value == 0)
		return NULL;
	g_return_val_if_fail(TR_IS_TLS_SESSION((gpointer)t->t_value), NULL);
	return TR_TLS_SESSION((gpointer)t->t_value);
}

/* ---- getters ------------------------------------------------------------ */

const gchar *
tr_tls_session_get_name(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->name;
}

TrTlsState
tr_tls_session_get_state(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), TR_TLS_STATE_IDLE);
	return self->state;
}

const gchar *
tr_tls_session_get_protocol_version(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->protocol_version;
}

const gchar *
tr_tls_session_get_cipher_suite(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->cipher_suite;
}

const gchar *
tr_tls_session_get_peer_certificate(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->peer_certificate;
}

const gchar *
tr_tls_session_get_peer_subject(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->peer_subject;
}

gboolean
tr_tls_session_get_verified(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), FALSE);
	return self->verified;
}

const gchar *
tr_tls_session_get_verify_result(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->verify_result;
}

guint
tr_tls_session_get_handshake_ms(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), 0);
	return self->handshake_ms;
}

gboolean
tr_tls_session_get_resumed(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), FALSE);
	return self->resumed;
}

gint64
tr_tls_session_get_established_at(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), 0);
	return self->established_at;
}

guint
tr_tls_session_get_reconnect_count(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), 0);
	return self->attempts > 0 ? self->attempts - 1 : 0;
}

const gchar *
tr_tls_session_get_last_error(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), NULL);
	return self->last_error;
}

guint
tr_tls_session_get_keepalives_sent(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), 0);
	return self->keepalives_sent;
}

guint
tr_tls_session_get_pongs_received(TrTlsSession *self)
{
	g_return_val_if_fail(TR_IS_TLS_SESSION(self), 0);
	return self->pongs_received;
}

/* ---- GObject ------------------------------------------------------------ */

static void
tr_tls_session_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	TrTlsSession *self = TR_TLS_SESSION(object);

	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, self->name);
		break;
	case PROP_STATE:
		g_value_set_string(value, tr_tls_state_to_string(self->state));
		break;
	case PROP_PROTOCOL_VERSION:
		g_value_set_string(value, self->protocol_version);
		break;
	case PROP_CIPHER_SUITE:
		g_value_set_string(value, self->cipher_suite);
		break;
	case PROP_PEER_CERTIFICATE:
		g_value_set_string(value, self->peer_certificate);
		break;
	case PROP_PEER_SUBJECT:
		g_value_set_string(value, self->peer_subject);
		break;
	case PROP_VERIFIED:
		g_value_set_boolean(value, self->verified);
		break;
	case PROP_VERIFY_RESULT:
		g_value_set_string(value, self->verify_result);
		break;
	case PROP_HANDSHAKE_MS:
		g_value_set_uint(value, self->handshake_ms);
		break;
	case PROP_RESUMED:
		g_value_set_boolean(value, self->resumed);
		break;
	case PROP_ESTABLISHED_AT:
		g_value_set_int64(value, self->established_at);
		break;
	case PROP_RECONNECT_COUNT:
		g_value_set_uint(value, tr_tls_session_get_reconnect_count(self));
		break;
	case PROP_LAST_ERROR:
		g_value_set_string(value, self->last_error);
		break;
	case PROP_KEEPALIVES_SENT:
		g_value_set_uint(value, self->keepalives_sent);
		break;
	case PROP_PONGS_RECEIVED:
		g_value_set_uint(value, self->pongs_received);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_tls_session_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
	TrTlsSession *self = TR_TLS_SESSION(object);

	switch (prop_id) {
	case PROP_NAME:
		g_free(self->name);
		self->name = g_value_dup_string(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_tls_session_finalize(GObject *object)
{
	TrTlsSession *self = TR_TLS_SESSION(object);

	g_clear_pointer(&self->credentials, tr_tls_credentials_unref);
	g_free(self->min_version);
	g_free(self->server_name);
	g_free(self->name);
	g_free(self->protocol_version);
	g_free(self->cipher_suite);
	g_free(self->peer_certificate);
	g_free(self->peer_subject);
	g_free(self->verify_result);
	g_free(self->last_error);
	g_clear_pointer(&self->resumption, g_bytes_unref);
	g_free(self->resumption_peer);
	G_OBJECT_CLASS(tr_tls_session_parent_class)->finalize(object);
}

static void
tr_tls_session_class_init(TrTlsSessionClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

	object_class->get_property = tr_tls_session_get_property;
	object_class->set_property = tr_tls_session_set_property;
	object_class->finalize = tr_tls_session_finalize;

	props[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL,
					       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
						       G_PARAM_STATIC_STRINGS);
	props[PROP_STATE] = g_param_spec_string("state", NULL, NULL, "idle", ro);
	props[PROP_PROTOCOL_VERSION] = g_param_spec_string("protocol-version", NULL, NULL, "", ro);
	props[PROP_CIPHER_SUITE] = g_param_spec_string("cipher-suite", NULL, NULL, "", ro);
	props[PROP_PEER_CERTIFICATE] = g_param_spec_string("peer-certificate", NULL, NULL, "", ro);
	props[PROP_PEER_SUBJECT] = g_param_spec_string("peer-subject", NULL, NULL, "", ro);
	props[PROP_VERIFIED] = g_param_spec_boolean("verified", NULL, NULL, FALSE, ro);
	props[PROP_VERIFY_RESULT] = g_param_spec_string("verify-result", NULL, NULL, "", ro);
	props[PROP_HANDSHAKE_MS] =
		g_param_spec_uint("handshake-ms", NULL, NULL, 0, G_MAXUINT, 0, ro);
	props[PROP_RESUMED] = g_param_spec_boolean("resumed", NULL, NULL, FALSE, ro);
	props[PROP_ESTABLISHED_AT] =
		g_param_spec_int64("established-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
	props[PROP_RECONNECT_COUNT] =
		g_param_spec_uint("reconnect-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
	props[PROP_LAST_ERROR] = g_param_spec_string("last-error", NULL, NULL, "", ro);
	props[PROP_KEEPALIVES_SENT] =
		g_param_spec_uint("keepalives-sent", NULL, NULL, 0, G_MAXUINT, 0, ro);
	props[PROP_PONGS_RECEIVED] =
		g_param_spec_uint("pongs-received", NULL, NULL, 0, G_MAXUINT, 0, ro);
	g_object_class_install_properties(object_class, N_PROPS, props);

	/**
	 * TrTlsSession::changed:
	 *
	 * Emitted once after each change of state (after the "notify" of
	 * every property it changed), for who wants one callback per change.
	 */
	signals[SIGNAL_CHANGED] =
		g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 0);
}

static void
tr_tls_session_init(TrTlsSession *self)
{
	self->state = TR_TLS_STATE_IDLE;
	self->protocol_version = g_strdup("");
	self->cipher_suite = g_strdup("");
	self->peer_certificate = g_strdup("");
	self->peer_subject = g_strdup("");
	self->verify_result = g_strdup("");
	self->last_error = g_strdup("");
	self->handshake_timeout = TR_TLS_DEFAULT_HANDSHAKE_TIMEOUT;
	self->tags[0].t_tag = trtlstag_session;
	self->tags[0].t_value = (tag_value_t)self;
	self->tags[1].t_tag = NULL;
	self->tags[1].t_value = 0;
}

/**
 * tr_tls_session_new:
 * @name: the line's name in logs, e.g. "SPA2102/1"
 *
 * Returns: (transfer full): a session with no settings yet: call
 *   tr_tls_session_configure() before the line's agent is created
 */
TrTlsSession *
tr_tls_session_new(const gchar *name)
{
	return g_object_new(TR_TYPE_TLS_SESSION, "name", name, NULL);
}
