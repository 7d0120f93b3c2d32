/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tr-test-sbc.h"

/*
 * The test SBC's own test: Kamailio as tr-test-sbc.c starts it, probed with
 * sipp (UDP, TCP), gnutls-cli (TLS handshakes and verification) and a small
 * GIO TLS client (a digest REGISTER over TLS, CRLF keepalives). Each test has
 * its own SBC: certificates, ports and directory.
 */

#define USER	   "alice"
#define PASSWORD   "secret"
#define USER2	   "bob"
#define PASSWORD2  "pa:ss\\word" /* db_text escapes ':' and '\' */
#define TIMEOUT_MS 5000

typedef struct {
	TrTestSbc *sbc;
	gchar *sipp;
	gchar *gnutls_cli;
	gchar *reg_ok;	   /* scenario: REGISTER, 401, REGISTER with credentials, 200 */
	gchar *reg_denied; /* the same, ending in a second 401 or a 403 */
} Fixture;

static gdouble
ms_since(gint64 start_us)
{
	return (g_get_monotonic_time() - start_us) / 1000.0;
}

/* a REGISTER in sipp's notation, with CSEQ and EXTRA header lines */
static gchar *
sipp_register(const gchar *cseq, const gchar *extra)
{
	return g_strdup_printf(
		"  <send retrans=\"500\">\n"
		"    <![CDATA[\n"
		"\n"
		"      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0\n"
		"      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
		"      Max-Forwards: 70\n"
		"      From: <sip:[service]@sbc.test>;tag=[pid]SIPpTag00[call_number]\n"
		"      To: <sip:[service]@sbc.test>\n"
		"      Call-ID: [call_id]\n"
		"      CSeq: %s REGISTER\n"
		"      Contact: <sip:[service]@[local_ip]:[local_port];transport=[transport]>\n"
		"      Expires: 300\n"
		"%s"
		"      User-Agent: tipring-test-sipp\n"
		"      Content-Length: 0\n"
		"\n"
		"    ]]>\n"
		"  </send>\n",
		cseq, extra);
}

/* REGISTER, 401, REGISTER with credentials (-au, -ap), then ENDING */
static gchar *
sipp_scenario(const gchar *ending)
{
	g_autofree gchar *first = sipp_register("1", "");
	g_autofree gchar *second = sipp_register("2", "      [authentication]\n");

	return g_strdup_printf("<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
			       "<scenario name=\"REGISTER with digest\">\n"
			       "%s"
			       "  <recv response=\"401\" auth=\"true\"/>\n"
			       "%s"
			       "%s"
			       "</scenario>\n",
			       first, second, ending);
}

static gchar *
find_tool(const gchar *name)
{
	gchar *path = g_find_program_in_path(name);

	/* installed by .ci/install-deps: missing is a failure, not a skip */
	if (path == NULL)
		g_error("%s is missing: run .ci/install-deps", name);
	return path;
}

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	gchar *scenario;
	gint64 start = g_get_monotonic_time();

	fx->sbc = tr_test_sbc_new(&error);
	g_assert_no_error(error);
	g_test_message("certificates and directory ready in %.0f ms", ms_since(start));
	tr_test_sbc_add_user(fx->sbc, USER, PASSWORD);
	tr_test_sbc_add_user(fx->sbc, USER2, PASSWORD2);
	fx->sipp = find_tool("sipp");
	fx->gnutls_cli = find_tool("gnutls-cli");
	fx->reg_ok = g_build_filename(tr_test_sbc_get_dir(fx->sbc), "register.xml", NULL);
	fx->reg_denied =
		g_build_filename(tr_test_sbc_get_dir(fx->sbc), "register-denied.xml", NULL);
	scenario = sipp_scenario("  <recv response=\"200\"/>\n");
	g_file_set_contents(fx->reg_ok, scenario, -1, &error);
	g_assert_no_error(error);
	g_free(scenario);
	/* a wrong password: a fresh challenge, or a 403 */
	scenario = sipp_scenario("  <recv response=\"403\" optional=\"true\" next=\"done\"/>\n"
				 "  <recv response=\"401\"/>\n"
				 "  <label id=\"done\"/>\n");
	g_file_set_contents(fx->reg_denied, scenario, -1, &error);
	g_assert_no_error(error);
	g_free(scenario);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
	g_clear_pointer(&fx->sbc, tr_test_sbc_free);
	g_free(fx->sipp);
	g_free(fx->gnutls_cli);
	g_free(fx->reg_ok);
	g_free(fx->reg_denied);
}

static void
start_sbc(Fixture *fx)
{
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	tr_test_sbc_start(fx->sbc, &error);
	g_assert_no_error(error);
	g_test_message(
		"Kamailio answering on udp %u, tcp %u, tls %u, tls+client cert %u in %.0f ms",
		tr_test_sbc_get_udp_port(fx->sbc), tr_test_sbc_get_tcp_port(fx->sbc),
		tr_test_sbc_get_tls_port(fx->sbc), tr_test_sbc_get_tls_client_cert_port(fx->sbc),
		ms_since(start));
}

/* ports */

static guint16
free_udp_port(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&addr, &len), ==, 0);
	close(fd);
	return ntohs(addr.sin_port);
}

static gboolean
tcp_connects(guint16 port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	g_assert_cmpint(fd, >=, 0);
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

/* sipp */

/*
 * One REGISTER call with SCENARIO over TRANSPORT ("u1" UDP, "t1" TCP);
 * TRUE when sipp saw the scenario through. sipp's own ports (SIP, control,
 * media) are chosen free; a start that loses one of them is retried.
 */
static gboolean
run_sipp(Fixture *fx, const gchar *scenario, const gchar *transport, guint16 port,
	 const gchar *user, const gchar *password)
{
	g_autofree gchar *target = g_strdup_printf("127.0.0.1:%u", port);

	for (guint attempt = 0; attempt < 3; attempt++) {
		g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
			G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
		g_autoptr(GSubprocess) proc = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree gchar *out = NULL;
		g_autofree gchar *local_port = g_strdup_printf("%u", free_udp_port());
		g_autofree gchar *control_port = g_strdup_printf("%u", free_udp_port());
		g_autofree gchar *media_port = g_strdup_printf("%u", free_udp_port());
		gint64 start = g_get_monotonic_time();

		g_subprocess_launcher_set_cwd(launcher, tr_test_sbc_get_dir(fx->sbc));
		proc = g_subprocess_launcher_spawn(
			launcher, &error, fx->sipp, "-sf", scenario, "-m", "1", "-t", transport,
			"-i", "127.0.0.1", "-p", local_port, "-cp", control_port, "-mp", media_port,
			"-s", user, "-au", user, "-ap", password, "-default_behaviors",
			"abortunexp", "-nostdin", "-timeout", "5", "-timeout_error", target, NULL);
		g_assert_no_error(error);
		g_subprocess_communicate_utf8(proc, NULL, NULL, &out, NULL, &error);
		g_assert_no_error(error);
		if (g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 0) {
			g_test_message("sipp -t %s %s: scenario done in %.0f ms", transport,
				       scenario, ms_since(start));
			return TRUE;
		}
		if (out != NULL && (strstr(out, "bind") != NULL || strstr(out, "in use") != NULL))
			continue;
		g_test_message("sipp -t %s failed after %.0f ms:\n%s", transport, ms_since(start),
			       out);
		return FALSE;
	}
	return FALSE;
}

/* gnutls-cli */

typedef struct {
	gboolean answered; /* a SIP response came back through the session */
	gint status;	   /* gnutls-cli's exit status */
	gchar *output;	   /* its stdout and stderr */
	gdouble ms;
} TlsProbe;

static void
tls_probe_clear(TlsProbe *probe)
{
	g_clear_pointer(&probe->output, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TlsProbe, tls_probe_clear)

/*
 * gnutls-cli ARGS... -p PORT 127.0.0.1, with an OPTIONS sent through the
 * session. A handshake is only proven by an answer: in TLS 1.3 the client
 * finishes its handshake before the server has judged its certificate, so
 * gnutls-cli can report "Handshake was completed" on a session the server
 * then ends with an alert.
 */
static void
tls_probe(Fixture *fx, TlsProbe *probe, guint port, ...)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
		G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree gchar *request = NULL;
	GPollableInputStream *stdout_stream;
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + TIMEOUT_MS * 1000;
	const gchar *arg;
	va_list ap;

	g_ptr_array_add(argv, g_strdup(fx->gnutls_cli));
	va_start(ap, port);
	while ((arg = va_arg(ap, const gchar *)) != NULL)
		g_ptr_array_add(argv, g_strdup(arg));
	va_end(ap);
	g_ptr_array_add(argv, g_strdup("-p"));
	g_ptr_array_add(argv, g_strdup_printf("%u", port));
	g_ptr_array_add(argv, g_strdup("127.0.0.1"));
	g_ptr_array_add(argv, NULL);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);

	/* waits in the pipe until the handshake is done */
	request =
		g_strdup_printf("OPTIONS sip:127.0.0.1:%u SIP/2.0\r\n"
				"Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-tls-probe;rport\r\n"
				"Max-Forwards: 70\r\n"
				"From: <sip:probe@127.0.0.1>;tag=tls-probe\r\n"
				"To: <sip:127.0.0.1>\r\n"
				"Call-ID: tls-probe@127.0.0.1\r\n"
				"CSeq: 1 OPTIONS\r\n"
				"Content-Length: 0\r\n\r\n",
				port);
	g_output_stream_write_all(g_subprocess_get_stdin_pipe(proc), request, strlen(request), NULL,
				  NULL, &error);
	g_assert_no_error(error);

	stdout_stream = G_POLLABLE_INPUT_STREAM(g_subprocess_get_stdout_pipe(proc));
	while (g_get_monotonic_time() < deadline) {
		gchar buf[4096];
		gssize r = g_pollable_input_stream_read_nonblocking(stdout_stream, buf, sizeof(buf),
								    NULL, &error);

		if (r < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
			g_clear_error(&error);
			g_usleep(2000);
			continue;
		}
		g_assert_no_error(error);
		if (r == 0)
			break; /* gnutls-cli ended */
		g_string_append_len(out, buf, r);
		if (strstr(out->str, "SIP/2.0 200 ") != NULL) {
			probe->answered = TRUE;
			break;
		}
	}
	probe->ms = ms_since(start);
	/* end of input: gnutls-cli says goodbye and exits */
	g_output_stream_close(g_subprocess_get_stdin_pipe(proc), NULL, NULL);
	g_subprocess_wait(proc, NULL, &error);
	g_assert_no_error(error);
	probe->status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1;
	/* the rest of what it said */
	while (TRUE) {
		gchar buf[4096];
		gssize r = g_input_stream_read(G_INPUT_STREAM(stdout_stream), buf, sizeof(buf),
					       NULL, NULL);
		if (r <= 0)
			break;
		g_string_append_len(out, buf, r);
	}
	probe->output = g_string_free(g_steal_pointer(&out), FALSE);
}

/* the line of gnutls-cli's output that says best why, for the log */
static const gchar *
tls_reason(const TlsProbe *probe, gchar **line)
{
	/* its stderr comes before its buffered stdout: search by weight */
	const gchar *const patterns[] = {"NOT trusted", "alert [", "Fatal error", "failed"};
	g_auto(GStrv) lines = g_strsplit(probe->output, "\n", -1);

	for (guint p = 0; p < G_N_ELEMENTS(patterns); p++) {
		for (guint i = 0; lines[i] != NULL; i++) {
			if (strstr(lines[i], patterns[p]) != NULL) {
				*line = g_strdup(g_strstrip(lines[i]));
				return *line;
			}
		}
	}
	*line = g_strdup("(no reason printed)");
	return *line;
}

static void
assert_tls_ok(const TlsProbe *probe, const gchar *what)
{
	if (!probe->answered)
		g_test_message("%s: gnutls-cli said:\n%s", what, probe->output);
	g_assert_true(probe->answered);
	g_test_message("%s: OPTIONS answered 200 through TLS in %.0f ms", what, probe->ms);
}

static void
assert_tls_refused(const TlsProbe *probe, const gchar *what)
{
	g_autofree gchar *line = NULL;

	if (probe->answered)
		g_test_message("%s: gnutls-cli said:\n%s", what, probe->output);
	g_assert_false(probe->answered);
	g_assert_cmpint(probe->status, !=, 0);
	g_test_message("%s: refused in %.0f ms: %s", what, probe->ms, tls_reason(probe, &line));
}

/* a SIP client over TLS in GIO, for what gnutls-cli cannot do */

typedef struct {
	GSocketConnection *tcp;
	GIOStream *tls;
	guint16 local_port;
} TlsClient;

static void
tls_client_free(TlsClient *c)
{
	if (c->tls != NULL)
		g_io_stream_close(c->tls, NULL, NULL);
	g_clear_object(&c->tls);
	g_clear_object(&c->tcp);
	g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TlsClient, tls_client_free)

static TlsClient *
tls_client_new(Fixture *fx, guint16 port, const gchar *cert, const gchar *key)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GTlsDatabase) db = NULL;
	g_autoptr(GSocketConnectable) identity = g_network_address_new("127.0.0.1", port);
	g_autoptr(GSocketAddress) local = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(TlsClient) c = g_new0(TlsClient, 1);
	gint64 start = g_get_monotonic_time();

	c->tcp = g_socket_client_connect(client, identity, NULL, &error);
	g_assert_no_error(error);
	g_socket_set_timeout(g_socket_connection_get_socket(c->tcp), TIMEOUT_MS / 1000);
	local = g_socket_connection_get_local_address(c->tcp, &error);
	g_assert_no_error(error);
	c->local_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));

	c->tls = g_tls_client_connection_new(G_IO_STREAM(c->tcp), identity, &error);
	g_assert_no_error(error);
	db = g_tls_file_database_new(tr_test_sbc_get_server_ca(fx->sbc), &error);
	g_assert_no_error(error);
	g_tls_connection_set_database(G_TLS_CONNECTION(c->tls), db);
	if (cert != NULL) {
		g_autoptr(GTlsCertificate) certificate =
			g_tls_certificate_new_from_files(cert, key, &error);
		g_assert_no_error(error);
		g_tls_connection_set_certificate(G_TLS_CONNECTION(c->tls), certificate);
	}
	g_tls_connection_handshake(G_TLS_CONNECTION(c->tls), NULL, &error);
	g_assert_no_error(error);
	g_test_message("GIO TLS client: handshake with port %u in %.0f ms", port, ms_since(start));
	return g_steal_pointer(&c);
}

static void
tls_client_send(TlsClient *c, const gchar *data)
{
	g_autoptr(GError) error = NULL;

	g_output_stream_write_all(g_io_stream_get_output_stream(c->tls), data, strlen(data), NULL,
				  NULL, &error);
	g_assert_no_error(error);
}

/* one SIP message: headers up to the blank line, then Content-Length bytes */
static gchar *
tls_client_read_message(TlsClient *c)
{
	GInputStream *in = g_io_stream_get_input_stream(c->tls);
	g_autoptr(GString) msg = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	const gchar *end;
	const gchar *clen;
	gsize body_len = 0;

	while ((end = strstr(msg->str, "\r\n\r\n")) == NULL) {
		gchar c1;
		gssize r = g_input_stream_read(in, &c1, 1, NULL, &error);

		g_assert_no_error(error);
		g_assert_cmpint(r, ==, 1);
		g_string_append_c(msg, c1);
	}
	clen = strstr(msg->str, "\r\nContent-Length:");
	if (clen != NULL)
		body_len = g_ascii_strtoull(clen + strlen("\r\nContent-Length:"), NULL, 10);
	if (body_len > 0) {
		gsize have = msg->len;

		g_string_set_size(msg, have + body_len);
		g_input_stream_read_all(in, msg->str + have, body_len, NULL, NULL, &error);
		g_assert_no_error(error);
	}
	return g_string_free(g_steal_pointer(&msg), FALSE);
}

/* the value of NAME="value" or NAME=value in a header */
static gchar *
header_param(const gchar *header, const gchar *name)
{
	g_autofree gchar *key = g_strdup_printf("%s=", name);
	const gchar *p = header;

	while ((p = strstr(p, key)) != NULL) {
		/* a whole parameter name, not the tail of another */
		if (p == header || p[-1] == ' ' || p[-1] == ',') {
			const gchar *v = p + strlen(key);
			const gchar *e;

			if (*v == '"') {
				v++;
				e = strchr(v, '"');
			} else {
				e = v + strcspn(v, ",\r\n ");
			}
			return e != NULL ? g_strndup(v, e - v) : NULL;
		}
		p++;
	}
	return NULL;
}

G_GNUC_PRINTF(1, 2)
static gchar *
md5_hex(const gchar *format, ...)
{
	g_autofree gchar *s = NULL;
	va_list ap;

	va_start(ap, format);
	s = g_strdup_vprintf(format, ap);
	va_end(ap);
	return g_compute_checksum_for_string(G_CHECKSUM_MD5, s, -1);
}

static gchar *
register_request(TlsClient *c, guint16 port, guint cseq, const gchar *authorization)
{
	return g_strdup_printf("REGISTER sip:127.0.0.1:%u SIP/2.0\r\n"
			       "Via: SIP/2.0/TLS 127.0.0.1:%u;branch=z9hG4bK-gio-%u;rport\r\n"
			       "Max-Forwards: 70\r\n"
			       "From: <sip:%s@sbc.test>;tag=gio-tls\r\n"
			       "To: <sip:%s@sbc.test>\r\n"
			       "Call-ID: gio-tls-%u@127.0.0.1\r\n"
			       "CSeq: %u REGISTER\r\n"
			       "Contact: <sips:%s@127.0.0.1:%u>\r\n"
			       "Expires: 300\r\n"
			       "%s"
			       "User-Agent: tipring-test-gio\r\n"
			       "Content-Length: 0\r\n\r\n",
			       port, c->local_port, cseq, USER, USER, c->local_port, cseq, USER,
			       c->local_port, authorization != NULL ? authorization : "");
}

/* REGISTER, 401, REGISTER with a digest (qop=auth): the final status line */
static gchar *
tls_register(TlsClient *c, guint16 port, const gchar *password)
{
	g_autofree gchar *req1 = register_request(c, port, 1, NULL);
	g_autofree gchar *resp1 = NULL;
	g_autofree gchar *realm = NULL;
	g_autofree gchar *nonce = NULL;
	g_autofree gchar *qop = NULL;
	g_autofree gchar *uri = g_strdup_printf("sip:127.0.0.1:%u", port);
	g_autofree gchar *ha1 = NULL;
	g_autofree gchar *ha2 = NULL;
	g_autofree gchar *response = NULL;
	g_autofree gchar *authorization = NULL;
	g_autofree gchar *req2 = NULL;
	g_autofree gchar *resp2 = NULL;
	const gchar *challenge;

	tls_client_send(c, req1);
	resp1 = tls_client_read_message(c);
	g_assert_true(g_str_has_prefix(resp1, "SIP/2.0 401 "));
	challenge = strstr(resp1, "WWW-Authenticate: Digest ");
	g_assert_nonnull(challenge);
	realm = header_param(challenge, "realm");
	nonce = header_param(challenge, "nonce");
	qop = header_param(challenge, "qop");
	g_assert_cmpstr(realm, ==, "sbc.test");
	g_assert_nonnull(nonce);

	ha1 = md5_hex("%s:%s:%s", USER, realm, password);
	ha2 = md5_hex("REGISTER:%s", uri);
	if (qop != NULL) {
		response = md5_hex("%s:%s:00000001:0a4f113b:auth:%s", ha1, nonce, ha2);
		authorization = g_strdup_printf(
			"Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
			"uri=\"%s\", response=\"%s\", algorithm=MD5, qop=auth, nc=00000001, "
			"cnonce=\"0a4f113b\"\r\n",
			USER, realm, nonce, uri, response);
	} else {
		response = md5_hex("%s:%s:%s", ha1, nonce, ha2);
		authorization = g_strdup_printf(
			"Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
			"uri=\"%s\", response=\"%s\", algorithm=MD5\r\n",
			USER, realm, nonce, uri, response);
	}
	req2 = register_request(c, port, 2, authorization);
	tls_client_send(c, req2);
	resp2 = tls_client_read_message(c);
	return g_strndup(resp2, strcspn(resp2, "\r\n"));
}

/* the tests */

static const TrTestSbcBinding *
find_binding(GPtrArray *bindings, const gchar *user, const gchar *transport)
{
	for (guint i = 0; i < bindings->len; i++) {
		const TrTestSbcBinding *b = g_ptr_array_index(bindings, i);

		if (g_strcmp0(b->aor, user) == 0 && g_strcmp0(b->transport, transport) == 0)
			return b;
	}
	return NULL;
}

static void
test_register_udp_tcp(Fixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) bindings = NULL;
	g_autoptr(GError) error = NULL;
	const TrTestSbcBinding *udp;
	const TrTestSbcBinding *tcp;
	const TrTestSbcBinding *bob;

	start_sbc(fx);
	g_assert_true(
		run_sipp(fx, fx->reg_ok, "u1", tr_test_sbc_get_udp_port(fx->sbc), USER, PASSWORD));
	g_assert_true(
		run_sipp(fx, fx->reg_ok, "t1", tr_test_sbc_get_tcp_port(fx->sbc), USER, PASSWORD));
	/* a password with the characters db_text must escape */
	g_assert_true(run_sipp(fx, fx->reg_ok, "u1", tr_test_sbc_get_udp_port(fx->sbc), USER2,
			       PASSWORD2));

	bindings = tr_test_sbc_bindings(fx->sbc, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(bindings->len, ==, 3);
	udp = find_binding(bindings, USER, "udp");
	tcp = find_binding(bindings, USER, "tcp");
	bob = find_binding(bindings, USER2, "udp");
	g_assert_nonnull(udp);
	g_assert_nonnull(tcp);
	g_assert_nonnull(bob);
	g_assert_cmpuint(udp->sbc_port, ==, tr_test_sbc_get_udp_port(fx->sbc));
	g_assert_cmpuint(tcp->sbc_port, ==, tr_test_sbc_get_tcp_port(fx->sbc));
	g_assert_true(g_str_has_prefix(udp->contact, "sip:alice@127.0.0.1:"));
	g_assert_cmpint(udp->expires, >, 290);
	g_assert_cmpint(udp->expires, <=, 300);
	g_assert_cmpstr(udp->user_agent, ==, "tipring-test-sipp");
	g_assert_null(udp->received);
	/* a connection's REGISTER is tied to the connection it came on */
	g_assert_nonnull(tcp->received);
	g_assert_true(g_str_has_prefix(tcp->received, "sip:127.0.0.1:"));
	g_test_message("bindings: %s %s via %s (%" G_GINT64_FORMAT " s); %s %s via %s", udp->aor,
		       udp->contact, udp->socket, udp->expires, tcp->aor, tcp->contact,
		       tcp->socket);

	/* each call: a REGISTER challenged, a REGISTER with credentials */
	g_assert_cmpuint(tr_test_sbc_count_registers(fx->sbc), ==, 6);
	g_assert_cmpuint(tr_test_sbc_count_requests(fx->sbc, "REGISTER", "udp"), ==, 4);
	g_assert_cmpuint(tr_test_sbc_count_requests(fx->sbc, "REGISTER", "tcp"), ==, 2);
	g_assert_cmpuint(tr_test_sbc_count_log(fx->sbc, "TR-SBC: REGISTERED "), ==, 3);
	/* the helper's readiness probes are not the test's requests */
	g_assert_cmpuint(tr_test_sbc_count_requests(fx->sbc, "OPTIONS", NULL), ==, 0);
	g_assert_cmpuint(tr_test_sbc_count_log(fx->sbc, "ci=tr-probe-"), >=, 2);
}

static void
test_register_wrong_password(Fixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) bindings = NULL;
	g_autoptr(GError) error = NULL;

	start_sbc(fx);
	/* a fresh challenge, not a 200: and no binding */
	g_assert_true(run_sipp(fx, fx->reg_denied, "u1", tr_test_sbc_get_udp_port(fx->sbc), USER,
			       "not-the-password"));
	g_assert_true(run_sipp(fx, fx->reg_denied, "t1", tr_test_sbc_get_tcp_port(fx->sbc),
			       "mallory", "whatever"));
	/* and the scenario that expects 200 does fail on it */
	g_assert_false(run_sipp(fx, fx->reg_ok, "u1", tr_test_sbc_get_udp_port(fx->sbc), USER,
				"not-the-password"));
	bindings = tr_test_sbc_bindings(fx->sbc, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(bindings->len, ==, 0);
	g_assert_cmpuint(tr_test_sbc_count_log(fx->sbc, "TR-SBC: AUTH-FAILED user=alice rc=-2 "),
			 >=, 2);
	g_assert_cmpuint(tr_test_sbc_count_log(fx->sbc, "TR-SBC: AUTH-FAILED user=mallory rc=-3 "),
			 ==, 1);
	g_assert_cmpuint(tr_test_sbc_count_log(fx->sbc, "TR-SBC: REGISTERED "), ==, 0);
}

static void
test_tls_server(Fixture *fx, gconstpointer data)
{
	guint16 port;
	g_auto(TlsProbe) plain = {0};
	g_auto(TlsProbe) by_name = {0};
	g_auto(TlsProbe) wrong_trust = {0};

	start_sbc(fx);
	port = tr_test_sbc_get_tls_port(fx->sbc);
	tls_probe(fx, &plain, port, "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc), NULL);
	assert_tls_ok(&plain, "TLS port, server CA, host 127.0.0.1");
	g_assert_nonnull(strstr(plain.output, "The certificate is trusted"));
	tls_probe(fx, &by_name, port, "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc),
		  "--verify-hostname", "sbc.test", "--sni-hostname", "sbc.test", NULL);
	assert_tls_ok(&by_name, "TLS port, server CA, name sbc.test");
	/* the other CA did not sign it */
	tls_probe(fx, &wrong_trust, port, "--x509cafile", tr_test_sbc_get_wrong_ca(fx->sbc), NULL);
	assert_tls_refused(&wrong_trust, "TLS port trusted with the wrong CA");
}

static void
test_tls_client_cert(Fixture *fx, gconstpointer data)
{
	guint16 port;
	g_auto(TlsProbe) none = {0};
	g_auto(TlsProbe) device = {0};
	g_auto(TlsProbe) wrong = {0};
	g_auto(TlsProbe) plain_port = {0};

	start_sbc(fx);
	port = tr_test_sbc_get_tls_client_cert_port(fx->sbc);
	tls_probe(fx, &none, port, "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc), NULL);
	assert_tls_refused(&none, "client-cert port without a certificate");
	tls_probe(fx, &device, port, "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc),
		  "--x509certfile", tr_test_sbc_get_device_cert(fx->sbc), "--x509keyfile",
		  tr_test_sbc_get_device_key(fx->sbc), NULL);
	assert_tls_ok(&device, "client-cert port with the device certificate");
	tls_probe(fx, &wrong, port, "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc),
		  "--x509certfile", tr_test_sbc_get_wrong_device_cert(fx->sbc), "--x509keyfile",
		  tr_test_sbc_get_wrong_device_key(fx->sbc), NULL);
	assert_tls_refused(&wrong, "client-cert port with a certificate from the wrong CA");
	/* the plain TLS port does not ask for one at all */
	tls_probe(fx, &plain_port, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--x509certfile",
		  tr_test_sbc_get_wrong_device_cert(fx->sbc), "--x509keyfile",
		  tr_test_sbc_get_wrong_device_key(fx->sbc), NULL);
	assert_tls_ok(&plain_port, "TLS port with an unrelated client certificate");
}

static void
test_tls_bad_server_certs(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_auto(TlsProbe) by_ip = {0};
	g_auto(TlsProbe) by_name = {0};
	g_auto(TlsProbe) insecure = {0};
	g_auto(TlsProbe) unknown_ca = {0};
	g_auto(TlsProbe) unknown_ca_mtls = {0};

	tr_test_sbc_set_server_cert(fx->sbc, TR_TEST_SBC_CERT_WRONG_NAME);
	start_sbc(fx);
	tls_probe(fx, &by_ip, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), NULL);
	assert_tls_refused(&by_ip, "wrong-name certificate, host 127.0.0.1");
	g_assert_nonnull(strstr(by_ip.output, "does not match"));
	tls_probe(fx, &by_name, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--verify-hostname", "sbc.test", NULL);
	assert_tls_refused(&by_name, "wrong-name certificate, name sbc.test");
	g_assert_nonnull(strstr(by_name.output, "does not match"));
	/* it is the name that is wrong, nothing else */
	tls_probe(fx, &insecure, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--verify-hostname", "wrong.test", NULL);
	assert_tls_ok(&insecure, "wrong-name certificate, its own name wrong.test");

	tr_test_sbc_set_server_cert(fx->sbc, TR_TEST_SBC_CERT_UNKNOWN_CA);
	tr_test_sbc_restart(fx->sbc, &error);
	g_assert_no_error(error);
	tls_probe(fx, &unknown_ca, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--verify-hostname", "sbc.test", NULL);
	assert_tls_refused(&unknown_ca, "certificate from an unknown CA");
	g_assert_nonnull(strstr(unknown_ca.output, "issuer"));
	/* the client-cert port presents the same certificate */
	tls_probe(fx, &unknown_ca_mtls, tr_test_sbc_get_tls_client_cert_port(fx->sbc),
		  "--x509cafile", tr_test_sbc_get_server_ca(fx->sbc), "--x509certfile",
		  tr_test_sbc_get_device_cert(fx->sbc), "--x509keyfile",
		  tr_test_sbc_get_device_key(fx->sbc), NULL);
	assert_tls_refused(&unknown_ca_mtls, "client-cert port, certificate from an unknown CA");
}

static void
test_tls_register_keepalive(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TlsClient) tls = NULL;
	g_autoptr(TlsClient) mtls = NULL;
	g_autoptr(TrTestSbcBinding) binding = NULL;
	g_autoptr(GPtrArray) bindings = NULL;
	g_autofree gchar *status = NULL;
	g_autofree gchar *status2 = NULL;
	g_autofree gchar *options = NULL;
	g_autofree gchar *reply = NULL;
	gchar pong[2];
	gint64 start;

	start_sbc(fx);
	tls = tls_client_new(fx, tr_test_sbc_get_tls_port(fx->sbc), NULL, NULL);
	start = g_get_monotonic_time();
	status = tls_register(tls, tr_test_sbc_get_tls_port(fx->sbc), PASSWORD);
	g_assert_cmpstr(status, ==, "SIP/2.0 200 OK");
	g_test_message("REGISTER with digest over TLS: %s in %.0f ms", status, ms_since(start));
	binding = tr_test_sbc_wait_for_binding(fx->sbc, USER, "tls", TIMEOUT_MS, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(binding->sbc_port, ==, tr_test_sbc_get_tls_port(fx->sbc));
	g_assert_true(g_str_has_prefix(binding->contact, "sips:alice@127.0.0.1:"));
	g_assert_nonnull(binding->received);
	g_test_message("binding: %s %s via %s, received %s", binding->aor, binding->contact,
		       binding->socket, binding->received);
	g_assert_cmpuint(tr_test_sbc_count_requests(fx->sbc, "REGISTER", "tls"), ==, 2);

	/* RFC 5626: a double CRLF is answered with one, the session lives on */
	for (guint i = 0; i < 3; i++) {
		g_autoptr(GError) read_error = NULL;

		start = g_get_monotonic_time();
		tls_client_send(tls, "\r\n\r\n");
		g_input_stream_read_all(g_io_stream_get_input_stream(tls->tls), pong, sizeof(pong),
					NULL, NULL, &read_error);
		g_assert_no_error(read_error);
		g_assert_cmpmem(pong, sizeof(pong), "\r\n", 2);
	}
	g_test_message("CRLF keepalive over TLS: pong in %.1f ms", ms_since(start));
	options = g_strdup_printf("OPTIONS sip:127.0.0.1:%u SIP/2.0\r\n"
				  "Via: SIP/2.0/TLS 127.0.0.1:%u;branch=z9hG4bK-ka;rport\r\n"
				  "Max-Forwards: 70\r\n"
				  "From: <sip:alice@sbc.test>;tag=ka\r\n"
				  "To: <sip:127.0.0.1>\r\n"
				  "Call-ID: ka@127.0.0.1\r\n"
				  "CSeq: 1 OPTIONS\r\n"
				  "Content-Length: 0\r\n\r\n",
				  tr_test_sbc_get_tls_port(fx->sbc), tls->local_port);
	tls_client_send(tls, options);
	reply = tls_client_read_message(tls);
	g_assert_true(g_str_has_prefix(reply, "SIP/2.0 200 OK\r\n"));

	/* the client-cert port, with the device certificate */
	mtls = tls_client_new(fx, tr_test_sbc_get_tls_client_cert_port(fx->sbc),
			      tr_test_sbc_get_device_cert(fx->sbc),
			      tr_test_sbc_get_device_key(fx->sbc));
	status2 = tls_register(mtls, tr_test_sbc_get_tls_client_cert_port(fx->sbc), PASSWORD);
	g_assert_cmpstr(status2, ==, "SIP/2.0 200 OK");
	bindings = tr_test_sbc_bindings(fx->sbc, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(bindings->len, ==, 2);
	g_assert_true(((TrTestSbcBinding *)g_ptr_array_index(bindings, 0))->sbc_port ==
			      tr_test_sbc_get_tls_client_cert_port(fx->sbc) ||
		      ((TrTestSbcBinding *)g_ptr_array_index(bindings, 1))->sbc_port ==
			      tr_test_sbc_get_tls_client_cert_port(fx->sbc));
}

static void
test_tcp_keepalive(Fixture *fx, gconstpointer data)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *options = NULL;
	gchar buf[2048];
	gssize r;

	start_sbc(fx);
	conn = g_socket_client_connect_to_host(client, "127.0.0.1",
					       tr_test_sbc_get_tcp_port(fx->sbc), NULL, &error);
	g_assert_no_error(error);
	g_socket_set_timeout(g_socket_connection_get_socket(conn), TIMEOUT_MS / 1000);
	for (guint i = 0; i < 3; i++) {
		g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(conn)),
					  "\r\n\r\n", 4, NULL, NULL, &error);
		g_assert_no_error(error);
		g_input_stream_read_all(g_io_stream_get_input_stream(G_IO_STREAM(conn)), buf, 2,
					NULL, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpmem(buf, 2, "\r\n", 2);
	}
	options = g_strdup_printf("OPTIONS sip:127.0.0.1:%u SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-tcp-ka;rport\r\n"
				  "Max-Forwards: 70\r\n"
				  "From: <sip:alice@sbc.test>;tag=ka\r\n"
				  "To: <sip:127.0.0.1>\r\n"
				  "Call-ID: tcp-ka@127.0.0.1\r\n"
				  "CSeq: 1 OPTIONS\r\n"
				  "Content-Length: 0\r\n\r\n",
				  tr_test_sbc_get_tcp_port(fx->sbc));
	g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(conn)), options,
				  strlen(options), NULL, NULL, &error);
	g_assert_no_error(error);
	r = g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(conn)), buf,
				sizeof(buf) - 1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r, >, 0);
	buf[r] = '\0';
	g_assert_true(g_str_has_prefix(buf, "SIP/2.0 200 OK\r\n"));
	g_test_message("CRLF keepalive over TCP: three pongs, then OPTIONS 200 on the same "
		       "connection");
}

static void
test_kill_restart(Fixture *fx, gconstpointer data)
{
	g_autoptr(GPtrArray) before = NULL;
	g_autoptr(GPtrArray) after = NULL;
	g_autoptr(GError) error = NULL;
	guint16 ports[4];
	gint64 start;

	start_sbc(fx);
	ports[0] = tr_test_sbc_get_udp_port(fx->sbc);
	ports[1] = tr_test_sbc_get_tcp_port(fx->sbc);
	ports[2] = tr_test_sbc_get_tls_port(fx->sbc);
	ports[3] = tr_test_sbc_get_tls_client_cert_port(fx->sbc);
	g_assert_true(run_sipp(fx, fx->reg_ok, "u1", ports[0], USER, PASSWORD));
	before = tr_test_sbc_bindings(fx->sbc, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(before->len, ==, 1);

	start = g_get_monotonic_time();
	tr_test_sbc_kill(fx->sbc);
	g_test_message("kill -9 of the process group: ports released in %.0f ms", ms_since(start));
	g_assert_false(tr_test_sbc_is_running(fx->sbc));
	for (guint i = 1; i < 4; i++)
		g_assert_false(tcp_connects(ports[i]));
	g_assert_false(run_sipp(fx, fx->reg_ok, "t1", ports[1], USER, PASSWORD));

	start = g_get_monotonic_time();
	tr_test_sbc_start(fx->sbc, &error);
	g_assert_no_error(error);
	g_test_message("started again on the same ports in %.0f ms", ms_since(start));
	g_assert_cmpuint(tr_test_sbc_get_udp_port(fx->sbc), ==, ports[0]);
	g_assert_cmpuint(tr_test_sbc_get_tcp_port(fx->sbc), ==, ports[1]);
	g_assert_cmpuint(tr_test_sbc_get_tls_port(fx->sbc), ==, ports[2]);
	g_assert_cmpuint(tr_test_sbc_get_tls_client_cert_port(fx->sbc), ==, ports[3]);
	for (guint i = 1; i < 4; i++)
		g_assert_true(tcp_connects(ports[i]));
	/* bindings lived in memory only */
	after = tr_test_sbc_bindings(fx->sbc, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(after->len, ==, 0);
	g_assert_true(run_sipp(fx, fx->reg_ok, "t1", ports[1], USER, PASSWORD));
	/* counted over both runs */
	g_assert_cmpuint(tr_test_sbc_count_registers(fx->sbc), ==, 4);

	start = g_get_monotonic_time();
	tr_test_sbc_restart(fx->sbc, &error);
	g_assert_no_error(error);
	g_test_message("SIGTERM and start again: %.0f ms", ms_since(start));
	start = g_get_monotonic_time();
	tr_test_sbc_stop(fx->sbc);
	g_test_message("SIGTERM: stopped, ports released in %.0f ms", ms_since(start));
	g_assert_false(tr_test_sbc_is_running(fx->sbc));
}

static void
test_tls_legacy_method(Fixture *fx, gconstpointer data)
{
	g_auto(TlsProbe) tls10 = {0};
	g_auto(TlsProbe) tls12_only = {0};

	/* an SBC of the seed's era: TLS 1.0 and nothing newer */
	tr_test_sbc_set_tls_method(fx->sbc, "TLSv1");
	start_sbc(fx);
	tls_probe(fx, &tls10, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--priority",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.0:%VERIFY_ALLOW_SIGN_WITH_SHA1", NULL);
	assert_tls_ok(&tls10, "TLS 1.0 SBC, client allowing TLS 1.0");
	g_assert_nonnull(strstr(tls10.output, "TLS1.0"));
	tls_probe(fx, &tls12_only, tr_test_sbc_get_tls_port(fx->sbc), "--x509cafile",
		  tr_test_sbc_get_server_ca(fx->sbc), "--priority",
		  "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3", NULL);
	assert_tls_refused(&tls12_only, "TLS 1.0 SBC, client requiring TLS 1.2");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown)
	ADD("/sbc/register/udp-tcp", test_register_udp_tcp);
	ADD("/sbc/register/wrong-password", test_register_wrong_password);
	ADD("/sbc/keepalive/tcp", test_tcp_keepalive);
	ADD("/sbc/tls/server", test_tls_server);
	ADD("/sbc/tls/client-cert", test_tls_client_cert);
	ADD("/sbc/tls/bad-server-certs", test_tls_bad_server_certs);
	ADD("/sbc/tls/register-keepalive", test_tls_register_keepalive);
	ADD("/sbc/tls/legacy-method", test_tls_legacy_method);
	ADD("/sbc/kill-restart", test_kill_restart);
#undef ADD

	return g_test_run();
}
