/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-device"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-device.h"
#include "tr-error.h"
#include "tr-i18n.h"

struct _TrDevice {
	GObject parent_instance;
	TrDeviceBackend *backend;
	const TrModel *model;
	gchar *name;
	guint index;
	gchar *state_dir;
	gchar *serial;
	gchar *mac_address;
	TrStore *store;
	GPtrArray *lines;
};

G_DEFINE_TYPE(TrDevice, tr_device, G_TYPE_OBJECT)

/* device names become directory names: keep them plain */
gboolean
tr_device_name_is_valid(const gchar *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '-' || name[0] == '.' ||
	    strlen(name) > 64)
		return FALSE;
	for (const gchar *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			return FALSE;
	}
	return TRUE;
}

/*
 * The emulated hardware's identity, made once and kept: a MAC address with
 * the locally administered bit set (never a real vendor's) and a serial.
 */
static gboolean
load_identity(TrDevice *self, GError **error)
{
	g_autofree gchar *path = g_build_filename(self->state_dir, "identity.ini", NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree gchar *data = NULL;
	g_autoptr(GError) error_local = NULL;
	gsize len = 0;

	if (g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
		g_autofree gchar *model = g_key_file_get_string(kf, "device", "model", NULL);
		/* another model's configuration would lose what this one lacks */
		if (model != NULL && g_ascii_strcasecmp(model, self->model->name) != 0) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: name, the model it was, its directory */
				    _("Device '%s' is a %s (see %s): give this %s another name"),
				    self->name, model, self->state_dir, self->model->name);
			return FALSE;
		}
		self->mac_address = g_key_file_get_string(kf, "device", "mac", NULL);
		self->serial = g_key_file_get_string(kf, "device", "serial", NULL);
		if (self->mac_address != NULL && self->serial != NULL)
			return TRUE;
		g_warning("%s is incomplete; making a new identity", path);
		g_clear_pointer(&self->mac_address, g_free);
		g_clear_pointer(&self->serial, g_free);
	}

	self->mac_address = g_strdup_printf("02:0e:08:%02x:%02x:%02x", g_random_int_range(0, 256),
					    g_random_int_range(0, 256), g_random_int_range(0, 256));
	self->serial = g_strdup_printf("TR%08X%02X", g_random_int(), g_random_int_range(0, 256));
	g_key_file_set_string(kf, "device", "model", self->model->name);
	g_key_file_set_string(kf, "device", "mac", self->mac_address);
	g_key_file_set_string(kf, "device", "serial", self->serial);
	data = g_key_file_to_data(kf, &len, NULL);
	if (!g_file_set_contents_full(path, data, len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0644, &error_local)) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "saving the device identity: %s",
			    error_local->message);
		return FALSE;
	}
	return TRUE;
}

/* a configuration that cannot be read is kept aside, never overwritten */
static gboolean
load_config(TrDevice *self, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *aside = NULL;
	const gchar *path = tr_store_get_path(self->store);

	if (tr_store_load(self->store, &error_local))
		return TRUE;
	aside = g_strdup_printf("%s.unreadable-%" G_GINT64_FORMAT, path,
				g_get_real_time() / 1000000);
	if (g_rename(path, aside) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE,
			    "%s; and it cannot be moved aside: %s", error_local->message,
			    g_strerror(errno));
		return FALSE;
	}
	g_warning("%s; kept as %s, starting from factory defaults", error_local->message, aside);
	return TRUE;
}

/**
 * tr_device_new:
 * @backend: the backend that serves @model
 * @model: the model
 * @name: the device's name, also its directory under the state dir
 * @index: its number on D-Bus (`/org/tipring/Tipring1/Device/N`)
 * @tmpl: the schema template
 * @state_dir: the daemon's state directory
 * @error: a #GError, or %NULL
 *
 * Made by the engine only; plugins receive devices, they do not make them.
 */
TrDevice *
tr_device_new(TrDeviceBackend *backend, const TrModel *model, const gchar *name, guint index,
	      TrSchema *tmpl, const gchar *state_dir, GError **error)
{
	g_autoptr(TrDevice) self = NULL;
	g_autoptr(TrSchema) schema = NULL;
	g_autofree gchar *config_path = NULL;

	g_return_val_if_fail(TR_IS_DEVICE_BACKEND(backend), NULL);
	g_return_val_if_fail(model != NULL, NULL);
	g_return_val_if_fail(TR_IS_SCHEMA(tmpl), NULL);
	g_return_val_if_fail(state_dir != NULL, NULL);

	if (!tr_device_name_is_valid(name)) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    "invalid device name '%s': use letters, digits, '-', '_' and '.'",
			    name != NULL ? name : "");
		return NULL;
	}
	schema = tr_schema_new_for_model(tmpl, model->n_lines, model->tags, error);
	if (schema == NULL)
		return NULL;

	self = g_object_new(TR_TYPE_DEVICE, NULL);
	self->backend = g_object_ref(backend);
	self->model = model;
	self->name = g_strdup(name);
	self->index = index;
	self->state_dir = g_build_filename(state_dir, name, NULL);
	if (g_mkdir_with_parents(self->state_dir, 0700) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "cannot create %s: %s",
			    self->state_dir, g_strerror(errno));
		return NULL;
	}
	if (!load_identity(self, error))
		return NULL;

	config_path = g_build_filename(self->state_dir, "config.ini", NULL);
	self->store = tr_store_new(schema, config_path);
	if (!load_config(self, error))
		return NULL;

	for (guint i = 1; i <= model->n_lines; i++)
		g_ptr_array_add(self->lines, tr_line_new(self, i));
	return g_steal_pointer(&self);
}

const TrModel *
tr_device_get_model(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->model;
}

TrDeviceBackend *
tr_device_get_backend(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->backend;
}

const gchar *
tr_device_get_name(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->name;
}

guint
tr_device_get_index(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), 0);
	return self->index;
}

const gchar *
tr_device_get_serial(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->serial;
}

const gchar *
tr_device_get_mac_address(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->mac_address;
}

const gchar *
tr_device_get_firmware_version(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return PACKAGE_VERSION;
}

const gchar *
tr_device_get_state_dir(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->state_dir;
}

TrStore *
tr_device_get_store(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->store;
}

/**
 * tr_device_get_lines:
 *
 * Returns: (transfer none) (element-type TrLine): lines 1..N in order
 */
GPtrArray *
tr_device_get_lines(TrDevice *self)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	return self->lines;
}

/**
 * tr_device_get_line:
 * @index: 1-based, as the SPA numbers its lines
 *
 * Returns: (transfer none) (nullable): the line
 */
TrLine *
tr_device_get_line(TrDevice *self, guint index)
{
	g_return_val_if_fail(TR_IS_DEVICE(self), NULL);
	if (index == 0 || index > self->lines->len)
		return NULL;
	return g_ptr_array_index(self->lines, index - 1);
}

static void
tr_device_dispose(GObject *object)
{
	TrDevice *self = TR_DEVICE(object);

	g_ptr_array_set_size(self->lines, 0);
	g_clear_object(&self->store);
	g_clear_object(&self->backend);
	G_OBJECT_CLASS(tr_device_parent_class)->dispose(object);
}

static void
tr_device_finalize(GObject *object)
{
	TrDevice *self = TR_DEVICE(object);

	g_ptr_array_unref(self->lines);
	g_free(self->name);
	g_free(self->state_dir);
	g_free(self->serial);
	g_free(self->mac_address);
	G_OBJECT_CLASS(tr_device_parent_class)->finalize(object);
}

static void
tr_device_class_init(TrDeviceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->dispose = tr_device_dispose;
	object_class->finalize = tr_device_finalize;
}

static void
tr_device_init(TrDevice *self)
{
	self->lines = g_ptr_array_new_with_free_func(g_object_unref);
}
