/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-profile"

#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile.h"

/*
 * Profiles against a device's store: the parsers (tr-profile-parser.c) know
 * the syntax, this file knows the schema. Import is all or nothing; export
 * writes what import reads back to the same configuration.
 */

#define MAX_REPORTED_ERRORS 20

gboolean
tr_profile_format_from_string(const gchar *str, TrProfileFormat *format)
{
	if (g_strcmp0(str, "xml") == 0)
		*format = TR_PROFILE_FORMAT_XML;
	else if (g_strcmp0(str, "text") == 0)
		*format = TR_PROFILE_FORMAT_TEXT;
	else
		return FALSE;
	return TRUE;
}

gboolean
tr_profile_level_from_string(const gchar *str, TrProfileLevel *level)
{
	if (g_strcmp0(str, "admin") == 0)
		*level = TR_PROFILE_LEVEL_ADMIN;
	else if (g_strcmp0(str, "user") == 0)
		*level = TR_PROFILE_LEVEL_USER;
	else
		return FALSE;
	return TRUE;
}

static gchar *
entry_position(TrProfileEntry *entry)
{
	return tr_profile_format_position(entry->file, entry->line, entry->column);
}

/**
 * tr_profile_apply:
 * @profile: a parsed profile
 * @store: the device's store
 * @warnings: (out) (optional): unknown parameters, with their position
 * @error: a #GError, or %NULL
 *
 * Checks every entry against the schema, then applies them all at once,
 * the last occurrence of a parameter winning. One bad value or access level
 * rejects the whole profile: the error names each, with its position and
 * what is allowed, and nothing changes. Unknown parameters are not fatal.
 */
gboolean
tr_profile_apply(TrProfile *profile, TrStore *store, GStrv *warnings, GError **error)
{
	TrSchema *schema;
	g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) access = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func(g_free);
	guint n_problems = 0;

	g_return_val_if_fail(profile != NULL, FALSE);
	g_return_val_if_fail(TR_IS_STORE(store), FALSE);

	schema = tr_store_get_schema(store);
	for (guint i = 0; i < profile->entries->len; i++) {
		TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);
		TrParam *param = tr_schema_lookup(schema, entry->name);
		g_autoptr(GError) error_local = NULL;
		TrAccess level;

		if (param == NULL) {
			g_autofree gchar *where = entry_position(entry);
			/* TRANSLATORS: position in a profile, then a parameter name */
			g_ptr_array_add(unknown, g_strdup_printf(_("%s: unknown parameter %s"),
								 where, entry->name));
			continue;
		}
		if (entry->value != NULL &&
		    !tr_param_validate(param, entry->value, NULL, &error_local)) {
			g_autofree gchar *where = entry_position(entry);
			if (n_problems++ < MAX_REPORTED_ERRORS)
				g_ptr_array_add(problems, g_strdup_printf("%s: %s", where,
									  error_local->message));
			continue;
		}
		if (entry->access != NULL && !tr_access_from_string(entry->access, &level)) {
			g_autofree gchar *where = entry_position(entry);
			if (n_problems++ < MAX_REPORTED_ERRORS)
				g_ptr_array_add(problems,
						g_strdup_printf(
							/* TRANSLATORS: a place in a profile,
							 * the access level found, a parameter
							 * name; keep na, ro and rw */
							_("%s: invalid access '%s' for %s: "
							  "expected na, ro or rw"),
							where, entry->access, param->name));
			continue;
		}
		if (entry->value != NULL)
			g_hash_table_insert(values, param->name, entry->value);
		if (entry->access != NULL)
			g_hash_table_insert(access, param->name, entry->access);
	}

	if (n_problems > 0) {
		g_autofree gchar *msg = NULL;
		if (n_problems > MAX_REPORTED_ERRORS)
			g_ptr_array_add(
				problems,
				/* TRANSLATORS: %u more errors were not listed */
				g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "... and %u more",
							    "... and %u more",
							    n_problems - MAX_REPORTED_ERRORS),
						n_problems - MAX_REPORTED_ERRORS));
		g_ptr_array_add(problems, NULL);
		msg = g_strjoinv("\n", (gchar **)problems->pdata);
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER,
			    /* TRANSLATORS: followed by one line per bad entry */
			    _("The profile was refused, nothing was changed:\n%s"), msg);
		return FALSE;
	}
	if (!tr_store_apply(store, values, access, error))
		return FALSE;
	for (guint i = 0; i < unknown->len; i++)
		g_info("%s", (const gchar *)g_ptr_array_index(unknown, i));
	if (warnings != NULL) {
		g_ptr_array_add(unknown, NULL);
		*warnings = (GStrv)g_ptr_array_free(g_steal_pointer(&unknown), FALSE);
	}
	return TRUE;
}

/**
 * tr_profile_resolve_import:
 * @name: the file an `import` line names
 * @from_file: (nullable): the file that holds the line
 *
 * The rule both ends use: a relative name is relative to the importing
 * file's directory.
 *
 * Returns: (transfer full): the resolved name
 */
gchar *
tr_profile_resolve_import(const gchar *name, const gchar *from_file)
{
	g_autofree gchar *dir = NULL;

	g_return_val_if_fail(name != NULL, NULL);
	if (g_path_is_absolute(name))
		return g_canonicalize_filename(name, NULL);
	if (from_file == NULL)
		return g_strdup(name);
	dir = g_path_get_dirname(from_file);
	if (!g_path_is_absolute(dir))
		return g_strcmp0(dir, ".") == 0 ? g_strdup(name)
						: g_build_filename(dir, name, NULL);
	/* "sub/../a.txt" is "a.txt": a loop through ".." is found as a loop */
	return g_canonicalize_filename(name, dir);
}

static GBytes *
import_from_table(const gchar *name, const gchar *from_file, gchar **resolved, gpointer user_data,
		  GError **error)
{
	GHashTable *imports = user_data;
	g_autofree gchar *path = tr_profile_resolve_import(name, from_file);
	GBytes *bytes = imports != NULL ? g_hash_table_lookup(imports, path) : NULL;

	if (bytes == NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND,
			    /* TRANSLATORS: %s is a file an import line names */
			    _("the imported file %s was not sent with the profile"), path);
		return NULL;
	}
	if (resolved != NULL)
		*resolved = g_steal_pointer(&path);
	return g_bytes_ref(bytes);
}

/*
 * the parser starts a message about an imported file with the file's name,
 * one of @imports' (those are the only ones import_from_table() finds), and
 * one about the main input with its position alone: words of any language
 */
static gboolean
error_names_import(const gchar *message, GHashTable *imports)
{
	GHashTableIter iter;
	gpointer name;

	if (imports == NULL)
		return FALSE;
	g_hash_table_iter_init(&iter, imports);
	while (g_hash_table_iter_next(&iter, &name, NULL)) {
		gsize len = strlen(name);

		if (strncmp(message, name, len) == 0 && message[len] == ':' &&
		    message[len + 1] == ' ')
			return TRUE;
	}
	return FALSE;
}

/**
 * tr_profile_import:
 * @store: the device's store
 * @data: the profile, XML or text, gzip-compressed or not
 * @len: its length
 * @filename: (nullable): its name, for messages and to resolve `import`
 * @imports: (nullable) (element-type utf8 GBytes): resolved name -> contents
 *   of the files that `import` lines may name
 * @warnings: (out) (optional): unknown parameters
 * @error: a #GError, or %NULL
 *
 * Parses and applies a profile, all or nothing.
 */
gboolean
tr_profile_import(TrStore *store, const guint8 *data, gsize len, const gchar *filename,
		  GHashTable *imports, GStrv *warnings, GError **error)
{
	g_autoptr(TrProfile) profile = NULL;

	g_return_val_if_fail(TR_IS_STORE(store), FALSE);

	profile = tr_profile_parse(data, len, filename, import_from_table, imports, error);
	if (profile == NULL) {
		/* errors in the main input say where, but not in which file */
		if (filename != NULL && error != NULL && *error != NULL &&
		    !error_names_import((*error)->message, imports))
			g_prefix_error(error, "%s: ", filename);
		return FALSE;
	}
	/* positions in the main file name it too */
	for (guint i = 0; filename != NULL && i < profile->entries->len; i++) {
		TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);
		if (entry->file == NULL)
			entry->file = g_strdup(filename);
	}
	return tr_profile_apply(profile, store, warnings, error);
}

static void
append_text_value(GString *out, const gchar *value)
{
	g_string_append_c(out, '"');
	for (const gchar *p = value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

/**
 * tr_profile_export:
 * @store: the device's store
 * @format: XML flat profile or legacy text
 * @level: admin (everything, passwords included, with each parameter's
 *   access) or user (what the user may see; passwords left unchanged)
 * @comment: (nullable): a line for the header comment
 *
 * Returns: (transfer full): the profile; importing it back gives the same
 * configuration
 */
gchar *
tr_profile_export(TrStore *store, TrProfileFormat format, TrProfileLevel level,
		  const gchar *comment)
{
	GPtrArray *params;
	GString *out = g_string_new(NULL);

	g_return_val_if_fail(TR_IS_STORE(store), NULL);

	params = tr_schema_get_params(tr_store_get_schema(store));
	if (format == TR_PROFILE_FORMAT_XML) {
		g_string_append(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		if (comment != NULL) {
			g_autofree gchar *safe = g_strdup(comment);
			/* "--" may not appear inside an XML comment */
			for (gchar *p = strstr(safe, "--"); p != NULL; p = strstr(p, "--"))
				p[1] = ' ';
			g_string_append_printf(out, "<!-- %s -->\n", safe);
		}
		g_string_append(out, "<flat-profile>\n");
	} else if (comment != NULL) {
		g_autofree gchar *safe = g_strdelimit(g_strdup(comment), "\n", ' ');
		g_string_append_printf(out, "# %s\n", safe);
	}

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		TrAccess access = tr_store_get_access(store, param->name);
		const gchar *value = tr_store_get(store, param->name);
		/* a user never sees a password's text, even one they may change */
		gboolean keep_value = level == TR_PROFILE_LEVEL_USER && tr_param_is_secret(param);

		if (level == TR_PROFILE_LEVEL_USER && access == TR_ACCESS_NA)
			continue;
		if (format == TR_PROFILE_FORMAT_XML) {
			if (keep_value) {
				g_string_append_printf(out, "  <%s ua=\"%s\"/>\n", param->name,
						       tr_access_to_string(access));
			} else {
				g_autofree gchar *escaped = g_markup_escape_text(value, -1);
				g_string_append_printf(out, "  <%s ua=\"%s\">%s</%s>\n",
						       param->name, tr_access_to_string(access),
						       escaped, param->name);
			}
		} else {
			g_autofree gchar *name = tr_param_name_to_bracket(param);
			const gchar *marker = access == TR_ACCESS_RW   ? " !"
					      : access == TR_ACCESS_RO ? " ?"
								       : "";
			g_string_append_printf(out, "%s%s", name, marker);
			if (!keep_value) {
				g_string_append_c(out, ' ');
				append_text_value(out, value);
			}
			g_string_append(out, " ;\n");
		}
	}
	if (format == TR_PROFILE_FORMAT_XML)
		g_string_append(out, "</flat-profile>\n");
	return g_string_free(out, FALSE);
}
