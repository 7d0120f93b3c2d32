/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tr-dbus-generated.h"
#include "tr-test-daemon.h"
#include "tr-test-sbc.h"

/*
 * The web admin pages in a real browser: headless Chromium (Debian's),
 * driven by Playwright from tests/web/admin.mjs, against the real tipringd
 * hosting an SPA2102 with its web server on a free port of 127.0.0.1, and a
 * real SBC (Kamailio, tr-test-sbc.c).
 *
 * This harness sets the device up over D-Bus (the web passwords, line 1
 * registered over UDP), runs the script, and then checks over D-Bus and
 * through Kamailio what the browser did: line 1 registered over TLS, the
 * values that the refused submits sent left unchanged. The script checks the
 * pages themselves; it reaches D-Bus through tipringctl.
 *
 * Node, Chromium and tests/web/node_modules (npm ci) come from
 * .ci/install-deps; a missing one is a failure, never a skip. Screenshots go
 * to $TIPRING_WEB_SCREENSHOTS (meson: BUILDDIR/tests/web-screenshots).
 *
 * Each case runs in a subprocess of its own with a fresh directory, as in
 * test-registration.c: tipringd, Kamailio and node die with it
 * (PR_SET_PDEATHSIG). A check that fails only because a translation is
 * missing is reported as incomplete (TAP TODO), naming what is missing.
 */

#define ROOT_PATH      "/org/tipring/Tipring1"
#define DEVICE0_PATH   ROOT_PATH "/Device/0"
#define LINE1_PATH     DEVICE0_PATH "/Line/1"
#define SIP_USER       "1001"
#define SIP_PASSWORD   "secret"
#define ADMIN_PASSWORD "admin-Pw-4711"
#define USER_PASSWORD  "user-Pw-0815"
#define DISPLAY_NAME   "Browser Test"
#define DEADLINE_MS    15000
#define NODE_DEADLINE  (90 * 1000) /* ms; the script takes about 10 s */
#define POLL_MS	       20

/* the report: "M text" for a message, "I text" for an incomplete case */

static gchar *
report_path_in(const gchar *dir)
{
	return g_build_filename(dir, "report", NULL);
}

static void
report(gchar kind, const gchar *text)
{
	g_autofree gchar *path = report_path_in(g_getenv("TIPRING_TEST_DIR"));
	g_autofree gchar *escaped = g_strdelimit(g_strdup(text), "\n", ' ');
	g_autofree gchar *line = g_strdup_printf("%c %s\n", kind, escaped);
	FILE *f = fopen(path, "a");

	g_assert_nonnull(f);
	fputs(line, f);
	fclose(f);
}

static void note(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

static void
note(const gchar *format, ...)
{
	va_list ap;
	g_autofree gchar *text = NULL;

	va_start(ap, format);
	text = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_printerr("# %s\n", text);
	report('M', text);
}

static gdouble
ms_since(gint64 start_us)
{
	return (g_get_monotonic_time() - start_us) / 1000.0;
}

/* what the browser test needs */

static gchar *
find_node(void)
{
	const gchar *node = g_getenv("NODE");

	if (node != NULL && *node != '\0')
		return g_file_test(node, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup(node) : NULL;
	return g_find_program_in_path("node");
}

static gchar *
find_chromium(void)
{
	const gchar *chromium = g_getenv("TIPRING_CHROMIUM");

	if (chromium != NULL && *chromium != '\0')
		return g_file_test(chromium, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup(chromium) : NULL;
	if (g_file_test("/usr/bin/chromium", G_FILE_TEST_IS_EXECUTABLE))
		return g_strdup("/usr/bin/chromium");
	return g_find_program_in_path("chromium");
}

static gchar *
web_dir(void)
{
	return g_build_filename(g_getenv("TIPRING_SOURCE_ROOT"), "tests", "web", NULL);
}

/* what is missing, for the failure message; NULL if nothing */
static gchar *
missing_tools(void)
{
	g_autofree gchar *node = find_node();
	g_autofree gchar *chromium = find_chromium();
	g_autofree gchar *dir = web_dir();
	g_autofree gchar *playwright =
		g_build_filename(dir, "node_modules", "playwright-core", "package.json", NULL);
	g_autoptr(GString) missing = g_string_new(NULL);

	if (node == NULL)
		g_string_append(missing, "node is not on PATH (nor $NODE); ");
	if (chromium == NULL)
		g_string_append(missing, "chromium is not installed (/usr/bin/chromium, PATH, "
					 "$TIPRING_CHROMIUM); ");
	if (!g_file_test(playwright, G_FILE_TEST_EXISTS))
		g_string_append_printf(missing,
				       "%s/node_modules has no playwright-core (npm ci --prefix "
				       "tests/web); ",
				       dir);
	if (missing->len == 0)
		return NULL;
	g_string_append(missing, ".ci/install-deps installs them all");
	return g_string_free(g_steal_pointer(&missing), FALSE);
}

/* one case's world */

typedef struct {
	TrTest *t;
	TrTestSbc *sbc;
	GSubprocess *d; /* tipringd */
	gboolean exited;
	gboolean stopping;
	gchar *daemon_log;
	GDBusConnection *connection;
	GDBusObjectManager *objects;
	GDBusObject *line_object;
	TrDbusDevice *device;
	TrDbusLine *line;
	guint web_port;
	guint sip_port;
	/* node */
	GSubprocess *node;
	gboolean node_exited;
} Ctx;

typedef gboolean (*Cond)(Ctx *ctx, gconstpointer arg);

static void
child_setup(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != (pid_t)GPOINTER_TO_INT(data))
		_exit(127);
}

static void
daemon_exited_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	Ctx *ctx = data;

	g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
	ctx->exited = TRUE;
}

static void
node_exited_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	Ctx *ctx = data;

	g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
	ctx->node_exited = TRUE;
}

static void
print_daemon_log(Ctx *ctx)
{
	g_autofree gchar *log = NULL;

	g_file_get_contents(ctx->daemon_log, &log, NULL, NULL);
	g_printerr("tipringd's log:\n%s\n", log != NULL ? log : "");
}

static void
assert_daemon_alive(Ctx *ctx)
{
	if (!ctx->exited || ctx->stopping)
		return;
	g_printerr("tipringd exited\n");
	print_daemon_log(ctx);
	g_assert_false(ctx->exited);
}

static gboolean
wake_cb(gpointer data)
{
	guint *id = data;

	*id = 0;
	return G_SOURCE_REMOVE;
}

/* turns the main context until COND holds or TIMEOUT_MS pass; COND's value */
static gboolean
wait_for(Ctx *ctx, Cond cond, gconstpointer arg, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	for (;;) {
		guint id;

		if (cond(ctx, arg))
			return TRUE;
		if (g_get_monotonic_time() >= deadline)
			return FALSE;
		if (ctx->d != NULL)
			assert_daemon_alive(ctx);
		id = g_timeout_add(POLL_MS, wake_cb, &id);
		while (id != 0)
			g_main_context_iteration(NULL, TRUE);
	}
}

static gboolean
web_listening(Ctx *ctx, gconstpointer arg)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) connection =
		g_socket_client_connect_to_host(client, "127.0.0.1", ctx->web_port, NULL, NULL);

	return connection != NULL;
}

static void
start_sbc(Ctx *ctx)
{
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	ctx->sbc = tr_test_sbc_new(&error);
	g_assert_no_error(error);
	tr_test_sbc_add_user(ctx->sbc, SIP_USER, SIP_PASSWORD);
	tr_test_sbc_start(ctx->sbc, &error);
	g_assert_no_error(error);
	note("SBC up in %.0f ms: UDP %u, TLS %u", ms_since(start),
	     tr_test_sbc_get_udp_port(ctx->sbc), tr_test_sbc_get_tls_port(ctx->sbc));
}

/* a port free for UDP and TCP, none of the SBC's nor the web server's */
static guint
free_sip_port(Ctx *ctx)
{
	for (guint tries = 0; tries < 100; tries++) {
		guint port = tr_test_free_udp_port("0.0.0.0");
		g_autoptr(GSocket) tcp = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						      G_SOCKET_PROTOCOL_TCP, NULL);
		g_autoptr(GInetAddress) any = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
		g_autoptr(GSocketAddress) address = g_inet_socket_address_new(any, port);

		if (port == ctx->web_port ||
		    (ctx->sbc != NULL && (port == tr_test_sbc_get_udp_port(ctx->sbc) ||
					  port == tr_test_sbc_get_tcp_port(ctx->sbc) ||
					  port == tr_test_sbc_get_tls_port(ctx->sbc) ||
					  port == tr_test_sbc_get_tls_client_cert_port(ctx->sbc))))
			continue;
		if (tcp != NULL && g_socket_bind(tcp, address, FALSE, NULL))
			return port;
	}
	g_assert_not_reached();
}

/* tipringd with an SPA2102 and its web pages on 127.0.0.1:web_port */
static void
start_daemon(Ctx *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObject) device_object = NULL;
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autofree gchar *web_port = NULL;
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + DEADLINE_MS * 1000;

	ctx->web_port = tr_test_free_tcp_port("127.0.0.1");
	web_port = g_strdup_printf("%u", ctx->web_port);
	ctx->daemon_log = g_build_filename(ctx->t->dir, "tipringd.log", NULL);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv(launcher, "LANGUAGE");
	g_subprocess_launcher_set_stdout_file_path(launcher, ctx->daemon_log);
	g_subprocess_launcher_set_stderr_file_path(launcher, ctx->daemon_log);
	g_subprocess_launcher_set_child_setup(launcher, child_setup, GINT_TO_POINTER(getpid()),
					      NULL);
	ctx->d = g_subprocess_launcher_spawn(launcher, &error, g_getenv("TIPRINGD"), "-v", "--p2p",
					     ctx->t->address, "--state-dir", ctx->t->state_dir,
					     "--device", "SPA2102", "--web-port", web_port,
					     "--web-address", "127.0.0.1", NULL);
	g_assert_no_error(error);
	g_subprocess_wait_async(ctx->d, NULL, daemon_exited_cb, ctx);
	while (ctx->connection == NULL) {
		g_clear_error(&error);
		ctx->connection = g_dbus_connection_new_for_address_sync(
			ctx->t->address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
			&error);
		if (ctx->connection == NULL) {
			guint id;
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			assert_daemon_alive(ctx);
			id = g_timeout_add(POLL_MS, wake_cb, &id);
			while (id != 0)
				g_main_context_iteration(NULL, TRUE);
		}
	}
	g_clear_error(&error);
	ctx->objects = tr_dbus_object_manager_client_new_sync(
		ctx->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, NULL, ROOT_PATH, NULL,
		&error);
	g_assert_no_error(error);
	device_object = g_dbus_object_manager_get_object(ctx->objects, DEVICE0_PATH);
	g_assert_nonnull(device_object);
	ctx->device = tr_dbus_object_get_device(TR_DBUS_OBJECT(device_object));
	ctx->line_object = g_dbus_object_manager_get_object(ctx->objects, LINE1_PATH);
	g_assert_nonnull(ctx->line_object);
	ctx->line = tr_dbus_object_get_line(TR_DBUS_OBJECT(ctx->line_object));
	g_assert_nonnull(ctx->line);
	if (!wait_for(ctx, web_listening, NULL, DEADLINE_MS)) {
		print_daemon_log(ctx);
		g_error("the web server does not listen on 127.0.0.1:%u", ctx->web_port);
	}
	note("tipringd up, web pages on http://127.0.0.1:%u/ after %.0f ms", ctx->web_port,
	     ms_since(start));
}

static gboolean
daemon_gone(Ctx *ctx, gconstpointer arg)
{
	return ctx->exited;
}

static void
teardown(Ctx *ctx)
{
	g_clear_object(&ctx->node);
	g_clear_object(&ctx->line);
	g_clear_object(&ctx->device);
	g_clear_object(&ctx->line_object);
	g_clear_object(&ctx->objects);
	if (ctx->connection != NULL)
		g_dbus_connection_close_sync(ctx->connection, NULL, NULL);
	g_clear_object(&ctx->connection);
	if (ctx->d != NULL) {
		ctx->stopping = TRUE;
		g_subprocess_send_signal(ctx->d, SIGTERM);
		wait_for(ctx, daemon_gone, NULL, DEADLINE_MS);
		if (!ctx->exited)
			g_subprocess_force_exit(ctx->d);
		g_assert_true(ctx->exited);
		g_assert_true(g_subprocess_get_if_exited(ctx->d));
		g_assert_cmpint(g_subprocess_get_exit_status(ctx->d), ==, 0);
	}
	g_clear_object(&ctx->d);
	g_free(ctx->daemon_log);
	g_clear_pointer(&ctx->sbc, tr_test_sbc_free);
}

/* D-Bus: SetParameters with "Name=Value" pairs; GetParameters of one */

static void set_params(Ctx *ctx, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static void
set_params(Ctx *ctx, const gchar *first, ...)
{
	GVariantBuilder builder;
	g_autoptr(GError) error = NULL;
	va_list ap;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	va_start(ap, first);
	for (const gchar *pair = first; pair != NULL; pair = va_arg(ap, const gchar *)) {
		const gchar *eq = strchr(pair, '=');
		g_autofree gchar *name = NULL;

		g_assert_nonnull(eq);
		name = g_strndup(pair, eq - pair);
		g_variant_builder_add(&builder, "{ss}", name, eq + 1);
	}
	va_end(ap);
	tr_dbus_device_call_set_parameters_sync(ctx->device, g_variant_builder_end(&builder), NULL,
						&error);
	g_assert_no_error(error);
}

static gchar *
get_param(Ctx *ctx, const gchar *name)
{
	const gchar *names[] = {name, NULL};
	g_autoptr(GVariant) values = NULL;
	g_autoptr(GError) error = NULL;
	gchar *value = NULL;

	tr_dbus_device_call_get_parameters_sync(ctx->device, names, &values, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_variant_lookup(values, name, "s", &value));
	return value;
}

static void
assert_param(Ctx *ctx, const gchar *name, const gchar *expected)
{
	g_autofree gchar *value = get_param(ctx, name);

	if (g_strcmp0(value, expected) != 0)
		g_printerr("%s over D-Bus is '%s', expected '%s'\n", name, value, expected);
	g_assert_cmpstr(value, ==, expected);
}

/* line 1 */

static gboolean
line_is(Ctx *ctx, gconstpointer arg)
{
	const gchar *const *want = arg; /* state, transport */

	return g_strcmp0(tr_dbus_line_get_registration_state(ctx->line), want[0]) == 0 &&
	       g_strcmp0(tr_dbus_line_get_transport(ctx->line), want[1]) == 0;
}

static void
assert_line(Ctx *ctx, const gchar *state, const gchar *transport)
{
	const gchar *want[] = {state, transport};

	if (!wait_for(ctx, line_is, want, DEADLINE_MS)) {
		g_printerr("line 1: '%s' over %s, last error '%s'\n",
			   tr_dbus_line_get_registration_state(ctx->line),
			   tr_dbus_line_get_transport(ctx->line),
			   tr_dbus_line_get_last_error(ctx->line));
		print_daemon_log(ctx);
	}
	g_assert_cmpstr(tr_dbus_line_get_registration_state(ctx->line), ==, state);
	g_assert_cmpstr(tr_dbus_line_get_transport(ctx->line), ==, transport);
}

static TrTestSbcBinding *
assert_binding(Ctx *ctx, const gchar *transport)
{
	g_autoptr(GError) error = NULL;
	TrTestSbcBinding *binding =
		tr_test_sbc_wait_for_binding(ctx->sbc, SIP_USER, transport, 5000, &error);

	g_assert_no_error(error);
	g_assert_nonnull(binding);
	g_assert_cmpstr(binding->transport, ==, transport);
	note("Kamailio: %s bound over %s on %s", binding->contact, binding->transport,
	     binding->socket);
	return binding;
}

/* node tests/web/admin.mjs, STEPS of it; its output goes to our stderr */

static gboolean
node_done(Ctx *ctx, gconstpointer arg)
{
	return ctx->node_exited;
}

static gint
run_script(Ctx *ctx, const gchar *steps, const gchar *const *env)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *node = find_node();
	g_autofree gchar *chromium = find_chromium();
	g_autofree gchar *dir = web_dir();
	g_autofree gchar *script = g_build_filename(dir, "admin.mjs", NULL);
	g_autofree gchar *url = g_strdup_printf("http://127.0.0.1:%u", ctx->web_port);
	const gchar *shots = g_getenv("TIPRING_WEB_SCREENSHOTS");
	g_autofree gchar *shots_dir = shots != NULL && *shots != '\0'
					      ? g_strdup(shots)
					      : g_build_filename(ctx->t->dir, "screenshots", NULL);
	gint64 start = g_get_monotonic_time();
	gint status;

	g_assert_nonnull(node);
	g_assert_nonnull(chromium);
	g_assert_cmpint(g_mkdir_with_parents(shots_dir, 0755), ==, 0);
	g_subprocess_launcher_setenv(launcher, "TIPRING_WEB_URL", url, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_WEB_STEPS", steps, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_WEB_ADMIN_PASSWORD", ADMIN_PASSWORD, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_WEB_USER_PASSWORD", USER_PASSWORD, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_WEB_SCREENSHOTS", shots_dir, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_CHROMIUM", chromium, TRUE);
	g_subprocess_launcher_setenv(launcher, "TIPRING_DBUS_ADDRESS", ctx->t->address, TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		g_auto(GStrv) pair = g_strsplit(env[i], "=", 2);
		g_subprocess_launcher_setenv(launcher, pair[0], pair[1], TRUE);
	}
	/* its progress to stderr: stdout is TAP */
	g_subprocess_launcher_take_stdout_fd(launcher, dup(STDERR_FILENO));
	g_subprocess_launcher_set_child_setup(launcher, child_setup, GINT_TO_POINTER(getpid()),
					      NULL);
	g_subprocess_launcher_set_cwd(launcher, dir);
	ctx->node_exited = FALSE;
	ctx->node = g_subprocess_launcher_spawn(launcher, &error, node, script, NULL);
	g_assert_no_error(error);
	g_subprocess_wait_async(ctx->node, NULL, node_exited_cb, ctx);
	if (!wait_for(ctx, node_done, NULL, NODE_DEADLINE)) {
		g_printerr("node %s did not end within %u s: killed\n", script,
			   NODE_DEADLINE / 1000);
		g_subprocess_send_signal(ctx->node, SIGTERM);
		wait_for(ctx, node_done, NULL, 5000);
		print_daemon_log(ctx);
		g_assert_not_reached();
	}
	g_assert_true(g_subprocess_get_if_exited(ctx->node));
	status = g_subprocess_get_exit_status(ctx->node);
	note("admin.mjs (%s) exited with %d after %.1f s; screenshots in %s", steps, status,
	     ms_since(start) / 1000.0, shots_dir);
	g_clear_object(&ctx->node);
	return status;
}

/* the pages with line 1 going from UDP to TLS in the browser */

static void
test_admin(TrTest *t)
{
	Ctx ctx = {0};
	g_autofree gchar *udp_proxy = NULL;
	g_autofree gchar *tls_proxy = NULL;
	g_autofree gchar *sip_port = NULL;
	g_autofree gchar *tls_port = NULL;
	g_autofree gchar *env_tls_port = NULL;
	g_autofree gchar *env_ca = NULL;
	g_autofree gchar *env_sip_port = NULL;
	g_autofree gchar *profile = NULL;
	g_autoptr(TrTestSbcBinding) udp = NULL;
	g_autoptr(TrTestSbcBinding) tls = NULL;
	g_autoptr(GError) error = NULL;
	TrDbusLineTls *line_tls;
	gint64 start;
	gint status;

	ctx.t = t;
	start_sbc(&ctx);
	start_daemon(&ctx);
	ctx.sip_port = free_sip_port(&ctx);

	/* the web passwords, and line 1 over UDP */
	udp_proxy = g_strdup_printf("Proxy_1_=127.0.0.1:%u", tr_test_sbc_get_udp_port(ctx.sbc));
	sip_port = g_strdup_printf("SIP_Port_1_=%u", ctx.sip_port);
	start = g_get_monotonic_time();
	set_params(&ctx, "Admin_Passwd=" ADMIN_PASSWORD, "User_Password=" USER_PASSWORD,
		   "SIP_Transport_1_=UDP", udp_proxy, "User_ID_1_=" SIP_USER,
		   "Password_1_=" SIP_PASSWORD, "Display_Name_1_=" DISPLAY_NAME, sip_port,
		   "Line_Enable_2_=no", "Reg_Retry_Intvl=1", NULL);
	assert_line(&ctx, "registered", "UDP");
	udp = assert_binding(&ctx, "udp");
	note("line 1 registered over UDP %.0f ms after SetParameters", ms_since(start));

	/* the browser: to TLS, refused submits, the user's pages, CSRF */
	env_tls_port =
		g_strdup_printf("TIPRING_SBC_TLS_PORT=%u", tr_test_sbc_get_tls_port(ctx.sbc));
	env_ca = g_strdup_printf("TIPRING_SBC_CA=%s", tr_test_sbc_get_server_ca(ctx.sbc));
	env_sip_port = g_strdup_printf("TIPRING_SIP_PORT=%u", ctx.sip_port);
	{
		const gchar *env[] = {env_tls_port,
				      env_ca,
				      env_sip_port,
				      "TIPRING_SIP_PASSWORD=" SIP_PASSWORD,
				      "TIPRING_DISPLAY_NAME=" DISPLAY_NAME,
				      NULL};
		status = run_script(&ctx, "admin", env);
	}
	if (status != 0)
		print_daemon_log(&ctx);
	g_assert_cmpint(status, ==, 0);

	/* what the browser did, as D-Bus and Kamailio see it */
	assert_line(&ctx, "registered", "TLS");
	tls = assert_binding(&ctx, "tls");
	line_tls = tr_dbus_object_peek_line_tls(TR_DBUS_OBJECT(ctx.line_object));
	g_assert_nonnull(line_tls);
	g_assert_cmpstr(tr_dbus_line_tls_get_state(line_tls), ==, "established");
	g_assert_true(tr_dbus_line_tls_get_verified(line_tls));
	note("Line.Tls: %s, %s, verified", tr_dbus_line_tls_get_protocol_version(line_tls),
	     tr_dbus_line_tls_get_cipher_suite(line_tls));
	tls_proxy = g_strdup_printf("127.0.0.1:%u", tr_test_sbc_get_tls_port(ctx.sbc));
	tls_port = g_strdup_printf("%u", ctx.sip_port);
	assert_param(&ctx, "SIP_Transport_1_", "TLS");
	assert_param(&ctx, "Proxy_1_", tls_proxy);
	assert_param(&ctx, "Custom_CA_File", tr_test_sbc_get_server_ca(ctx.sbc));
	/* the refused submits changed nothing */
	assert_param(&ctx, "SIP_Port_1_", tls_port);
	assert_param(&ctx, "Display_Name_1_", DISPLAY_NAME);
	assert_param(&ctx, "Reg_Retry_Long_Intvl", "1200");
	assert_param(&ctx, "Cfwd_Busy_Dest_1_", "");
	/* the one change the user made */
	assert_param(&ctx, "Cfwd_All_Dest_1_", "5550100");
	tr_dbus_device_call_export_profile_sync(ctx.device, "xml", "admin", &profile, NULL, &error);
	g_assert_no_error(error);
	tr_test_assert_contains(profile, "<Password_1_ ua=\"na\">" SIP_PASSWORD "</Password_1_>");
	tr_test_assert_lacks(profile, "evil.example");

	/* and tipringd said why it refused them */
	{
		g_autofree gchar *log = NULL;
		g_assert_true(g_file_get_contents(ctx.daemon_log, &log, NULL, NULL));
		tr_test_assert_contains(log, "posted parameters it may not change");
		tr_test_assert_contains(log, "without a valid form token: refused");
	}
	teardown(&ctx);
}

/* German pages: the browser asks for de-DE */

static gboolean
de_po_has_web_strings(void)
{
	g_autofree gchar *po =
		g_build_filename(g_getenv("TIPRING_SOURCE_ROOT"), "po", "de.po", NULL);
	g_autofree gchar *text = NULL;
	const gchar *at;

	if (!g_file_get_contents(po, &text, NULL, NULL))
		return FALSE;
	at = strstr(text, "\nmsgid \"Submit All Changes\"\nmsgstr \"");
	return at != NULL && at[strlen("\nmsgid \"Submit All Changes\"\nmsgstr \"")] != '"';
}

static void
test_german(TrTest *t)
{
	Ctx ctx = {0};
	gint status;

	ctx.t = t;
	start_daemon(&ctx);
	set_params(&ctx, "Admin_Passwd=" ADMIN_PASSWORD, "User_Password=" USER_PASSWORD, NULL);
	/* 3: everything worked but the pages were not German */
	status = run_script(&ctx, "german", NULL);
	if (status == 3 && !de_po_has_web_strings()) {
		report('I', "the web pages stay English for a de-DE browser: po/de.po has no "
			    "translation of the web pages' strings yet (msgid \"Submit All "
			    "Changes\"; webui/*.c are not in po/POTFILES)");
	} else {
		if (status != 0)
			print_daemon_log(&ctx);
		g_assert_cmpint(status, ==, 0);
	}
	teardown(&ctx);
}

/* the runner: each case in a subprocess with a directory of its own */

typedef struct {
	const gchar *path;
	void (*body)(TrTest *t);
} Case;

static void
run_case(gconstpointer data)
{
	const Case *c = data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *contents = NULL;
	g_autofree gchar *missing = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) why = g_string_new(NULL);

	if (g_test_subprocess()) {
		tr_test_run_body(c->body);
		return;
	}

	/* a missing tool fails the test: .ci/install-deps brings them */
	missing = missing_tools();
	if (missing != NULL) {
		g_printerr("browser test impossible: %s\n", missing);
		g_test_fail_printf("browser test impossible: %s", missing);
		return;
	}

	dir = g_dir_make_tmp("tipring-test-browser-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);
	g_test_trap_subprocess(NULL, 110 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
	g_unsetenv("TIPRING_TEST_DIR");

	path = report_path_in(dir);
	if (g_file_get_contents(path, &contents, NULL, NULL))
		lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines != NULL && lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "M "))
			g_test_message("%s", lines[i] + 2);
		else if (g_str_has_prefix(lines[i], "I "))
			g_string_append_printf(why, "%s%s", why->len > 0 ? "; " : "", lines[i] + 2);
	}
	tr_test_remove_tree(dir);
	g_test_trap_assert_passed();
	if (why->len > 0)
		g_test_incomplete(why->str);
}

static const Case cases[] = {
	{"/browser/admin", test_admin},
	{"/browser/german", test_german},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	if (g_getenv("TIPRINGD") == NULL || g_getenv("TIPRING_SOURCE_ROOT") == NULL) {
		g_printerr("TIPRINGD and TIPRING_SOURCE_ROOT must be set (meson test sets them)\n");
		return 1;
	}
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_test_add_data_func(cases[i].path, &cases[i], run_case);
	return g_test_run();
}
