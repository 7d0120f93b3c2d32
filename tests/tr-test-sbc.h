/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A real SBC for the tests: Kamailio on 127.0.0.1 with a registrar, digest
 * authentication and four ports chosen free (UDP, TCP, TLS, and TLS that
 * demands a client certificate signed by the device CA). Every instance has
 * its own temporary directory with its certificates, its db_text tables,
 * its tls.cfg, its kamcmd socket and its log; nothing is shared.
 *
 * Kamailio runs in a process group of its own and gets SIGTERM when the
 * thread that started it exits (PR_SET_PDEATHSIG): start it from the test's
 * main thread. Errors are G_IO_ERROR; a missing program (kamailio, kamcmd,
 * certtool) is G_IO_ERROR_NOT_FOUND.
 *
 * Environment: KAMAILIO, KAMCMD and CERTTOOL name the programs (else PATH,
 * then /usr/sbin); TR_TEST_SBC_CONFIG names kamailio.cfg (else
 * G_TEST_SRCDIR/sbc/kamailio.cfg); TR_TEST_SBC_KEEP=1 keeps the directory.
 */

typedef struct _TrTestSbc TrTestSbc;

/* the certificate the TLS ports present; applies from the next start */
typedef enum {
	/* signed by server-ca.pem, for IP 127.0.0.1 and DNS sbc.test */
	TR_TEST_SBC_CERT_GOOD,
	/* signed by server-ca.pem, for wrong.test and 127.0.0.2 only */
	TR_TEST_SBC_CERT_WRONG_NAME,
	/* the right names, signed by wrong-ca.pem */
	TR_TEST_SBC_CERT_UNKNOWN_CA,
} TrTestSbcCert;

/* one contact of `kamcmd ul.dump` */
typedef struct {
	gchar *aor;	   /* the user part: "alice" */
	gchar *contact;	   /* "sip:alice@127.0.0.1:40123;transport=TCP" */
	gchar *transport;  /* of the socket it came in on: "udp", "tcp", "tls" */
	gchar *socket;	   /* "tls:127.0.0.1:PORT" */
	gchar *received;   /* source of a connection's REGISTER, or NULL */
	gchar *user_agent; /* or NULL */
	gchar *call_id;
	gint64 expires;	  /* seconds left; -1 for a permanent contact */
	guint16 sbc_port; /* the port of socket */
} TrTestSbcBinding;

void tr_test_sbc_binding_free(TrTestSbcBinding *binding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTestSbcBinding, tr_test_sbc_binding_free)

TrTestSbc *tr_test_sbc_new(GError **error);
void tr_test_sbc_free(TrTestSbc *sbc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTestSbc, tr_test_sbc_free)

/* configuration, applied at the next start (db_text is read once) */
void tr_test_sbc_add_user(TrTestSbc *sbc, const gchar *user, const gchar *password);
void tr_test_sbc_set_server_cert(TrTestSbc *sbc, TrTestSbcCert cert);
/* Kamailio's tls_method for both TLS ports: "TLSv1.2+" (default), or e.g.
 * "TLSv1" for an SBC of the SPA's era (OpenSSL's security level lowered) */
void tr_test_sbc_set_tls_method(TrTestSbc *sbc, const gchar *method);

/* returns once all four ports and kamcmd answer (10 s at most) */
gboolean tr_test_sbc_start(TrTestSbc *sbc, GError **error);
/* SIGTERM, then SIGKILL to the group if it lingers; ports are free after */
void tr_test_sbc_stop(TrTestSbc *sbc);
/* SIGKILL to every Kamailio process at once, as a crash; ports free after */
void tr_test_sbc_kill(TrTestSbc *sbc);
/* stop and start on the same ports; bindings are forgotten (usrloc in memory) */
gboolean tr_test_sbc_restart(TrTestSbc *sbc, GError **error);
gboolean tr_test_sbc_is_running(TrTestSbc *sbc);

/* ports: chosen by tr_test_sbc_new(), kept across restarts; a first start
 * that finds one taken meanwhile chooses again, so read them after it */
guint16 tr_test_sbc_get_udp_port(TrTestSbc *sbc);
guint16 tr_test_sbc_get_tcp_port(TrTestSbc *sbc);
guint16 tr_test_sbc_get_tls_port(TrTestSbc *sbc);
guint16 tr_test_sbc_get_tls_client_cert_port(TrTestSbc *sbc);

const gchar *tr_test_sbc_get_dir(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_log_path(TrTestSbc *sbc);
/* the digest realm of the challenges: "sbc.test" */
const gchar *tr_test_sbc_get_realm(TrTestSbc *sbc);
/* the server's names in TR_TEST_SBC_CERT_GOOD: "sbc.test" */
const gchar *tr_test_sbc_get_server_name(TrTestSbc *sbc);

/* PEM files in the directory; private keys are unencrypted */
const gchar *tr_test_sbc_get_server_ca(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_wrong_ca(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_device_ca(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_device_ca_key(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_device_cert(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_device_key(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_wrong_device_cert(TrTestSbc *sbc);
const gchar *tr_test_sbc_get_wrong_device_key(TrTestSbc *sbc);

/* `kamcmd CMD ARGS...` on the instance's socket; its output */
gchar *tr_test_sbc_kamcmd(TrTestSbc *sbc, GError **error, const gchar *cmd,
			  ...) G_GNUC_NULL_TERMINATED;
/* the registered contacts, TrTestSbcBinding elements */
GPtrArray *tr_test_sbc_bindings(TrTestSbc *sbc, GError **error);
/* the first binding of USER over TRANSPORT (NULL: any), polled until
 * TIMEOUT_MS; NULL with an error if none came */
TrTestSbcBinding *tr_test_sbc_wait_for_binding(TrTestSbc *sbc, const gchar *user,
					       const gchar *transport, guint timeout_ms,
					       GError **error);

/*
 * Counted from the log, over every start of this instance: each request
 * Kamailio receives, retransmissions included, is one line
 *   TR-SBC: REQ METHOD proto=udp|tcp|tls src=IP:PORT dst=IP:PORT user=TO-USER cseq=N ci=CALL-ID
 * (the helper's own OPTIONS probes, Call-ID tr-probe-*, are not counted).
 * Other lines: "TR-SBC: AUTH-FAILED user=U rc=-2" (wrong password; -3
 * unknown user, -4 stale nonce) and "TR-SBC: REGISTERED user=U ...".
 */
guint tr_test_sbc_count_registers(TrTestSbc *sbc);
/* METHOD NULL: any; TRANSPORT NULL: any */
guint tr_test_sbc_count_requests(TrTestSbc *sbc, const gchar *method, const gchar *transport);
/* lines of the log that contain NEEDLE */
guint tr_test_sbc_count_log(TrTestSbc *sbc, const gchar *needle);

G_END_DECLS
