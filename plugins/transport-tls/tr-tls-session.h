/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <sofia-sip/su_tag.h>

G_BEGIN_DECLS

/**
 * TrTlsState:
 * @TR_TLS_STATE_IDLE: no connection tried yet
 * @TR_TLS_STATE_CONNECTING: the TCP connection is being set up
 * @TR_TLS_STATE_HANDSHAKING: the TLS handshake is under way
 * @TR_TLS_STATE_ESTABLISHED: handshake done and the server verified
 * @TR_TLS_STATE_FAILED: the last connection, handshake or verification failed;
 *   #TrTlsSession:last-error says why
 * @TR_TLS_STATE_CLOSED: the last session ended (closed by either side)
 */
typedef enum {
	TR_TLS_STATE_IDLE,
	TR_TLS_STATE_CONNECTING,
	TR_TLS_STATE_HANDSHAKING,
	TR_TLS_STATE_ESTABLISHED,
	TR_TLS_STATE_FAILED,
	TR_TLS_STATE_CLOSED,
} TrTlsState;

const gchar *tr_tls_state_to_string(TrTlsState state);

/**
 * TrTlsSettings:
 * @ca_file: (nullable): PEM file of the trusted certificate authorities;
 *   %NULL or "" for the system's trust store
 * @cert_file: (nullable): PEM client certificate (chain) given when the
 *   server asks for one; %NULL for none
 * @key_file: (nullable): PEM private key of @cert_file; %NULL when the key
 *   is in @cert_file
 * @min_version: (nullable): "TLSv1.0", "TLSv1.1", "TLSv1.2" (%NULL, the
 *   default) or "TLSv1.3"
 * @server_name: (nullable): the name the server must prove and that is sent
 *   as SNI; %NULL for the host of the URI the line connects to (RFC 5922)
 * @no_verify: accept any server certificate (testing only; the session then
 *   reports #TrTlsSession:verified %FALSE and says why in its verify result)
 * @keepalive_interval: seconds between RFC 5626 CRLF keepalives on an idle
 *   session; 0 leaves it to the transport parameters (TPTAG_KEEPALIVE())
 * @handshake_timeout: milliseconds allowed for TCP connect and handshake
 *   together; 0 for the default (10 s)
 *
 * A line's TLS settings. Zero-initialised settings are the secure
 * defaults: system trust, verification on, TLS 1.2 minimum.
 */
typedef struct {
	const gchar *ca_file;
	const gchar *cert_file;
	const gchar *key_file;
	const gchar *min_version;
	const gchar *server_name;
	gboolean no_verify;
	guint keepalive_interval;
	guint handshake_timeout;
} TrTlsSettings;

#define TR_TYPE_TLS_SESSION (tr_tls_session_get_type())
G_DECLARE_FINAL_TYPE(TrTlsSession, tr_tls_session, TR, TLS_SESSION, GObject)

TrTlsSession *tr_tls_session_new(const gchar *name);
const gchar *tr_tls_session_get_name(TrTlsSession *self);
gboolean tr_tls_session_configure(TrTlsSession *self, const TrTlsSettings *settings,
				  GError **error);
const tagi_t *tr_tls_session_get_nua_tags(TrTlsSession *self);

TrTlsState tr_tls_session_get_state(TrTlsSession *self);
const gchar *tr_tls_session_get_protocol_version(TrTlsSession *self);
const gchar *tr_tls_session_get_cipher_suite(TrTlsSession *self);
const gchar *tr_tls_session_get_peer_certificate(TrTlsSession *self);
const gchar *tr_tls_session_get_peer_subject(TrTlsSession *self);
gboolean tr_tls_session_get_verified(TrTlsSession *self);
const gchar *tr_tls_session_get_verify_result(TrTlsSession *self);
guint tr_tls_session_get_handshake_ms(TrTlsSession *self);
gboolean tr_tls_session_get_resumed(TrTlsSession *self);
gint64 tr_tls_session_get_established_at(TrTlsSession *self);
guint tr_tls_session_get_reconnect_count(TrTlsSession *self);
const gchar *tr_tls_session_get_last_error(TrTlsSession *self);
guint tr_tls_session_get_keepalives_sent(TrTlsSession *self);
guint tr_tls_session_get_pongs_received(TrTlsSession *self);

/*
 * The tag that carries a line's session to its transport: give it to
 * nua_create() (tr_tls_session_get_nua_tags() returns a list holding it).
 * The transport keeps a reference while the line's agent is bound.
 */
extern tag_typedef_t trtlstag_session;
#define TRTLSTAG_SESSION(x) trtlstag_session, tag_ptr_v((x))

G_END_DECLS
