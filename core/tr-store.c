/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-password.h"
#include "tr-store.h"

/*
 * One device's configuration: the schema's defaults with the values and
 * user-access levels that differ from them. Only the differences are saved,
 * so a later release's better defaults reach everything left untouched.
 */
struct _TrStore {
	GObject parent_instance;
	TrSchema *schema;
	gchar *path;
	GHashTable *values; /* name -> canonical value, only where not default */
	GHashTable *access; /* name -> TrAccess, only where not the schema's */
};

G_DEFINE_TYPE(TrStore, tr_store, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

#define STORE_GROUP_META   "tipring"
#define STORE_GROUP_VALUES "values"
#define STORE_GROUP_ACCESS "access"
#define STORE_VERSION	   1

/**
 * tr_store_new:
 * @schema: the device's (instantiated) schema
 * @path: (nullable): where the configuration is kept, or %NULL for memory only
 */
TrStore *
tr_store_new(TrSchema *schema, const gchar *path)
{
	TrStore *self;

	g_return_val_if_fail(TR_IS_SCHEMA(schema), NULL);
	g_return_val_if_fail(!tr_schema_is_template(schema), NULL);

	self = g_object_new(TR_TYPE_STORE, NULL);
	self->schema = g_object_ref(schema);
	self->path = g_strdup(path);
	return self;
}

TrSchema *
tr_store_get_schema(TrStore *self)
{
	g_return_val_if_fail(TR_IS_STORE(self), NULL);
	return self->schema;
}

const gchar *
tr_store_get_path(TrStore *self)
{
	g_return_val_if_fail(TR_IS_STORE(self), NULL);
	return self->path;
}

/* g_file_set_contents_full() leaves "config.ini.XXXXXX" behind when killed mid-write */
static void
remove_stale_temporaries(const gchar *path)
{
	g_autofree gchar *dirname = g_path_get_dirname(path);
	g_autofree gchar *basename = g_path_get_basename(path);
	g_autoptr(GDir) dir = g_dir_open(dirname, 0, NULL);
	const gchar *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (strlen(name) == strlen(basename) + 7 && g_str_has_prefix(name, basename) &&
		    name[strlen(basename)] == '.') {
			g_autofree gchar *stale = g_build_filename(dirname, name, NULL);
			g_debug("removing %s, left by an interrupted save", stale);
			g_unlink(stale);
		}
	}
}

static gboolean save(TrStore *self, GHashTable *values, GHashTable *access, GError **error);

/*
 * A web login password (hash="pbkdf2" in the schema) is kept only as its
 * hash: clear text is hashed; a well-formed hash, as an admin export carries
 * it, is kept as it is; empty stays empty (no password). Clear text that is
 * the password already set keeps the hash in place, so that sending the same
 * password again changes nothing. Takes @value.
 */
static gchar *
hash_password(const TrParam *param, gchar *value, const gchar *current, GError **error)
{
	g_autofree gchar *clear = value;
	gchar *hash;

	if (!param->hashed || clear[0] == '\0' || tr_password_is_hash(clear))
		return g_steal_pointer(&clear);
	if (current != NULL && current[0] != '\0' && tr_password_verify(current, clear))
		return g_strdup(current);
	hash = tr_password_hash(clear);
	if (hash == NULL)
		g_set_error(error, TR_ERROR, TR_ERROR_FAILED,
			    /* TRANSLATORS: %s is a parameter name, e.g. Admin_Passwd */
			    _("Could not hash the password of %s"), param->name);
	return hash;
}

/**
 * tr_store_load:
 *
 * Reads the saved configuration. A missing file means factory defaults.
 * Saved values that the schema no longer knows or no longer accepts are
 * dropped with a warning; a file that is not a configuration at all fails
 * with %TR_ERROR_STORAGE and changes nothing. A login password saved in
 * clear text (before tipring hashed them) is hashed and the file saved again.
 */
gboolean
tr_store_load(TrStore *self, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GHashTable) values = NULL;
	g_autoptr(GHashTable) access = NULL;
	g_auto(GStrv) keys = NULL;
	gboolean rehashed = FALSE;

	g_return_val_if_fail(TR_IS_STORE(self), FALSE);

	if (self->path == NULL)
		return TRUE;
	remove_stale_temporaries(self->path);
	if (!g_key_file_load_from_file(kf, self->path, G_KEY_FILE_NONE, &error_local)) {
		if (g_error_matches(error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "%s: %s", self->path,
			    error_local->message);
		return FALSE;
	}
	if (g_key_file_get_integer(kf, STORE_GROUP_META, "version", NULL) != STORE_VERSION) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE,
			    "%s: not a tipring configuration of version %d", self->path,
			    STORE_VERSION);
		return FALSE;
	}

	values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	access = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	keys = g_key_file_get_keys(kf, STORE_GROUP_VALUES, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		TrParam *param = tr_schema_lookup(self->schema, keys[i]);
		g_autofree gchar *raw =
			g_key_file_get_string(kf, STORE_GROUP_VALUES, keys[i], NULL);
		g_autofree gchar *canonical = NULL;
		g_autoptr(GError) error_value = NULL;

		if (param == NULL) {
			g_warning("%s: dropping unknown parameter %s", self->path, keys[i]);
			continue;
		}
		if (raw == NULL || !tr_param_validate(param, raw, &canonical, &error_value)) {
			g_warning("%s: dropping %s: %s", self->path, keys[i],
				  error_value != NULL ? error_value->message : "unreadable");
			continue;
		}
		if (param->hashed && canonical[0] != '\0' && !tr_password_is_hash(canonical)) {
			canonical = hash_password(param, g_steal_pointer(&canonical), NULL,
						  &error_value);
			if (canonical == NULL) {
				g_warning("%s: dropping %s: %s", self->path, keys[i],
					  error_value->message);
				continue;
			}
			rehashed = TRUE;
		}
		if (g_strcmp0(canonical, param->default_value) != 0)
			g_hash_table_insert(values, g_strdup(param->name),
					    g_steal_pointer(&canonical));
	}
	g_clear_pointer(&keys, g_strfreev);
	keys = g_key_file_get_keys(kf, STORE_GROUP_ACCESS, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		TrParam *param = tr_schema_lookup(self->schema, keys[i]);
		g_autofree gchar *raw =
			g_key_file_get_string(kf, STORE_GROUP_ACCESS, keys[i], NULL);
		TrAccess level;

		if (param == NULL || !tr_access_from_string(raw, &level)) {
			g_warning("%s: dropping access of %s", self->path, keys[i]);
			continue;
		}
		if (level != param->access)
			g_hash_table_insert(access, g_strdup(param->name), GUINT_TO_POINTER(level));
	}

	g_hash_table_unref(self->values);
	g_hash_table_unref(self->access);
	self->values = g_steal_pointer(&values);
	self->access = g_steal_pointer(&access);
	if (rehashed) {
		g_autoptr(GError) error_save = NULL;
		g_info("%s: login passwords saved in clear text are now hashed", self->path);
		if (!save(self, self->values, self->access, &error_save))
			g_warning("%s: %s", self->path, error_save->message);
	}
	return TRUE;
}

static gboolean
save(TrStore *self, GHashTable *values, GHashTable *access, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree gchar *data = NULL;
	g_autofree gchar *dirname = NULL;
	GPtrArray *params = tr_schema_get_params(self->schema);
	gsize len = 0;

	if (self->path == NULL)
		return TRUE;

	g_key_file_set_integer(kf, STORE_GROUP_META, "version", STORE_VERSION);
	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		const gchar *value = g_hash_table_lookup(values, param->name);
		gpointer level = NULL;
		if (value != NULL)
			g_key_file_set_string(kf, STORE_GROUP_VALUES, param->name, value);
		if (g_hash_table_lookup_extended(access, param->name, NULL, &level))
			g_key_file_set_string(kf, STORE_GROUP_ACCESS, param->name,
					      tr_access_to_string(GPOINTER_TO_UINT(level)));
	}
	data = g_key_file_to_data(kf, &len, NULL);

	dirname = g_path_get_dirname(self->path);
	if (g_mkdir_with_parents(dirname, 0700) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "cannot create %s: %s", dirname,
			    g_strerror(errno));
		return FALSE;
	}
	/* temp file, fsync, rename: a crash leaves the old file or the new one.
	 * 0600, as the configuration holds passwords. */
	if (!g_file_set_contents_full(self->path, data, len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, error)) {
		g_prefix_error(error, "saving the configuration: ");
		if (error != NULL && *error != NULL && (*error)->domain != TR_ERROR) {
			GError *e = *error;
			*error = g_error_new_literal(TR_ERROR, TR_ERROR_STORAGE, e->message);
			g_error_free(e);
		}
		return FALSE;
	}
	return TRUE;
}

const gchar *
tr_store_get(TrStore *self, const gchar *name)
{
	TrParam *param;
	const gchar *value;

	g_return_val_if_fail(TR_IS_STORE(self), NULL);
	g_return_val_if_fail(name != NULL, NULL);

	param = tr_schema_lookup(self->schema, name);
	if (param == NULL)
		return NULL;
	value = g_hash_table_lookup(self->values, param->name);
	return value != NULL ? value : param->default_value;
}

gboolean
tr_store_get_bool(TrStore *self, const gchar *name)
{
	return g_strcmp0(tr_store_get(self, name), "yes") == 0;
}

gint64
tr_store_get_int(TrStore *self, const gchar *name)
{
	const gchar *value = tr_store_get(self, name);
	if (value == NULL || value[0] == '\0')
		return 0;
	if (g_str_has_prefix(value, "0x"))
		return g_ascii_strtoll(value + 2, NULL, 16);
	return g_ascii_strtoll(value, NULL, 10);
}

gdouble
tr_store_get_double(TrStore *self, const gchar *name)
{
	const gchar *value = tr_store_get(self, name);
	if (value == NULL || value[0] == '\0')
		return 0;
	return g_ascii_strtod(value, NULL);
}

TrAccess
tr_store_get_access(TrStore *self, const gchar *name)
{
	TrParam *param;
	gpointer level = NULL;

	g_return_val_if_fail(TR_IS_STORE(self), TR_ACCESS_NA);

	param = tr_schema_lookup(self->schema, name);
	if (param == NULL)
		return TR_ACCESS_NA;
	if (g_hash_table_lookup_extended(self->access, param->name, NULL, &level))
		return GPOINTER_TO_UINT(level);
	return param->access;
}

gboolean
tr_store_is_default(TrStore *self, const gchar *name)
{
	TrParam *param;

	g_return_val_if_fail(TR_IS_STORE(self), FALSE);
	param = tr_schema_lookup(self->schema, name);
	return param != NULL && !g_hash_table_contains(self->values, param->name);
}

static gint
compare_param_order(gconstpointer a, gconstpointer b, gpointer user_data)
{
	GHashTable *order = user_data;
	guint ia = GPOINTER_TO_UINT(g_hash_table_lookup(order, *(const gchar **)a));
	guint ib = GPOINTER_TO_UINT(g_hash_table_lookup(order, *(const gchar **)b));
	return (ia > ib) - (ia < ib);
}

static void
emit_changed(TrStore *self, GHashTable *changed)
{
	g_autoptr(GHashTable) order = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	GPtrArray *params = tr_schema_get_params(self->schema);
	GHashTableIter iter;
	gpointer key;

	if (g_hash_table_size(changed) == 0)
		return;
	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		g_hash_table_insert(order, param->name, GUINT_TO_POINTER(i));
	}
	g_hash_table_iter_init(&iter, changed);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(names, key);
	g_ptr_array_sort_with_data(names, compare_param_order, order);
	g_ptr_array_add(names, NULL);
	g_signal_emit(self, signals[SIGNAL_CHANGED], 0, (const gchar *const *)names->pdata);
}

static GHashTable *
copy_values(GHashTable *src)
{
	GHashTable *dst = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init(&iter, src);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_hash_table_insert(dst, g_strdup(key), g_strdup(value));
	return dst;
}

static GHashTable *
copy_access(GHashTable *src)
{
	GHashTable *dst = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init(&iter, src);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_hash_table_insert(dst, g_strdup(key), value);
	return dst;
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar **)a, *(const gchar **)b);
}

/* the name as the caller wrote it, cut short: it may be anything */
static gchar *
unknown_parameter(const gchar *name)
{
	g_autofree gchar *shown = g_utf8_make_valid(name, MIN(strlen(name), 64));
	/* TRANSLATORS: a parameter name the device does not have */
	return g_strdup_printf(_("Unknown parameter '%s'"), shown);
}

/**
 * tr_store_apply:
 * @values: (nullable) (element-type utf8 utf8): parameter name -> new value
 * @access: (nullable) (element-type utf8 utf8): parameter name -> "na", "ro" or "rw"
 * @error: a #GError, or %NULL
 *
 * Applies a set of changes all at once or not at all: every name must be
 * known and every value valid, and the new configuration must be saved,
 * before anything changes. Names may be element names or the bracket form.
 * A login password (hash="pbkdf2" in the schema) is stored as its hash, see
 * hash_password().
 * On failure the error lists every bad entry, one per line. On success
 * ::changed is emitted once, naming the parameters whose value or access
 * really changed.
 */
gboolean
tr_store_apply(TrStore *self, GHashTable *values, GHashTable *access, GError **error)
{
	g_autoptr(GHashTable) new_values = NULL;
	g_autoptr(GHashTable) new_access = NULL;
	g_autoptr(GHashTable) changed = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	TrError code = TR_ERROR_FAILED;
	GHashTableIter iter;
	gpointer key;

	g_return_val_if_fail(TR_IS_STORE(self), FALSE);

	new_values = copy_values(self->values);
	new_access = copy_access(self->access);

	/* a stable order, so the error lists the same problems the same way */
	if (values != NULL) {
		g_hash_table_iter_init(&iter, values);
		while (g_hash_table_iter_next(&iter, &key, NULL))
			g_ptr_array_add(keys, key);
		g_ptr_array_sort(keys, compare_strings);
	}
	for (guint i = 0; i < keys->len; i++) {
		const gchar *name = g_ptr_array_index(keys, i);
		const gchar *raw = g_hash_table_lookup(values, name);
		TrParam *param = tr_schema_lookup(self->schema, name);
		g_autofree gchar *canonical = NULL;
		g_autoptr(GError) error_local = NULL;

		if (param == NULL) {
			if (problems->len == 0)
				code = TR_ERROR_UNKNOWN_PARAMETER;
			g_ptr_array_add(problems, unknown_parameter(name));
			continue;
		}
		if (raw == NULL || !tr_param_validate(param, raw, &canonical, &error_local)) {
			if (problems->len == 0)
				code = TR_ERROR_INVALID_PARAMETER;
			g_ptr_array_add(
				problems,
				g_strdup(error_local != NULL ? error_local->message : param->name));
			continue;
		}
		canonical = hash_password(param, g_steal_pointer(&canonical),
					  tr_store_get(self, param->name), &error_local);
		if (canonical == NULL) {
			if (problems->len == 0)
				code = TR_ERROR_FAILED;
			g_ptr_array_add(problems, g_strdup(error_local->message));
			continue;
		}
		if (g_strcmp0(canonical, tr_store_get(self, param->name)) != 0)
			g_hash_table_add(changed, param->name);
		if (g_strcmp0(canonical, param->default_value) == 0)
			g_hash_table_remove(new_values, param->name);
		else
			g_hash_table_insert(new_values, g_strdup(param->name),
					    g_steal_pointer(&canonical));
	}

	g_ptr_array_set_size(keys, 0);
	if (access != NULL) {
		g_hash_table_iter_init(&iter, access);
		while (g_hash_table_iter_next(&iter, &key, NULL))
			g_ptr_array_add(keys, key);
		g_ptr_array_sort(keys, compare_strings);
	}
	for (guint i = 0; i < keys->len; i++) {
		const gchar *name = g_ptr_array_index(keys, i);
		const gchar *raw = g_hash_table_lookup(access, name);
		TrParam *param = tr_schema_lookup(self->schema, name);
		TrAccess level;

		if (param == NULL) {
			if (problems->len == 0)
				code = TR_ERROR_UNKNOWN_PARAMETER;
			g_ptr_array_add(problems, unknown_parameter(name));
			continue;
		}
		if (!tr_access_from_string(raw, &level)) {
			if (problems->len == 0)
				code = TR_ERROR_INVALID_PARAMETER;
			g_ptr_array_add(
				problems,
				/* TRANSLATORS: user access levels are na, ro and rw */
				g_strdup_printf(
					_("Invalid access '%s' for %s: expected na, ro or rw"), raw,
					param->name));
			continue;
		}
		if (level != tr_store_get_access(self, param->name))
			g_hash_table_add(changed, param->name);
		if (level == param->access)
			g_hash_table_remove(new_access, param->name);
		else
			g_hash_table_insert(new_access, g_strdup(param->name),
					    GUINT_TO_POINTER(level));
	}

	if (problems->len > 0) {
		g_ptr_array_add(problems, NULL);
		g_autofree gchar *msg = g_strjoinv("\n", (gchar **)problems->pdata);
		g_set_error_literal(error, TR_ERROR, code, msg);
		return FALSE;
	}
	if (g_hash_table_size(changed) == 0)
		return TRUE;
	if (!save(self, new_values, new_access, error))
		return FALSE;

	g_hash_table_unref(self->values);
	g_hash_table_unref(self->access);
	self->values = g_steal_pointer(&new_values);
	self->access = g_steal_pointer(&new_access);
	emit_changed(self, changed);
	return TRUE;
}

gboolean
tr_store_set_many(TrStore *self, GHashTable *values, GError **error)
{
	return tr_store_apply(self, values, NULL, error);
}

gboolean
tr_store_set(TrStore *self, const gchar *name, const gchar *value, GError **error)
{
	g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);

	g_return_val_if_fail(name != NULL, FALSE);
	g_return_val_if_fail(value != NULL, FALSE);

	g_hash_table_insert(values, (gpointer)name, (gpointer)value);
	return tr_store_apply(self, values, NULL, error);
}

/**
 * tr_store_factory_reset:
 *
 * Restores every value and access level to the schema's, saved atomically.
 */
gboolean
tr_store_factory_reset(TrStore *self, GError **error)
{
	g_autoptr(GHashTable) empty_values = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) empty_access = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) changed = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter iter;
	gpointer key;

	g_return_val_if_fail(TR_IS_STORE(self), FALSE);

	if (!save(self, empty_values, empty_access, error))
		return FALSE;
	g_hash_table_iter_init(&iter, self->values);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_hash_table_add(changed, tr_schema_lookup(self->schema, key)->name);
	g_hash_table_iter_init(&iter, self->access);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_hash_table_add(changed, tr_schema_lookup(self->schema, key)->name);
	g_hash_table_remove_all(self->values);
	g_hash_table_remove_all(self->access);
	emit_changed(self, changed);
	return TRUE;
}

static void
tr_store_finalize(GObject *object)
{
	TrStore *self = TR_STORE(object);

	g_hash_table_unref(self->values);
	g_hash_table_unref(self->access);
	g_object_unref(self->schema);
	g_free(self->path);
	G_OBJECT_CLASS(tr_store_parent_class)->finalize(object);
}

static void
tr_store_class_init(TrStoreClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = tr_store_finalize;

	/**
	 * TrStore::changed:
	 * @names: the element names whose value or access changed, in schema order
	 */
	signals[SIGNAL_CHANGED] =
		g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
tr_store_init(TrStore *self)
{
	self->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->access = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}
