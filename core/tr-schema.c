/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-schema"

#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-schema.h"

/* where the parameters of a tab are repeated */
typedef enum {
	ENTRY_GLOBAL,	/* once, by its name */
	ENTRY_PER_LINE, /* per line: `Name_1_` .. `Name_N_` */
	ENTRY_PSTN,	/* once for the PSTN line, the index after the last line */
} EntryKind;

/* the only= of the tab, of the section and of the parameter */
#define N_ONLY_LEVELS 3

/* a schema entry before it is expanded per line and filtered per model */
typedef struct {
	TrParam *param;
	EntryKind kind;
	GStrv only[N_ONLY_LEVELS];  /* NULL: no condition at that level */
	GHashTable *index_defaults; /* guint index -> gchar* */
} TrSchemaEntry;

struct _TrSchema {
	GObject parent_instance;
	gboolean is_template;
	GStrv kinds;	    /* template: tags of which a model has at most one */
	GPtrArray *entries; /* template: TrSchemaEntry */
	GPtrArray *params;  /* instantiated: TrParam, in profile order */
	GHashTable *by_name;
};

G_DEFINE_TYPE(TrSchema, tr_schema, G_TYPE_OBJECT)

static void
tr_schema_entry_free(TrSchemaEntry *entry)
{
	tr_param_unref(entry->param);
	for (guint i = 0; i < N_ONLY_LEVELS; i++)
		g_strfreev(entry->only[i]);
	if (entry->index_defaults != NULL)
		g_hash_table_unref(entry->index_defaults);
	g_free(entry);
}

typedef struct {
	TrSchema *schema;
	GMarkupParseContext *context;
	gchar *tab;
	EntryKind tab_kind;
	GStrv tab_only;
	gchar *section;
	gchar *section_label;
	GStrv section_only;
	GHashTable *by_base; /* base name -> GPtrArray of TrSchemaEntry, not owned */
	gboolean seen_root;
} ParseState;

static gboolean
name_is_valid(const gchar *name)
{
	if (name == NULL || name[0] == '\0')
		return FALSE;
	for (const gchar *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			return FALSE;
	}
	return TRUE;
}

static void set_position_error(ParseState *state, GError **error, const gchar *format, ...)
	G_GNUC_PRINTF(3, 4);

static void
set_position_error(ParseState *state, GError **error, const gchar *format, ...)
{
	va_list args;
	gint line = 0;
	gint column = 0;
	g_autofree gchar *msg = NULL;

	va_start(args, format);
	msg = g_strdup_vprintf(format, args);
	va_end(args);
	g_markup_parse_context_get_position(state->context, &line, &column);
	g_set_error(error, TR_ERROR, TR_ERROR_SCHEMA, "line %d column %d: %s", line, column, msg);
}

static gboolean
parse_int_attr(const gchar *str, gint64 *value)
{
	if (g_ascii_strncasecmp(str, "0x", 2) == 0)
		return g_ascii_string_to_signed(str + 2, 16, G_MININT64, G_MAXINT64, value, NULL);
	return g_ascii_string_to_signed(str, 10, G_MININT64, G_MAXINT64, value, NULL);
}

static gboolean
parse_double_attr(const gchar *str, gdouble *value)
{
	gchar *end = NULL;
	*value = g_ascii_strtod(str, &end);
	return end != str && *end == '\0';
}

/* only= and kinds=: a comma list of tags, spaces after the commas allowed */
static GStrv
parse_tags(ParseState *state, const gchar *attr, const gchar *value, GError **error)
{
	g_auto(GStrv) tags = g_strsplit(value, ",", -1);

	if (tags[0] == NULL) {
		set_position_error(state, error, "%s= names no tag", attr);
		return NULL;
	}
	for (guint i = 0; tags[i] != NULL; i++) {
		g_strstrip(tags[i]);
		if (!name_is_valid(tags[i])) {
			set_position_error(state, error, "invalid tag '%s' in %s=", tags[i], attr);
			return NULL;
		}
	}
	return g_steal_pointer(&tags);
}

/* a condition that only kinds satisfy: it decides the model's kind */
static gboolean
level_names_only_kinds(const gchar *const *level, const gchar *const *kinds)
{
	for (guint i = 0; level[i] != NULL; i++) {
		if (!g_strv_contains(kinds, level[i]))
			return FALSE;
	}
	return TRUE;
}

/*
 * Whether two entries of the same base name would give one model two
 * parameters of that name. A line and the PSTN line never share an element
 * name (`Proxy_1_`, `Proxy_2_`). Otherwise they clash unless their only=
 * conditions need different kinds: tags other than kinds can all be present
 * at once, of the kinds a model has one at most.
 */
static gboolean
entries_conflict(const gchar *const *kinds, const TrSchemaEntry *a, const TrSchemaEntry *b)
{
	const TrSchemaEntry *both[] = {a, b};

	if ((a->kind == ENTRY_PER_LINE && b->kind == ENTRY_PSTN) ||
	    (a->kind == ENTRY_PSTN && b->kind == ENTRY_PER_LINE))
		return FALSE;
	if (kinds == NULL)
		return TRUE;
	for (guint k = 0; kinds[k] != NULL; k++) {
		gboolean possible = TRUE;
		for (guint e = 0; e < G_N_ELEMENTS(both) && possible; e++) {
			for (guint l = 0; l < N_ONLY_LEVELS && possible; l++) {
				const gchar *const *level = (const gchar *const *)both[e]->only[l];
				if (level != NULL && level_names_only_kinds(level, kinds) &&
				    !g_strv_contains(level, kinds[k]))
					possible = FALSE;
			}
		}
		if (possible)
			return TRUE;
	}
	return FALSE;
}

static void
handle_param(ParseState *state, const gchar **names, const gchar **values, GError **error)
{
	g_autoptr(TrParam) param = tr_param_new();
	g_autoptr(GHashTable) index_defaults = NULL;
	g_auto(GStrv) only = NULL;
	TrSchemaEntry *entry;
	GPtrArray *same_name;

	if (state->tab == NULL || state->section == NULL) {
		set_position_error(state, error, "<param> outside a <tab> and <section>");
		return;
	}
	param->tab = g_strdup(state->tab);
	param->section = g_strdup(state->section);
	param->section_label = g_strdup(state->section_label);

	for (guint i = 0; names[i] != NULL; i++) {
		const gchar *n = names[i];
		const gchar *v = values[i];

		if (g_strcmp0(n, "name") == 0) {
			if (!name_is_valid(v)) {
				set_position_error(state, error, "invalid parameter name '%s'", v);
				return;
			}
			param->base_name = g_strdup(v);
		} else if (g_strcmp0(n, "label") == 0) {
			param->label = g_strdup(v);
		} else if (g_strcmp0(n, "description") == 0) {
			param->description = g_strdup(v);
		} else if (g_strcmp0(n, "type") == 0) {
			if (!tr_param_type_from_string(v, &param->type)) {
				set_position_error(state, error, "unknown type '%s'", v);
				return;
			}
		} else if (g_strcmp0(n, "default") == 0) {
			param->default_value = g_strdup(v);
		} else if (g_str_has_prefix(n, "default-")) {
			guint64 idx = 0;
			if (!g_ascii_string_to_unsigned(n + 8, 10, 1, 64, &idx, NULL)) {
				set_position_error(state, error, "invalid attribute '%s'", n);
				return;
			}
			if (index_defaults == NULL)
				index_defaults = g_hash_table_new_full(NULL, NULL, NULL, g_free);
			g_hash_table_insert(index_defaults, GUINT_TO_POINTER(idx), g_strdup(v));
		} else if (g_strcmp0(n, "min") == 0) {
			if (!parse_int_attr(v, &param->min) &&
			    !parse_double_attr(v, &param->fmin)) {
				set_position_error(state, error, "invalid min '%s'", v);
				return;
			}
			parse_double_attr(v, &param->fmin);
		} else if (g_strcmp0(n, "max") == 0) {
			if (!parse_int_attr(v, &param->max) &&
			    !parse_double_attr(v, &param->fmax)) {
				set_position_error(state, error, "invalid max '%s'", v);
				return;
			}
			parse_double_attr(v, &param->fmax);
		} else if (g_strcmp0(n, "format") == 0) {
			if (g_strcmp0(v, "hex") != 0) {
				set_position_error(state, error, "unknown format '%s'", v);
				return;
			}
			param->hex = TRUE;
		} else if (g_strcmp0(n, "values") == 0) {
			param->values = g_strsplit(v, "|", -1);
		} else if (g_strcmp0(n, "max-length") == 0) {
			guint64 len = 0;
			if (!g_ascii_string_to_unsigned(v, 10, 1, 65535, &len, NULL)) {
				set_position_error(state, error, "invalid max-length '%s'", v);
				return;
			}
			param->max_length = (guint)len;
		} else if (g_strcmp0(n, "access") == 0) {
			if (!tr_access_from_string(v, &param->access)) {
				set_position_error(state, error, "invalid access '%s'", v);
				return;
			}
		} else if (g_strcmp0(n, "view") == 0) {
			if (g_strcmp0(v, "basic") == 0)
				param->view = TR_VIEW_BASIC;
			else if (g_strcmp0(v, "advanced") == 0)
				param->view = TR_VIEW_ADVANCED;
			else {
				set_position_error(state, error, "invalid view '%s'", v);
				return;
			}
		} else if (g_strcmp0(n, "only") == 0) {
			only = parse_tags(state, "only", v, error);
			if (only == NULL)
				return;
		} else if (g_strcmp0(n, "hash") == 0) {
			if (g_strcmp0(v, "pbkdf2") != 0) {
				set_position_error(state, error, "unknown hash '%s'", v);
				return;
			}
			param->hashed = TRUE;
		} else {
			set_position_error(state, error, "unknown attribute '%s'", n);
			return;
		}
	}

	if (param->base_name == NULL || param->label == NULL) {
		set_position_error(state, error, "<param> needs a name and a label");
		return;
	}
	if (param->type == TR_PARAM_TYPE_ENUM &&
	    (param->values == NULL || g_strv_length(param->values) == 0)) {
		set_position_error(state, error, "enum %s has no values", param->base_name);
		return;
	}
	if (param->min > param->max || param->fmin > param->fmax) {
		set_position_error(state, error, "%s: min is above max", param->base_name);
		return;
	}
	if (param->hashed && param->type != TR_PARAM_TYPE_PASSWORD) {
		set_position_error(state, error, "%s: hash= needs type password", param->base_name);
		return;
	}
	if (param->default_value == NULL)
		param->default_value = g_strdup("");
	/* before validating the defaults, whose errors name the parameter */
	param->name = g_strdup(param->base_name);

	entry = g_new0(TrSchemaEntry, 1);
	entry->kind = state->tab_kind;
	entry->only[0] = g_strdupv(state->tab_only);
	entry->only[1] = g_strdupv(state->section_only);
	entry->only[2] = g_steal_pointer(&only);
	entry->param = tr_param_ref(param);
	same_name = g_hash_table_lookup(state->by_base, param->base_name);
	for (guint i = 0; same_name != NULL && i < same_name->len; i++) {
		if (entries_conflict((const gchar *const *)state->schema->kinds,
				     g_ptr_array_index(same_name, i), entry)) {
			set_position_error(state, error, "duplicate parameter %s",
					   param->base_name);
			tr_schema_entry_free(entry);
			return;
		}
	}

	/* every factory value must pass the parameter's own validation, and is kept
	 * in canonical form: the store compares canonical values with it */
	{
		g_autoptr(GError) error_local = NULL;
		g_autofree gchar *canonical = NULL;
		if (!tr_param_validate(param, param->default_value, &canonical, &error_local)) {
			set_position_error(state, error, "default: %s", error_local->message);
			tr_schema_entry_free(entry);
			return;
		}
		g_free(param->default_value);
		param->default_value = g_steal_pointer(&canonical);
		if (index_defaults != NULL) {
			GHashTableIter iter;
			gpointer value;
			g_hash_table_iter_init(&iter, index_defaults);
			while (g_hash_table_iter_next(&iter, NULL, &value)) {
				if (!tr_param_validate(param, value, &canonical, &error_local)) {
					set_position_error(state, error, "default-N: %s",
							   error_local->message);
					tr_schema_entry_free(entry);
					return;
				}
				g_hash_table_iter_replace(&iter, g_steal_pointer(&canonical));
			}
		}
	}
	if (index_defaults != NULL && state->tab_kind != ENTRY_PER_LINE) {
		if (state->tab_kind == ENTRY_PSTN)
			set_position_error(state, error, "default-N on the PSTN line's %s",
					   param->base_name);
		else
			set_position_error(state, error, "default-N on the global %s",
					   param->base_name);
		tr_schema_entry_free(entry);
		return;
	}

	entry->index_defaults = g_steal_pointer(&index_defaults);
	if (same_name == NULL) {
		same_name = g_ptr_array_new();
		g_hash_table_insert(state->by_base, param->base_name, same_name);
	}
	g_ptr_array_add(same_name, entry);
	/* a template knows each base name by its first entry */
	if (!g_hash_table_contains(state->schema->by_name, param->base_name))
		g_hash_table_insert(state->schema->by_name, param->base_name, param);
	g_ptr_array_add(state->schema->entries, entry);
}

static const gchar *
lookup_attr(const gchar **names, const gchar **values, const gchar *name)
{
	for (guint i = 0; names[i] != NULL; i++) {
		if (g_strcmp0(names[i], name) == 0)
			return values[i];
	}
	return NULL;
}

static void
start_element(GMarkupParseContext *context, const gchar *element, const gchar **names,
	      const gchar **values, gpointer user_data, GError **error)
{
	ParseState *state = user_data;

	if (g_strcmp0(element, "schema") == 0) {
		const gchar *kinds = lookup_attr(names, values, "kinds");
		state->seen_root = TRUE;
		if (kinds != NULL) {
			g_strfreev(state->schema->kinds);
			state->schema->kinds = parse_tags(state, "kinds", kinds, error);
		}
	} else if (g_strcmp0(element, "tab") == 0) {
		const gchar *id = lookup_attr(names, values, "id");
		const gchar *per = lookup_attr(names, values, "per");
		const gchar *only = lookup_attr(names, values, "only");
		g_auto(GStrv) only_tags = NULL;
		if (!name_is_valid(id)) {
			set_position_error(state, error, "<tab> needs a valid id");
			return;
		}
		if (per != NULL && g_strcmp0(per, "line") != 0 && g_strcmp0(per, "pstn") != 0) {
			set_position_error(state, error, "unknown per='%s'", per);
			return;
		}
		if (only != NULL) {
			only_tags = parse_tags(state, "only", only, error);
			if (only_tags == NULL)
				return;
		}
		g_free(state->tab);
		state->tab = g_strdup(id);
		if (per == NULL)
			state->tab_kind = ENTRY_GLOBAL;
		else if (g_strcmp0(per, "line") == 0)
			state->tab_kind = ENTRY_PER_LINE;
		else
			state->tab_kind = ENTRY_PSTN;
		g_strfreev(state->tab_only);
		state->tab_only = g_steal_pointer(&only_tags);
	} else if (g_strcmp0(element, "section") == 0) {
		const gchar *id = lookup_attr(names, values, "id");
		const gchar *label = lookup_attr(names, values, "label");
		const gchar *only = lookup_attr(names, values, "only");
		g_auto(GStrv) only_tags = NULL;
		if (!name_is_valid(id)) {
			set_position_error(state, error, "<section> needs a valid id");
			return;
		}
		if (only != NULL) {
			only_tags = parse_tags(state, "only", only, error);
			if (only_tags == NULL)
				return;
		}
		g_free(state->section);
		g_free(state->section_label);
		state->section = g_strdup(id);
		state->section_label =
			label != NULL ? g_strdup(label) : g_strdelimit(g_strdup(id), "_", ' ');
		g_strfreev(state->section_only);
		state->section_only = g_steal_pointer(&only_tags);
	} else if (g_strcmp0(element, "param") == 0) {
		handle_param(state, names, values, error);
	} else {
		set_position_error(state, error, "unknown element <%s>", element);
	}
}

static void
end_element(GMarkupParseContext *context, const gchar *element, gpointer user_data, GError **error)
{
	ParseState *state = user_data;

	if (g_strcmp0(element, "tab") == 0) {
		g_clear_pointer(&state->tab, g_free);
		g_clear_pointer(&state->tab_only, g_strfreev);
		state->tab_kind = ENTRY_GLOBAL;
	} else if (g_strcmp0(element, "section") == 0) {
		g_clear_pointer(&state->section, g_free);
		g_clear_pointer(&state->section_label, g_free);
		g_clear_pointer(&state->section_only, g_strfreev);
	}
}

/**
 * tr_schema_new_from_data:
 * @data: the XML text of a schema
 * @len: its length, or -1 if NUL-terminated
 * @error: a #GError, or %NULL
 *
 * Parses a schema template (see `data/schema/README.md`).
 */
TrSchema *
tr_schema_new_from_data(const gchar *data, gssize len, GError **error)
{
	g_autoptr(TrSchema) self = g_object_new(TR_TYPE_SCHEMA, NULL);
	g_autoptr(GError) error_local = NULL;
	GMarkupParser parser = {start_element, end_element, NULL, NULL, NULL};
	ParseState state = {.schema = self};
	gboolean ok;

	g_return_val_if_fail(data != NULL, NULL);

	self->is_template = TRUE;
	self->entries = g_ptr_array_new_with_free_func((GDestroyNotify)tr_schema_entry_free);
	state.by_base = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					      (GDestroyNotify)g_ptr_array_unref);
	/* no G_MARKUP_PREFIX_ERROR_POSITION: set_position_error() already says where */
	state.context = g_markup_parse_context_new(&parser, 0, &state, NULL);
	ok = g_markup_parse_context_parse(state.context, data, len, &error_local) &&
	     g_markup_parse_context_end_parse(state.context, &error_local);
	g_markup_parse_context_free(state.context);
	g_free(state.tab);
	g_strfreev(state.tab_only);
	g_free(state.section);
	g_free(state.section_label);
	g_strfreev(state.section_only);
	g_hash_table_unref(state.by_base);
	if (!ok) {
		/* GMarkup's own errors ("Error on line 3 char 5: ...") are schema errors too */
		if (error_local->domain != TR_ERROR)
			g_set_error_literal(error, TR_ERROR, TR_ERROR_SCHEMA, error_local->message);
		else
			g_propagate_error(error, g_steal_pointer(&error_local));
		return NULL;
	}
	if (!state.seen_root || self->entries->len == 0) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_SCHEMA,
				    "no <schema> with parameters");
		return NULL;
	}
	return g_steal_pointer(&self);
}

/* generated from data/schema/tipring-core.gresource.xml; calling it (rather than
 * g_resources_lookup_data()) makes a static link pull the resource in, since
 * its registering constructor alone references nothing */
G_GNUC_INTERNAL GResource *tr_schema_get_resource(void);

/**
 * tr_schema_new_default:
 *
 * Loads the schema compiled into the core from `data/schema/parameters.xml`.
 */
TrSchema *
tr_schema_new_default(GError **error)
{
	g_autoptr(GBytes) bytes = NULL;
	TrSchema *schema;

	bytes = g_resource_lookup_data(tr_schema_get_resource(), "/org/tipring/core/parameters.xml",
				       G_RESOURCE_LOOKUP_FLAGS_NONE, error);
	if (bytes == NULL)
		return NULL;
	schema = tr_schema_new_from_data(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
					 error);
	if (schema == NULL)
		g_prefix_error(error, "parameters.xml: ");
	return schema;
}

/* every only= on the way, of the tab, the section and the parameter, names
 * one of the model's tags */
static gboolean
entry_matches_tags(TrSchemaEntry *entry, const gchar *const *tags)
{
	for (guint l = 0; l < N_ONLY_LEVELS; l++) {
		gboolean match = FALSE;

		if (entry->only[l] == NULL)
			continue;
		for (guint i = 0; entry->only[l][i] != NULL && !match; i++)
			match = tags != NULL && g_strv_contains(tags, entry->only[l][i]);
		if (!match)
			return FALSE;
	}
	return TRUE;
}

/* takes @param; a second parameter of the same name means tags that the
 * schema's kinds= declares exclusive, such as "ata" and "phone" together */
static gboolean
add_param(TrSchema *self, TrParam *param, GError **error)
{
	if (g_hash_table_contains(self->by_name, param->name)) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    "the model's tags select two parameters named %s", param->name);
		tr_param_unref(param);
		return FALSE;
	}
	g_ptr_array_add(self->params, param);
	g_hash_table_insert(self->by_name, param->name, param);
	return TRUE;
}

/**
 * tr_schema_new_for_model:
 * @tmpl: a template schema
 * @n_lines: lines or extensions of the model
 * @tags: (nullable): the model's tags, which select `only=` parameters
 * @error: a #GError, or %NULL
 *
 * Expands the template for one model: per-line parameters once per line
 * (`Proxy_1_`, `Proxy_2_`), the PSTN line's once with the index after the
 * last line (`Proxy_2_` on a one-line SPA3102), parameters of other models
 * left out. The result lists the parameters in SPA profile order.
 */
TrSchema *
tr_schema_new_for_model(TrSchema *tmpl, guint n_lines, const gchar *const *tags, GError **error)
{
	g_autoptr(TrSchema) self = NULL;
	g_autoptr(GPtrArray) per_line = g_ptr_array_new();
	g_autoptr(GPtrArray) pstn = g_ptr_array_new();

	g_return_val_if_fail(TR_IS_SCHEMA(tmpl), NULL);
	g_return_val_if_fail(tmpl->is_template, NULL);

	if (n_lines == 0 || n_lines > 64) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    "a model has 1 to 64 lines, not %u", n_lines);
		return NULL;
	}

	self = g_object_new(TR_TYPE_SCHEMA, NULL);
	self->params = g_ptr_array_new_with_free_func((GDestroyNotify)tr_param_unref);

	/* global parameters first, then each line's in turn, then the PSTN
	 * line's, as the SPA dumps them */
	for (guint i = 0; i < tmpl->entries->len; i++) {
		TrSchemaEntry *entry = g_ptr_array_index(tmpl->entries, i);
		if (!entry_matches_tags(entry, tags))
			continue;
		if (entry->kind == ENTRY_PER_LINE) {
			g_ptr_array_add(per_line, entry);
			continue;
		}
		if (entry->kind == ENTRY_PSTN) {
			g_ptr_array_add(pstn, entry);
			continue;
		}
		if (!add_param(self, tr_param_copy_for_index(entry->param, 0), error))
			return NULL;
	}
	for (guint line = 1; line <= n_lines; line++) {
		for (guint i = 0; i < per_line->len; i++) {
			TrSchemaEntry *entry = g_ptr_array_index(per_line, i);
			TrParam *param = tr_param_copy_for_index(entry->param, line);
			const gchar *def = entry->index_defaults != NULL
						   ? g_hash_table_lookup(entry->index_defaults,
									 GUINT_TO_POINTER(line))
						   : NULL;
			if (def != NULL) {
				g_free(param->default_value);
				param->default_value = g_strdup(def);
			}
			if (!add_param(self, param, error))
				return NULL;
		}
	}
	for (guint i = 0; i < pstn->len; i++) {
		TrSchemaEntry *entry = g_ptr_array_index(pstn, i);
		if (!add_param(self, tr_param_copy_for_index(entry->param, n_lines + 1), error))
			return NULL;
	}
	return g_steal_pointer(&self);
}

/**
 * tr_schema_get_params:
 *
 * Returns: (transfer none) (element-type TrParam): the parameters, in order;
 * for a template, the entries with their base names.
 */
GPtrArray *
tr_schema_get_params(TrSchema *self)
{
	g_return_val_if_fail(TR_IS_SCHEMA(self), NULL);
	if (self->is_template) {
		if (self->params == NULL) {
			self->params =
				g_ptr_array_new_with_free_func((GDestroyNotify)tr_param_unref);
			for (guint i = 0; i < self->entries->len; i++) {
				TrSchemaEntry *entry = g_ptr_array_index(self->entries, i);
				g_ptr_array_add(self->params, tr_param_ref(entry->param));
			}
		}
	}
	return self->params;
}

guint
tr_schema_get_size(TrSchema *self)
{
	g_return_val_if_fail(TR_IS_SCHEMA(self), 0);
	return tr_schema_get_params(self)->len;
}

gboolean
tr_schema_is_template(TrSchema *self)
{
	g_return_val_if_fail(TR_IS_SCHEMA(self), FALSE);
	return self->is_template;
}

/**
 * tr_schema_lookup:
 * @name: an element name (`SIP_Transport_1_`) or its bracket form
 *   (`SIP_Transport[1]`, `SIP Transport{1}`)
 *
 * Returns: (transfer none) (nullable): the parameter
 */
TrParam *
tr_schema_lookup(TrSchema *self, const gchar *name)
{
	TrParam *param;
	g_autofree gchar *normalized = NULL;

	g_return_val_if_fail(TR_IS_SCHEMA(self), NULL);
	g_return_val_if_fail(name != NULL, NULL);

	param = g_hash_table_lookup(self->by_name, name);
	if (param != NULL)
		return param;
	normalized = tr_param_name_normalize(name);
	return g_hash_table_lookup(self->by_name, normalized);
}

static void
tr_schema_finalize(GObject *object)
{
	TrSchema *self = TR_SCHEMA(object);

	g_hash_table_unref(self->by_name);
	g_strfreev(self->kinds);
	if (self->params != NULL)
		g_ptr_array_unref(self->params);
	if (self->entries != NULL)
		g_ptr_array_unref(self->entries);
	G_OBJECT_CLASS(tr_schema_parent_class)->finalize(object);
}

static void
tr_schema_class_init(TrSchemaClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = tr_schema_finalize;
}

static void
tr_schema_init(TrSchema *self)
{
	self->by_name = g_hash_table_new(g_str_hash, g_str_equal);
}
