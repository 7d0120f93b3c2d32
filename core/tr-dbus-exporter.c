/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-dbus"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tr-bus.h"
#include "tr-dbus-exporter.h"
#include "tr-device-cert.h"
#include "tr-dbus-generated.h"
#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile.h"

/*
 * The engine as seen from one D-Bus connection: the Manager object, an
 * ObjectManager, and an object per device and per line, kept in step with
 * the engine through its signals. tipringd makes one exporter for its bus,
 * or one per peer in p2p mode; each owns its skeletons, so a peer that goes
 * away takes nothing from the others.
 */
struct _TrDbusExporter {
	GObject parent_instance;
	TrEngine *engine;
	GDBusConnection *connection;
	GDBusObjectManagerServer *object_manager;
	TrDbusManager *manager;
};

G_DEFINE_TYPE(TrDbusExporter, tr_dbus_exporter, G_TYPE_OBJECT)

static gchar *
device_path(TrDevice *device)
{
	return g_strdup_printf(TR_DBUS_PATH "/Device/%u", tr_device_get_index(device));
}

static gchar *
line_path(TrLine *line)
{
	return g_strdup_printf(TR_DBUS_PATH "/Device/%u/Line/%u",
			       tr_device_get_index(tr_line_get_device(line)),
			       tr_line_get_index(line));
}

static void
update_manager(TrDbusExporter *self)
{
	GPtrArray *devices = tr_engine_get_devices(self->engine);
	GPtrArray *records = tr_engine_get_plugin_records(self->engine);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) models = tr_engine_list_models(self->engine);
	GVariantBuilder builder;

	for (guint i = 0; i < devices->len; i++)
		g_ptr_array_add(paths, device_path(g_ptr_array_index(devices, i)));
	g_ptr_array_add(paths, NULL);

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(ssss)"));
	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		const gchar *state = record->state == TR_PLUGIN_STATE_STARTED  ? "started"
				     : record->state == TR_PLUGIN_STATE_LOADED ? "loaded"
									       : "disabled";
		g_variant_builder_add(&builder, "(ssss)", record->name, record->kind, state,
				      record->error != NULL ? record->error : "");
	}

	tr_dbus_manager_set_version(self->manager, PACKAGE_VERSION);
	tr_dbus_manager_set_devices(self->manager, (const gchar *const *)paths->pdata);
	tr_dbus_manager_set_plugins(self->manager, g_variant_builder_end(&builder));
	tr_dbus_manager_set_models(self->manager, (const gchar *const *)models);
}

static const gchar *
masked(TrParam *param, const gchar *value)
{
	if (!tr_param_is_secret(param))
		return value;
	return value != NULL && value[0] != '\0' ? TR_PARAM_SECRET_MASK : "";
}

static gboolean
handle_get_parameters(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation,
		      const gchar *const *names, TrDevice *device)
{
	TrStore *store = tr_device_get_store(device);
	TrSchema *schema = tr_store_get_schema(store);
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
	if (names == NULL || names[0] == NULL) {
		GPtrArray *params = tr_schema_get_params(schema);
		for (guint i = 0; i < params->len; i++) {
			TrParam *param = g_ptr_array_index(params, i);
			g_variant_builder_add(&builder, "{ss}", param->name,
					      masked(param, tr_store_get(store, param->name)));
		}
	} else {
		g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; names[i] != NULL; i++) {
			TrParam *param = tr_schema_lookup(schema, names[i]);
			if (param == NULL) {
				/* the name may be anything a client sent: cut it short */
				g_autofree gchar *shown =
					g_utf8_make_valid(names[i], MIN(strlen(names[i]), 64));
				g_variant_builder_clear(&builder);
				g_dbus_method_invocation_return_error(
					invocation, TR_ERROR, TR_ERROR_UNKNOWN_PARAMETER,
					/* TRANSLATORS: %s: a parameter name, then a model */
					_("Unknown parameter '%s' on %s"), shown,
					tr_device_get_model(device)->name);
				return G_DBUS_METHOD_INVOCATION_HANDLED;
			}
			/* a{ss} is a dictionary: each name once */
			if (!g_hash_table_add(seen, param->name))
				continue;
			g_variant_builder_add(&builder, "{ss}", param->name,
					      masked(param, tr_store_get(store, param->name)));
		}
	}
	tr_dbus_device_complete_get_parameters(skeleton, invocation,
					       g_variant_builder_end(&builder));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_parameters(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation, GVariant *values,
		      TrDevice *device)
{
	g_autoptr(GHashTable) table = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) error = NULL;
	GVariantIter iter;
	const gchar *name;
	const gchar *value;

	g_variant_iter_init(&iter, values);
	while (g_variant_iter_next(&iter, "{&s&s}", &name, &value))
		g_hash_table_insert(table, (gpointer)name, (gpointer)value);

	if (!tr_store_set_many(tr_device_get_store(device), table, &error)) {
		g_info("device %u: SetParameters from %s refused: %s", tr_device_get_index(device),
		       g_dbus_method_invocation_get_sender(invocation) != NULL
			       ? g_dbus_method_invocation_get_sender(invocation)
			       : "a peer",
		       error->message);
		g_dbus_method_invocation_return_gerror(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	tr_dbus_device_complete_set_parameters(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_create_certificate(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation,
			  const gchar *ca_certificate, const gchar *ca_key, TrDevice *device)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pem =
		tr_device_create_certificate(device, ca_certificate, ca_key, &error);

	if (pem == NULL) {
		g_dbus_method_invocation_return_gerror(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	tr_dbus_device_complete_create_certificate(skeleton, invocation, pem);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_factory_reset(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation, TrDevice *device)
{
	g_autoptr(GError) error = NULL;

	if (!tr_store_factory_reset(tr_device_get_store(device), &error)) {
		g_dbus_method_invocation_return_gerror(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_info("device %u: factory reset", tr_device_get_index(device));
	tr_dbus_device_complete_factory_reset(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_import_profile(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation, GVariant *profile,
		      const gchar *filename, GVariant *imports, TrDevice *device)
{
	g_autoptr(GHashTable) files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							    (GDestroyNotify)g_bytes_unref);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	GVariantIter iter;
	const gchar *name;
	GVariant *contents;
	gsize len = 0;
	const guint8 *data = g_variant_get_fixed_array(profile, &len, sizeof(guint8));

	g_variant_iter_init(&iter, imports);
	while (g_variant_iter_next(&iter, "{&s@ay}", &name, &contents)) {
		g_hash_table_insert(files, g_strdup(name), g_variant_get_data_as_bytes(contents));
		g_variant_unref(contents);
	}
	if (!tr_profile_import(tr_device_get_store(device), data, len,
			       filename[0] != '\0' ? filename : NULL, files, &warnings, &error)) {
		g_info("device %u: a profile was refused: %s", tr_device_get_index(device),
		       error->message);
		g_dbus_method_invocation_return_gerror(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	tr_dbus_device_complete_import_profile(skeleton, invocation,
					       (const gchar *const *)warnings);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
	TrDbusDevice *skeleton;
	GDBusMethodInvocation *invocation;
	TrDevice *device;
	TrProfileFormat format;
} ExportRequest;

static void
export_request_free(ExportRequest *request)
{
	g_object_unref(request->skeleton);
	g_object_unref(request->invocation);
	g_object_unref(request->device);
	g_free(request);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExportRequest, export_request_free)

static void
export_complete(ExportRequest *request, TrProfileLevel level)
{
	const TrModel *model = tr_device_get_model(request->device);
	g_autofree gchar *comment =
		g_strdup_printf("tipring %s: %s '%s', %s profile", PACKAGE_VERSION, model->name,
				tr_device_get_name(request->device),
				level == TR_PROFILE_LEVEL_ADMIN ? "admin" : "user");
	g_autofree gchar *text = tr_profile_export(tr_device_get_store(request->device),
						   request->format, level, comment);
	tr_dbus_device_complete_export_profile(request->skeleton, request->invocation, text);
}

/* the admin level carries passwords: root or the daemon's own user only */
static void
export_admin_uid_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(ExportRequest) request = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	guint32 uid = G_MAXUINT32;

	if (reply != NULL)
		g_variant_get(reply, "(u)", &uid);
	if (uid != 0 && uid != getuid()) {
		g_info("device %u: admin profile export refused to uid %d",
		       tr_device_get_index(request->device), reply != NULL ? (gint)uid : -1);
		g_dbus_method_invocation_return_error(request->invocation, TR_ERROR,
						      TR_ERROR_ACCESS_DENIED,
						      /* TRANSLATORS: who may read passwords */
						      _("Only root or the daemon's user may export "
							"the admin profile, which holds "
							"the passwords"));
		return;
	}
	export_complete(request, TR_PROFILE_LEVEL_ADMIN);
}

static gboolean
handle_export_profile(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation,
		      const gchar *format, const gchar *level, TrDevice *device)
{
	g_autoptr(ExportRequest) request = g_new0(ExportRequest, 1);
	GDBusConnection *connection = g_dbus_method_invocation_get_connection(invocation);
	TrProfileLevel profile_level;

	request->skeleton = g_object_ref(skeleton);
	request->invocation = g_object_ref(invocation);
	request->device = g_object_ref(device);
	if (!tr_profile_format_from_string(format, &request->format)) {
		g_dbus_method_invocation_return_error(
			invocation, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			/* TRANSLATORS: %s is what the caller asked for */
			_("Unknown profile format '%s': expected xml or text"), format);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (!tr_profile_level_from_string(level, &profile_level)) {
		g_dbus_method_invocation_return_error(
			invocation, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			/* TRANSLATORS: %s is what the caller asked for */
			_("Unknown profile level '%s': expected admin or user"), level);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (profile_level == TR_PROFILE_LEVEL_USER) {
		export_complete(request, TR_PROFILE_LEVEL_USER);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (g_dbus_method_invocation_get_sender(invocation) == NULL) {
		/* a peer: the server already required the same user; check anyway */
		GCredentials *credentials = g_dbus_connection_get_peer_credentials(connection);
		uid_t uid = credentials != NULL ? g_credentials_get_unix_user(credentials, NULL)
						: (uid_t)-1;
		if (uid != 0 && uid != getuid()) {
			g_dbus_method_invocation_return_error(
				invocation, TR_ERROR, TR_ERROR_ACCESS_DENIED,
				_("Only root or the daemon's user may export the admin profile, "
				  "which "
				  "holds the passwords"));
			return G_DBUS_METHOD_INVOCATION_HANDLED;
		}
		export_complete(request, TR_PROFILE_LEVEL_ADMIN);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_dbus_connection_call(
		connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"GetConnectionUnixUser",
		g_variant_new("(s)", g_dbus_method_invocation_get_sender(invocation)),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, export_admin_uid_cb,
		g_steal_pointer(&request));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct {
	TrDbusDevice *skeleton;
	GDBusMethodInvocation *invocation;
} ResyncRequest;

static void
resync_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	ResyncRequest *request = user_data;
	g_autoptr(GError) error = NULL;

	if (tr_provisioner_resync_finish(TR_PROVISIONER(source), result, &error))
		tr_dbus_device_complete_resync(request->skeleton, request->invocation);
	else
		g_dbus_method_invocation_return_gerror(request->invocation, error);
	g_object_unref(request->skeleton);
	g_object_unref(request->invocation);
	g_free(request);
}

static gboolean
handle_resync(TrDbusDevice *skeleton, GDBusMethodInvocation *invocation, TrProvisioner *provisioner)
{
	ResyncRequest *request = g_new0(ResyncRequest, 1);

	request->skeleton = g_object_ref(skeleton);
	request->invocation = g_object_ref(invocation);
	tr_provisioner_resync_async(provisioner, NULL, resync_done_cb, request);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
sync_provisioning(TrProvisioner *provisioner, GParamSpec *pspec, TrDbusDevice *skeleton)
{
	tr_dbus_device_set_last_resync_time(skeleton,
					    tr_provisioner_get_last_resync_time(provisioner));
	tr_dbus_device_set_last_resync_result(skeleton,
					      tr_provisioner_get_last_resync_result(provisioner));
	tr_dbus_device_set_last_resync_error(skeleton,
					     tr_provisioner_get_last_resync_error(provisioner));
	tr_dbus_device_set_resyncing(skeleton, tr_provisioner_get_resyncing(provisioner));
}

static void
store_changed_cb(TrStore *store, const gchar *const *names, TrDbusDevice *skeleton)
{
	tr_dbus_device_emit_parameters_changed(skeleton, names);
}

/* Line.Tls is on the line's object while its transport is TLS */
static void
update_tls(TrDbusLine *skeleton)
{
	TrLine *line = g_object_get_data(G_OBJECT(skeleton), "tr-line");
	TrDbusObjectSkeleton *object = g_object_get_data(G_OBJECT(skeleton), "tr-object");
	GObject *session =
		line != NULL ? g_object_get_data(G_OBJECT(line), TR_TRANSPORT_SESSION_KEY) : NULL;
	gboolean want = session != NULL && g_strcmp0(tr_line_get_transport(line), "TLS") == 0;
	TrDbusLineTls *tls = NULL;
	const gchar *props[] = {
		"state",	   "protocol-version", "cipher-suite",	  "peer-certificate",
		"peer-subject",	   "verified",	       "verify-result",	  "handshake-ms",
		"resumed",	   "established-at",   "reconnect-count", "last-error",
		"keepalives-sent", "pongs-received"};

	if (object == NULL)
		return;
	tls = tr_dbus_object_peek_line_tls(TR_DBUS_OBJECT(object));
	if (want && tls == NULL) {
		g_autoptr(TrDbusLineTls) iface = tr_dbus_line_tls_skeleton_new();
		for (guint i = 0; i < G_N_ELEMENTS(props); i++)
			g_object_bind_property(session, props[i], iface, props[i],
					       G_BINDING_SYNC_CREATE);
		tr_dbus_object_skeleton_set_line_tls(object, iface);
	} else if (!want && tls != NULL) {
		tr_dbus_object_skeleton_set_line_tls(object, NULL);
	}
}

static void
sync_line(TrLine *line, GParamSpec *pspec, TrDbusLine *skeleton)
{
	tr_dbus_line_set_enabled(skeleton, tr_line_get_enabled(line));
	tr_dbus_line_set_transport(skeleton, tr_line_get_transport(line));
	update_tls(skeleton);
}

static void
sync_registration(TrRegistration *registration, GParamSpec *pspec, TrDbusLine *skeleton)
{
	gint64 next = tr_registration_get_next_registration(registration);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const gchar *keepalive_phrase = NULL;
	guint keepalive_code;

	tr_dbus_line_set_registration_state(
		skeleton, tr_registration_state_to_string(tr_registration_get_state(registration)));
	tr_dbus_line_set_registered_until(skeleton,
					  tr_registration_get_registered_until(registration));
	tr_dbus_line_set_next_registration_at(skeleton, next);
	tr_dbus_line_set_next_registration_in(skeleton, next > now ? (guint)(next - now) : 0);
	tr_dbus_line_set_last_response(
		skeleton, g_variant_new("(us)", tr_registration_get_last_code(registration),
					tr_registration_get_last_phrase(registration)));
	tr_dbus_line_set_last_error(skeleton, tr_registration_get_last_error(registration));
	keepalive_code = tr_registration_get_keepalive_code(registration, &keepalive_phrase);
	tr_dbus_line_set_nat_keepalives_sent(skeleton,
					     tr_registration_get_keepalives_sent(registration));
	tr_dbus_line_set_nat_keepalive_response(
		skeleton, g_variant_new("(us)", keepalive_code, keepalive_phrase));
	/* a TLS line's session appears when its agent is made */
	update_tls(skeleton);
}

static gboolean
handle_register(TrDbusLine *skeleton, GDBusMethodInvocation *invocation,
		TrRegistration *registration)
{
	tr_registration_register(registration);
	tr_dbus_line_complete_register(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_unregister(TrDbusLine *skeleton, GDBusMethodInvocation *invocation,
		  TrRegistration *registration)
{
	tr_registration_unregister(registration);
	tr_dbus_line_complete_unregister(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
export_line(TrDbusExporter *self, TrLine *line, const gchar *device_object_path)
{
	g_autofree gchar *path = line_path(line);
	g_autofree gchar *label = NULL;
	g_autoptr(TrDbusObjectSkeleton) object = tr_dbus_object_skeleton_new(path);
	g_autoptr(TrDbusLine) skeleton = tr_dbus_line_skeleton_new();
	const TrModel *model = tr_device_get_model(tr_line_get_device(line));

	label = g_strdup_printf("%s %u", tr_model_get_line_label(model), tr_line_get_index(line));
	g_object_set_data(G_OBJECT(skeleton), "tr-line", line);
	g_object_set_data(G_OBJECT(skeleton), "tr-object", object);
	tr_dbus_line_set_index(skeleton, tr_line_get_index(line));
	tr_dbus_line_set_device(skeleton, device_object_path);
	tr_dbus_line_set_label(skeleton, label);
	sync_line(line, NULL, skeleton);
	g_signal_connect_object(line, "notify", G_CALLBACK(sync_line), skeleton, 0);
	{
		TrRegistration *registration = tr_engine_get_registration(self->engine, line);
		sync_registration(registration, NULL, skeleton);
		g_signal_connect_object(registration, "notify", G_CALLBACK(sync_registration),
					skeleton, 0);
		g_signal_connect_object(skeleton, "handle-register", G_CALLBACK(handle_register),
					registration, 0);
		g_signal_connect_object(skeleton, "handle-unregister",
					G_CALLBACK(handle_unregister), registration, 0);
	}
	tr_dbus_object_skeleton_set_line(object, skeleton);
	g_dbus_object_manager_server_export(self->object_manager, G_DBUS_OBJECT_SKELETON(object));
}

static void
export_device(TrDbusExporter *self, TrDevice *device)
{
	g_autofree gchar *path = device_path(device);
	g_autoptr(TrDbusObjectSkeleton) object = tr_dbus_object_skeleton_new(path);
	g_autoptr(TrDbusDevice) skeleton = tr_dbus_device_skeleton_new();
	const TrModel *model = tr_device_get_model(device);
	GPtrArray *lines = tr_device_get_lines(device);
	g_autoptr(GPtrArray) line_paths = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < lines->len; i++)
		g_ptr_array_add(line_paths, line_path(g_ptr_array_index(lines, i)));
	g_ptr_array_add(line_paths, NULL);

	tr_dbus_device_set_index(skeleton, tr_device_get_index(device));
	tr_dbus_device_set_model(skeleton, model->name);
	tr_dbus_device_set_name(skeleton, tr_device_get_name(device));
	tr_dbus_device_set_serial(skeleton, tr_device_get_serial(device));
	tr_dbus_device_set_mac_address(skeleton, tr_device_get_mac_address(device));
	tr_dbus_device_set_firmware_version(skeleton, tr_device_get_firmware_version(device));
	tr_dbus_device_set_hardware_version(skeleton, model->hardware_version);
	tr_dbus_device_set_lines(skeleton, (const gchar *const *)line_paths->pdata);
	tr_dbus_device_set_parameter_count(
		skeleton, tr_schema_get_size(tr_store_get_schema(tr_device_get_store(device))));

	g_signal_connect_object(skeleton, "handle-get-parameters",
				G_CALLBACK(handle_get_parameters), device, 0);
	g_signal_connect_object(skeleton, "handle-set-parameters",
				G_CALLBACK(handle_set_parameters), device, 0);
	g_signal_connect_object(skeleton, "handle-factory-reset", G_CALLBACK(handle_factory_reset),
				device, 0);
	g_signal_connect_object(skeleton, "handle-create-certificate",
				G_CALLBACK(handle_create_certificate), device, 0);
	g_signal_connect_object(skeleton, "handle-import-profile",
				G_CALLBACK(handle_import_profile), device, 0);
	g_signal_connect_object(skeleton, "handle-export-profile",
				G_CALLBACK(handle_export_profile), device, 0);
	{
		TrProvisioner *provisioner = tr_engine_get_provisioner(self->engine, device);
		sync_provisioning(provisioner, NULL, skeleton);
		g_signal_connect_object(provisioner, "notify", G_CALLBACK(sync_provisioning),
					skeleton, 0);
		g_signal_connect_object(skeleton, "handle-resync", G_CALLBACK(handle_resync),
					provisioner, 0);
	}
	g_signal_connect_object(tr_device_get_store(device), "changed",
				G_CALLBACK(store_changed_cb), skeleton, 0);

	tr_dbus_object_skeleton_set_device(object, skeleton);
	g_dbus_object_manager_server_export(self->object_manager, G_DBUS_OBJECT_SKELETON(object));
	for (guint i = 0; i < lines->len; i++)
		export_line(self, g_ptr_array_index(lines, i), path);
}

static void
device_added_cb(TrEngine *engine, TrDevice *device, TrDbusExporter *self)
{
	export_device(self, device);
	update_manager(self);
}

/**
 * tr_dbus_exporter_new:
 * @engine: the engine to show
 * @connection: a bus or peer connection
 * @error: a #GError, or %NULL
 *
 * Exports the engine on @connection until the exporter is freed.
 */
TrDbusExporter *
tr_dbus_exporter_new(TrEngine *engine, GDBusConnection *connection, GError **error)
{
	g_autoptr(TrDbusExporter) self = NULL;
	GPtrArray *devices;

	g_return_val_if_fail(TR_IS_ENGINE(engine), NULL);
	g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);

	self = g_object_new(TR_TYPE_DBUS_EXPORTER, NULL);
	self->engine = g_object_ref(engine);
	self->connection = g_object_ref(connection);
	self->object_manager = g_dbus_object_manager_server_new(TR_DBUS_PATH);
	self->manager = tr_dbus_manager_skeleton_new();

	devices = tr_engine_get_devices(engine);
	for (guint i = 0; i < devices->len; i++)
		export_device(self, g_ptr_array_index(devices, i));
	update_manager(self);
	g_signal_connect_object(engine, "device-added", G_CALLBACK(device_added_cb), self, 0);

	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->manager), connection,
					      TR_DBUS_PATH, error))
		return NULL;
	g_dbus_object_manager_server_set_connection(self->object_manager, connection);
	return g_steal_pointer(&self);
}

GDBusConnection *
tr_dbus_exporter_get_connection(TrDbusExporter *self)
{
	g_return_val_if_fail(TR_IS_DBUS_EXPORTER(self), NULL);
	return self->connection;
}

static void
tr_dbus_exporter_dispose(GObject *object)
{
	TrDbusExporter *self = TR_DBUS_EXPORTER(object);

	if (self->manager != NULL)
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->manager));
	if (self->object_manager != NULL)
		g_dbus_object_manager_server_set_connection(self->object_manager, NULL);
	g_clear_object(&self->manager);
	g_clear_object(&self->object_manager);
	g_clear_object(&self->connection);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(tr_dbus_exporter_parent_class)->dispose(object);
}

static void
tr_dbus_exporter_class_init(TrDbusExporterClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = tr_dbus_exporter_dispose;
}

static void
tr_dbus_exporter_init(TrDbusExporter *self)
{
}
