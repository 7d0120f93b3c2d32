/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gnutls/gnutls.h>

#include "tr-tls-session.h"

G_BEGIN_DECLS

/* what the transport (tr-tls-tport.c) asks of and tells a line's session */

TrTlsSession *tr_tls_session_find_in_tags(const tagi_t *tags);

/*
 * The trust, client certificate and priorities in force: a connection keeps
 * a reference, so that new settings never pull them from under it.
 */
typedef struct {
	gnutls_certificate_credentials_t credentials;
	gnutls_priority_t priority;
} TrTlsCredentials;

TrTlsCredentials *tr_tls_credentials_ref(TrTlsCredentials *credentials);
void tr_tls_credentials_unref(TrTlsCredentials *credentials);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTlsCredentials, tr_tls_credentials_unref)

TrTlsCredentials *tr_tls_session_ref_credentials(TrTlsSession *self);
gboolean tr_tls_session_has_credentials(TrTlsSession *self);
gboolean tr_tls_session_has_client_certificate(TrTlsSession *self);
const gchar *tr_tls_session_get_min_version(TrTlsSession *self);
const gchar *tr_tls_session_get_server_name(TrTlsSession *self);
gboolean tr_tls_session_get_no_verify(TrTlsSession *self);
guint tr_tls_session_get_keepalive_interval(TrTlsSession *self);
guint tr_tls_session_get_handshake_timeout(TrTlsSession *self);

/*
 * @conn identifies one connection (its tport). The session shows the line's
 * main connection: the first one tried while none is established. Others
 * (an OPTIONS to another host, say) are logged but do not overwrite it.
 */
void tr_tls_session_connecting(TrTlsSession *self, gconstpointer conn, const gchar *peer);
void tr_tls_session_handshaking(TrTlsSession *self, gconstpointer conn);
void tr_tls_session_established(TrTlsSession *self, gconstpointer conn, gnutls_session_t session,
				guint handshake_ms, gboolean verified, const gchar *verify_result);
void tr_tls_session_failed(TrTlsSession *self, gconstpointer conn, gnutls_session_t session,
			   const gchar *verify_result, const gchar *reason);
void tr_tls_session_closed(TrTlsSession *self, gconstpointer conn, const gchar *reason,
			   gboolean by_peer);
void tr_tls_session_keepalive_sent(TrTlsSession *self);
void tr_tls_session_pong_received(TrTlsSession *self);
/* a record stopped on GNUTLS_E_AGAIN (statistics, for tests) */
void tr_tls_session_record_waited(TrTlsSession *self);
guint tr_tls_session_get_records_waited(TrTlsSession *self);

/* resumption data of the last session, for the next connection to the same peer */
void tr_tls_session_save_resumption(TrTlsSession *self, gnutls_session_t session,
				    const gchar *peer);
void tr_tls_session_apply_resumption(TrTlsSession *self, gnutls_session_t session,
				     const gchar *peer);

G_END_DECLS
