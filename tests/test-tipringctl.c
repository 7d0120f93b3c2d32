/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tr-dbus-generated.h"

/*
 * tipringctl against the real tipringd, served peer to peer on a socket in
 * the test's own directory. Each test runs in a subprocess of its own; this
 * process removes the directory however the test ended, and the daemons die
 * with the test process (PR_SET_PDEATHSIG).
 */

#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define DEADLINE_S   10
#define SECRET	     "s3cret"
#define NOTHING_DE   "tipringctl: Es wurde nichts ge\xc3\xa4ndert\n"
#define NOTHING_PO                                                                                 \
	"msgid \"tipringctl: nothing was changed\\n\"\n"                                           \
	"msgstr \"tipringctl: Es wurde nichts ge\xc3\xa4ndert\\n\"\n"

typedef struct {
	GSubprocess *proc;
	GThread *reader;
	gboolean done; /* exited, and its output read to the end */
	gchar *out;
	gchar *err;
} Daemon;

typedef struct {
	gchar *dir;
	gchar *state_dir;
	gchar *address; /* unix:path=DIR/sock */
	GPtrArray *daemons;
} Test;

typedef struct {
	gint status;
	gchar *out;
	gchar *err;
} Run;

static pid_t test_pid;

/* waiting: the main context turns until a condition holds or DEADLINE_S pass */

typedef gboolean (*Condition)(gconstpointer data);

static gboolean
set_flag_cb(gpointer data)
{
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

static gboolean
wait_until(Condition cond, gconstpointer data)
{
	gboolean timed_out = FALSE;
	guint id = g_timeout_add_seconds(DEADLINE_S, set_flag_cb, &timed_out);

	while (!cond(data) && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(id);
	return cond(data);
}

/* daemons */

static gboolean
mark_done_cb(gpointer user_data)
{
	((Daemon *)user_data)->done = TRUE;
	return G_SOURCE_REMOVE;
}

/* the daemon's pipes are read to the end in a thread, so it never blocks on them */
static gpointer
read_output_thread(gpointer user_data)
{
	Daemon *d = user_data;
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
	return ((const Daemon *)data)->done;
}

static void
daemon_free(Daemon *d)
{
	if (!d->done) {
		g_subprocess_force_exit(d->proc);
		wait_until(daemon_is_done, d);
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
	/* the daemon goes when the test goes, even when an assertion aborts it */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != test_pid)
		_exit(127);
}

/* "NAME=VALUE" sets, "NAME" unsets */
static void
launcher_apply_env(GSubprocessLauncher *launcher, const gchar *const *env)
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

/* tipringd -v ARGS... */
static Daemon *
daemon_spawn(Test *t, const gchar *const *env, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	Daemon *d = g_new0(Daemon, 1);

	launcher_apply_env(launcher, env);
	g_subprocess_launcher_set_child_setup(launcher, child_setup, NULL, NULL);
	g_ptr_array_add(argv, (gpointer)g_getenv("TIPRINGD"));
	g_ptr_array_add(argv, "-v");
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);

	d->proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	d->reader = g_thread_new("tipringd-output", read_output_thread, d);
	g_ptr_array_add(t->daemons, d);
	return d;
}

static void
assert_daemon_alive(Daemon *d)
{
	if (d->done)
		g_printerr("tipringd exited early; it said:\n%s\n", d->err);
	g_assert_false(d->done);
}

/* SIGTERM must end the daemon cleanly */
static void
daemon_stop(Daemon *d)
{
	g_subprocess_send_signal(d->proc, SIGTERM);
	g_assert_true(wait_until(daemon_is_done, d));
	if (!g_subprocess_get_if_exited(d->proc) || g_subprocess_get_exit_status(d->proc) != 0)
		g_printerr("tipringd said:\n%s\n", d->err);
	g_assert_true(g_subprocess_get_if_exited(d->proc));
	g_assert_cmpint(g_subprocess_get_exit_status(d->proc), ==, 0);
}

/* a peer connection to ADDRESS, tried until the daemon listens */
static GDBusConnection *
connect_p2p(const gchar *address, Daemon *d)
{
	gboolean timed_out = FALSE;
	guint deadline = g_timeout_add_seconds(DEADLINE_S, set_flag_cb, &timed_out);

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
			assert_daemon_alive(d);
			g_assert_not_reached();
		}
		/* poll again shortly; the main context runs meanwhile */
		g_timeout_add(20, set_flag_cb, &tick);
		while (!tick)
			g_main_context_iteration(NULL, TRUE);
	}
}

static void
wait_listening(const gchar *address, Daemon *d)
{
	g_autoptr(GDBusConnection) probe = connect_p2p(address, d);
	g_dbus_connection_close_sync(probe, NULL, NULL);
}

/* tipringd --p2p ADDRESS --state-dir STATE --device D..., once it listens */
static Daemon *
start_daemon_at(Test *t, const gchar *address, const gchar *state_dir, const gchar *const *devices)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	Daemon *d;

	g_ptr_array_add(args, "--p2p");
	g_ptr_array_add(args, (gpointer)address);
	g_ptr_array_add(args, "--state-dir");
	g_ptr_array_add(args, (gpointer)state_dir);
	for (guint i = 0; devices[i] != NULL; i++) {
		g_ptr_array_add(args, "--device");
		g_ptr_array_add(args, (gpointer)devices[i]);
	}
	g_ptr_array_add(args, NULL);
	d = daemon_spawn(t, NULL, (const gchar *const *)args->pdata);
	wait_listening(address, d);
	return d;
}

static Daemon *
start_daemon(Test *t, const gchar *const *devices)
{
	return start_daemon_at(t, t->address, t->state_dir, devices);
}

static const gchar *const spa2102[] = {"SPA2102", NULL};
static const gchar *const two_devices[] = {"SPA2102", "SPA942:desk", NULL};

/* tipringctl */

static void
run_free(Run *r)
{
	g_free(r->out);
	g_free(r->err);
	g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Run, run_free)

static Run *
ctl_runv(const gchar *const *env, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	Run *r = g_new0(Run, 1);

	launcher_apply_env(launcher, env);
	g_ptr_array_add(argv, (gpointer)g_getenv("TIPRINGCTL"));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);

	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	g_subprocess_communicate_utf8(proc, NULL, NULL, &r->out, &r->err, &error);
	g_assert_no_error(error);
	if (!g_subprocess_get_if_exited(proc))
		g_printerr("tipringctl died of signal %d; it said:\n%s\n",
			   g_subprocess_get_term_sig(proc), r->err);
	g_assert_true(g_subprocess_get_if_exited(proc));
	r->status = g_subprocess_get_exit_status(proc);
	return r;
}

static Run *
ctl_va(const gchar *const *env, const gchar *address, const gchar *first, va_list ap)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();

	if (address != NULL) {
		g_ptr_array_add(args, "--address");
		g_ptr_array_add(args, (gpointer)address);
	}
	for (const gchar *arg = first; arg != NULL; arg = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)arg);
	g_ptr_array_add(args, NULL);
	return ctl_runv(env, (const gchar *const *)args->pdata);
}

/* tipringctl --address ADDRESS ARGS... */
static Run *ctl(Test *t, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl(Test *t, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(NULL, t->address, first, ap);
	va_end(ap);
	return r;
}

/* tipringctl ARGS... with ENV, no --address */
static Run *ctl_env(const gchar *const *env, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl_env(const gchar *const *env, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(env, NULL, first, ap);
	va_end(ap);
	return r;
}

static void
assert_run(Run *r, gint status)
{
	if (r->status != status)
		g_printerr("tipringctl exited with %d, not %d; stdout:\n%s\nstderr:\n%s\n",
			   r->status, status, r->out, r->err);
	g_assert_cmpint(r->status, ==, status);
}

static void
assert_contains(const gchar *haystack, const gchar *needle)
{
	if (strstr(haystack, needle) == NULL)
		g_printerr("'%s' not in:\n%s\n", needle, haystack);
	g_assert_nonnull(strstr(haystack, needle));
}

/* `get NAME` prints exactly NAME=EXPECTED */
static void
assert_get(Test *t, const gchar *device, const gchar *name, const gchar *expected)
{
	g_autofree gchar *line = g_strdup_printf("%s=%s\n", name, expected);
	g_autoptr(Run) r = device != NULL ? ctl(t, "--device", device, "get", name, NULL)
					  : ctl(t, "get", name, NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, line);
	g_assert_cmpstr(r->err, ==, "");
}

/* the refused set of the brief; the message after it depends on the locale */
static Run *
refused_set(Test *t, const gchar *const *env)
{
	return ctl_env(env, "--address", t->address, "set", "SIP_Transport_1_=FOO",
		       "Proxy_1_=ok.example.com", NULL);
}

/* the tests */

static void
test_status(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(Run) changed = NULL;
	g_autoptr(Run) again = NULL;
	g_autofree gchar *first_line = g_strdup_printf("on %s\n", t->address);

	assert_run(r, 0);
	assert_contains(r->out, "tipringd ");
	assert_contains(r->out, first_line);
	assert_contains(r->out, "Device 0: spa2102 (SPA2102), MAC ");
	assert_contains(r->out, "  Line 1: enabled, transport UDP\n");
	assert_contains(r->out, "  Line 2: enabled, transport UDP\n");
	g_assert_null(strstr(r->out, "Line 3"));
	g_assert_null(strstr(r->out, "disabled"));
	g_assert_cmpstr(r->err, ==, "");

	/* the lines follow the parameters */
	changed = ctl(t, "set", "SIP_Transport_2_=TLS", "Line_Enable_1_=no", NULL);
	assert_run(changed, 0);
	again = ctl(t, "status", NULL);
	assert_run(again, 0);
	assert_contains(again->out, "  Line 1: disabled, transport UDP\n");
	assert_contains(again->out, "  Line 2: enabled, transport TLS\n");
	daemon_stop(d);
}

static void
test_devices(Test *t)
{
	Daemon *d = start_daemon(t, two_devices);
	g_autoptr(Run) r = ctl(t, "devices", NULL);
	g_autoptr(GRegex) ata = g_regex_new(
		"^0 +spa2102 +SPA2102 +[0-9a-f]{2}(:[0-9a-f]{2}){5} +TR[0-9A-F]+ +\\S+$", 0, 0,
		NULL);
	g_autoptr(GRegex) desk = g_regex_new(
		"^1 +desk +SPA942 +[0-9a-f]{2}(:[0-9a-f]{2}){5} +TR[0-9A-F]+ +\\S+$", 0, 0, NULL);
	g_auto(GStrv) lines = NULL;

	assert_run(r, 0);
	lines = g_strsplit(r->out, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 4); /* three lines and the end */
	g_assert_cmpstr(lines[0], ==,
			"DEVICE NAME             MODEL    MAC                SERIAL  "
			"       FIRMWARE");
	g_assert_true(g_regex_match(ata, lines[1], 0, NULL));
	g_assert_true(g_regex_match(desk, lines[2], 0, NULL));
	g_assert_cmpstr(lines[3], ==, "");
	daemon_stop(d);
}

static void
test_get_all(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(GDBusConnection) connection = connect_p2p(t->address, d);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObjectManager) objects = tr_dbus_object_manager_client_new_sync(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, NULL, ROOT_PATH, NULL, &error);
	g_autoptr(GDBusObject) object = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	g_autoptr(Run) r = ctl(t, "get", NULL);
	g_autoptr(GRegex) line_re = g_regex_new("^[A-Za-z0-9_-]+=[^\n]*$", 0, 0, NULL);
	g_auto(GStrv) lines = NULL;
	guint n;

	g_assert_no_error(error);
	object = g_dbus_object_manager_get_object(objects, DEVICE0_PATH);
	g_assert_nonnull(object);
	device = tr_dbus_object_get_device(TR_DBUS_OBJECT(object));

	assert_run(r, 0);
	g_assert_true(g_str_has_suffix(r->out, "\n"));
	lines = g_strsplit(r->out, "\n", -1);
	n = g_strv_length(lines) - 1;
	g_assert_cmpuint(n, ==, tr_dbus_device_get_parameter_count(device));
	for (guint i = 0; i < n; i++)
		g_assert_true(g_regex_match(line_re, lines[i], 0, NULL));
	assert_contains(r->out, "\nSIP_Transport_1_=UDP\n");
	assert_contains(r->out, "\nPassword_1_=\n");

	g_clear_object(&device);
	g_clear_object(&object);
	g_clear_object(&objects);
	g_dbus_connection_close_sync(connection, NULL, NULL);
	daemon_stop(d);
}

static void
test_get_names(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "get", "SIP_Transport[1]", "Proxy_1_", NULL);
	g_autoptr(Run) reversed = ctl(t, "get", "Proxy_1_", "SIP_Transport[1]", NULL);
	g_autoptr(Run) unknown = ctl(t, "get", "SIP_Transport_1_", "No_Such_Thing", NULL);

	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "SIP_Transport_1_=UDP\nProxy_1_=\n");
	assert_run(reversed, 0);
	g_assert_cmpstr(reversed->out, ==, "Proxy_1_=\nSIP_Transport_1_=UDP\n");
	assert_run(unknown, 1);
	g_assert_cmpstr(unknown->out, ==, "");
	assert_contains(unknown->err, "No_Such_Thing");
	daemon_stop(d);
}

static void
test_set(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "set", "SIP_Transport[1]=TLS", "Register_Expires_1_=600", NULL);
	g_autoptr(Run) get = NULL;

	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_cmpstr(r->err, ==, "");
	get = ctl(t, "get", "SIP_Transport_1_", "Register_Expires[1]", NULL);
	assert_run(get, 0);
	g_assert_cmpstr(get->out, ==, "SIP_Transport_1_=TLS\nRegister_Expires_1_=600\n");
	/* a value may hold '=' and spaces */
	g_clear_pointer(&r, run_free);
	r = ctl(t, "set", "Display_Name_1_=a=b c", NULL);
	assert_run(r, 0);
	assert_get(t, NULL, "Display_Name_1_", "a=b c");
	daemon_stop(d);
}

static void
test_set_refused(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) r = refused_set(t, NULL);

	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	assert_contains(r->err, "SIP_Transport_1_");
	assert_contains(r->err, "'FOO'");
	assert_contains(r->err, "UDP, TCP, TLS");
	assert_contains(r->err, "tipringctl: nothing was changed\n");
	g_assert_null(strstr(r->err, "Proxy_1_"));
	assert_get(t, NULL, "Proxy_1_", "");
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	daemon_stop(d);
}

static void
test_usage(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) no_equals = ctl(t, "set", "SIP_Transport_1_=TLS", "foo", NULL);
	g_autoptr(Run) no_name = ctl(t, "set", "=TLS", NULL);
	g_autoptr(Run) no_args = ctl(t, "set", NULL);
	g_autoptr(Run) unknown = ctl(t, "frobnicate", NULL);
	g_autoptr(Run) nothing = ctl_env(NULL, "--address", t->address, NULL);
	g_autoptr(Run) bad_option = ctl(t, "--frobnicate", "status", NULL);

	assert_run(no_equals, 2);
	assert_contains(no_equals->err, "'foo'");
	assert_contains(no_equals->err, "NAME=VALUE");
	assert_run(no_name, 2);
	assert_run(no_args, 2);
	assert_run(unknown, 2);
	assert_contains(unknown->err, "'frobnicate'");
	assert_run(nothing, 2);
	assert_contains(nothing->err, "status");
	assert_run(bad_option, 2);
	assert_contains(bad_option->err, "--frobnicate");

	/* the valid half of the refused set was not applied */
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	daemon_stop(d);
}

static void
test_passwords(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) set = ctl(t, "set", "Password_1_=" SECRET, NULL);
	g_autoptr(Run) all = NULL;

	assert_run(set, 0);
	assert_get(t, NULL, "Password_1_", "********");
	assert_get(t, NULL, "Password_2_", "");
	all = ctl(t, "get", NULL);
	assert_run(all, 0);
	assert_contains(all->out, "\nPassword_1_=********\n");
	g_assert_null(strstr(all->out, SECRET));
	daemon_stop(d);
	g_assert_null(strstr(d->out, SECRET));
	g_assert_null(strstr(d->err, SECRET));
}

static void
test_several_devices(Test *t)
{
	Daemon *d = start_daemon(t, two_devices);
	g_autoptr(Run) ambiguous = ctl(t, "get", "SIP_Transport_1_", NULL);
	g_autoptr(Run) set_ambiguous = ctl(t, "set", "SIP_Transport_1_=TCP", NULL);
	g_autoptr(Run) missing = ctl(t, "--device", "nosuch", "get", "SIP_Transport_1_", NULL);
	g_autoptr(Run) set = ctl(t, "--device", "desk", "set", "SIP_Transport_4_=TCP", NULL);
	g_autoptr(Run) status = ctl(t, "status", NULL);

	assert_run(ambiguous, 1);
	g_assert_cmpstr(ambiguous->out, ==, "");
	assert_contains(ambiguous->err, "--device");
	assert_run(set_ambiguous, 1);
	assert_contains(set_ambiguous->err, "--device");
	assert_run(missing, 1);
	assert_contains(missing->err, "'nosuch'");

	assert_run(set, 0);
	assert_get(t, "1", "SIP_Transport_4_", "TCP");
	assert_get(t, "desk", "SIP_Transport_4_", "TCP");
	assert_get(t, "0", "SIP_Transport_1_", "UDP");
	assert_get(t, "spa2102", "SIP_Transport_2_", "UDP");

	assert_run(status, 0);
	assert_contains(status->out, "Device 1: desk (SPA942)");
	assert_contains(status->out, "  Ext 4: enabled, transport TCP\n");
	daemon_stop(d);
}

static void
test_factory_reset(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) set = ctl(t, "set", "SIP_Transport_1_=TLS", "Password_1_=" SECRET, NULL);
	g_autoptr(Run) reset = NULL;

	assert_run(set, 0);
	reset = ctl(t, "factory-reset", NULL);
	assert_run(reset, 0);
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	assert_get(t, NULL, "Password_1_", "");
	daemon_stop(d);
}

static void
test_not_running(Test *t)
{
	g_autofree gchar *absent = g_build_filename(t->dir, "absent", NULL);
	g_autofree gchar *address = g_strdup_printf("unix:path=%s", absent);
	g_autoptr(Run) r = ctl_env(NULL, "--address", address, "status", NULL);
	g_autoptr(Run) get = ctl_env(NULL, "--address", address, "get", NULL);
	g_autoptr(Run) after = NULL;
	Daemon *d;

	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	assert_contains(r->err, "cannot reach tipringd on ");
	assert_contains(r->err, absent);
	assert_run(get, 1);
	assert_contains(get->err, "cannot reach tipringd");

	/* and once a daemon that ran has stopped */
	d = start_daemon(t, spa2102);
	daemon_stop(d);
	after = ctl(t, "status", NULL);
	assert_run(after, 1);
	assert_contains(after->err, "cannot reach tipringd");
}

/* without bus options both find the same socket under $XDG_RUNTIME_DIR */
static void
test_default_address(Test *t)
{
	g_autofree gchar *runtime = g_build_filename(t->dir, "run", NULL);
	g_autofree gchar *runtime_env = g_strconcat("XDG_RUNTIME_DIR=", runtime, NULL);
	g_autofree gchar *socket = g_build_filename(runtime, "tipring", "tipringd.socket", NULL);
	g_autofree gchar *address = g_strdup_printf("unix:path=%s", socket);
	const gchar *const env[] = {runtime_env, "DBUS_SESSION_BUS_ADDRESS", NULL};
	const gchar *const args[] = {"--state-dir", t->state_dir, "--device", "SPA2102", NULL};
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) after = NULL;
	Daemon *d;

	g_assert_cmpint(g_mkdir(runtime, 0700), ==, 0);
	d = daemon_spawn(t, env, args);
	wait_listening(address, d);

	r = ctl_env(env, "status", NULL);
	assert_run(r, 0);
	assert_contains(r->out, "Device 0: spa2102 (SPA2102)");
	assert_contains(r->out, socket);
	daemon_stop(d);
	g_assert_false(g_file_test(socket, G_FILE_TEST_EXISTS));

	after = ctl_env(env, "status", NULL);
	assert_run(after, 1);
	assert_contains(after->err, "cannot reach tipringd");
}

/* the mechanism, with a catalogue of our own: TIPRING_LOCALEDIR, LC_ALL=C.UTF-8, LANGUAGE */
static void
test_translation_mechanism(Test *t)
{
	g_autofree gchar *localedir = g_build_filename(t->dir, "locale", NULL);
	g_autofree gchar *modir = g_build_filename(localedir, "de", "LC_MESSAGES", NULL);
	g_autofree gchar *po = g_build_filename(t->dir, "de.po", NULL);
	g_autofree gchar *mo = g_build_filename(modir, "tipring.mo", NULL);
	g_autofree gchar *localedir_env = g_strconcat("TIPRING_LOCALEDIR=", localedir, NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	const gchar *const english[] = {"LC_ALL=C.UTF-8", localedir_env, NULL};
	const gchar *const msgfmt[] = {"msgfmt", "-o", mo, po, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) compile = NULL;
	g_autoptr(Run) de = NULL;
	g_autoptr(Run) en = NULL;
	Daemon *d;

	g_assert_cmpint(g_mkdir_with_parents(modir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(po,
					  "msgid \"\"\n"
					  "msgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
					  "\n" NOTHING_PO,
					  -1, &error));
	g_assert_no_error(error);
	compile = g_subprocess_newv(msgfmt, G_SUBPROCESS_FLAGS_NONE, &error);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_wait_check(compile, NULL, &error));
	g_assert_no_error(error);

	d = start_daemon(t, spa2102);
	de = refused_set(t, german);
	assert_run(de, 1);
	assert_contains(de->err, NOTHING_DE);
	en = refused_set(t, english);
	assert_run(en, 1);
	assert_contains(en->err, "tipringctl: nothing was changed\n");
	daemon_stop(d);
}

/* the project's German catalogue, as built */
static void
test_translation_german(Test *t)
{
	g_autofree gchar *localedir_env =
		g_strconcat("TIPRING_LOCALEDIR=", g_getenv("TIPRING_LOCALEDIR"), NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(Run) r = refused_set(t, german);

	assert_run(r, 1);
	assert_contains(r->err, NOTHING_DE);
	daemon_stop(d);
}

/* profiles */

#define SECRET2 "us3r-pw"

static const gchar *const utf8[] = {"LC_ALL=C.UTF-8", NULL};

/* DIR/NAME with CONTENTS; returns the path */
static gchar *
write_file(Test *t, const gchar *name, const gchar *contents)
{
	gchar *path = g_build_filename(t->dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_set_contents(path, contents, -1, &error));
	g_assert_no_error(error);
	return path;
}

static void
assert_lacks(const gchar *haystack, const gchar *needle)
{
	const gchar *at = strstr(haystack, needle);

	if (at != NULL)
		g_printerr("'%s' found in: ...%.200s\n", needle, at);
	g_assert_null(at);
}

/* every parameter as `get` prints it, at ADDRESS, of the only device or of DEVICE */
static gchar *
get_all_at(const gchar *address, const gchar *device)
{
	g_autoptr(Run) r = device != NULL ? ctl_env(NULL, "--address", address, "--device", device,
						    "get", NULL)
					  : ctl_env(NULL, "--address", address, "get", NULL);

	assert_run(r, 0);
	g_assert_cmpstr(r->err, ==, "");
	return g_steal_pointer(&r->out);
}

static const gchar provider_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<prov:config xmlns:prov=\"urn:example:prov\">\n"
	" <flat-profile xmlns=\"http://www.sipura.net/xmlns/flat-profile\">\n"
	"  <SIP_Transport_1_ ua=\"rw\" group=\"Ext_1/SIP_Settings\">TLS</SIP_Transport_1_>\n"
	"  <No_Such_Thing>1</No_Such_Thing>\n" /* line 5 */
	"  <Display_Name_1_> Caf&#xE9; &amp; Bar </Display_Name_1_>\n"
	"  <GPP_B/>\n"
	"  <GPP_A></GPP_A>\n"
	" </flat-profile>\n"
	"</prov:config>\n";

static void
test_profile_import(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "provider.xml", provider_xml);
	g_autofree gchar *base = write_file(t, "base.txt",
					    "# shared by every site\n"
					    "Proxy[1] ! \"base.example.com\" ;\n"
					    "Not_A_Param[2] \"x\" ;\n"
					    "GPP_C ? \"from base\" ;\n");
	g_autofree gchar *site = write_file(t, "site.cfg",
					    "import base.txt\n"
					    "GPP_C \"from site\" ; # the last one wins\n"
					    "Register_Expires[1] ! \"600\" ;\n"
					    "Display_Name[1] \"say \\\"hi\\\"\" ;\n");
	g_autofree gchar *xml_warning =
		g_strdup_printf("tipringctl: warning: %s: line 5, column 3: ", xml);
	g_autofree gchar *text_warning =
		g_strdup_printf("tipringctl: warning: %s: line 3, column 1: ", base);
	g_autoptr(Run) set = ctl(t, "set", "GPP_A=keep-a", "GPP_B=keep-b", NULL);
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) text = NULL;
	g_autoptr(Run) status = NULL;
	g_autoptr(Run) utf8_get = NULL;
	g_auto(GStrv) lines = NULL;

	assert_run(set, 0);
	r = ctl(t, "profile", "import", xml, NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	/* the unknown parameter: a warning with where it is, and nothing else */
	assert_contains(r->err, xml_warning);
	assert_contains(r->err, "No_Such_Thing");
	lines = g_strsplit(r->err, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 2);
	assert_get(t, NULL, "SIP_Transport_1_", "TLS");
	/* tipringctl prints UTF-8 as such only in a UTF-8 locale */
	utf8_get = ctl_env(utf8, "--address", t->address, "get", "Display_Name_1_", NULL);
	assert_run(utf8_get, 0);
	g_assert_cmpstr(utf8_get->out, ==, "Display_Name_1_=Caf\xc3\xa9 & Bar\n");
	assert_get(t, NULL, "GPP_A", "");
	assert_get(t, NULL, "GPP_B", "keep-b");
	status = ctl(t, "status", NULL);
	assert_run(status, 0);
	assert_contains(status->out, "  Line 1: enabled, transport TLS\n");

	/* text, with an import read from beside it */
	text = ctl(t, "profile", "import", site, NULL);
	assert_run(text, 0);
	g_assert_cmpstr(text->out, ==, "");
	assert_contains(text->err, text_warning);
	assert_contains(text->err, "Not_A_Param_2_");
	assert_get(t, NULL, "Proxy_1_", "base.example.com");
	assert_get(t, NULL, "GPP_C", "from site");
	assert_get(t, NULL, "Register_Expires_1_", "600");
	assert_get(t, NULL, "Display_Name_1_", "say \"hi\"");
	daemon_stop(d);
}

static void
test_profile_refused(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autofree gchar *unclosed = write_file(t, "unclosed.xml",
						"<flat-profile>\n"
						"  <Proxy_1_>ok.example.com</Proxy_1_>\n"
						"  <GPP_A>never closed\n"
						"</flat-profile>\n");
	g_autofree gchar *bad_value = write_file(t, "bad-value.xml",
						 "<flat-profile>\n"
						 "  <Proxy_1_>ok.example.com</Proxy_1_>\n"
						 "  <SIP_Transport_1_>FOO</SIP_Transport_1_>\n"
						 "</flat-profile>\n");
	g_autofree gchar *bad_escape = write_file(t, "bad-escape.cfg",
						  "Proxy[1] \"ok.example.com\" ;\n"
						  "GPP_A \"oops \\x\" ;\n");
	g_autofree gchar *missing = g_build_filename(t->dir, "missing.txt", NULL);
	g_autofree gchar *importer = write_file(t, "importer.cfg",
						"Proxy[1] \"ok.example.com\" ;\n"
						"import missing.txt\n");
	g_autofree gchar *absent = g_build_filename(t->dir, "absent.xml", NULL);
	g_autofree gchar *value_where = g_strdup_printf("%s: line 3, column 3: ", bad_value);
	g_autoptr(Run) set = ctl(t, "set", "Display_Name_1_=Front desk", NULL);
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	struct {
		const gchar *path;
		const gchar *needles[4];
	} cases[] = {
		{unclosed, {unclosed, "line 4, column", NULL}},
		{bad_value, {value_where, "SIP_Transport_1_", "'FOO'", "UDP, TCP, TLS"}},
		{bad_escape, {bad_escape, "line 2, column 13", "\\x", NULL}},
		{importer, {importer, "line 2, column 1", missing, NULL}},
	};

	assert_run(set, 0);
	before = get_all_at(t->address, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(Run) r = ctl(t, "profile", "import", cases[i].path, NULL);

		assert_run(r, 1);
		g_assert_cmpstr(r->out, ==, "");
		for (guint j = 0; j < G_N_ELEMENTS(cases[i].needles) && cases[i].needles[j]; j++)
			assert_contains(r->err, cases[i].needles[j]);
		g_assert_true(g_str_has_suffix(r->err, "tipringctl: nothing was changed\n"));
		assert_lacks(r->err, "warning");
		assert_lacks(r->err, "Proxy_1_");
	}
	{
		g_autoptr(Run) r = ctl(t, "profile", "import", absent, NULL);
		assert_run(r, 1);
		assert_contains(r->err, absent);
	}
	after = get_all_at(t->address, NULL);
	g_assert_cmpstr(after, ==, before);
	assert_get(t, NULL, "Proxy_1_", "");
	assert_get(t, NULL, "Display_Name_1_", "Front desk");
	daemon_stop(d);
}

static void
test_profile_export(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "access.xml",
					   "<flat-profile>\n"
					   "  <SIP_Transport_1_ ua=\"rw\">TCP</SIP_Transport_1_>\n"
					   "  <Connection_Type ua=\"na\"/>\n"
					   "</flat-profile>\n");
	g_autoptr(Run) set = ctl(t, "set", "Password_1_=" SECRET, "User_Password=" SECRET2,
				 "Display_Name_1_=A & B <c>", NULL);
	g_autoptr(Run) import = ctl(t, "profile", "import", xml, NULL);
	g_autoptr(Run) plain = ctl(t, "profile", "export", NULL);
	g_autoptr(Run) admin_xml =
		ctl(t, "--format", "xml", "--level", "admin", "profile", "export", NULL);
	g_autoptr(Run) user_text =
		ctl(t, "profile", "export", "--format", "text", "--level", "user", NULL);
	g_autoptr(Run) admin_text = ctl(t, "profile", "export", "--format", "text", NULL);
	g_autoptr(Run) bad_format = ctl(t, "profile", "export", "--format", "json", NULL);
	g_autoptr(Run) bad_level = ctl(t, "profile", "export", "--level", "root", NULL);

	assert_run(set, 0);
	assert_run(import, 0);
	g_assert_cmpstr(import->err, ==, "");

	/* the default: admin, XML */
	assert_run(plain, 0);
	g_assert_cmpstr(plain->err, ==, "");
	g_assert_true(g_str_has_prefix(plain->out, "<?xml"));
	assert_contains(plain->out, "\n<flat-profile>\n");
	assert_contains(plain->out, "<Password_1_ ua=\"na\">" SECRET "</Password_1_>\n");
	assert_contains(plain->out, "<User_Password ua=\"rw\">" SECRET2 "</User_Password>\n");
	assert_contains(plain->out, "<SIP_Transport_1_ ua=\"rw\">TCP</SIP_Transport_1_>\n");
	assert_contains(plain->out, "<Display_Name_1_ ua=\"na\">A &amp; B &lt;c&gt;</");
	g_assert_true(g_str_has_suffix(plain->out, "</flat-profile>\n"));
	assert_run(admin_xml, 0);
	g_assert_cmpstr(admin_xml->out, ==, plain->out);

	/* user, text: what the user may see, no password text, no hidden parameter */
	assert_run(user_text, 0);
	g_assert_cmpstr(user_text->err, ==, "");
	g_assert_true(g_str_has_prefix(user_text->out, "# "));
	assert_lacks(user_text->out, "<");
	assert_lacks(user_text->out, SECRET);
	assert_lacks(user_text->out, SECRET2);
	assert_lacks(user_text->out, "\nPassword[1]");
	assert_lacks(user_text->out, "\nConnection_Type");
	assert_lacks(user_text->out, "\nDisplay_Name[1]");
	assert_contains(user_text->out, "\nUser_Password ! ;\n");
	assert_contains(user_text->out, "\nSIP_Transport[1] ! \"TCP\" ;\n");

	assert_run(admin_text, 0);
	assert_contains(admin_text->out, "\nPassword[1] \"" SECRET "\" ;\n");
	assert_contains(admin_text->out, "\nConnection_Type \"DHCP\" ;\n");
	assert_contains(admin_text->out, "\nDisplay_Name[1] \"A & B <c>\" ;\n");

	/* the daemon refuses what it does not know */
	assert_run(bad_format, 1);
	g_assert_cmpstr(bad_format->out, ==, "");
	assert_contains(bad_format->err, "'json'");
	assert_run(bad_level, 1);
	g_assert_cmpstr(bad_level->out, ==, "");
	assert_contains(bad_level->err, "'root'");
	daemon_stop(d);
}

static void
test_profile_usage(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "p.xml",
					   "<flat-profile><SIP_Transport_1_>TLS</SIP_Transport_1_>"
					   "</flat-profile>\n");
	const gchar *const *wrong[] = {
		(const gchar *const[]){"profile", NULL},
		(const gchar *const[]){"profile", "frobnicate", NULL},
		(const gchar *const[]){"profile", "import", NULL},
		(const gchar *const[]){"profile", "import", xml, xml, NULL},
		(const gchar *const[]){"profile", "export", "xml", NULL},
		(const gchar *const[]){"profile", "export", "import", xml, NULL},
		(const gchar *const[]){"profile", xml, NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(wrong); i++) {
		g_autoptr(GPtrArray) args = g_ptr_array_new();
		g_autoptr(Run) r = NULL;

		g_ptr_array_add(args, "--address");
		g_ptr_array_add(args, t->address);
		for (guint j = 0; wrong[i][j] != NULL; j++)
			g_ptr_array_add(args, (gpointer)wrong[i][j]);
		g_ptr_array_add(args, NULL);
		r = ctl_runv(NULL, (const gchar *const *)args->pdata);
		assert_run(r, 2);
		g_assert_cmpstr(r->out, ==, "");
		assert_contains(r->err, "profile import FILE");
		assert_contains(r->err, "profile export");
	}
	/* nothing was sent */
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	daemon_stop(d);
}

/* tipringctl --address ADDRESS ARGS... in a UTF-8 locale */
static Run *ctl_utf8(const gchar *address, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl_utf8(const gchar *address, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(utf8, address, first, ap);
	va_end(ap);
	return r;
}

/*
 * What one daemon exports, another imports: the same configuration, in
 * both formats, for an ATA and a phone. In a UTF-8 locale, where tipringctl
 * passes UTF-8 through.
 */
static void
test_profile_round_trip(Test *t)
{
	g_autofree gchar *other_state = g_build_filename(t->dir, "other", NULL);
	g_autofree gchar *other_socket = g_build_filename(t->dir, "other-sock", NULL);
	g_autofree gchar *other = g_strdup_printf("unix:path=%s", other_socket);
	g_autofree gchar *setup = write_file(
		t, "setup.cfg",
		"SIP_Transport[2] ! \"TLS\" ;\n"
		"Display_Name[1] ? \"a \\\"quoted\\\" \\\\ Caf\xc3\xa9 \xe2\x98\xba\" ;\n"
		"GPP_D ! \"<x & y>\" ;\n"
		"Line_Enable[1] ? \"no\" ;\n"
		"Register_Expires[2] \"90\" ;\n");
	Daemon *a = start_daemon(t, two_devices);
	Daemon *b = start_daemon_at(t, other, other_state, two_devices);
	const gchar *const formats[] = {"xml", "text", NULL};
	const gchar *const devices[] = {"0", "desk", NULL};
	g_autoptr(Run) import =
		ctl_utf8(t->address, "--device", "0", "profile", "import", setup, NULL);
	g_autoptr(Run) set = ctl_utf8(t->address, "--device", "desk", "set", "Password_3_=" SECRET,
				      "SIP_Transport_4_=TCP", "GPP_P=Fl\xc3\xbcr", NULL);
	g_autoptr(Run) check = NULL;
	g_autofree gchar *fresh = NULL;
	g_autofree gchar *now = NULL;

	assert_run(import, 0);
	g_assert_cmpstr(import->err, ==, "");
	assert_run(set, 0);
	fresh = get_all_at(other, "0");

	for (guint f = 0; formats[f] != NULL; f++) {
		for (guint i = 0; devices[i] != NULL; i++) {
			g_autofree gchar *name =
				g_strdup_printf("%s-%s.profile", devices[i], formats[f]);
			g_autoptr(Run) exported =
				ctl_utf8(t->address, "--device", devices[i], "profile", "export",
					 "--format", formats[f], NULL);
			g_autoptr(Run) want =
				ctl_utf8(t->address, "--device", devices[i], "get", NULL);
			g_autoptr(Run) reset =
				ctl_utf8(other, "--device", devices[i], "factory-reset", NULL);
			g_autoptr(Run) imported = NULL;
			g_autoptr(Run) got = NULL;
			g_autoptr(Run) again = NULL;
			g_autofree gchar *path = NULL;

			assert_run(exported, 0);
			assert_run(want, 0);
			assert_run(reset, 0);
			path = write_file(t, name, exported->out);
			imported = ctl_utf8(other, "--device", devices[i], "profile", "import",
					    path, NULL);
			assert_run(imported, 0);
			g_assert_cmpstr(imported->err, ==, "");
			got = ctl_utf8(other, "--device", devices[i], "get", NULL);
			assert_run(got, 0);
			g_assert_cmpstr(got->out, ==, want->out);
			/* passwords and user access too: the same profile comes back */
			again = ctl_utf8(other, "--device", devices[i], "profile", "export",
					 "--format", formats[f], NULL);
			assert_run(again, 0);
			g_assert_cmpstr(again->out, ==, exported->out);
		}
	}
	check = ctl_utf8(other, "--device", "0", "get", "Display_Name_1_", NULL);
	assert_run(check, 0);
	g_assert_cmpstr(check->out, ==,
			"Display_Name_1_=a \"quoted\" \\ Caf\xc3\xa9 \xe2\x98\xba\n");
	now = get_all_at(other, "0");
	g_assert_cmpstr(now, !=, fresh);
	daemon_stop(b);
	daemon_stop(a);
}

/* the refused import, in German: refused here (syntax) and by the daemon (a value) */
static void
test_translation_profile(Test *t)
{
	g_autofree gchar *localedir_env =
		g_strconcat("TIPRING_LOCALEDIR=", g_getenv("TIPRING_LOCALEDIR"), NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	Daemon *d = start_daemon(t, spa2102);
	g_autofree gchar *syntax = write_file(t, "syntax.xml", "<flat-profile>\n<GPP_A>\n");
	g_autofree gchar *value = write_file(t, "value.cfg", "SIP_Transport[1] \"FOO\" ;\n");
	const gchar *const files[] = {syntax, value, NULL};

	for (guint i = 0; files[i] != NULL; i++) {
		g_autoptr(Run) r = ctl_env(german, "--address", t->address, "profile", "import",
					   files[i], NULL);
		assert_run(r, 1);
		assert_contains(r->err, files[i]);
		assert_contains(r->err, NOTHING_DE);
		assert_lacks(r->err, "nothing was changed\n");
	}
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	daemon_stop(d);
}

/* remote provisioning: `resync` against an HTTP server of the test's own */

/*
 * The server runs in a thread of its own, with a main context of its own:
 * this thread blocks while tipringctl runs, and tipringctl while the daemon
 * fetches from the server.
 */
typedef struct {
	guint status;
	gchar *body;
} Route;

typedef struct {
	GMutex lock;
	GCond cond;
	GThread *thread;
	GMainContext *context;
	GMainLoop *loop;
	guint port;	    /* 0 until it listens */
	GHashTable *routes; /* path -> Route; 404 for the others */
	GPtrArray *hits;    /* the paths asked for, in order */
} HttpServer;

static void
route_free(Route *r)
{
	g_free(r->body);
	g_free(r);
}

/* in the server's thread */
static void
http_handler(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
	     gpointer user_data)
{
	HttpServer *s = user_data;
	Route *r;

	g_mutex_lock(&s->lock);
	g_ptr_array_add(s->hits, g_strdup(path));
	r = g_hash_table_lookup(s->routes, path);
	if (r == NULL) {
		soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, NULL);
	} else {
		soup_server_message_set_status(msg, r->status, NULL);
		soup_message_headers_set_content_type(soup_server_message_get_response_headers(msg),
						      "text/xml", NULL);
		soup_message_body_append(soup_server_message_get_response_body(msg),
					 SOUP_MEMORY_COPY, r->body, strlen(r->body));
	}
	g_mutex_unlock(&s->lock);
}

static gpointer
http_thread(gpointer data)
{
	HttpServer *s = data;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GError) error = NULL;
	GSList *uris;

	g_main_context_push_thread_default(s->context);
	server = soup_server_new(NULL, NULL);
	soup_server_add_handler(server, NULL, http_handler, s, NULL);
	soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
	g_assert_no_error(error);
	uris = soup_server_get_uris(server);
	g_assert_nonnull(uris);
	g_mutex_lock(&s->lock);
	s->port = g_uri_get_port(uris->data);
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);

	g_main_loop_run(s->loop);
	soup_server_disconnect(server);
	g_clear_object(&server);
	while (g_main_context_iteration(s->context, FALSE))
		;
	g_main_context_pop_thread_default(s->context);
	return NULL;
}

/* an HTTP server on 127.0.0.1, a free port, once it listens */
static HttpServer *
http_server_new(void)
{
	HttpServer *s = g_new0(HttpServer, 1);

	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->context = g_main_context_new();
	s->loop = g_main_loop_new(s->context, FALSE);
	s->routes =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)route_free);
	s->hits = g_ptr_array_new_with_free_func(g_free);
	s->thread = g_thread_new("http-server", http_thread, s);
	g_mutex_lock(&s->lock);
	while (s->port == 0)
		g_cond_wait(&s->cond, &s->lock);
	g_mutex_unlock(&s->lock);
	return s;
}

static gboolean
quit_loop_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static void
http_server_free(HttpServer *s)
{
	/* a source of the server's context: it quits even before the loop runs */
	g_main_context_invoke(s->context, quit_loop_cb, s->loop);
	g_thread_join(s->thread);
	g_main_loop_unref(s->loop);
	g_main_context_unref(s->context);
	g_hash_table_unref(s->routes);
	g_ptr_array_unref(s->hits);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
	g_free(s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HttpServer, http_server_free)

static void
http_serve(HttpServer *s, const gchar *path, guint status, const gchar *body)
{
	Route *r = g_new0(Route, 1);

	r->status = status;
	r->body = g_strdup(body);
	g_mutex_lock(&s->lock);
	g_hash_table_insert(s->routes, g_strdup(path), r);
	g_mutex_unlock(&s->lock);
}

/* how many requests asked for PATH; for any path if NULL */
static guint
http_hits(HttpServer *s, const gchar *path)
{
	guint n = 0;

	g_mutex_lock(&s->lock);
	for (guint i = 0; i < s->hits->len; i++) {
		if (path == NULL || g_strcmp0(g_ptr_array_index(s->hits, i), path) == 0)
			n++;
	}
	g_mutex_unlock(&s->lock);
	return n;
}

static gchar *
http_url(HttpServer *s, const gchar *path)
{
	return g_strdup_printf("http://127.0.0.1:%u%s", s->port, path);
}

/* what $MA gives: "02:0e:08:aa:bb:cc" -> "020e08aabbcc" */
static gchar *
mac_digits(const gchar *mac)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = mac; *p != '\0'; p++) {
		if (*p != ':')
			g_string_append_c(out, g_ascii_tolower(*p));
	}
	return g_string_free(out, FALSE);
}

/* registration against sipp, a SIP registrar that follows a scenario */

#define SIPP_TIMEOUT "10s" /* sipp quits by itself after this, failing */

/* a scenario's answer: STATUS, then EXTRA headers ("Name: value\n"...) */
#define SIPP_ANSWER(status, extra)                                                                 \
	"  <send>\n"                                                                               \
	"    <![CDATA[\n"                                                                          \
	"SIP/2.0 " status "\n"                                                                     \
	"[last_Via:]\n"                                                                            \
	"[last_From:]\n"                                                                           \
	"[last_To:];tag=[pid]SIPpTag01[call_number]\n"                                             \
	"[last_Call-ID:]\n"                                                                        \
	"[last_CSeq:]\n" extra "Content-Length: 0\n"                                               \
	"\n"                                                                                       \
	"    ]]>\n"                                                                                \
	"  </send>\n"

/* a REGISTER whose Expires header must be EXPIRES, else sipp fails */
#define SIPP_REGISTER(var, expires)                                                                \
	"  <recv request=\"REGISTER\">\n"                                                          \
	"    <action>\n"                                                                           \
	"      <ereg regexp=\"^ *" expires " *$\" search_in=\"hdr\" header=\"Expires:\"\n"         \
	"            check_it=\"true\" assign_to=\"" var "\"/>\n"                                  \
	"    </action>\n"                                                                          \
	"  </recv>\n"                                                                              \
	"  <Reference variables=\"" var "\"/>\n"

#define SIPP_SCENARIO(body)                                                                        \
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"                                       \
	"<scenario name=\"tipring\">\n" body "</scenario>\n"

/* 200 for 120 s, then 200 for the un-REGISTER */
static const gchar sipp_ok[] = SIPP_SCENARIO(
	SIPP_REGISTER("e1", "120") SIPP_ANSWER("200 OK", "[last_Contact:];expires=120\n")
		SIPP_REGISTER("e2", "0") SIPP_ANSWER("200 OK", ""));
typedef struct {
	GSubprocess *proc;
	gboolean exited;
	gchar *name;
	gchar *messages; /* what it sent and received */
	gchar *screen;	 /* its screen and errors */
} Sipp;

static void
sipp_exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
	*(gboolean *)user_data = TRUE;
}

static gboolean
sipp_is_done(gconstpointer data)
{
	return ((const Sipp *)data)->exited;
}

static void
sipp_free(Sipp *s)
{
	if (!s->exited) {
		g_subprocess_force_exit(s->proc);
		wait_until(sipp_is_done, s);
	}
	g_clear_object(&s->proc);
	g_free(s->name);
	g_free(s->messages);
	g_free(s->screen);
	g_free(s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Sipp, sipp_free)

/* a free UDP port on ADDRESS, as the kernel picks them */
static guint
free_udp_port(const gchar *address)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
						 G_SOCKET_PROTOCOL_UDP, &error);
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

typedef struct {
	Sipp *sipp;
	guint port;
} SippWait;

static gboolean
sipp_listens(gconstpointer data)
{
	const SippWait *w = data;
	return w->sipp->exited || udp_port_bound(w->port);
}

/* a poll: the main context turns between looks */
static gboolean
poll_until(Condition cond, gconstpointer data)
{
	gboolean timed_out = FALSE;
	guint deadline = g_timeout_add_seconds(DEADLINE_S, set_flag_cb, &timed_out);

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

static void
sipp_print_logs(Sipp *s)
{
	g_autofree gchar *screen = NULL;
	g_autofree gchar *messages = NULL;

	g_file_get_contents(s->screen, &screen, NULL, NULL);
	g_file_get_contents(s->messages, &messages, NULL, NULL);
	g_printerr("sipp %s said:\n%s\nmessages:\n%s\n", s->name, screen != NULL ? screen : "",
		   messages != NULL ? messages : "");
}

/* sipp as a registrar on 127.0.0.1:PORT for one scenario, once it listens */
static Sipp *
sipp_start(Test *t, const gchar *name, const gchar *scenario, guint port)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autofree gchar *file = g_strdup_printf("%s/%s.xml", t->dir, name);
	g_autofree gchar *port_arg = g_strdup_printf("%u", port);
	g_autoptr(GError) error = NULL;
	Sipp *s = g_new0(Sipp, 1);
	SippWait w = {s, port};

	s->name = g_strdup(name);
	s->messages = g_strdup_printf("%s/%s-messages.log", t->dir, name);
	s->screen = g_strdup_printf("%s/%s-screen.log", t->dir, name);
	g_assert_true(g_file_set_contents(file, scenario, -1, &error));
	g_assert_no_error(error);
	g_subprocess_launcher_set_cwd(launcher, t->dir);
	g_subprocess_launcher_set_stdout_file_path(launcher, s->screen);
	g_subprocess_launcher_set_child_setup(launcher, child_setup, NULL, NULL);
	s->proc = g_subprocess_launcher_spawn(launcher, &error, "sipp", "-sf", file, "-i",
					      "127.0.0.1", "-p", port_arg, "-m", "1", "-nostdin",
					      "-timeout", SIPP_TIMEOUT, "-timeout_error",
					      "-trace_msg", "-message_file", s->messages, NULL);
	g_assert_no_error(error);
	g_subprocess_wait_async(s->proc, NULL, sipp_exited_cb, &s->exited);
	poll_until(sipp_listens, &w);
	if (s->exited || !udp_port_bound(port)) {
		sipp_print_logs(s);
		g_assert_not_reached();
	}
	return s;
}

/* sipp ends by itself, its scenario played to the end */
static void
sipp_assert_passed(Sipp *s)
{
	gboolean ok = wait_until(sipp_is_done, s) && g_subprocess_get_if_exited(s->proc) &&
		      g_subprocess_get_exit_status(s->proc) == 0;

	if (!ok)
		sipp_print_logs(s);
	g_assert_true(ok);
}

static const gchar *
skip_without_sipp(void)
{
	g_autofree gchar *sipp = g_find_program_in_path("sipp");
	return sipp == NULL ? "sipp is not installed (Debian: sip-tester)" : NULL;
}

#define RESYNC_FAILED "tipringctl: resync failed: "

static const gchar resync_profile[] = "<flat-profile>\n"
				      "  <GPP_A>from the server</GPP_A>\n"
				      "  <Display_Name_1_>Provisioned</Display_Name_1_>\n"
				      "</flat-profile>\n";

/* the device's MAC, as `status` shows it */
static gchar *
status_mac(Test *t)
{
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(GRegex) re = g_regex_new(", MAC ([0-9a-f]{2}(:[0-9a-f]{2}){5}),", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;

	assert_run(r, 0);
	if (!g_regex_match(re, r->out, 0, &match))
		g_printerr("no MAC in:\n%s\n", r->out);
	g_assert_true(g_match_info_matches(match));
	return g_match_info_fetch(match, 1);
}

/*
 * `status`'s provisioning line: "last resync STAMP, OUTCOME\n", STAMP
 * within the last minute; returns what follows the stamp
 */
static gchar *
status_resync(Test *t)
{
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(GRegex) re =
		g_regex_new("\n  Provisioning: last resync ([0-9]{4})-([0-9]{2})-([0-9]{2}) "
			    "([0-9]{2}):([0-9]{2}):([0-9]{2}), ([^\n]*)\n",
			    0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	g_autoptr(GDateTime) when = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	gint fields[6];
	GTimeSpan age;

	assert_run(r, 0);
	if (!g_regex_match(re, r->out, 0, &match))
		g_printerr("no resync in:\n%s\n", r->out);
	g_assert_true(g_match_info_matches(match));
	for (guint i = 0; i < 6; i++) {
		g_autofree gchar *field = g_match_info_fetch(match, i + 1);
		fields[i] = atoi(field);
	}
	when = g_date_time_new_local(fields[0], fields[1], fields[2], fields[3], fields[4],
				     fields[5]);
	g_assert_nonnull(when);
	age = g_date_time_difference(now, when);
	g_assert_cmpint(age, >=, 0);
	g_assert_cmpint(age, <, 60 * G_TIME_SPAN_SECOND);
	return g_match_info_fetch(match, 7);
}

static void
test_resync(Test *t)
{
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(HttpServer) server = http_server_new();
	g_autofree gchar *mac = status_mac(t);
	g_autofree gchar *digits = mac_digits(mac);
	g_autofree gchar *path = g_strdup_printf("/spa%s.xml", digits);
	g_autofree gchar *url = http_url(server, "/spa$MA.xml");
	g_autofree gchar *rule = g_strconcat("Profile_Rule=", url, NULL);
	g_autofree gchar *missing = http_url(server, "/missing.xml");
	g_autofree gchar *missing_rule = g_strconcat("Profile_Rule=", missing, NULL);
	g_autofree gchar *prefix = g_strdup_printf(RESYNC_FAILED "Profile_Rule %s: ", missing);
	g_autofree gchar *outcome = NULL;
	g_autofree gchar *failed = NULL;
	g_autoptr(Run) set = NULL;
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) refused = NULL;

	http_serve(server, path, SOUP_STATUS_OK, resync_profile);
	set = ctl(t, "set", rule, "GPP_A=before", NULL);
	assert_run(set, 0);

	/* success: silent, exit 0, the profile applied */
	r = ctl(t, "resync", NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_cmpstr(r->err, ==, "");
	g_assert_cmpuint(http_hits(server, path), >=, 1);
	assert_get(t, NULL, "GPP_A", "from the server");
	assert_get(t, NULL, "Display_Name_1_", "Provisioned");
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, "succeeded");
	g_clear_pointer(&outcome, g_free);

	/* a 404: exit 1, the reason on stderr, nothing changed */
	g_clear_pointer(&set, run_free);
	set = ctl(t, "set", missing_rule, "GPP_A=before", NULL);
	assert_run(set, 0);
	g_clear_pointer(&r, run_free);
	r = ctl(t, "resync", NULL);
	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_true(g_str_has_prefix(r->err, prefix));
	assert_contains(r->err, "404");
	/* one line */
	g_assert_true(strchr(r->err, '\n') == r->err + strlen(r->err) - 1);
	assert_get(t, NULL, "GPP_A", "before");
	/* status says the same */
	failed = g_strdup_printf("failed: %.*s", (int)(strlen(r->err) - strlen(RESYNC_FAILED) - 1),
				 r->err + strlen(RESYNC_FAILED));
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, failed);
	g_clear_pointer(&outcome, g_free);

	/* provisioning disabled: refused, the last outcome kept */
	g_clear_pointer(&set, run_free);
	set = ctl(t, "set", "Provision_Enable=no", rule, NULL);
	assert_run(set, 0);
	refused = ctl(t, "resync", NULL);
	assert_run(refused, 1);
	g_assert_cmpstr(refused->out, ==, "");
	g_assert_true(g_str_has_prefix(refused->err, RESYNC_FAILED));
	assert_contains(refused->err, "Provision_Enable");
	assert_get(t, NULL, "GPP_A", "before");
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, failed);
	daemon_stop(d);
}

static gboolean
line_registered(gconstpointer data)
{
	TrDbusLine *line = (TrDbusLine *)data;
	const gchar *state = tr_dbus_line_get_registration_state(line);

	/* "failed" stays until the parameters change */
	return g_strcmp0(state, "registered") == 0 || g_strcmp0(state, "failed") == 0;
}

/* as tipringctl prints times */
static gchar *
format_local(gint64 when)
{
	g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(when);
	return g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
}

/* `status` per line: "not registered", then "registered until ..." against sipp */
static void
test_status_registration(Test *t)
{
	guint registrar = free_udp_port("127.0.0.1");
	guint sip_port = free_udp_port("0.0.0.0");
	Daemon *d = start_daemon(t, spa2102);
	g_autoptr(GDBusConnection) connection = connect_p2p(t->address, d);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObjectManager) objects = tr_dbus_object_manager_client_new_sync(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, NULL, ROOT_PATH, NULL, &error);
	g_autoptr(GDBusObject) object = NULL;
	g_autoptr(TrDbusLine) line = NULL;
	g_autoptr(Sipp) ok = NULL;
	g_autoptr(Run) before = ctl(t, "status", NULL);
	g_autoptr(Run) set = NULL;
	g_autoptr(Run) after = NULL;
	g_autofree gchar *proxy = NULL;
	g_autofree gchar *port = NULL;
	g_autofree gchar *until = NULL;
	g_autofree gchar *expected = NULL;

	g_assert_no_error(error);
	object = g_dbus_object_manager_get_object(objects, DEVICE0_PATH "/Line/1");
	g_assert_nonnull(object);
	line = tr_dbus_object_get_line(TR_DBUS_OBJECT(object));
	while (sip_port == registrar)
		sip_port = free_udp_port("0.0.0.0");
	proxy = g_strdup_printf("Proxy_1_=127.0.0.1:%u", registrar);
	port = g_strdup_printf("SIP_Port_1_=%u", sip_port);

	assert_run(before, 0);
	assert_contains(before->out, "  Line 1: enabled, transport UDP\n    not registered\n"
				     "  Line 2: enabled, transport UDP\n    not registered\n");
	assert_lacks(before->out, "last response");

	/* registered for 120 s; the daemon unregisters when it stops */
	ok = sipp_start(t, "ok", sipp_ok, registrar);
	set = ctl(t, "set", proxy, "User_ID_1_=1001", port, "Register_Expires_1_=120",
		  "Line_Enable_2_=no", NULL);
	assert_run(set, 0);
	wait_until(line_registered, line);
	if (g_strcmp0(tr_dbus_line_get_registration_state(line), "registered") != 0)
		g_printerr("line 1: '%s': %s\n", tr_dbus_line_get_registration_state(line),
			   tr_dbus_line_get_last_error(line));
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line), ==, "registered");
	until = format_local(tr_dbus_line_get_registered_until(line));
	expected = g_strdup_printf("  Line 1: enabled, transport UDP\n"
				   "    registered until %s\n"
				   "    last response: 200 OK\n"
				   "  Line 2: disabled, transport UDP\n"
				   "    not registered\n",
				   until);
	after = ctl(t, "status", NULL);
	assert_run(after, 0);
	g_test_message("status:\n%s", after->out);
	g_assert_cmpstr(after->err, ==, "");
	assert_contains(after->out, expected);

	g_clear_object(&line);
	g_clear_object(&object);
	g_clear_object(&objects);
	g_dbus_connection_close_sync(connection, NULL, NULL);
	daemon_stop(d);
	sipp_assert_passed(ok);
}

/* the harness */

static const gchar *
skip_without_msgfmt(void)
{
	g_autofree gchar *msgfmt = g_find_program_in_path("msgfmt");
	return msgfmt == NULL ? "msgfmt is not installed" : NULL;
}

static const gchar *
skip_without_catalogue(void)
{
	const gchar *localedir = g_getenv("TIPRING_LOCALEDIR");
	g_autofree gchar *mo = NULL;

	if (localedir == NULL)
		return "TIPRING_LOCALEDIR is not set";
	mo = g_build_filename(localedir, "de", "LC_MESSAGES", "tipring.mo", NULL);
	return g_file_test(mo, G_FILE_TEST_IS_REGULAR) ? NULL : "no German catalogue was built";
}

static void
remove_tree(const gchar *path)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const gchar *name;
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			remove_tree(child);
		}
	}
	g_remove(path);
}

typedef struct {
	const gchar *path;
	void (*body)(Test *t);
	const gchar *(*skip)(void);
} TestCase;

static void
run_body(const TestCase *tc)
{
	g_autofree gchar *socket = NULL;
	g_autofree gchar *escaped = NULL;
	Test t = {0};

	test_pid = getpid();
	t.dir = g_strdup(g_getenv("TIPRING_TEST_DIR"));
	g_assert_nonnull(t.dir);
	t.state_dir = g_build_filename(t.dir, "state", NULL);
	socket = g_build_filename(t.dir, "sock", NULL);
	escaped = g_dbus_address_escape_value(socket);
	t.address = g_strdup_printf("unix:path=%s", escaped);
	t.daemons = g_ptr_array_new_with_free_func((GDestroyNotify)daemon_free);

	tc->body(&t);

	g_ptr_array_unref(t.daemons);
	g_free(t.dir);
	g_free(t.state_dir);
	g_free(t.address);
}

/* the body runs in a subprocess; this one cleans up after it whatever happened */
static void
run_isolated(gconstpointer data)
{
	const TestCase *tc = data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = NULL;
	const gchar *why = NULL;

	if (g_test_subprocess()) {
		run_body(tc);
		return;
	}
	if (tc->skip != NULL && (why = tc->skip()) != NULL) {
		g_test_skip(why);
		return;
	}
	dir = g_dir_make_tmp("tipring-test-ctl-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);

	g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

	remove_tree(dir);
	g_unsetenv("TIPRING_TEST_DIR");
	g_test_trap_assert_passed();
}

static const TestCase tests[] = {
	{"/tipringctl/status", test_status, NULL},
	{"/tipringctl/devices", test_devices, NULL},
	{"/tipringctl/get/all", test_get_all, NULL},
	{"/tipringctl/get/names", test_get_names, NULL},
	{"/tipringctl/set/ok", test_set, NULL},
	{"/tipringctl/set/refused", test_set_refused, NULL},
	{"/tipringctl/usage", test_usage, NULL},
	{"/tipringctl/passwords", test_passwords, NULL},
	{"/tipringctl/several-devices", test_several_devices, NULL},
	{"/tipringctl/factory-reset", test_factory_reset, NULL},
	{"/tipringctl/not-running", test_not_running, NULL},
	{"/tipringctl/default-address", test_default_address, NULL},
	{"/tipringctl/translation/mechanism", test_translation_mechanism, skip_without_msgfmt},
	{"/tipringctl/translation/german", test_translation_german, skip_without_catalogue},
	{"/tipringctl/profile/import", test_profile_import, NULL},
	{"/tipringctl/profile/refused", test_profile_refused, NULL},
	{"/tipringctl/profile/export", test_profile_export, NULL},
	{"/tipringctl/profile/usage", test_profile_usage, NULL},
	{"/tipringctl/profile/round-trip", test_profile_round_trip, NULL},
	{"/tipringctl/translation/profile", test_translation_profile, skip_without_catalogue},
	{"/tipringctl/resync", test_resync, NULL},
	{"/tipringctl/registration/status", test_status_registration, skip_without_sipp},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	if (g_getenv("TIPRINGD") == NULL || g_getenv("TIPRINGCTL") == NULL) {
		g_printerr("TIPRINGD and TIPRINGCTL must name the programs to test\n");
		return 1;
	}
	for (guint i = 0; i < G_N_ELEMENTS(tests); i++)
		g_test_add_data_func(tests[i].path, &tests[i], run_isolated);
	return g_test_run();
}
