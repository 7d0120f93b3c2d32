/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-test-daemon.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* waiting */

static gboolean
set_flag_cb(gpointer data)
{
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

gboolean
tr_test_wait_until(TrTestCondition cond, gconstpointer data)
{
	gboolean timed_out = FALSE;
	guint id = g_timeout_add_seconds(TR_TEST_DEADLINE_S, set_flag_cb, &timed_out);

	while (!cond(data) && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(id);
	return cond(data);
}

/* tr_test_wait_until() for a COND that no event signals: looked at every 10 ms */
static gboolean
poll_until(TrTestCondition cond, gconstpointer data)
{
	gboolean timed_out = FALSE;
	guint deadline = g_timeout_add_seconds(TR_TEST_DEADLINE_S, set_flag_cb, &timed_out);

	while (!cond(data) && !timed_out) {
		gboolean tick = FALSE;
		g_timeout_add(10, set_flag_cb, &tick);
		while (!tick)
			g_main_context_iteration(NULL, TRUE);
	}
	if (!timed_out)
		g_source_remove(deadline);
	return cond(data);
}

/* daemons */

static gboolean
mark_done_cb(gpointer user_data)
{
	((TrTestDaemon *)user_data)->done = TRUE;
	return G_SOURCE_REMOVE;
}

static gpointer
read_output_thread(gpointer user_data)
{
	TrTestDaemon *d = user_data;
	g_autoptr(GBytes) out = NULL;
	g_autoptr(GBytes) err = NULL;
	g_autoptr(GError) error = NULL;
	gsize size = 0;
	const gchar *data;

	if (!g_subprocess_communicate(d->proc, NULL, NULL, &out, &err, &error))
		g_printerr("reading tipringd's output: %s\n", error->message);
	/* the main thread looks at these only once done is set, in the idle */
	data = out != NULL ? g_bytes_get_data(out, &size) : NULL;
	d->out = g_strndup(data != NULL ? data : "", size);
	size = 0;
	data = err != NULL ? g_bytes_get_data(err, &size) : NULL;
	d->err = g_strndup(data != NULL ? data : "", size);
	g_idle_add(mark_done_cb, d);
	return NULL;
}

static gboolean
daemon_is_done(gconstpointer data)
{
	return ((const TrTestDaemon *)data)->done;
}

static void
daemon_free(TrTestDaemon *d)
{
	if (!d->done) {
		g_subprocess_force_exit(d->proc);
		tr_test_wait_until(daemon_is_done, d);
	}
	g_thread_join(d->reader);
	g_clear_object(&d->proc);
	g_free(d->out);
	g_free(d->err);
	g_free(d);
}

static void
child_setup(gpointer user_data)
{
	/* the child goes when the test goes, even when an assertion aborts it */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != (pid_t)GPOINTER_TO_INT(user_data))
		_exit(127);
}

void
tr_test_launcher_die_with_test(GSubprocessLauncher *launcher)
{
	g_subprocess_launcher_set_child_setup(launcher, child_setup, GINT_TO_POINTER(getpid()),
					      NULL);
}

static void
exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
	*(gboolean *)user_data = TRUE;
}

void
tr_test_watch_exit(GSubprocess *proc, gboolean *exited)
{
	g_subprocess_wait_async(proc, NULL, exited_cb, exited);
}

void
tr_test_launcher_apply_env(GSubprocessLauncher *launcher, const gchar *const *env)
{
	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv(launcher, "LANGUAGE");
	for (guint i = 0; env != NULL && env[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);
		if (kv[1] != NULL)
			g_subprocess_launcher_setenv(launcher, kv[0], kv[1], TRUE);
		else
			g_subprocess_launcher_unsetenv(launcher, kv[0]);
	}
}

TrTestDaemon *
tr_test_daemon_spawn(TrTest *t, const gchar *const *env, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	TrTestDaemon *d = g_new0(TrTestDaemon, 1);

	tr_test_launcher_apply_env(launcher, env);
	tr_test_launcher_die_with_test(launcher);
	gboolean web_given = FALSE;

	g_ptr_array_add(argv, (gpointer)g_getenv("TIPRINGD"));
	g_ptr_array_add(argv, "-v");
	for (guint i = 0; args[i] != NULL; i++) {
		g_ptr_array_add(argv, (gpointer)args[i]);
		web_given |= g_str_has_prefix(args[i], "--web-");
	}
	/* the web pages on loopback ports of the kernel's choice, not on every
	 * address's port 80, unless the test chose */
	if (!web_given) {
		g_ptr_array_add(argv, "--web-address=127.0.0.1");
		g_ptr_array_add(argv, "--web-port=0");
	}
	g_ptr_array_add(argv, NULL);

	d->proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	d->reader = g_thread_new("tipringd-output", read_output_thread, d);
	g_ptr_array_add(t->daemons, d);
	return d;
}

const gchar *
tr_test_daemon_stderr(TrTestDaemon *d)
{
	return d->done ? d->err : "";
}

gboolean
tr_test_daemon_output_contains(TrTestDaemon *d, const gchar *needle)
{
	g_assert_true(d->done);
	return strstr(d->out, needle) != NULL || strstr(d->err, needle) != NULL;
}

gint
tr_test_daemon_wait_exit(TrTestDaemon *d)
{
	g_assert_true(tr_test_wait_until(daemon_is_done, d));
	if (!g_subprocess_get_if_exited(d->proc)) {
		g_printerr("tipringd died of signal %d; it said:\n%s\n",
			   g_subprocess_get_term_sig(d->proc), tr_test_daemon_stderr(d));
		g_assert_not_reached();
	}
	return g_subprocess_get_exit_status(d->proc);
}

void
tr_test_daemon_stop(TrTestDaemon *d)
{
	gint status;

	g_subprocess_send_signal(d->proc, SIGTERM);
	status = tr_test_daemon_wait_exit(d);
	if (status != 0)
		g_printerr("tipringd said:\n%s\n", tr_test_daemon_stderr(d));
	g_assert_cmpint(status, ==, 0);
}

void
tr_test_daemon_assert_alive(TrTestDaemon *d)
{
	if (d->done)
		g_printerr("tipringd exited early; it said:\n%s\n", tr_test_daemon_stderr(d));
	g_assert_false(d->done);
}

/* "--device D" for each of DEVICES, then NULL */
static void
add_devices(GPtrArray *args, const gchar *const *devices)
{
	for (guint i = 0; devices[i] != NULL; i++) {
		g_ptr_array_add(args, "--device");
		g_ptr_array_add(args, (gpointer)devices[i]);
	}
	g_ptr_array_add(args, NULL);
}

typedef struct {
	gboolean appeared;
	TrTestDaemon *daemon;
} NameWait;

static void
name_appeared_cb(GDBusConnection *connection, const gchar *name, const gchar *owner,
		 gpointer user_data)
{
	((NameWait *)user_data)->appeared = TRUE;
}

static gboolean
name_wait_over(gconstpointer data)
{
	const NameWait *w = data;
	return w->appeared || w->daemon->done;
}

TrTestDaemon *
tr_test_daemon_spawn_on_bus(TrTest *t, GDBusConnection *bus, const gchar *const *env,
			    const gchar *const *args)
{
	NameWait w = {FALSE, NULL};
	guint watch;

	if (bus != NULL)
		watch = g_bus_watch_name_on_connection(bus, TR_TEST_BUS_NAME,
						       G_BUS_NAME_WATCHER_FLAGS_NONE,
						       name_appeared_cb, NULL, &w, NULL);
	else
		watch = g_bus_watch_name(G_BUS_TYPE_SESSION, TR_TEST_BUS_NAME,
					 G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared_cb, NULL, &w,
					 NULL);
	w.daemon = tr_test_daemon_spawn(t, env, args);
	tr_test_wait_until(name_wait_over, &w);
	g_bus_unwatch_name(watch);
	tr_test_daemon_assert_alive(w.daemon);
	g_assert_true(w.appeared);
	return w.daemon;
}

TrTestDaemon *
tr_test_start_session_daemon(TrTest *t, const gchar *const *env, const gchar *const *devices)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();

	g_ptr_array_add(args, "--session");
	g_ptr_array_add(args, "--state-dir");
	g_ptr_array_add(args, t->state_dir);
	add_devices(args, devices);
	return tr_test_daemon_spawn_on_bus(t, NULL, env, (const gchar *const *)args->pdata);
}

GDBusConnection *
tr_test_connect_p2p(const gchar *address, TrTestDaemon *d)
{
	gboolean timed_out = FALSE;
	guint deadline = g_timeout_add_seconds(TR_TEST_DEADLINE_S, set_flag_cb, &timed_out);

	for (;;) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GDBusConnection) connection = g_dbus_connection_new_for_address_sync(
			address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
		gboolean tick = FALSE;

		if (connection != NULL) {
			g_source_remove(deadline);
			return g_steal_pointer(&connection);
		}
		if (timed_out || d->done) {
			g_printerr("cannot connect to %s: %s\n", address, error->message);
			tr_test_daemon_assert_alive(d);
			g_assert_not_reached();
		}
		/* poll again shortly; the main context runs meanwhile */
		g_timeout_add(20, set_flag_cb, &tick);
		while (!tick)
			g_main_context_iteration(NULL, TRUE);
	}
}

void
tr_test_wait_listening(const gchar *address, TrTestDaemon *d)
{
	g_autoptr(GDBusConnection) probe = tr_test_connect_p2p(address, d);
	g_dbus_connection_close_sync(probe, NULL, NULL);
}

TrTestDaemon *
tr_test_start_p2p_daemon_at(TrTest *t, const gchar *address, const gchar *state_dir,
			    const gchar *const *devices)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	TrTestDaemon *d;

	g_ptr_array_add(args, "--p2p");
	g_ptr_array_add(args, (gpointer)address);
	g_ptr_array_add(args, "--state-dir");
	g_ptr_array_add(args, (gpointer)state_dir);
	add_devices(args, devices);
	d = tr_test_daemon_spawn(t, NULL, (const gchar *const *)args->pdata);
	tr_test_wait_listening(address, d);
	return d;
}

TrTestDaemon *
tr_test_start_p2p_daemon(TrTest *t, const gchar *const *devices)
{
	return tr_test_start_p2p_daemon_at(t, t->address, t->state_dir, devices);
}

/* the runner */

void
tr_test_remove_tree(const gchar *path)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const gchar *name;
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			tr_test_remove_tree(child);
		}
	}
	g_remove(path);
}

static const gchar *isolated_dir_template;
static TrTestBus isolated_bus;

/**
 * tr_test_run_body:
 * @body: the test
 *
 * In a test's subprocess, with TIPRING_TEST_DIR naming its directory: runs
 * @body with a #TrTest for that directory, then kills whatever daemon is left.
 */
void
tr_test_run_body(void (*body)(TrTest *t))
{
	g_autofree gchar *escaped = NULL;
	TrTest t = {0};

	t.dir = g_strdup(g_getenv("TIPRING_TEST_DIR"));
	g_assert_nonnull(t.dir);
	t.state_dir = g_build_filename(t.dir, "state", NULL);
	t.socket_path = g_build_filename(t.dir, "sock", NULL);
	escaped = g_dbus_address_escape_value(t.socket_path);
	t.address = g_strdup_printf("unix:path=%s", escaped);
	t.daemons = g_ptr_array_new_with_free_func((GDestroyNotify)daemon_free);

	body(&t);

	g_ptr_array_unref(t.daemons);
	g_free(t.dir);
	g_free(t.state_dir);
	g_free(t.socket_path);
	g_free(t.address);
}

/* the body runs in a subprocess; this one cleans up after it whatever happened */
static void
run_isolated(gconstpointer data)
{
	const TrTestCase *tc = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GTestDBus) bus = NULL;
	g_autofree gchar *dir = NULL;
	const gchar *why = NULL;

	if (g_test_subprocess()) {
		tr_test_run_body(tc->body);
		return;
	}
	/* what .ci/install-deps installs: missing is a failure, never a skip */
	if (tc->missing != NULL && (why = tc->missing()) != NULL) {
		g_test_fail_printf("%s (run .ci/install-deps)", why);
		return;
	}
	dir = g_dir_make_tmp(isolated_dir_template, &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);
	if (isolated_bus == TR_TEST_SESSION_BUS) {
		bus = g_test_dbus_new(G_TEST_DBUS_NONE);
		g_test_dbus_up(bus);
	}

	g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

	if (bus != NULL)
		g_test_dbus_down(bus);
	tr_test_remove_tree(dir);
	g_unsetenv("TIPRING_TEST_DIR");
	g_test_trap_assert_passed();
}

void
tr_test_add_isolated(const TrTestCase *cases, guint n_cases, const gchar *dir_template,
		     TrTestBus bus)
{
	if (g_getenv("TIPRINGD") == NULL) {
		g_printerr("TIPRINGD must name the tipringd to test\n");
		exit(1);
	}
	isolated_dir_template = dir_template;
	isolated_bus = bus;
	for (guint i = 0; i < n_cases; i++)
		g_test_add_data_func(cases[i].path, &cases[i], run_isolated);
}

/* the runner of cases that report */

/* the report: "M text" for a message, "I text" for an incomplete case */
static gchar *
report_path_in(const gchar *dir)
{
	return g_build_filename(dir, "report", NULL);
}

/* in the body: TEXT as a message ('M') or a reason the case is incomplete ('I') */
static void
tr_test_report(gchar kind, const gchar *text)
{
	g_autofree gchar *path = report_path_in(g_getenv("TIPRING_TEST_DIR"));
	g_autofree gchar *escaped = g_strdelimit(g_strdup(text), "\n", ' ');
	g_autofree gchar *line = g_strdup_printf("%c %s\n", kind, escaped);
	FILE *f = fopen(path, "a");

	g_assert_nonnull(f);
	fputs(line, f);
	fclose(f);
}

/* "# PREFIXTEXT" to stderr, and TEXT to the report as KIND */
G_GNUC_PRINTF(3, 0)
static void
report_printed(gchar kind, const gchar *prefix, const gchar *format, va_list ap)
{
	g_autofree gchar *text = g_strdup_vprintf(format, ap);

	g_printerr("# %s%s\n", prefix, text);
	tr_test_report(kind, text);
}

void
tr_test_note(const gchar *format, ...)
{
	va_list ap;

	va_start(ap, format);
	report_printed('M', "", format, ap);
	va_end(ap);
}

void
tr_test_incomplete(const gchar *format, ...)
{
	va_list ap;

	va_start(ap, format);
	report_printed('I', "INCOMPLETE: ", format, ap);
	va_end(ap);
}

gdouble
tr_test_ms_since(gint64 start_us)
{
	return (g_get_monotonic_time() - start_us) / 1000.0;
}

void
tr_test_run_reported(void (*body)(TrTest *t), const gchar *dir_template, guint timeout_s)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) why = g_string_new(NULL);

	if (g_test_subprocess()) {
		tr_test_run_body(body);
		return;
	}

	dir = g_dir_make_tmp(dir_template, &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);
	g_test_trap_subprocess(NULL, timeout_s * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
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

/* ports */

/* a socket of TYPE bound to ADDRESS, on a port the kernel picks; returns the port */
static guint
bind_free_port(const gchar *address, GSocketType type, GSocketProtocol protocol)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, type, protocol, &error);
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(address);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(inet, 0);
	g_autoptr(GSocketAddress) local = NULL;

	g_assert_no_error(error);
	g_assert_true(g_socket_bind(socket, any, FALSE, &error));
	g_assert_no_error(error);
	local = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
}

guint
tr_test_free_udp_port(const gchar *address)
{
	return bind_free_port(address, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP);
}

guint
tr_test_free_tcp_port(const gchar *address)
{
	/* bound, never listening, closed: connections are refused */
	return bind_free_port(address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP);
}

/* whether a UDP socket is bound to 127.0.0.1:PORT, from /proc/net/udp */
static gboolean
udp_port_bound(guint port)
{
	g_autofree gchar *table = NULL;
	g_autofree gchar *local = g_strdup_printf("0100007F:%04X", port);
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents("/proc/net/udp", &table, NULL, NULL))
		return FALSE;
	lines = g_strsplit(table, "\n", -1);
	for (guint i = 1; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
		/* an empty line splits into no field at all */
		if (fields[0] == NULL)
			continue;
		/* "sl: local remote ...", the blanks between them as empty fields */
		for (guint j = 1; fields[j] != NULL; j++) {
			if (fields[j][0] == '\0')
				continue;
			if (g_strcmp0(fields[j], local) == 0)
				return TRUE;
			break;
		}
	}
	return FALSE;
}

/* sipp */

#define SIPP_TIMEOUT "10s" /* sipp quits by itself after this, failing */

const gchar tr_test_sipp_ok[] = TR_TEST_SIPP_SCENARIO(
	TR_TEST_SIPP_REGISTER("e1", "120")
		TR_TEST_SIPP_ANSWER("200 OK", "[last_Contact:];expires=120\n")
			TR_TEST_SIPP_REGISTER("e2", "0") TR_TEST_SIPP_ANSWER("200 OK", ""));

static gboolean
sipp_is_done(gconstpointer data)
{
	return ((const TrTestSipp *)data)->exited;
}

void
tr_test_sipp_free(TrTestSipp *s)
{
	if (!s->exited) {
		g_subprocess_force_exit(s->proc);
		tr_test_wait_until(sipp_is_done, s);
	}
	g_clear_object(&s->proc);
	g_free(s->name);
	g_free(s->messages);
	g_free(s->screen);
	g_free(s);
}

typedef struct {
	TrTestSipp *sipp;
	guint port;
} SippWait;

static gboolean
sipp_listens(gconstpointer data)
{
	const SippWait *w = data;
	return w->sipp->exited || udp_port_bound(w->port);
}

static void
sipp_print_logs(TrTestSipp *s)
{
	g_autofree gchar *screen = NULL;
	g_autofree gchar *messages = NULL;

	g_file_get_contents(s->screen, &screen, NULL, NULL);
	g_file_get_contents(s->messages, &messages, NULL, NULL);
	g_printerr("sipp %s said:\n%s\nmessages:\n%s\n", s->name, screen != NULL ? screen : "",
		   messages != NULL ? messages : "");
}

TrTestSipp *
tr_test_sipp_start(TrTest *t, const gchar *name, const gchar *scenario, guint port)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autofree gchar *file = g_strdup_printf("%s/%s.xml", t->dir, name);
	g_autofree gchar *port_arg = g_strdup_printf("%u", port);
	g_autoptr(GError) error = NULL;
	TrTestSipp *s = g_new0(TrTestSipp, 1);
	SippWait w = {s, port};

	s->name = g_strdup(name);
	s->messages = g_strdup_printf("%s/%s-messages.log", t->dir, name);
	s->screen = g_strdup_printf("%s/%s-screen.log", t->dir, name);
	g_assert_true(g_file_set_contents(file, scenario, -1, &error));
	g_assert_no_error(error);
	g_subprocess_launcher_set_cwd(launcher, t->dir);
	g_subprocess_launcher_set_stdout_file_path(launcher, s->screen);
	tr_test_launcher_die_with_test(launcher);
	s->proc = g_subprocess_launcher_spawn(launcher, &error, "sipp", "-sf", file, "-i",
					      "127.0.0.1", "-p", port_arg, "-m", "1", "-nostdin",
					      "-timeout", SIPP_TIMEOUT, "-timeout_error",
					      "-trace_msg", "-message_file", s->messages, NULL);
	g_assert_no_error(error);
	tr_test_watch_exit(s->proc, &s->exited);
	poll_until(sipp_listens, &w);
	if (s->exited || !udp_port_bound(port)) {
		sipp_print_logs(s);
		g_assert_not_reached();
	}
	return s;
}

void
tr_test_sipp_assert_passed(TrTestSipp *s)
{
	gboolean ok = tr_test_wait_until(sipp_is_done, s) && g_subprocess_get_if_exited(s->proc) &&
		      g_subprocess_get_exit_status(s->proc) == 0;

	if (!ok)
		sipp_print_logs(s);
	g_assert_true(ok);
}

const gchar *
tr_test_missing_sipp(void)
{
	g_autofree gchar *sipp = g_find_program_in_path("sipp");
	return sipp == NULL ? "sipp is not installed (Debian: sip-tester)" : NULL;
}

void
tr_test_assert_contains(const gchar *haystack, const gchar *needle)
{
	if (strstr(haystack, needle) == NULL)
		g_printerr("'%s' not in:\n%s\n", needle, haystack);
	g_assert_nonnull(strstr(haystack, needle));
}

void
tr_test_assert_lacks(const gchar *haystack, const gchar *needle)
{
	const gchar *at = strstr(haystack, needle);

	if (at != NULL)
		g_printerr("'%s' found in: ...%.200s\n", needle, at);
	g_assert_null(at);
}

guint
tr_test_count_occurrences(const gchar *haystack, const gchar *needle)
{
	guint n = 0;

	for (const gchar *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}
