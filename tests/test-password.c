/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tr-error.h"
#include "tr-password.h"
#include "tr-profile.h"
#include "tr-store.h"

/*
 * The web login passwords: the hash format and its KDF, and the store that
 * keeps Admin_Passwd and User_Password only as hashes.
 */

#define SECRET	"Adm1n pass!"
#define SECRET2 "Us3r pass?"

/* base64 without padding, as the hashes write salt and hash */
static gchar *
b64(const guchar *data, gsize len)
{
	gchar *text = g_base64_encode(data, len);
	g_strdelimit(text, "=", '\0');
	return text;
}

static gchar *
hash_from_hex(guint iterations, const gchar *salt, const gchar *hex)
{
	guchar bytes[32];
	g_autofree gchar *salt_text = b64((const guchar *)salt, strlen(salt));
	g_autofree gchar *hash_text = NULL;

	g_assert_cmpuint(strlen(hex), >=, 64);
	for (guint i = 0; i < sizeof(bytes); i++)
		bytes[i] = (guchar)(g_ascii_xdigit_value(hex[2 * i]) << 4 |
				    g_ascii_xdigit_value(hex[2 * i + 1]));
	hash_text = b64(bytes, sizeof(bytes));
	return g_strdup_printf("$pbkdf2-sha256$%u$%s$%s", iterations, salt_text, hash_text);
}

static void
test_password_round_trip(void)
{
	gint64 start = g_get_monotonic_time();
	g_autofree gchar *hash = tr_password_hash(SECRET);
	gint64 elapsed = g_get_monotonic_time() - start;
	g_autofree gchar *again = tr_password_hash(SECRET);
	g_auto(GStrv) parts = NULL;

	g_test_message("one hash took %" G_GINT64_FORMAT " ms", elapsed / 1000);
	g_assert_nonnull(hash);
	g_assert_true(g_str_has_prefix(hash, TR_PASSWORD_HASH_PREFIX));
	g_assert_true(tr_password_is_hash(hash));
	g_assert_null(strstr(hash, SECRET));

	/* $pbkdf2-sha256$ITERATIONS$SALT$HASH: 16 bytes of salt, 32 of hash */
	parts = g_strsplit(hash, "$", -1);
	g_assert_cmpuint(g_strv_length(parts), ==, 5);
	g_assert_cmpstr(parts[0], ==, "");
	g_assert_cmpstr(parts[1], ==, "pbkdf2-sha256");
	g_assert_cmpuint(g_ascii_strtoull(parts[2], NULL, 10), >=, 100000);
	g_assert_cmpuint(strlen(parts[3]), ==, 22);
	g_assert_cmpuint(strlen(parts[4]), ==, 43);

	g_assert_true(tr_password_verify(hash, SECRET));
	/* a fresh salt every time */
	g_assert_cmpstr(hash, !=, again);
	g_assert_true(tr_password_verify(again, SECRET));
}

static void
test_password_wrong(void)
{
	g_autofree gchar *hash = tr_password_hash(SECRET);
	const gchar *wrong[] = {"",	    "Adm1n pass", "Adm1n pass!!", "adm1n pass!",
				" " SECRET, SECRET2};

	for (guint i = 0; i < G_N_ELEMENTS(wrong); i++)
		g_assert_false(tr_password_verify(hash, wrong[i]));
	/* the hash itself is no password */
	g_assert_false(tr_password_verify(hash, hash));
}

/* empty stored: no password, which only the empty password matches */
static void
test_password_empty(void)
{
	g_assert_true(tr_password_verify("", ""));
	g_assert_true(tr_password_verify(NULL, ""));
	g_assert_false(tr_password_verify("", "x"));
	g_assert_false(tr_password_verify(NULL, SECRET));
	g_assert_false(tr_password_is_hash(""));
	g_assert_false(tr_password_is_hash(NULL));
}

/* RFC 7914 section 11, PBKDF2-HMAC-SHA256 (P="Password", S="NaCl", c=80000);
 * its first 32 bytes are what a 32-byte derivation gives */
static void
test_password_known_vector(void)
{
	g_autofree gchar *hash =
		hash_from_hex(80000, "NaCl",
			      "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
			      "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");

	g_assert_cmpstr(hash, ==,
			"$pbkdf2-sha256$80000$TmFDbA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y");
	g_assert_true(tr_password_is_hash(hash));
	g_assert_true(tr_password_verify(hash, "Password"));
	g_assert_false(tr_password_verify(hash, "password"));
	g_assert_false(tr_password_verify(hash, "Password "));
}

static void
test_password_malformed(void)
{
	/* RFC 7914's first vector (c=1): well formed but for its iterations */
	g_autofree gchar *one_iteration = hash_from_hex(
		1, "salt", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
	g_autofree gchar *good = tr_password_hash(SECRET);
	g_auto(GStrv) parts = g_strsplit(good, "$", -1);
	const gchar *salt = parts[3];
	const gchar *hash = parts[4];
	g_autofree gchar *hash_short = g_strndup(hash, 42);
	g_autofree gchar *hash_long = g_strconcat(hash, "A", NULL);
	g_autofree gchar *hash_padded = g_strconcat(hash, "=", NULL);
	/* the last character of 32 bytes carries 2 unused bits: they must be 0 */
	g_autofree gchar *hash_noncanonical = g_strdup(hash);
	const gchar *bad[] = {
		"plain text",
		"$pbkdf2-sha256$",
		"$pbkdf2-sha256$600000$",
		"$pbkdf2-sha256$600000$c2FsdA",
		"$pbkdf2-sha256$600000$c2FsdA$",
		"$pbkdf2-sha256$$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$0600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$+600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$999$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$10000001$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$99999999999999999999$c2FsdA$TdzY9guYviGDDO5e8icB+"
		"WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$60a000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$600000$$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$600000$c2F!dA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$600000$c2FsdA==$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y$",
		"$pbkdf2-sha256$600000$c2FsdA$TdzY9guYviGDDO5e8icB-WQaRBjQTAQUrv8Ih2s0q1Y",
		"$pbkdf2-sha256$600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y ",
		"$pbkdf2-sha512$600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		"$PBKDF2-SHA256$600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		" $pbkdf2-sha256$600000$c2FsdA$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
		/* a salt of 65 bytes */
		"$pbkdf2-sha256$600000$"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAA$"
		"TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y",
	};
	g_autofree gchar *with_short = NULL;
	g_autofree gchar *with_long = NULL;
	g_autofree gchar *with_padded = NULL;
	g_autofree gchar *with_noncanonical = NULL;
	const gchar *built[4];

	hash_noncanonical[42] = hash[42] == 'A' ? 'B' : (gchar)(hash[42] ^ 1);
	with_short = g_strdup_printf("$pbkdf2-sha256$600000$%s$%s", salt, hash_short);
	with_long = g_strdup_printf("$pbkdf2-sha256$600000$%s$%s", salt, hash_long);
	with_padded = g_strdup_printf("$pbkdf2-sha256$600000$%s$%s", salt, hash_padded);
	with_noncanonical = g_strdup_printf("$pbkdf2-sha256$600000$%s$%s", salt, hash_noncanonical);
	built[0] = with_short;
	built[1] = with_long;
	built[2] = with_padded;
	built[3] = with_noncanonical;

	g_assert_false(tr_password_is_hash(one_iteration));
	g_assert_false(tr_password_verify(one_iteration, "passwd"));
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (tr_password_is_hash(bad[i]))
			g_error("taken for a hash: %s", bad[i]);
		/* what is no hash matches no password, not even itself */
		g_assert_false(tr_password_verify(bad[i], bad[i]));
		g_assert_false(tr_password_verify(bad[i], ""));
	}
	for (guint i = 0; i < G_N_ELEMENTS(built); i++) {
		if (tr_password_is_hash(built[i]))
			g_error("taken for a hash: %s", built[i]);
		g_assert_false(tr_password_verify(built[i], SECRET));
	}
	/* the largest salt and count allowed */
	g_assert_true(tr_password_is_hash("$pbkdf2-sha256$10000000$"
					  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
					  "AAAAAAAAAAAAAAAAAAAAAAAAAAA$"
					  "TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y"));
	g_assert_true(tr_password_is_hash(
		"$pbkdf2-sha256$1000$QQ$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y"));
}

/* the store: Admin_Passwd and User_Password only ever as hashes */

static const gchar *const spa2102_tags[] = {"ata", "router", NULL};

typedef struct {
	TrSchema *schema;
	gchar *dir;
	gchar *path;
	TrStore *store;
	guint n_changed;
} Fixture;

static void
on_changed(TrStore *store, const gchar *const *names, gpointer user_data)
{
	Fixture *f = user_data;
	f->n_changed++;
}

static void
fixture_set_up(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = tr_schema_new_default(&error);

	g_assert_no_error(error);
	f->schema = tr_schema_new_for_model(tmpl, 2, spa2102_tags, &error);
	g_assert_no_error(error);
	f->dir = g_dir_make_tmp("tipring-test-password-XXXXXX", &error);
	g_assert_no_error(error);
	f->path = g_build_filename(f->dir, "config.ini", NULL);
	f->store = tr_store_new(f->schema, f->path);
	g_assert_true(tr_store_load(f->store, &error));
	g_assert_no_error(error);
	g_signal_connect(f->store, "changed", G_CALLBACK(on_changed), f);
}

static void
fixture_tear_down(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(f->dir, name, NULL);
		g_assert_cmpint(g_unlink(child), ==, 0);
	}
	g_assert_cmpint(g_rmdir(f->dir), ==, 0);
	g_clear_object(&f->store);
	g_clear_object(&f->schema);
	g_free(f->dir);
	g_free(f->path);
}

static void
set_ok(TrStore *store, const gchar *name, const gchar *value)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(tr_store_set(store, name, value, &error));
	g_assert_no_error(error);
}

static gchar *
file_contents(const gchar *path)
{
	gchar *contents = NULL;
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	return contents;
}

static void
test_store_hashes_on_set(Fixture *f, gconstpointer user_data)
{
	g_autofree gchar *contents = NULL;
	g_autofree gchar *first = NULL;
	g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(TrStore) again = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(tr_schema_lookup(f->schema, "Admin_Passwd")->hashed);
	g_assert_true(tr_schema_lookup(f->schema, "User_Password")->hashed);
	/* what the protocols need stays as it is */
	g_assert_false(tr_schema_lookup(f->schema, "Password_1_")->hashed);
	g_assert_false(tr_schema_lookup(f->schema, "PPPOE_Login_Password")->hashed);

	set_ok(f->store, "Admin_Passwd", SECRET);
	first = g_strdup(tr_store_get(f->store, "Admin_Passwd"));
	g_assert_true(tr_password_is_hash(first));
	g_assert_true(tr_password_verify(first, SECRET));
	g_assert_cmpuint(f->n_changed, ==, 1);

	/* the same password again: the same hash, no change */
	set_ok(f->store, "Admin_Passwd", "  " SECRET " ");
	g_assert_cmpstr(tr_store_get(f->store, "Admin_Passwd"), ==, first);
	g_assert_cmpuint(f->n_changed, ==, 1);

	/* set_many and apply hash too, and leave the SIP password alone */
	g_hash_table_insert(values, "User_Password", SECRET2);
	g_hash_table_insert(values, "Password_1_", SECRET2);
	g_assert_true(tr_store_set_many(f->store, values, &error));
	g_assert_no_error(error);
	g_assert_true(tr_password_verify(tr_store_get(f->store, "User_Password"), SECRET2));
	g_assert_cmpstr(tr_store_get(f->store, "Password_1_"), ==, SECRET2);

	/* the file holds the hashes, never the clear text of a login password */
	contents = file_contents(f->path);
	g_assert_null(strstr(contents, SECRET));
	g_assert_nonnull(strstr(contents, "\nAdmin_Passwd=$pbkdf2-sha256$"));
	g_assert_nonnull(strstr(contents, "\nUser_Password=$pbkdf2-sha256$"));
	g_assert_nonnull(strstr(contents, "\nPassword_1_=" SECRET2 "\n"));

	/* and are read back as they are */
	again = tr_store_new(f->schema, f->path);
	g_assert_true(tr_store_load(again, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(tr_store_get(again, "Admin_Passwd"), ==, first);

	/* another password: another hash; empty: no password */
	set_ok(f->store, "Admin_Passwd", SECRET2);
	g_assert_cmpstr(tr_store_get(f->store, "Admin_Passwd"), !=, first);
	g_assert_true(tr_password_verify(tr_store_get(f->store, "Admin_Passwd"), SECRET2));
	g_assert_false(tr_password_verify(tr_store_get(f->store, "Admin_Passwd"), SECRET));
	set_ok(f->store, "Admin_Passwd", "");
	g_assert_cmpstr(tr_store_get(f->store, "Admin_Passwd"), ==, "");
	g_assert_true(tr_store_is_default(f->store, "Admin_Passwd"));
	g_assert_true(tr_password_verify(tr_store_get(f->store, "Admin_Passwd"), ""));
}

static void
test_store_refuses(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *long_clear = g_strnfill(64, 'x');
	const gchar *malformed = "$pbkdf2-sha256$600000$c2FsdA$secret-looking";

	/* what starts like a hash must be one, and the message hides it */
	g_assert_false(tr_store_set(f->store, "Admin_Passwd", malformed, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_nonnull(strstr(error->message, "Admin_Passwd"));
	g_assert_nonnull(strstr(error->message, "$pbkdf2-sha256$ITERATIONS$SALT$HASH"));
	g_assert_null(strstr(error->message, "secret-looking"));
	g_clear_error(&error);

	/* clear text keeps its limit; only hashes may be longer */
	g_assert_false(tr_store_set(f->store, "User_Password", long_clear, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_clear_error(&error);
	g_assert_true(tr_store_is_default(f->store, "Admin_Passwd"));
	g_assert_true(tr_store_is_default(f->store, "User_Password"));
	g_assert_cmpuint(f->n_changed, ==, 0);

	/* a SIP password may look like anything */
	set_ok(f->store, "Password_2_", malformed);
	g_assert_cmpstr(tr_store_get(f->store, "Password_2_"), ==, malformed);
}

/* an admin export carries the hash, and imports back unchanged */
static void
test_store_export_import(Fixture *f, gconstpointer user_data)
{
	const TrProfileFormat formats[] = {TR_PROFILE_FORMAT_XML, TR_PROFILE_FORMAT_TEXT};
	const gchar *hash;

	set_ok(f->store, "Admin_Passwd", SECRET);
	set_ok(f->store, "User_Password", SECRET2);
	hash = tr_store_get(f->store, "Admin_Passwd");

	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_autoptr(GError) error = NULL;
		g_auto(GStrv) warnings = NULL;
		g_autoptr(TrStore) copy = tr_store_new(f->schema, NULL);
		g_autofree gchar *admin =
			tr_profile_export(f->store, formats[i], TR_PROFILE_LEVEL_ADMIN, "test");
		g_autofree gchar *user =
			tr_profile_export(f->store, formats[i], TR_PROFILE_LEVEL_USER, "test");

		g_assert_nonnull(strstr(admin, hash));
		g_assert_null(strstr(admin, SECRET));
		g_assert_null(strstr(admin, SECRET2));
		g_assert_null(strstr(user, "$pbkdf2-sha256$"));

		g_assert_true(tr_profile_import(copy, (const guint8 *)admin, strlen(admin),
						"export", NULL, &warnings, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(g_strv_length(warnings), ==, 0);
		g_assert_cmpstr(tr_store_get(copy, "Admin_Passwd"), ==, hash);
		g_assert_cmpstr(tr_store_get(copy, "User_Password"), ==,
				tr_store_get(f->store, "User_Password"));
		g_assert_true(tr_password_verify(tr_store_get(copy, "User_Password"), SECRET2));
	}
}

/* a configuration saved before tipring hashed: hashed on load, file rewritten */
static void
test_store_legacy_clear_text(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrStore) store = tr_store_new(f->schema, f->path);
	g_autofree gchar *contents = NULL;
	g_autofree gchar *legacy = g_strdup_printf("[tipring]\nversion=1\n[values]\n"
						   "Admin_Passwd=%s\nPassword_1_=%s\n",
						   SECRET, SECRET2);

	g_assert_true(g_file_set_contents(f->path, legacy, -1, &error));
	g_assert_no_error(error);
	g_assert_true(tr_store_load(store, &error));
	g_assert_no_error(error);
	g_assert_true(tr_password_verify(tr_store_get(store, "Admin_Passwd"), SECRET));
	g_assert_cmpstr(tr_store_get(store, "Password_1_"), ==, SECRET2);

	contents = file_contents(f->path);
	g_assert_null(strstr(contents, SECRET));
	g_assert_nonnull(strstr(contents, "\nAdmin_Passwd=$pbkdf2-sha256$"));
	g_assert_nonnull(strstr(contents, "\nPassword_1_=" SECRET2 "\n"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/password/round-trip", test_password_round_trip);
	g_test_add_func("/password/wrong", test_password_wrong);
	g_test_add_func("/password/empty", test_password_empty);
	g_test_add_func("/password/known-vector", test_password_known_vector);
	g_test_add_func("/password/malformed", test_password_malformed);
	g_test_add("/password/store/hashes-on-set", Fixture, NULL, fixture_set_up,
		   test_store_hashes_on_set, fixture_tear_down);
	g_test_add("/password/store/refuses", Fixture, NULL, fixture_set_up, test_store_refuses,
		   fixture_tear_down);
	g_test_add("/password/store/export-import", Fixture, NULL, fixture_set_up,
		   test_store_export_import, fixture_tear_down);
	g_test_add("/password/store/legacy-clear-text", Fixture, NULL, fixture_set_up,
		   test_store_legacy_clear_text, fixture_tear_down);
	return g_test_run();
}
