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
 * Lines of a real tipringd (an SPA2102) registering through a real SBC:
 * Kamailio on loopback as tr-test-sbc.c starts it, one per test, configured
 * over D-Bus with SetParameters and watched through the object manager
 * (PropertiesChanged) and through Kamailio (kamcmd ul.dump, its log).
 *
 * Each test runs in a subprocess of its own with a fresh directory, so a
 * failed assertion leaves nothing behind (tipringd and Kamailio die with the
 * subprocess, PR_SET_PDEATHSIG). The subprocess's stdout is not shown, so
 * what it measures (g_test_message) and a known bug (g_test_incomplete) are
 * written to a report file in the directory, which the parent replays.
 * No fixed sleeps: every wait has a deadline and ends as soon as its
 * condition holds; the only timed windows are observations ("how many
 * REGISTERs in 2 s", "the SBC stays down for 3 s").
 */

#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define LINE1_PATH   DEVICE0_PATH "/Line/1"
#define USER	     "1001"
#define PASSWORD     "secret"
#define USER_2	     "1002"
#define DEADLINE_MS  10000
#define POLL_MS	     20

static const gchar *const spa2102[] = {"SPA2102", NULL};

/* the report: "M text" for a message, "I text" for an incomplete test */

static gchar *
report_path_in(const gchar *dir)
{
	return g_build_filename(dir, "report", NULL);
}

static gchar *
report_path(void)
{
	return report_path_in(g_getenv("TIPRING_TEST_DIR"));
}

static void
report(gchar kind, const gchar *text)
{
	g_autofree gchar *path = report_path();
	g_autofree gchar *line = NULL;
	g_autofree gchar *escaped = g_strdup(text);
	FILE *f;

	g_strdelimit(escaped, "\n", ' ');
	line = g_strdup_printf("%c %s\n", kind, escaped);
	f = fopen(path, "a");
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

/* a bug of core/ or plugins/: the case is incomplete, and says why */
static void incomplete(const gchar *format, ...) G_GNUC_PRINTF(1, 2);

static void
incomplete(const gchar *format, ...)
{
	va_list ap;
	g_autofree gchar *text = NULL;

	va_start(ap, format);
	text = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_printerr("# INCOMPLETE: %s\n", text);
	report('I', text);
}

static gdouble
ms_since(gint64 start_us)
{
	return (g_get_monotonic_time() - start_us) / 1000.0;
}

static gboolean
contains_ci(const gchar *haystack, const gchar *needle)
{
	g_autofree gchar *h = g_ascii_strdown(haystack != NULL ? haystack : "", -1);
	g_autofree gchar *n = g_ascii_strdown(needle, -1);
	return strstr(h, n) != NULL;
}

/* one test's world */

typedef struct {
	TrTest *t;
	TrTestSbc *sbc;
	GSubprocess *d; /* tipringd */
	gboolean exited;
	gboolean stopping; /* its exit is expected */
	gchar *daemon_log;
	GDBusConnection *connection;
	GDBusObjectManager *objects;
	GDBusObject *line_object;
	TrDbusDevice *device;
	TrDbusLine *line;
	guint sip_port;
} Ctx;

typedef gboolean (*Cond)(Ctx *ctx, gconstpointer arg);

/*
 * tipringd, spawned here: tr-test-daemon.c's spawning wants its own runner
 * (tr_test_add_isolated()), whose subprocess cannot report measurements or
 * an incomplete case. Its output goes to a file, so it never blocks on a
 * pipe; it dies with the test process.
 */
static void
daemon_child_setup(gpointer data)
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
assert_daemon_alive(Ctx *ctx)
{
	g_autofree gchar *log = NULL;

	if (!ctx->exited || ctx->stopping)
		return;
	g_file_get_contents(ctx->daemon_log, &log, NULL, NULL);
	g_printerr("tipringd exited; it said:\n%s\n", log != NULL ? log : "");
	g_assert_false(ctx->exited);
}

static gboolean
wake_cb(gpointer data)
{
	guint *id = data;
	*id = 0;
	return G_SOURCE_REMOVE;
}

/* turns the main context until COND holds (or, COND NULL, for the whole
 * time: an observation window); COND's last value */
static gboolean
wait_for(Ctx *ctx, Cond cond, gconstpointer arg, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	for (;;) {
		guint id;

		if (cond != NULL && cond(ctx, arg))
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

static TrDbusLineTls *
line_tls(Ctx *ctx)
{
	return tr_dbus_object_peek_line_tls(TR_DBUS_OBJECT(ctx->line_object));
}

static const gchar *
reg_state(Ctx *ctx)
{
	return tr_dbus_line_get_registration_state(ctx->line);
}

static gboolean
state_is(Ctx *ctx, gconstpointer state)
{
	return g_strcmp0(reg_state(ctx), state) == 0;
}

static gboolean
registered_or_failed(Ctx *ctx, gconstpointer arg)
{
	return state_is(ctx, "registered") || state_is(ctx, "failed");
}

static gboolean
tls_has_error(Ctx *ctx, gconstpointer arg)
{
	TrDbusLineTls *tls = line_tls(ctx);
	const gchar *error = tls != NULL ? tr_dbus_line_tls_get_last_error(tls) : NULL;
	return error != NULL && error[0] != '\0';
}

static gboolean
line_has_error(Ctx *ctx, gconstpointer arg)
{
	const gchar *error = tr_dbus_line_get_last_error(ctx->line);
	return error != NULL && error[0] != '\0';
}

static gboolean
tls_established(Ctx *ctx, gconstpointer arg)
{
	TrDbusLineTls *tls = line_tls(ctx);
	return tls != NULL && g_strcmp0(tr_dbus_line_tls_get_state(tls), "established") == 0;
}

static void
log_line(Ctx *ctx, const gchar *what)
{
	TrDbusLineTls *tls = line_tls(ctx);

	note("%s: line 1 '%s', last error '%s'", what, reg_state(ctx),
	     tr_dbus_line_get_last_error(ctx->line));
	if (tls != NULL)
		note("%s: Line.Tls state '%s', verified %d, verify result '%s', last error '%s', "
		     "%s %s, handshake %u ms, reconnects %u",
		     what, tr_dbus_line_tls_get_state(tls), tr_dbus_line_tls_get_verified(tls),
		     tr_dbus_line_tls_get_verify_result(tls), tr_dbus_line_tls_get_last_error(tls),
		     tr_dbus_line_tls_get_protocol_version(tls),
		     tr_dbus_line_tls_get_cipher_suite(tls), tr_dbus_line_tls_get_handshake_ms(tls),
		     tr_dbus_line_tls_get_reconnect_count(tls));
}

/* a port free for UDP and TCP on every address, not one of the SBC's */
static guint
free_sip_port(Ctx *ctx)
{
	for (guint tries = 0; tries < 100; tries++) {
		guint port = tr_test_free_udp_port("0.0.0.0");
		g_autoptr(GSocket) tcp = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						      G_SOCKET_PROTOCOL_TCP, NULL);
		g_autoptr(GInetAddress) any = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
		g_autoptr(GSocketAddress) address = g_inet_socket_address_new(any, port);

		if (port == tr_test_sbc_get_udp_port(ctx->sbc) ||
		    port == tr_test_sbc_get_tcp_port(ctx->sbc) ||
		    port == tr_test_sbc_get_tls_port(ctx->sbc) ||
		    port == tr_test_sbc_get_tls_client_cert_port(ctx->sbc))
			continue;
		if (tcp != NULL && g_socket_bind(tcp, address, FALSE, NULL))
			return port;
	}
	g_assert_not_reached();
}

/* the SBC: user 1001/secret, CERT on its TLS ports, started */
static void
start_sbc(Ctx *ctx, TrTestSbcCert cert)
{
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	ctx->sbc = tr_test_sbc_new(&error);
	g_assert_no_error(error);
	tr_test_sbc_add_user(ctx->sbc, USER, PASSWORD);
	tr_test_sbc_add_user(ctx->sbc, USER_2, PASSWORD);
	tr_test_sbc_set_server_cert(ctx->sbc, cert);
	tr_test_sbc_start(ctx->sbc, &error);
	g_assert_no_error(error);
	g_test_message("SBC up in %.0f ms", ms_since(start));
}

/* tipringd with an SPA2102, and line 1 of device 0 through the object manager */
static void
start_daemon(Ctx *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObject) device_object = NULL;

	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	gint64 deadline = g_get_monotonic_time() + DEADLINE_MS * 1000;

	ctx->daemon_log = g_build_filename(ctx->t->dir, "tipringd.log", NULL);
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv(launcher, "LANGUAGE");
	g_subprocess_launcher_set_stdout_file_path(launcher, ctx->daemon_log);
	g_subprocess_launcher_set_stderr_file_path(launcher, ctx->daemon_log);
	g_subprocess_launcher_set_child_setup(launcher, daemon_child_setup,
					      GINT_TO_POINTER(getpid()), NULL);
	ctx->d = g_subprocess_launcher_spawn(launcher, &error, g_getenv("TIPRINGD"), "-v", "--p2p",
					     ctx->t->address, "--state-dir", ctx->t->state_dir,
					     "--device", spa2102[0], NULL);
	g_assert_no_error(error);
	g_subprocess_wait_async(ctx->d, NULL, daemon_exited_cb, ctx);
	/* until it listens */
	while (ctx->connection == NULL) {
		g_clear_error(&error);
		ctx->connection = g_dbus_connection_new_for_address_sync(
			ctx->t->address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
			&error);
		if (ctx->connection == NULL) {
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			wait_for(ctx, NULL, NULL, POLL_MS);
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
	ctx->sip_port = free_sip_port(ctx);
}

static void
setup(Ctx *ctx, TrTest *t, TrTestSbcCert cert)
{
	ctx->t = t;
	start_sbc(ctx, cert);
	start_daemon(ctx);
}

static gboolean
daemon_gone(Ctx *ctx, gconstpointer arg)
{
	return ctx->exited;
}

static void
teardown(Ctx *ctx)
{
	g_clear_object(&ctx->line);
	g_clear_object(&ctx->device);
	g_clear_object(&ctx->line_object);
	g_clear_object(&ctx->objects);
	if (ctx->connection != NULL)
		g_dbus_connection_close_sync(ctx->connection, NULL, NULL);
	g_clear_object(&ctx->connection);
	if (ctx->d != NULL) {
		/* SIGTERM ends it cleanly, its bindings unregistered */
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

/* SetParameters with "Name=Value" pairs */
static void set_params(Ctx *ctx, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static void
set_paramsv(Ctx *ctx, GPtrArray *pairs)
{
	GVariantBuilder builder;
	g_autoptr(GError) error = NULL;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	for (guint i = 0; i < pairs->len; i++) {
		const gchar *pair = g_ptr_array_index(pairs, i);
		const gchar *eq = strchr(pair, '=');
		g_autofree gchar *name = NULL;

		g_assert_nonnull(eq);
		name = g_strndup(pair, eq - pair);
		g_variant_builder_add(&builder, "{ss}", name, eq + 1);
	}
	tr_dbus_device_call_set_parameters_sync(ctx->device, g_variant_builder_end(&builder), NULL,
						&error);
	g_assert_no_error(error);
}

static void
set_params(Ctx *ctx, const gchar *first, ...)
{
	g_autoptr(GPtrArray) pairs = g_ptr_array_new();
	va_list ap;

	va_start(ap, first);
	for (const gchar *pair = first; pair != NULL; pair = va_arg(ap, const gchar *))
		g_ptr_array_add(pairs, (gpointer)pair);
	va_end(ap);
	set_paramsv(ctx, pairs);
}

/*
 * Line 1 to the SBC over TRANSPORT at PORT, with PASSWORD, trusting the
 * server CA, line 2 off, retries every second; EXTRA "Name=Value" pairs
 * (NULL-terminated) on top
 */
static void
configure_line(Ctx *ctx, const gchar *transport, guint port, const gchar *password,
	       const gchar *const *extra)
{
	g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(pairs, g_strdup_printf("SIP_Transport_1_=%s", transport));
	g_ptr_array_add(pairs, g_strdup_printf("Proxy_1_=127.0.0.1:%u", port));
	g_ptr_array_add(pairs, g_strdup("User_ID_1_=" USER));
	g_ptr_array_add(pairs, g_strdup_printf("Password_1_=%s", password));
	g_ptr_array_add(pairs, g_strdup_printf("SIP_Port_1_=%u", ctx->sip_port));
	g_ptr_array_add(pairs, g_strdup("Line_Enable_2_=no"));
	g_ptr_array_add(pairs, g_strdup("Reg_Retry_Intvl=1"));
	g_ptr_array_add(pairs,
			g_strdup_printf("Custom_CA_File=%s", tr_test_sbc_get_server_ca(ctx->sbc)));
	for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add(pairs, g_strdup(extra[i]));
	set_paramsv(ctx, pairs);
}

/* waits for "registered" and returns the milliseconds from START */
static gdouble
assert_registers(Ctx *ctx, gint64 start)
{
	gdouble ms;

	wait_for(ctx, registered_or_failed, NULL, DEADLINE_MS);
	ms = ms_since(start);
	if (!state_is(ctx, "registered"))
		log_line(ctx, "not registered");
	g_assert_cmpstr(reg_state(ctx), ==, "registered");
	g_assert_cmpstr(tr_dbus_line_get_last_error(ctx->line), ==, "");
	g_assert_cmpint(tr_dbus_line_get_registered_until(ctx->line), >,
			g_get_real_time() / G_USEC_PER_SEC);
	return ms;
}

static void
assert_binding(Ctx *ctx, const gchar *transport)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrTestSbcBinding) binding =
		tr_test_sbc_wait_for_binding(ctx->sbc, USER, transport, 5000, &error);

	g_assert_no_error(error);
	g_assert_nonnull(binding);
	g_assert_cmpstr(binding->transport, ==, transport);
	note("binding: %s over %s on %s, expires in %" G_GINT64_FORMAT " s", binding->contact,
	     binding->transport, binding->socket, binding->expires);
}

static gboolean
has_binding(Ctx *ctx, const gchar *transport)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) bindings = tr_test_sbc_bindings(ctx->sbc, &error);

	g_assert_no_error(error);
	for (guint i = 0; i < bindings->len; i++) {
		TrTestSbcBinding *b = g_ptr_array_index(bindings, i);
		if (g_strcmp0(b->aor, USER) == 0 && g_strcmp0(b->transport, transport) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
no_binding(Ctx *ctx, gconstpointer transport)
{
	return !has_binding(ctx, transport);
}

/* the TLS session is up and verified, as Line.Tls says */
static void
assert_tls_verified(Ctx *ctx)
{
	TrDbusLineTls *tls;

	wait_for(ctx, tls_established, NULL, DEADLINE_MS);
	tls = line_tls(ctx);
	g_assert_nonnull(tls);
	log_line(ctx, "TLS");
	g_assert_cmpstr(tr_dbus_line_tls_get_state(tls), ==, "established");
	g_assert_true(tr_dbus_line_tls_get_verified(tls));
	g_assert_cmpstr(tr_dbus_line_tls_get_protocol_version(tls), !=, "");
	g_assert_cmpstr(tr_dbus_line_tls_get_cipher_suite(tls), !=, "");
	g_test_message("handshake %u ms", tr_dbus_line_tls_get_handshake_ms(tls));
	note("TLS: %s, %s, handshake %u ms, verify result '%s'",
	     tr_dbus_line_tls_get_protocol_version(tls), tr_dbus_line_tls_get_cipher_suite(tls),
	     tr_dbus_line_tls_get_handshake_ms(tls), tr_dbus_line_tls_get_verify_result(tls));
}

/* 1, 2: plain transports */

static void
register_plain(TrTest *t, const gchar *transport)
{
	Ctx ctx = {0};
	gint64 start;
	guint port;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	port = g_str_equal(transport, "UDP") ? tr_test_sbc_get_udp_port(ctx.sbc)
					     : tr_test_sbc_get_tcp_port(ctx.sbc);
	start = g_get_monotonic_time();
	configure_line(&ctx, transport, port, PASSWORD, NULL);
	note("%s: registered %.0f ms after SetParameters", transport,
	     assert_registers(&ctx, start));
	g_assert_null(line_tls(&ctx));
	assert_binding(&ctx, g_str_equal(transport, "UDP") ? "udp" : "tcp");
	note("%s: %u REGISTERs seen by the SBC", transport, tr_test_sbc_count_registers(ctx.sbc));
	teardown(&ctx);
}

static void
test_udp(TrTest *t)
{
	register_plain(t, "UDP");
}

static void
test_tcp(TrTest *t)
{
	register_plain(t, "TCP");
}

/* 3: TLS, verified */

static void
test_tls(TrTest *t)
{
	Ctx ctx = {0};
	gint64 start;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	start = g_get_monotonic_time();
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_port(ctx.sbc), PASSWORD, NULL);
	note("TLS: registered %.0f ms after SetParameters", assert_registers(&ctx, start));
	assert_binding(&ctx, "tls");
	assert_tls_verified(&ctx);

	/* and as tipringctl shows it */
	{
		const gchar *ctl = g_getenv("TIPRINGCTL");
		g_autofree gchar *out = NULL;
		g_autofree gchar *status = NULL;
		gint wait_status = 0;
		g_autoptr(GError) error = NULL;
		const gchar *argv_tls[] = {ctl, "--address", ctx.t->address, "tls", "1", NULL};
		const gchar *argv_status[] = {ctl, "--address", ctx.t->address, "status", NULL};

		g_assert_true(g_spawn_sync(NULL, (gchar **)argv_tls, NULL, G_SPAWN_DEFAULT, NULL,
					   NULL, &out, NULL, &wait_status, &error));
		g_assert_no_error(error);
		g_assert_true(g_spawn_check_wait_status(wait_status, NULL));
		g_assert_nonnull(strstr(out, "State=established"));
		g_assert_nonnull(strstr(out, "Verified=yes"));
		g_assert_nonnull(strstr(out, "-----BEGIN CERTIFICATE-----"));
		g_assert_true(g_spawn_sync(NULL, (gchar **)argv_status, NULL, G_SPAWN_DEFAULT, NULL,
					   NULL, &status, NULL, &wait_status, &error));
		g_assert_no_error(error);
		g_assert_nonnull(strstr(status, "registered until"));
		g_assert_nonnull(strstr(status, "TLS: established"));
	}
	teardown(&ctx);
}

/* 4: wrong password */

static void
test_wrong_password(TrTest *t)
{
	Ctx ctx = {0};
	gint64 start;
	guint before, after, bound = 2 * (2 / 1) + 2;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	start = g_get_monotonic_time();
	configure_line(&ctx, "UDP", tr_test_sbc_get_udp_port(ctx.sbc), "wrong", NULL);
	g_assert_true(wait_for(&ctx, state_is, "backoff", DEADLINE_MS));
	log_line(&ctx, "wrong password");
	{
		g_autofree gchar *response =
			g_variant_print(tr_dbus_line_get_last_response(ctx.line), FALSE);
		note("wrong password: backoff %.0f ms after SetParameters, last response %s",
		     ms_since(start), response);
	}
	g_assert_true(contains_ci(tr_dbus_line_get_last_error(ctx.line), "authentication"));
	g_assert_cmpuint(tr_test_sbc_count_log(ctx.sbc, "AUTH-FAILED user=" USER), >=, 1);

	/* bounded retries: watch the SBC for 2 s */
	before = tr_test_sbc_count_registers(ctx.sbc);
	wait_for(&ctx, NULL, NULL, 2000);
	after = tr_test_sbc_count_registers(ctx.sbc);
	note("wrong password: %u REGISTERs before the window, %u in 2 s (bound %u), state '%s'",
	     before, after - before, bound, reg_state(&ctx));
	g_assert_cmpuint(after - before, <=, bound);
	g_assert_cmpstr(reg_state(&ctx), !=, "registered");
	g_assert_false(has_binding(&ctx, "udp"));
	/* with Reg_Retry_Intvl=1 the first retry is due after about 1 s */
	if (after == before)
		incomplete("wrong password: no retry reaches the SBC in 2 s although "
			   "Reg_Retry_Intvl=1; RegistrationState is '%s'. retry_cb() in "
			   "core/tr-registration.c calls nua_register() again on the handle "
			   "whose REGISTER ended in a 401 after nua_authenticate(), and Sofia "
			   "sends nothing: the line says 'registering' for ever",
			   reg_state(&ctx));
	teardown(&ctx);
}

/* 5, 6: refused server certificates */

static void
refused_cert(TrTest *t, TrTestSbcCert cert, const gchar *const *needles, const gchar *what)
{
	Ctx ctx = {0};
	TrDbusLineTls *tls;
	gint64 start;
	gdouble tls_ms = -1, line_ms = -1;
	gboolean mentioned = FALSE;

	setup(&ctx, t, cert);
	start = g_get_monotonic_time();
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_port(ctx.sbc), PASSWORD, NULL);
	if (wait_for(&ctx, tls_has_error, NULL, DEADLINE_MS))
		tls_ms = ms_since(start);
	if (wait_for(&ctx, line_has_error, NULL, DEADLINE_MS))
		line_ms = ms_since(start);
	log_line(&ctx, what);
	note("%s: Line.Tls LastError after %.0f ms, Line LastError after %.0f ms", what, tls_ms,
	     line_ms);
	tls = line_tls(&ctx);
	g_assert_nonnull(tls);
	g_assert_cmpfloat(tls_ms, >=, 0);
	g_assert_cmpstr(reg_state(&ctx), !=, "registered");
	g_assert_false(tr_dbus_line_tls_get_verified(tls));
	for (guint i = 0; needles[i] != NULL; i++)
		mentioned = mentioned ||
			    contains_ci(tr_dbus_line_tls_get_last_error(tls), needles[i]) ||
			    contains_ci(tr_dbus_line_tls_get_verify_result(tls), needles[i]);
	g_assert_true(mentioned);
	g_assert_cmpfloat(tls_ms, <, 1000);
	g_assert_cmpuint(tr_test_sbc_count_registers(ctx.sbc), ==, 0);
	g_assert_false(has_binding(&ctx, "tls"));
	teardown(&ctx);
}

static void
test_unknown_ca(TrTest *t)
{
	const gchar *const needles[] = {"issuer", NULL};
	refused_cert(t, TR_TEST_SBC_CERT_UNKNOWN_CA, needles, "unknown CA");
}

static void
test_wrong_name(TrTest *t)
{
	/* the certificate is for wrong.test and 127.0.0.2; we asked for 127.0.0.1 */
	const gchar *const needles[] = {"name", "127.0.0.1", NULL};
	refused_cert(t, TR_TEST_SBC_CERT_WRONG_NAME, needles, "wrong name");
}

/* 7: the port that demands a client certificate */

static void
client_cert(TrTest *t, gboolean good)
{
	Ctx ctx = {0};
	g_autofree gchar *cert = NULL;
	g_autofree gchar *key = NULL;
	const gchar *extra[3];
	gint64 start;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	cert = g_strdup_printf("Device_Certificate_File=%s",
			       good ? tr_test_sbc_get_device_cert(ctx.sbc)
				    : tr_test_sbc_get_wrong_device_cert(ctx.sbc));
	key = g_strdup_printf("Device_Private_Key_File=%s",
			      good ? tr_test_sbc_get_device_key(ctx.sbc)
				   : tr_test_sbc_get_wrong_device_key(ctx.sbc));
	extra[0] = cert;
	extra[1] = key;
	extra[2] = NULL;
	start = g_get_monotonic_time();
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_client_cert_port(ctx.sbc), PASSWORD, extra);
	if (good) {
		note("client certificate: registered %.0f ms after SetParameters",
		     assert_registers(&ctx, start));
		assert_binding(&ctx, "tls");
		assert_tls_verified(&ctx);
	} else {
		gdouble ms;

		g_assert_true(wait_for(&ctx, line_has_error, NULL, DEADLINE_MS));
		ms = ms_since(start);
		log_line(&ctx, "wrong-CA client certificate");
		note("wrong-CA client certificate: refused, Line LastError after %.0f ms", ms);
		g_assert_cmpstr(reg_state(&ctx), !=, "registered");
		g_assert_cmpuint(tr_test_sbc_count_log(ctx.sbc, "REGISTERED user=" USER), ==, 0);
		g_assert_false(has_binding(&ctx, "tls"));
	}
	teardown(&ctx);
}

static void
test_client_cert(TrTest *t)
{
	client_cert(t, TRUE);
}

static void
test_client_cert_wrong_ca(TrTest *t)
{
	client_cert(t, FALSE);
}

/* 8: UDP to TLS on a registered line */

static void
test_switch_transport(TrTest *t)
{
	Ctx ctx = {0};
	g_autofree gchar *proxy = NULL;
	gint64 start;
	gdouble tls_ms, gone_ms;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	configure_line(&ctx, "UDP", tr_test_sbc_get_udp_port(ctx.sbc), PASSWORD, NULL);
	assert_registers(&ctx, g_get_monotonic_time());
	assert_binding(&ctx, "udp");

	proxy = g_strdup_printf("Proxy_1_=127.0.0.1:%u", tr_test_sbc_get_tls_port(ctx.sbc));
	start = g_get_monotonic_time();
	set_params(&ctx, "SIP_Transport_1_=TLS", proxy, NULL);
	g_assert_true(wait_for(&ctx, no_binding, "udp", DEADLINE_MS) ||
		      (log_line(&ctx, "switch"), FALSE));
	gone_ms = ms_since(start);
	assert_binding(&ctx, "tls");
	tls_ms = assert_registers(&ctx, start);
	note("switch UDP -> TLS: UDP binding gone after %.0f ms, registered over TLS after %.0f "
	     "ms; un-REGISTERs (expires=0) over UDP: %u",
	     gone_ms, tls_ms, tr_test_sbc_count_log(ctx.sbc, "transport=udp> expires=0"));
	g_assert_cmpuint(tr_test_sbc_count_log(ctx.sbc, "transport=udp> expires=0"), >=, 1);
	g_assert_false(has_binding(&ctx, "udp"));
	assert_tls_verified(&ctx);
	teardown(&ctx);
}

/* 9: the SBC crashes and comes back */

typedef struct {
	GSocket *listener;
	guint accepted;
} Standin;

/* while Kamailio is down, its TLS port accepts and closes at once: each
 * connection is one attempt of the line to reach it */
static gboolean
standin_accept(Ctx *ctx, gconstpointer arg)
{
	Standin *s = (Standin *)arg;
	GSocket *conn;

	while ((conn = g_socket_accept(s->listener, NULL, NULL)) != NULL) {
		s->accepted++;
		g_socket_close(conn, NULL);
		g_object_unref(conn);
	}
	return FALSE;
}

static GSocket *
listen_on(guint port)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(lo, port);
	GSocket *s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
				  &error);

	g_assert_no_error(error);
	g_socket_bind(s, address, TRUE, &error);
	g_assert_no_error(error);
	g_socket_listen(s, &error);
	g_assert_no_error(error);
	g_socket_set_blocking(s, FALSE);
	return s;
}

/* utime + stime of tipringd, in clock ticks */
static guint64
daemon_cpu_ticks(Ctx *ctx)
{
	g_autofree gchar *path =
		g_strdup_printf("/proc/%s/stat", g_subprocess_get_identifier(ctx->d));
	g_autofree gchar *stat = NULL;
	g_auto(GStrv) fields = NULL;
	const gchar *after_comm;

	g_assert_true(g_file_get_contents(path, &stat, NULL, NULL));
	/* the command may hold spaces: count from its closing parenthesis */
	after_comm = strrchr(stat, ')');
	g_assert_nonnull(after_comm);
	fields = g_strsplit(after_comm + 2, " ", -1);
	/* state is field 3; utime 14 and stime 15 of the whole line */
	return g_ascii_strtoull(fields[11], NULL, 10) + g_ascii_strtoull(fields[12], NULL, 10);
}

static void
test_sbc_restart(TrTest *t)
{
	const gchar *const extra[] = {"Reg_Retry_Long_Intvl=4", NULL};
	Ctx ctx = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(TrTestSbcBinding) binding = NULL;
	Standin standin = {0};
	guint reconnects, registers_before, registers_after;
	guint64 cpu_before, cpu_down;
	gint64 start;
	gdouble back_ms;
	gboolean back;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_port(ctx.sbc), PASSWORD, extra);
	assert_registers(&ctx, g_get_monotonic_time());
	assert_tls_verified(&ctx);
	reconnects = tr_dbus_line_tls_get_reconnect_count(line_tls(&ctx));

	/* down for 3 s, a stand-in counting the connections on its TLS port */
	cpu_before = daemon_cpu_ticks(&ctx);
	tr_test_sbc_kill(ctx.sbc);
	start = g_get_monotonic_time();
	standin.listener = listen_on(tr_test_sbc_get_tls_port(ctx.sbc));
	wait_for(&ctx, standin_accept, &standin, 3000);
	g_socket_close(standin.listener, NULL);
	g_clear_object(&standin.listener);
	log_line(&ctx, "SBC down 3 s");
	cpu_down = daemon_cpu_ticks(&ctx) - cpu_before;
	note("SBC down for %.0f ms: %u connection attempts to its TLS port, tipringd used %.2f s "
	     "of CPU",
	     ms_since(start), standin.accepted, (gdouble)cpu_down / sysconf(_SC_CLK_TCK));
	/* no busy loop while the SBC is away: far below a second of CPU in 3 s */
	g_assert_cmpuint(cpu_down, <, (guint64)sysconf(_SC_CLK_TCK) / 2);

	registers_before = tr_test_sbc_count_registers(ctx.sbc);
	tr_test_sbc_restart(ctx.sbc, &error);
	g_assert_no_error(error);
	start = g_get_monotonic_time();
	binding = tr_test_sbc_wait_for_binding(ctx.sbc, USER, "tls", DEADLINE_MS, NULL);
	back = binding != NULL;
	back_ms = ms_since(start);
	registers_after = tr_test_sbc_count_registers(ctx.sbc);
	log_line(&ctx, "after the restart");
	note("after the restart: %s after %.0f ms, %u REGISTERs, reconnect count %u -> %u",
	     back ? "registered again" : "NOT registered again", back_ms,
	     registers_after - registers_before, reconnects,
	     line_tls(&ctx) != NULL ? tr_dbus_line_tls_get_reconnect_count(line_tls(&ctx)) : 0);
	if (!back) {
		incomplete("the line does not come back after the SBC restarts: tr-registration.c "
			   "does not follow the TLS session's drop (tr_tls_session_closed() only "
			   "sets Line.Tls State 'closed'); nothing re-registers before the "
			   "refresh of Register_Expires, and RegistrationState stays '%s'",
			   reg_state(&ctx));
		teardown(&ctx);
		return;
	}
	g_assert_true(wait_for(&ctx, state_is, "registered", DEADLINE_MS));
	g_assert_cmpuint(tr_dbus_line_tls_get_reconnect_count(line_tls(&ctx)), >, reconnects);
	/* 3 s with retries at 1, 2, 4 s: a handful */
	g_assert_cmpuint(standin.accepted, <=, 4);
	g_assert_cmpuint(registers_after - registers_before, <=, 4);
	teardown(&ctx);
}

/* the device makes its own client certificate, signed by the SBC's device CA */
static void
test_created_cert(TrTest *t)
{
	Ctx ctx = {0};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pem = NULL;
	gint64 start;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	g_assert_true(tr_dbus_device_call_create_certificate_sync(
		ctx.device, tr_test_sbc_get_device_ca(ctx.sbc),
		tr_test_sbc_get_device_ca_key(ctx.sbc), &pem, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(pem, "-----BEGIN CERTIFICATE-----"));
	start = g_get_monotonic_time();
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_client_cert_port(ctx.sbc), PASSWORD, NULL);
	note("created client certificate: registered %.0f ms after SetParameters",
	     assert_registers(&ctx, start));
	assert_binding(&ctx, "tls");
	teardown(&ctx);
}

static gboolean
user_bound(Ctx *ctx, gconstpointer user)
{
	g_autoptr(GPtrArray) bindings = tr_test_sbc_bindings(ctx->sbc, NULL);

	for (guint i = 0; bindings != NULL && i < bindings->len; i++) {
		TrTestSbcBinding *b = g_ptr_array_index(bindings, i);
		if (g_strstr_len(b->aor, -1, user) != NULL)
			return TRUE;
	}
	return FALSE;
}

/* TLS_Wait_For_Line_1: line 2's session waits for line 1's */
static void
test_line_1_first(TrTest *t)
{
	const gchar *const no_cert[] = {"TLS_Client_Certificate_1_=no", NULL};
	Ctx ctx = {0};
	g_autofree gchar *port_2 = NULL;
	g_autofree gchar *proxy_2 = NULL;
	g_autofree gchar *proxy_1 = NULL;
	g_autoptr(GDBusObject) object_2 = NULL;
	g_autoptr(TrDbusLine) line_2 = NULL;
	guint attempts_before;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	/* line 1 to the port that demands a certificate, without one: it fails */
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_client_cert_port(ctx.sbc), PASSWORD,
		       no_cert);
	g_assert_true(wait_for(&ctx, line_has_error, NULL, DEADLINE_MS));
	port_2 = g_strdup_printf("SIP_Port_2_=%u", free_sip_port(&ctx));
	proxy_2 = g_strdup_printf("Proxy_2_=127.0.0.1:%u", tr_test_sbc_get_tls_port(ctx.sbc));
	attempts_before = tr_test_sbc_count_registers(ctx.sbc);
	set_params(&ctx, "Line_Enable_2_=yes", "SIP_Transport_2_=TLS", proxy_2, port_2,
		   "User_ID_2_=" USER_2, "Password_2_=" PASSWORD, NULL);

	object_2 = g_dbus_object_manager_get_object(ctx.objects,
						    "/org/tipring/Tipring1/Device/0/Line/2");
	g_assert_nonnull(object_2);
	line_2 = tr_dbus_object_get_line(TR_DBUS_OBJECT(object_2));
	/* a second of line 1 failing: line 2 does not even try */
	wait_for(&ctx, user_bound, USER_2, 1000);
	g_assert_false(user_bound(&ctx, USER_2));
	g_assert_nonnull(strstr(tr_dbus_line_get_last_error(line_2), "line 1"));
	note("line 2 waits for line 1: %s; %u REGISTERs reached the SBC meanwhile",
	     tr_dbus_line_get_last_error(line_2),
	     tr_test_sbc_count_registers(ctx.sbc) - attempts_before);

	/* line 1 reaches its SBC: line 2 follows */
	proxy_1 = g_strdup_printf("Proxy_1_=127.0.0.1:%u", tr_test_sbc_get_tls_port(ctx.sbc));
	set_params(&ctx, proxy_1, NULL);
	g_assert_true(wait_for(&ctx, user_bound, USER, DEADLINE_MS));
	g_assert_true(wait_for(&ctx, user_bound, USER_2, DEADLINE_MS));
	g_assert_true(wait_for(&ctx, state_is, "registered", DEADLINE_MS));
	note("line 1 registered, then line 2 registered");

	/* the rule off: line 2 goes on its own */
	set_params(&ctx, "TLS_Wait_For_Line_1=no", NULL);
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line_2), ==, "registered");
	teardown(&ctx);
}

static gboolean
pongs_at_least(Ctx *ctx, gconstpointer n)
{
	TrDbusLineTls *tls = line_tls(ctx);
	return tls != NULL && tr_dbus_line_tls_get_pongs_received(tls) >= GPOINTER_TO_UINT(n);
}

/* RFC 5626 CRLF keepalives inside the TLS session, answered by Kamailio */
static void
test_keepalive(TrTest *t)
{
	const gchar *const extra[] = {"NAT_Keep_Alive_Enable_1_=yes", "NAT_Keep_Alive_Intvl=1",
				      NULL};
	Ctx ctx = {0};
	gint64 start;

	setup(&ctx, t, TR_TEST_SBC_CERT_GOOD);
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_port(ctx.sbc), PASSWORD, extra);
	assert_registers(&ctx, g_get_monotonic_time());
	start = g_get_monotonic_time();
	if (!wait_for(&ctx, pongs_at_least, GUINT_TO_POINTER(2), 5000)) {
		log_line(&ctx, "keepalive");
		g_error("keepalives: %u sent, %u answered after %.0f ms",
			tr_dbus_line_tls_get_keepalives_sent(line_tls(&ctx)),
			tr_dbus_line_tls_get_pongs_received(line_tls(&ctx)), ms_since(start));
	}
	note("keepalives: %u sent, %u answered by the SBC in %.0f ms",
	     tr_dbus_line_tls_get_keepalives_sent(line_tls(&ctx)),
	     tr_dbus_line_tls_get_pongs_received(line_tls(&ctx)), ms_since(start));
	g_assert_cmpuint(tr_dbus_line_tls_get_keepalives_sent(line_tls(&ctx)), >=, 2);
	/* and the session is the same one: no reconnect, still registered */
	g_assert_cmpuint(tr_dbus_line_tls_get_reconnect_count(line_tls(&ctx)), ==, 0);
	g_assert_cmpstr(reg_state(&ctx), ==, "registered");
	teardown(&ctx);
}

/* an SBC of the SPA's days speaks TLS 1.0: refused unless the line allows it */
static void
test_legacy_tls(TrTest *t)
{
	const gchar *const allow[] = {"TLS_Minimum_Version_1_=TLSv1.0", NULL};
	Ctx ctx = {0};
	g_autoptr(GError) error = NULL;
	gint64 start;

	ctx.t = t;
	ctx.sbc = tr_test_sbc_new(&error);
	g_assert_no_error(error);
	tr_test_sbc_add_user(ctx.sbc, USER, PASSWORD);
	tr_test_sbc_set_tls_method(ctx.sbc, "TLSv1");
	tr_test_sbc_start(ctx.sbc, &error);
	g_assert_no_error(error);
	start_daemon(&ctx);

	start = g_get_monotonic_time();
	configure_line(&ctx, "TLS", tr_test_sbc_get_tls_port(ctx.sbc), PASSWORD, NULL);
	g_assert_true(wait_for(&ctx, line_has_error, NULL, DEADLINE_MS));
	note("TLS 1.0 SBC, default minimum: refused after %.0f ms: %s", ms_since(start),
	     tr_dbus_line_get_last_error(ctx.line));
	g_assert_cmpstr(reg_state(&ctx), !=, "registered");
	g_assert_true(contains_ci(tr_dbus_line_get_last_error(ctx.line), "protocol version"));

	start = g_get_monotonic_time();
	set_params(&ctx, allow[0], NULL);
	note("TLS 1.0 allowed: registered %.0f ms later", assert_registers(&ctx, start));
	g_assert_cmpstr(tr_dbus_line_tls_get_protocol_version(line_tls(&ctx)), ==, "TLS1.0");
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
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) why = g_string_new(NULL);

	if (g_test_subprocess()) {
		tr_test_run_body(c->body);
		return;
	}

	dir = g_dir_make_tmp("tipring-test-reg-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);
	g_test_trap_subprocess(NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
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
	{"/registration/udp", test_udp},
	{"/registration/tcp", test_tcp},
	{"/registration/tls/verified", test_tls},
	{"/registration/wrong-password", test_wrong_password},
	{"/registration/tls/unknown-ca", test_unknown_ca},
	{"/registration/tls/wrong-name", test_wrong_name},
	{"/registration/tls/client-cert/good", test_client_cert},
	{"/registration/tls/client-cert/wrong-ca", test_client_cert_wrong_ca},
	{"/registration/tls/client-cert/created", test_created_cert},
	{"/registration/tls/line-1-first", test_line_1_first},
	{"/registration/tls/keepalive", test_keepalive},
	{"/registration/tls/legacy-version", test_legacy_tls},
	{"/registration/switch-udp-to-tls", test_switch_transport},
	{"/registration/sbc-restart", test_sbc_restart},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	if (g_getenv("TIPRINGD") == NULL) {
		g_printerr("TIPRINGD must name the program to test\n");
		return 1;
	}
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_test_add_data_func(cases[i].path, &cases[i], run_case);
	return g_test_run();
}
