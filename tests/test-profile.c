/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-test-german.h"
#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile.h"

/*
 * Profiles against real stores: every parameter of every model set to a
 * value other than its default, with every access level, exported and
 * imported back.
 */

typedef struct {
	const gchar *name;
	guint n_lines;
	const gchar *tags[4];
} Model;

/* as the device backends declare them */
static const Model models[] = {
	{"SPA2102", 2, {"ata", "router", NULL}},
	{"WRP400", 2, {"ata", "router", "wifi", NULL}},
	{"SPA3102", 1, {"ata", "router", "fxo", NULL}},
	{"SPA922", 1, {"phone", "lcd", NULL}},
	{"SPA942", 4, {"phone", "lcd", NULL}},
	{"SPA962", 6, {"phone", "lcd", NULL}},
};

static TrSchema *
schema_for(const Model *model)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = tr_schema_new_default(&error);
	TrSchema *schema;

	g_assert_no_error(error);
	schema = tr_schema_new_for_model(tmpl, model->n_lines, model->tags, &error);
	g_assert_no_error(error);
	return schema;
}

/* a valid value that is not the default, with characters that need escaping */
static gchar *
other_value(TrParam *param, guint i)
{
	switch (param->type) {
	case TR_PARAM_TYPE_BOOL:
		return g_strdup(g_strcmp0(param->default_value, "yes") == 0 ? "no" : "yes");
	case TR_PARAM_TYPE_INT: {
		gint64 v = g_ascii_strtoll(param->default_value, NULL, 0);
		if (g_str_has_prefix(param->default_value, "0x"))
			v = g_ascii_strtoll(param->default_value + 2, NULL, 16);
		v = v < param->max ? v + 1 : v - 1;
		return param->hex ? g_strdup_printf("0x%02" G_GINT64_MODIFIER "x", v)
				  : g_strdup_printf("%" G_GINT64_FORMAT, v);
	}
	case TR_PARAM_TYPE_FLOAT: {
		/* the range's lower end, or its upper end if that is the default */
		gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
		gdouble v = g_ascii_strtod(param->default_value, NULL) == param->fmin ? param->fmax
										      : param->fmin;
		return g_strdup(g_ascii_dtostr(buf, sizeof(buf), v));
	}
	case TR_PARAM_TYPE_ENUM:
		for (guint j = 0; param->values[j] != NULL; j++) {
			if (g_strcmp0(param->values[j], param->default_value) != 0)
				return g_strdup(param->values[j]);
		}
		return g_strdup(param->default_value);
	case TR_PARAM_TYPE_HOST:
		return g_strdup_printf("h%u.example.net:%u", i, 5000 + i % 1000);
	case TR_PARAM_TYPE_IP:
		return g_strdup_printf("10.1.%u.%u", i / 250, i % 250 + 1);
	case TR_PARAM_TYPE_URI:
		return g_strdup_printf("https://prov.example.net/%u/$MA.xml?a=1&b=2", i);
	case TR_PARAM_TYPE_TONE:
		return g_strdup("440@-10,480@-12;*(2/4/1+2)");
	case TR_PARAM_TYPE_PASSWORD:
		/* a web login password as the hash an export carries: hashing clear
		 * text is test-password's, and slow on purpose */
		if (param->hashed) {
			g_autofree gchar *salt_text = g_strdup_printf("salt %u", i);
			g_autofree gchar *salt =
				g_base64_encode((const guchar *)salt_text, strlen(salt_text));
			g_strdelimit(salt, "=", '\0');
			return g_strdup_printf("$pbkdf2-sha256$1000$%s$"
					       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
					       salt);
		}
		return g_strdup_printf(" pw \"%u\" <&> \\ ", i);
	case TR_PARAM_TYPE_STRING:
	default: {
		g_autofree gchar *full =
			g_strdup_printf("v%u \"quoted\" <tag> & 'x' \\ # ; $MA", i);
		return g_strndup(full, param->max_length);
	}
	}
}

static TrStore *
store_with_everything_changed(TrSchema *schema)
{
	TrStore *store = tr_store_new(schema, NULL);
	GPtrArray *params = tr_schema_get_params(schema);
	g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GHashTable) access = g_hash_table_new(g_str_hash, g_str_equal);
	const gchar *levels[] = {"na", "ro", "rw"};
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		g_hash_table_insert(values, param->name, other_value(param, i));
		g_hash_table_insert(access, param->name, (gpointer)levels[i % 3]);
	}
	tr_store_apply(store, values, access, &error);
	g_assert_no_error(error);
	return store;
}

static void
assert_same_configuration(TrStore *a, TrStore *b, gboolean user_only)
{
	GPtrArray *params = tr_schema_get_params(tr_store_get_schema(a));
	guint compared = 0;

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		TrAccess access = tr_store_get_access(a, param->name);
		if (user_only && access == TR_ACCESS_NA) {
			/* what the user may not see stays at the factory value */
			g_assert_true(tr_store_is_default(b, param->name));
			continue;
		}
		if (user_only && tr_param_is_secret(param)) {
			g_assert_true(tr_store_is_default(b, param->name));
			g_assert_cmpint(tr_store_get_access(b, param->name), ==, access);
			continue;
		}
		g_assert_cmpstr(tr_store_get(a, param->name), ==, tr_store_get(b, param->name));
		g_assert_cmpint(access, ==, tr_store_get_access(b, param->name));
		compared++;
	}
	g_assert_cmpuint(compared, >, 0);
}

static void
round_trip(const Model *model, TrProfileFormat format, TrProfileLevel level)
{
	g_autoptr(TrSchema) schema = schema_for(model);
	g_autoptr(TrStore) original = store_with_everything_changed(schema);
	g_autoptr(TrStore) copy = tr_store_new(schema, NULL);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	g_autofree gchar *text = tr_profile_export(original, format, level, "round trip -- test");
	g_autofree gchar *again = NULL;

	g_assert_true(tr_profile_import(copy, (const guint8 *)text, strlen(text), "exported", NULL,
					&warnings, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(g_strv_length(warnings), ==, 0);
	assert_same_configuration(original, copy, level == TR_PROFILE_LEVEL_USER);

	/* and what the copy exports is the same text */
	again = tr_profile_export(copy, format, level, "round trip -- test");
	if (level == TR_PROFILE_LEVEL_ADMIN)
		g_assert_cmpstr(text, ==, again);
	g_test_message("%s %s %s: %zu bytes, %u parameters", model->name,
		       format == TR_PROFILE_FORMAT_XML ? "xml" : "text",
		       level == TR_PROFILE_LEVEL_ADMIN ? "admin" : "user", strlen(text),
		       tr_schema_get_size(schema));
}

static void
test_round_trip(gconstpointer data)
{
	const Model *model = data;
	round_trip(model, TR_PROFILE_FORMAT_XML, TR_PROFILE_LEVEL_ADMIN);
	round_trip(model, TR_PROFILE_FORMAT_TEXT, TR_PROFILE_LEVEL_ADMIN);
	round_trip(model, TR_PROFILE_FORMAT_XML, TR_PROFILE_LEVEL_USER);
	round_trip(model, TR_PROFILE_FORMAT_TEXT, TR_PROFILE_LEVEL_USER);
}

static void
test_user_export_hides(void)
{
	g_autoptr(TrSchema) schema = schema_for(&models[0]);
	g_autoptr(TrStore) store = tr_store_new(schema, NULL);
	g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) access = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *text = NULL;

	g_hash_table_insert(values, "Password_1_", "hunter2-secret");
	g_hash_table_insert(values, "Proxy_1_", "hidden.example.net");
	g_hash_table_insert(values, "Display_Name_1_", "Alice");
	g_hash_table_insert(access, "Password_1_", "rw");
	g_hash_table_insert(access, "Display_Name_1_", "ro");
	g_assert_true(tr_store_apply(store, values, access, &error));
	g_assert_no_error(error);

	xml = tr_profile_export(store, TR_PROFILE_FORMAT_XML, TR_PROFILE_LEVEL_USER, NULL);
	text = tr_profile_export(store, TR_PROFILE_FORMAT_TEXT, TR_PROFILE_LEVEL_USER, NULL);
	for (guint i = 0; i < 2; i++) {
		const gchar *out = i == 0 ? xml : text;
		g_assert_null(strstr(out, "hunter2-secret"));
		g_assert_null(strstr(out, "hidden.example.net"));
		g_assert_null(strstr(out, "Proxy_1_"));
		g_assert_nonnull(strstr(out, "Alice"));
	}
	g_assert_nonnull(strstr(xml, "<Password_1_ ua=\"rw\"/>"));
	g_assert_nonnull(strstr(xml, "<Display_Name_1_ ua=\"ro\">Alice</Display_Name_1_>"));
	g_assert_nonnull(strstr(text, "Password[1] ! ;"));
	g_assert_nonnull(strstr(text, "Display_Name[1] ? \"Alice\" ;"));

	/* the admin level has them */
	g_free(xml);
	xml = tr_profile_export(store, TR_PROFILE_FORMAT_XML, TR_PROFILE_LEVEL_ADMIN, NULL);
	g_assert_nonnull(strstr(xml, "<Password_1_ ua=\"rw\">hunter2-secret</Password_1_>"));
	g_assert_nonnull(strstr(xml, "<Proxy_1_ ua=\"na\">hidden.example.net</Proxy_1_>"));
}

static void
test_import_all_or_nothing(void)
{
	g_autoptr(TrSchema) schema = schema_for(&models[0]);
	g_autoptr(TrStore) store = tr_store_new(schema, NULL);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	const gchar *bad = "<flat-profile>\n"
			   "  <SIP_Transport_1_>TLS</SIP_Transport_1_>\n"
			   "  <Unknown_Thing>1</Unknown_Thing>\n"
			   "  <Register_Expires_1_>soon</Register_Expires_1_>\n"
			   "  <Preferred_Codec_1_>G999</Preferred_Codec_1_>\n"
			   "</flat-profile>\n";
	const gchar *good = "<flat-profile>\n"
			    "  <SIP_Transport_1_ ua=\"rw\">tls</SIP_Transport_1_>\n"
			    "  <Unknown_Thing>1</Unknown_Thing>\n"
			    "  <Proxy_1_>a.example.net</Proxy_1_>\n"
			    "  <Proxy_1_>b.example.net</Proxy_1_>\n"
			    "  <Display_Name_1_/>\n"
			    "</flat-profile>\n";

	g_assert_false(tr_profile_import(store, (const guint8 *)bad, strlen(bad), "bad.xml", NULL,
					 &warnings, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_nonnull(strstr(error->message, "bad.xml: line 4, column 3"));
	g_assert_nonnull(strstr(error->message, "'soon' for Register_Expires_1_"));
	g_assert_nonnull(strstr(error->message, "line 5, column 3"));
	g_assert_nonnull(strstr(error->message, "'G999' for Preferred_Codec_1_"));
	g_assert_cmpstr(tr_store_get(store, "SIP_Transport_1_"), ==, "UDP");
	g_clear_error(&error);

	/* the value set before stays when the profile leaves it unchanged */
	g_assert_true(tr_store_set(store, "Display_Name_1_", "Bob", &error));
	g_assert_true(tr_profile_import(store, (const guint8 *)good, strlen(good), "good.xml", NULL,
					&warnings, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(tr_store_get(store, "SIP_Transport_1_"), ==, "TLS");
	g_assert_cmpint(tr_store_get_access(store, "SIP_Transport_1_"), ==, TR_ACCESS_RW);
	g_assert_cmpstr(tr_store_get(store, "Proxy_1_"), ==, "b.example.net");
	g_assert_cmpstr(tr_store_get(store, "Display_Name_1_"), ==, "Bob");
	g_assert_cmpuint(g_strv_length(warnings), ==, 1);
	g_assert_nonnull(strstr(warnings[0], "good.xml: line 3, column 3"));
	g_assert_nonnull(strstr(warnings[0], "Unknown_Thing"));
}

static void
test_import_text_with_imports(void)
{
	g_autoptr(TrSchema) schema = schema_for(&models[0]);
	g_autoptr(TrStore) store = tr_store_new(schema, NULL);
	g_autoptr(GHashTable) files =
		g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_bytes_unref);
	g_autoptr(GError) error = NULL;
	const gchar *main_text = "import common/base.txt\nSIP_Transport[2] \"TCP\" ;\n";
	const gchar *base = "Dial_Plan[1] ! \"(xx.)\" ; # the plan\n";

	g_hash_table_insert(files, "prof/common/base.txt", g_bytes_new_static(base, strlen(base)));
	g_assert_true(tr_profile_import(store, (const guint8 *)main_text, strlen(main_text),
					"prof/main.txt", files, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(tr_store_get(store, "Dial_Plan_1_"), ==, "(xx.)");
	g_assert_cmpint(tr_store_get_access(store, "Dial_Plan_1_"), ==, TR_ACCESS_RW);
	g_assert_cmpstr(tr_store_get(store, "SIP_Transport_2_"), ==, "TCP");

	/* a file that was not sent along */
	g_assert_false(tr_profile_import(store, (const guint8 *)main_text, strlen(main_text),
					 "elsewhere/main.txt", files, NULL, &error));
	g_assert_nonnull(strstr(error->message, "elsewhere/common/base.txt"));
}

/* in German: the file names go in front of the positions as in English */
static void
test_import_german(void)
{
	g_autoptr(TrSchema) schema = NULL;
	g_autoptr(TrStore) store = NULL;
	g_autoptr(GHashTable) files = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *bad_main = "import common/base.txt\nSIP_Transport[2] \"TCP\"\n";
	const gchar *good_main = "import common/base.txt\nSIP_Transport[2] \"TCP\" ;\n";
	const gchar *good_base = "Dial_Plan[1] ! \"(xx.)\" ;\n";
	const gchar *bad_base = "Dial_Plan[1] ! \"(xx.)\" ;\nDial_Plan[2] 'x' ;\n";

	if (!g_test_subprocess()) {
		g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
		g_test_trap_assert_passed();
		return;
	}
	tr_test_speak_german();

	schema = schema_for(&models[0]);
	store = tr_store_new(schema, NULL);
	files = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_bytes_unref);
	g_hash_table_insert(files, "prof/common/base.txt",
			    g_bytes_new_static(good_base, strlen(good_base)));

	/* in the main file: its name, then the position */
	g_assert_false(tr_profile_import(store, (const guint8 *)bad_main, strlen(bad_main),
					 "prof/main.txt", files, NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_cmpstr(error->message, ==,
			"prof/main.txt: Zeile 3, Spalte 1: ';' nach dem Wert von SIP_Transport[2] "
			"erwartet, stattdessen das Dateiende");
	g_clear_error(&error);

	/* in an imported file: that file's name, once */
	g_hash_table_insert(files, "prof/common/base.txt",
			    g_bytes_new_static(bad_base, strlen(bad_base)));
	g_assert_false(tr_profile_import(store, (const guint8 *)good_main, strlen(good_main),
					 "prof/main.txt", files, NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_cmpstr(error->message, ==,
			"prof/common/base.txt: Zeile 2, Spalte 14: '!', '?', Wert in "
			"Anführungszeichen oder ';' nach Dial_Plan[2] erwartet, stattdessen \"'\"");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(models); i++) {
		g_autofree gchar *path = g_strdup_printf("/profile/round-trip/%s", models[i].name);
		g_test_add_data_func(path, &models[i], test_round_trip);
	}
	g_test_add_func("/profile/user-export-hides", test_user_export_hides);
	g_test_add_func("/profile/import/all-or-nothing", test_import_all_or_nothing);
	g_test_add_func("/profile/import/text-imports", test_import_text_with_imports);
	g_test_add_func("/profile/import/german", test_import_german);
	return g_test_run();
}
