/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-schema.h"

/*
 * The models as the device backends declare them (devices/<family>/), and
 * how many parameters each gets from data/schema/parameters.xml. The counts
 * are hard-coded on purpose: a schema change must show up here.
 */
static const gchar *const ata_router_tags[] = {"ata", "router", NULL};
static const gchar *const wrp400_tags[] = {"ata", "router", "wifi", NULL};
static const gchar *const spa3102_tags[] = {"ata", "router", "fxo", NULL};
static const gchar *const phone_tags[] = {"phone", "lcd", NULL};

typedef struct {
	const gchar *name;
	guint n_lines;
	const gchar *const *tags;
	guint n_params;
} Model;

static const Model models[] = {
	{"SPA2102", 2, ata_router_tags, 498}, {"WRP400", 2, wrp400_tags, 498},
	{"SPA3102", 1, spa3102_tags, 494},    {"SPA922", 1, phone_tags, 346},
	{"SPA942", 4, phone_tags, 562},	      {"SPA962", 6, phone_tags, 706},
};

/* entries of the template: global, per-line and PSTN line, of every model */
#define N_TEMPLATE_PARAMS 590
/* base names that two entries share: 20 on the ATAs' User N and the phones'
 * User tab, 25 on the Line N and PSTN Line tabs */
#define N_SHARED_BASE_NAMES 45
/* parameters without only= (on the way: tab, section, parameter): 182
 * global, 68 per line */
#define N_UNRESTRICTED_GLOBAL	182
#define N_UNRESTRICTED_PER_LINE 68
/* the SPA3102's PSTN Line tab */
#define N_PSTN_PARAMS 148

/* what every model must have; default NULL: not checked here */
static const struct {
	const gchar *name;
	gboolean per_line;
	TrParamType type;
	const gchar *default_value;
} required[] = {
	{"Line_Enable", TRUE, TR_PARAM_TYPE_BOOL, "yes"},
	{"SIP_Transport", TRUE, TR_PARAM_TYPE_ENUM, "UDP"},
	{"SIP_Port", TRUE, TR_PARAM_TYPE_INT, NULL},
	{"Proxy", TRUE, TR_PARAM_TYPE_HOST, ""},
	{"Outbound_Proxy", TRUE, TR_PARAM_TYPE_HOST, ""},
	{"Use_Outbound_Proxy", TRUE, TR_PARAM_TYPE_BOOL, "no"},
	{"Register", TRUE, TR_PARAM_TYPE_BOOL, "yes"},
	{"Register_Expires", TRUE, TR_PARAM_TYPE_INT, "3600"},
	{"User_ID", TRUE, TR_PARAM_TYPE_STRING, ""},
	{"Password", TRUE, TR_PARAM_TYPE_PASSWORD, ""},
	{"Use_Auth_ID", TRUE, TR_PARAM_TYPE_BOOL, "no"},
	{"Auth_ID", TRUE, TR_PARAM_TYPE_STRING, ""},
	{"Display_Name", TRUE, TR_PARAM_TYPE_STRING, ""},
	{"NAT_Keep_Alive_Enable", TRUE, TR_PARAM_TYPE_BOOL, "no"},
	{"Dial_Plan", TRUE, TR_PARAM_TYPE_STRING, NULL},
	{"Preferred_Codec", TRUE, TR_PARAM_TYPE_ENUM, "G711u"},
	{"SIP_Debug_Option", TRUE, TR_PARAM_TYPE_ENUM, "none"},
	{"Reg_Retry_Intvl", FALSE, TR_PARAM_TYPE_INT, "30"},
	{"Reg_Retry_Long_Intvl", FALSE, TR_PARAM_TYPE_INT, "1200"},
	{"Reg_Retry_Random_Delay", FALSE, TR_PARAM_TYPE_INT, "0"},
	{"Reg_Retry_Intvl_Cap", FALSE, TR_PARAM_TYPE_INT, "0"},
	{"NAT_Keep_Alive_Intvl", FALSE, TR_PARAM_TYPE_INT, "15"},
	{"SIP_T1", FALSE, TR_PARAM_TYPE_FLOAT, ".5"},
	{"Enable_Web_Server", FALSE, TR_PARAM_TYPE_BOOL, "yes"},
	{"Web_Server_Port", FALSE, TR_PARAM_TYPE_INT, "80"},
	{"Admin_Passwd", FALSE, TR_PARAM_TYPE_PASSWORD, ""},
	{"User_Password", FALSE, TR_PARAM_TYPE_PASSWORD, ""},
	{"Syslog_Server", FALSE, TR_PARAM_TYPE_HOST, ""},
	{"Debug_Server", FALSE, TR_PARAM_TYPE_HOST, ""},
	{"Debug_Level", FALSE, TR_PARAM_TYPE_INT, "0"},
	{"Provision_Enable", FALSE, TR_PARAM_TYPE_BOOL, "yes"},
	{"Profile_Rule", FALSE, TR_PARAM_TYPE_STRING, "/spa$PSN.cfg"},
	{"Profile_Rule_B", FALSE, TR_PARAM_TYPE_STRING, ""},
	{"Profile_Rule_C", FALSE, TR_PARAM_TYPE_STRING, ""},
	{"Profile_Rule_D", FALSE, TR_PARAM_TYPE_STRING, ""},
	{"Resync_Periodic", FALSE, TR_PARAM_TYPE_INT, "3600"},
	{"Dial_Tone", FALSE, TR_PARAM_TYPE_TONE, "350@-19,440@-19;10(*/0/1+2)"},
	{"Busy_Tone", FALSE, TR_PARAM_TYPE_TONE, "480@-19,620@-19;10(.5/.5/1+2)"},
	{"Ring_Back_Tone", FALSE, TR_PARAM_TYPE_TONE, "440@-19,480@-19;*(2/4/1+2)"},
};

/* parameters that only some models have: present exactly where a tag matches */
static const struct {
	const gchar *name;
	gboolean per_line;
	const gchar *tag;
} restricted[] = {
	{"Hook_Flash_MIME_Type", FALSE, "ata"},
	{"Second_Dial_Tone", FALSE, "ata"},
	{"Echo_Canc_Enable", TRUE, "ata"},
	{"FAX_Enable_T38", TRUE, "ata"},
	{"Phone-UI-readonly", FALSE, "phone"},
	{"Call_Waiting_Tone", FALSE, "phone"},
	{"Share_Ext", TRUE, "phone"},
	{"Caller_ID_Map", TRUE, "phone"},
	{"Enable_WAN_Web_Server", FALSE, "router"},
	{"VoIP_PIN_Tone", FALSE, "fxo"},
	{"PSTN_PIN_Tone", FALSE, "fxo"},
	/* the ATAs' User N tabs and the phones' User tab share names */
	{"CW_Setting", TRUE, "ata"},
	{"CW_Setting", FALSE, "phone"},
	{"Secure_Call_Setting", TRUE, "ata"},
	{"Secure_Call_Setting", FALSE, "phone"},
	{"Speed_Dial_9", TRUE, "ata"},
	{"Speed_Dial_9", FALSE, "phone"},
	{"Cfwd_Sel8_Dest", TRUE, "ata"},
	{"Ring_On_No_New_VM", TRUE, "ata"},
	{"Ringer_Volume", FALSE, "phone"},
	/* only= of a tab (Phone) and of a parameter (lcd) together */
	{"Station_Name", FALSE, "phone"},
	{"Screen_Saver_Icon", FALSE, "lcd"},
	{"Ring10", FALSE, "phone"},
	{"Dictionary_Server_Script", FALSE, "phone"},
	{"Default_Character_Encoding", FALSE, "phone"},
};

static TrSchema *
load_template(void)
{
	g_autoptr(GError) error = NULL;
	TrSchema *tmpl = tr_schema_new_default(&error);

	g_assert_no_error(error);
	g_assert_nonnull(tmpl);
	return tmpl;
}

static TrSchema *
instantiate(TrSchema *tmpl, const Model *model)
{
	g_autoptr(GError) error = NULL;
	TrSchema *schema = tr_schema_new_for_model(tmpl, model->n_lines, model->tags, &error);

	g_assert_no_error(error);
	g_assert_nonnull(schema);
	g_assert_false(tr_schema_is_template(schema));
	return schema;
}

static gboolean
tags_match(const Model *model, const gchar *tag)
{
	return g_strv_contains(model->tags, tag);
}

static gchar *
line_name(const gchar *base_name, guint line)
{
	return g_strdup_printf("%s_%u_", base_name, line);
}

static void
test_schema_default_loads(void)
{
	g_autoptr(TrSchema) tmpl = load_template();
	GPtrArray *params = tr_schema_get_params(tmpl);

	g_assert_true(tr_schema_is_template(tmpl));
	g_assert_cmpuint(tr_schema_get_size(tmpl), ==, N_TEMPLATE_PARAMS);
	g_assert_cmpuint(params->len, ==, N_TEMPLATE_PARAMS);
	g_test_message("template: %u parameters", params->len);

	/* a template lists base names, a few twice (for models that never have
	 * both, or as line N and PSTN line), and knows each by its first entry */
	{
		g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
		guint n_shared = 0;

		for (guint i = 0; i < params->len; i++) {
			TrParam *param = g_ptr_array_index(params, i);
			TrParam *first = tr_schema_lookup(tmpl, param->name);

			g_assert_cmpstr(param->name, ==, param->base_name);
			g_assert_cmpuint(param->index, ==, 0);
			g_assert_nonnull(first);
			if (g_hash_table_contains(seen, param->name)) {
				g_assert_true(first != param);
				g_assert_true(g_hash_table_lookup(seen, param->name) == first);
				n_shared++;
			} else {
				g_assert_true(first == param);
				g_hash_table_insert(seen, param->name, param);
			}
		}
		g_assert_cmpuint(n_shared, ==, N_SHARED_BASE_NAMES);
	}
	g_assert_nonnull(tr_schema_lookup(tmpl, "SIP_Transport"));
	g_assert_null(tr_schema_lookup(tmpl, "SIP_Transport_1_"));
	/* the same array every time */
	g_assert_true(tr_schema_get_params(tmpl) == params);
}

/* every parameter is well formed: names, labels, places, defaults */
static void
test_schema_default_well_formed(void)
{
	g_autoptr(TrSchema) tmpl = load_template();
	GPtrArray *params = tr_schema_get_params(tmpl);

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		g_autoptr(GError) error = NULL;
		g_autofree gchar *canonical = NULL;

		g_assert_nonnull(param->name);
		for (const gchar *p = param->name; *p != '\0'; p++)
			g_assert_true(g_ascii_isalnum(*p) || *p == '_' || *p == '-');
		g_assert_nonnull(param->label);
		g_assert_cmpstr(param->label, !=, "");
		g_assert_nonnull(param->tab);
		g_assert_nonnull(param->section);
		g_assert_nonnull(param->section_label);
		g_assert_nonnull(param->default_value);
		if (!tr_param_validate(param, param->default_value, &canonical, &error))
			g_error("default of %s: %s", param->name, error->message);
		if (param->type == TR_PARAM_TYPE_ENUM) {
			g_assert_nonnull(param->values);
			g_assert_true(g_strv_contains((const gchar *const *)param->values,
						      param->default_value));
		}
		if (param->type == TR_PARAM_TYPE_INT) {
			g_assert_cmpint(param->min, <=, param->max);
		}
		if (param->type == TR_PARAM_TYPE_FLOAT) {
			g_assert_cmpfloat(param->fmin, <=, param->fmax);
		}
	}
}

static void
assert_required(TrSchema *schema, const Model *model)
{
	for (guint i = 0; i < G_N_ELEMENTS(required); i++) {
		guint first = required[i].per_line ? 1 : 0;
		guint last = required[i].per_line ? model->n_lines : 0;

		for (guint line = first; line <= last; line++) {
			g_autofree gchar *name = line > 0 ? line_name(required[i].name, line)
							  : g_strdup(required[i].name);
			TrParam *param = tr_schema_lookup(schema, name);

			if (param == NULL)
				g_error("%s has no %s", model->name, name);
			g_assert_cmpstr(param->name, ==, name);
			g_assert_cmpstr(param->base_name, ==, required[i].name);
			g_assert_cmpuint(param->index, ==, line);
			g_assert_cmpint(param->type, ==, required[i].type);
			if (required[i].default_value != NULL)
				g_assert_cmpstr(param->default_value, ==,
						required[i].default_value);
		}
	}
	for (gchar c = 'A'; c <= 'P'; c++) {
		g_autofree gchar *name = g_strdup_printf("GPP_%c", c);
		TrParam *param = tr_schema_lookup(schema, name);

		if (param == NULL)
			g_error("%s has no %s", model->name, name);
		g_assert_cmpint(param->type, ==, TR_PARAM_TYPE_STRING);
	}
	g_assert_null(tr_schema_lookup(schema, "GPP_Q"));

	/* the details that the line code relies on */
	for (guint line = 1; line <= model->n_lines; line++) {
		g_autofree gchar *transport = line_name("SIP_Transport", line);
		g_autofree gchar *port = line_name("SIP_Port", line);
		g_autofree gchar *port_default = g_strdup_printf("%u", 5060 + line - 1);
		TrParam *param = tr_schema_lookup(schema, transport);

		g_assert_nonnull(param->values);
		g_assert_cmpuint(g_strv_length(param->values), ==, 3);
		g_assert_cmpstr(param->values[0], ==, "UDP");
		g_assert_cmpstr(param->values[1], ==, "TCP");
		g_assert_cmpstr(param->values[2], ==, "TLS");
		param = tr_schema_lookup(schema, port);
		g_assert_cmpstr(param->default_value, ==, port_default);
		g_assert_cmpint(param->min, ==, 1);
		g_assert_cmpint(param->max, ==, 65535);
	}
	g_assert_cmpint(tr_schema_lookup(schema, "Debug_Level")->min, ==, 0);
	g_assert_cmpint(tr_schema_lookup(schema, "Debug_Level")->max, ==, 3);
	g_assert_cmpfloat(tr_schema_lookup(schema, "SIP_T1")->fmin, ==, 0);
	g_assert_cmpfloat(tr_schema_lookup(schema, "SIP_T1")->fmax, ==, 64);
	g_assert_true(tr_param_is_secret(tr_schema_lookup(schema, "Password_1_")));
}

/* @group follows the template's order: each of its parameters is found
 * after the one before (the template may list a base name twice) */
static void
assert_template_order(GPtrArray *template_params, GPtrArray *group)
{
	guint t = 0;

	for (guint i = 0; i < group->len; i++) {
		TrParam *param = g_ptr_array_index(group, i);
		gboolean found = FALSE;

		while (t < template_params->len && !found) {
			TrParam *entry = g_ptr_array_index(template_params, t++);
			found = g_strcmp0(entry->base_name, param->base_name) == 0 &&
				g_strcmp0(entry->tab, param->tab) == 0;
		}
		if (!found)
			g_error("%s is not in template order", param->name);
	}
}

/* globals first, then line 1's, line 2's..., then the PSTN line's: each
 * group in template order, every line's the same */
static void
assert_order(TrSchema *tmpl, TrSchema *schema, const Model *model)
{
	GPtrArray *template_params = tr_schema_get_params(tmpl);
	GPtrArray *params = tr_schema_get_params(schema);
	g_autoptr(GPtrArray) groups =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	guint current_index = 0;

	g_ptr_array_add(groups, g_ptr_array_new());
	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);

		if (param->index != current_index) {
			/* a new group starts: the next line, never back */
			g_assert_cmpuint(param->index, ==, current_index + 1);
			current_index = param->index;
			g_ptr_array_add(groups, g_ptr_array_new());
		}
		g_ptr_array_add(g_ptr_array_index(groups, groups->len - 1), param);
	}
	g_assert_cmpuint(current_index, ==, model->n_lines + (tags_match(model, "fxo") ? 1 : 0));
	for (guint g = 0; g < groups->len; g++) {
		GPtrArray *group = g_ptr_array_index(groups, g);
		GPtrArray *line1 = g_ptr_array_index(groups, 1);

		g_assert_cmpuint(group->len, >, 0);
		assert_template_order(template_params, group);
		if (g > 1 && g <= model->n_lines) {
			g_assert_cmpuint(group->len, ==, line1->len);
			for (guint i = 0; i < group->len; i++)
				g_assert_cmpstr(
					((TrParam *)g_ptr_array_index(group, i))->base_name, ==,
					((TrParam *)g_ptr_array_index(line1, i))->base_name);
		}
	}
}

static void
assert_lookup(TrSchema *schema, const Model *model)
{
	GPtrArray *params = tr_schema_get_params(schema);
	guint n_label_forms = 0;

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		g_autofree gchar *bracket = tr_param_name_to_bracket(param);

		/* by element name, by bracket form: the same object as in the list */
		g_assert_true(tr_schema_lookup(schema, param->name) == param);
		g_assert_true(tr_schema_lookup(schema, bracket) == param);
		if (param->index > 0) {
			g_autofree gchar *label_form =
				g_strdup_printf("%s{%u}", param->label, param->index);
			gboolean pstn = g_strcmp0(param->tab, "PSTN") == 0;
			g_autofree gchar *beyond = g_strdup_printf("%s[%u]", param->base_name,
								   model->n_lines + (pstn ? 2 : 1));
			TrParam *beyond_param = tr_schema_lookup(schema, beyond);
			g_autofree gchar *label_name =
				g_strdelimit(g_strdup(param->label), " ", '_');

			g_assert_cmpstr(bracket, !=, param->name);
			/* the base name alone is no parameter of an instance */
			g_assert_null(tr_schema_lookup(schema, param->base_name));
			/* past the last line: the PSTN line, or nothing */
			g_assert_true(beyond_param == NULL ||
				      (!pstn && g_strcmp0(beyond_param->tab, "PSTN") == 0));
			/* the web label with the index, where labels are names with spaces */
			if (g_strcmp0(label_name, param->base_name) == 0) {
				g_assert_true(tr_schema_lookup(schema, label_form) == param);
				n_label_forms++;
			}
		}
	}
	/* "SIP Transport{1}" and the like, for most line parameters */
	g_assert_cmpuint(n_label_forms, >=, 50 * model->n_lines);
}

static void
test_schema_model(gconstpointer user_data)
{
	const Model *model = user_data;
	g_autoptr(TrSchema) tmpl = load_template();
	g_autoptr(TrSchema) schema = instantiate(tmpl, model);
	GPtrArray *params = tr_schema_get_params(schema);
	g_autofree gchar *beyond = NULL;
	guint n_pstn = 0;

	g_test_message("%s: %u parameters", model->name, params->len);
	g_assert_cmpuint(tr_schema_get_size(schema), ==, params->len);
	g_assert_cmpuint(params->len, ==, model->n_params);

	assert_required(schema, model);
	assert_order(tmpl, schema, model);
	assert_lookup(schema, model);

	/* no line beyond the model's, but for the PSTN line after the last */
	beyond = g_strdup_printf("_%u_", model->n_lines + 1);
	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		g_autoptr(GError) error = NULL;

		if (g_strcmp0(param->tab, "PSTN") == 0) {
			g_assert_true(tags_match(model, "fxo"));
			g_assert_cmpuint(param->index, ==, model->n_lines + 1);
			n_pstn++;
		} else {
			g_assert_cmpuint(param->index, <=, model->n_lines);
			g_assert_false(g_str_has_suffix(param->name, beyond));
		}
		if (param->index > 0) {
			g_autofree gchar *expected = line_name(param->base_name, param->index);
			g_assert_cmpstr(param->name, ==, expected);
			g_assert_true(
				g_strcmp0(param->tab, "Line") == 0 ||
				g_strcmp0(param->tab, "PSTN") == 0 ||
				(g_strcmp0(param->tab, "User") == 0 && tags_match(model, "ata")));
		} else {
			g_assert_cmpstr(param->name, ==, param->base_name);
			g_assert_cmpstr(param->tab, !=, "Line");
			if (g_strcmp0(param->tab, "User") == 0 ||
			    g_strcmp0(param->tab, "Phone") == 0)
				g_assert_true(tags_match(model, "phone"));
		}
		/* the web login passwords, and only they, are hashed */
		g_assert_true(param->hashed == (g_strcmp0(param->name, "Admin_Passwd") == 0 ||
						g_strcmp0(param->name, "User_Password") == 0));
		/* every default validates, and is already canonical */
		{
			g_autofree gchar *canonical = NULL;
			if (!tr_param_validate(param, param->default_value, &canonical, &error))
				g_error("%s: default of %s: %s", model->name, param->name,
					error->message);
			g_assert_cmpstr(canonical, ==, param->default_value);
		}
	}
	g_assert_cmpuint(n_pstn, ==, tags_match(model, "fxo") ? N_PSTN_PARAMS : 0);
}

/* only= keeps a parameter to the models with a matching tag */
static void
test_schema_only(void)
{
	g_autoptr(TrSchema) tmpl = load_template();

	for (guint m = 0; m < G_N_ELEMENTS(models); m++) {
		g_autoptr(TrSchema) schema = instantiate(tmpl, &models[m]);

		for (guint i = 0; i < G_N_ELEMENTS(restricted); i++) {
			g_autofree gchar *name = restricted[i].per_line
							 ? line_name(restricted[i].name, 1)
							 : g_strdup(restricted[i].name);
			gboolean expected = tags_match(&models[m], restricted[i].tag);
			gboolean present = tr_schema_lookup(schema, name) != NULL;

			if (present != expected)
				g_error("%s %s %s", models[m].name, present ? "has" : "lacks",
					name);
		}
	}
}

/* a model without tags gets exactly the parameters without only= */
static void
test_schema_no_tags(void)
{
	static const gchar *const no_tags[] = {NULL};
	static const gchar *const other_tags[] = {"wifi", "lcd", NULL};
	g_autoptr(TrSchema) tmpl = load_template();
	const gchar *const *tag_sets[] = {NULL, no_tags, other_tags};

	for (guint i = 0; i < G_N_ELEMENTS(tag_sets); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrSchema) one = tr_schema_new_for_model(tmpl, 1, tag_sets[i], &error);
		g_autoptr(TrSchema) two = tr_schema_new_for_model(tmpl, 2, tag_sets[i], NULL);

		g_assert_no_error(error);
		g_assert_cmpuint(tr_schema_get_size(one), ==,
				 N_UNRESTRICTED_GLOBAL + N_UNRESTRICTED_PER_LINE);
		g_assert_cmpuint(tr_schema_get_size(two), ==,
				 N_UNRESTRICTED_GLOBAL + 2 * N_UNRESTRICTED_PER_LINE);
		g_assert_null(tr_schema_lookup(one, "Hook_Flash_MIME_Type"));
		g_assert_null(tr_schema_lookup(one, "Phone-UI-readonly"));
		g_assert_nonnull(tr_schema_lookup(one, "SIP_Transport_1_"));
	}
}

static void
test_schema_line_counts(void)
{
	g_autoptr(TrSchema) tmpl = load_template();
	static const guint bad[] = {0, 65, G_MAXUINT};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrSchema) schema =
			tr_schema_new_for_model(tmpl, bad[i], ata_router_tags, &error);

		g_assert_null(schema);
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	}

	/* the largest allowed: SIP_Port has no default-64 and falls back to "default" */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(TrSchema) schema =
			tr_schema_new_for_model(tmpl, 64, ata_router_tags, &error);

		g_assert_no_error(error);
		g_assert_cmpuint(tr_schema_get_size(schema), ==, 190 + 64 * 154);
		g_assert_cmpstr(tr_schema_lookup(schema, "SIP_Port_6_")->default_value, ==, "5065");
		g_assert_cmpstr(tr_schema_lookup(schema, "SIP_Port_7_")->default_value, ==, "5060");
		g_assert_nonnull(tr_schema_lookup(schema, "SIP_Port[64]"));
		g_assert_null(tr_schema_lookup(schema, "SIP_Port[65]"));
	}
}

/* instances are independent of each other and of their template */
static void
test_schema_instances_independent(void)
{
	g_autoptr(TrSchema) tmpl = load_template();
	g_autoptr(TrSchema) a = instantiate(tmpl, &models[0]);
	g_autoptr(TrSchema) b = instantiate(tmpl, &models[0]);
	TrParam *pa = tr_schema_lookup(a, "SIP_Transport_1_");
	TrParam *pb = tr_schema_lookup(b, "SIP_Transport_1_");
	TrParam *keep;

	g_assert_nonnull(pa);
	g_assert_nonnull(pb);
	g_assert_true(pa != pb);
	keep = tr_param_ref(pa);
	g_clear_object(&tmpl);
	g_clear_object(&a);
	g_assert_cmpstr(keep->name, ==, "SIP_Transport_1_");
	g_assert_cmpstr(keep->values[2], ==, "TLS");
	tr_param_unref(keep);
	g_assert_cmpuint(tr_schema_get_size(b), ==, models[0].n_params);
}

#define SCHEMA_HEAD "<schema version=\"1\">\n<tab id=\"System\">\n<section id=\"S\">\n"
#define SCHEMA_TAIL "</section>\n</tab>\n</schema>\n"
/* as the real schema: a model is an ATA or a phone */
#define KINDS_HEAD                                                                                 \
	"<schema version=\"1\" kinds=\"ata,phone\">\n<tab id=\"System\">\n<section id=\"S\">\n"

/* a small complete schema: every attribute, a per-line tab, only= */
static const gchar valid_schema[] =
	"<?xml version=\"1.0\"?>\n"
	"<schema version=\"1\">\n"
	"  <tab id=\"System\">\n"
	"    <section id=\"Network_Settings\">\n"
	"      <param name=\"Web_Port\" label=\"Web Port\" type=\"int\" min=\"1\" max=\"65535\"\n"
	"             default=\"80\" access=\"rw\" view=\"basic\" description=\"The port\"/>\n"
	"      <param name=\"Tos\" label=\"TOS\" type=\"int\" format=\"hex\" min=\"0\"\n"
	"             max=\"0xff\" default=\"0x68\"/>\n"
	"      <param name=\"T1\" label=\"T1\" type=\"float\" min=\"0.01\" max=\"64\" "
	"default=\".5\"/>\n"
	"      <param name=\"Mode\" label=\"Mode\" type=\"enum\" values=\"A|B c|D\" "
	"default=\"B c\"\n"
	"             access=\"ro\"/>\n"
	"      <param name=\"Secret\" label=\"Secret\" type=\"password\" max-length=\"8\"/>\n"
	"      <param name=\"Only_Phone\" label=\"Only Phone\" only=\"phone\"/>\n"
	"      <param name=\"Phone_Or_Fxo\" label=\"Phone Or Fxo\" only=\"phone, fxo\"/>\n"
	"    </section>\n"
	"  </tab>\n"
	"  <tab id=\"Line\" per=\"line\">\n"
	"    <section id=\"SIP_Settings\" label=\"SIP Settings\">\n"
	"      <param name=\"Port\" label=\"Port\" type=\"int\" default=\"5060\" "
	"default-2=\"5061\"/>\n"
	"      <param name=\"Codec\" label=\"Codec\" type=\"enum\" values=\"G711u|G729a\"\n"
	"             default=\"G711u\" default-3=\"G729a\" only=\"ata\"/>\n"
	"    </section>\n"
	"  </tab>\n"
	"</schema>\n";

static void
test_schema_inline_valid(void)
{
	static const gchar *const phone[] = {"phone", NULL};
	static const gchar *const fxo[] = {"ata", "fxo", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = tr_schema_new_from_data(valid_schema, -1, &error);
	g_autoptr(TrSchema) ata = NULL;
	g_autoptr(TrSchema) ph = NULL;
	g_autoptr(TrSchema) sized = NULL;
	TrParam *param;
	GPtrArray *params;
	static const gchar *ata_order[] = {"Web_Port", "Tos",	       "T1",	  "Mode",
					   "Secret",   "Phone_Or_Fxo", "Port_1_", "Codec_1_",
					   "Port_2_",  "Codec_2_",     "Port_3_", "Codec_3_"};

	g_assert_no_error(error);
	g_assert_nonnull(tmpl);
	g_assert_cmpuint(tr_schema_get_size(tmpl), ==, 9);

	/* a length limits the text that is read */
	sized = tr_schema_new_from_data(valid_schema, strlen(valid_schema), &error);
	g_assert_no_error(error);
	g_assert_cmpuint(tr_schema_get_size(sized), ==, 9);

	ata = tr_schema_new_for_model(tmpl, 3, fxo, &error);
	g_assert_no_error(error);
	params = tr_schema_get_params(ata);
	g_assert_cmpuint(params->len, ==, G_N_ELEMENTS(ata_order));
	for (guint i = 0; i < params->len; i++)
		g_assert_cmpstr(((TrParam *)g_ptr_array_index(params, i))->name, ==, ata_order[i]);

	param = tr_schema_lookup(ata, "Web_Port");
	g_assert_cmpstr(param->label, ==, "Web Port");
	g_assert_cmpstr(param->tab, ==, "System");
	g_assert_cmpstr(param->section, ==, "Network_Settings");
	/* without a label, the section id with spaces */
	g_assert_cmpstr(param->section_label, ==, "Network Settings");
	g_assert_cmpstr(param->description, ==, "The port");
	g_assert_cmpint(param->type, ==, TR_PARAM_TYPE_INT);
	g_assert_cmpint(param->min, ==, 1);
	g_assert_cmpint(param->max, ==, 65535);
	g_assert_cmpstr(param->default_value, ==, "80");
	g_assert_cmpint(param->access, ==, TR_ACCESS_RW);
	g_assert_cmpint(param->view, ==, TR_VIEW_BASIC);
	g_assert_false(param->hex);

	param = tr_schema_lookup(ata, "Tos");
	g_assert_true(param->hex);
	g_assert_cmpint(param->max, ==, 255);
	g_assert_cmpint(param->access, ==, TR_ACCESS_NA);
	g_assert_cmpint(param->view, ==, TR_VIEW_ADVANCED);
	g_assert_null(param->description);

	param = tr_schema_lookup(ata, "T1");
	g_assert_cmpint(param->type, ==, TR_PARAM_TYPE_FLOAT);
	g_assert_cmpfloat_with_epsilon(param->fmin, 0.01, 1e-12);
	g_assert_cmpfloat(param->fmax, ==, 64);

	param = tr_schema_lookup(ata, "Mode");
	g_assert_cmpuint(g_strv_length(param->values), ==, 3);
	g_assert_cmpstr(param->values[1], ==, "B c");
	g_assert_cmpstr(param->default_value, ==, "B c");
	g_assert_cmpint(param->access, ==, TR_ACCESS_RO);

	param = tr_schema_lookup(ata, "Secret");
	g_assert_cmpuint(param->max_length, ==, 8);
	g_assert_cmpstr(param->default_value, ==, "");
	g_assert_true(tr_param_is_secret(param));

	/* default-N per line, "default" for the others */
	g_assert_cmpstr(tr_schema_lookup(ata, "Port_1_")->default_value, ==, "5060");
	g_assert_cmpstr(tr_schema_lookup(ata, "Port_2_")->default_value, ==, "5061");
	g_assert_cmpstr(tr_schema_lookup(ata, "Port_3_")->default_value, ==, "5060");
	g_assert_cmpstr(tr_schema_lookup(ata, "Codec_1_")->default_value, ==, "G711u");
	g_assert_cmpstr(tr_schema_lookup(ata, "Codec_3_")->default_value, ==, "G729a");
	g_assert_cmpstr(tr_schema_lookup(ata, "Port_2_")->section_label, ==, "SIP Settings");
	g_assert_cmpstr(tr_schema_lookup(ata, "Port_2_")->label, ==, "Port");
	g_assert_null(tr_schema_lookup(ata, "Only_Phone"));

	/* "phone, fxo": either tag, spaces after the comma allowed */
	ph = tr_schema_new_for_model(tmpl, 1, phone, &error);
	g_assert_no_error(error);
	g_assert_nonnull(tr_schema_lookup(ph, "Only_Phone"));
	g_assert_nonnull(tr_schema_lookup(ph, "Phone_Or_Fxo"));
	g_assert_null(tr_schema_lookup(ph, "Codec_1_"));
	g_assert_nonnull(tr_schema_lookup(ph, "Port[1]"));
	g_assert_cmpuint(tr_schema_get_size(ph), ==, 8);
}

#define HASH_43 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* only= on tabs and sections, kinds, the PSTN line, hash= */
static const gchar levels_schema[] =
	"<schema version=\"1\" kinds=\"ata, phone\">\n"
	"<tab id=\"System\">\n"
	"  <section id=\"S\">\n"
	"    <param name=\"All\" label=\"All\"/>\n"
	"    <param name=\"Mode\" label=\"Mode\" only=\"ata\"/>\n"
	"    <param name=\"Mode\" label=\"Mode\" only=\"phone\"/>\n"
	"    <param name=\"Secret\" label=\"Secret\" type=\"password\" max-length=\"8\"\n"
	"           hash=\"pbkdf2\" default=\"$pbkdf2-sha256$1000$c2FsdHNhbHQ$" HASH_43 "\"/>\n"
	"    <param name=\"Plain\" label=\"Plain\" type=\"password\"/>\n"
	"  </section>\n"
	"  <section id=\"R\" only=\"router\">\n"
	"    <param name=\"Router\" label=\"Router\"/>\n"
	"    <param name=\"Router_Wifi\" label=\"Router Wifi\" only=\"wifi\"/>\n"
	"  </section>\n"
	"</tab>\n"
	"<tab id=\"User\" per=\"line\" only=\"ata\">\n"
	"  <section id=\"S\">\n"
	"    <param name=\"CW\" label=\"CW\" type=\"bool\" default=\"yes\"/>\n"
	"  </section>\n"
	"  <section id=\"F\" only=\"fxo,router\">\n"
	"    <param name=\"Fx\" label=\"Fx\"/>\n"
	"  </section>\n"
	"</tab>\n"
	"<tab id=\"User\" only=\"phone\">\n"
	"  <section id=\"S\">\n"
	"    <param name=\"CW\" label=\"CW\" type=\"bool\" default=\"no\"/>\n"
	"  </section>\n"
	"</tab>\n"
	"<tab id=\"Line\" per=\"line\">\n"
	"  <section id=\"S\">\n"
	"    <param name=\"Port\" label=\"Port\" type=\"int\" default=\"5060\"/>\n"
	"  </section>\n"
	"</tab>\n"
	"<tab id=\"PSTN\" per=\"pstn\" only=\"fxo\">\n"
	"  <section id=\"S\">\n"
	"    <param name=\"Port\" label=\"Port\" type=\"int\" default=\"5061\"/>\n"
	"    <param name=\"Delay\" label=\"Delay\" type=\"int\" default=\"16\"/>\n"
	"  </section>\n"
	"</tab>\n"
	"</schema>\n";

static void
assert_names(TrSchema *tmpl, guint n_lines, const gchar *const *tags, const gchar *const *expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) schema = tr_schema_new_for_model(tmpl, n_lines, tags, &error);
	GPtrArray *params;

	g_assert_no_error(error);
	params = tr_schema_get_params(schema);
	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		if (expected[i] == NULL)
			g_error("unexpected %s", param->name);
		g_assert_cmpstr(param->name, ==, expected[i]);
	}
	g_assert_null(expected[params->len]);
}

static void
test_schema_inline_levels(void)
{
	static const gchar *const ata[] = {"ata", NULL};
	static const gchar *const ata_router_wifi[] = {"ata", "router", "wifi", NULL};
	static const gchar *const ata_fxo[] = {"ata", "fxo", NULL};
	static const gchar *const phone[] = {"phone", NULL};
	static const gchar *const router[] = {"router", NULL};
	static const gchar *const both[] = {"ata", "phone", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = tr_schema_new_from_data(levels_schema, -1, &error);
	g_autoptr(TrSchema) fxo = NULL;
	g_autoptr(TrSchema) ph = NULL;
	TrParam *param;

	g_assert_no_error(error);
	g_assert_cmpuint(tr_schema_get_size(tmpl), ==, 13);

	/* every only= on the way must match: the tab's, the section's, the param's */
	assert_names(tmpl, 2, ata,
		     (const gchar *const[]){"All", "Mode", "Secret", "Plain", "CW_1_", "Port_1_",
					    "CW_2_", "Port_2_", NULL});
	assert_names(tmpl, 1, ata_router_wifi,
		     (const gchar *const[]){"All", "Mode", "Secret", "Plain", "Router",
					    "Router_Wifi", "CW_1_", "Fx_1_", "Port_1_", NULL});
	/* the PSTN line: after the last line, with that line's suffix */
	assert_names(tmpl, 1, ata_fxo,
		     (const gchar *const[]){"All", "Mode", "Secret", "Plain", "CW_1_", "Fx_1_",
					    "Port_1_", "Port_2_", "Delay_2_", NULL});
	assert_names(
		tmpl, 1, phone,
		(const gchar *const[]){"All", "Mode", "Secret", "Plain", "CW", "Port_1_", NULL});
	/* no kind: neither kind's parameters */
	assert_names(tmpl, 1, router,
		     (const gchar *const[]){"All", "Secret", "Plain", "Router", "Port_1_", NULL});

	fxo = tr_schema_new_for_model(tmpl, 1, ata_fxo, &error);
	g_assert_no_error(error);
	param = tr_schema_lookup(fxo, "Port_2_");
	g_assert_cmpstr(param->tab, ==, "PSTN");
	g_assert_cmpuint(param->index, ==, 2);
	g_assert_cmpstr(param->base_name, ==, "Port");
	g_assert_cmpstr(param->default_value, ==, "5061");
	g_assert_true(tr_schema_lookup(fxo, "Port[2]") == param);
	g_assert_cmpstr(tr_schema_lookup(fxo, "Port_1_")->default_value, ==, "5060");
	g_assert_cmpstr(tr_schema_lookup(fxo, "CW_1_")->tab, ==, "User");
	g_assert_cmpstr(tr_schema_lookup(fxo, "CW_1_")->default_value, ==, "yes");
	/* hash="pbkdf2": a well-formed hash passes as default, beyond max-length */
	param = tr_schema_lookup(fxo, "Secret");
	g_assert_true(param->hashed);
	g_assert_true(g_str_has_prefix(param->default_value, "$pbkdf2-sha256$1000$"));
	g_assert_false(tr_schema_lookup(fxo, "Plain")->hashed);

	ph = tr_schema_new_for_model(tmpl, 1, phone, &error);
	g_assert_no_error(error);
	param = tr_schema_lookup(ph, "CW");
	g_assert_cmpuint(param->index, ==, 0);
	g_assert_cmpstr(param->default_value, ==, "no");

	/* tags that kinds= declares exclusive, together: two parameters Mode */
	g_assert_null(tr_schema_new_for_model(tmpl, 1, both, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_nonnull(strstr(error->message, "two parameters named Mode"));
}

/* factory values are kept in canonical form, as the store compares with them */
static void
test_schema_inline_defaults_canonical(void)
{
	static const gchar xml[] =
		"<schema>\n<tab id=\"Line\" per=\"line\">\n<section id=\"S\">\n"
		"<param name=\"Size\" label=\"Size\" type=\"float\" default=\"0.030\"\n"
		"       default-2=\"0.50\"/>\n"
		"<param name=\"Flag\" label=\"Flag\" type=\"bool\" default=\"Yes\" "
		"default-2=\"off\"/>\n"
		"<param name=\"Tos\" label=\"Tos\" type=\"int\" format=\"hex\" max=\"255\" "
		"default=\"104\" default-2=\"0XB8\"/>\n"
		"<param name=\"Mode\" label=\"Mode\" type=\"enum\" values=\"UDP|TCP\" "
		"default=\"udp\" default-2=\" tcp \"/>\n"
		"<param name=\"Name\" label=\"Name\" default=\" padded \"/>\n"
		"</section>\n</tab>\n</schema>\n";
	static const struct {
		const gchar *name;
		const gchar *default_value;
	} expected[] = {
		{"Size_1_", ".03"}, {"Size_2_", ".5"},	   {"Size_3_", ".03"}, {"Flag_1_", "yes"},
		{"Flag_2_", "no"},  {"Tos_1_", "0x68"},	   {"Tos_2_", "0xb8"}, {"Mode_1_", "UDP"},
		{"Mode_2_", "TCP"}, {"Name_1_", "padded"},
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = tr_schema_new_from_data(xml, -1, &error);
	g_autoptr(TrSchema) schema = NULL;

	g_assert_no_error(error);
	schema = tr_schema_new_for_model(tmpl, 3, NULL, &error);
	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		TrParam *param = tr_schema_lookup(schema, expected[i].name);

		g_assert_nonnull(param);
		g_assert_cmpstr(param->default_value, ==, expected[i].default_value);
	}
}

/* name is the last part of the test path; line 0: the message has no line */
static const struct {
	const gchar *name;
	const gchar *xml;
	guint line;
	const gchar *message;
} malformed[] = {
	{"unknown-element", SCHEMA_HEAD "<parameter name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "unknown element <parameter>"},
	{"unknown-root", "<profile><tab id=\"A\"/>\n</profile>", 1, "unknown element <profile>"},
	{"unknown-attribute",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" bogus=\"1\"/>\n" SCHEMA_TAIL, 4,
	 "unknown attribute 'bogus'"},
	{"unknown-type",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"integer\"/>\n" SCHEMA_TAIL, 4,
	 "unknown type 'integer'"},
	{"type-case", SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"Bool\"/>\n" SCHEMA_TAIL, 4,
	 "unknown type 'Bool'"},
	{"enum-without-values",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\"\n type=\"enum\"/>\n" SCHEMA_TAIL, 5,
	 "enum X has no values"},
	{"enum-empty-values",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"enum\" values=\"\"/>\n" SCHEMA_TAIL, 4,
	 "enum X has no values"},
	{"default-invalid-bool",
	 SCHEMA_HEAD
	 "<param name=\"Flag\" label=\"Flag\" type=\"bool\" default=\"maybe\"/>\n" SCHEMA_TAIL,
	 4, "Invalid value 'maybe' for Flag"},
	{"default-not-in-enum",
	 SCHEMA_HEAD "<param name=\"T\" label=\"T\" type=\"enum\" values=\"UDP|TCP\" "
		     "default=\"TLS\"/>\n" SCHEMA_TAIL,
	 4, "Invalid value 'TLS' for T"},
	{"default-above-max",
	 SCHEMA_HEAD "<param name=\"P\" label=\"P\" type=\"int\" min=\"1\" max=\"65535\" "
		     "default=\"70000\"/>\n" SCHEMA_TAIL,
	 4, "Invalid value '70000' for P"},
	{"default-bad-tone",
	 SCHEMA_HEAD
	 "<param name=\"Tone\" label=\"T\" type=\"tone\" default=\"350@-19\"/>\n" SCHEMA_TAIL,
	 4, "Invalid value '350@-19' for Tone"},
	{"default-n-invalid",
	 "<schema>\n<tab id=\"Line\" per=\"line\">\n<section id=\"S\">\n"
	 "<param name=\"P\" label=\"P\" type=\"int\" max=\"10\" default=\"1\" "
	 "default-2=\"11\"/>\n" SCHEMA_TAIL,
	 4, "default-N: Invalid value '11' for P"},
	{"duplicate-name",
	 SCHEMA_HEAD
	 "<param name=\"X\" label=\"X\"/>\n<param name=\"X\" label=\"Y\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"duplicate-across-tabs",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\"/>\n</section>\n</tab>\n"
		     "<tab id=\"Line\" per=\"line\">\n<section id=\"S\">\n"
		     "<param name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL,
	 9, "duplicate parameter X"},
	{"default-n-global",
	 SCHEMA_HEAD "<param name=\"Port\" label=\"Port\" type=\"int\" default=\"1\" "
		     "default-2=\"2\"/>\n" SCHEMA_TAIL,
	 4, "default-N on the global Port"},
	{"default-0",
	 "<schema>\n<tab id=\"Line\" per=\"line\">\n<section id=\"S\">\n"
	 "<param name=\"P\" label=\"P\" default-0=\"1\"/>\n" SCHEMA_TAIL,
	 4, "invalid attribute 'default-0'"},
	{"default-65",
	 "<schema>\n<tab id=\"Line\" per=\"line\">\n<section id=\"S\">\n"
	 "<param name=\"P\" label=\"P\" default-65=\"1\"/>\n" SCHEMA_TAIL,
	 4, "invalid attribute 'default-65'"},
	{"min-above-max",
	 SCHEMA_HEAD
	 "<param name=\"N\" label=\"N\" type=\"int\" min=\"10\" max=\"1\"/>\n" SCHEMA_TAIL,
	 4, "N: min is above max"},
	{"float-min-above-max",
	 SCHEMA_HEAD "<param name=\"F\" label=\"F\" type=\"float\" min=\"0.5\" max=\"0.25\" "
		     "default=\"0.3\"/>\n" SCHEMA_TAIL,
	 4, "F: min is above max"},
	{"min-not-a-number",
	 SCHEMA_HEAD "<param name=\"N\" label=\"N\" type=\"int\" min=\"low\"/>\n" SCHEMA_TAIL, 4,
	 "invalid min 'low'"},
	{"max-not-a-number",
	 SCHEMA_HEAD "<param name=\"N\" label=\"N\" type=\"int\" max=\"10x\"/>\n" SCHEMA_TAIL, 4,
	 "invalid max '10x'"},
	{"param-outside-tab",
	 "<schema version=\"1\">\n  <param name=\"X\" label=\"X\"/>\n</schema>\n", 2,
	 "<param> outside a <tab> and <section>"},
	{"param-outside-section",
	 "<schema version=\"1\">\n<tab id=\"A\">\n\n<param name=\"X\" "
	 "label=\"X\"/>\n</tab>\n</schema>",
	 4, "<param> outside a <tab> and <section>"},
	{"param-after-section",
	 SCHEMA_HEAD
	 "<param name=\"X\" label=\"X\"/>\n</section>\n<param name=\"Y\" label=\"Y\"/>\n"
	 "</tab>\n</schema>",
	 6, "<param> outside a <tab> and <section>"},
	{"name-with-space", SCHEMA_HEAD "<param name=\"SIP Port\" label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "invalid parameter name 'SIP Port'"},
	{"name-with-dot", SCHEMA_HEAD "<param name=\"Dial.Plan\" label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "invalid parameter name 'Dial.Plan'"},
	{"name-with-bracket", SCHEMA_HEAD "<param name=\"Port[1]\" label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "invalid parameter name 'Port[1]'"},
	{"name-empty", SCHEMA_HEAD "<param name=\"\" label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "invalid parameter name ''"},
	{"name-missing", SCHEMA_HEAD "<param label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "<param> needs a name and a label"},
	{"label-missing", SCHEMA_HEAD "<param name=\"X\"/>\n" SCHEMA_TAIL, 4,
	 "<param> needs a name and a label"},
	{"bad-max-length",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" max-length=\"0\"/>\n" SCHEMA_TAIL, 4,
	 "invalid max-length '0'"},
	{"bad-access", SCHEMA_HEAD "<param name=\"X\" label=\"X\" access=\"admin\"/>\n" SCHEMA_TAIL,
	 4, "invalid access 'admin'"},
	{"bad-view", SCHEMA_HEAD "<param name=\"X\" label=\"X\" view=\"expert\"/>\n" SCHEMA_TAIL, 4,
	 "invalid view 'expert'"},
	{"bad-format",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"int\" format=\"octal\"/>\n" SCHEMA_TAIL,
	 4, "unknown format 'octal'"},
	{"tab-without-id", "<schema>\n<tab><section id=\"S\">\n" SCHEMA_TAIL, 2,
	 "<tab> needs a valid id"},
	{"tab-bad-per", "<schema>\n<tab id=\"Line\" per=\"ext\"><section id=\"S\">\n" SCHEMA_TAIL,
	 2, "unknown per='ext'"},
	{"section-bad-id",
	 "<schema>\n<tab id=\"A\">\n<section id=\"a b\"><param name=\"X\" "
	 "label=\"X\"/>\n" SCHEMA_TAIL,
	 3, "<section> needs a valid id"},
	{"unclosed-tag", SCHEMA_HEAD "<param name=\"X\" label=\"X\"/>\n</section>\n</tab>\n", 7,
	 "Document ended unexpectedly"},
	{"unclosed-param", SCHEMA_HEAD "<param name=\"X\" label=\"X\">\n" SCHEMA_TAIL, 5,
	 "was closed, but the currently open element is"},
	{"unterminated-attribute", SCHEMA_HEAD "<param name=\"X label=\"X\"/>\n" SCHEMA_TAIL, 4,
	 ""},
	{"empty-document", "", 1, "empty"},
	{"whitespace-only", "  \n\n  ", 3, "empty"},
	{"not-xml", "this is not a schema", 1, ""},
	{"text-after-root", SCHEMA_HEAD "<param name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL "junk", 8,
	 ""},
	{"no-parameters", "<schema version=\"1\">\n</schema>\n", 0, "no <schema> with parameters"},
	{"only-empty", SCHEMA_HEAD "<param name=\"X\" label=\"X\" only=\"\"/>\n" SCHEMA_TAIL, 4,
	 "only= names no tag"},
	{"only-empty-tag",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" only=\"ata,,phone\"/>\n" SCHEMA_TAIL, 4,
	 "invalid tag '' in only="},
	{"only-bad-tag", SCHEMA_HEAD "<param name=\"X\" label=\"X\" only=\"a b\"/>\n" SCHEMA_TAIL,
	 4, "invalid tag 'a b' in only="},
	{"tab-only-empty", "<schema>\n<tab id=\"A\" only=\"\"><section id=\"S\">\n" SCHEMA_TAIL, 2,
	 "only= names no tag"},
	{"section-only-bad",
	 "<schema>\n<tab id=\"A\">\n<section id=\"S\" only=\"x!\">\n" SCHEMA_TAIL, 4,
	 "invalid tag 'x!' in only="},
	{"kinds-empty", "<schema kinds=\"\">\n<tab id=\"A\"><section id=\"S\">\n" SCHEMA_TAIL, 2,
	 "kinds= names no tag"},
	{"duplicate-same-only",
	 KINDS_HEAD "<param name=\"X\" label=\"X\" only=\"ata\"/>\n"
		    "<param name=\"X\" label=\"X\" only=\"ata\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"duplicate-overlapping-only",
	 KINDS_HEAD "<param name=\"X\" label=\"X\" only=\"ata\"/>\n"
		    "<param name=\"X\" label=\"X\" only=\"phone, ata\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	/* fxo and router are no kinds: one model can have both */
	{"duplicate-other-tags",
	 KINDS_HEAD "<param name=\"X\" label=\"X\" only=\"fxo\"/>\n"
		    "<param name=\"X\" label=\"X\" only=\"router\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"duplicate-kind-and-other",
	 KINDS_HEAD "<param name=\"X\" label=\"X\" only=\"ata\"/>\n"
		    "<param name=\"X\" label=\"X\" only=\"phone,lcd\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"duplicate-without-kinds",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" only=\"ata\"/>\n"
		     "<param name=\"X\" label=\"X\" only=\"phone\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"duplicate-inherited-only",
	 "<schema kinds=\"ata,phone\">\n<tab id=\"A\" only=\"ata\">\n<section id=\"S\">\n"
	 "<param name=\"X\" label=\"X\"/>\n</section>\n"
	 "<section id=\"T\" only=\"fxo\">\n<param name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL,
	 7, "duplicate parameter X"},
	{"duplicate-global-pstn",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\"/>\n</section>\n</tab>\n"
		     "<tab id=\"PSTN\" per=\"pstn\">\n<section id=\"S\">\n"
		     "<param name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL,
	 9, "duplicate parameter X"},
	{"duplicate-pstn",
	 "<schema>\n<tab id=\"PSTN\" per=\"pstn\">\n<section id=\"S\">\n"
	 "<param name=\"X\" label=\"X\"/>\n<param name=\"X\" label=\"X\"/>\n" SCHEMA_TAIL,
	 5, "duplicate parameter X"},
	{"default-n-pstn",
	 "<schema>\n<tab id=\"PSTN\" per=\"pstn\">\n<section id=\"S\">\n"
	 "<param name=\"P\" label=\"P\" default=\"1\" default-2=\"2\"/>\n" SCHEMA_TAIL,
	 4, "default-N on the PSTN line's P"},
	{"hash-unknown",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"password\" hash=\"md5\"/>\n" SCHEMA_TAIL,
	 4, "unknown hash 'md5'"},
	{"hash-not-password",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" hash=\"pbkdf2\"/>\n" SCHEMA_TAIL, 4,
	 "X: hash= needs type password"},
	{"hash-default-malformed",
	 SCHEMA_HEAD "<param name=\"X\" label=\"X\" type=\"password\" hash=\"pbkdf2\"\n"
		     "default=\"$pbkdf2-sha256$1000$c2FsdA$AAAA\"/>\n" SCHEMA_TAIL,
	 5, "default: Invalid value for X (value hidden)"},
	{"no-root",
	 "<tab id=\"A\">\n<section id=\"S\">\n<param name=\"X\" label=\"X\"/>\n"
	 "</section>\n</tab>\n",
	 0, "no <schema> with parameters"},
};

static void
test_schema_malformed(gconstpointer user_data)
{
	const typeof(malformed[0]) *tc = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) schema = tr_schema_new_from_data(tc->xml, -1, &error);

	g_assert_null(schema);
	g_assert_error(error, TR_ERROR, TR_ERROR_SCHEMA);
	if (tc->line > 0) {
		g_autofree gchar *where = g_strdup_printf("line %u ", tc->line);
		if (strstr(error->message, where) == NULL) {
			g_test_fail_printf("'%s' does not contain '%s'", error->message, where);
			return;
		}
		/* said once, not twice */
		g_assert_null(strstr(strstr(error->message, "line ") + 1, "line "));
	}
	if (strstr(error->message, tc->message) == NULL) {
		g_test_fail_printf("'%s' does not contain '%s'", error->message, tc->message);
		return;
	}

	/* with an explicit length, the same verdict */
	g_clear_error(&error);
	g_assert_null(tr_schema_new_from_data(tc->xml, strlen(tc->xml), &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_SCHEMA);
}

static void
schema_count_criticals_handler(const gchar *log_domain, GLogLevelFlags log_level,
			       const gchar *message, gpointer user_data)
{
	guint *n_criticals = user_data;

	if ((log_level & G_LOG_LEVEL_CRITICAL) != 0) {
		(*n_criticals)++;
		return;
	}
	g_log_default_handler(log_domain, log_level, message, NULL);
}

/* an instance is no template: instantiating it again is a programming error */
static void
test_schema_for_model_needs_template(void)
{
	g_autoptr(TrSchema) tmpl = load_template();
	g_autoptr(TrSchema) schema = instantiate(tmpl, &models[0]);
	guint n_criticals = 0;
	GLogLevelFlags always_fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
	GLogFunc handler = g_log_set_default_handler(schema_count_criticals_handler, &n_criticals);

	g_assert_null(tr_schema_new_for_model(schema, 1, NULL, NULL));
	g_assert_null(tr_schema_new_for_model(NULL, 1, NULL, NULL));
	g_log_set_default_handler(handler, NULL);
	g_log_set_always_fatal(always_fatal);
	g_assert_cmpuint(n_criticals, ==, 2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/schema/default/loads", test_schema_default_loads);
	g_test_add_func("/schema/default/well-formed", test_schema_default_well_formed);
	for (guint i = 0; i < G_N_ELEMENTS(models); i++) {
		g_autofree gchar *path = g_strdup_printf("/schema/model/%s", models[i].name);
		g_test_add_data_func(path, &models[i], test_schema_model);
	}
	g_test_add_func("/schema/only", test_schema_only);
	g_test_add_func("/schema/no-tags", test_schema_no_tags);
	g_test_add_func("/schema/line-counts", test_schema_line_counts);
	g_test_add_func("/schema/instances-independent", test_schema_instances_independent);
	g_test_add_func("/schema/for-model-needs-template", test_schema_for_model_needs_template);
	g_test_add_func("/schema/inline/valid", test_schema_inline_valid);
	g_test_add_func("/schema/inline/defaults-canonical", test_schema_inline_defaults_canonical);
	g_test_add_func("/schema/inline/levels", test_schema_inline_levels);
	for (guint i = 0; i < G_N_ELEMENTS(malformed); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/schema/inline/malformed/%s", malformed[i].name);
		g_test_add_data_func(path, &malformed[i], test_schema_malformed);
	}
	return g_test_run();
}
