/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-test-sbc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REALM		 "sbc.test"
#define SERVER_NAME	 "sbc.test"
#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS	 5000
#define START_ATTEMPTS	 5

enum { PORT_UDP, PORT_TCP, PORT_TLS, PORT_MTLS, N_PORTS };

typedef enum {
	FILE_SERVER_CA,
	FILE_SERVER_CA_KEY,
	FILE_WRONG_CA,
	FILE_WRONG_CA_KEY,
	FILE_DEVICE_CA,
	FILE_DEVICE_CA_KEY,
	FILE_SERVER_KEY,
	FILE_SERVER_CERT,
	FILE_SERVER_WRONG_NAME_CERT,
	FILE_SERVER_UNKNOWN_CA_CERT,
	FILE_DEVICE_CERT,
	FILE_DEVICE_KEY,
	FILE_WRONG_DEVICE_CERT,
	FILE_WRONG_DEVICE_KEY,
	N_FILES
} SbcFile;

static const gchar *const file_names[N_FILES] = {
	[FILE_SERVER_CA] = "server-ca.pem",
	[FILE_SERVER_CA_KEY] = "server-ca-key.pem",
	[FILE_WRONG_CA] = "wrong-ca.pem",
	[FILE_WRONG_CA_KEY] = "wrong-ca-key.pem",
	[FILE_DEVICE_CA] = "device-ca.pem",
	[FILE_DEVICE_CA_KEY] = "device-ca-key.pem",
	[FILE_SERVER_KEY] = "server-key.pem",
	[FILE_SERVER_CERT] = "server-cert.pem",
	[FILE_SERVER_WRONG_NAME_CERT] = "server-wrong-name-cert.pem",
	[FILE_SERVER_UNKNOWN_CA_CERT] = "server-unknown-ca-cert.pem",
	[FILE_DEVICE_CERT] = "device-cert.pem",
	[FILE_DEVICE_KEY] = "device-key.pem",
	[FILE_WRONG_DEVICE_CERT] = "wrong-device-cert.pem",
	[FILE_WRONG_DEVICE_KEY] = "wrong-device-key.pem",
};

struct _TrTestSbc {
	gchar *dir;
	gchar *db_dir;
	gchar *config;	 /* tests/sbc/kamailio.cfg */
	gchar *kamailio; /* programs */
	gchar *kamcmd;
	gchar *tls_cfg;
	gchar *ctl_path;
	gchar *log_path;
	gchar *files[N_FILES];
	GPtrArray *users; /* user, password, user, password ... */
	TrTestSbcCert server_cert;
	gchar *tls_method;
	guint16 ports[N_PORTS];
	gboolean ports_kept; /* a start succeeded: restarts keep the ports */
	GSubprocess *proc;
	pid_t pgid;
	pid_t parent_pid;
};

/* programs */

static gchar *
find_program(const gchar *env, const gchar *name, GError **error)
{
	const gchar *path = g_getenv(env);
	g_autofree gchar *found = NULL;
	const gchar *const sbin_dirs[] = {"/usr/sbin", "/usr/local/sbin", "/sbin"};

	if (path != NULL && path[0] != '\0') {
		if (g_file_test(path, G_FILE_TEST_IS_EXECUTABLE))
			return g_strdup(path);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s=%s is not executable", env,
			    path);
		return NULL;
	}
	found = g_find_program_in_path(name);
	if (found != NULL)
		return g_steal_pointer(&found);
	/* a normal user's PATH often lacks the sbin directories */
	for (guint i = 0; i < G_N_ELEMENTS(sbin_dirs); i++) {
		g_autofree gchar *candidate = g_build_filename(sbin_dirs[i], name, NULL);
		if (g_file_test(candidate, G_FILE_TEST_IS_EXECUTABLE))
			return g_steal_pointer(&candidate);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
		    "%s not found (set %s, or run .ci/install-deps)", name, env);
	return NULL;
}

static gchar *
find_config(GError **error)
{
	const gchar *env = g_getenv("TR_TEST_SBC_CONFIG");
	const gchar *srcdir = g_getenv("G_TEST_SRCDIR");
	const gchar *root = g_getenv("TIPRING_SOURCE_ROOT");
	g_autofree gchar *path = NULL;

	if (env != NULL && env[0] != '\0')
		path = g_strdup(env);
	else if (srcdir != NULL)
		path = g_build_filename(srcdir, "sbc", "kamailio.cfg", NULL);
	else if (root != NULL)
		path = g_build_filename(root, "tests", "sbc", "kamailio.cfg", NULL);
	if (path == NULL || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "Kamailio configuration %s not found (set G_TEST_SRCDIR or "
			    "TR_TEST_SBC_CONFIG)",
			    path != NULL ? path : "sbc/kamailio.cfg");
		return NULL;
	}
	return g_canonicalize_filename(path, NULL);
}

/* runs ARGV in the directory; its standard error becomes the error message */
static gboolean
run_sync(const gchar *dir, const gchar *const *argv, gchar **out, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GSubprocess) proc = NULL;
	g_autofree gchar *stdout_buf = NULL;
	g_autofree gchar *stderr_buf = NULL;

	g_subprocess_launcher_set_cwd(launcher, dir);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	proc = g_subprocess_launcher_spawnv(launcher, argv, error);
	if (proc == NULL)
		return FALSE;
	if (!g_subprocess_communicate_utf8(proc, NULL, NULL, &stdout_buf, &stderr_buf, error))
		return FALSE;
	if (!g_subprocess_get_if_exited(proc) || g_subprocess_get_exit_status(proc) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", argv[0],
			    stderr_buf != NULL ? g_strstrip(stderr_buf) : "");
		return FALSE;
	}
	if (out != NULL)
		*out = g_steal_pointer(&stdout_buf);
	return TRUE;
}

/* certificates */

static gboolean
write_file(const gchar *path, const gchar *contents, GError **error)
{
	return g_file_set_contents_full(path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
					error);
}

/* RSA 2048, as the SPA's TLS stack expects; generated in parallel */
static gboolean
generate_keys(TrTestSbc *sbc, GError **error)
{
	const SbcFile keys[] = {FILE_SERVER_CA_KEY, FILE_WRONG_CA_KEY, FILE_DEVICE_CA_KEY,
				FILE_SERVER_KEY,    FILE_DEVICE_KEY,   FILE_WRONG_DEVICE_KEY};
	g_autoptr(GPtrArray) procs = g_ptr_array_new_with_free_func(g_object_unref);
	g_autofree gchar *certtool = find_program("CERTTOOL", "certtool", error);

	if (certtool == NULL)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
			G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
		GSubprocess *proc;

		g_subprocess_launcher_set_cwd(launcher, sbc->dir);
		proc = g_subprocess_launcher_spawn(
			launcher, error, certtool, "--generate-privkey", "--key-type", "rsa",
			"--bits", "2048", "--no-text", "--outfile", sbc->files[keys[i]], NULL);
		if (proc == NULL)
			return FALSE;
		g_ptr_array_add(procs, proc);
	}
	for (guint i = 0; i < procs->len; i++) {
		GSubprocess *proc = g_ptr_array_index(procs, i);
		g_autofree gchar *err = NULL;

		if (!g_subprocess_communicate_utf8(proc, NULL, NULL, NULL, &err, error))
			return FALSE;
		if (!g_subprocess_get_successful(proc)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "certtool --generate-privkey failed: %s", g_strstrip(err));
			return FALSE;
		}
	}
	return TRUE;
}

/* a certificate from TEMPLATE for KEY, signed by CA with CA_KEY, or self-signed */
static gboolean
make_cert(TrTestSbc *sbc, const gchar *name, const gchar *template, SbcFile key, gint ca,
	  gint ca_key, SbcFile out, GError **error)
{
	g_autofree gchar *certtool = find_program("CERTTOOL", "certtool", error);
	g_autofree gchar *tmpl = NULL;
	g_autofree gchar *tmpl_path = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();

	if (certtool == NULL)
		return FALSE;
	tmpl = g_strdup_printf("%sexpiration_days = 30\n", template);
	tmpl_path = g_strdup_printf("%s/%s.tmpl", sbc->dir, name);
	if (!write_file(tmpl_path, tmpl, error))
		return FALSE;
	g_ptr_array_add(argv, certtool);
	if (ca < 0) {
		g_ptr_array_add(argv, "--generate-self-signed");
	} else {
		g_ptr_array_add(argv, "--generate-certificate");
		g_ptr_array_add(argv, "--load-ca-certificate");
		g_ptr_array_add(argv, sbc->files[ca]);
		g_ptr_array_add(argv, "--load-ca-privkey");
		g_ptr_array_add(argv, sbc->files[ca_key]);
	}
	g_ptr_array_add(argv, "--load-privkey");
	g_ptr_array_add(argv, sbc->files[key]);
	g_ptr_array_add(argv, "--template");
	g_ptr_array_add(argv, tmpl_path);
	g_ptr_array_add(argv, "--no-text");
	g_ptr_array_add(argv, "--outfile");
	g_ptr_array_add(argv, sbc->files[out]);
	g_ptr_array_add(argv, NULL);
	if (!run_sync(sbc->dir, (const gchar *const *)argv->pdata, NULL, error))
		return FALSE;
	g_unlink(tmpl_path);
	return TRUE;
}

#define CA_TEMPLATE(cn) "cn = \"" cn "\"\nca\ncert_signing_key\ncrl_signing_key\n"
#define SERVER_TEMPLATE(dns, ip)                                                                   \
	"cn = \"" dns "\"\ndns_name = \"" dns "\"\nip_address = \"" ip "\"\n"                      \
	"tls_www_server\nsigning_key\nencryption_key\n"
#define CLIENT_TEMPLATE(cn) "cn = \"" cn "\"\ntls_www_client\nsigning_key\nencryption_key\n"

static gboolean
generate_certs(TrTestSbc *sbc, GError **error)
{
	if (!generate_keys(sbc, error))
		return FALSE;
	/* three unrelated CAs with distinct names: "unknown issuer" stays that */
	if (!make_cert(sbc, "server-ca", CA_TEMPLATE("tipring test server CA"), FILE_SERVER_CA_KEY,
		       -1, -1, FILE_SERVER_CA, error) ||
	    !make_cert(sbc, "wrong-ca", CA_TEMPLATE("tipring test wrong CA"), FILE_WRONG_CA_KEY, -1,
		       -1, FILE_WRONG_CA, error) ||
	    !make_cert(sbc, "device-ca", CA_TEMPLATE("tipring test device CA"), FILE_DEVICE_CA_KEY,
		       -1, -1, FILE_DEVICE_CA, error))
		return FALSE;
	if (!make_cert(sbc, "server", SERVER_TEMPLATE(SERVER_NAME, "127.0.0.1"), FILE_SERVER_KEY,
		       FILE_SERVER_CA, FILE_SERVER_CA_KEY, FILE_SERVER_CERT, error) ||
	    !make_cert(sbc, "server-wrong-name", SERVER_TEMPLATE("wrong.test", "127.0.0.2"),
		       FILE_SERVER_KEY, FILE_SERVER_CA, FILE_SERVER_CA_KEY,
		       FILE_SERVER_WRONG_NAME_CERT, error) ||
	    !make_cert(sbc, "server-unknown-ca", SERVER_TEMPLATE(SERVER_NAME, "127.0.0.1"),
		       FILE_SERVER_KEY, FILE_WRONG_CA, FILE_WRONG_CA_KEY,
		       FILE_SERVER_UNKNOWN_CA_CERT, error))
		return FALSE;
	if (!make_cert(sbc, "device", CLIENT_TEMPLATE("tipring test device"), FILE_DEVICE_KEY,
		       FILE_DEVICE_CA, FILE_DEVICE_CA_KEY, FILE_DEVICE_CERT, error) ||
	    !make_cert(sbc, "wrong-device", CLIENT_TEMPLATE("tipring test device"),
		       FILE_WRONG_DEVICE_KEY, FILE_WRONG_CA, FILE_WRONG_CA_KEY,
		       FILE_WRONG_DEVICE_CERT, error))
		return FALSE;
	return TRUE;
}

/* ports */

static guint16
free_port(int type)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	guint16 port = 0;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	close(fd);
	return port;
}

/* free now; Kamailio binds them a moment later, and a start that loses the
 * race is retried on new ones */
static gboolean
pick_ports(TrTestSbc *sbc, GError **error)
{
	for (guint i = 0; i < N_PORTS; i++) {
		guint16 port = 0;

		for (guint tries = 0; tries < 20 && port == 0; tries++) {
			port = free_port(i == PORT_UDP ? SOCK_DGRAM : SOCK_STREAM);
			for (guint j = 0; j < i; j++) {
				if (sbc->ports[j] == port)
					port = 0;
			}
		}
		if (port == 0) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "no free port on 127.0.0.1: %s", g_strerror(errno));
			return FALSE;
		}
		sbc->ports[i] = port;
	}
	return TRUE;
}

/* a TCP connection to 127.0.0.1:PORT within TIMEOUT_MS, or -1; never
 * blocks longer, even on a listener whose backlog is full */
static int
connect_loopback(guint16 port, int timeout_ms)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct pollfd pfd = {.events = POLLOUT};
	int err = 0;
	socklen_t len = sizeof(err);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		pfd.fd = fd;
		if (errno != EINPROGRESS || poll(&pfd, 1, timeout_ms) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static gboolean
tcp_port_listens(guint16 port)
{
	int fd = connect_loopback(port, 200);

	if (fd < 0)
		return FALSE;
	close(fd);
	return TRUE;
}

static gboolean
udp_port_free(guint16 port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	ok = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

static gboolean
unix_socket_listens(const gchar *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

static gchar *
probe_options(const gchar *transport, guint16 sbc_port, guint16 local_port, guint n)
{
	return g_strdup_printf("OPTIONS sip:127.0.0.1:%u SIP/2.0\r\n"
			       "Via: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bK-tr-probe-%u;rport\r\n"
			       "Max-Forwards: 70\r\n"
			       "From: <sip:probe@127.0.0.1>;tag=tr-probe\r\n"
			       "To: <sip:127.0.0.1>\r\n"
			       "Call-ID: tr-probe-%u@127.0.0.1\r\n"
			       "CSeq: %u OPTIONS\r\n"
			       "Content-Length: 0\r\n\r\n",
			       sbc_port, transport, local_port, n, n, n + 1);
}

/* a 200 on FD within TIMEOUT_MS */
static gboolean
answered_200(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	gchar buf[2048];

	while (poll(&pfd, 1, timeout_ms) == 1) {
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);

		if (r <= 0)
			return FALSE;
		buf[r] = '\0';
		if (g_str_has_prefix(buf, "SIP/2.0 200 "))
			return TRUE;
	}
	return FALSE;
}

/* an OPTIONS over UDP answered 200: the UDP workers run the script */
static gboolean
udp_options_answered(int fd, guint16 sbc_port, guint n)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(sbc_port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in local = {0};
	socklen_t len = sizeof(local);
	g_autofree gchar *msg = NULL;

	if (getsockname(fd, (struct sockaddr *)&local, &len) != 0)
		return FALSE;
	msg = probe_options("UDP", sbc_port, ntohs(local.sin_port), n);
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return FALSE;
	return answered_200(fd, 20);
}

/* an OPTIONS over TCP answered 200: the TCP main process hands connections
 * to the TCP worker, which also serves TLS */
static gboolean
tcp_options_answered(guint16 sbc_port, guint n)
{
	struct sockaddr_in local = {0};
	socklen_t len = sizeof(local);
	g_autofree gchar *msg = NULL;
	gboolean ok = FALSE;
	int fd = connect_loopback(sbc_port, 200);

	if (fd < 0) {
		g_usleep(5000);
		return FALSE;
	}
	if (getsockname(fd, (struct sockaddr *)&local, &len) == 0) {
		msg = probe_options("TCP", sbc_port, ntohs(local.sin_port), n);
		ok = send(fd, msg, strlen(msg), MSG_NOSIGNAL) == (ssize_t)strlen(msg) &&
		     answered_200(fd, 50);
	}
	close(fd);
	if (!ok)
		g_usleep(5000);
	return ok;
}

/* files written for each start */

static gchar *
db_text_escape(const gchar *s)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = s; *p != '\0'; p++) {
		switch (*p) {
		case ':':
			g_string_append(out, "\\:");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			g_string_append_c(out, *p);
		}
	}
	return g_string_free(out, FALSE);
}

static gboolean
write_db(TrTestSbc *sbc, GError **error)
{
	g_autoptr(GString) subscriber = g_string_new(
		"id(int,auto) username(string) domain(string) password(string) ha1(string) "
		"ha1b(string) \n");
	g_autofree gchar *version_path = g_build_filename(sbc->db_dir, "version", NULL);
	g_autofree gchar *subscriber_path = g_build_filename(sbc->db_dir, "subscriber", NULL);
	g_autofree gchar *location_path = g_build_filename(sbc->db_dir, "location", NULL);

	for (guint i = 0; i + 1 < sbc->users->len; i += 2) {
		const gchar *user = g_ptr_array_index(sbc->users, i);
		const gchar *password = g_ptr_array_index(sbc->users, i + 1);
		g_autofree gchar *a1 = g_strdup_printf("%s:%s:%s", user, REALM, password);
		g_autofree gchar *a1b =
			g_strdup_printf("%s@%s:%s:%s", user, REALM, REALM, password);
		g_autofree gchar *ha1 = g_compute_checksum_for_string(G_CHECKSUM_MD5, a1, -1);
		g_autofree gchar *ha1b = g_compute_checksum_for_string(G_CHECKSUM_MD5, a1b, -1);
		g_autofree gchar *user_esc = db_text_escape(user);
		g_autofree gchar *password_esc = db_text_escape(password);

		/* the password in clear (calculate_ha1); ha1 columns must not be null */
		g_string_append_printf(subscriber, "%u:%s:%s:%s:%s:%s\n", i / 2 + 1, user_esc,
				       REALM, password_esc, ha1, ha1b);
	}
	return write_file(version_path,
			  "id(int,auto) table_name(string) table_version(int) \n"
			  "0:subscriber:7\n"
			  "0:location:9\n",
			  error) &&
	       write_file(subscriber_path, subscriber->str, error) &&
	       /* usrloc keeps bindings in memory (db_mode 0); the table is for kamctl */
	       write_file(location_path,
			  "id(int,auto) ruid(string) username(string) domain(string,null) "
			  "contact(string) received(string,null) path(string,null) expires(int) "
			  "q(double) callid(string) cseq(int) last_modified(int) flags(int) "
			  "cflags(int) user_agent(string) socket(string,null) methods(int,null) "
			  "instance(string,null) reg_id(int) server_id(int) connection_id(int) "
			  "keepalive(int) partition(int) \n",
			  error);
}

static gboolean
write_tls_cfg(TrTestSbc *sbc, GError **error)
{
	const SbcFile certs[] = {
		[TR_TEST_SBC_CERT_GOOD] = FILE_SERVER_CERT,
		[TR_TEST_SBC_CERT_WRONG_NAME] = FILE_SERVER_WRONG_NAME_CERT,
		[TR_TEST_SBC_CERT_UNKNOWN_CA] = FILE_SERVER_UNKNOWN_CA_CERT,
	};
	const gchar *cert = sbc->files[certs[sbc->server_cert]];
	const gchar *key = sbc->files[FILE_SERVER_KEY];
	/* OpenSSL 3 refuses TLS 1.0/1.1 at its default security level */
	const gchar *ciphers = g_str_has_prefix(sbc->tls_method, "TLSv1.2") ||
					       g_str_has_prefix(sbc->tls_method, "TLSv1.3")
				       ? ""
				       : "cipher_list = DEFAULT:@SECLEVEL=0\n";
	g_autofree gchar *cfg =
		g_strdup_printf("# written by tr-test-sbc.c for this run\n"
				"\n"
				"# the TLS port: any client, no client certificate asked for\n"
				"[server:default]\n"
				"method = %s\n%s"
				"verify_certificate = no\n"
				"require_certificate = no\n"
				"certificate = %s\n"
				"private_key = %s\n"
				"\n"
				"# the client-certificate port: a device certificate or nothing\n"
				"[server:127.0.0.1:%u]\n"
				"method = %s\n%s"
				"verify_certificate = yes\n"
				"require_certificate = yes\n"
				"verify_depth = 3\n"
				"ca_list = %s\n"
				"certificate = %s\n"
				"private_key = %s\n"
				"\n"
				"[client:default]\n"
				"method = TLSv1.2+\n"
				"verify_certificate = no\n"
				"require_certificate = no\n",
				sbc->tls_method, ciphers, cert, key, sbc->ports[PORT_MTLS],
				sbc->tls_method, ciphers, sbc->files[FILE_DEVICE_CA], cert, key);

	return write_file(sbc->tls_cfg, cfg, error);
}

/* the log */

static gchar *
read_log(TrTestSbc *sbc, goffset from)
{
	g_autofree gchar *contents = NULL;
	gsize len = 0;

	if (!g_file_get_contents(sbc->log_path, &contents, &len, NULL))
		return g_strdup("");
	if (from < 0 || (gsize)from > len)
		from = 0;
	return g_strdup(contents + from);
}

static goffset
log_size(TrTestSbc *sbc)
{
	GStatBuf st;

	if (g_stat(sbc->log_path, &st) != 0)
		return 0;
	return st.st_size;
}

/* the last LINES lines of TEXT */
static const gchar *
tail_lines(const gchar *text, guint lines)
{
	const gchar *p = text + strlen(text);

	while (p > text && (p[-1] == '\n'))
		p--;
	while (p > text) {
		p--;
		if (*p == '\n' && --lines == 0)
			return p + 1;
	}
	return text;
}

/* the process */

static void
child_setup(gpointer user_data)
{
	TrTestSbc *sbc = user_data;
	struct rlimit rl;

	/* a group of its own: kill() reaches every Kamailio process at once,
	 * and no signal Kamailio sends its group reaches the test */
	setpgid(0, 0);
	/* SIGTERM, not SIGKILL: the main process then stops its children,
	 * which no signal would reach once it is gone */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != sbc->parent_pid)
		_exit(127);
	/* a thousand TLS lines in the benchmark need as many descriptors */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static gboolean
wait_exited(GSubprocess *proc, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	/* GSubprocess reaps on GLib's worker thread: no main loop needed here */
	while (g_subprocess_get_identifier(proc) != NULL) {
		if (g_get_monotonic_time() > deadline)
			return FALSE;
		g_usleep(2000);
	}
	return TRUE;
}

/* until no Kamailio process holds a port: connects refused, UDP bindable */
static void
wait_ports_released(TrTestSbc *sbc)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)STOP_TIMEOUT_MS * 1000;

	while (g_get_monotonic_time() < deadline) {
		gboolean held = !udp_port_free(sbc->ports[PORT_UDP]);

		for (guint i = PORT_TCP; i < N_PORTS && !held; i++)
			held = tcp_port_listens(sbc->ports[i]);
		if (!held)
			return;
		g_usleep(5000);
	}
	/* not fatal: another test may have taken a port meanwhile */
	g_test_message("tr-test-sbc: Kamailio's ports still held %d ms after it ended",
		       STOP_TIMEOUT_MS);
}

static void
kill_group(TrTestSbc *sbc, int sig)
{
	/* never kill(0) or kill(-1): that would be the test's own group, or all */
	if (sbc->pgid > 1)
		kill(-sbc->pgid, sig);
}

/* WAIT_PORTS: return only once the ports are free again (not after a start
 * that failed, where someone else may hold one) */
static void
end_process(TrTestSbc *sbc, int sig, gboolean wait_ports)
{
	if (sbc->proc == NULL)
		return;
	if (g_subprocess_get_identifier(sbc->proc) != NULL) {
		if (sig == SIGKILL) {
			kill_group(sbc, SIGKILL);
		} else {
			gboolean exited = FALSE;

			/* to the whole group: a process still starting may miss the
			 * main process's SIGTERM, which then waits for it; and the
			 * main process checks for signals before it pause()s, so one
			 * that lands in between waits for the next: repeat it */
			for (guint waited = 0; !exited && waited < STOP_TIMEOUT_MS; waited += 100) {
				kill_group(sbc, sig);
				exited = wait_exited(sbc->proc, 100);
			}
			if (!exited)
				g_test_message("tr-test-sbc: Kamailio ignored signal %d for %d ms",
					       sig, STOP_TIMEOUT_MS);
		}
	}
	/* whatever is left of the group: the main process only stops children
	 * it still knows of */
	kill_group(sbc, SIGKILL);
	wait_exited(sbc->proc, STOP_TIMEOUT_MS);
	g_clear_object(&sbc->proc);
	sbc->pgid = 0;
	if (wait_ports)
		wait_ports_released(sbc);
}

static gchar *
define_string(const gchar *name, const gchar *value)
{
	return g_strdup_printf("%s=\"%s\"", name, value);
}

static gchar *
define_int(const gchar *name, guint value)
{
	return g_strdup_printf("%s=%u", name, value);
}

/* one attempt; BIND_FAILED says whether a port was taken */
static gboolean
start_once(TrTestSbc *sbc, gboolean *bind_failed, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *db_url = g_strdup_printf("text://%s", sbc->db_dir);
	g_autofree gchar *ctl = g_strdup_printf("unix:%s", sbc->ctl_path);
	gboolean ready[N_PORTS] = {FALSE};
	gboolean ctl_ready = FALSE;
	const gchar *identifier;
	gint64 deadline;
	goffset log_start;
	guint n = 0;
	int log_fd;
	int probe_fd;
	struct sockaddr_in local = {.sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	*bind_failed = FALSE;
	if (!write_db(sbc, error) || !write_tls_cfg(sbc, error))
		return FALSE;
	g_unlink(sbc->ctl_path);

	log_fd = g_open(sbc->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s",
			    sbc->log_path, g_strerror(errno));
		return FALSE;
	}
	log_start = log_size(sbc);
	g_subprocess_launcher_take_stdout_fd(launcher, dup(log_fd));
	g_subprocess_launcher_take_stderr_fd(launcher, log_fd);
	g_subprocess_launcher_set_cwd(launcher, sbc->dir);
	g_subprocess_launcher_set_child_setup(launcher, child_setup, sbc, NULL);

	g_ptr_array_add(argv, g_strdup(sbc->kamailio));
	g_ptr_array_add(argv, g_strdup("-DD")); /* foreground, children forked */
	g_ptr_array_add(argv, g_strdup("-E"));
	g_ptr_array_add(argv, g_strdup("-f"));
	g_ptr_array_add(argv, g_strdup(sbc->config));
	g_ptr_array_add(argv, g_strdup("-Y")); /* runtime dir, instead of /run/kamailio */
	g_ptr_array_add(argv, g_strdup(sbc->dir));
	g_ptr_array_add(argv, g_strdup("-w"));
	g_ptr_array_add(argv, g_strdup(sbc->dir));
	/* TLS sessions live in shared memory: room for the benchmark's thousand */
	g_ptr_array_add(argv, g_strdup("-m"));
	g_ptr_array_add(argv, g_strdup("256"));
	g_ptr_array_add(argv, g_strdup("-M"));
	g_ptr_array_add(argv, g_strdup("16"));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_int("SBC_UDP_PORT", sbc->ports[PORT_UDP]));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_int("SBC_TCP_PORT", sbc->ports[PORT_TCP]));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_int("SBC_TLS_PORT", sbc->ports[PORT_TLS]));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_int("SBC_MTLS_PORT", sbc->ports[PORT_MTLS]));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_string("SBC_TLS_CFG", sbc->tls_cfg));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_string("SBC_DB_URL", db_url));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_string("SBC_CTL", ctl));
	g_ptr_array_add(argv, g_strdup("-A"));
	g_ptr_array_add(argv, define_string("SBC_REALM", REALM));
	g_ptr_array_add(argv, NULL);

	sbc->parent_pid = getpid();
	sbc->proc =
		g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, error);
	if (sbc->proc == NULL)
		return FALSE;
	/* its pid is its process group (child_setup); NULL if it is gone already */
	identifier = g_subprocess_get_identifier(sbc->proc);
	sbc->pgid = identifier != NULL ? (pid_t)g_ascii_strtoll(identifier, NULL, 10) : 0;

	probe_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (probe_fd < 0 || bind(probe_fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "probe socket: %s",
			    g_strerror(errno));
		if (probe_fd >= 0)
			close(probe_fd);
		end_process(sbc, SIGKILL, FALSE);
		return FALSE;
	}

	deadline = g_get_monotonic_time() + (gint64)START_TIMEOUT_MS * 1000;
	while (TRUE) {
		gboolean all = TRUE;

		if (g_subprocess_get_identifier(sbc->proc) == NULL)
			break; /* exited */
		if (!ready[PORT_UDP])
			ready[PORT_UDP] = udp_options_answered(probe_fd, sbc->ports[PORT_UDP], n++);
		else if (!ready[PORT_TCP])
			ready[PORT_TCP] = tcp_options_answered(sbc->ports[PORT_TCP], n++);
		for (guint i = PORT_TLS; i < N_PORTS; i++) {
			if (!ready[i])
				ready[i] = tcp_port_listens(sbc->ports[i]);
		}
		if (!ctl_ready)
			ctl_ready = unix_socket_listens(sbc->ctl_path);
		for (guint i = 0; i < N_PORTS; i++)
			all = all && ready[i];
		if (all && ctl_ready) {
			close(probe_fd);
			return TRUE;
		}
		if (g_get_monotonic_time() > deadline)
			break;
		if (ready[PORT_UDP] && ready[PORT_TCP])
			g_usleep(5000); /* the SIP probes wait otherwise */
	}
	close(probe_fd);

	{
		gboolean exited = g_subprocess_get_identifier(sbc->proc) == NULL;
		g_autofree gchar *log = NULL;

		end_process(sbc, SIGKILL, FALSE);
		log = read_log(sbc, log_start);
		*bind_failed = strstr(log, "Address already in use") != NULL;
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "Kamailio %s (ports udp %u, tcp %u, tls %u, tls client cert %u); "
			    "its log %s ends:\n%s",
			    exited ? "exited while starting" : "did not answer in time",
			    sbc->ports[PORT_UDP], sbc->ports[PORT_TCP], sbc->ports[PORT_TLS],
			    sbc->ports[PORT_MTLS], sbc->log_path, tail_lines(log, 15));
	}
	return FALSE;
}

/* the public API */

TrTestSbc *
tr_test_sbc_new(GError **error)
{
	g_autoptr(TrTestSbc) sbc = g_new0(TrTestSbc, 1);

	sbc->users = g_ptr_array_new_with_free_func(g_free);
	sbc->tls_method = g_strdup("TLSv1.2+");
	sbc->server_cert = TR_TEST_SBC_CERT_GOOD;

	sbc->kamailio = find_program("KAMAILIO", "kamailio", error);
	if (sbc->kamailio == NULL)
		return NULL;
	sbc->kamcmd = find_program("KAMCMD", "kamcmd", error);
	if (sbc->kamcmd == NULL)
		return NULL;
	sbc->config = find_config(error);
	if (sbc->config == NULL)
		return NULL;

	sbc->dir = g_dir_make_tmp("tr-test-sbc-XXXXXX", error);
	if (sbc->dir == NULL)
		return NULL;
	sbc->db_dir = g_build_filename(sbc->dir, "db", NULL);
	sbc->tls_cfg = g_build_filename(sbc->dir, "tls.cfg", NULL);
	sbc->ctl_path = g_build_filename(sbc->dir, "kamailio_ctl", NULL);
	sbc->log_path = g_build_filename(sbc->dir, "kamailio.log", NULL);
	for (guint i = 0; i < N_FILES; i++)
		sbc->files[i] = g_build_filename(sbc->dir, file_names[i], NULL);
	if (strlen(sbc->ctl_path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
			    "%s is too long for a unix socket; set a shorter TMPDIR",
			    sbc->ctl_path);
		return NULL;
	}
	if (g_mkdir(sbc->db_dir, 0700) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s: %s", sbc->db_dir,
			    g_strerror(errno));
		return NULL;
	}
	if (!generate_certs(sbc, error))
		return NULL;
	if (!pick_ports(sbc, error))
		return NULL;
	return g_steal_pointer(&sbc);
}

static void
remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	if (dir != NULL) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);

			if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
				remove_tree(child);
			else
				g_unlink(child);
		}
	}
	g_rmdir(path);
}

void
tr_test_sbc_free(TrTestSbc *sbc)
{
	if (sbc == NULL)
		return;
	end_process(sbc, SIGKILL, FALSE);
	if (sbc->dir != NULL) {
		/* a failed test shows what the SBC saw */
		if (g_test_initialized() && g_test_failed()) {
			g_autofree gchar *log = read_log(sbc, 0);
			g_test_message("Kamailio's log %s ends:\n%s", sbc->log_path,
				       tail_lines(log, 40));
		}
		if (g_strcmp0(g_getenv("TR_TEST_SBC_KEEP"), "1") == 0)
			g_test_message("tr-test-sbc: kept %s", sbc->dir);
		else
			remove_tree(sbc->dir);
	}
	for (guint i = 0; i < N_FILES; i++)
		g_free(sbc->files[i]);
	g_clear_pointer(&sbc->users, g_ptr_array_unref);
	g_free(sbc->dir);
	g_free(sbc->db_dir);
	g_free(sbc->config);
	g_free(sbc->kamailio);
	g_free(sbc->kamcmd);
	g_free(sbc->tls_cfg);
	g_free(sbc->ctl_path);
	g_free(sbc->log_path);
	g_free(sbc->tls_method);
	g_free(sbc);
}

void
tr_test_sbc_add_user(TrTestSbc *sbc, const gchar *user, const gchar *password)
{
	g_return_if_fail(sbc != NULL);
	g_return_if_fail(user != NULL && user[0] != '\0');
	g_return_if_fail(password != NULL);
	g_ptr_array_add(sbc->users, g_strdup(user));
	g_ptr_array_add(sbc->users, g_strdup(password));
}

void
tr_test_sbc_set_server_cert(TrTestSbc *sbc, TrTestSbcCert cert)
{
	g_return_if_fail(sbc != NULL);
	g_return_if_fail(cert <= TR_TEST_SBC_CERT_UNKNOWN_CA);
	sbc->server_cert = cert;
}

/* Kamailio's tls_method: "TLSv1.2+" (the default), "TLSv1", "TLSv1.1", ... */
void
tr_test_sbc_set_tls_method(TrTestSbc *sbc, const gchar *method)
{
	g_return_if_fail(sbc != NULL);
	g_return_if_fail(method != NULL);
	g_free(sbc->tls_method);
	sbc->tls_method = g_strdup(method);
}

gboolean
tr_test_sbc_start(TrTestSbc *sbc, GError **error)
{
	g_return_val_if_fail(sbc != NULL, FALSE);
	g_return_val_if_fail(!tr_test_sbc_is_running(sbc), FALSE);

	/* what is left of a Kamailio that died by itself */
	if (sbc->proc != NULL)
		end_process(sbc, SIGKILL, TRUE);
	for (guint attempt = 1;; attempt++) {
		g_autoptr(GError) local_error = NULL;
		gboolean bind_failed = FALSE;

		if (start_once(sbc, &bind_failed, &local_error)) {
			sbc->ports_kept = TRUE;
			return TRUE;
		}
		if (!bind_failed || attempt == START_ATTEMPTS) {
			g_propagate_error(error, g_steal_pointer(&local_error));
			return FALSE;
		}
		/* someone took a port between the choice and the bind */
		if (sbc->ports_kept)
			g_usleep(100 * 1000);
		else if (!pick_ports(sbc, error))
			return FALSE;
	}
}

void
tr_test_sbc_stop(TrTestSbc *sbc)
{
	g_return_if_fail(sbc != NULL);
	end_process(sbc, SIGTERM, TRUE);
}

void
tr_test_sbc_kill(TrTestSbc *sbc)
{
	g_return_if_fail(sbc != NULL);
	end_process(sbc, SIGKILL, TRUE);
}

gboolean
tr_test_sbc_restart(TrTestSbc *sbc, GError **error)
{
	g_return_val_if_fail(sbc != NULL, FALSE);
	tr_test_sbc_stop(sbc);
	return tr_test_sbc_start(sbc, error);
}

gboolean
tr_test_sbc_is_running(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, FALSE);
	return sbc->proc != NULL && g_subprocess_get_identifier(sbc->proc) != NULL;
}

guint16
tr_test_sbc_get_udp_port(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, 0);
	return sbc->ports[PORT_UDP];
}

guint16
tr_test_sbc_get_tcp_port(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, 0);
	return sbc->ports[PORT_TCP];
}

guint16
tr_test_sbc_get_tls_port(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, 0);
	return sbc->ports[PORT_TLS];
}

guint16
tr_test_sbc_get_tls_client_cert_port(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, 0);
	return sbc->ports[PORT_MTLS];
}

const gchar *
tr_test_sbc_get_dir(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, NULL);
	return sbc->dir;
}

const gchar *
tr_test_sbc_get_log_path(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, NULL);
	return sbc->log_path;
}

const gchar *
tr_test_sbc_get_realm(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, NULL);
	return REALM;
}

const gchar *
tr_test_sbc_get_server_name(TrTestSbc *sbc)
{
	g_return_val_if_fail(sbc != NULL, NULL);
	return SERVER_NAME;
}

#define FILE_GETTER(name, file)                                                                    \
	const gchar *tr_test_sbc_get_##name(TrTestSbc *sbc)                                        \
	{                                                                                          \
		g_return_val_if_fail(sbc != NULL, NULL);                                           \
		return sbc->files[file];                                                           \
	}

FILE_GETTER(server_ca, FILE_SERVER_CA)
FILE_GETTER(wrong_ca, FILE_WRONG_CA)
FILE_GETTER(device_ca, FILE_DEVICE_CA)
FILE_GETTER(device_ca_key, FILE_DEVICE_CA_KEY)
FILE_GETTER(device_cert, FILE_DEVICE_CERT)
FILE_GETTER(device_key, FILE_DEVICE_KEY)
FILE_GETTER(wrong_device_cert, FILE_WRONG_DEVICE_CERT)
FILE_GETTER(wrong_device_key, FILE_WRONG_DEVICE_KEY)

gchar *
tr_test_sbc_kamcmd(TrTestSbc *sbc, GError **error, const gchar *cmd, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	gchar *out = NULL;
	const gchar *arg;
	va_list ap;

	g_return_val_if_fail(sbc != NULL, NULL);
	g_return_val_if_fail(cmd != NULL, NULL);

	g_ptr_array_add(argv, g_strdup(sbc->kamcmd));
	g_ptr_array_add(argv, g_strdup("-s"));
	g_ptr_array_add(argv, g_strdup_printf("unix:%s", sbc->ctl_path));
	g_ptr_array_add(argv, g_strdup(cmd));
	va_start(ap, cmd);
	while ((arg = va_arg(ap, const gchar *)) != NULL)
		g_ptr_array_add(argv, g_strdup(arg));
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	if (!run_sync(sbc->dir, (const gchar *const *)argv->pdata, &out, error))
		return NULL;
	return out;
}

void
tr_test_sbc_binding_free(TrTestSbcBinding *binding)
{
	if (binding == NULL)
		return;
	g_free(binding->aor);
	g_free(binding->contact);
	g_free(binding->transport);
	g_free(binding->socket);
	g_free(binding->received);
	g_free(binding->user_agent);
	g_free(binding->call_id);
	g_free(binding);
}

static TrTestSbcBinding *
binding_copy(const TrTestSbcBinding *b)
{
	TrTestSbcBinding *copy = g_new0(TrTestSbcBinding, 1);

	copy->aor = g_strdup(b->aor);
	copy->contact = g_strdup(b->contact);
	copy->transport = g_strdup(b->transport);
	copy->socket = g_strdup(b->socket);
	copy->received = g_strdup(b->received);
	copy->user_agent = g_strdup(b->user_agent);
	copy->call_id = g_strdup(b->call_id);
	copy->expires = b->expires;
	copy->sbc_port = b->sbc_port;
	return copy;
}

/* "[not set]" is how ul.dump says NULL */
static gchar *
dump_value(const gchar *value)
{
	if (g_strcmp0(value, "[not set]") == 0 || value[0] == '\0')
		return NULL;
	return g_strdup(value);
}

/*
 * ul.dump prints nested blocks, one "Key: value" per line:
 *   AoRs: { Info: { AoR: alice  Contacts: { Contact: { Address: ... } } } }
 */
static GPtrArray *
parse_ul_dump(const gchar *dump)
{
	g_autoptr(GPtrArray) bindings =
		g_ptr_array_new_with_free_func((GDestroyNotify)tr_test_sbc_binding_free);
	g_auto(GStrv) lines = g_strsplit(dump, "\n", -1);
	g_autoptr(TrTestSbcBinding) current = NULL;
	g_autofree gchar *aor = NULL;
	gboolean keep = TRUE;
	gint depth = 0;
	gint contact_depth = -1;

	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);
		gchar *colon;
		const gchar *value;

		if (g_str_equal(line, "}")) {
			depth--;
			if (current != NULL && depth == contact_depth) {
				if (keep)
					g_ptr_array_add(bindings, g_steal_pointer(&current));
				g_clear_pointer(&current, tr_test_sbc_binding_free);
				contact_depth = -1;
			}
			continue;
		}
		if (g_str_has_suffix(line, "{")) {
			if (g_str_has_prefix(line, "Contact:")) {
				g_clear_pointer(&current, tr_test_sbc_binding_free);
				current = g_new0(TrTestSbcBinding, 1);
				current->aor = g_strdup(aor);
				contact_depth = depth;
				keep = TRUE;
			}
			depth++;
			continue;
		}
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		value = colon + 1;
		while (*value == ' ')
			value++;
		if (g_str_equal(line, "AoR")) {
			g_free(aor);
			aor = g_strdup(value);
		}
		if (current == NULL)
			continue;
		if (g_str_equal(line, "Address")) {
			current->contact = g_strdup(value);
		} else if (g_str_equal(line, "Expires")) {
			if (g_str_equal(value, "permanent"))
				current->expires = -1;
			else if (g_ascii_isdigit(value[0]))
				current->expires = g_ascii_strtoll(value, NULL, 10);
			else
				keep = FALSE; /* "expired", "deleted": gone already */
		} else if (g_str_equal(line, "Call-ID")) {
			current->call_id = g_strdup(value);
		} else if (g_str_equal(line, "User-Agent")) {
			current->user_agent = dump_value(value);
		} else if (g_str_equal(line, "Received")) {
			current->received = dump_value(value);
		} else if (g_str_equal(line, "Socket")) {
			const gchar *port = strrchr(value, ':');
			const gchar *proto_end = strchr(value, ':');

			current->socket = g_strdup(value);
			if (proto_end != NULL)
				current->transport = g_ascii_strdown(value, proto_end - value);
			if (port != NULL)
				current->sbc_port = (guint16)g_ascii_strtoull(port + 1, NULL, 10);
		}
	}
	return g_steal_pointer(&bindings);
}

GPtrArray *
tr_test_sbc_bindings(TrTestSbc *sbc, GError **error)
{
	g_autofree gchar *dump = NULL;

	g_return_val_if_fail(sbc != NULL, NULL);
	dump = tr_test_sbc_kamcmd(sbc, error, "ul.dump", NULL);
	if (dump == NULL)
		return NULL;
	return parse_ul_dump(dump);
}

TrTestSbcBinding *
tr_test_sbc_wait_for_binding(TrTestSbc *sbc, const gchar *user, const gchar *transport,
			     guint timeout_ms, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	g_return_val_if_fail(sbc != NULL, NULL);
	g_return_val_if_fail(user != NULL, NULL);

	while (TRUE) {
		g_autoptr(GPtrArray) bindings = tr_test_sbc_bindings(sbc, error);

		if (bindings == NULL)
			return NULL;
		for (guint i = 0; i < bindings->len; i++) {
			TrTestSbcBinding *b = g_ptr_array_index(bindings, i);

			if (g_strcmp0(b->aor, user) == 0 &&
			    (transport == NULL || g_ascii_strcasecmp(b->transport, transport) == 0))
				return binding_copy(b);
		}
		if (g_get_monotonic_time() > deadline)
			break;
		g_usleep(20 * 1000);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no binding of %s over %s after %u ms",
		    user, transport != NULL ? transport : "any transport", timeout_ms);
	return NULL;
}

guint
tr_test_sbc_count_log(TrTestSbc *sbc, const gchar *needle)
{
	g_autofree gchar *log = NULL;
	guint count = 0;

	g_return_val_if_fail(sbc != NULL, 0);
	g_return_val_if_fail(needle != NULL && needle[0] != '\0', 0);
	log = read_log(sbc, 0);
	for (const gchar *p = strstr(log, needle); p != NULL; p = strstr(p + 1, needle))
		count++;
	return count;
}

guint
tr_test_sbc_count_requests(TrTestSbc *sbc, const gchar *method, const gchar *transport)
{
	g_autofree gchar *log = NULL;
	g_autofree gchar *prefix = NULL;
	g_autofree gchar *proto = NULL;
	g_auto(GStrv) lines = NULL;
	guint count = 0;

	g_return_val_if_fail(sbc != NULL, 0);
	prefix = g_strdup_printf("TR-SBC: REQ %s%s", method != NULL ? method : "",
				 method != NULL ? " " : "");
	proto = transport != NULL ? g_strdup_printf(" proto=%s ", transport) : NULL;
	log = read_log(sbc, 0);
	lines = g_strsplit(log, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *req = strstr(lines[i], prefix);

		if (req == NULL)
			continue;
		if (proto != NULL && strstr(req, proto) == NULL)
			continue;
		/* the helper's own readiness probes */
		if (strstr(req, " ci=tr-probe-") != NULL)
			continue;
		count++;
	}
	return count;
}

guint
tr_test_sbc_count_registers(TrTestSbc *sbc)
{
	return tr_test_sbc_count_requests(sbc, "REGISTER", NULL);
}
