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
#include <sys/stat.h>
#include <unistd.h>

#include "tr-dbus-generated.h"

/*
 * The real tipringd, end to end: on a private session bus (GTestDBus) and
 * peer to peer. Each test runs in a subprocess of its own, with a fresh bus
 * and a fresh directory that this process removes however the test ended;
 * the daemons die with the test process (PR_SET_PDEATHSIG), so a failed
 * assertion leaves nothing running.
 */

#define BUS_NAME     "org.tipring.Tipring1"
#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define DEVICE1_PATH ROOT_PATH "/Device/1"
#define LINE1_PATH   DEVICE0_PATH "/Line/1"
#define LINE2_PATH   DEVICE0_PATH "/Line/2"
#define ERROR_NAME   "org.tipring.Tipring1.Error."
#define DEADLINE_S   10
#define SECRET	     "s3cret"

typedef struct {
	GSubprocess *proc;
	GThread *reader;
	gboolean done; /* exited, and its output read to the end */
	gchar *out;    /* what it wrote, once done */
	gchar *err;
} Daemon;

typedef struct {
	gchar *dir;
	gchar *state_dir;
	gchar *socket_path;
	gchar *address; /* unix:path=DIR/sock */
	GPtrArray *daemons;
} Test;

typedef void (*TestBody)(Test *t);

typedef struct {
	GDBusConnection *connection;
	GDBusObjectManager *objects;
	TrDbusDevice *device;
	GPtrArray *changes; /* GStrv: the names of each ParametersChanged */
} Client;

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

static gboolean
flag_is_set(gconstpointer data)
{
	return *(const gboolean *)data;
}

static gboolean
array_not_empty(gconstpointer data)
{
	return ((const GPtrArray *)data)->len > 0;
}

/* every event already queued for this thread is dispatched */
static void
drain_main_context(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

/* daemons */

/*
 * A thread of its own reads the daemon's pipes to the end, so that a daemon
 * that writes a lot never blocks on a full pipe while this thread waits in a
 * synchronous D-Bus call; the end is reported to the main context.
 */
static gboolean
mark_done_cb(gpointer user_data)
{
	((Daemon *)user_data)->done = TRUE;
	return G_SOURCE_REMOVE;
}

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

/* tipringd -v ARGS..., its output collected through pipes until it exits */
static Daemon *
daemon_spawn(Test *t, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	Daemon *d = g_new0(Daemon, 1);

	g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv(launcher, "LANGUAGE");
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

static const gchar *
daemon_stderr(Daemon *d)
{
	return d->done ? d->err : "";
}

/* the daemon must be done */
static gboolean
daemon_output_contains(Daemon *d, const gchar *needle)
{
	g_assert_true(d->done);
	return strstr(d->out, needle) != NULL || strstr(d->err, needle) != NULL;
}

/* waits for the daemon to exit by itself and returns its exit status */
static gint
daemon_wait_exit(Daemon *d)
{
	g_assert_true(wait_until(daemon_is_done, d));
	if (!g_subprocess_get_if_exited(d->proc)) {
		g_printerr("tipringd died of signal %d; it said:\n%s\n",
			   g_subprocess_get_term_sig(d->proc), daemon_stderr(d));
		g_assert_not_reached();
	}
	return g_subprocess_get_exit_status(d->proc);
}

/* SIGTERM must end the daemon cleanly */
static void
daemon_stop(Daemon *d)
{
	gint status;

	g_subprocess_send_signal(d->proc, SIGTERM);
	status = daemon_wait_exit(d);
	if (status != 0)
		g_printerr("tipringd said:\n%s\n", daemon_stderr(d));
	g_assert_cmpint(status, ==, 0);
}

typedef struct {
	gboolean appeared;
	Daemon *daemon;
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

static void
assert_daemon_alive(Daemon *d)
{
	if (d->done)
		g_printerr("tipringd exited early; it said:\n%s\n", daemon_stderr(d));
	g_assert_false(d->done);
}

/* tipringd --session --state-dir STATE --device D..., once it owns the name */
static Daemon *
start_session_daemon(Test *t, const gchar *state_dir, const gchar *const *devices)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	NameWait w = {FALSE, NULL};
	guint watch;

	g_ptr_array_add(args, "--session");
	g_ptr_array_add(args, "--state-dir");
	g_ptr_array_add(args, (gpointer)state_dir);
	for (guint i = 0; devices[i] != NULL; i++) {
		g_ptr_array_add(args, "--device");
		g_ptr_array_add(args, (gpointer)devices[i]);
	}
	g_ptr_array_add(args, NULL);

	watch = g_bus_watch_name(G_BUS_TYPE_SESSION, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
				 name_appeared_cb, NULL, &w, NULL);
	w.daemon = daemon_spawn(t, (const gchar *const *)args->pdata);
	wait_until(name_wait_over, &w);
	g_bus_unwatch_name(watch);
	assert_daemon_alive(w.daemon);
	g_assert_true(w.appeared);
	return w.daemon;
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

static Daemon *
start_p2p_daemon(Test *t, const gchar *const *devices)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GDBusConnection) probe = NULL;
	Daemon *d;

	g_ptr_array_add(args, "--p2p");
	g_ptr_array_add(args, t->address);
	g_ptr_array_add(args, "--state-dir");
	g_ptr_array_add(args, t->state_dir);
	for (guint i = 0; devices[i] != NULL; i++) {
		g_ptr_array_add(args, "--device");
		g_ptr_array_add(args, (gpointer)devices[i]);
	}
	g_ptr_array_add(args, NULL);
	d = daemon_spawn(t, (const gchar *const *)args->pdata);
	probe = connect_p2p(t->address, d);
	g_dbus_connection_close_sync(probe, NULL, NULL);
	return d;
}

static const gchar *const spa2102[] = {"SPA2102", NULL};

/* clients */

static void
parameters_changed_cb(TrDbusDevice *device, const gchar *const *names, Client *c)
{
	g_ptr_array_add(c->changes, g_strdupv((gchar **)names));
}

static GDBusObjectManager *
object_manager_new(GDBusConnection *connection, const gchar *name)
{
	g_autoptr(GError) error = NULL;
	GDBusObjectManager *objects = tr_dbus_object_manager_client_new_sync(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, name, ROOT_PATH,
		NULL, &error);
	g_assert_no_error(error);
	return objects;
}

static TrDbusDevice *
device_at(GDBusObjectManager *objects, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(objects, path);
	g_assert_nonnull(object);
	return tr_dbus_object_get_device(TR_DBUS_OBJECT(object));
}

static TrDbusLine *
line_at(GDBusObjectManager *objects, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(objects, path);
	g_assert_nonnull(object);
	return tr_dbus_object_get_line(TR_DBUS_OBJECT(object));
}

/* name: the bus name, or NULL on a peer connection */
static Client *
client_new(GDBusConnection *connection, const gchar *name, const gchar *device_path)
{
	Client *c = g_new0(Client, 1);

	c->connection = g_object_ref(connection);
	c->objects = object_manager_new(connection, name);
	c->device = device_at(c->objects, device_path);
	g_assert_nonnull(c->device);
	c->changes = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_signal_connect(c->device, "parameters-changed", G_CALLBACK(parameters_changed_cb), c);
	return c;
}

static Client *
client_new_session(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);

	g_assert_no_error(error);
	return client_new(bus, BUS_NAME, DEVICE0_PATH);
}

static void
client_free(Client *c)
{
	g_signal_handlers_disconnect_by_data(c->device, c);
	g_clear_object(&c->device);
	g_clear_object(&c->objects);
	g_clear_object(&c->connection);
	g_ptr_array_unref(c->changes);
	g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Client, client_free)

static TrDbusManager *
manager_new(GDBusConnection *connection, const gchar *name)
{
	g_autoptr(GError) error = NULL;
	TrDbusManager *manager = tr_dbus_manager_proxy_new_sync(
		connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, name, ROOT_PATH, NULL, &error);
	g_assert_no_error(error);
	return manager;
}

/* NAME, VALUE, ..., NULL */
static gboolean set_parameters(TrDbusDevice *device, GError **error, const gchar *name,
			       ...) G_GNUC_NULL_TERMINATED;

static gboolean
set_parameters(TrDbusDevice *device, GError **error, const gchar *name, ...)
{
	GVariantBuilder builder;
	va_list ap;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const gchar *))
		g_variant_builder_add(&builder, "{ss}", name, va_arg(ap, const gchar *));
	va_end(ap);
	return tr_dbus_device_call_set_parameters_sync(device, g_variant_builder_end(&builder),
						       NULL, error);
}

static gchar *
get_parameter(TrDbusDevice *device, const gchar *name)
{
	const gchar *names[] = {name, NULL};
	g_autoptr(GVariant) values = NULL;
	g_autoptr(GError) error = NULL;
	gchar *value = NULL;

	tr_dbus_device_call_get_parameters_sync(device, names, &values, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_n_children(values), ==, 1);
	g_assert_true(g_variant_lookup(values, name, "s", &value));
	return value;
}

static void
assert_parameter(TrDbusDevice *device, const gchar *name, const gchar *expected)
{
	g_autofree gchar *value = get_parameter(device, name);
	g_assert_cmpstr(value, ==, expected);
}

/* the error came from tipringd as NAME, with a message containing each of ... */
static void assert_remote_error(GError *error, const gchar *name, ...) G_GNUC_NULL_TERMINATED;

static void
assert_remote_error(GError *error, const gchar *name, ...)
{
	g_autofree gchar *remote = NULL;
	const gchar *needle;
	va_list ap;

	g_assert_nonnull(error);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
	g_dbus_error_strip_remote_error(error);
	va_start(ap, name);
	while ((needle = va_arg(ap, const gchar *)) != NULL) {
		if (strstr(error->message, needle) == NULL)
			g_printerr("'%s' not in '%s'\n", needle, error->message);
		g_assert_nonnull(strstr(error->message, needle));
	}
	va_end(ap);
}

static void
assert_changes(Client *c, const gchar *const *expected)
{
	g_assert_cmpuint(c->changes->len, ==, 1);
	g_assert_cmpstrv(g_ptr_array_index(c->changes, 0), expected);
}

/* one round trip: whatever the daemon sent before its reply is now dispatched */
static void
sync_with_daemon(Client *c)
{
	g_autofree gchar *value = get_parameter(c->device, "Line_Enable_1_");
	drain_main_context();
}

static gchar *
config_path(Test *t, const gchar *device_name)
{
	return g_build_filename(t->state_dir, device_name, "config.ini", NULL);
}

/* the tests */

static void
test_manager(Test *t)
{
	const gchar *const models[] = {"SPA2102", "SPA3102", "SPA922", "SPA942",
				       "SPA962",  "WRP400",  NULL};
	const gchar *const devices[] = {DEVICE0_PATH, NULL};
	const gchar *const backends[] = {"device-spa2102", "device-spa3102", "device-spa9x2",
					 "device-wrp400", NULL};
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	g_autoptr(TrDbusManager) manager = manager_new(bus, BUS_NAME);
	GVariant *plugins;
	guint started = 0;

	g_assert_nonnull(tr_dbus_manager_get_version(manager));
	g_assert_cmpstr(tr_dbus_manager_get_version(manager), !=, "");
	g_assert_cmpstrv(tr_dbus_manager_get_devices(manager), devices);
	g_assert_cmpstrv(tr_dbus_manager_get_models(manager), models);

	plugins = tr_dbus_manager_get_plugins(manager);
	g_assert_nonnull(plugins);
	for (guint i = 0; backends[i] != NULL; i++) {
		GVariantIter iter;
		const gchar *name, *kind, *state, *why;
		gboolean found = FALSE;
		g_variant_iter_init(&iter, plugins);
		while (g_variant_iter_next(&iter, "(&s&s&s&s)", &name, &kind, &state, &why)) {
			if (g_strcmp0(name, backends[i]) != 0)
				continue;
			g_assert_false(found);
			found = TRUE;
			g_assert_cmpstr(kind, ==, "device");
			g_assert_cmpstr(state, ==, "started");
			g_assert_cmpstr(why, ==, "");
			started++;
		}
		g_assert_true(found);
	}
	g_assert_cmpuint(started, ==, 4);
	daemon_stop(d);
}

static void
test_objects(Test *t)
{
	const gchar *const lines[] = {LINE1_PATH, LINE2_PATH, NULL};
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) objects = NULL;
	g_autoptr(GVariant) interfaces = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObjectManager) manager = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	g_autoptr(GRegex) mac = NULL;

	/* the raw reply first: exactly the device and its two lines */
	reply = g_dbus_connection_call_sync(
		bus, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
		NULL, G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error(error);
	objects = g_variant_get_child_value(reply, 0);
	g_assert_cmpuint(g_variant_n_children(objects), ==, 3);
	interfaces = g_variant_lookup_value(objects, DEVICE0_PATH, G_VARIANT_TYPE("a{sa{sv}}"));
	g_assert_nonnull(interfaces);
	g_assert_true(g_variant_lookup(interfaces, "org.tipring.Tipring1.Device", "@a{sv}", NULL));
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GVariant) line =
			g_variant_lookup_value(objects, lines[i], G_VARIANT_TYPE("a{sa{sv}}"));
		g_assert_nonnull(line);
		g_assert_true(g_variant_lookup(line, "org.tipring.Tipring1.Line", "@a{sv}", NULL));
	}

	manager = object_manager_new(bus, BUS_NAME);
	device = device_at(manager, DEVICE0_PATH);
	g_assert_nonnull(device);
	g_assert_cmpuint(tr_dbus_device_get_index(device), ==, 0);
	g_assert_cmpstr(tr_dbus_device_get_model(device), ==, "SPA2102");
	g_assert_cmpstr(tr_dbus_device_get_name(device), ==, "spa2102");
	g_assert_cmpstr(tr_dbus_device_get_serial(device), !=, "");
	mac = g_regex_new("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", 0, 0, NULL);
	g_assert_true(g_regex_match(mac, tr_dbus_device_get_mac_address(device), 0, NULL));
	g_assert_cmpstr(tr_dbus_device_get_firmware_version(device), !=, "");
	g_assert_cmpstr(tr_dbus_device_get_hardware_version(device), !=, "");
	g_assert_cmpuint(tr_dbus_device_get_parameter_count(device), >, 200);
	g_assert_cmpstrv(tr_dbus_device_get_lines(device), lines);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(TrDbusLine) line = line_at(manager, lines[i]);
		g_autofree gchar *label = g_strdup_printf("Line %u", i + 1);
		g_assert_nonnull(line);
		g_assert_cmpuint(tr_dbus_line_get_index(line), ==, i + 1);
		g_assert_cmpstr(tr_dbus_line_get_device(line), ==, DEVICE0_PATH);
		g_assert_cmpstr(tr_dbus_line_get_label(line), ==, label);
		g_assert_true(tr_dbus_line_get_enabled(line));
		g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");
	}
	daemon_stop(d);
}

static void
test_get_parameters(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	const gchar *const all[] = {NULL};
	const gchar *const bracket[] = {"SIP_Transport[1]", NULL};
	const gchar *const unknown[] = {"SIP_Transport_1_", "No_Such_Thing", NULL};
	g_autoptr(GVariant) values = NULL;
	g_autoptr(GError) error = NULL;
	gchar *value = NULL;

	tr_dbus_device_call_get_parameters_sync(c->device, all, &values, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_n_children(values), ==,
			 tr_dbus_device_get_parameter_count(c->device));
	g_clear_pointer(&values, g_variant_unref);

	/* the bracket form comes back under the element name */
	tr_dbus_device_call_get_parameters_sync(c->device, bracket, &values, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_n_children(values), ==, 1);
	g_assert_true(g_variant_lookup(values, "SIP_Transport_1_", "&s", &value));
	g_assert_cmpstr(value, ==, "UDP");
	g_clear_pointer(&values, g_variant_unref);

	tr_dbus_device_call_get_parameters_sync(c->device, unknown, &values, NULL, &error);
	g_assert_null(values);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", "No_Such_Thing", NULL);
	assert_daemon_alive(d);
	daemon_stop(d);
}

static void
test_set_atomic(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");

	set_parameters(c->device, &error, "SIP_Transport_1_", "TLS", "Proxy_1_", "bad..host", NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Proxy_1_", "'bad..host'",
			    "host name or IP address", NULL);
	/* the error names only what is wrong */
	g_assert_null(strstr(error->message, "SIP_Transport_1_"));

	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	assert_parameter(c->device, "Proxy_1_", "");
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

	/* an unknown name spoils the whole set too */
	g_clear_error(&error);
	set_parameters(c->device, &error, "SIP_Transport_1_", "TCP", "Nonsense_1_", "1", NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", "Nonsense_1_", NULL);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	daemon_stop(d);
}

typedef struct {
	const gchar *property;
	gboolean seen;
} PropertyWatch;

static void
properties_changed_cb(GDBusProxy *proxy, GVariant *changed, const gchar *const *invalidated,
		      PropertyWatch *w)
{
	g_autoptr(GVariant) value = g_variant_lookup_value(changed, w->property, NULL);
	if (value != NULL)
		w->seen = TRUE;
}

static gboolean
line_is_tls(gconstpointer data)
{
	return g_strcmp0(tr_dbus_line_get_transport((TrDbusLine *)data), "TLS") == 0;
}

static void
test_set_signals(Test *t)
{
	const gchar *const transport_expires[] = {"SIP_Transport_1_", "Register_Expires_1_", NULL};
	const gchar *const enable[] = {"Line_Enable_1_", NULL};
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line1 = line_at(c->objects, LINE1_PATH);
	g_autoptr(TrDbusLine) line2 = line_at(c->objects, LINE2_PATH);
	g_autoptr(GError) error = NULL;
	PropertyWatch transport = {"Transport", FALSE};
	PropertyWatch enabled = {"Enabled", FALSE};
	PropertyWatch other = {"Transport", FALSE};

	g_signal_connect(line1, "g-properties-changed", G_CALLBACK(properties_changed_cb),
			 &transport);
	g_signal_connect(line1, "g-properties-changed", G_CALLBACK(properties_changed_cb),
			 &enabled);
	g_signal_connect(line2, "g-properties-changed", G_CALLBACK(properties_changed_cb), &other);

	/* Line_Enable_1_ is already "yes": only what really changes is named */
	set_parameters(c->device, &error, "SIP_Transport[1]", "tls", "Register_Expires_1_", "600",
		       "Line_Enable_1_", "yes", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, transport_expires);
	assert_parameter(c->device, "SIP_Transport_1_", "TLS");
	assert_parameter(c->device, "Register_Expires_1_", "600");

	g_assert_true(wait_until(flag_is_set, &transport.seen));
	g_assert_cmpstr(tr_dbus_line_get_transport(line1), ==, "TLS");
	g_assert_cmpstr(tr_dbus_line_get_transport(line2), ==, "UDP");

	/* setting the same values again changes nothing and says nothing */
	g_ptr_array_set_size(c->changes, 0);
	set_parameters(c->device, &error, "SIP_Transport_1_", "TLS", NULL);
	g_assert_no_error(error);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);

	set_parameters(c->device, &error, "Line_Enable_1_", "no", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(flag_is_set, &enabled.seen));
	g_assert_false(tr_dbus_line_get_enabled(line1));
	g_assert_true(tr_dbus_line_get_enabled(line2));
	sync_with_daemon(c);
	assert_changes(c, enable);
	g_assert_false(other.seen);
	daemon_stop(d);
}

static void
test_passwords(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) values = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");
	g_autofree gchar *printed = NULL;
	const gchar *const all[] = {NULL};
	const gchar *const password[] = {"Password_1_", NULL};
	GStatBuf st;

	assert_parameter(c->device, "Password_1_", "");
	set_parameters(c->device, &error, "Password_1_", SECRET, NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, c->changes));
	assert_changes(c, password);
	assert_parameter(c->device, "Password_1_", "********");
	assert_parameter(c->device, "Password_2_", "");

	tr_dbus_device_call_get_parameters_sync(c->device, all, &values, NULL, &error);
	g_assert_no_error(error);
	printed = g_variant_print(values, FALSE);
	g_assert_null(strstr(printed, SECRET));

	/* a refused password is not quoted back either */
	set_parameters(c->device, &error, "Password_2_", SECRET "\x01", NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Password_2_", NULL);
	g_assert_null(strstr(error->message, SECRET));

	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);

	daemon_stop(d);
	g_assert_true(daemon_output_contains(d, "SetParameters"));
	g_assert_false(daemon_output_contains(d, SECRET));
}

static void
test_properties_read_only(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;

	reply = g_dbus_connection_call_sync(c->connection, BUS_NAME, LINE1_PATH,
					    "org.freedesktop.DBus.Properties", "Set",
					    g_variant_new("(ssv)", "org.tipring.Tipring1.Line",
							  "Transport", g_variant_new_string("TLS")),
					    NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_null(reply);
	g_assert_nonnull(error);
	g_clear_error(&error);

	reply = g_dbus_connection_call_sync(
		c->connection, BUS_NAME, DEVICE0_PATH, "org.freedesktop.DBus.Properties", "Set",
		g_variant_new("(ssv)", "org.tipring.Tipring1.Device", "MacAddress",
			      g_variant_new_string("00:11:22:33:44:55")),
		NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_null(reply);
	g_assert_nonnull(error);

	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");
	g_assert_cmpstr(tr_dbus_device_get_mac_address(c->device), !=, "00:11:22:33:44:55");
	daemon_stop(d);
}

static void
test_persistence(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *mac = NULL;
	g_autofree gchar *serial = NULL;

	mac = g_strdup(tr_dbus_device_get_mac_address(c->device));
	serial = g_strdup(tr_dbus_device_get_serial(c->device));
	set_parameters(c->device, &error, "SIP_Transport_1_", "TCP", "Register_Expires_2_", "120",
		       "Display_Name_1_", "Front desk", "Password_1_", SECRET, NULL);
	g_assert_no_error(error);
	g_clear_pointer(&c, client_free);
	daemon_stop(d);

	d = start_session_daemon(t, t->state_dir, spa2102);
	c = client_new_session();
	g_assert_cmpstr(tr_dbus_device_get_mac_address(c->device), ==, mac);
	g_assert_cmpstr(tr_dbus_device_get_serial(c->device), ==, serial);
	assert_parameter(c->device, "SIP_Transport_1_", "TCP");
	assert_parameter(c->device, "Register_Expires_2_", "120");
	assert_parameter(c->device, "Display_Name_1_", "Front desk");
	assert_parameter(c->device, "Password_1_", "********");
	assert_parameter(c->device, "SIP_Transport_2_", "UDP");
	daemon_stop(d);
}

static void
test_factory_reset(Test *t)
{
	const gchar *const names[] = {"SIP_Transport_1_", "Register_Expires_1_", "Password_1_",
				      NULL};
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(GError) error = NULL;
	PropertyWatch transport = {"Transport", FALSE};

	set_parameters(c->device, &error, "Password_1_", SECRET, "Register_Expires_1_", "600",
		       "SIP_Transport_1_", "TLS", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, c->changes));
	/* profile order, whatever order they were given in */
	assert_changes(c, names);
	g_assert_true(wait_until(line_is_tls, line));
	g_signal_connect(line, "g-properties-changed", G_CALLBACK(properties_changed_cb),
			 &transport);

	g_ptr_array_set_size(c->changes, 0);
	tr_dbus_device_call_factory_reset_sync(c->device, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, names);
	assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	assert_parameter(c->device, "Register_Expires_1_", "3600");
	assert_parameter(c->device, "Password_1_", "");
	g_assert_true(wait_until(flag_is_set, &transport.seen));
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");

	/* nothing left to reset: no signal */
	g_ptr_array_set_size(c->changes, 0);
	tr_dbus_device_call_factory_reset_sync(c->device, NULL, &error);
	g_assert_no_error(error);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	daemon_stop(d);
}

static void
test_several_devices(Test *t)
{
	const gchar *const devices[] = {"SPA2102", "SPA942:desk", NULL};
	const gchar *const paths[] = {DEVICE0_PATH, DEVICE1_PATH, NULL};
	Daemon *d = start_session_daemon(t, t->state_dir, devices);
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	g_autoptr(TrDbusManager) manager = manager_new(bus, BUS_NAME);
	g_autoptr(GDBusObjectManager) objects = object_manager_new(bus, BUS_NAME);
	g_autoptr(TrDbusDevice) ata = device_at(objects, DEVICE0_PATH);
	g_autoptr(TrDbusDevice) desk = device_at(objects, DEVICE1_PATH);
	g_autofree gchar *desk_config = config_path(t, "desk");
	g_autofree gchar *ata_config = config_path(t, "spa2102");
	const gchar *const *lines;
	g_autoptr(GError) error = NULL;

	g_assert_cmpstrv(tr_dbus_manager_get_devices(manager), paths);
	g_assert_cmpstr(tr_dbus_device_get_name(ata), ==, "spa2102");
	g_assert_cmpuint(tr_dbus_device_get_index(desk), ==, 1);
	g_assert_cmpstr(tr_dbus_device_get_name(desk), ==, "desk");
	g_assert_cmpstr(tr_dbus_device_get_model(desk), ==, "SPA942");
	g_assert_cmpstr(tr_dbus_device_get_mac_address(desk), !=,
			tr_dbus_device_get_mac_address(ata));
	g_assert_cmpstr(tr_dbus_device_get_serial(desk), !=, tr_dbus_device_get_serial(ata));

	lines = tr_dbus_device_get_lines(desk);
	g_assert_cmpuint(g_strv_length((gchar **)lines), ==, 4);
	for (guint i = 0; i < 4; i++) {
		g_autofree gchar *path = g_strdup_printf(DEVICE1_PATH "/Line/%u", i + 1);
		g_autofree gchar *label = g_strdup_printf("Ext %u", i + 1);
		g_autoptr(TrDbusLine) line = line_at(objects, path);
		g_assert_cmpstr(lines[i], ==, path);
		g_assert_cmpstr(tr_dbus_line_get_label(line), ==, label);
		g_assert_cmpstr(tr_dbus_line_get_device(line), ==, DEVICE1_PATH);
	}

	/* each device has its own configuration */
	set_parameters(desk, &error, "SIP_Transport_4_", "TCP", NULL);
	g_assert_no_error(error);
	assert_parameter(desk, "SIP_Transport_4_", "TCP");
	set_parameters(ata, &error, "SIP_Transport_4_", "TCP", NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", "SIP_Transport_4_", NULL);
	g_assert_true(g_file_test(desk_config, G_FILE_TEST_IS_REGULAR));
	g_assert_false(g_file_test(ata_config, G_FILE_TEST_EXISTS));
	daemon_stop(d);
}

static void
test_unknown_model(Test *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir,
				     "--device",  "SPA9999",	 NULL};
	Daemon *d = daemon_spawn(t, args);

	g_assert_cmpint(daemon_wait_exit(d), !=, 0);
	g_assert_nonnull(strstr(daemon_stderr(d), "Unknown model 'SPA9999'"));
	g_assert_nonnull(strstr(daemon_stderr(d), "SPA2102"));
	g_assert_nonnull(strstr(daemon_stderr(d), "SPA942"));
}

static void
test_no_device(Test *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir, NULL};
	const gchar *const two_buses[] = {"--session", "--p2p",	  t->address,
					  "--device",  "SPA2102", NULL};
	Daemon *d = daemon_spawn(t, args);

	g_assert_cmpint(daemon_wait_exit(d), ==, 2);
	g_assert_nonnull(strstr(daemon_stderr(d), "--device"));

	d = daemon_spawn(t, two_buses);
	g_assert_cmpint(daemon_wait_exit(d), ==, 2);
	g_assert_nonnull(strstr(daemon_stderr(d), "--p2p"));
}

static void
test_name_taken(Test *t)
{
	g_autofree gchar *other_state = g_build_filename(t->dir, "other", NULL);
	const gchar *const args[] = {"--session", "--state-dir", other_state,
				     "--device",  "SPA2102",	 NULL};
	Daemon *first = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	g_autoptr(TrDbusManager) manager = manager_new(bus, BUS_NAME);
	g_autofree gchar *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(manager));
	g_autoptr(TrDbusManager) again = NULL;
	g_autofree gchar *owner_again = NULL;
	Daemon *second = daemon_spawn(t, args);

	g_assert_cmpint(daemon_wait_exit(second), !=, 0);
	g_assert_nonnull(strstr(daemon_stderr(second), BUS_NAME));
	g_assert_nonnull(strstr(daemon_stderr(second), "another process"));

	/* the first one goes on, still the owner */
	assert_daemon_alive(first);
	again = manager_new(bus, BUS_NAME);
	owner_again = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(again));
	g_assert_cmpstr(owner_again, ==, owner);
	g_assert_cmpstr(tr_dbus_manager_get_version(again), !=, "");
	daemon_stop(first);
}

/* the bus going away is a failure, so that a supervisor restarts the daemon */
static void
test_bus_lost(Test *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir,
				     "--device",  "SPA2102",	 NULL};
	g_autoptr(GTestDBus) bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_autoptr(GDBusConnection) watcher = NULL;
	g_autoptr(GError) error = NULL;
	NameWait w = {FALSE, NULL};
	guint watch;

	/* a bus of this test's own, watched through a private connection, so
	 * that nothing in this process goes down with it */
	g_test_dbus_up(bus);
	watcher = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	watch = g_bus_watch_name_on_connection(watcher, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
					       name_appeared_cb, NULL, &w, NULL);
	w.daemon = daemon_spawn(t, args);
	wait_until(name_wait_over, &w);
	g_bus_unwatch_name(watch);
	assert_daemon_alive(w.daemon);
	g_assert_true(w.appeared);

	g_dbus_connection_close_sync(watcher, NULL, NULL);
	g_test_dbus_down(bus);
	g_assert_cmpint(daemon_wait_exit(w.daemon), ==, 1);
	g_assert_nonnull(strstr(daemon_stderr(w.daemon), "the bus connection was lost"));
}

static void
test_p2p_two_clients(Test *t)
{
	const gchar *const transport[] = {"SIP_Transport_1_", NULL};
	const gchar *const expires[] = {"Register_Expires_1_", NULL};
	Daemon *d = start_p2p_daemon(t, spa2102);
	g_autoptr(GDBusConnection) conn_a = connect_p2p(t->address, d);
	g_autoptr(GDBusConnection) conn_b = connect_p2p(t->address, d);
	g_autoptr(Client) a = client_new(conn_a, NULL, DEVICE0_PATH);
	g_autoptr(Client) b = client_new(conn_b, NULL, DEVICE0_PATH);
	g_autoptr(TrDbusManager) manager = manager_new(conn_b, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpstr(tr_dbus_device_get_model(a->device), ==, "SPA2102");
	g_assert_cmpstr(tr_dbus_manager_get_version(manager), !=, "");

	/* a change by one peer reaches both */
	set_parameters(a->device, &error, "SIP_Transport_1_", "TCP", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, a->changes));
	g_assert_true(wait_until(array_not_empty, b->changes));
	assert_changes(a, transport);
	assert_changes(b, transport);
	assert_parameter(b->device, "SIP_Transport_1_", "TCP");

	/* one peer leaves; the other is not disturbed */
	g_assert_true(g_dbus_connection_close_sync(conn_a, NULL, &error));
	g_assert_no_error(error);
	g_clear_pointer(&a, client_free);
	g_clear_object(&conn_a);

	g_ptr_array_set_size(b->changes, 0);
	set_parameters(b->device, &error, "Register_Expires_1_", "600", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, b->changes));
	sync_with_daemon(b);
	assert_changes(b, expires);
	assert_parameter(b->device, "Register_Expires_1_", "600");
	assert_daemon_alive(d);

	g_clear_pointer(&b, client_free);
	g_clear_object(&manager);
	g_dbus_connection_close_sync(conn_b, NULL, NULL);
	daemon_stop(d);
	g_assert_false(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));
}

static void
test_p2p_socket(Test *t)
{
	const gchar *const args[] = {"--p2p",	 t->address, "--state-dir", t->state_dir,
				     "--device", "SPA2102",  NULL};
	g_autoptr(GSocket) dead = NULL;
	g_autoptr(GSocketAddress) address = NULL;
	g_autoptr(GDBusConnection) still = NULL;
	g_autoptr(GError) error = NULL;
	Daemon *d;
	Daemon *second;

	/* a plain file where the socket goes */
	g_assert_true(g_file_set_contents(t->socket_path, "left over", -1, &error));
	g_assert_no_error(error);
	d = start_p2p_daemon(t, spa2102);

	/* a live socket is not taken over */
	second = daemon_spawn(t, args);
	g_assert_cmpint(daemon_wait_exit(second), !=, 0);
	g_assert_nonnull(strstr(daemon_stderr(second), "already listening"));
	still = connect_p2p(t->address, d);
	g_dbus_connection_close_sync(still, NULL, NULL);
	daemon_stop(d);
	g_assert_false(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));

	/* a socket nobody listens on any more, as a killed daemon leaves it */
	dead = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
			    &error);
	g_assert_no_error(error);
	address = g_unix_socket_address_new(t->socket_path);
	g_assert_true(g_socket_bind(dead, address, FALSE, &error));
	g_assert_no_error(error);
	g_assert_true(g_socket_close(dead, &error));
	g_assert_true(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));
	d = start_p2p_daemon(t, spa2102);
	daemon_stop(d);
	g_assert_false(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));
}

static void
test_malformed(Test *t)
{
	Daemon *d = start_session_daemon(t, t->state_dir, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *huge = g_strnfill(1024 * 1024, 'a');
	g_autofree gchar *huge_name = g_strnfill(1024 * 1024, 'N');
	const gchar *const controls[] = {"bad\x01name", "bell\a",      "\x1b[2Jclear",
					 "tab\tin",	"line\nbreak", NULL};

	set_parameters(c->device, &error, "Display_Name_1_", "Front desk", NULL);
	g_assert_no_error(error);
	g_assert_true(wait_until(array_not_empty, c->changes));
	g_assert_true(g_file_get_contents(path, &before, NULL, &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(c->changes, 0);

	for (guint i = 0; controls[i] != NULL; i++) {
		set_parameters(c->device, &error, "Display_Name_1_", controls[i], NULL);
		assert_remote_error(error, ERROR_NAME "InvalidParameter", "Display_Name_1_", NULL);
		g_clear_error(&error);
	}

	set_parameters(c->device, &error, "Display_Name_1_", huge, NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Display_Name_1_", NULL);
	/* the value is quoted, not echoed whole */
	g_assert_cmpuint(strlen(error->message), <, 1024);
	g_clear_error(&error);

	set_parameters(c->device, &error, huge_name, "x", NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", NULL);
	g_clear_error(&error);

	assert_daemon_alive(d);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	assert_parameter(c->device, "Display_Name_1_", "Front desk");
	g_assert_true(g_file_get_contents(path, &after, NULL, &error));
	g_assert_cmpstr(after, ==, before);
	daemon_stop(d);
}

/* the harness */

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
	TestBody body;
} TestCase;

/* in the test's own process: the body, then whatever daemon is left is killed */
static void
run_body(const TestCase *tc)
{
	g_autofree gchar *escaped = NULL;
	Test t = {0};

	test_pid = getpid();
	t.dir = g_strdup(g_getenv("TIPRING_TEST_DIR"));
	g_assert_nonnull(t.dir);
	t.state_dir = g_build_filename(t.dir, "state", NULL);
	t.socket_path = g_build_filename(t.dir, "sock", NULL);
	escaped = g_dbus_address_escape_value(t.socket_path);
	t.address = g_strdup_printf("unix:path=%s", escaped);
	t.daemons = g_ptr_array_new_with_free_func((GDestroyNotify)daemon_free);

	tc->body(&t);

	g_ptr_array_unref(t.daemons);
	g_free(t.dir);
	g_free(t.state_dir);
	g_free(t.socket_path);
	g_free(t.address);
}

static void
run_isolated(gconstpointer data)
{
	const TestCase *tc = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GTestDBus) bus = NULL;
	g_autofree gchar *dir = NULL;

	if (g_test_subprocess()) {
		run_body(tc);
		return;
	}
	dir = g_dir_make_tmp("tipring-test-dbus-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_TEST_DIR", dir, TRUE);
	bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(bus);

	g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);

	g_test_dbus_down(bus);
	remove_tree(dir);
	g_unsetenv("TIPRING_TEST_DIR");
	g_test_trap_assert_passed();
}

static const TestCase tests[] = {
	{"/dbus/manager", test_manager},
	{"/dbus/objects", test_objects},
	{"/dbus/get-parameters", test_get_parameters},
	{"/dbus/set-parameters/atomic", test_set_atomic},
	{"/dbus/set-parameters/signals", test_set_signals},
	{"/dbus/passwords", test_passwords},
	{"/dbus/properties-read-only", test_properties_read_only},
	{"/dbus/persistence", test_persistence},
	{"/dbus/factory-reset", test_factory_reset},
	{"/dbus/several-devices", test_several_devices},
	{"/dbus/startup/unknown-model", test_unknown_model},
	{"/dbus/startup/no-device", test_no_device},
	{"/dbus/startup/name-taken", test_name_taken},
	{"/dbus/bus-lost", test_bus_lost},
	{"/dbus/p2p/two-clients", test_p2p_two_clients},
	{"/dbus/p2p/socket", test_p2p_socket},
	{"/dbus/malformed", test_malformed},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	if (g_getenv("TIPRINGD") == NULL) {
		g_printerr("TIPRINGD must name the tipringd to test\n");
		return 1;
	}
	for (guint i = 0; i < G_N_ELEMENTS(tests); i++)
		g_test_add_data_func(tests[i].path, &tests[i], run_isolated);
	return g_test_run();
}
