/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tipringctl"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tr-bus.h"
#include "tr-dbus-generated.h"
#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-param.h"
#include "tr-profile.h"

#define EXIT_USAGE 2

typedef struct {
	GDBusConnection *connection;
	gchar *where;
	GDBusObjectManager *objects;
	TrDbusManager *manager;
	gchar *device_arg;
	gchar *format;
	gchar *level;
} Ctl;

static void
ctl_clear(Ctl *ctl)
{
	g_clear_object(&ctl->manager);
	g_clear_object(&ctl->objects);
	g_clear_object(&ctl->connection);
	g_free(ctl->where);
	g_free(ctl->device_arg);
	g_free(ctl->format);
	g_free(ctl->level);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Ctl, ctl_clear)

static void
print_error(const gchar *what, GError *error)
{
	if (g_dbus_error_is_remote_error(error))
		g_dbus_error_strip_remote_error(error);
	if (what != NULL)
		g_printerr("tipringctl: %s: %s\n", what, error->message);
	else
		g_printerr("tipringctl: %s\n", error->message);
}

static gboolean
ctl_connect(Ctl *ctl, TrBusKind kind, const gchar *address, GError **error)
{
	const gchar *name = NULL;
	g_autofree gchar *owner = NULL;

	if (address == NULL)
		kind = tr_bus_resolve(kind);
	else
		kind = TR_BUS_P2P;

	if (kind == TR_BUS_SESSION || kind == TR_BUS_SYSTEM) {
		ctl->connection = g_bus_get_sync(kind == TR_BUS_SESSION ? G_BUS_TYPE_SESSION
									: G_BUS_TYPE_SYSTEM,
						 NULL, error);
		ctl->where = g_strdup(kind == TR_BUS_SESSION ? _("the session bus")
							     : _("the system bus"));
		name = TR_DBUS_NAME;
	} else {
		g_autofree gchar *addr =
			address != NULL ? g_strdup(address) : tr_bus_default_p2p_address();
		ctl->where = g_strdup(addr);
		ctl->connection = g_dbus_connection_new_for_address_sync(
			addr, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, error);
	}
	if (ctl->connection == NULL) {
		/* TRANSLATORS: %s is where tipringctl looked for the daemon */
		g_prefix_error(error, _("cannot reach tipringd on %s: "), ctl->where);
		return FALSE;
	}
	ctl->objects = tr_dbus_object_manager_client_new_sync(
		ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, name,
		TR_DBUS_PATH, NULL, error);
	if (ctl->objects == NULL)
		return FALSE;
	if (name != NULL) {
		owner = g_dbus_object_manager_client_get_name_owner(
			G_DBUS_OBJECT_MANAGER_CLIENT(ctl->objects));
		if (owner == NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND,
				    /* TRANSLATORS: %s: "the session bus" or "the system bus" */
				    _("tipringd is not running on %s"), ctl->where);
			return FALSE;
		}
	}
	ctl->manager = tr_dbus_manager_proxy_new_sync(ctl->connection,
						      G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, name,
						      TR_DBUS_PATH, NULL, error);
	return ctl->manager != NULL;
}

static TrDbusDevice *
device_at(Ctl *ctl, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(ctl->objects, path);
	if (object == NULL)
		return NULL;
	return tr_dbus_object_get_device(TR_DBUS_OBJECT(object));
}

static TrDbusLine *
line_at(Ctl *ctl, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(ctl->objects, path);
	if (object == NULL)
		return NULL;
	return tr_dbus_object_get_line(TR_DBUS_OBJECT(object));
}

/* --device N or --device NAME; without it, the only device */
static TrDbusDevice *
ctl_pick_device(Ctl *ctl, GError **error)
{
	const gchar *const *paths = tr_dbus_manager_get_devices(ctl->manager);
	guint n = paths != NULL ? g_strv_length((gchar **)paths) : 0;

	if (n == 0) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_NOT_FOUND,
				    _("tipringd hosts no device"));
		return NULL;
	}
	if (ctl->device_arg == NULL) {
		if (n > 1) {
			g_set_error(
				error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				/* TRANSLATORS: %u is the number of devices, always 2 or more */
				g_dngettext(GETTEXT_PACKAGE,
					    "tipringd hosts %u device: choose one with --device N "
					    "or --device NAME (see 'tipringctl devices')",
					    "tipringd hosts %u devices: choose one with --device N "
					    "or --device NAME (see 'tipringctl devices')",
					    n),
				n);
			return NULL;
		}
		return device_at(ctl, paths[0]);
	}
	for (guint i = 0; i < n; i++) {
		g_autoptr(TrDbusDevice) device = device_at(ctl, paths[i]);
		g_autofree gchar *index = NULL;
		if (device == NULL)
			continue;
		index = g_strdup_printf("%u", tr_dbus_device_get_index(device));
		if (g_strcmp0(ctl->device_arg, index) == 0 ||
		    g_strcmp0(ctl->device_arg, tr_dbus_device_get_name(device)) == 0)
			return g_steal_pointer(&device);
	}
	g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND,
		    /* TRANSLATORS: %s is what the user gave to --device */
		    _("No device '%s' (see 'tipringctl devices')"), ctl->device_arg);
	return NULL;
}

static int
cmd_devices(Ctl *ctl, gchar **args)
{
	const gchar *const *paths = tr_dbus_manager_get_devices(ctl->manager);

	/* TRANSLATORS: column headings of 'tipringctl devices'; keep the widths */
	g_print("%-6s %-16s %-8s %-18s %-14s %s\n", _("DEVICE"), _("NAME"), _("MODEL"), _("MAC"),
		_("SERIAL"), _("FIRMWARE"));
	for (guint i = 0; paths != NULL && paths[i] != NULL; i++) {
		g_autoptr(TrDbusDevice) device = device_at(ctl, paths[i]);
		if (device == NULL)
			continue;
		g_print("%-6u %-16s %-8s %-18s %-14s %s\n", tr_dbus_device_get_index(device),
			tr_dbus_device_get_name(device), tr_dbus_device_get_model(device),
			tr_dbus_device_get_mac_address(device), tr_dbus_device_get_serial(device),
			tr_dbus_device_get_firmware_version(device));
	}
	return EXIT_SUCCESS;
}

static gchar *
format_time(gint64 when)
{
	g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(when);
	return time != NULL ? g_date_time_format(time, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
}

static void
print_provisioning(TrDbusDevice *device)
{
	const gchar *result = tr_dbus_device_get_last_resync_result(device);
	gint64 when = tr_dbus_device_get_last_resync_time(device);
	g_autofree gchar *stamp = when > 0 ? format_time(when) : NULL;

	if (tr_dbus_device_get_resyncing(device))
		/* TRANSLATORS: remote provisioning is running now */
		g_print(_("  Provisioning: resyncing now\n"));
	else if (g_strcmp0(result, "success") == 0)
		/* TRANSLATORS: %s is a date and time */
		g_print(_("  Provisioning: last resync %s, succeeded\n"), stamp);
	else if (g_strcmp0(result, "failed") == 0)
		/* TRANSLATORS: a date and time, then why the resync failed */
		g_print(_("  Provisioning: last resync %s, failed: %s\n"), stamp,
			tr_dbus_device_get_last_resync_error(device));
	else
		g_print(_("  Provisioning: no resync yet\n"));
}

static void
print_registration(TrDbusLine *line)
{
	const gchar *state = tr_dbus_line_get_registration_state(line);
	const gchar *error = tr_dbus_line_get_last_error(line);
	GVariant *response = tr_dbus_line_get_last_response(line);
	guint code = 0;
	const gchar *phrase = "";

	if (response != NULL)
		g_variant_get(response, "(u&s)", &code, &phrase);
	if (g_strcmp0(state, "registered") == 0) {
		g_autofree gchar *until = format_time(tr_dbus_line_get_registered_until(line));
		/* TRANSLATORS: %s is a date and time */
		g_print(_("    registered until %s\n"), until);
	} else if (g_strcmp0(state, "registering") == 0) {
		g_print(_("    registering\n"));
	} else if (g_strcmp0(state, "backoff") == 0) {
		g_autofree gchar *next = format_time(tr_dbus_line_get_next_registration_at(line));
		/* TRANSLATORS: a date and time, then why the last attempt failed */
		g_print(_("    not registered, next attempt %s: %s\n"), next, error);
	} else if (g_strcmp0(state, "failed") == 0) {
		/* TRANSLATORS: why the line cannot register */
		g_print(_("    registration failed: %s\n"), error);
	} else {
		g_print(_("    not registered\n"));
	}
	if (code != 0)
		/* TRANSLATORS: the last SIP response to a REGISTER, e.g. "200 OK" */
		g_print(_("    last response: %u %s\n"), code, phrase);

	/* a UDP line's NAT keepalives */
	response = tr_dbus_line_get_nat_keepalive_response(line);
	code = 0;
	phrase = "";
	if (response != NULL)
		g_variant_get(response, "(u&s)", &code, &phrase);
	if (code == 0 && phrase[0] != '\0')
		/* TRANSLATORS: why the line sends no NAT keepalives */
		g_print(_("    NAT keepalives: %s\n"), phrase);
	else if (tr_dbus_line_get_nat_keepalives_sent(line) > 0 && code == 0)
		g_print(g_dngettext(GETTEXT_PACKAGE,
				    /* TRANSLATORS: a count of NAT keepalive requests */
				    "    NAT keepalives: %u sent, no answer yet\n",
				    "    NAT keepalives: %u sent, no answer yet\n",
				    tr_dbus_line_get_nat_keepalives_sent(line)),
			tr_dbus_line_get_nat_keepalives_sent(line));
	else if (tr_dbus_line_get_nat_keepalives_sent(line) > 0)
		g_print(g_dngettext(GETTEXT_PACKAGE,
				    /* TRANSLATORS: a count, then a SIP response */
				    "    NAT keepalives: %u sent, last answer %u %s\n",
				    "    NAT keepalives: %u sent, last answer %u %s\n",
				    tr_dbus_line_get_nat_keepalives_sent(line)),
			tr_dbus_line_get_nat_keepalives_sent(line), code, phrase);
}

static TrDbusLineTls *
tls_at(Ctl *ctl, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(ctl->objects, path);
	if (object == NULL)
		return NULL;
	return tr_dbus_object_get_line_tls(TR_DBUS_OBJECT(object));
}

/* one line in status, everything with `tls` */
static void
print_tls(Ctl *ctl, const gchar *path, gboolean full)
{
	g_autoptr(TrDbusLineTls) tls = tls_at(ctl, path);
	gint64 since;

	if (tls == NULL)
		return;
	if (!full) {
		/* TRANSLATORS: state, version, cipher suite, verification, handshake
		 * time, reconnects; e.g. "TLS: established, TLS1.3 TLS_AES..., verified
		 * for sbc.example.net, handshake 3 ms, 0 reconnects" */
		g_print(_("    TLS: %s, %s %s, %s, handshake %u ms, %u reconnects\n"),
			tr_dbus_line_tls_get_state(tls), tr_dbus_line_tls_get_protocol_version(tls),
			tr_dbus_line_tls_get_cipher_suite(tls),
			tr_dbus_line_tls_get_verify_result(tls),
			tr_dbus_line_tls_get_handshake_ms(tls),
			tr_dbus_line_tls_get_reconnect_count(tls));
		if (tr_dbus_line_tls_get_last_error(tls)[0] != '\0' &&
		    g_strcmp0(tr_dbus_line_tls_get_state(tls), "established") != 0)
			/* TRANSLATORS: why the TLS session failed */
			g_print(_("    TLS error: %s\n"), tr_dbus_line_tls_get_last_error(tls));
		return;
	}
	since = tr_dbus_line_tls_get_established_at(tls);
	g_print("State=%s\n", tr_dbus_line_tls_get_state(tls));
	g_print("ProtocolVersion=%s\n", tr_dbus_line_tls_get_protocol_version(tls));
	g_print("CipherSuite=%s\n", tr_dbus_line_tls_get_cipher_suite(tls));
	g_print("PeerSubject=%s\n", tr_dbus_line_tls_get_peer_subject(tls));
	g_print("Verified=%s\n", tr_dbus_line_tls_get_verified(tls) ? "yes" : "no");
	g_print("VerifyResult=%s\n", tr_dbus_line_tls_get_verify_result(tls));
	g_print("HandshakeMs=%u\n", tr_dbus_line_tls_get_handshake_ms(tls));
	g_print("Resumed=%s\n", tr_dbus_line_tls_get_resumed(tls) ? "yes" : "no");
	if (since > 0) {
		g_autofree gchar *stamp = format_time(since);
		g_print("EstablishedAt=%s\n", stamp);
	} else {
		g_print("EstablishedAt=\n");
	}
	g_print("ReconnectCount=%u\n", tr_dbus_line_tls_get_reconnect_count(tls));
	g_print("KeepalivesSent=%u\n", tr_dbus_line_tls_get_keepalives_sent(tls));
	g_print("PongsReceived=%u\n", tr_dbus_line_tls_get_pongs_received(tls));
	g_print("LastError=%s\n", tr_dbus_line_tls_get_last_error(tls));
	fputs(tr_dbus_line_tls_get_peer_certificate(tls), stdout);
}

static int
cmd_certificate(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	g_autofree gchar *pem = NULL;
	g_autofree gchar *ca_cert = NULL;
	g_autofree gchar *ca_key = NULL;
	guint n = args != NULL ? g_strv_length(args) : 0;

	if (n == 0 || g_strcmp0(args[0], "create") != 0 || (n != 1 && n != 3)) {
		g_printerr(_("tipringctl: use 'certificate create [CA_CERT CA_KEY]'\n"));
		return EXIT_USAGE;
	}
	/* the daemon reads the files: give it names it can find */
	if (n == 3) {
		ca_cert = g_canonicalize_filename(args[1], NULL);
		ca_key = g_canonicalize_filename(args[2], NULL);
	}
	device = ctl_pick_device(ctl, &error);
	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (!tr_dbus_device_call_create_certificate_sync(device, ca_cert != NULL ? ca_cert : "",
							 ca_key != NULL ? ca_key : "", &pem, NULL,
							 &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	fputs(pem, stdout);
	return EXIT_SUCCESS;
}

static int
cmd_tls(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = ctl_pick_device(ctl, &error);
	const gchar *const *lines;
	guint64 wanted = 0;
	guint shown = 0;

	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (args != NULL &&
	    (args[1] != NULL || !g_ascii_string_to_unsigned(args[0], 10, 1, 64, &wanted, NULL))) {
		g_printerr(_("tipringctl: use 'tls [LINE]' with a line number\n"));
		return EXIT_USAGE;
	}
	lines = tr_dbus_device_get_lines(device);
	for (guint i = 0; lines != NULL && lines[i] != NULL; i++) {
		g_autoptr(TrDbusLine) line = line_at(ctl, lines[i]);
		g_autoptr(TrDbusLineTls) tls = tls_at(ctl, lines[i]);
		if (line == NULL || (wanted != 0 && tr_dbus_line_get_index(line) != wanted))
			continue;
		if (tls == NULL) {
			if (wanted != 0) {
				/* TRANSLATORS: %s is "Line 1" or "Ext 1" */
				g_printerr(_("tipringctl: %s does not use TLS\n"),
					   tr_dbus_line_get_label(line));
				return EXIT_FAILURE;
			}
			continue;
		}
		g_print("[%s]\n", tr_dbus_line_get_label(line));
		print_tls(ctl, lines[i], TRUE);
		shown++;
	}
	if (shown == 0 && wanted == 0)
		g_print(_("No line uses TLS.\n"));
	return EXIT_SUCCESS;
}

static int
cmd_status(Ctl *ctl, gchar **args)
{
	const gchar *const *paths = tr_dbus_manager_get_devices(ctl->manager);
	GVariant *plugins = tr_dbus_manager_get_plugins(ctl->manager);

	/* TRANSLATORS: first line of 'tipringctl status': version, then where */
	g_print(_("tipringd %s on %s\n"), tr_dbus_manager_get_version(ctl->manager), ctl->where);
	if (plugins != NULL) {
		GVariantIter iter;
		const gchar *name, *kind, *state, *why;
		g_variant_iter_init(&iter, plugins);
		while (g_variant_iter_next(&iter, "(&s&s&s&s)", &name, &kind, &state, &why)) {
			if (g_strcmp0(state, "disabled") == 0)
				/* TRANSLATORS: a plugin that could not be used, and why */
				g_print(_("  plugin %s disabled: %s\n"), name, why);
		}
	}
	for (guint i = 0; paths != NULL && paths[i] != NULL; i++) {
		g_autoptr(TrDbusDevice) device = device_at(ctl, paths[i]);
		const gchar *const *lines;
		if (device == NULL)
			continue;
		/* TRANSLATORS: index, name, model, MAC, serial, firmware */
		g_print(_("Device %u: %s (%s), MAC %s, serial %s, firmware %s\n"),
			tr_dbus_device_get_index(device), tr_dbus_device_get_name(device),
			tr_dbus_device_get_model(device), tr_dbus_device_get_mac_address(device),
			tr_dbus_device_get_serial(device),
			tr_dbus_device_get_firmware_version(device));
		print_provisioning(device);
		lines = tr_dbus_device_get_lines(device);
		for (guint j = 0; lines != NULL && lines[j] != NULL; j++) {
			g_autoptr(TrDbusLine) line = line_at(ctl, lines[j]);
			if (line == NULL)
				continue;
			/* TRANSLATORS: "Line 1: enabled, transport UDP" */
			g_print(_("  %s: %s, transport %s\n"), tr_dbus_line_get_label(line),
				tr_dbus_line_get_enabled(line) ? _("enabled") : _("disabled"),
				tr_dbus_line_get_transport(line));
			print_registration(line);
			print_tls(ctl, lines[j], FALSE);
		}
	}
	return EXIT_SUCCESS;
}

static int
cmd_get(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = ctl_pick_device(ctl, &error);
	g_autoptr(GVariant) values = NULL;
	const gchar *const empty[] = {NULL};

	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (!tr_dbus_device_call_get_parameters_sync(
		    device, args != NULL ? (const gchar *const *)args : empty, &values, NULL,
		    &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (args != NULL && args[0] != NULL) {
		/* in the order asked, each name as the daemon spells it */
		for (guint i = 0; args[i] != NULL; i++) {
			GVariantIter iter;
			const gchar *key, *value;
			g_autofree gchar *normalized = tr_param_name_normalize(args[i]);
			g_variant_iter_init(&iter, values);
			while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
				if (g_strcmp0(key, normalized) == 0) {
					g_print("%s=%s\n", key, value);
					break;
				}
			}
		}
	} else {
		GVariantIter iter;
		const gchar *key, *value;
		g_variant_iter_init(&iter, values);
		while (g_variant_iter_next(&iter, "{&s&s}", &key, &value))
			g_print("%s=%s\n", key, value);
	}
	return EXIT_SUCCESS;
}

static int
cmd_set(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	GVariantBuilder builder;

	if (args == NULL || args[0] == NULL) {
		g_printerr(_("tipringctl: set needs NAME=VALUE arguments\n"));
		return EXIT_USAGE;
	}
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	for (guint i = 0; args[i] != NULL; i++) {
		const gchar *eq = strchr(args[i], '=');
		g_autofree gchar *name = NULL;
		if (eq == NULL || eq == args[i]) {
			g_variant_builder_clear(&builder);
			/* TRANSLATORS: %s is the malformed argument */
			g_printerr(_("tipringctl: '%s' is not NAME=VALUE; nothing was changed\n"),
				   args[i]);
			return EXIT_USAGE;
		}
		name = g_strndup(args[i], eq - args[i]);
		g_variant_builder_add(&builder, "{ss}", name, eq + 1);
	}
	device = ctl_pick_device(ctl, &error);
	if (device == NULL) {
		g_variant_builder_clear(&builder);
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (!tr_dbus_device_call_set_parameters_sync(device, g_variant_builder_end(&builder), NULL,
						     &error)) {
		print_error(NULL, error);
		/* TRANSLATORS: after a refused 'set' */
		g_printerr(_("tipringctl: nothing was changed\n"));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static int
cmd_factory_reset(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = ctl_pick_device(ctl, &error);

	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (!tr_dbus_device_call_factory_reset_sync(device, NULL, &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static int
cmd_plugins(Ctl *ctl, gchar **args)
{
	GVariant *plugins = tr_dbus_manager_get_plugins(ctl->manager);
	GVariantIter iter;
	const gchar *name, *kind, *state, *why;

	/* TRANSLATORS: column headings of 'tipringctl plugins' */
	g_print("%-32s %-10s %-9s %s\n", _("PLUGIN"), _("KIND"), _("STATE"), _("ERROR"));
	if (plugins == NULL)
		return EXIT_SUCCESS;
	g_variant_iter_init(&iter, plugins);
	while (g_variant_iter_next(&iter, "(&s&s&s&s)", &name, &kind, &state, &why))
		g_print("%-32s %-10s %-9s %s\n", name, kind, state, why);
	return EXIT_SUCCESS;
}

/* a text profile's imports are read here, where the files are, and sent along */
static GBytes *
gather_import(const gchar *name, const gchar *from_file, gchar **resolved, gpointer user_data,
	      GError **error)
{
	GHashTable *imports = user_data;
	g_autofree gchar *path = tr_profile_resolve_import(name, from_file);
	gchar *contents = NULL;
	gsize len = 0;
	GBytes *bytes;

	if (!g_file_get_contents(path, &contents, &len, error))
		return NULL;
	bytes = g_bytes_new_take(contents, len);
	g_hash_table_insert(imports, g_strdup(path), g_bytes_ref(bytes));
	if (resolved != NULL)
		*resolved = g_steal_pointer(&path);
	return bytes;
}

static int
cmd_profile_import(Ctl *ctl, const gchar *filename)
{
	g_autofree gchar *absolute = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	g_autoptr(GHashTable) imports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							      (GDestroyNotify)g_bytes_unref);
	g_autoptr(TrProfile) profile = NULL;
	g_auto(GStrv) warnings = NULL;
	g_autofree gchar *contents = NULL;
	gsize len = 0;
	GVariantBuilder files;
	GHashTableIter iter;
	gpointer key, value;

	if (!g_file_get_contents(filename, &contents, &len, &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	/* imports resolve from an absolute name, the same here and in the daemon */
	filename = absolute = g_canonicalize_filename(filename, NULL);
	/* parsing here finds the imported files; the daemon parses again */
	profile = tr_profile_parse((const guint8 *)contents, len, filename, gather_import, imports,
				   &error);
	if (profile == NULL) {
		print_error(filename, error);
		g_printerr(_("tipringctl: nothing was changed\n"));
		return EXIT_FAILURE;
	}
	device = ctl_pick_device(ctl, &error);
	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	g_variant_builder_init(&files, G_VARIANT_TYPE("a{say}"));
	g_hash_table_iter_init(&iter, imports);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		g_variant_builder_add(
			&files, "{s@ay}", (const gchar *)key,
			g_variant_new_from_bytes(G_VARIANT_TYPE_BYTESTRING, value, TRUE));
	}
	if (!tr_dbus_device_call_import_profile_sync(
		    device,
		    g_variant_new_from_data(G_VARIANT_TYPE_BYTESTRING, contents, len, TRUE, NULL,
					    NULL),
		    filename, g_variant_builder_end(&files), &warnings, NULL, &error)) {
		print_error(NULL, error);
		g_printerr(_("tipringctl: nothing was changed\n"));
		return EXIT_FAILURE;
	}
	for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
		/* TRANSLATORS: a profile entry that was skipped, e.g. an unknown parameter */
		g_printerr(_("tipringctl: warning: %s\n"), warnings[i]);
	return EXIT_SUCCESS;
}

static int
cmd_profile_export(Ctl *ctl)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = ctl_pick_device(ctl, &error);
	g_autofree gchar *text = NULL;

	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	if (!tr_dbus_device_call_export_profile_sync(
		    device, ctl->format != NULL ? ctl->format : "xml",
		    ctl->level != NULL ? ctl->level : "admin", &text, NULL, &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	/* the bytes as they are: g_print() would convert them to the locale's charset */
	fputs(text, stdout);
	return EXIT_SUCCESS;
}

static int
cmd_profile(Ctl *ctl, gchar **args)
{
	if (args != NULL && g_strcmp0(args[0], "import") == 0 && args[1] != NULL && args[2] == NULL)
		return cmd_profile_import(ctl, args[1]);
	if (args != NULL && g_strcmp0(args[0], "export") == 0 && args[1] == NULL)
		return cmd_profile_export(ctl);
	g_printerr(_("tipringctl: use 'profile import FILE' or 'profile export [--format xml|text] "
		     "[--level admin|user]'\n"));
	return EXIT_USAGE;
}

static int
cmd_resync(Ctl *ctl, gchar **args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrDbusDevice) device = ctl_pick_device(ctl, &error);

	if (device == NULL) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	/* a resync may wait on slow servers: longer than D-Bus's default 25 s */
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(device), 300 * 1000);
	if (!tr_dbus_device_call_resync_sync(device, NULL, &error)) {
		/* TRANSLATORS: the remote provisioning failed; the reason follows */
		print_error(_("resync failed"), error);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

typedef struct {
	const gchar *name;
	const gchar *args;
	const gchar *help;
	int (*run)(Ctl *ctl, gchar **args);
} Command;

static const Command commands[] = {
	{"status", "", N_("Show the daemon, its devices and their lines"), cmd_status},
	{"devices", "", N_("List the hosted devices"), cmd_devices},
	{"get", N_("[NAME...]"), N_("Print parameters as NAME=VALUE (all without NAME)"), cmd_get},
	{"set", N_("NAME=VALUE..."), N_("Change parameters, all or none"), cmd_set},
	{"factory-reset", "", N_("Restore every parameter of the device to its default"),
	 cmd_factory_reset},
	{"plugins", "", N_("List the plugins and their state"), cmd_plugins},
	{"profile", N_("import FILE"),
	 N_("Apply an SPA profile (XML flat profile or text), all or nothing"), cmd_profile},
	{"profile", N_("export"),
	 N_("Print the configuration as a profile (--format xml|text, --level admin|user)"),
	 cmd_profile},
	{"resync", "", N_("Fetch and apply the profiles of Profile_Rule now"), cmd_resync},
	{"tls", N_("[LINE]"), N_("Show the TLS session of each TLS line, or of LINE"), cmd_tls},
	{"certificate", N_("create [CA_CERT CA_KEY]"),
	 N_("Make the device's client certificate, signed by the CA (or a local device CA)"),
	 cmd_certificate},
};

static gchar *
commands_description(void)
{
	GString *s = g_string_new(_("Commands:"));
	g_string_append_c(s, '\n');
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_autofree gchar *left =
			g_strdup_printf("%s %s", commands[i].name,
					commands[i].args[0] != '\0' ? _(commands[i].args) : "");
		g_string_append_printf(s, "  %-26s %s\n", left, _(commands[i].help));
	}
	g_string_append(s, _("\nNames are SPA element names (SIP_Transport_1_); the bracket form "
			     "(SIP_Transport[1]) works too. Passwords are write-only."));
	return g_string_free(s, FALSE);
}

int
main(int argc, char **argv)
{
	g_autofree gchar *address = NULL;
	g_autofree gchar *description = NULL;
	gboolean use_session = FALSE;
	gboolean use_system = FALSE;
	gboolean version = FALSE;
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(Ctl) ctl = {0};
	const Command *command = NULL;
	TrBusKind bus = TR_BUS_AUTO;
	const GOptionEntry entries[] = {
		{"device", 'd', 0, G_OPTION_ARG_STRING, &ctl.device_arg,
		 N_("Act on device N (its index or its name)"), N_("N")},
		{"address", 'a', 0, G_OPTION_ARG_STRING, &address,
		 N_("Reach tipringd at a peer-to-peer D-Bus ADDRESS"), N_("ADDRESS")},
		{"session", 0, 0, G_OPTION_ARG_NONE, &use_session, N_("Use the session bus"), NULL},
		{"system", 0, 0, G_OPTION_ARG_NONE, &use_system, N_("Use the system bus"), NULL},
		{"format", 0, 0, G_OPTION_ARG_STRING, &ctl.format,
		 N_("Profile format for 'profile export': xml (default) or text"), N_("FORMAT")},
		{"level", 0, 0, G_OPTION_ARG_STRING, &ctl.level,
		 N_("Profile level for 'profile export': admin (default, with passwords) or user"),
		 N_("LEVEL")},
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL},
		{NULL}};

	tr_i18n_init();

	/* TRANSLATORS: the usage line of tipringctl */
	context = g_option_context_new(_("COMMAND [ARGUMENTS...]"));
	g_option_context_set_summary(context, _("Controls the tipring daemon over D-Bus."));
	description = commands_description();
	g_option_context_set_description(context, description);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("tipringctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (version) {
		g_print("tipringctl %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	if (argc < 2) {
		g_autofree gchar *help = g_option_context_get_help(context, TRUE, NULL);
		g_printerr("%s", help);
		return EXIT_USAGE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(commands) && command == NULL; i++) {
		if (g_strcmp0(argv[1], commands[i].name) == 0)
			command = &commands[i];
	}
	if (command == NULL) {
		/* TRANSLATORS: %s is what the user typed */
		g_printerr(_("tipringctl: unknown command '%s' (see --help)\n"), argv[1]);
		return EXIT_USAGE;
	}
	if ((use_session ? 1 : 0) + (use_system ? 1 : 0) + (address != NULL ? 1 : 0) > 1) {
		/* TRANSLATORS: the bus options exclude each other */
		g_printerr(_("tipringctl: choose one of --session, --system and --address\n"));
		return EXIT_USAGE;
	}
	bus = use_session ? TR_BUS_SESSION : use_system ? TR_BUS_SYSTEM : TR_BUS_AUTO;
	if (!ctl_connect(&ctl, bus, address, &error)) {
		print_error(NULL, error);
		return EXIT_FAILURE;
	}
	return command->run(&ctl, argc > 2 ? argv + 2 : NULL);
}
