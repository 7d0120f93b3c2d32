/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "tr-dbus-generated.h"
#include "tr-test-http.h"
#include "tr-test-line.h"

/*
 * The real tipringd, end to end: on a private session bus (GTestDBus) and
 * peer to peer. Each test runs in a subprocess of its own, with a fresh bus
 * and a fresh directory that this process removes however the test ended;
 * the daemons die with the test process (PR_SET_PDEATHSIG), so a failed
 * assertion leaves nothing running.
 */

#define BUS_NAME     TR_TEST_BUS_NAME
#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define DEVICE1_PATH ROOT_PATH "/Device/1"
#define LINE1_PATH   DEVICE0_PATH "/Line/1"
#define LINE2_PATH   DEVICE0_PATH "/Line/2"
#define ERROR_NAME   "org.tipring.Tipring1.Error."
#define SECRET	     "s3cret"

/* a client of a daemon: its device, and the ParametersChanged it sent */
typedef struct {
	GDBusConnection *connection;
	GDBusObjectManager *objects;
	TrDbusDevice *device;
	GPtrArray *changes; /* GStrv: the names of each ParametersChanged */
} Client;

/* conditions for tr_test_wait_until() */

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
	g_free(tr_test_get_parameter(c->device, "Line_Enable_1_"));
	drain_main_context();
}

static gchar *
config_path(TrTest *t, const gchar *device_name)
{
	return g_build_filename(t->state_dir, device_name, "config.ini", NULL);
}

/* the tests */

static void
test_manager(TrTest *t)
{
	const gchar *const models[] = {"SPA2102", "SPA3102", "SPA922", "SPA942",
				       "SPA962",  "WRP400",  NULL};
	const gchar *const devices[] = {DEVICE0_PATH, NULL};
	const gchar *const backends[] = {"device-spa2102", "device-spa3102", "device-spa9x2",
					 "device-wrp400", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
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
	tr_test_daemon_stop(d);
}

static void
test_objects(TrTest *t)
{
	const gchar *const lines[] = {LINE1_PATH, LINE2_PATH, NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
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
	tr_test_daemon_stop(d);
}

static void
test_get_parameters(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
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
	tr_test_daemon_assert_alive(d);
	tr_test_daemon_stop(d);
}

static void
test_set_atomic(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");

	tr_test_try_set_parameters(c->device, &error, "SIP_Transport_1_", "TLS", "Proxy_1_",
				   "bad..host", NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Proxy_1_", "'bad..host'",
			    "host name or IP address", NULL);
	/* the error names only what is wrong */
	g_assert_null(strstr(error->message, "SIP_Transport_1_"));

	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	tr_test_assert_parameter(c->device, "Proxy_1_", "");
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

	/* an unknown name spoils the whole set too */
	g_clear_error(&error);
	tr_test_try_set_parameters(c->device, &error, "SIP_Transport_1_", "TCP", "Nonsense_1_", "1",
				   NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", "Nonsense_1_", NULL);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	tr_test_daemon_stop(d);
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
test_set_signals(TrTest *t)
{
	const gchar *const transport_expires[] = {"SIP_Transport_1_", "Register_Expires_1_", NULL};
	const gchar *const enable[] = {"Line_Enable_1_", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
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
	tr_test_try_set_parameters(c->device, &error, "SIP_Transport[1]", "tls",
				   "Register_Expires_1_", "600", "Line_Enable_1_", "yes", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, transport_expires);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "TLS");
	tr_test_assert_parameter(c->device, "Register_Expires_1_", "600");

	g_assert_true(tr_test_wait_until(flag_is_set, &transport.seen));
	g_assert_cmpstr(tr_dbus_line_get_transport(line1), ==, "TLS");
	g_assert_cmpstr(tr_dbus_line_get_transport(line2), ==, "UDP");

	/* setting the same values again changes nothing and says nothing */
	g_ptr_array_set_size(c->changes, 0);
	tr_test_try_set_parameters(c->device, &error, "SIP_Transport_1_", "TLS", NULL);
	g_assert_no_error(error);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);

	tr_test_try_set_parameters(c->device, &error, "Line_Enable_1_", "no", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(flag_is_set, &enabled.seen));
	g_assert_false(tr_dbus_line_get_enabled(line1));
	g_assert_true(tr_dbus_line_get_enabled(line2));
	sync_with_daemon(c);
	assert_changes(c, enable);
	g_assert_false(other.seen);
	tr_test_daemon_stop(d);
}

static void
test_passwords(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) values = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");
	g_autofree gchar *printed = NULL;
	const gchar *const all[] = {NULL};
	const gchar *const password[] = {"Password_1_", NULL};
	GStatBuf st;

	tr_test_assert_parameter(c->device, "Password_1_", "");
	tr_test_try_set_parameters(c->device, &error, "Password_1_", SECRET, NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	assert_changes(c, password);
	tr_test_assert_parameter(c->device, "Password_1_", "********");
	tr_test_assert_parameter(c->device, "Password_2_", "");

	tr_dbus_device_call_get_parameters_sync(c->device, all, &values, NULL, &error);
	g_assert_no_error(error);
	printed = g_variant_print(values, FALSE);
	g_assert_null(strstr(printed, SECRET));

	/* a refused password is not quoted back either */
	tr_test_try_set_parameters(c->device, &error, "Password_2_", SECRET "\x01", NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Password_2_", NULL);
	g_assert_null(strstr(error->message, SECRET));

	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);

	tr_test_daemon_stop(d);
	g_assert_true(tr_test_daemon_output_contains(d, "SetParameters"));
	g_assert_false(tr_test_daemon_output_contains(d, SECRET));
}

static void
test_properties_read_only(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
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
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");
	g_assert_cmpstr(tr_dbus_device_get_mac_address(c->device), !=, "00:11:22:33:44:55");
	tr_test_daemon_stop(d);
}

static void
test_persistence(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *mac = NULL;
	g_autofree gchar *serial = NULL;

	mac = g_strdup(tr_dbus_device_get_mac_address(c->device));
	serial = g_strdup(tr_dbus_device_get_serial(c->device));
	tr_test_try_set_parameters(c->device, &error, "SIP_Transport_1_", "TCP",
				   "Register_Expires_2_", "120", "Display_Name_1_", "Front desk",
				   "Password_1_", SECRET, NULL);
	g_assert_no_error(error);
	g_clear_pointer(&c, client_free);
	tr_test_daemon_stop(d);

	d = tr_test_start_session_daemon(t, NULL, spa2102);
	c = client_new_session();
	g_assert_cmpstr(tr_dbus_device_get_mac_address(c->device), ==, mac);
	g_assert_cmpstr(tr_dbus_device_get_serial(c->device), ==, serial);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "TCP");
	tr_test_assert_parameter(c->device, "Register_Expires_2_", "120");
	tr_test_assert_parameter(c->device, "Display_Name_1_", "Front desk");
	tr_test_assert_parameter(c->device, "Password_1_", "********");
	tr_test_assert_parameter(c->device, "SIP_Transport_2_", "UDP");
	tr_test_daemon_stop(d);
}

static void
test_factory_reset(TrTest *t)
{
	const gchar *const names[] = {"SIP_Transport_1_", "Register_Expires_1_", "Password_1_",
				      NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(GError) error = NULL;
	PropertyWatch transport = {"Transport", FALSE};

	tr_test_try_set_parameters(c->device, &error, "Password_1_", SECRET, "Register_Expires_1_",
				   "600", "SIP_Transport_1_", "TLS", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	/* profile order, whatever order they were given in */
	assert_changes(c, names);
	g_assert_true(tr_test_wait_until(line_is_tls, line));
	g_signal_connect(line, "g-properties-changed", G_CALLBACK(properties_changed_cb),
			 &transport);

	g_ptr_array_set_size(c->changes, 0);
	tr_dbus_device_call_factory_reset_sync(c->device, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, names);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "UDP");
	tr_test_assert_parameter(c->device, "Register_Expires_1_", "3600");
	tr_test_assert_parameter(c->device, "Password_1_", "");
	g_assert_true(tr_test_wait_until(flag_is_set, &transport.seen));
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");

	/* nothing left to reset: no signal */
	g_ptr_array_set_size(c->changes, 0);
	tr_dbus_device_call_factory_reset_sync(c->device, NULL, &error);
	g_assert_no_error(error);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	tr_test_daemon_stop(d);
}

static void
test_several_devices(TrTest *t)
{
	const gchar *const devices[] = {"SPA2102", "SPA942:desk", NULL};
	const gchar *const paths[] = {DEVICE0_PATH, DEVICE1_PATH, NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, devices);
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
	tr_test_try_set_parameters(desk, &error, "SIP_Transport_4_", "TCP", NULL);
	g_assert_no_error(error);
	tr_test_assert_parameter(desk, "SIP_Transport_4_", "TCP");
	tr_test_try_set_parameters(ata, &error, "SIP_Transport_4_", "TCP", NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", "SIP_Transport_4_", NULL);
	g_assert_true(g_file_test(desk_config, G_FILE_TEST_IS_REGULAR));
	g_assert_false(g_file_test(ata_config, G_FILE_TEST_EXISTS));
	tr_test_daemon_stop(d);
}

static void
test_unknown_model(TrTest *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir,
				     "--device",  "SPA9999",	 NULL};
	TrTestDaemon *d = tr_test_daemon_spawn(t, NULL, args);

	g_assert_cmpint(tr_test_daemon_wait_exit(d), !=, 0);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "Unknown model 'SPA9999'"));
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "SPA2102"));
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "SPA942"));
}

static void
test_no_device(TrTest *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir, NULL};
	const gchar *const two_buses[] = {"--session", "--p2p",	  t->address,
					  "--device",  "SPA2102", NULL};
	TrTestDaemon *d = tr_test_daemon_spawn(t, NULL, args);

	g_assert_cmpint(tr_test_daemon_wait_exit(d), ==, 2);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "--device"));

	d = tr_test_daemon_spawn(t, NULL, two_buses);
	g_assert_cmpint(tr_test_daemon_wait_exit(d), ==, 2);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "--p2p"));
}

static void
test_name_taken(TrTest *t)
{
	g_autofree gchar *other_state = g_build_filename(t->dir, "other", NULL);
	const gchar *const args[] = {"--session", "--state-dir", other_state,
				     "--device",  "SPA2102",	 NULL};
	TrTestDaemon *first = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	g_autoptr(TrDbusManager) manager = manager_new(bus, BUS_NAME);
	g_autofree gchar *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(manager));
	g_autoptr(TrDbusManager) again = NULL;
	g_autofree gchar *owner_again = NULL;
	TrTestDaemon *second = tr_test_daemon_spawn(t, NULL, args);

	g_assert_cmpint(tr_test_daemon_wait_exit(second), !=, 0);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(second), BUS_NAME));
	g_assert_nonnull(strstr(tr_test_daemon_stderr(second), "another process"));

	/* the first one goes on, still the owner */
	tr_test_daemon_assert_alive(first);
	again = manager_new(bus, BUS_NAME);
	owner_again = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(again));
	g_assert_cmpstr(owner_again, ==, owner);
	g_assert_cmpstr(tr_dbus_manager_get_version(again), !=, "");
	tr_test_daemon_stop(first);
}

/* the bus going away is a failure, so that a supervisor restarts the daemon */
static void
test_bus_lost(TrTest *t)
{
	const gchar *const args[] = {"--session", "--state-dir", t->state_dir,
				     "--device",  "SPA2102",	 NULL};
	g_autoptr(GTestDBus) bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_autoptr(GDBusConnection) watcher = NULL;
	g_autoptr(GError) error = NULL;
	TrTestDaemon *d;

	/* a bus of this test's own, watched through a private connection, so
	 * that nothing in this process goes down with it */
	g_test_dbus_up(bus);
	watcher = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	d = tr_test_daemon_spawn_on_bus(t, watcher, NULL, args);

	g_dbus_connection_close_sync(watcher, NULL, NULL);
	g_test_dbus_down(bus);
	g_assert_cmpint(tr_test_daemon_wait_exit(d), ==, 1);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(d), "the bus connection was lost"));
}

static void
test_p2p_two_clients(TrTest *t)
{
	const gchar *const transport[] = {"SIP_Transport_1_", NULL};
	const gchar *const expires[] = {"Register_Expires_1_", NULL};
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(GDBusConnection) conn_a = tr_test_connect_p2p(t->address, d);
	g_autoptr(GDBusConnection) conn_b = tr_test_connect_p2p(t->address, d);
	g_autoptr(Client) a = client_new(conn_a, NULL, DEVICE0_PATH);
	g_autoptr(Client) b = client_new(conn_b, NULL, DEVICE0_PATH);
	g_autoptr(TrDbusManager) manager = manager_new(conn_b, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpstr(tr_dbus_device_get_model(a->device), ==, "SPA2102");
	g_assert_cmpstr(tr_dbus_manager_get_version(manager), !=, "");

	/* a change by one peer reaches both */
	tr_test_try_set_parameters(a->device, &error, "SIP_Transport_1_", "TCP", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, a->changes));
	g_assert_true(tr_test_wait_until(array_not_empty, b->changes));
	assert_changes(a, transport);
	assert_changes(b, transport);
	tr_test_assert_parameter(b->device, "SIP_Transport_1_", "TCP");

	/* one peer leaves; the other is not disturbed */
	g_assert_true(g_dbus_connection_close_sync(conn_a, NULL, &error));
	g_assert_no_error(error);
	g_clear_pointer(&a, client_free);
	g_clear_object(&conn_a);

	g_ptr_array_set_size(b->changes, 0);
	tr_test_try_set_parameters(b->device, &error, "Register_Expires_1_", "600", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, b->changes));
	sync_with_daemon(b);
	assert_changes(b, expires);
	tr_test_assert_parameter(b->device, "Register_Expires_1_", "600");
	tr_test_daemon_assert_alive(d);

	g_clear_pointer(&b, client_free);
	g_clear_object(&manager);
	g_dbus_connection_close_sync(conn_b, NULL, NULL);
	tr_test_daemon_stop(d);
	g_assert_false(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));
}

static void
test_p2p_socket(TrTest *t)
{
	const gchar *const args[] = {"--p2p",	 t->address, "--state-dir", t->state_dir,
				     "--device", "SPA2102",  NULL};
	g_autoptr(GSocket) dead = NULL;
	g_autoptr(GSocketAddress) address = NULL;
	g_autoptr(GDBusConnection) still = NULL;
	g_autoptr(GError) error = NULL;
	TrTestDaemon *d;
	TrTestDaemon *second;

	/* a plain file where the socket goes */
	g_assert_true(g_file_set_contents(t->socket_path, "left over", -1, &error));
	g_assert_no_error(error);
	d = tr_test_start_p2p_daemon(t, spa2102);

	/* a live socket is not taken over */
	second = tr_test_daemon_spawn(t, NULL, args);
	g_assert_cmpint(tr_test_daemon_wait_exit(second), !=, 0);
	g_assert_nonnull(strstr(tr_test_daemon_stderr(second), "already listening"));
	still = tr_test_connect_p2p(t->address, d);
	g_dbus_connection_close_sync(still, NULL, NULL);
	tr_test_daemon_stop(d);
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
	d = tr_test_start_p2p_daemon(t, spa2102);
	tr_test_daemon_stop(d);
	g_assert_false(g_file_test(t->socket_path, G_FILE_TEST_EXISTS));
}

static void
test_malformed(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = config_path(t, "spa2102");
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *huge = g_strnfill(1024 * 1024, 'a');
	g_autofree gchar *huge_name = g_strnfill(1024 * 1024, 'N');
	const gchar *const controls[] = {"bad\x01name", "bell\a",      "\x1b[2Jclear",
					 "tab\tin",	"line\nbreak", NULL};

	tr_test_try_set_parameters(c->device, &error, "Display_Name_1_", "Front desk", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	g_assert_true(g_file_get_contents(path, &before, NULL, &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(c->changes, 0);

	for (guint i = 0; controls[i] != NULL; i++) {
		tr_test_try_set_parameters(c->device, &error, "Display_Name_1_", controls[i], NULL);
		assert_remote_error(error, ERROR_NAME "InvalidParameter", "Display_Name_1_", NULL);
		g_clear_error(&error);
	}

	tr_test_try_set_parameters(c->device, &error, "Display_Name_1_", huge, NULL);
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Display_Name_1_", NULL);
	/* the value is quoted, not echoed whole */
	g_assert_cmpuint(strlen(error->message), <, 1024);
	g_clear_error(&error);

	tr_test_try_set_parameters(c->device, &error, huge_name, "x", NULL);
	assert_remote_error(error, ERROR_NAME "UnknownParameter", NULL);
	g_clear_error(&error);

	tr_test_daemon_assert_alive(d);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	tr_test_assert_parameter(c->device, "Display_Name_1_", "Front desk");
	g_assert_true(g_file_get_contents(path, &after, NULL, &error));
	g_assert_cmpstr(after, ==, before);
	tr_test_daemon_stop(d);
}

/* profiles: ImportProfile and ExportProfile */

#define SECRET2	      "us3r-pw"
#define PROVIDER_XML  "/prov/site/provider.xml"
#define INVALID_ARG   ERROR_NAME "InvalidArgument"
#define INVALID_PARAM ERROR_NAME "InvalidParameter"
/* a refusal that reads the whole input first would take far longer than
 * this; the bound is loose so a loaded machine does not fail it */
#define MAX_CALL_USEC (10 * G_USEC_PER_SEC)
/* AddressSanitizer keeps freed memory in quarantine: a bound means nothing there */
#if defined(__SANITIZE_ADDRESS__)
#define MAX_RSS_GROWTH	 (1024 * 1024) /* KiB */
#define MAX_RSS_REGROWTH (1024 * 1024)
#else
#define MAX_RSS_GROWTH (100 * 1024) /* KiB */
#endif
#ifndef MAX_RSS_REGROWTH
#define MAX_RSS_REGROWTH (8 * 1024)
#endif

/* KEY, CONTENTS, ..., NULL: the a{say} of ImportProfile, floating */
static GVariant *imports_new(const gchar *key, ...) G_GNUC_NULL_TERMINATED;

static GVariant *
imports_new(const gchar *key, ...)
{
	GVariantBuilder builder;
	va_list ap;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{say}"));
	va_start(ap, key);
	for (; key != NULL; key = va_arg(ap, const gchar *)) {
		const gchar *contents = va_arg(ap, const gchar *);
		/* the file's bytes, without a terminating NUL */
		g_variant_builder_add(&builder, "{s@ay}", key,
				      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, contents,
								strlen(contents), 1));
	}
	va_end(ap);
	return g_variant_builder_end(&builder);
}

/* imports: floating or NULL for none; the data is not copied */
static gboolean
import_profile(TrDbusDevice *device, gconstpointer data, gsize len, const gchar *filename,
	       GVariant *imports, GStrv *warnings, GError **error)
{
	g_autoptr(GBytes) bytes = g_bytes_new_static(data, len);
	gchar **out = NULL;
	gboolean ok;

	ok = tr_dbus_device_call_import_profile_sync(
		device, g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, bytes, TRUE), filename,
		imports != NULL ? imports : g_variant_new_array(G_VARIANT_TYPE("{say}"), NULL, 0),
		&out, NULL, error);
	if (warnings != NULL)
		*warnings = out;
	else
		g_strfreev(out);
	return ok;
}

/* a string profile that must be accepted; returns its warnings */
static GStrv
import_ok(TrDbusDevice *device, const gchar *profile, const gchar *filename, GVariant *imports)
{
	g_autoptr(GError) error = NULL;
	GStrv warnings = NULL;

	import_profile(device, profile, strlen(profile), filename, imports, &warnings, &error);
	g_assert_no_error(error);
	g_assert_nonnull(warnings);
	return warnings;
}

static gchar *
export_profile(TrDbusDevice *device, const gchar *format, const gchar *level)
{
	g_autoptr(GError) error = NULL;
	gchar *profile = NULL;

	tr_dbus_device_call_export_profile_sync(device, format, level, &profile, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(profile);
	return profile;
}

static GVariant *
get_all(TrDbusDevice *device)
{
	const gchar *const all[] = {NULL};
	g_autoptr(GError) error = NULL;
	GVariant *values = NULL;

	tr_dbus_device_call_get_parameters_sync(device, all, &values, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_n_children(values), ==,
			 tr_dbus_device_get_parameter_count(device));
	return values;
}

static void
assert_same_values(GVariant *expected, GVariant *actual)
{
	if (!g_variant_equal(expected, actual)) {
		GVariantIter iter;
		const gchar *name, *value;

		g_variant_iter_init(&iter, expected);
		while (g_variant_iter_next(&iter, "{&s&s}", &name, &value)) {
			const gchar *other = NULL;
			if (!g_variant_lookup(actual, name, "&s", &other) ||
			    g_strcmp0(value, other) != 0)
				g_printerr("%s: '%s' before, '%s' after\n", name, value, other);
		}
	}
	g_assert_true(g_variant_equal(expected, actual));
}

/* the daemon's resident memory, in KiB */
static guint64
daemon_rss_kib(TrTestDaemon *d)
{
	g_autofree gchar *path =
		g_strdup_printf("/proc/%s/status", g_subprocess_get_identifier(d->proc));
	g_autofree gchar *status = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *line;

	g_assert_true(g_file_get_contents(path, &status, NULL, &error));
	g_assert_no_error(error);
	line = strstr(status, "\nVmRSS:");
	g_assert_nonnull(line);
	return g_ascii_strtoull(line + strlen("\nVmRSS:"), NULL, 10);
}

static gchar *
gzip(const gchar *data, gsize len, gsize *out_len)
{
	g_autoptr(GZlibCompressor) compressor =
		g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
	g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data(data, len, NULL);
	g_autoptr(GInputStream) zipped = g_converter_input_stream_new(raw, G_CONVERTER(compressor));
	g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
	g_autoptr(GError) error = NULL;

	g_output_stream_splice(out, zipped,
			       G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
				       G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
			       NULL, &error);
	g_assert_no_error(error);
	*out_len = g_memory_output_stream_get_data_size(G_MEMORY_OUTPUT_STREAM(out));
	return g_memory_output_stream_steal_data(G_MEMORY_OUTPUT_STREAM(out));
}

/*
 * An XML flat profile as provisioning servers send it: wrapped, with a
 * namespace, group= and ua= attributes, references, padding and repeats.
 */
static const gchar flat_profile[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- generated by a provisioning server -->\n"
	"<provisioning xmlns=\"urn:example:prov\"\n"
	"              xmlns:spa=\"http://www.sipura.net/xmlns/flat-profile\">\n"
	"  <device mac=\"$MA\">\n"
	"    <spa:flat-profile>\n"
	"      <spa:Register_Expires_1_>100</spa:Register_Expires_1_>\n"
	"      <spa:SIP_Transport_1_ ua=\"rw\" group=\"Ext_1/SIP_Settings\">\n"
	"        TLS\n"
	"      </spa:SIP_Transport_1_>\n"
	"      <spa:GPP_A ua=\"ro\"></spa:GPP_A>\n"
	"      <spa:GPP_B/>\n"
	"      <spa:GPP_C ua=\"rw\"/>\n"
	"      <spa:Display_Name_1_>  Tom &amp; Jerry &lt;&#x41;&#66;&gt; "
	"&quot;&apos;\xc3\xa9  </spa:Display_Name_1_>\n"
	"      <spa:No_Such_Thing_1_ ua=\"rw\">x</spa:No_Such_Thing_1_>\n" /* line 15 */
	"      <spa:Register_Expires_1_>600</spa:Register_Expires_1_>\n"
	"    </spa:flat-profile>\n"
	"  </device>\n"
	"</provisioning>\n";

static void
test_import_xml(TrTest *t)
{
	/* what changed, value or access, in schema order; GPP_B is untouched */
	const gchar *const changed[] = {
		"GPP_A",	   "GPP_C", "SIP_Transport_1_", "Register_Expires_1_",
		"Display_Name_1_", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	g_auto(GStrv) again = NULL;
	g_autofree gchar *admin = NULL;

	tr_test_try_set_parameters(c->device, &error, "GPP_A", "keep-a", "GPP_B", "keep-b", "GPP_C",
				   "keep-c", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	g_ptr_array_set_size(c->changes, 0);
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "UDP");

	warnings = import_ok(c->device, flat_profile, PROVIDER_XML, NULL);
	/* the unknown element: reported with where it is, not fatal */
	g_assert_cmpuint(g_strv_length(warnings), ==, 1);
	tr_test_assert_contains(warnings[0], PROVIDER_XML ": line 15, column 7");
	tr_test_assert_contains(warnings[0], "No_Such_Thing_1_");

	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, changed);

	tr_test_assert_parameter(c->device, "Register_Expires_1_", "600"); /* the last one wins */
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "TLS");	   /* trimmed */
	tr_test_assert_parameter(c->device, "GPP_A", "");		   /* <X></X>: emptied */
	tr_test_assert_parameter(c->device, "GPP_B", "keep-b");		   /* <X/>: unchanged */
	tr_test_assert_parameter(c->device, "GPP_C", "keep-c");
	tr_test_assert_parameter(c->device, "Display_Name_1_", "Tom & Jerry <AB> \"'\xc3\xa9");

	/* ua= is the user access, visible at the admin level */
	admin = export_profile(c->device, "xml", "admin");
	tr_test_assert_contains(admin, "<SIP_Transport_1_ ua=\"rw\">TLS</SIP_Transport_1_>");
	tr_test_assert_contains(admin, "<GPP_A ua=\"ro\"></GPP_A>");
	tr_test_assert_contains(admin, "<GPP_B ua=\"na\">keep-b</GPP_B>");
	tr_test_assert_contains(admin, "<GPP_C ua=\"rw\">keep-c</GPP_C>");
	tr_test_assert_contains(admin, "<Register_Expires_1_ ua=\"na\">600</Register_Expires_1_>");

	/* the line follows SIP_Transport_1_ */
	g_assert_true(tr_test_wait_until(line_is_tls, line));
	g_assert_cmpstr(tr_dbus_line_get_transport(line), ==, "TLS");

	/* the same profile again: nothing changes, nothing is announced */
	g_ptr_array_set_size(c->changes, 0);
	again = import_ok(c->device, flat_profile, PROVIDER_XML, NULL);
	g_assert_cmpstrv(again, warnings);
	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	tr_test_daemon_stop(d);
	g_assert_false(tr_test_daemon_output_contains(d, "refused"));
}

static void
test_import_gzip(TrTest *t)
{
	static const gchar profile[] =
		"<flat-profile xmlns=\"http://www.sipura.net/xmlns/flat-profile\">\n"
		"  <SIP_Transport_2_ ua=\"ro\">TCP</SIP_Transport_2_>\n"
		"  <Proxy_2_>sip.example.com:5070</Proxy_2_>\n"
		"  <Unknown_In_Gzip>1</Unknown_In_Gzip>\n"
		"</flat-profile>\n";
	const gchar *const changed[] = {"SIP_Transport_2_", "Proxy_2_", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	g_autofree gchar *admin = NULL;
	gsize len = 0;
	g_autofree gchar *zipped = gzip(profile, strlen(profile), &len);

	g_assert_cmpuint((guchar)zipped[0], ==, 0x1f);
	g_assert_cmpuint((guchar)zipped[1], ==, 0x8b);
	import_profile(c->device, zipped, len, "p.xml.gz", NULL, &warnings, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_strv_length(warnings), ==, 1);
	tr_test_assert_contains(warnings[0], "p.xml.gz: line 4, column 3");
	tr_test_assert_contains(warnings[0], "Unknown_In_Gzip");
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, changed);
	tr_test_assert_parameter(c->device, "SIP_Transport_2_", "TCP");
	tr_test_assert_parameter(c->device, "Proxy_2_", "sip.example.com:5070");
	admin = export_profile(c->device, "xml", "admin");
	tr_test_assert_contains(admin, "<SIP_Transport_2_ ua=\"ro\">TCP</SIP_Transport_2_>");
	tr_test_daemon_stop(d);
}

/* a legacy text profile whose imports come in the dictionary, by resolved path */
static void
test_import_text(TrTest *t)
{
	static const gchar main_profile[] =
		"# site profile\n"				  /* 1 */
		"import common/base.txt\n"			  /* 2 */
		"SIP Transport{1} ! \"TLS\" ;   # over TLS\n"	  /* 3 */
		"Display_Name[1] ? \"Say \\\"hi\\\" \\\\o/\" ;\n" /* 4 */
		"Proxy[1] \"  sip.example.com  \";\n"		  /* 5 */
		"GPP_B ! ;\n"					  /* 6 */
		"GPP_A \"override\" ;\n"			  /* 7 */
		"Register_Expires[1]\n"				  /* 8 */
		"   ? \"600\"\n"				  /* 9 */
		"   ;\n";					  /* 10 */
	static const gchar base[] = "GPP_A ! \"from base\" ; # last wins: line 7 of main\n"
				    "import \"codecs.txt\"\n"
				    "Bogus_Param[2] \"x\" ;\n";
	static const gchar codecs[] = "GPP_C ? \"from codecs\" ;\n";
	const gchar *const changed[] = {"GPP_A",	   "GPP_B",
					"GPP_C",	   "SIP_Transport_1_",
					"Proxy_1_",	   "Register_Expires_1_",
					"Display_Name_1_", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	g_autofree gchar *admin = NULL;
	g_autoptr(GVariant) before = NULL;
	g_autoptr(GVariant) after = NULL;

	warnings = import_ok(c->device, main_profile, "/prov/site/main.cfg",
			     imports_new("/prov/site/common/base.txt", base,
					 "/prov/site/common/codecs.txt", codecs, NULL));
	g_assert_cmpuint(g_strv_length(warnings), ==, 1);
	tr_test_assert_contains(warnings[0], "/prov/site/common/base.txt: line 3, column 1");
	tr_test_assert_contains(warnings[0], "Bogus_Param_2_");

	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, changed);
	tr_test_assert_parameter(c->device, "SIP_Transport_1_", "TLS");
	tr_test_assert_parameter(c->device, "Display_Name_1_", "Say \"hi\" \\o/");
	tr_test_assert_parameter(c->device, "Proxy_1_", "sip.example.com");
	tr_test_assert_parameter(c->device, "GPP_A", "override");
	tr_test_assert_parameter(c->device, "GPP_B", "");
	tr_test_assert_parameter(c->device, "GPP_C", "from codecs");
	tr_test_assert_parameter(c->device, "Register_Expires_1_", "600");
	g_assert_true(tr_test_wait_until(line_is_tls, line));

	/* ! is rw, ? is ro, no marker na; `Name ! ;` changes the access only */
	admin = export_profile(c->device, "xml", "admin");
	tr_test_assert_contains(admin, "<SIP_Transport_1_ ua=\"rw\">TLS</SIP_Transport_1_>");
	tr_test_assert_contains(admin, "<Display_Name_1_ ua=\"ro\">");
	tr_test_assert_contains(admin, "<Proxy_1_ ua=\"na\">sip.example.com</Proxy_1_>");
	tr_test_assert_contains(admin, "<GPP_A ua=\"na\">override</GPP_A>");
	tr_test_assert_contains(admin, "<GPP_B ua=\"rw\"></GPP_B>");
	tr_test_assert_contains(admin, "<GPP_C ua=\"ro\">from codecs</GPP_C>");
	tr_test_assert_contains(admin, "<Register_Expires_1_ ua=\"ro\">600</Register_Expires_1_>");

	/* an import that was not sent, and a loop: refused, naming the file */
	before = get_all(c->device);
	g_ptr_array_set_size(c->changes, 0);
	import_profile(c->device, main_profile, strlen(main_profile), "/prov/site/main.cfg",
		       imports_new("/prov/site/common/base.txt", base, NULL), NULL, &error);
	assert_remote_error(error, INVALID_ARG, "/prov/site/common/base.txt: line 2, column 1",
			    "codecs.txt", "/prov/site/common/codecs.txt", NULL);
	g_clear_error(&error);

	import_profile(c->device, main_profile, strlen(main_profile), "/prov/site/main.cfg", NULL,
		       NULL, &error);
	assert_remote_error(error, INVALID_ARG, "line 2, column 1", "/prov/site/common/base.txt",
			    NULL);
	g_clear_error(&error);

	import_profile(c->device, main_profile, strlen(main_profile), "/prov/site/main.cfg",
		       imports_new("/prov/site/common/base.txt", base,
				   "/prov/site/common/codecs.txt", "import base.txt\n", NULL),
		       NULL, &error);
	assert_remote_error(error, INVALID_ARG, "/prov/site/common/codecs.txt: line 1, column 1",
			    "import loop", "/prov/site/common/base.txt", NULL);
	g_clear_error(&error);

	sync_with_daemon(c);
	g_assert_cmpuint(c->changes->len, ==, 0);
	after = get_all(c->device);
	assert_same_values(before, after);
	tr_test_daemon_stop(d);
}

/* what a refused profile must leave as it was */
typedef struct {
	TrTest *t;
	TrTestDaemon *daemon;
	Client *client;
	GVariant *values;
	gchar *config;
} Unchanged;

static void
assert_unchanged(Unchanged *u)
{
	g_autofree gchar *path = config_path(u->t, "spa2102");
	g_autofree gchar *config = NULL;
	g_autoptr(GVariant) values = NULL;
	g_autoptr(GError) error = NULL;

	tr_test_daemon_assert_alive(u->daemon);
	values = get_all(u->client->device); /* it still answers */
	assert_same_values(u->values, values);
	g_assert_true(g_file_get_contents(path, &config, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(config, ==, u->config);
	drain_main_context();
	g_assert_cmpuint(u->client->changes->len, ==, 0);
}

/* refused with NAME and a message holding each of ...; nothing changed */
static void assert_refused(Unchanged *u, gconstpointer data, gsize len, const gchar *name,
			   ...) G_GNUC_NULL_TERMINATED;

static void
assert_refused(Unchanged *u, gconstpointer data, gsize len, const gchar *name, ...)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GRegex) position = g_regex_new("line [0-9]+, column [0-9]+", 0, 0, NULL);
	g_auto(GStrv) warnings = NULL;
	const gchar *needle;
	va_list ap;

	g_assert_false(
		import_profile(u->client->device, data, len, "bad.cfg", NULL, &warnings, &error));
	g_assert_null(warnings);
	assert_remote_error(error, name, NULL);
	g_test_message("refused: %s", error->message);
	if (!g_regex_match(position, error->message, 0, NULL))
		g_printerr("no position in '%s'\n", error->message);
	g_assert_true(g_regex_match(position, error->message, 0, NULL));
	va_start(ap, name);
	while ((needle = va_arg(ap, const gchar *)) != NULL)
		tr_test_assert_contains(error->message, needle);
	va_end(ap);
	/* a message for a person, not the input echoed back */
	g_assert_cmpuint(strlen(error->message), <, 4096);
	assert_unchanged(u);
}

/* peer to peer: a 50 MB message reaches the daemon itself, not a bus limit */
static void
test_import_malformed(TrTest *t)
{
	/* fifty parameters that all take the values given below */
	static const gchar fifty_names[] =
		"GPP_A GPP_B GPP_C GPP_D GPP_E GPP_F GPP_G GPP_H GPP_I GPP_J GPP_K "
		"GPP_L GPP_M GPP_N GPP_O GPP_P Display_Name_1_ Display_Name_2_ "
		"User_ID_1_ User_ID_2_ Auth_ID_1_ Auth_ID_2_ AVT_Codec_Name "
		"G711u_Codec_Name G711a_Codec_Name G726r16_Codec_Name "
		"G726r24_Codec_Name G726r32_Codec_Name G726r40_Codec_Name "
		"G729a_Codec_Name G729b_Codec_Name G723_Codec_Name EncapRTP_Codec_Name "
		"SIT1_RSC SIT2_RSC SIT3_RSC SIT4_RSC Try_Backup_RSC Retry_Reg_RSC "
		"SIP_User_Agent_Name SIP_Server_Name SIP_Reg_User_Agent_Name "
		"SIP_Accept_Language DTMF_Relay_MIME_Type Hook_Flash_MIME_Type "
		"HostName Domain PPPOE_Login_Name Line_Enable_2_ Password_1_";
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(GDBusConnection) connection = tr_test_connect_p2p(t->address, d);
	g_autoptr(Client) c = client_new(connection, NULL, DEVICE0_PATH);
	g_autofree gchar *path = config_path(t, "spa2102");
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) fifty = g_string_new("<flat-profile>\n");
	g_autoptr(GString) huge = NULL;
	g_autoptr(GString) deep = g_string_new(NULL);
	g_autofree guint32 *noise = g_new(guint32, 64 * 1024);
	g_auto(GStrv) warnings = NULL;
	g_auto(GStrv) good = g_strsplit(fifty_names, " ", -1);
	Unchanged u = {t, d, c, NULL, NULL};
	guint64 rss_before, rss_after[2];
	gint64 start, elapsed;

	/* a configuration on disk to compare with */
	tr_test_try_set_parameters(c->device, &error, "Display_Name_1_", "Front desk",
				   "Password_2_", SECRET, NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	g_ptr_array_set_size(c->changes, 0);
	u.values = get_all(c->device);
	g_assert_true(g_file_get_contents(path, &u.config, NULL, &error));
	g_assert_no_error(error);

	/* syntax: InvalidArgument, with the position */
	{
		static const gchar unclosed[] = "<flat-profile>\n"
						"  <GPP_A>changed</GPP_A>\n"
						"  <GPP_B>never closed\n"
						"</flat-profile>\n";
		static const gchar truncated[] = "<flat-profile>\n"
						 "  <GPP_A>changed</GPP_A>\n"
						 "  <GPP_B";
		static const gchar bad_escape[] = "GPP_A ! \"fine\" ;\n"
						  "GPP_B \"bad \\q escape\" ;\n";
		static const gchar unterminated[] = "GPP_A \"no end ;\n";

		assert_refused(&u, unclosed, strlen(unclosed), INVALID_ARG, "line 4, column",
			       "GPP_B", NULL);
		assert_refused(&u, truncated, strlen(truncated), INVALID_ARG, "line 3, column",
			       NULL);
		assert_refused(&u, bad_escape, strlen(bad_escape), INVALID_ARG, "line 2, column 12",
			       "\\q", NULL);
		assert_refused(&u, unterminated, strlen(unterminated), INVALID_ARG,
			       "line 1, column 7", NULL);
	}

	/* 256 KiB of noise */
	for (guint i = 0; i < 64 * 1024; i++)
		noise[i] = g_random_int();
	assert_refused(&u, noise, 256 * 1024, INVALID_ARG, "line ", NULL);

	/* a user access that does not exist */
	{
		static const gchar bad_ua[] = "<flat-profile>\n"
					      "  <GPP_A ua=\"admin\">changed</GPP_A>\n"
					      "</flat-profile>\n";

		/* InvalidParameter, as the D-Bus documentation says: the parameter,
		 * the value and what is allowed */
		assert_refused(&u, bad_ua, strlen(bad_ua), INVALID_PARAM,
			       "bad.cfg: line 2, column 3", "GPP_A", "\"admin\"",
			       "\"na\", \"ro\" or \"rw\"", NULL);
	}

	/* 100 elements deep */
	for (guint i = 0; i < 100; i++)
		g_string_append(deep, "<wrap>\n");
	g_string_append(deep, "<flat-profile><GPP_A>deep</GPP_A></flat-profile>\n");
	for (guint i = 0; i < 100; i++)
		g_string_append(deep, "</wrap>\n");
	assert_refused(&u, deep->str, deep->len, INVALID_ARG, "line 33, column 1", "nested", NULL);

	/* 50 MB of well-formed XML: refused at once, the daemon's memory bounded */
	huge = g_string_sized_new(50 * 1024 * 1024 + 64);
	g_string_append(huge, "<flat-profile>\n");
	while (huge->len < 50 * 1024 * 1024)
		g_string_append(huge,
				"  <GPP_A>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</GPP_A>\n");
	g_string_append(huge, "</flat-profile>\n");
	rss_before = daemon_rss_kib(d);
	for (guint attempt = 0; attempt < 2; attempt++) {
		start = g_get_monotonic_time();
		g_assert_false(import_profile(c->device, huge->str, huge->len, "bad.cfg", NULL,
					      NULL, &error));
		elapsed = g_get_monotonic_time() - start;
		assert_remote_error(error, INVALID_ARG, "line 1, column 1", "limit", NULL);
		g_clear_error(&error);
		g_assert_cmpint(elapsed, <, MAX_CALL_USEC);
		/* once the daemon is done with the call: a round trip in assert_unchanged */
		assert_unchanged(&u);
		rss_after[attempt] = daemon_rss_kib(d);
		g_test_message("50 MB refused in %" G_GINT64_FORMAT
			       " ms; daemon RSS %" G_GUINT64_FORMAT
			       " KiB before, %" G_GUINT64_FORMAT " KiB after",
			       elapsed / 1000, rss_before, rss_after[attempt]);
	}
	g_assert_cmpuint(rss_after[0], <, rss_before + MAX_RSS_GROWTH);
	/* what stays is a buffer reused, not a leak: a second try costs nothing more */
	g_assert_cmpuint(rss_after[1], <, rss_after[0] + MAX_RSS_REGROWTH);

	/* the same, gzip-compressed: small on the wire, refused as it inflates */
	{
		gsize zipped_len = 0;
		g_autofree gchar *zipped = gzip(huge->str, huge->len, &zipped_len);

		g_string_free(g_steal_pointer(&huge), TRUE);
		g_assert_cmpuint(zipped_len, <, 1024 * 1024);
		start = g_get_monotonic_time();
		assert_refused(&u, zipped, zipped_len, INVALID_ARG, "line 1, column 1", "gzip",
			       "limit", NULL);
		elapsed = g_get_monotonic_time() - start;
		g_assert_cmpint(elapsed, <, MAX_CALL_USEC);
		g_assert_cmpuint(daemon_rss_kib(d), <, rss_before + MAX_RSS_GROWTH);
	}

	/* one bad value among fifty good ones: InvalidParameter, nothing applied */
	for (guint i = 0; good[i] != NULL; i++) {
		if (i == 25)
			g_string_append(fifty,
					"  <Register_Expires_1_>forever</Register_Expires_1_>\n");
		if (g_str_equal(good[i], "Line_Enable_2_"))
			g_string_append(fifty, "  <Line_Enable_2_>no</Line_Enable_2_>\n");
		else if (g_str_equal(good[i], "Password_1_"))
			g_string_append(fifty, "  <Password_1_>" SECRET "</Password_1_>\n");
		else
			g_string_append_printf(fifty, "  <%s>value %u</%s>\n", good[i], i, good[i]);
	}
	g_string_append(fifty, "</flat-profile>\n");
	assert_refused(&u, fifty->str, fifty->len, INVALID_PARAM, "bad.cfg: line 27, column 3",
		       "Register_Expires_1_", "'forever'", NULL);
	g_assert_cmpuint(g_strv_length(good), ==, 50);

	/* without the bad one the same fifty apply, every one of them */
	{
		g_autofree gchar *fine = g_strdup(fifty->str);
		gchar *bad = strstr(fine, "  <Register_Expires_1_>forever");
		gchar *next = strchr(bad, '\n') + 1;
		memmove(bad, next, strlen(next) + 1);
		g_assert_true(import_profile(c->device, fine, strlen(fine), "good.cfg", NULL,
					     &warnings, &error));
		g_assert_no_error(error);
		g_assert_cmpstrv(warnings, (const gchar *const[]){NULL});
		g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
		sync_with_daemon(c);
		g_assert_cmpuint(c->changes->len, ==, 1);
		g_assert_cmpuint(g_strv_length(g_ptr_array_index(c->changes, 0)), ==, 50);
		tr_test_assert_parameter(c->device, "AVT_Codec_Name", "value 22");
		tr_test_assert_parameter(c->device, "Line_Enable_2_", "no");
	}

	g_clear_pointer(&u.values, g_variant_unref);
	g_clear_pointer(&u.config, g_free);
	g_clear_pointer(&c, client_free);
	g_dbus_connection_close_sync(connection, NULL, NULL);
	tr_test_daemon_stop(d);
	g_assert_true(tr_test_daemon_output_contains(d, "a profile was refused"));
	g_assert_false(tr_test_daemon_output_contains(d, SECRET));
}

/* every parameter of an admin profile has its ua= */
static void
assert_admin_export(TrDbusDevice *device, const gchar *admin)
{
	g_autoptr(GVariant) values = get_all(device);
	GVariantIter iter;
	const gchar *name;

	g_assert_true(g_str_has_prefix(admin, "<?xml"));
	g_assert_cmpuint(tr_test_count_occurrences(admin, " ua=\""), ==,
			 tr_dbus_device_get_parameter_count(device));
	g_variant_iter_init(&iter, values);
	while (g_variant_iter_next(&iter, "{&s&s}", &name, NULL)) {
		g_autofree gchar *open = g_strdup_printf("<%s ua=\"", name);
		tr_test_assert_contains(admin, open);
	}
}

/* the user level: exactly the parameters that are not na in the admin profile */
static void
assert_user_export(TrDbusDevice *device, const gchar *admin, const gchar *user)
{
	g_autoptr(GVariant) values = get_all(device);
	GVariantIter iter;
	const gchar *name;
	guint shown = 0, hidden = 0;

	tr_test_assert_lacks(user, "ua=\"na\"");
	g_variant_iter_init(&iter, values);
	while (g_variant_iter_next(&iter, "{&s&s}", &name, NULL)) {
		g_autofree gchar *na = g_strdup_printf("<%s ua=\"na\"", name);
		g_autofree gchar *open = g_strdup_printf("<%s ", name);
		if (strstr(admin, na) != NULL) {
			tr_test_assert_lacks(user, open);
			hidden++;
		} else {
			tr_test_assert_contains(user, open);
			shown++;
		}
	}
	g_assert_cmpuint(shown, >, 0);
	g_assert_cmpuint(hidden, >, 0);
	g_assert_cmpuint(tr_test_count_occurrences(user, " ua=\""), ==, shown);
}

static const gchar *const ata_and_phone[] = {"SPA2102", "SPA942:desk", NULL};

static void
test_export(TrTest *t)
{
	/* user access and values that escape, set through a profile */
	static const gchar setup[] = "<flat-profile>\n"
				     "  <SIP_Transport_1_ ua=\"rw\">TLS</SIP_Transport_1_>\n"
				     "  <Display_Name_1_ ua=\"ro\">A &amp; B &lt;c&gt; \"d\" 'e' "
				     "\\ \xe2\x98\xba</Display_Name_1_>\n"
				     "  <Proxy_1_ ua=\"rw\">sip.example.com</Proxy_1_>\n"
				     "  <GPP_A ua=\"ro\">$MA;#not a comment</GPP_A>\n"
				     "  <Line_Enable_2_>no</Line_Enable_2_>\n"
				     "  <Register_Expires_2_>120</Register_Expires_2_>\n"
				     "  <Web_Server_Port>8080</Web_Server_Port>\n"
				     "  <Connection_Type ua=\"na\">Static IP</Connection_Type>\n"
				     "</flat-profile>\n";
	g_autofree gchar *other_state = g_build_filename(t->dir, "other", NULL);
	g_autofree gchar *other_socket = g_build_filename(t->dir, "other-sock", NULL);
	g_autofree gchar *other_address = g_strdup_printf("unix:path=%s", other_socket);
	const gchar *const paths[] = {DEVICE0_PATH, DEVICE1_PATH, NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, ata_and_phone);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusDevice) desk = device_at(c->objects, DEVICE1_PATH);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *admin = NULL;
	g_autofree gchar *user = NULL;
	g_autofree gchar *admin_text = NULL;
	g_autofree gchar *user_text = NULL;
	g_autofree gchar *result = NULL;
	g_auto(GStrv) warnings = NULL;
	TrTestDaemon *other;
	g_autoptr(GDBusConnection) other_connection = NULL;
	g_autoptr(GDBusObjectManager) other_objects = NULL;

	warnings = import_ok(c->device, setup, "setup.xml", NULL);
	g_assert_cmpstrv(warnings, (const gchar *const[]){NULL});
	tr_test_try_set_parameters(c->device, &error, "Password_1_", SECRET, "User_Password",
				   SECRET2, NULL);
	g_assert_no_error(error);
	tr_test_try_set_parameters(desk, &error, "SIP_Transport_4_", "TCP", "Password_3_", SECRET,
				   "GPP_P", "x<y&z", NULL);
	g_assert_no_error(error);

	/* admin, xml: everything, passwords included, each with its access */
	admin = export_profile(c->device, "xml", "admin");
	assert_admin_export(c->device, admin);
	tr_test_assert_contains(admin, "<flat-profile>");
	tr_test_assert_contains(admin, "<Password_1_ ua=\"na\">" SECRET "</Password_1_>");
	/* the web login password only as its hash */
	tr_test_assert_contains(admin, "<User_Password ua=\"rw\">$pbkdf2-sha256$");
	tr_test_assert_lacks(admin, SECRET2);
	tr_test_assert_contains(admin, "<SIP_Transport_1_ ua=\"rw\">TLS</SIP_Transport_1_>");
	tr_test_assert_contains(admin, "<Connection_Type ua=\"na\">Static IP</Connection_Type>");

	/* user, xml: what the user may see, no password text */
	user = export_profile(c->device, "xml", "user");
	assert_user_export(c->device, admin, user);
	tr_test_assert_lacks(user, SECRET);
	tr_test_assert_lacks(user, SECRET2);
	tr_test_assert_lacks(user, "<Password_1_");
	tr_test_assert_lacks(user, "<Connection_Type");
	tr_test_assert_contains(user, "<User_Password ua=\"rw\"/>");
	tr_test_assert_contains(user, "<SIP_Transport_1_ ua=\"rw\">TLS</SIP_Transport_1_>");

	/* text */
	admin_text = export_profile(c->device, "text", "admin");
	g_assert_true(g_str_has_prefix(admin_text, "# "));
	tr_test_assert_lacks(admin_text, "flat-profile");
	tr_test_assert_contains(admin_text, "\nPassword[1] \"" SECRET "\" ;\n");
	tr_test_assert_contains(admin_text, "\nUser_Password ! \"$pbkdf2-sha256$");
	tr_test_assert_lacks(admin_text, SECRET2);
	tr_test_assert_contains(admin_text, "\nSIP_Transport[1] ! \"TLS\" ;\n");
	tr_test_assert_contains(admin_text, "\nDisplay_Name[1] ? \"A & B <c> \\\"d\\\" 'e' \\\\ ");
	user_text = export_profile(c->device, "text", "user");
	tr_test_assert_lacks(user_text, SECRET);
	tr_test_assert_lacks(user_text, SECRET2);
	tr_test_assert_lacks(user_text, "\nPassword[1]");
	tr_test_assert_contains(user_text, "\nUser_Password ! ;\n");
	tr_test_assert_contains(user_text, "\nSIP_Transport[1] ! \"TLS\" ;\n");

	/* unknown format or level */
	tr_dbus_device_call_export_profile_sync(c->device, "json", "admin", &result, NULL, &error);
	assert_remote_error(error, INVALID_ARG, "'json'", NULL);
	g_assert_null(result);
	g_clear_error(&error);
	tr_dbus_device_call_export_profile_sync(c->device, "xml", "root", &result, NULL, &error);
	assert_remote_error(error, INVALID_ARG, "'root'", NULL);
	g_clear_error(&error);
	tr_dbus_device_call_export_profile_sync(c->device, "", "", &result, NULL, &error);
	assert_remote_error(error, INVALID_ARG, NULL);
	g_clear_error(&error);

	/* round trip: a second daemon with nothing configured, peer to peer */
	other = tr_test_start_p2p_daemon_at(t, other_address, other_state, ata_and_phone);
	other_connection = tr_test_connect_p2p(other_address, other);
	other_objects = object_manager_new(other_connection, NULL);
	for (guint i = 0; paths[i] != NULL; i++) {
		g_autoptr(TrDbusDevice) from = device_at(c->objects, paths[i]);
		g_autoptr(TrDbusDevice) to = device_at(other_objects, paths[i]);
		g_autoptr(GVariant) expected = get_all(from);
		g_autoptr(GVariant) fresh = get_all(to);
		g_autoptr(GVariant) via_xml = NULL;
		g_autoptr(GVariant) via_text = NULL;
		g_autofree gchar *xml = export_profile(from, "xml", "admin");
		g_autofree gchar *text = export_profile(from, "text", "admin");
		g_autofree gchar *xml_again = NULL;
		g_autofree gchar *text_again = NULL;
		g_auto(GStrv) w1 = NULL;
		g_auto(GStrv) w2 = NULL;

		g_assert_false(g_variant_equal(expected, fresh));
		w1 = import_ok(to, xml, "admin.xml", NULL);
		g_assert_cmpstrv(w1, (const gchar *const[]){NULL});
		via_xml = get_all(to);
		assert_same_values(expected, via_xml);
		/* passwords and access too: the profile comes back the same */
		xml_again = export_profile(to, "xml", "admin");
		g_assert_cmpstr(xml_again, ==, xml);

		tr_dbus_device_call_factory_reset_sync(to, NULL, &error);
		g_assert_no_error(error);
		w2 = import_ok(to, text, "admin.cfg", NULL);
		g_assert_cmpstrv(w2, (const gchar *const[]){NULL});
		via_text = get_all(to);
		assert_same_values(expected, via_text);
		text_again = export_profile(to, "text", "admin");
		g_assert_cmpstr(text_again, ==, text);
	}
	g_clear_object(&other_objects);
	g_dbus_connection_close_sync(other_connection, NULL, NULL);
	tr_test_daemon_stop(other);
	g_clear_object(&desk);
	g_clear_pointer(&c, client_free);
	tr_test_daemon_stop(d);
	g_assert_false(tr_test_daemon_output_contains(d, SECRET));
	g_assert_false(tr_test_daemon_output_contains(other, SECRET));
}

/* remote provisioning: Resync() against an HTTP server of the test's own */

static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* the values of Resyncing in PropertiesChanged, in order */
static void
resyncing_changed_cb(GDBusProxy *proxy, GVariant *changed, const gchar *const *invalidated,
		     GArray *seen)
{
	gboolean value;

	if (g_variant_lookup(changed, "Resyncing", "b", &value))
		g_array_append_val(seen, value);
}

/* true, then false */
static gboolean
resync_went_by(gconstpointer data)
{
	const GArray *seen = data;

	return seen->len >= 2 && g_array_index(seen, gboolean, seen->len - 2) &&
	       !g_array_index(seen, gboolean, seen->len - 1);
}

typedef struct {
	TrDbusDevice *device;
	const gchar *result;
	const gchar *error;
	gint64 since;
} ResyncWait;

static gboolean
resync_is_over(gconstpointer data)
{
	const ResyncWait *w = data;

	return !tr_dbus_device_get_resyncing(w->device) &&
	       g_strcmp0(tr_dbus_device_get_last_resync_result(w->device), w->result) == 0 &&
	       g_strcmp0(tr_dbus_device_get_last_resync_error(w->device), w->error) == 0 &&
	       tr_dbus_device_get_last_resync_time(w->device) >= w->since;
}

/* the LastResync* properties, as the proxy sees them once the signal is in */
static void
assert_last_resync(TrDbusDevice *device, const gchar *result, const gchar *error, gint64 since)
{
	ResyncWait w = {device, result, error, since};
	gint64 when;

	if (!tr_test_wait_until(resync_is_over, &w))
		g_printerr("LastResyncResult '%s', LastResyncError '%s', LastResyncTime "
			   "%" G_GINT64_FORMAT
			   ", Resyncing %d; expected '%s', '%s', from %" G_GINT64_FORMAT "\n",
			   tr_dbus_device_get_last_resync_result(device),
			   tr_dbus_device_get_last_resync_error(device),
			   tr_dbus_device_get_last_resync_time(device),
			   tr_dbus_device_get_resyncing(device), result, error, since);
	g_assert_true(resync_is_over(&w));
	when = tr_dbus_device_get_last_resync_time(device);
	g_assert_cmpint(when, <=, now_s());
	g_assert_cmpint(when, >, now_s() - 60);
}

/* what a refused resync must leave as it is: taken now */
static void
unchanged_snapshot(Unchanged *u)
{
	g_autofree gchar *path = config_path(u->t, "spa2102");
	g_autoptr(GError) error = NULL;

	sync_with_daemon(u->client);
	g_ptr_array_set_size(u->client->changes, 0);
	g_clear_pointer(&u->values, g_variant_unref);
	g_clear_pointer(&u->config, g_free);
	u->values = get_all(u->client->device);
	g_assert_true(g_file_get_contents(path, &u->config, NULL, &error));
	g_assert_no_error(error);
}

static const gchar resync_profile[] = "<flat-profile>\n"
				      "  <GPP_A>from the server</GPP_A>\n"
				      "  <Display_Name_1_>Provisioned</Display_Name_1_>\n"
				      "  <Register_Expires_1_>900</Register_Expires_1_>\n"
				      "</flat-profile>\n";

static void
test_resync_http(TrTest *t)
{
	const gchar *const changed[] = {"GPP_A", "Register_Expires_1_", "Display_Name_1_", NULL};
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrTestHttp) server = tr_test_http_new(NULL);
	g_autoptr(GArray) resyncing = g_array_new(FALSE, FALSE, sizeof(gboolean));
	g_autofree gchar *digits = tr_test_mac_digits(tr_dbus_device_get_mac_address(c->device));
	g_autofree gchar *path = g_strdup_printf("/spa%s.xml", digits);
	g_autofree gchar *rule = tr_test_http_url(server, "/spa$MA.xml");
	g_autoptr(GError) error = NULL;
	gint64 before;

	g_assert_cmpuint(strlen(digits), ==, 12);
	tr_test_http_serve(server, path, SOUP_STATUS_OK, resync_profile);
	tr_test_try_set_parameters(c->device, &error, "Profile_Rule", rule, NULL);
	g_assert_no_error(error);
	tr_test_assert_parameter(c->device, "Profile_Rule", rule);
	sync_with_daemon(c);
	g_ptr_array_set_size(c->changes, 0);
	g_signal_connect(c->device, "g-properties-changed", G_CALLBACK(resyncing_changed_cb),
			 resyncing);

	before = now_s();
	g_assert_true(tr_dbus_device_call_resync_sync(c->device, NULL, &error));
	g_assert_no_error(error);

	/* $MA: the device's MAC without colons; nothing else was asked for */
	g_assert_cmpuint(tr_test_http_hits(server, path), >=, 1);
	g_assert_cmpuint(tr_test_http_hits(server, NULL), ==, tr_test_http_hits(server, path));

	/* Resyncing went true, then false; the rest came with it */
	g_assert_true(tr_test_wait_until(resync_went_by, resyncing));
	g_assert_true(g_array_index(resyncing, gboolean, 0));
	assert_last_resync(c->device, "success", "", before);

	tr_test_assert_parameter(c->device, "GPP_A", "from the server");
	tr_test_assert_parameter(c->device, "Display_Name_1_", "Provisioned");
	tr_test_assert_parameter(c->device, "Register_Expires_1_", "900");
	g_assert_true(tr_test_wait_until(array_not_empty, c->changes));
	sync_with_daemon(c);
	assert_changes(c, changed);

	g_signal_handlers_disconnect_by_data(c->device, resyncing);
	tr_test_daemon_stop(d);
}

static void
test_resync_failure(TrTest *t)
{
	static const gchar bad_profile[] = "<flat-profile>\n"
					   "  <GPP_A>from the server</GPP_A>\n"
					   "  <Line_Enable_1_>maybe</Line_Enable_1_>\n"
					   "</flat-profile>\n";
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrTestHttp) server = tr_test_http_new(NULL);
	g_autofree gchar *missing = tr_test_http_url(server, "/missing.xml");
	g_autofree gchar *bad = tr_test_http_url(server, "/bad.xml");
	g_autoptr(GError) error = NULL;
	Unchanged u = {t, d, c, NULL, NULL};
	gint64 before, when;
	guint hits;

	tr_test_http_serve(server, "/bad.xml", SOUP_STATUS_OK, bad_profile);

	/* 404, with Resync_Fails_On_FNF: a failure, saying so */
	tr_test_try_set_parameters(c->device, &error, "Profile_Rule", missing,
				   "Resync_Fails_On_FNF", "yes", "GPP_A", "before", NULL);
	g_assert_no_error(error);
	unchanged_snapshot(&u);
	before = now_s();
	g_assert_false(tr_dbus_device_call_resync_sync(c->device, NULL, &error));
	assert_remote_error(error, ERROR_NAME "NotFound", "Profile_Rule", missing, "404", NULL);
	g_test_message("404: %s", error->message);
	assert_last_resync(c->device, "failed", error->message, before);
	g_assert_cmpstr(tr_dbus_device_get_last_resync_error(c->device), !=, "");
	g_assert_cmpuint(tr_test_http_hits(server, "/missing.xml"), >=, 1);
	assert_unchanged(&u);
	g_clear_error(&error);

	/* a bad value: the profile's good values are not applied either */
	tr_test_try_set_parameters(c->device, &error, "Profile_Rule", bad, NULL);
	g_assert_no_error(error);
	unchanged_snapshot(&u);
	before = now_s();
	g_assert_false(tr_dbus_device_call_resync_sync(c->device, NULL, &error));
	assert_remote_error(error, ERROR_NAME "InvalidParameter", "Profile_Rule", bad,
			    "Line_Enable_1_", "'maybe'", NULL);
	g_test_message("bad value: %s", error->message);
	assert_last_resync(c->device, "failed", error->message, before);
	assert_unchanged(&u);
	tr_test_assert_parameter(c->device, "GPP_A", "before");
	g_clear_error(&error);

	/* without Resync_Fails_On_FNF a missing file is skipped */
	tr_test_try_set_parameters(c->device, &error, "Profile_Rule", missing,
				   "Resync_Fails_On_FNF", "no", NULL);
	g_assert_no_error(error);
	unchanged_snapshot(&u);
	before = now_s();
	g_assert_true(tr_dbus_device_call_resync_sync(c->device, NULL, &error));
	g_assert_no_error(error);
	assert_last_resync(c->device, "success", "", before);
	assert_unchanged(&u);

	/* Provision_Enable = no: refused, nothing fetched, the last result kept */
	tr_test_try_set_parameters(c->device, &error, "Provision_Enable", "no", "Profile_Rule", bad,
				   NULL);
	g_assert_no_error(error);
	unchanged_snapshot(&u);
	hits = tr_test_http_hits(server, NULL);
	when = tr_dbus_device_get_last_resync_time(c->device);
	g_assert_false(tr_dbus_device_call_resync_sync(c->device, NULL, &error));
	assert_remote_error(error, ERROR_NAME "AccessDenied", "Provision_Enable", NULL);
	assert_unchanged(&u);
	g_assert_cmpuint(tr_test_http_hits(server, NULL), ==, hits);
	g_assert_cmpstr(tr_dbus_device_get_last_resync_result(c->device), ==, "success");
	g_assert_cmpint(tr_dbus_device_get_last_resync_time(c->device), ==, when);
	g_assert_false(tr_dbus_device_get_resyncing(c->device));

	g_clear_pointer(&u.values, g_variant_unref);
	g_clear_pointer(&u.config, g_free);
	tr_test_daemon_stop(d);
}

/* registration against sipp, a SIP registrar that follows a scenario */

/* 503 with Retry-After: 7 */
static const gchar sipp_503[] =
	TR_TEST_SIPP_SCENARIO("  <recv request=\"REGISTER\"/>\n" TR_TEST_SIPP_ANSWER(
		"503 Service Unavailable", "Retry-After: 7\n"));
/* too brief: at least 1800 s; then 200 for 1800 s and for the un-REGISTER */
static const gchar sipp_423[] = TR_TEST_SIPP_SCENARIO(
	"  <recv request=\"REGISTER\"/>\n" TR_TEST_SIPP_ANSWER(
		"423 Interval Too Brief", "Min-Expires: 1800\n") TR_TEST_SIPP_REGISTER("e1", "1800")
		TR_TEST_SIPP_ANSWER("200 OK", "[last_Contact:];expires=1800\n")
			TR_TEST_SIPP_REGISTER("e2", "0") TR_TEST_SIPP_ANSWER("200 OK", ""));

typedef struct {
	TrDbusLine *line;
	const gchar *state;
	guint code; /* of LastResponse; 0: any */
} LineWait;

static guint
last_code(TrDbusLine *line)
{
	GVariant *response = tr_dbus_line_get_last_response(line);
	guint code = 0;

	if (response != NULL)
		g_variant_get(response, "(u&s)", &code, NULL);
	return code;
}

static gboolean
line_reached(gconstpointer data)
{
	const LineWait *w = data;

	return g_strcmp0(tr_dbus_line_get_registration_state(w->line), w->state) == 0 &&
	       (w->code == 0 || last_code(w->line) == w->code);
}

/* reached, or "failed", which stays until the parameters change */
static gboolean
line_reached_or_failed(gconstpointer data)
{
	const LineWait *w = data;

	return line_reached(w) ||
	       g_strcmp0(tr_dbus_line_get_registration_state(w->line), "failed") == 0;
}

static void
wait_line(TrDbusLine *line, const gchar *state, guint code)
{
	LineWait w = {line, state, code};

	tr_test_wait_until(line_reached_or_failed, &w);
	if (!line_reached(&w))
		g_printerr("line: '%s', LastResponse %u, LastError '%s'; expected '%s', %u\n",
			   tr_dbus_line_get_registration_state(line), last_code(line),
			   tr_dbus_line_get_last_error(line), state, code);
	g_assert_true(line_reached(&w));
}

static void
assert_last_response(TrDbusLine *line, guint code, const gchar *phrase)
{
	GVariant *response = tr_dbus_line_get_last_response(line);
	const gchar *words = NULL;
	guint got = 0;

	g_assert_nonnull(response);
	g_variant_get(response, "(u&s)", &got, &words);
	g_assert_cmpuint(got, ==, code);
	g_assert_cmpstr(words, ==, phrase);
}

static void
test_registration_sipp(TrTest *t)
{
	guint registrar = tr_test_free_udp_port("127.0.0.1");
	guint sip_port = tr_test_free_udp_port("0.0.0.0");
	g_autofree gchar *proxy = NULL;
	g_autofree gchar *sip_port_value = NULL;
	TrTestDaemon *d = tr_test_start_session_daemon(t, NULL, spa2102);
	g_autoptr(Client) c = client_new_session();
	g_autoptr(TrDbusLine) line = line_at(c->objects, LINE1_PATH);
	g_autoptr(TrDbusLine) line2 = line_at(c->objects, LINE2_PATH);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrTestSipp) ok = NULL;
	g_autoptr(TrTestSipp) unavailable = NULL;
	g_autoptr(TrTestSipp) brief = NULL;
	gint64 before, after;

	while (sip_port == registrar)
		sip_port = tr_test_free_udp_port("0.0.0.0");
	proxy = g_strdup_printf("127.0.0.1:%u", registrar);
	sip_port_value = g_strdup_printf("%u", sip_port);
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line), ==, "unregistered");
	assert_last_response(line, 0, "");

	/* 200 OK for 120 s */
	ok = tr_test_sipp_start(t, "ok", tr_test_sipp_ok, registrar);
	before = now_s();
	tr_test_try_set_parameters(c->device, &error, "Proxy_1_", proxy, "User_ID_1_", "1001",
				   "SIP_Port_1_", sip_port_value, "Register_Expires_1_", "120",
				   "Line_Enable_2_", "no", "Reg_Retry_Intvl", "1",
				   "Reg_Retry_Random_Delay", "0", NULL);
	g_assert_no_error(error);
	wait_line(line, "registered", 200);
	after = now_s();
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), >=, before + 120);
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), <=, after + 120);
	/* the refresh comes before the binding ends */
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), >, after);
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), <,
			tr_dbus_line_get_registered_until(line));
	assert_last_response(line, 200, "OK");
	g_assert_cmpstr(tr_dbus_line_get_last_error(line), ==, "");
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line2), ==, "unregistered");

	/* Unregister(): an un-REGISTER (Expires: 0), and the line stays so */
	g_assert_true(tr_dbus_line_call_unregister_sync(line, NULL, &error));
	g_assert_no_error(error);
	wait_line(line, "unregistered", 0);
	tr_test_sipp_assert_passed(ok);
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), ==, 0);
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), ==, 0);
	g_assert_cmpuint(tr_dbus_line_get_next_registration_in(line), ==, 0);

	/* 503 with Retry-After: 7: back off for 7 s, not Reg_Retry_Intvl's 1 */
	unavailable = tr_test_sipp_start(t, "unavailable", sipp_503, registrar);
	before = now_s();
	g_assert_true(tr_dbus_line_call_register_sync(line, NULL, &error));
	g_assert_no_error(error);
	wait_line(line, "backoff", 503);
	after = now_s();
	tr_test_sipp_assert_passed(unavailable);
	assert_last_response(line, 503, "Service Unavailable");
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), >=, before + 7);
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), <=, after + 7);
	g_assert_cmpuint(tr_dbus_line_get_next_registration_in(line), >=, 6);
	g_assert_cmpuint(tr_dbus_line_get_next_registration_in(line), <=, 7);
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), ==, 0);
	g_assert_cmpstr(tr_dbus_line_get_last_error(line), !=, "");
	tr_test_assert_contains(tr_dbus_line_get_last_error(line), "503");

	/* 423 with Min-Expires: 1800, during the back-off: the next REGISTER asks for 1800 s */
	brief = tr_test_sipp_start(t, "brief", sipp_423, registrar);
	before = now_s();
	g_assert_true(tr_dbus_line_call_register_sync(line, NULL, &error));
	g_assert_no_error(error);
	wait_line(line, "registered", 200);
	after = now_s();
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), >=, before + 1800);
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), <=, after + 1800);
	assert_last_response(line, 200, "OK");
	g_assert_cmpstr(tr_dbus_line_get_last_error(line), ==, "");
	g_assert_true(tr_dbus_line_call_unregister_sync(line, NULL, &error));
	g_assert_no_error(error);
	wait_line(line, "unregistered", 0);
	tr_test_sipp_assert_passed(brief);

	g_clear_object(&line);
	g_clear_object(&line2);
	g_clear_pointer(&c, client_free);
	tr_test_daemon_stop(d);
	g_assert_false(tr_test_daemon_output_contains(d, "cannot listen"));
}

typedef struct {
	TrDbusLine *line;
	const gchar *error;
} ErrorWait;

static gboolean
line_error_is(gconstpointer data)
{
	const ErrorWait *w = data;
	return g_strcmp0(tr_dbus_line_get_last_error(w->line), w->error) == 0;
}

/* a transport without its plugin: "failed", saying why, and no fallback */
static void
test_registration_no_transport(TrTest *t)
{
	g_auto(GStrv) dirs = g_strsplit(g_getenv("TIPRING_PLUGIN_PATH"), ":", -1);
	g_autoptr(GPtrArray) kept = g_ptr_array_new();
	g_autofree gchar *path = NULL;
	g_autofree gchar *env_path = NULL;
	TrTestDaemon *d;
	g_autoptr(GDBusConnection) bus = NULL;
	g_autoptr(TrDbusManager) manager = NULL;
	g_autoptr(Client) c = NULL;
	g_autoptr(TrDbusLine) line = NULL;
	g_autoptr(GError) error = NULL;
	ErrorWait tcp = {NULL, "no transport plugin for TCP is loaded"};
	GVariant *plugins;
	GVariantIter iter;
	const gchar *kind;

	/* the device backends only */
	for (guint i = 0; dirs[i] != NULL; i++) {
		g_autofree gchar *base = g_path_get_basename(dirs[i]);
		if (!g_str_has_prefix(base, "transport-"))
			g_ptr_array_add(kept, dirs[i]);
	}
	g_ptr_array_add(kept, NULL);
	path = g_strjoinv(":", (gchar **)kept->pdata);
	env_path = g_strconcat("TIPRING_PLUGIN_PATH=", path, NULL);
	d = tr_test_start_session_daemon(t, (const gchar *const[]){env_path, NULL}, spa2102);
	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, NULL);
	manager = manager_new(bus, BUS_NAME);
	plugins = tr_dbus_manager_get_plugins(manager);
	g_assert_nonnull(plugins);
	g_variant_iter_init(&iter, plugins);
	while (g_variant_iter_next(&iter, "(&s&s&s&s)", NULL, &kind, NULL, NULL))
		g_assert_cmpstr(kind, !=, "transport");

	c = client_new_session();
	line = line_at(c->objects, LINE1_PATH);
	tcp.line = line;
	tr_test_try_set_parameters(c->device, &error, "Proxy_1_", "127.0.0.1:5999", "User_ID_1_",
				   "1001", "Line_Enable_2_", "no", NULL);
	g_assert_no_error(error);
	wait_line(line, "failed", 0);
	tr_test_assert_contains(tr_dbus_line_get_last_error(line),
				"no transport plugin for UDP is loaded");
	assert_last_response(line, 0, "");
	g_assert_cmpint(tr_dbus_line_get_next_registration_at(line), ==, 0);
	g_assert_cmpint(tr_dbus_line_get_registered_until(line), ==, 0);

	/* another transport: the same */
	tr_test_try_set_parameters(c->device, &error, "SIP_Transport_1_", "TCP", NULL);
	g_assert_no_error(error);
	g_assert_true(tr_test_wait_until(line_error_is, &tcp));
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line), ==, "failed");

	/* Register() cannot help */
	g_assert_true(tr_dbus_line_call_register_sync(line, NULL, &error));
	g_assert_no_error(error);
	sync_with_daemon(c);
	wait_line(line, "failed", 0);
	tr_test_daemon_assert_alive(d);

	g_clear_object(&line);
	g_clear_pointer(&c, client_free);
	tr_test_daemon_stop(d);
}

static const TrTestCase tests[] = {
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
	{"/dbus/profile/import-xml", test_import_xml},
	{"/dbus/profile/import-gzip", test_import_gzip},
	{"/dbus/profile/import-text", test_import_text},
	{"/dbus/profile/import-malformed", test_import_malformed},
	{"/dbus/profile/export", test_export},
	{"/dbus/resync/http", test_resync_http},
	{"/dbus/resync/failure", test_resync_failure},
	{"/dbus/registration/sipp", test_registration_sipp, tr_test_missing_sipp},
	{"/dbus/registration/no-transport", test_registration_no_transport},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	tr_test_add_isolated(tests, G_N_ELEMENTS(tests), "tipring-test-dbus-XXXXXX",
			     TR_TEST_SESSION_BUS);
	return g_test_run();
}
