/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-test-line.h"

#include <signal.h>
#include <string.h>

#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define LINE1_PATH   DEVICE0_PATH "/Line/1"
#define POLL_MS	     20

/* parameters */

static GVariant *
parameters_new_valist(const gchar *name, va_list ap)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	for (; name != NULL; name = va_arg(ap, const gchar *))
		g_variant_builder_add(&builder, "{ss}", name, va_arg(ap, const gchar *));
	return g_variant_builder_end(&builder);
}

gboolean
tr_test_try_set_parameters(TrDbusDevice *device, GError **error, const gchar *name, ...)
{
	GVariant *values;
	va_list ap;

	va_start(ap, name);
	values = parameters_new_valist(name, ap);
	va_end(ap);
	return tr_dbus_device_call_set_parameters_sync(device, values, NULL, error);
}

void
tr_test_set_parameters(TrDbusDevice *device, const gchar *name, ...)
{
	g_autoptr(GError) error = NULL;
	GVariant *values;
	va_list ap;

	va_start(ap, name);
	values = parameters_new_valist(name, ap);
	va_end(ap);
	tr_dbus_device_call_set_parameters_sync(device, values, NULL, &error);
	g_assert_no_error(error);
}

void
tr_test_set_parameter_pairs(TrDbusDevice *device, GPtrArray *pairs)
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
	tr_dbus_device_call_set_parameters_sync(device, g_variant_builder_end(&builder), NULL,
						&error);
	g_assert_no_error(error);
}

gchar *
tr_test_get_parameter(TrDbusDevice *device, const gchar *name)
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

void
tr_test_assert_parameter(TrDbusDevice *device, const gchar *name, const gchar *expected)
{
	g_autofree gchar *value = tr_test_get_parameter(device, name);

	if (g_strcmp0(value, expected) != 0)
		g_printerr("%s over D-Bus is '%s', expected '%s'\n", name, value, expected);
	g_assert_cmpstr(value, ==, expected);
}

/* line 1 of a tipringd */

void
tr_test_line_print_daemon_log(TrTestLine *l)
{
	g_autofree gchar *log = NULL;

	g_file_get_contents(l->daemon_log, &log, NULL, NULL);
	g_printerr("tipringd's log:\n%s\n", log != NULL ? log : "");
}

static void
assert_daemon_alive(TrTestLine *l)
{
	if (!l->exited || l->stopping)
		return;
	g_printerr("tipringd exited\n");
	tr_test_line_print_daemon_log(l);
	g_assert_false(l->exited);
}

static gboolean
wake_cb(gpointer data)
{
	guint *id = data;

	*id = 0;
	return G_SOURCE_REMOVE;
}

gboolean
tr_test_line_wait(TrTestLine *l, TrTestLineCondition cond, gconstpointer arg, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	for (;;) {
		guint id;

		if (cond != NULL && cond(l, arg))
			return TRUE;
		if (g_get_monotonic_time() >= deadline)
			return FALSE;
		if (l->d != NULL)
			assert_daemon_alive(l);
		id = g_timeout_add(POLL_MS, wake_cb, &id);
		while (id != 0)
			g_main_context_iteration(NULL, TRUE);
	}
}

void
tr_test_line_start_daemon(TrTestLine *l, guint deadline_ms, const gchar *const *args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObject) device_object = NULL;
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	gint64 deadline = g_get_monotonic_time() + (gint64)deadline_ms * 1000;
	const gchar *const head[] = {g_getenv("TIPRINGD"), "-v",	  "--p2p",
				     l->t->address,	   "--state-dir", l->t->state_dir,
				     "--device",	   "SPA2102"};

	l->deadline_ms = deadline_ms;
	l->daemon_log = g_build_filename(l->t->dir, "tipringd.log", NULL);
	for (guint i = 0; i < G_N_ELEMENTS(head); i++)
		g_ptr_array_add(argv, (gpointer)head[i]);
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	tr_test_launcher_apply_env(launcher, NULL);
	g_subprocess_launcher_set_stdout_file_path(launcher, l->daemon_log);
	g_subprocess_launcher_set_stderr_file_path(launcher, l->daemon_log);
	tr_test_launcher_die_with_test(launcher);
	l->d = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	tr_test_watch_exit(l->d, &l->exited);
	/* until it listens */
	while (l->connection == NULL) {
		g_clear_error(&error);
		l->connection = g_dbus_connection_new_for_address_sync(
			l->t->address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL,
			&error);
		if (l->connection == NULL) {
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			tr_test_line_wait(l, NULL, NULL, POLL_MS);
		}
	}
	g_clear_error(&error);
	l->objects = tr_dbus_object_manager_client_new_sync(l->connection,
							    G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
							    NULL, ROOT_PATH, NULL, &error);
	g_assert_no_error(error);
	device_object = g_dbus_object_manager_get_object(l->objects, DEVICE0_PATH);
	g_assert_nonnull(device_object);
	l->device = tr_dbus_object_get_device(TR_DBUS_OBJECT(device_object));
	l->line_object = g_dbus_object_manager_get_object(l->objects, LINE1_PATH);
	g_assert_nonnull(l->line_object);
	l->line = tr_dbus_object_get_line(TR_DBUS_OBJECT(l->line_object));
	g_assert_nonnull(l->line);
}

guint
tr_test_line_free_sip_port(TrTestLine *l, guint except)
{
	for (guint tries = 0; tries < 100; tries++) {
		guint port = tr_test_free_udp_port("0.0.0.0");
		g_autoptr(GSocket) tcp = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						      G_SOCKET_PROTOCOL_TCP, NULL);
		g_autoptr(GInetAddress) any = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
		g_autoptr(GSocketAddress) address = g_inet_socket_address_new(any, port);

		if (port == except ||
		    (l->sbc != NULL && (port == tr_test_sbc_get_udp_port(l->sbc) ||
					port == tr_test_sbc_get_tcp_port(l->sbc) ||
					port == tr_test_sbc_get_tls_port(l->sbc) ||
					port == tr_test_sbc_get_tls_client_cert_port(l->sbc))))
			continue;
		if (tcp != NULL && g_socket_bind(tcp, address, FALSE, NULL))
			return port;
	}
	g_assert_not_reached();
}

void
tr_test_line_set_params(TrTestLine *l, const gchar *first, ...)
{
	g_autoptr(GPtrArray) pairs = g_ptr_array_new();
	va_list ap;

	va_start(ap, first);
	for (const gchar *pair = first; pair != NULL; pair = va_arg(ap, const gchar *))
		g_ptr_array_add(pairs, (gpointer)pair);
	va_end(ap);
	tr_test_set_parameter_pairs(l->device, pairs);
}

static gboolean
daemon_gone(TrTestLine *l, gconstpointer arg)
{
	return l->exited;
}

/* SIGNUM (SIGTERM, SIGINT) ends tipringd cleanly, its bindings unregistered */
void
tr_test_line_stop_daemon(TrTestLine *l, gint signum)
{
	g_clear_object(&l->line);
	g_clear_object(&l->device);
	g_clear_object(&l->line_object);
	g_clear_object(&l->objects);
	if (l->connection != NULL)
		g_dbus_connection_close_sync(l->connection, NULL, NULL);
	g_clear_object(&l->connection);
	if (l->d != NULL && !l->exited) {
		l->stopping = TRUE;
		g_subprocess_send_signal(l->d, signum);
		tr_test_line_wait(l, daemon_gone, NULL, l->deadline_ms);
		if (!l->exited)
			g_subprocess_force_exit(l->d);
		g_assert_true(l->exited);
		g_assert_true(g_subprocess_get_if_exited(l->d));
		g_assert_cmpint(g_subprocess_get_exit_status(l->d), ==, 0);
	}
}

void
tr_test_line_teardown(TrTestLine *l)
{
	tr_test_line_stop_daemon(l, SIGTERM);
	g_clear_object(&l->d);
	g_free(l->daemon_log);
	g_clear_pointer(&l->sbc, tr_test_sbc_free);
}
