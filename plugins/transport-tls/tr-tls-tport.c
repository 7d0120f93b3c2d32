/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sofia_features.h>
#include <sofia-sip/su_wait.h>

/* from Debian's sofia-sip source package of exactly the installed version */
#define HAVE_MSG_TRUNC 1
#include "tport_internal.h"

#include "tr-tls-session-private.h"
#include "tr-tls-tport.h"

/* exported by libsofia-sip-ua, declared in no header (see tport.c) */
tport_vtable_t const *tport_vtable_by_name(char const *protoname, enum tport_via public);

/*
 * SIP over TLS for Sofia-SIP, with GnuTLS: a tport type named "tls" that,
 * once registered, shadows Sofia's OpenSSL one, so that nta writes
 * "Via: SIP/2.0/TLS" and sips: Contacts and sends through it.
 *
 * It mirrors Sofia's own stream types (tport_type_tcp.c, tport_type_tls.c):
 * tport.c keeps the queue of messages, the pending transactions and the
 * timers; this file owns the socket's real poll mask, the handshake, the
 * records and the keepalives. Client side only: a line connects to its
 * SBC; incoming TLS connections are refused.
 *
 * Rules that GnuTLS sets and this file keeps:
 * - after GNUTLS_E_AGAIN, the same record is finished (gnutls_record_send()
 *   with NULL, 0) before any other is begun, be it SIP or a keepalive;
 * - keepalives (RFC 5626 CRLF) are records too, never a raw send();
 * - a failed connect, handshake or verification fails the transactions
 *   waiting on the connection at once (tport_error_report()), with the
 *   reason in words in the line's session.
 */

#ifndef TR_SOFIA_SRC_NAME_VERSION
#error "TR_SOFIA_SRC_NAME_VERSION: the build gives the Sofia-SIP version of _deps/sofia-sip-src"
#endif
#ifndef TR_SOFIA_PKG_VERSION
#error "TR_SOFIA_PKG_VERSION: the build gives the installed libsofia-sip-ua0 version"
#endif
#define TR_SOFIA_PKG_NAME "libsofia-sip-ua0"

/* a primary transport: one per bound line agent */
typedef struct {
	tport_primary_t pri; /* first: tport.c sees only this */
	TrTlsSession *session;
} TrTlsPrimary;

typedef enum {
	TR_TLS_CONN_CONNECTING,
	TR_TLS_CONN_HANDSHAKING,
	TR_TLS_CONN_ESTABLISHED,
	TR_TLS_CONN_DONE,
} TrTlsConnState;

/* a secondary transport: one TCP connection with its TLS session */
typedef struct {
	tport_t tp; /* first: tport.c sees only this */
	TrTlsSession *session;
	TrTlsCredentials *credentials;
	gnutls_session_t gs;
	TrTlsConnState state;
	gchar *peer;	    /* host:port as dialled, for logs and resumption */
	gchar *verify_name; /* the name the server must prove */
	su_time_t deadline; /* of connect + handshake */
	gint64 handshake_start;
	guint8 *buffer;		  /* iovecs gathered into one record */
	gsize send_pending;	  /* bytes of a SIP record begun, E_AGAIN */
	gboolean control_pending; /* a keepalive record begun, E_AGAIN */
	gboolean read_wants_out;  /* a read stopped on E_AGAIN wanting to write */
	int mask;		  /* the events registered in Sofia's root */
	gboolean handshake_done;
	gboolean resumption_saved;
	gboolean bye_sent;
} TrTlsTport;

#define TR_TLS_RECORD_SIZE 16384

static int tr_tls_wakeup(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg);

/* ---- helpers ------------------------------------------------------------ */

static gboolean
host_is_ip(const gchar *host)
{
	g_autofree gchar *bare = NULL;
	gsize len = strlen(host);

	if (len > 2 && host[0] == '[' && host[len - 1] == ']')
		bare = g_strndup(host + 1, len - 2);
	return g_hostname_is_ip_address(bare != NULL ? bare : host);
}

/**
 * tr_tls_tport_peer_name:
 * @server_name: (nullable): the line's setting
 * @uri_host: the host of the URI the line connects to
 * @use_sni: (out): whether the name goes in SNI (never an IP literal, RFC 6066)
 *
 * Returns: (transfer full): the name the server's certificate must hold
 *   (RFC 5922: the host of the URI, unless the line names another)
 */
gchar *
tr_tls_tport_peer_name(const gchar *server_name, const gchar *uri_host, gboolean *use_sni)
{
	const gchar *name = server_name != NULL ? server_name : uri_host;
	gsize len;

	if (name == NULL) {
		*use_sni = FALSE;
		return NULL;
	}
	len = strlen(name);
	*use_sni = !host_is_ip(name);
	if (len > 2 && name[0] == '[' && name[len - 1] == ']')
		return g_strndup(name + 1, len - 2);
	return g_strdup(name);
}

static void
tr_tls_update_mask(TrTlsTport *tls)
{
	tport_t *self = &tls->tp;
	int mask = 0;

	if (self->tp_closed || self->tp_index <= 0)
		return;
	switch (tls->state) {
	case TR_TLS_CONN_CONNECTING:
		mask = SU_WAIT_CONNECT | SU_WAIT_ERR;
		break;
	case TR_TLS_CONN_HANDSHAKING:
		mask = SU_WAIT_ERR | SU_WAIT_HUP |
		       (gnutls_record_get_direction(tls->gs) == 1 ? SU_WAIT_OUT : SU_WAIT_IN);
		break;
	case TR_TLS_CONN_ESTABLISHED:
		mask = self->tp_events & (SU_WAIT_IN | SU_WAIT_OUT | SU_WAIT_ERR | SU_WAIT_HUP);
		if (tls->send_pending > 0 || tls->control_pending || tls->read_wants_out)
			mask |= SU_WAIT_OUT;
		break;
	case TR_TLS_CONN_DONE:
		return;
	}
	/* Sofia's GSource takes the descriptor off the main context and puts it
	 * back for every change, both walks over all the context's descriptors */
	if (mask == tls->mask)
		return;
	tls->mask = mask;
	su_root_eventmask(self->tp_master->mr_root, self->tp_index, self->tp_socket, mask);
}

/*
 * Ends the connection with an error: the session says why, the waiting
 * transactions fail now (nta answers them 503), the connection is closed.
 */
G_GNUC_PRINTF(4, 5)
static void
tr_tls_fail(TrTlsTport *tls, int err, const gchar *verify_result, const gchar *format, ...)
{
	tport_t *self = &tls->tp;
	g_autofree gchar *reason = NULL;
	va_list args;

	va_start(args, format);
	reason = g_strdup_vprintf(format, args);
	va_end(args);

	tr_tls_session_failed(tls->session, tls, tls->handshake_done ? tls->gs : NULL,
			      verify_result, reason);
	tls->state = TR_TLS_CONN_DONE;
	tport_error_report(self, err, NULL);
	if (!self->tp_closed)
		tport_close(self);
}

/* the words for a verification status; NULL when verified */
static gchar *
verify_status_words(unsigned int status, const gchar *name)
{
	static const struct {
		unsigned int flag;
		const gchar *words;
	} known[] = {
		/* TRANSLATORS: why a server's TLS certificate was not verified;
		 * several are joined with "; " */
		{GNUTLS_CERT_SIGNER_NOT_FOUND, N_("issuer is unknown")},
		{GNUTLS_CERT_SIGNER_NOT_CA, N_("issuer is not a certificate authority")},
		{GNUTLS_CERT_EXPIRED, N_("certificate has expired")},
		{GNUTLS_CERT_NOT_ACTIVATED, N_("certificate is not yet valid")},
		{GNUTLS_CERT_REVOKED, N_("certificate is revoked")},
		{GNUTLS_CERT_INSECURE_ALGORITHM,
		 N_("certificate is signed with an insecure algorithm")},
		{GNUTLS_CERT_SIGNATURE_FAILURE, N_("certificate signature is wrong")},
		{GNUTLS_CERT_PURPOSE_MISMATCH, N_("certificate is not for a server")},
		{GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, N_("issuer's constraints forbid it")},
	};
	g_autoptr(GString) words = g_string_new(NULL);

	if (status == 0)
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(known); i++) {
		if (status & known[i].flag) {
			if (words->len > 0)
				g_string_append(words, "; ");
			g_string_append(words, _(known[i].words));
		}
	}
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		if (words->len > 0)
			g_string_append(words, "; ");
		/* TRANSLATORS: %s is the server's name the certificate should name */
		g_string_append_printf(words, _("certificate is not for %s"), name);
	}
	if (words->len == 0) {
		gnutls_datum_t out = {NULL, 0};

		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out,
								 0) == 0) {
			g_string_append_len(words, (const gchar *)out.data, out.size);
			gnutls_free(out.data);
		} else {
			/* TRANSLATORS: %x is GnuTLS's verification status, in hex */
			g_string_append_printf(words, _("not verified (status 0x%x)"), status);
		}
	}
	return g_string_free(g_steal_pointer(&words), FALSE);
}

static const gchar *
alert_words(gnutls_session_t gs)
{
	const gchar *name = gnutls_alert_get_name(gnutls_alert_get(gs));
	/* TRANSLATORS: a TLS alert GnuTLS has no name for */
	return name != NULL ? name : _("unknown alert");
}

/* why a server that ends the session may have done so, if it is about us */
static const gchar *
client_certificate_hint(TrTlsTport *tls)
{
	if (!gnutls_certificate_client_get_request_status(tls->gs))
		return "";
	/* TRANSLATORS: added to "TLS session with SBC ended by the server: ALERT";
	 * "it" is the server; keep the leading space and the parentheses */
	if (gnutls_certificate_get_ours(tls->gs) != NULL)
		return _(" (it refused the line's client certificate)");
	/* TRANSLATORS: as above */
	if (!tr_tls_session_has_client_certificate(tls->session))
		return _(" (it demands a client certificate and the line has none)");
	/* TRANSLATORS: as above; CA: certificate authority */
	return _(" (it demands a client certificate from a CA it names; the line's is from "
		 "another, so none was sent)");
}

/* ---- handshake ---------------------------------------------------------- */

static void
tr_tls_established(TrTlsTport *tls)
{
	tport_t *self = &tls->tp;
	unsigned int status = 0;
	g_autofree gchar *problem = NULL;
	g_autofree gchar *result = NULL;
	guint handshake_ms = (guint)((g_get_monotonic_time() - tls->handshake_start) / 1000);
	int r;

	r = gnutls_certificate_verify_peers3(tls->gs, tls->verify_name, &status);
	if (r < 0)
		/* TRANSLATORS: %s is GnuTLS's reason */
		problem = g_strdup_printf(_("cannot verify: %s"), gnutls_strerror(r));
	else
		problem = verify_status_words(status, tls->verify_name);

	if (problem != NULL && !tr_tls_session_get_no_verify(tls->session)) {
		/* tell the server why, then give up */
		gnutls_alert_send(tls->gs, GNUTLS_AL_FATAL,
				  (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
					  ? GNUTLS_A_UNKNOWN_CA
					  : GNUTLS_A_BAD_CERTIFICATE);
		tr_tls_fail(tls, EACCES, problem,
			    /* TRANSLATORS: the server, "sbc.example.net (192.0.2.1:5061)",
			     * then why its certificate was refused */
			    _("server certificate of %s refused: %s"), tls->peer, problem);
		return;
	}
	if (problem != NULL)
		/* TRANSLATORS: %s says what is wrong with the server's certificate */
		result = g_strdup_printf(_("not verified (verification is off): %s"), problem);
	else
		/* TRANSLATORS: %s is the server name the certificate was checked for */
		result = g_strdup_printf(_("verified for %s"), tls->verify_name);

	tls->state = TR_TLS_CONN_ESTABLISHED;
	self->tp_is_connected = 1;
	self->tp_verified = problem == NULL;
	tr_tls_session_established(tls->session, tls, tls->gs, handshake_ms, problem == NULL,
				   result);

	/* before TLS 1.3 the session data is complete now; in 1.3 it comes
	 * with the server's ticket, after the handshake */
	if (gnutls_protocol_get_version(tls->gs) != GNUTLS_TLS1_3) {
		tr_tls_session_save_resumption(tls->session, tls->gs, tls->peer);
		tls->resumption_saved = TRUE;
	}

	/* what tport.c queued while we were not ready goes now */
	if (tport_has_queued(self)) {
		self->tp_events |= SU_WAIT_OUT;
		tport_send_event(self);
	} else {
		self->tp_events &= ~SU_WAIT_OUT;
		tport_set_secondary_timer(self);
	}
	tr_tls_update_mask(tls);
}

static void
tr_tls_handshake(TrTlsTport *tls)
{
	const gchar *min = NULL;
	int r;

	do {
		r = gnutls_handshake(tls->gs);
		if (r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			g_debug("%s: TLS warning during handshake: %s", tls->peer,
				alert_words(tls->gs));
	} while (r < 0 && r != GNUTLS_E_AGAIN && !gnutls_error_is_fatal(r));

	if (r == GNUTLS_E_AGAIN) {
		tr_tls_update_mask(tls);
		return;
	}
	if (r == 0) {
		tls->handshake_done = TRUE;
		tr_tls_established(tls);
		return;
	}

	switch (r) {
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		tr_tls_fail(tls, EPROTO, NULL,
			    /* TRANSLATORS: the server, its TLS alert (in English, from
			     * GnuTLS), then nothing or a hint in parentheses */
			    _("TLS handshake with %s refused by the server: %s%s"), tls->peer,
			    alert_words(tls->gs), client_certificate_hint(tls));
		break;
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_INSUFFICIENT_CREDENTIALS:
	case GNUTLS_E_NO_COMMON_KEY_SHARE:
		min = tr_tls_session_get_min_version(tls->session);
		tr_tls_fail(
			tls, EPROTO, NULL,
			/* TRANSLATORS: the server, the line's minimum TLS version
			 * ("TLSv1.2"), then GnuTLS's reason */
			_("TLS handshake with %s failed: no protocol version or cipher suite in "
			  "common (minimum %s): %s"),
			tls->peer, min, gnutls_strerror(r));
		break;
	case GNUTLS_E_PREMATURE_TERMINATION:
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		tr_tls_fail(tls, EPROTO, NULL,
			    /* TRANSLATORS: %s is the server */
			    _("TLS handshake with %s failed: the server closed the connection"),
			    tls->peer);
		break;
	default:
		tr_tls_fail(tls, EPROTO, NULL,
			    /* TRANSLATORS: the server, then GnuTLS's reason */
			    _("TLS handshake with %s failed: %s"), tls->peer, gnutls_strerror(r));
		break;
	}
}

static void
tr_tls_start_handshake(TrTlsTport *tls)
{
	tls->state = TR_TLS_CONN_HANDSHAKING;
	tls->handshake_start = g_get_monotonic_time();
	tr_tls_session_handshaking(tls->session, tls);
	tr_tls_handshake(tls);
}

/* ---- keepalive (RFC 5626 CRLF) ------------------------------------------ */

/* finishes a keepalive record begun before; FALSE while it waits */
static gboolean
tr_tls_flush_control(TrTlsTport *tls)
{
	ssize_t r;

	if (!tls->control_pending)
		return TRUE;
	r = gnutls_record_send(tls->gs, NULL, 0);
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return FALSE;
	tls->control_pending = FALSE;
	if (r < 0) {
		errno = EPIPE;
		return FALSE;
	}
	return TRUE;
}

/* sends a ping (CRLFCRLF) or pong (CRLF) as a record of its own */
static void
tr_tls_send_control(TrTlsTport *tls, const gchar *bytes, gsize len, gboolean ping)
{
	tport_t *self = &tls->tp;
	ssize_t r;

	if (tls->send_pending > 0 || tls->control_pending || tport_has_queued(self))
		return;
	r = gnutls_record_send(tls->gs, bytes, len);
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		tls->control_pending = TRUE;
		tr_tls_update_mask(tls);
	} else if (r < 0) {
		g_autofree gchar *reason =
			/* TRANSLATORS: a keepalive that could not be sent: the server,
			 * then GnuTLS's reason */
			g_strdup_printf(_("keepalive to %s: %s"), tls->peer, gnutls_strerror(r));

		tr_tls_session_failed(tls->session, tls, NULL, NULL, reason);
		tls->state = TR_TLS_CONN_DONE;
		tport_error_report(self, EPIPE, NULL);
		if (!self->tp_closed)
			tport_close(self);
		return;
	}
	if (ping) {
		self->tp_ktime = su_now();
		if (self->tp_ptime.tv_sec == 0)
			self->tp_ptime = self->tp_ktime;
		tr_tls_session_keepalive_sent(tls->session);
		g_debug("%s: keepalive sent", tls->peer);
	}
}

static unsigned
tr_tls_keepalive_interval(TrTlsTport *tls)
{
	guint seconds = tr_tls_session_get_keepalive_interval(tls->session);

	if (seconds > 0)
		return seconds * 1000;
	return tls->tp.tp_params->tpp_keepalive;
}

/* ---- vtable: primary ---------------------------------------------------- */

static int
tr_tls_init_common(tport_primary_t *pri, tagi_t const *tags, char const **return_culprit)
{
	TrTlsPrimary *tlspri = (TrTlsPrimary *)pri;
	TrTlsSession *session = tr_tls_session_find_in_tags(tags);

	if (session != NULL) {
		tlspri->session = g_object_ref(session);
	} else {
		g_autoptr(GError) error = NULL;

		/* an agent that is not a tipring line: the secure defaults */
		tlspri->session = tr_tls_session_new("sips");
		if (!tr_tls_session_configure(tlspri->session, NULL, &error)) {
			g_warning("%s", error->message);
			return *return_culprit = "TLS trust", -1;
		}
	}
	if (!tr_tls_session_has_credentials(tlspri->session)) {
		g_autoptr(GError) error = NULL;

		if (!tr_tls_session_configure(tlspri->session, NULL, &error)) {
			g_warning("%s", error->message);
			return *return_culprit = "TLS trust", -1;
		}
	}
	pri->pri_has_tls = 1;
	return 0;
}

static int
tr_tls_init_server(tport_primary_t *pri, tp_name_t tpn[1], su_addrinfo_t *ai, tagi_t const *tags,
		   char const **return_culprit)
{
	if (tr_tls_init_common(pri, tags, return_culprit) < 0)
		return -1;
	return tport_tcp_init_primary(pri, tpn, ai, tags, return_culprit);
}

static int
tr_tls_init_client(tport_primary_t *pri, tp_name_t tpn[1], su_addrinfo_t *ai, tagi_t const *tags,
		   char const **return_culprit)
{
	if (tr_tls_init_common(pri, tags, return_culprit) < 0)
		return -1;
	return tport_tcp_init_client(pri, tpn, ai, tags, return_culprit);
}

static void
tr_tls_deinit_primary(tport_primary_t *pri)
{
	TrTlsPrimary *tlspri = (TrTlsPrimary *)pri;

	g_clear_object(&tlspri->session);
}

/* client only: an incoming connection is closed at once */
static int
tr_tls_refuse(tport_primary_t *pri, int events)
{
	su_socket_t s;

	if (events & SU_WAIT_ERR)
		tport_error_event(pri->pri_primary);
	if (!(events & SU_WAIT_ACCEPT))
		return 0;
	s = accept(pri->pri_primary->tp_socket, NULL, NULL);
	if (s != INVALID_SOCKET) {
		g_debug("refused an incoming TLS connection: this transport only connects");
		su_close(s);
	}
	return 0;
}

/* ---- vtable: secondary -------------------------------------------------- */

static int
tr_tls_init_secondary(tport_t *self, int socket, int accepted, char const **return_reason)
{
	if (accepted)
		return *return_reason = "TLS server side", -1;
	return tport_tcp_init_secondary(self, socket, accepted, return_reason);
}

static void
tr_tls_deinit_secondary(tport_t *self)
{
	TrTlsTport *tls = (TrTlsTport *)self;

	if (tls->gs != NULL) {
		gnutls_deinit(tls->gs);
		tls->gs = NULL;
	}
	if (tls->session != NULL) {
		/* TRANSLATORS: why a TLS session ended: the line closed it */
		tr_tls_session_closed(tls->session, tls, C_("TLS session end", "closed"), FALSE);
		g_clear_object(&tls->session);
	}
	g_clear_pointer(&tls->credentials, tr_tls_credentials_unref);
	g_clear_pointer(&tls->buffer, g_free);
	g_clear_pointer(&tls->peer, g_free);
	g_clear_pointer(&tls->verify_name, g_free);
}

static void
tr_tls_shutdown(tport_t *self, int how)
{
	TrTlsTport *tls = (TrTlsTport *)self;

	/* close_notify, if it can go now; a record begun must end first */
	if (how >= 1 && tls->state == TR_TLS_CONN_ESTABLISHED && !tls->bye_sent &&
	    tls->send_pending == 0 && !tls->control_pending) {
		tls->bye_sent = TRUE;
		gnutls_bye(tls->gs, GNUTLS_SHUT_WR);
	}
	shutdown(self->tp_socket, how);
	if (how >= 2) {
		if (tls->session != NULL)
			/* TRANSLATORS: why a TLS session ended: the line closed it */
			tr_tls_session_closed(tls->session, tls, C_("TLS session end", "closed"),
					      FALSE);
		tls->state = TR_TLS_CONN_DONE;
	}
}

static int
tr_tls_set_events(tport_t const *self)
{
	tr_tls_update_mask((TrTlsTport *)self);
	return 0;
}

static int
tr_tls_events(tport_t *self, int events)
{
	TrTlsTport *tls = (TrTlsTport *)self;
	int error = 0;

	switch (tls->state) {
	case TR_TLS_CONN_CONNECTING:
		if (events & (SU_WAIT_CONNECT | SU_WAIT_ERR | SU_WAIT_HUP)) {
			int err = su_soerror(self->tp_socket);

			if (err != 0)
				tr_tls_fail(tls, err, NULL,
					    /* TRANSLATORS: the server, then the system's
					     * reason */
					    _("cannot connect to %s: %s"), tls->peer,
					    g_strerror(err));
			else
				tr_tls_start_handshake(tls);
		}
		return 0;
	case TR_TLS_CONN_HANDSHAKING:
		tr_tls_handshake(tls);
		return 0;
	case TR_TLS_CONN_ESTABLISHED:
		break;
	case TR_TLS_CONN_DONE:
		return 0;
	}

	if (events & SU_WAIT_ERR)
		error = tport_error_event(self);

	if ((events & SU_WAIT_OUT) && !self->tp_closed) {
		if (tls->control_pending && tr_tls_flush_control(tls))
			tr_tls_update_mask(tls);
		if (tls->read_wants_out)
			tport_recv_event(self);
		if (!self->tp_closed && tport_has_queued(self))
			tport_send_event(self);
	}
	if ((events & SU_WAIT_IN) && !self->tp_closed)
		tport_recv_event(self);
	if ((events & SU_WAIT_HUP) && !self->tp_closed)
		tport_hup_event(self);
	if (error > 0 && !self->tp_closed)
		tport_error_report(self, error, NULL);
	if (!self->tp_closed)
		tr_tls_update_mask(tls);
	return 0;
}

static int
tr_tls_wakeup(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	tport_t *self = arg;

	return tr_tls_events(self, su_wait_events(w, self->tp_socket));
}

static gsize
whitespace_span(const guint8 *data, gsize len)
{
	gsize i;

	for (i = 0; i < len; i++) {
		if (data[i] != '\r' && data[i] != '\n' && data[i] != ' ' && data[i] != '\t')
			break;
	}
	return i;
}

/*
 * Reads one record. Returns as tport.c wants: -1 error (errno set), 0 end of
 * stream, 1 nothing more for now, 2 read again.
 */
static int
tr_tls_recv(tport_t *self)
{
	TrTlsTport *tls = (TrTlsTport *)self;
	guint8 buf[TR_TLS_RECORD_SIZE];
	msg_iovec_t iovec[msg_n_fragments] = {{0}};
	const guint8 *data = buf;
	gboolean pinged;
	ssize_t n, veclen;
	gsize len, copied = 0;

	if (tls->state != TR_TLS_CONN_ESTABLISHED)
		return 1;

	tls->read_wants_out = FALSE;
	n = gnutls_record_recv(tls->gs, buf, sizeof buf);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		tls->read_wants_out = gnutls_record_get_direction(tls->gs) == 1;
		return 1;
	}
	if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
		tr_tls_session_closed(
			tls->session, tls,
			/* TRANSLATORS: why a TLS session ended; close_notify is a TLS
			 * message: keep it */
			n == 0 ? _("closed by the server")
			       : _("the server dropped the connection (no close_notify)"),
			TRUE);
		if (self->tp_msg != NULL)
			msg_recv_commit(self->tp_msg, 0, 1);
		return 0;
	}
	if (n == GNUTLS_E_REHANDSHAKE) {
		/* a TLS 1.2 server asking to renegotiate: no */
		gnutls_alert_send(tls->gs, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
		return 2;
	}
	if (n < 0 && !gnutls_error_is_fatal(n)) {
		g_debug("%s: %s", tls->peer, gnutls_strerror(n));
		return 2;
	}
	if (n < 0) {
		g_autofree gchar *reason = NULL;

		if (n == GNUTLS_E_FATAL_ALERT_RECEIVED)
			reason = g_strdup_printf(
				/* TRANSLATORS: the server, its TLS alert (in English,
				 * from GnuTLS), then nothing or a hint in parentheses */
				_("TLS session with %s ended by the server: %s%s"), tls->peer,
				alert_words(tls->gs), client_certificate_hint(tls));
		else
			/* TRANSLATORS: the server, then GnuTLS's reason */
			reason = g_strdup_printf(_("TLS session with %s: %s"), tls->peer,
						 gnutls_strerror((int)n));
		tr_tls_session_failed(tls->session, tls, NULL, NULL, reason);
		errno = EPROTO;
		return -1;
	}

	/* a TLS 1.3 server sends its ticket after the handshake */
	if (!tls->resumption_saved &&
	    (gnutls_session_get_flags(tls->gs) & GNUTLS_SFLAGS_SESSION_TICKET)) {
		tr_tls_session_save_resumption(tls->session, tls->gs, tls->peer);
		tls->resumption_saved = TRUE;
	}

	len = (gsize)n;
	pinged = self->tp_ptime.tv_sec != 0;
	memset(&self->tp_ptime, 0, sizeof self->tp_ptime);

	/* keepalives between messages (RFC 5626 3.5.1): a pong, or a ping */
	if (self->tp_msg == NULL) {
		gsize ws = whitespace_span(data, len);

		if (ws > 0) {
			tport_recv_bytes(self, ws, ws);
			self->tp_ping += ws;
			data += ws;
			len -= ws;
			if (len == 0) {
				if (self->tp_ping >= 4) {
					self->tp_ping = 0;
					if (self->tp_params->tpp_pong2ping)
						tr_tls_send_control(tls, "\r\n", 2, FALSE);
				} else if (pinged) {
					self->tp_ping = 0;
					tr_tls_session_pong_received(tls->session);
					g_debug("%s: keepalive answered", tls->peer);
				}
				return 2;
			}
		}
		self->tp_ping = 0;
	}

	veclen = tport_recv_iovec(self, &self->tp_msg, iovec, len, 0);
	if (veclen < 0)
		return -1;
	msg_set_address(self->tp_msg, self->tp_addr, self->tp_addrlen);
	for (ssize_t i = 0; i < veclen; i++) {
		memcpy(iovec[i].mv_base, data + copied, iovec[i].mv_len);
		copied += iovec[i].mv_len;
	}
	g_assert(copied == len);
	if (self->tp_master->mr_dump_file)
		tport_dump_iovec(self, self->tp_msg, len, iovec, veclen, "recv", "from");
	tport_recv_bytes(self, len, len);
	msg_recv_commit(self->tp_msg, len, 0);
	return 2;
}

/*
 * Sends what it can of @iov as records of up to 16 KiB. Returns the bytes
 * of @iov sent; 0 when nothing can go now (tport.c then keeps the rest and
 * asks for SU_WAIT_OUT). A record that stopped on E_AGAIN is not counted
 * until it is finished: the next call finishes it first, then goes on.
 */
static ssize_t
tr_tls_send(tport_t const *const_self, msg_t *msg, msg_iovec_t iov[], size_t iovused)
{
	TrTlsTport *tls = (TrTlsTport *)const_self;
	gsize total = 0, skip;
	size_t i = 0;
	gsize offset = 0; /* into iov[i] */

	if (tls->state != TR_TLS_CONN_ESTABLISHED) {
		if (tls->state == TR_TLS_CONN_DONE) {
			errno = EPIPE;
			return -1;
		}
		return 0; /* queued until the handshake is done */
	}
	if (!tr_tls_flush_control(tls)) {
		if (tls->control_pending)
			return 0;
		return -1;
	}

	if (tls->send_pending > 0) {
		ssize_t r = gnutls_record_send(tls->gs, NULL, 0);

		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			return 0;
		if (r < 0) {
			tls->send_pending = 0;
			errno = EPIPE;
			return -1;
		}
		total = tls->send_pending;
		tls->send_pending = 0;
	}

	/* past what the finished record held */
	skip = total;
	while (i < iovused && skip >= (gsize)iov[i].mv_len) {
		skip -= iov[i].mv_len;
		i++;
	}
	offset = skip;

	if (tls->buffer == NULL)
		tls->buffer = g_malloc(TR_TLS_RECORD_SIZE);

	while (i < iovused) {
		gsize m = 0;
		ssize_t r;

		/* gather the next record */
		while (i < iovused && m < TR_TLS_RECORD_SIZE) {
			gsize take = MIN((gsize)iov[i].mv_len - offset, TR_TLS_RECORD_SIZE - m);

			memcpy(tls->buffer + m, (const guint8 *)iov[i].mv_base + offset, take);
			m += take;
			offset += take;
			if (offset == (gsize)iov[i].mv_len) {
				i++;
				offset = 0;
			}
		}
		if (m == 0)
			break;

		r = gnutls_record_send(tls->gs, tls->buffer, m);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			/* gnutls holds the record; the same bytes are the next ones */
			tls->send_pending = m;
			tr_tls_session_record_waited(tls->session);
			tr_tls_update_mask(tls);
			break;
		}
		if (r < 0) {
			g_autofree gchar *reason =
				/* TRANSLATORS: the server, then GnuTLS's reason */
				g_strdup_printf(_("TLS send to %s: %s"), tls->peer,
						gnutls_strerror((int)r));

			tr_tls_session_failed(tls->session, tls, NULL, NULL, reason);
			if (total > 0)
				return total;
			errno = EPIPE;
			return -1;
		}
		total += (gsize)r;
		if ((gsize)r < m) {
			/* cannot happen with records of at most 16 KiB; be safe */
			break;
		}
	}
	return total;
}

static int
tr_tls_next_timer(tport_t *self, su_time_t *return_target, char const **return_why)
{
	TrTlsTport *tls = (TrTlsTport *)self;
	unsigned interval, pingpong;

	if (tls->state == TR_TLS_CONN_CONNECTING || tls->state == TR_TLS_CONN_HANDSHAKING) {
		if (su_time_cmp(tls->deadline, *return_target) < 0) {
			*return_target = tls->deadline;
			*return_why = "TLS handshake timeout";
		}
		return 0;
	}
	if (tls->state != TR_TLS_CONN_ESTABLISHED)
		return 0;

	tport_next_recv_timeout(self, return_target, return_why);

	interval = tr_tls_keepalive_interval(tls);
	if (interval != 0 && interval != UINT_MAX && !tport_has_queued(self)) {
		su_time_t t = su_time_add(self->tp_ktime, interval);

		if (su_time_cmp(t, *return_target) < 0) {
			*return_target = t;
			*return_why = "keepalive";
		}
	}
	pingpong = self->tp_params->tpp_pingpong;
	if (pingpong != 0 && self->tp_ptime.tv_sec != 0 && !self->tp_recv_close) {
		su_time_t t = su_time_add(self->tp_ptime, pingpong);

		if (su_time_cmp(t, *return_target) < 0) {
			*return_target = t;
			*return_why = "waiting for pong";
		}
	}
	return 0;
}

static void
tr_tls_timer(tport_t *self, su_time_t now)
{
	TrTlsTport *tls = (TrTlsTport *)self;
	unsigned interval, pingpong;

	if (tls->state == TR_TLS_CONN_CONNECTING || tls->state == TR_TLS_CONN_HANDSHAKING) {
		if (su_time_cmp(tls->deadline, now) <= 0) {
			guint timeout = tr_tls_session_get_handshake_timeout(tls->session);

			if (tls->state == TR_TLS_CONN_CONNECTING)
				tr_tls_fail(tls, ETIMEDOUT, NULL,
					    /* TRANSLATORS: the server, then milliseconds */
					    _("TCP connection with %s timed out after %u ms"),
					    tls->peer, timeout);
			else
				tr_tls_fail(tls, ETIMEDOUT, NULL,
					    /* TRANSLATORS: the server, then milliseconds */
					    _("TLS handshake with %s timed out after %u ms"),
					    tls->peer, timeout);
			return;
		}
		tport_base_timer(self, now);
		return;
	}
	if (tls->state != TR_TLS_CONN_ESTABLISHED)
		return;

	tport_recv_timeout_timer(self, now);

	pingpong = self->tp_params->tpp_pingpong;
	if (pingpong != 0 && self->tp_ptime.tv_sec != 0 && !self->tp_recv_close &&
	    su_time_cmp(su_time_add(self->tp_ptime, pingpong), now) < 0) {
		tr_tls_fail(tls, EPIPE, NULL,
			    /* TRANSLATORS: the server, then milliseconds */
			    _("no answer from %s to a keepalive within %u ms"), tls->peer,
			    pingpong);
		return;
	}
	interval = tr_tls_keepalive_interval(tls);
	if (interval != 0 && interval != UINT_MAX &&
	    su_time_cmp(su_time_add(self->tp_ktime, interval), now) <= 0)
		tr_tls_send_control(tls, "\r\n\r\n", 4, TRUE);
	if (self->tp_closed)
		return;

	tport_base_timer(self, now);
}

static tport_t *
tr_tls_connect(tport_primary_t *pri, su_addrinfo_t *ai, tp_name_t const *tpn)
{
	TrTlsPrimary *tlspri = (TrTlsPrimary *)pri;
	TrTlsSession *session = tlspri->session;
	g_autoptr(TrTlsCredentials) credentials = tr_tls_session_ref_credentials(session);
	char hostport[TPORT_HOSTPORTSIZE];
	g_autofree gchar *peer = NULL;
	const gchar *reason = "tport_alloc_secondary";
	TrTlsTport *tls;
	tport_t *self;
	su_socket_t s, server_socket;
	gboolean use_sni = FALSE;
	int events, err, r;

	peer = g_strdup_printf("%s (%s)", tpn->tpn_canon,
			       tport_hostport(hostport, sizeof hostport, (void *)ai->ai_addr, 1));

	s = su_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	self = s != INVALID_SOCKET ? tport_alloc_secondary(pri, s, 0, &reason) : NULL;
	if (self == NULL) {
		err = su_errno() != 0 ? su_errno() : ENOMEM;
		tr_tls_session_connecting(session, NULL, peer);
		tr_tls_session_failed(session, NULL, NULL, NULL,
				      s == INVALID_SOCKET ? g_strerror(err) : reason);
		errno = err;
		return NULL;
	}
	tr_tls_session_connecting(session, self, peer);
	tls = (TrTlsTport *)self;
	tls->session = g_object_ref(session);
	tls->credentials = g_steal_pointer(&credentials);
	tls->peer = g_steal_pointer(&peer);
	tls->state = TR_TLS_CONN_CONNECTING;
	tls->deadline = su_time_add(su_now(), tr_tls_session_get_handshake_timeout(session));
	self->tp_conn_orient = 1;

	/* from the address the line is bound to */
	server_socket = pri->pri_primary->tp_socket;
	if (server_socket != INVALID_SOCKET) {
		su_sockaddr_t local;
		socklen_t locallen = sizeof local;

		if (getsockname(server_socket, &local.su_sa, &locallen) == 0) {
			local.su_port = 0;
			if (bind(s, &local.su_sa, locallen) < 0)
				g_debug("%s: bind to the line's address: %s", tls->peer,
					g_strerror(errno));
		}
	}

	if (tport_setname(self, tpn->tpn_proto, ai, tpn->tpn_canon) == -1) {
		err = su_errno();
		tr_tls_session_failed(session, tls, NULL, NULL, "tport_setname");
		tport_zap_secondary(self);
		errno = err;
		return NULL;
	}

	r = gnutls_init(&tls->gs, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (r == 0)
		r = gnutls_priority_set(tls->gs, tls->credentials->priority);
	if (r == 0)
		r = gnutls_credentials_set(tls->gs, GNUTLS_CRD_CERTIFICATE,
					   tls->credentials->credentials);
	tls->verify_name = tr_tls_tport_peer_name(tr_tls_session_get_server_name(session),
						  tpn->tpn_canon, &use_sni);
	if (r == 0 && use_sni)
		r = gnutls_server_name_set(tls->gs, GNUTLS_NAME_DNS, tls->verify_name,
					   strlen(tls->verify_name));
	if (r < 0) {
		/* TRANSLATORS: %s is GnuTLS's reason */
		g_autofree gchar *why = g_strdup_printf(_("TLS setup: %s"), gnutls_strerror(r));

		tr_tls_session_failed(session, tls, NULL, NULL, why);
		tport_zap_secondary(self);
		errno = ENOMEM;
		return NULL;
	}
	gnutls_transport_set_int(tls->gs, s);
	tr_tls_session_apply_resumption(session, tls->gs, tls->peer);

	su_setblocking(s, 0);
	events = SU_WAIT_CONNECT | SU_WAIT_ERR;
	if (connect(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) == SOCKET_ERROR) {
		err = su_errno();
		if (!su_is_blocking(err) && err != EINPROGRESS) {
			g_autofree gchar *why =
				/* TRANSLATORS: the server, then the system's reason */
				g_strdup_printf(_("cannot connect to %s: %s"), tls->peer,
						g_strerror(err));

			tr_tls_session_failed(session, tls, NULL, NULL, why);
			tport_zap_secondary(self);
			errno = err;
			return NULL;
		}
	} else {
		events = SU_WAIT_IN | SU_WAIT_ERR | SU_WAIT_HUP;
	}

	if (tport_register_secondary(self, tr_tls_wakeup, events) == -1) {
		err = su_errno();
		tr_tls_session_failed(session, tls, NULL, NULL, "tport_register_secondary");
		tport_zap_secondary(self);
		errno = err;
		return NULL;
	}
	tls->mask = events;
	/* tport.c queues what it sends until SU_WAIT_OUT is cleared */
	self->tp_events = SU_WAIT_IN | SU_WAIT_OUT | SU_WAIT_ERR | SU_WAIT_HUP;
	g_debug("%s: connecting to %s (SNI %s, server must prove %s)",
		tr_tls_session_get_name(session), tls->peer, use_sni ? tls->verify_name : "none",
		tls->verify_name);

	if (events & SU_WAIT_IN)
		tr_tls_start_handshake(tls);
	else
		tr_tls_update_mask(tls);
	tport_set_secondary_timer(self);
	return self;
}

/* ---- the types and their registration ----------------------------------- */

static const tport_vtable_t tr_tls_vtable = {
	.vtp_name = "tls",
	.vtp_public = tport_type_local,
	.vtp_pri_size = sizeof(TrTlsPrimary),
	.vtp_init_primary = tr_tls_init_server,
	.vtp_deinit_primary = tr_tls_deinit_primary,
	.vtp_wakeup_pri = tr_tls_refuse,
	.vtp_connect = tr_tls_connect,
	.vtp_secondary_size = sizeof(TrTlsTport),
	.vtp_init_secondary = tr_tls_init_secondary,
	.vtp_deinit_secondary = tr_tls_deinit_secondary,
	.vtp_shutdown = tr_tls_shutdown,
	.vtp_set_events = tr_tls_set_events,
	.vtp_wakeup = tr_tls_events,
	.vtp_recv = tr_tls_recv,
	.vtp_send = tr_tls_send,
	.vtp_next_secondary_timer = tr_tls_next_timer,
	.vtp_secondary_timer = tr_tls_timer,
};

static const tport_vtable_t tr_tls_client_vtable = {
	.vtp_name = "tls",
	.vtp_public = tport_type_client,
	.vtp_pri_size = sizeof(TrTlsPrimary),
	.vtp_init_primary = tr_tls_init_client,
	.vtp_deinit_primary = tr_tls_deinit_primary,
	.vtp_connect = tr_tls_connect,
	.vtp_secondary_size = sizeof(TrTlsTport),
	.vtp_init_secondary = tr_tls_init_secondary,
	.vtp_deinit_secondary = tr_tls_deinit_secondary,
	.vtp_shutdown = tr_tls_shutdown,
	.vtp_set_events = tr_tls_set_events,
	.vtp_wakeup = tr_tls_events,
	.vtp_recv = tr_tls_recv,
	.vtp_send = tr_tls_send,
	.vtp_next_secondary_timer = tr_tls_next_timer,
	.vtp_secondary_timer = tr_tls_timer,
};

/* the Version: of @package in a dpkg status file, if installed */
static gchar *
dpkg_installed_version(const gchar *status_path, const gchar *package, GError **error)
{
	g_autofree gchar *contents = NULL;
	gboolean ours = FALSE, installed = FALSE;
	const gchar *version = NULL;
	gsize version_len = 0;

	if (!g_file_get_contents(status_path, &contents, NULL, error))
		return NULL;
	/* one pass over "Field: value" lines; a blank line ends a stanza */
	for (const gchar *line = contents; line != NULL && *line != '\0';) {
		const gchar *end = strchr(line, '\n');
		gsize len = end != NULL ? (gsize)(end - line) : strlen(line);

		if (len == 0) {
			if (ours && installed && version != NULL)
				return g_strndup(version, version_len);
			ours = installed = FALSE;
			version = NULL;
		} else if (len > 9 && strncmp(line, "Package: ", 9) == 0) {
			ours = len - 9 == strlen(package) &&
			       strncmp(line + 9, package, len - 9) == 0;
		} else if (len > 8 && strncmp(line, "Status: ", 8) == 0) {
			installed = len - 8 == strlen("install ok installed") &&
				    strncmp(line + 8, "install ok installed", len - 8) == 0;
		} else if (len > 9 && strncmp(line, "Version: ", 9) == 0) {
			version = line + 9;
			version_len = len - 9;
		}
		line = end != NULL ? end + 1 : NULL;
	}
	if (ours && installed && version != NULL)
		return g_strndup(version, version_len);
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
		    /* TRANSLATORS: %s is a Debian package name */
		    _("%s is not installed"), package);
	return NULL;
}

/**
 * tr_tls_tport_check_version:
 * @dpkg_status_path: (nullable): the dpkg status file; %NULL for the system's
 *
 * The transport reaches into Sofia-SIP's private structs, whose layout
 * changes between versions while the soname stays: it is only safe with
 * exactly the library whose source it was built against.
 */
gboolean
tr_tls_tport_check_version(const gchar *dpkg_status_path, GError **error)
{
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *installed = NULL;

	if (g_strcmp0(sofia_sip_name_version, TR_SOFIA_SRC_NAME_VERSION) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    /* TRANSLATORS: Sofia-SIP versions, then a Debian package and
			     * its version */
			    _("Sofia-SIP is %s but this TLS transport was built for %s (%s %s): "
			      "rebuild it against the installed library"),
			    sofia_sip_name_version, TR_SOFIA_SRC_NAME_VERSION, TR_SOFIA_PKG_NAME,
			    TR_SOFIA_PKG_VERSION);
		return FALSE;
	}
	if (dpkg_status_path == NULL)
		dpkg_status_path = "/var/lib/dpkg/status";
	installed = dpkg_installed_version(dpkg_status_path, TR_SOFIA_PKG_NAME, &local_error);
	if (installed == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    /* TRANSLATORS: a Debian package, why its version is not known,
			     * then the version the transport was built against */
			    _("cannot tell which %s is installed (%s), and this TLS transport is "
			      "only safe with %s"),
			    TR_SOFIA_PKG_NAME, local_error->message, TR_SOFIA_PKG_VERSION);
		return FALSE;
	}
	if (g_strcmp0(installed, TR_SOFIA_PKG_VERSION) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			    /* TRANSLATORS: a Debian package and its installed version, then
			     * the version the transport was built against */
			    _("%s %s is installed but this TLS transport was built against %s: "
			      "rebuild it (.ci/fetch-sofia-src, then meson)"),
			    TR_SOFIA_PKG_NAME, installed, TR_SOFIA_PKG_VERSION);
		return FALSE;
	}
	return TRUE;
}

/**
 * tr_tls_tport_register:
 *
 * Registers the GnuTLS "tls" type (server and client variants) with
 * Sofia-SIP, once per process: it cannot be undone, so the module that
 * holds it must stay loaded. Check the version first.
 */
gboolean
tr_tls_tport_register(GError **error)
{
	static gboolean registered = FALSE;

	if (registered)
		return TRUE;
	if (tport_register_type(&tr_tls_vtable) < 0 ||
	    tport_register_type(&tr_tls_client_vtable) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    /* TRANSLATORS: %s is the system's reason */
			    _("cannot register the TLS transport with Sofia-SIP: %s"),
			    g_strerror(su_errno()));
		return FALSE;
	}
	/* the last registered wins; make sure nothing came after us */
	if (tport_vtable_by_name("tls", tport_type_local) != &tr_tls_vtable ||
	    tport_vtable_by_name("tls", tport_type_client) != &tr_tls_client_vtable) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    /* TRANSLATORS: another TLS transport was registered with
				     * the SIP stack after this one */
				    _("the TLS transport does not replace Sofia-SIP's own"));
		return FALSE;
	}
	registered = TRUE;
	g_debug("GnuTLS %s transport registered with %s as \"tls\"", gnutls_check_version(NULL),
		sofia_sip_name_version);
	return TRUE;
}
