/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tr-test-line.h"

/*
 * The web admin pages in a real browser: headless Chromium (Debian's),
 * driven by Playwright from tests/web/admin.mjs, against the real tipringd
 * hosting an SPA2102 with its web server on a free port of 127.0.0.1, and a
 * real SBC (Kamailio, tr-test-sbc.c).
 *
 * This harness sets the device up over D-Bus (the web passwords, line 1
 * registered over UDP, its TLS_Server_Name sbc.test for later), runs the
 * script, and then checks over D-Bus and through Kamailio what the browser
 * did: line 1 registered over TLS, the values that the refused submits sent
 * left unchanged. The script checks the pages themselves; it reaches D-Bus
 * through tipringctl.
 *
 * Node, Chromium and tests/web/node_modules (npm ci) come from
 * .ci/install-deps; a missing one is a failure, never a skip. Screenshots go
 * to $TIPRING_WEB_SCREENSHOTS (meson: BUILDDIR/tests/web-screenshots).
 *
 * Each case runs in a subprocess of its own with a fresh directory, as in
 * test-registration.c: tipringd, Kamailio and node die with it
 * (PR_SET_PDEATHSIG).
 */

#define SIP_USER       "1001"
#define SIP_PASSWORD   "secret"
#define ADMIN_PASSWORD "admin-Pw-4711"
#define USER_PASSWORD  "user-Pw-0815"
#define DISPLAY_NAME   "Browser Test"
#define DEADLINE_MS    15000
#define NODE_DEADLINE  (90 * 1000) /* ms; the script takes about 10 s */

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
	TrTestLine l; /* tipringd, and the SBC if the case has one */
	guint web_port;
	/* node */
	GSubprocess *node;
	gboolean node_exited;
} Ctx;

/* ARG: the port */
static gboolean
web_listening(TrTestLine *l, gconstpointer port)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host(
		client, "127.0.0.1", *(const guint *)port, NULL, NULL);

	return connection != NULL;
}

static void
start_sbc(Ctx *ctx)
{
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	ctx->l.sbc = tr_test_sbc_new(&error);
	g_assert_no_error(error);
	tr_test_sbc_add_user(ctx->l.sbc, SIP_USER, SIP_PASSWORD);
	tr_test_sbc_start(ctx->l.sbc, &error);
	g_assert_no_error(error);
	tr_test_note("SBC up in %.0f ms: UDP %u, TLS %u", tr_test_ms_since(start),
		     tr_test_sbc_get_udp_port(ctx->l.sbc), tr_test_sbc_get_tls_port(ctx->l.sbc));
}

/* tipringd with an SPA2102 and its web pages on 127.0.0.1:web_port */
static void
start_daemon(Ctx *ctx)
{
	g_autofree gchar *web_port = NULL;
	gint64 start = g_get_monotonic_time();

	ctx->web_port = tr_test_free_tcp_port("127.0.0.1");
	web_port = g_strdup_printf("%u", ctx->web_port);
	tr_test_line_start_daemon(
		&ctx->l, DEADLINE_MS,
		(const gchar *const[]){"--web-port", web_port, "--web-address", "127.0.0.1", NULL});
	if (!tr_test_line_wait(&ctx->l, web_listening, &ctx->web_port, DEADLINE_MS)) {
		tr_test_line_print_daemon_log(&ctx->l);
		g_error("the web server does not listen on 127.0.0.1:%u", ctx->web_port);
	}
	tr_test_note("tipringd up, web pages on http://127.0.0.1:%u/ after %.0f ms", ctx->web_port,
		     tr_test_ms_since(start));
}

static void
teardown(Ctx *ctx)
{
	g_clear_object(&ctx->node);
	tr_test_line_teardown(&ctx->l);
}

/* line 1 */

static gboolean
line_is(TrTestLine *l, gconstpointer arg)
{
	const gchar *const *want = arg; /* state, transport */

	return g_strcmp0(tr_dbus_line_get_registration_state(l->line), want[0]) == 0 &&
	       g_strcmp0(tr_dbus_line_get_transport(l->line), want[1]) == 0;
}

static void
assert_line(Ctx *ctx, const gchar *state, const gchar *transport)
{
	const gchar *want[] = {state, transport};

	if (!tr_test_line_wait(&ctx->l, line_is, want, DEADLINE_MS)) {
		g_printerr("line 1: '%s' over %s, last error '%s'\n",
			   tr_dbus_line_get_registration_state(ctx->l.line),
			   tr_dbus_line_get_transport(ctx->l.line),
			   tr_dbus_line_get_last_error(ctx->l.line));
		tr_test_line_print_daemon_log(&ctx->l);
	}
	g_assert_cmpstr(tr_dbus_line_get_registration_state(ctx->l.line), ==, state);
	g_assert_cmpstr(tr_dbus_line_get_transport(ctx->l.line), ==, transport);
}

static TrTestSbcBinding *
assert_binding(Ctx *ctx, const gchar *transport)
{
	g_autoptr(GError) error = NULL;
	TrTestSbcBinding *binding =
		tr_test_sbc_wait_for_binding(ctx->l.sbc, SIP_USER, transport, 5000, &error);

	g_assert_no_error(error);
	g_assert_nonnull(binding);
	g_assert_cmpstr(binding->transport, ==, transport);
	tr_test_note("Kamailio: %s bound over %s on %s", binding->contact, binding->transport,
		     binding->socket);
	return binding;
}

/* node tests/web/admin.mjs, STEPS of it; its output goes to our stderr */

/* ARG: node_exited */
static gboolean
node_done(TrTestLine *l, gconstpointer node_exited)
{
	return *(const gboolean *)node_exited;
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
	g_autofree gchar *shots_dir =
		shots != NULL && *shots != '\0'
			? g_strdup(shots)
			: g_build_filename(ctx->l.t->dir, "screenshots", NULL);
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
	g_subprocess_launcher_setenv(launcher, "TIPRING_DBUS_ADDRESS", ctx->l.t->address, TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		g_auto(GStrv) pair = g_strsplit(env[i], "=", 2);
		g_subprocess_launcher_setenv(launcher, pair[0], pair[1], TRUE);
	}
	/* its progress to stderr: stdout is TAP */
	g_subprocess_launcher_take_stdout_fd(launcher, dup(STDERR_FILENO));
	tr_test_launcher_die_with_test(launcher);
	g_subprocess_launcher_set_cwd(launcher, dir);
	ctx->node_exited = FALSE;
	ctx->node = g_subprocess_launcher_spawn(launcher, &error, node, script, NULL);
	g_assert_no_error(error);
	tr_test_watch_exit(ctx->node, &ctx->node_exited);
	if (!tr_test_line_wait(&ctx->l, node_done, &ctx->node_exited, NODE_DEADLINE)) {
		g_printerr("node %s did not end within %u s: killed\n", script,
			   NODE_DEADLINE / 1000);
		g_subprocess_send_signal(ctx->node, SIGTERM);
		tr_test_line_wait(&ctx->l, node_done, &ctx->node_exited, 5000);
		tr_test_line_print_daemon_log(&ctx->l);
		g_assert_not_reached();
	}
	g_assert_true(g_subprocess_get_if_exited(ctx->node));
	status = g_subprocess_get_exit_status(ctx->node);
	tr_test_note("admin.mjs (%s) exited with %d after %.1f s; screenshots in %s", steps, status,
		     tr_test_ms_since(start) / 1000.0, shots_dir);
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
	g_autofree gchar *env_server_name = NULL;
	g_autofree gchar *server_name = NULL;
	g_autofree gchar *profile = NULL;
	g_autoptr(TrTestSbcBinding) udp = NULL;
	g_autoptr(TrTestSbcBinding) tls = NULL;
	g_autoptr(GError) error = NULL;
	TrDbusLineTls *line_tls;
	gint64 start;
	gint status;

	ctx.l.t = t;
	start_sbc(&ctx);
	start_daemon(&ctx);
	ctx.l.sip_port = tr_test_line_free_sip_port(&ctx.l, ctx.web_port);

	/* the web passwords, and line 1 over UDP */
	udp_proxy = g_strdup_printf("Proxy_1_=127.0.0.1:%u", tr_test_sbc_get_udp_port(ctx.l.sbc));
	/* the name the SBC's certificate holds: what "verified for" names over TLS */
	server_name =
		g_strdup_printf("TLS_Server_Name_1_=%s", tr_test_sbc_get_server_name(ctx.l.sbc));
	sip_port = g_strdup_printf("SIP_Port_1_=%u", ctx.l.sip_port);
	start = g_get_monotonic_time();
	tr_test_line_set_params(&ctx.l, "Admin_Passwd=" ADMIN_PASSWORD,
				"User_Password=" USER_PASSWORD, "SIP_Transport_1_=UDP", udp_proxy,
				"User_ID_1_=" SIP_USER, "Password_1_=" SIP_PASSWORD,
				"Display_Name_1_=" DISPLAY_NAME, sip_port, "Line_Enable_2_=no",
				"Reg_Retry_Intvl=1", server_name, NULL);
	assert_line(&ctx, "registered", "UDP");
	udp = assert_binding(&ctx, "udp");
	tr_test_note("line 1 registered over UDP %.0f ms after SetParameters",
		     tr_test_ms_since(start));

	/* the browser: to TLS, refused submits, the user's pages, CSRF */
	env_tls_port =
		g_strdup_printf("TIPRING_SBC_TLS_PORT=%u", tr_test_sbc_get_tls_port(ctx.l.sbc));
	env_ca = g_strdup_printf("TIPRING_SBC_CA=%s", tr_test_sbc_get_server_ca(ctx.l.sbc));
	env_sip_port = g_strdup_printf("TIPRING_SIP_PORT=%u", ctx.l.sip_port);
	env_server_name = g_strdup_printf("TIPRING_SBC_SERVER_NAME=%s",
					  tr_test_sbc_get_server_name(ctx.l.sbc));
	{
		const gchar *env[] = {env_tls_port,
				      env_ca,
				      env_sip_port,
				      env_server_name,
				      "TIPRING_SIP_PASSWORD=" SIP_PASSWORD,
				      "TIPRING_DISPLAY_NAME=" DISPLAY_NAME,
				      NULL};
		status = run_script(&ctx, "admin", env);
	}
	if (status != 0)
		tr_test_line_print_daemon_log(&ctx.l);
	g_assert_cmpint(status, ==, 0);

	/* what the browser did, as D-Bus and Kamailio see it */
	assert_line(&ctx, "registered", "TLS");
	tls = assert_binding(&ctx, "tls");
	line_tls = tr_dbus_object_peek_line_tls(TR_DBUS_OBJECT(ctx.l.line_object));
	g_assert_nonnull(line_tls);
	g_assert_cmpstr(tr_dbus_line_tls_get_state(line_tls), ==, "established");
	g_assert_true(tr_dbus_line_tls_get_verified(line_tls));
	tr_test_note("Line.Tls: %s, %s, verified", tr_dbus_line_tls_get_protocol_version(line_tls),
		     tr_dbus_line_tls_get_cipher_suite(line_tls));
	tls_proxy = g_strdup_printf("127.0.0.1:%u", tr_test_sbc_get_tls_port(ctx.l.sbc));
	tls_port = g_strdup_printf("%u", ctx.l.sip_port);
	tr_test_assert_parameter(ctx.l.device, "SIP_Transport_1_", "TLS");
	tr_test_assert_parameter(ctx.l.device, "Proxy_1_", tls_proxy);
	tr_test_assert_parameter(ctx.l.device, "Custom_CA_File",
				 tr_test_sbc_get_server_ca(ctx.l.sbc));
	/* the refused submits changed nothing */
	tr_test_assert_parameter(ctx.l.device, "SIP_Port_1_", tls_port);
	tr_test_assert_parameter(ctx.l.device, "Display_Name_1_", DISPLAY_NAME);
	tr_test_assert_parameter(ctx.l.device, "Reg_Retry_Long_Intvl", "1200");
	tr_test_assert_parameter(ctx.l.device, "Cfwd_Busy_Dest_1_", "");
	/* the one change the user made */
	tr_test_assert_parameter(ctx.l.device, "Cfwd_All_Dest_1_", "5550100");
	tr_dbus_device_call_export_profile_sync(ctx.l.device, "xml", "admin", &profile, NULL,
						&error);
	g_assert_no_error(error);
	tr_test_assert_contains(profile, "<Password_1_ ua=\"na\">" SIP_PASSWORD "</Password_1_>");
	tr_test_assert_lacks(profile, "evil.example");

	/* and tipringd said why it refused them */
	{
		g_autofree gchar *log = NULL;
		g_assert_true(g_file_get_contents(ctx.l.daemon_log, &log, NULL, NULL));
		tr_test_assert_contains(log, "posted parameters it may not change");
		tr_test_assert_contains(log, "without a valid form token: refused");
	}
	teardown(&ctx);
}

/* German pages: the browser asks for de-DE */

static void
test_german(TrTest *t)
{
	Ctx ctx = {0};
	gint status;

	ctx.l.t = t;
	start_daemon(&ctx);
	tr_test_line_set_params(&ctx.l, "Admin_Passwd=" ADMIN_PASSWORD,
				"User_Password=" USER_PASSWORD, NULL);
	/* 3: everything worked but the pages were not German; a failure too */
	status = run_script(&ctx, "german", NULL);
	if (status != 0)
		tr_test_line_print_daemon_log(&ctx.l);
	g_assert_cmpint(status, ==, 0);
	teardown(&ctx);
}

/* the runner: each case in a subprocess with a directory of its own */

static void
run_case(gconstpointer data)
{
	g_autofree gchar *missing = NULL;

	/* a missing tool fails the test: .ci/install-deps brings them */
	if (!g_test_subprocess() && (missing = missing_tools()) != NULL) {
		g_printerr("browser test impossible: %s\n", missing);
		g_test_fail_printf("browser test impossible: %s", missing);
		return;
	}
	tr_test_run_reported(((const TrTestCase *)data)->body, "tipring-test-browser-XXXXXX", 110);
}

static const TrTestCase cases[] = {
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
