/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tipringd"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "tr-bus.h"
#include "tr-dbus-server.h"
#include "tr-engine.h"
#include "tr-error.h"
#include "tr-i18n.h"

#define TIMER_SLACK_MS 20

typedef struct {
	GMainLoop *loop;
	TrEngine *engine;
	gint64 stop_deadline;
	gint exit_code;
} Daemon;

/* lines unregister before the daemon goes, for at most a few seconds */
#define STOP_TIMEOUT_US (3 * G_USEC_PER_SEC)

static gboolean
wait_for_lines_cb(gpointer user_data)
{
	Daemon *daemon = user_data;

	if (!tr_engine_lines_stopped(daemon->engine) &&
	    g_get_monotonic_time() < daemon->stop_deadline)
		return G_SOURCE_CONTINUE;
	g_main_loop_quit(daemon->loop);
	return G_SOURCE_REMOVE;
}

static gboolean
quit_cb(gpointer user_data)
{
	Daemon *daemon = user_data;

	if (daemon->stop_deadline != 0)
		return G_SOURCE_CONTINUE;
	g_info("shutting down");
	daemon->stop_deadline = g_get_monotonic_time() + STOP_TIMEOUT_US;
	tr_engine_stop_lines(daemon->engine);
	g_timeout_add(20, wait_for_lines_cb, daemon);
	return G_SOURCE_CONTINUE;
}

static void
lost_cb(TrDbusServer *server, const gchar *why, Daemon *daemon)
{
	/* TRANSLATORS: the daemon stops; %s says why */
	g_printerr(_("tipringd: stopping: %s\n"), why);
	daemon->exit_code = EXIT_FAILURE;
	g_main_loop_quit(daemon->loop);
}

static void
ready_cb(TrDbusServer *server, TrEngine *engine)
{
	const gchar *address = tr_dbus_server_get_address(server);
	guint n = tr_engine_get_devices(engine)->len;
	const gchar *where = g_strcmp0(address, "session") == 0	 ? _("the session bus")
			     : g_strcmp0(address, "system") == 0 ? _("the system bus")
								 : address;

	/* TRANSLATORS: printed once the daemon serves D-Bus; %u devices, %s where */
	g_printerr(g_dngettext(GETTEXT_PACKAGE, "tipringd %s: %u device, D-Bus on %s\n",
			       "tipringd %s: %u devices, D-Bus on %s\n", n),
		   PACKAGE_VERSION, n, where);
}

/* MODEL or MODEL:NAME */
static gboolean
add_devices(TrEngine *engine, gchar **specs, GError **error)
{
	for (guint i = 0; specs[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(specs[i], ":", 2);
		if (parts[0] == NULL || parts[0][0] == '\0') {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: the --device option was malformed */
				    _("Invalid --device '%s': expected MODEL or MODEL:NAME"),
				    specs[i]);
			return FALSE;
		}
		if (tr_engine_add_device(engine, parts[0], parts[1], error) == NULL)
			return FALSE;
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_auto(GStrv) devices = NULL;
	g_auto(GStrv) plugin_dirs = NULL;
	g_autofree gchar *state_dir = NULL;
	g_autofree gchar *p2p = NULL;
	g_autofree gchar *web_address = NULL;
	gint web_port = -1;
	gboolean use_session = FALSE;
	gboolean use_system = FALSE;
	gboolean verbose = FALSE;
	gboolean version = FALSE;
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(TrEngine) engine = NULL;
	g_autoptr(TrDbusServer) server = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	const gchar *env_plugin_path = NULL;
	TrBusKind bus = TR_BUS_AUTO;
	Daemon daemon = {0};
	const GOptionEntry entries[] = {
		{"device", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &devices,
		 /* TRANSLATORS: --device option; may be given several times */
		 N_("Host a device of MODEL, optionally named NAME (repeatable)"),
		 N_("MODEL[:NAME]")},
		{"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
		 N_("Keep configuration in DIR (default: $XDG_STATE_HOME/tipring, or "
		    "/var/lib/tipring "
		    "with --system)"),
		 N_("DIR")},
		{"plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs,
		 N_("Load plugins from DIR instead of the installed ones (repeatable)"), N_("DIR")},
		{"session", 0, 0, G_OPTION_ARG_NONE, &use_session, N_("Serve on the session bus"),
		 NULL},
		{"system", 0, 0, G_OPTION_ARG_NONE, &use_system,
		 N_("Serve on the system bus (as the system service)"), NULL},
		{"p2p", 0, 0, G_OPTION_ARG_STRING, &p2p,
		 N_("Serve peer-to-peer at a D-Bus ADDRESS such as unix:path=/run/tipring.sock"),
		 N_("ADDRESS")},
		{"web-port", 0, 0, G_OPTION_ARG_INT, &web_port,
		 /* TRANSLATORS: --web-port option */
		 N_("Serve the first device's web pages on PORT instead of its Web_Server_Port; "
		    "device N on PORT+N, and its HTTPS on Web_Server_HTTPS_Port+N; 0: free ports"),
		 N_("PORT")},
		{"web-address", 0, 0, G_OPTION_ARG_STRING, &web_address,
		 /* TRANSLATORS: --web-address option */
		 N_("Serve the web pages on ADDRESS only (default: every address)"), N_("ADDRESS")},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show debug messages"), NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL},
		{NULL}};

	tr_i18n_init();

	context = g_option_context_new(NULL);
	/* TRANSLATORS: one-line description of tipringd in --help */
	g_option_context_set_summary(context, _("Hosts emulated or real SPA voice devices."));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("tipringd: %s\n", error->message);
		return 2;
	}
	if (version) {
		g_print("tipringd %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	if ((use_session ? 1 : 0) + (use_system ? 1 : 0) + (p2p != NULL ? 1 : 0) > 1) {
		/* TRANSLATORS: the bus options exclude each other */
		g_printerr(_("tipringd: choose one of --session, --system and --p2p\n"));
		return 2;
	}
	if (web_port < -1 || web_port > 65535) {
		/* TRANSLATORS: --web-port was out of range */
		g_printerr(_("tipringd: --web-port must be between 0 and 65535\n"));
		return 2;
	}
	if (web_address != NULL && !g_hostname_is_ip_address(web_address)) {
		/* TRANSLATORS: --web-address was not an IP address */
		g_printerr(_("tipringd: --web-address must be an IP address, not '%s'\n"),
			   web_address);
		return 2;
	}
	if (devices == NULL || devices[0] == NULL) {
		g_printerr(_("tipringd: no device to host: give --device MODEL, e.g. --device "
			     "SPA2102\n"));
		return 2;
	}
	if (verbose)
		g_setenv("G_MESSAGES_DEBUG", "all", TRUE);

	bus = use_session   ? TR_BUS_SESSION
	      : use_system  ? TR_BUS_SYSTEM
	      : p2p != NULL ? TR_BUS_P2P
			    : TR_BUS_AUTO;
	if (state_dir == NULL)
		state_dir = tr_bus_default_state_dir(use_system);

	engine = tr_engine_new(state_dir, &error);
	if (engine == NULL) {
		g_printerr("tipringd: %s\n", error->message);
		return EXIT_FAILURE;
	}

	if (web_port >= 0) {
		g_autofree gchar *port = g_strdup_printf("%d", web_port);
		tr_engine_set_option(engine, "web-port", port);
	}
	tr_engine_set_option(engine, "web-address", web_address);

	/* the build tree and tests point at their plugins with TIPRING_PLUGIN_PATH */
	env_plugin_path = g_getenv("TIPRING_PLUGIN_PATH");
	if (plugin_dirs != NULL) {
		tr_engine_load_plugins(engine, (const gchar *const *)plugin_dirs);
	} else {
		const gchar *dirs[] = {env_plugin_path != NULL ? env_plugin_path : TR_PLUGINDIR,
				       NULL};
		tr_engine_load_plugins(engine, dirs);
	}
	tr_engine_start_plugins(engine);

	if (!add_devices(engine, devices, &error)) {
		g_printerr("tipringd: %s\n", error->message);
		return EXIT_FAILURE;
	}

	/* Timers may end up to TIMER_SLACK_MS late, so that the kernel wakes the
	 * loop once for timers due close together: every line's Sofia-SIP agent
	 * has a timer of its own every second, and each wakeup polls every
	 * descriptor (docs/architecture.md, "Process model"). */
	if (prctl(PR_SET_TIMERSLACK, (unsigned long)TIMER_SLACK_MS * 1000000UL, 0, 0, 0) != 0)
		g_debug("no timer slack: %s", g_strerror(errno));
	loop = g_main_loop_new(NULL, FALSE);
	daemon.loop = loop;
	daemon.engine = engine;
	g_unix_signal_add(SIGINT, quit_cb, &daemon);
	g_unix_signal_add(SIGTERM, quit_cb, &daemon);

	server = tr_dbus_server_new(engine);
	g_signal_connect(server, "lost", G_CALLBACK(lost_cb), &daemon);
	g_signal_connect(server, "ready", G_CALLBACK(ready_cb), engine);
	if (!tr_dbus_server_start(server, bus, p2p, &error)) {
		g_printerr("tipringd: %s\n", error->message);
		return EXIT_FAILURE;
	}

	tr_engine_start_provisioning(engine);
	tr_engine_start_lines(engine);
	g_main_loop_run(loop);

	tr_dbus_server_stop(server);
	tr_engine_shutdown(engine);
	return daemon.exit_code;
}
