/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-engine"

#include "config.h"

#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_uniqueid.h>
#include <stdarg.h>

#include "tr-device-backend.h"
#include "tr-engine.h"
#include "tr-error.h"
#include "tr-frontend.h"
#include "tr-i18n.h"
#include "tr-plugin-loader.h"

/*
 * The engine: the schema, the plugins, the devices, and Sofia-SIP's root on
 * the one GMainContext. tipringd is a thin main around it; tests use it
 * directly.
 */
struct _TrEngine {
	GObject parent_instance;
	gchar *state_dir;
	TrSchema *schema;
	GPtrArray *records;	  /* TrPluginRecord */
	GPtrArray *devices;	  /* TrDevice */
	GHashTable *provisioners; /* TrDevice -> TrProvisioner */
	GPtrArray *registrations; /* TrRegistration, one per line */
	su_root_t *su_root;
	GMainContext *context; /* the one the Sofia-SIP roots are attached to */
	gboolean su_initialized;
	GHashTable *options; /* name -> value, from the daemon's command line */
};

G_DEFINE_TYPE(TrEngine, tr_engine, G_TYPE_OBJECT)

enum { SIGNAL_DEVICE_ADDED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

static void
tr_plugin_record_free(TrPluginRecord *record)
{
	g_free(record->name);
	g_free(record->path);
	g_free(record->kind);
	g_free(record->error);
	g_clear_object(&record->plugin);
	g_free(record);
}

/* Sofia-SIP's own log lines join ours, as debug messages of domain "sofia" */
G_GNUC_PRINTF(2, 0)
static void
sofia_logger(void *stream, char const *format, va_list ap)
{
	g_autofree gchar *line = g_strdup_vprintf(format, ap);
	g_strchomp(line);
	if (line[0] != '\0')
		g_log("sofia", G_LOG_LEVEL_DEBUG, "%s", line);
}

/* Sofia-SIP runs as a source of the caller's main context, in this thread */
static gboolean
setup_sofia(TrEngine *self, GError **error)
{
	/* Sofia-SIP's su_uniqueid destructor deletes its thread key at exit even
	 * when it never made one, and then deletes key 0, which is GLib's: a GDBus
	 * thread still busy during exit() aborts in g_private_set(). One random
	 * number makes Sofia create a key of its own first. */
	(void)su_random();

	su_log_redirect(NULL, sofia_logger, NULL);
	su_log_redirect(su_log_global, sofia_logger, NULL);
	if (su_init() != 0) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_FAILED, "su_init() failed");
		return FALSE;
	}
	self->su_initialized = TRUE;
	self->context = g_main_context_ref_thread_default();
	self->su_root = tr_engine_new_su_root(self, self);
	if (self->su_root == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_FAILED,
				    "cannot create the Sofia-SIP root");
		return FALSE;
	}
	return TRUE;
}

/**
 * tr_engine_new_su_root:
 * @magic: what Sofia-SIP hands the root's callbacks
 *
 * A Sofia-SIP root of its own (each line's agent has one), as one more
 * source of the engine's main context, in this thread. Sofia's GSource keeps
 * its descriptors in arrays that it shifts, one g_source_remove_poll() and
 * g_source_add_poll() per element, whenever one is removed: with one root
 * for every line, each connection closed cost O(n²) list walks over all the
 * lines' descriptors (docs/architecture.md, "Process model").
 *
 * Returns: (nullable): the root, for tr_engine_free_su_root()
 */
su_root_t *
tr_engine_new_su_root(TrEngine *self, su_root_magic_t *magic)
{
	su_root_t *root;
	GSource *source;

	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);

	root = su_glib_root_create(magic);
	if (root == NULL)
		return NULL;
	/* without this, every nua_create() would start a thread of its own */
	su_root_threading(root, 0);
	source = su_glib_root_gsource(root);
	/* GLib blocks a source while it dispatches: it takes each of the
	 * source's descriptors off the context and puts it back, two walks over
	 * all the context's descriptors per descriptor and dispatch. Nothing
	 * iterates the main context from inside Sofia's callbacks, so there is
	 * no recursion to guard against. */
	g_source_set_can_recurse(source, TRUE);
	g_source_attach(source, self->context);
	return root;
}

/**
 * tr_engine_free_su_root:
 * @root: (nullable): from tr_engine_new_su_root(), its agents destroyed
 *
 * Destroys the root and takes its source off the main context.
 */
void
tr_engine_free_su_root(su_root_t *root)
{
	GSource *source;

	if (root == NULL)
		return;
	source = g_source_ref(su_glib_root_gsource(root));
	su_root_destroy(root);
	g_source_destroy(source);
	g_source_unref(source);
}

/**
 * tr_engine_new:
 * @state_dir: where devices keep their configuration
 * @error: a #GError, or %NULL
 */
TrEngine *
tr_engine_new(const gchar *state_dir, GError **error)
{
	g_autoptr(TrEngine) self = NULL;

	g_return_val_if_fail(state_dir != NULL, NULL);

	self = g_object_new(TR_TYPE_ENGINE, NULL);
	self->state_dir = g_strdup(state_dir);
	self->schema = tr_schema_new_default(error);
	if (self->schema == NULL)
		return NULL;
	if (!setup_sofia(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

static TrPluginRecord *
find_record_by_name(TrEngine *self, const gchar *name)
{
	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		if (record->plugin != NULL && g_strcmp0(record->name, name) == 0)
			return record;
	}
	return NULL;
}

static void
load_one(TrEngine *self, const gchar *path)
{
	TrPluginRecord *record = g_new0(TrPluginRecord, 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrPlugin) plugin = NULL;
	const TrPluginDescriptor *desc;

	record->path = g_strdup(path);
	record->name = g_path_get_basename(path);
	record->kind = g_strdup("");
	g_ptr_array_add(self->records, record);

	desc = tr_plugin_loader_open(path, &error);
	if (desc != NULL) {
		TrPluginRecord *other = find_record_by_name(self, desc->name);
		g_free(record->name);
		record->name = g_strdup(desc->name);
		if (other != NULL) {
			/* refused before its types could clash with the first one's */
			g_set_error(&error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: why a plugin module was refused: another
				     * module of the same name, %s is its file */
				    _("already loaded from %s"), other->path);
		} else {
			plugin = tr_plugin_loader_instantiate(desc, self, &error);
			if (plugin != NULL) {
				g_free(record->kind);
				record->kind = g_strdup(tr_plugin_get_kind(plugin));
			}
		}
	}
	if (plugin == NULL) {
		record->state = TR_PLUGIN_STATE_DISABLED;
		record->error = g_strdup(error->message);
		g_warning("plugin %s (%s) disabled: %s", record->name, path, error->message);
		return;
	}
	record->state = TR_PLUGIN_STATE_LOADED;
	record->plugin = g_steal_pointer(&plugin);
	g_debug("loaded %s plugin %s from %s", record->kind, record->name, path);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar **)a, *(const gchar **)b);
}

static void
load_dir(TrEngine *self, const gchar *dirname)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open(dirname, 0, &error);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (dir == NULL) {
		g_warning("plugin directory %s: %s", dirname, error->message);
		return;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(name, "." G_MODULE_SUFFIX))
			g_ptr_array_add(paths, g_build_filename(dirname, name, NULL));
	}
	g_ptr_array_sort(paths, compare_strings);
	for (guint i = 0; i < paths->len; i++)
		load_one(self, g_ptr_array_index(paths, i));
}

/**
 * tr_engine_load_plugins:
 * @dirs: (array zero-terminated=1): directories; each entry may itself be a
 *   search path of several directories separated by ':'
 *
 * Loads every plugin module found. One that cannot be loaded is recorded as
 * disabled, with a log line naming it and why; loading goes on.
 */
void
tr_engine_load_plugins(TrEngine *self, const gchar *const *dirs)
{
	g_return_if_fail(TR_IS_ENGINE(self));

	for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(dirs[i], G_SEARCHPATH_SEPARATOR_S, -1);
		for (guint j = 0; parts[j] != NULL; j++) {
			if (parts[j][0] != '\0')
				load_dir(self, parts[j]);
		}
	}
}

static void
disable(TrPluginRecord *record, const gchar *why)
{
	record->state = TR_PLUGIN_STATE_DISABLED;
	g_free(record->error);
	record->error = g_strdup(why);
	g_warning("plugin %s (%s) disabled: %s", record->name, record->path, why);
}

/**
 * tr_engine_start_plugins:
 *
 * Starts every loaded plugin; a plugin that fails is disabled and the rest
 * go on.
 */
void
tr_engine_start_plugins(TrEngine *self)
{
	g_return_if_fail(TR_IS_ENGINE(self));

	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		g_autoptr(GError) error = NULL;

		if (record->state != TR_PLUGIN_STATE_LOADED)
			continue;
		if (!tr_plugin_start(record->plugin, &error)) {
			disable(record, error != NULL ? error->message : "start failed");
			continue;
		}
		record->state = TR_PLUGIN_STATE_STARTED;
		g_info("started %s plugin %s", record->kind, record->name);
	}
}

static void
stop_provisioner(gpointer key, gpointer value, gpointer user_data)
{
	tr_provisioner_stop(TR_PROVISIONER(value));
}

static void
start_provisioner(gpointer key, gpointer value, gpointer user_data)
{
	tr_provisioner_start(TR_PROVISIONER(value));
}

/**
 * tr_engine_start_provisioning:
 *
 * Starts each device's remote provisioning: the resync on reset and the
 * periodic ones, as its parameters say. tipringd calls it once the devices
 * are on D-Bus.
 */
void
tr_engine_start_provisioning(TrEngine *self)
{
	g_return_if_fail(TR_IS_ENGINE(self));
	g_hash_table_foreach(self->provisioners, start_provisioner, NULL);
}

/**
 * tr_engine_get_provisioner:
 * @device: one of the engine's devices
 *
 * Returns: (transfer none): the device's remote provisioning
 */
TrProvisioner *
tr_engine_get_provisioner(TrEngine *self, TrDevice *device)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return g_hash_table_lookup(self->provisioners, device);
}

/**
 * tr_engine_get_registration:
 * @line: a line of one of the engine's devices
 *
 * Returns: (transfer none) (nullable): the line's registration
 */
TrRegistration *
tr_engine_get_registration(TrEngine *self, TrLine *line)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	for (guint i = 0; i < self->registrations->len; i++) {
		TrRegistration *registration = g_ptr_array_index(self->registrations, i);
		if (tr_registration_get_line(registration) == line)
			return registration;
	}
	return NULL;
}

/**
 * tr_engine_start_lines:
 *
 * Every line starts following its parameters: an enabled line with
 * `Register_N_` and a `Proxy_N_` registers.
 */
void
tr_engine_start_lines(TrEngine *self)
{
	g_return_if_fail(TR_IS_ENGINE(self));
	for (guint i = 0; i < self->registrations->len; i++)
		tr_registration_start(g_ptr_array_index(self->registrations, i));
}

/**
 * tr_engine_stop_lines:
 *
 * Unregisters every line; the main loop must run until
 * tr_engine_lines_stopped() for the un-REGISTERs to go out.
 */
void
tr_engine_stop_lines(TrEngine *self)
{
	g_return_if_fail(TR_IS_ENGINE(self));
	for (guint i = 0; i < self->registrations->len; i++)
		tr_registration_stop(g_ptr_array_index(self->registrations, i));
}

gboolean
tr_engine_lines_stopped(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), TRUE);
	for (guint i = 0; i < self->registrations->len; i++) {
		if (!tr_registration_is_stopped(g_ptr_array_index(self->registrations, i)))
			return FALSE;
	}
	return TRUE;
}

/**
 * tr_engine_shutdown:
 *
 * Stops the plugins in the reverse order of their start.
 */
void
tr_engine_shutdown(TrEngine *self)
{
	g_return_if_fail(TR_IS_ENGINE(self));

	g_hash_table_foreach(self->provisioners, stop_provisioner, NULL);
	tr_engine_stop_lines(self);
	for (guint i = self->records->len; i > 0; i--) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i - 1);
		if (record->state != TR_PLUGIN_STATE_STARTED)
			continue;
		if (TR_IS_FRONTEND(record->plugin)) {
			TrFrontend *frontend = TR_FRONTEND(record->plugin);
			/* only the devices it was given in tr_engine_add_device() */
			for (guint j = 0; j < self->devices->len; j++) {
				TrDevice *device = g_ptr_array_index(self->devices, j);
				if (tr_frontend_wants_model(frontend, tr_device_get_model(device)))
					tr_frontend_device_removed(frontend, device);
			}
		}
		tr_plugin_stop(record->plugin);
		record->state = TR_PLUGIN_STATE_LOADED;
	}
}

static TrDeviceBackend *
find_backend(TrEngine *self, const gchar *model, const TrModel **found)
{
	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		const TrModel *m;
		if (record->state != TR_PLUGIN_STATE_STARTED ||
		    !TR_IS_DEVICE_BACKEND(record->plugin))
			continue;
		m = tr_device_backend_find_model(TR_DEVICE_BACKEND(record->plugin), model);
		if (m != NULL) {
			*found = m;
			return TR_DEVICE_BACKEND(record->plugin);
		}
	}
	return NULL;
}

/**
 * tr_engine_list_models:
 *
 * Returns: (transfer full): the model names that the started device
 * backends serve, sorted
 */
GStrv
tr_engine_list_models(TrEngine *self)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);

	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		const TrModel *const *models;
		if (record->state != TR_PLUGIN_STATE_STARTED ||
		    !TR_IS_DEVICE_BACKEND(record->plugin))
			continue;
		models = tr_device_backend_get_models(TR_DEVICE_BACKEND(record->plugin));
		for (guint j = 0; models != NULL && models[j] != NULL; j++)
			g_ptr_array_add(names, g_strdup(models[j]->name));
	}
	g_ptr_array_sort(names, compare_strings);
	g_ptr_array_add(names, NULL);
	return (GStrv)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

static gboolean
device_name_taken(TrEngine *self, const gchar *name)
{
	for (guint i = 0; i < self->devices->len; i++) {
		if (g_strcmp0(tr_device_get_name(g_ptr_array_index(self->devices, i)), name) == 0)
			return TRUE;
	}
	return FALSE;
}

/**
 * tr_engine_add_device:
 * @model: a model name such as "SPA2102" (any case)
 * @name: (nullable): the device's name; by default the model in lower case,
 *   with "-2", "-3"... for further devices of the same model
 * @error: a #GError, or %NULL
 *
 * Returns: (transfer none): the new device, also in tr_engine_get_devices()
 */
TrDevice *
tr_engine_add_device(TrEngine *self, const gchar *model, const gchar *name, GError **error)
{
	const TrModel *found = NULL;
	TrDeviceBackend *backend;
	g_autofree gchar *auto_name = NULL;
	g_autoptr(TrDevice) device = NULL;

	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	g_return_val_if_fail(model != NULL, NULL);

	backend = find_backend(self, model, &found);
	if (backend == NULL) {
		g_auto(GStrv) known = tr_engine_list_models(self);
		g_autofree gchar *list = g_strjoinv(", ", known);
		if (known[0] == NULL)
			g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND,
				    /* TRANSLATORS: no device plugin could be loaded */
				    _("Unknown model '%s': no device backend plugin is loaded "
				      "(see --plugin-dir)"),
				    model);
		else
			g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND,
				    /* TRANSLATORS: %s: the model asked for, then the known ones */
				    _("Unknown model '%s'; known models: %s"), model, list);
		return NULL;
	}
	if (name == NULL) {
		g_autofree gchar *base = g_ascii_strdown(found->name, -1);
		auto_name = g_strdup(base);
		for (guint n = 2; device_name_taken(self, auto_name); n++) {
			g_free(auto_name);
			auto_name = g_strdup_printf("%s-%u", base, n);
		}
		name = auto_name;
	} else if (device_name_taken(self, name)) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    /* TRANSLATORS: two devices were given the same name */
			    _("A device named '%s' already exists"), name);
		return NULL;
	}

	device = tr_device_new(backend, found, name, self->devices->len, self->schema,
			       self->state_dir, error);
	if (device == NULL)
		return NULL;
	if (!tr_device_backend_setup_device(backend, device, error)) {
		g_prefix_error(error, "%s: ", tr_plugin_get_name(TR_PLUGIN(backend)));
		return NULL;
	}
	g_ptr_array_add(self->devices, g_object_ref(device));
	g_hash_table_insert(self->provisioners, device, tr_provisioner_new(device));
	for (guint i = 0; i < tr_device_get_lines(device)->len; i++)
		g_ptr_array_add(self->registrations,
				tr_registration_new(
					self, g_ptr_array_index(tr_device_get_lines(device), i)));

	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		g_autoptr(GError) error_local = NULL;
		if (record->state != TR_PLUGIN_STATE_STARTED || !TR_IS_FRONTEND(record->plugin))
			continue;
		if (!tr_frontend_wants_model(TR_FRONTEND(record->plugin), found))
			continue;
		if (!tr_frontend_device_added(TR_FRONTEND(record->plugin), device, &error_local)) {
			tr_plugin_stop(record->plugin);
			disable(record,
				error_local != NULL ? error_local->message : "device_added failed");
		}
	}
	g_info("device %u: %s '%s', %u lines, state in %s", tr_device_get_index(device),
	       found->name, name, found->n_lines, tr_device_get_state_dir(device));
	g_signal_emit(self, signals[SIGNAL_DEVICE_ADDED], 0, device);
	return device;
}

/**
 * tr_engine_get_devices:
 *
 * Returns: (transfer none) (element-type TrDevice): the devices, by index
 */
GPtrArray *
tr_engine_get_devices(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return self->devices;
}

/**
 * tr_engine_get_plugin_records:
 *
 * Returns: (transfer none) (element-type TrPluginRecord): every plugin file found
 */
GPtrArray *
tr_engine_get_plugin_records(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return self->records;
}

/**
 * tr_engine_find_transport:
 * @protocol: "UDP", "TCP" or "TLS"
 *
 * Returns: (transfer none) (nullable): the started transport plugin that
 * serves @protocol
 */
TrTransport *
tr_engine_find_transport(TrEngine *self, const gchar *protocol)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	g_return_val_if_fail(protocol != NULL, NULL);

	for (guint i = 0; i < self->records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(self->records, i);
		if (record->state != TR_PLUGIN_STATE_STARTED || !TR_IS_TRANSPORT(record->plugin))
			continue;
		if (g_ascii_strcasecmp(tr_transport_get_protocol(TR_TRANSPORT(record->plugin)),
				       protocol) == 0)
			return TR_TRANSPORT(record->plugin);
	}
	return NULL;
}

TrSchema *
tr_engine_get_schema(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return self->schema;
}

const gchar *
tr_engine_get_state_dir(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return self->state_dir;
}

/**
 * tr_engine_set_option:
 * @name: the option, e.g. "web-port"
 * @value: (nullable): its value, or %NULL to unset it
 *
 * Options the daemon's command line gives to plugins (see tipringd(8)):
 * "web-port" and "web-address" for the web front-end.
 */
void
tr_engine_set_option(TrEngine *self, const gchar *name, const gchar *value)
{
	g_return_if_fail(TR_IS_ENGINE(self));
	g_return_if_fail(name != NULL);
	if (value == NULL)
		g_hash_table_remove(self->options, name);
	else
		g_hash_table_insert(self->options, g_strdup(name), g_strdup(value));
}

/**
 * tr_engine_get_option:
 *
 * Returns: (nullable): the value of an option set with tr_engine_set_option()
 */
const gchar *
tr_engine_get_option(TrEngine *self, const gchar *name)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return g_hash_table_lookup(self->options, name);
}

su_root_t *
tr_engine_get_su_root(TrEngine *self)
{
	g_return_val_if_fail(TR_IS_ENGINE(self), NULL);
	return self->su_root;
}

static void
tr_engine_dispose(GObject *object)
{
	TrEngine *self = TR_ENGINE(object);

	tr_engine_shutdown(self);
	g_hash_table_remove_all(self->provisioners);
	g_ptr_array_set_size(self->registrations, 0);
	g_ptr_array_set_size(self->devices, 0);
	g_ptr_array_set_size(self->records, 0);
	G_OBJECT_CLASS(tr_engine_parent_class)->dispose(object);
}

static void
tr_engine_finalize(GObject *object)
{
	TrEngine *self = TR_ENGINE(object);

	tr_engine_free_su_root(self->su_root);
	g_clear_pointer(&self->context, g_main_context_unref);
	if (self->su_initialized)
		su_deinit();
	g_hash_table_unref(self->provisioners);
	g_hash_table_unref(self->options);
	g_ptr_array_unref(self->registrations);
	g_ptr_array_unref(self->devices);
	g_ptr_array_unref(self->records);
	g_clear_object(&self->schema);
	g_free(self->state_dir);
	G_OBJECT_CLASS(tr_engine_parent_class)->finalize(object);
}

static void
tr_engine_class_init(TrEngineClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = tr_engine_dispose;
	object_class->finalize = tr_engine_finalize;

	/**
	 * TrEngine::device-added:
	 * @device: the new #TrDevice
	 */
	signals[SIGNAL_DEVICE_ADDED] =
		g_signal_new("device-added", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_DEVICE);
}

static void
tr_engine_init(TrEngine *self)
{
	self->records = g_ptr_array_new_with_free_func((GDestroyNotify)tr_plugin_record_free);
	self->devices = g_ptr_array_new_with_free_func(g_object_unref);
	self->provisioners = g_hash_table_new_full(NULL, NULL, NULL, g_object_unref);
	self->registrations = g_ptr_array_new_with_free_func(g_object_unref);
	self->options = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}
