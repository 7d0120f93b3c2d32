/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tr-error.h"
#include "tr-store.h"

/* the SPA2102 as its backend declares it: 2 lines, tags ata and router */
static const gchar *const spa2102_tags[] = {"ata", "router", NULL};
static TrSchema *spa2102_schema;

/*
 * Every log message of the process passes here. A test may name a text that
 * must never appear in one (a password), and may record warnings instead of
 * having them abort the test.
 */
static const gchar *log_forbidden;
static guint log_forbidden_hits;
static guint log_seen;
static GPtrArray *log_warnings;

static void
log_check(const gchar *text)
{
	if (log_forbidden != NULL && text != NULL && strstr(text, log_forbidden) != NULL)
		log_forbidden_hits++;
}

static void
test_log_handler(const gchar *log_domain, GLogLevelFlags log_level, const gchar *message,
		 gpointer user_data)
{
	log_seen++;
	log_check(log_domain);
	log_check(message);
	if (log_warnings != NULL && (log_level & G_LOG_LEVEL_WARNING) != 0) {
		g_ptr_array_add(log_warnings, g_strdup(message));
		return;
	}
	g_log_default_handler(log_domain, log_level, message, NULL);
}

static GLogWriterOutput
test_log_writer(GLogLevelFlags log_level, const GLogField *fields, gsize n_fields,
		gpointer user_data)
{
	for (gsize i = 0; i < n_fields; i++) {
		g_autofree gchar *value = NULL;

		if (fields[i].length < 0) {
			log_check(fields[i].value);
			continue;
		}
		value = g_strndup(fields[i].value, fields[i].length);
		log_check(value);
	}
	return g_log_writer_default(log_level, fields, n_fields, user_data);
}

/* recorded warnings are expected; everything else fatal stays fatal */
static gboolean
test_log_fatal_handler(const gchar *log_domain, GLogLevelFlags log_level, const gchar *message,
		       gpointer user_data)
{
	return !(log_warnings != NULL && (log_level & G_LOG_LEVEL_WARNING) != 0);
}

typedef struct {
	TrSchema *schema;
	gchar *dir;
	gchar *path;
	TrStore *store;
	GPtrArray *changes; /* one GStrv per ::changed */
} Fixture;

static void
on_changed(TrStore *store, const gchar *const *names, gpointer user_data)
{
	Fixture *f = user_data;
	g_ptr_array_add(f->changes, g_strdupv((gchar **)names));
}

static TrStore *
open_store(Fixture *f, const gchar *path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrStore) store = tr_store_new(f->schema, path);

	g_assert_true(tr_store_load(store, &error));
	g_assert_no_error(error);
	return g_steal_pointer(&store);
}

static void
fixture_set_up(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;

	/* GLib resets this one before every test */
	g_test_log_set_fatal_handler(test_log_fatal_handler, NULL);
	f->schema = g_object_ref(spa2102_schema);
	f->dir = g_dir_make_tmp("tipring-test-store-XXXXXX", &error);
	g_assert_no_error(error);
	f->path = g_build_filename(f->dir, "config.ini", NULL);
	f->changes = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	f->store = open_store(f, f->path);
	g_signal_connect(f->store, "changed", G_CALLBACK(on_changed), f);
}

static void
remove_tree(const gchar *path)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const gchar *name;

		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			remove_tree(child);
		}
		g_assert_cmpint(g_rmdir(path), ==, 0);
		return;
	}
	g_assert_cmpint(g_unlink(path), ==, 0);
}

static void
fixture_tear_down(Fixture *f, gconstpointer user_data)
{
	g_clear_object(&f->store);
	remove_tree(f->dir);
	g_clear_pointer(&f->path, g_free);
	g_clear_pointer(&f->dir, g_free);
	g_clear_pointer(&f->changes, g_ptr_array_unref);
	g_clear_object(&f->schema);
	log_forbidden = NULL;
	g_clear_pointer(&log_warnings, g_ptr_array_unref);
}

/* a NULL-terminated list of name, value pairs */
static GHashTable *
pairs_new(const gchar *first, ...)
{
	GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	va_list args;

	va_start(args, first);
	for (const gchar *name = first; name != NULL; name = va_arg(args, const gchar *))
		g_hash_table_insert(table, g_strdup(name), g_strdup(va_arg(args, const gchar *)));
	va_end(args);
	return table;
}

static void
assert_changed(Fixture *f, const gchar *const *expected)
{
	const gchar *const *names;

	if (f->changes->len != 1)
		g_error("::changed emitted %u times, expected once", f->changes->len);
	names = g_ptr_array_index(f->changes, 0);
	if (!g_strv_equal(names, expected)) {
		g_autofree gchar *got = g_strjoinv(",", (gchar **)names);
		g_autofree gchar *want = g_strjoinv(",", (gchar **)expected);
		g_error("::changed named %s, expected %s", got, want);
	}
	g_ptr_array_set_size(f->changes, 0);
}

static void
assert_not_changed(Fixture *f)
{
	g_assert_cmpuint(f->changes->len, ==, 0);
}

static void
set_ok(TrStore *store, const gchar *name, const gchar *value)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(tr_store_set(store, name, value, &error));
	g_assert_no_error(error);
}

/* what a file is: enough to tell whether it was written again */
typedef struct {
	gboolean exists;
	gchar *contents;
	gsize length;
	struct stat st;
} FileState;

static void
file_state_free(FileState *state)
{
	g_free(state->contents);
	g_free(state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FileState, file_state_free)

static FileState *
file_state_new(const gchar *path)
{
	FileState *state = g_new0(FileState, 1);

	state->exists = g_stat(path, &state->st) == 0;
	if (state->exists)
		g_assert_true(g_file_get_contents(path, &state->contents, &state->length, NULL));
	return state;
}

static void
assert_file_untouched(const FileState *before, const gchar *path)
{
	g_autoptr(FileState) after = file_state_new(path);

	g_assert_cmpint(after->exists, ==, before->exists);
	if (!before->exists)
		return;
	g_assert_cmpmem(after->contents, after->length, before->contents, before->length);
	/* saving renames a new file over the old one: a new inode */
	g_assert_cmpuint(after->st.st_ino, ==, before->st.st_ino);
	g_assert_cmpint(after->st.st_mtim.tv_sec, ==, before->st.st_mtim.tv_sec);
	g_assert_cmpint(after->st.st_mtim.tv_nsec, ==, before->st.st_mtim.tv_nsec);
}

static GKeyFile *
read_key_file(const gchar *path)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error));
	g_assert_no_error(error);
	return g_steal_pointer(&kf);
}

static void
assert_key(GKeyFile *kf, const gchar *group, const gchar *key, const gchar *expected)
{
	g_autofree gchar *value = g_key_file_get_string(kf, group, key, NULL);
	g_assert_cmpstr(value, ==, expected);
}

static void
write_file(const gchar *path, const gchar *contents, gssize length)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_set_contents(path, contents, length, &error));
	g_assert_no_error(error);
}

static void
assert_all_default(TrStore *store)
{
	GPtrArray *params = tr_schema_get_params(tr_store_get_schema(store));

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);

		g_assert_cmpstr(tr_store_get(store, param->name), ==, param->default_value);
		g_assert_true(tr_store_is_default(store, param->name));
		g_assert_cmpint(tr_store_get_access(store, param->name), ==, param->access);
	}
}

/* both stores hold the same values and access levels */
static void
assert_stores_equal(TrStore *a, TrStore *b)
{
	GPtrArray *params = tr_schema_get_params(tr_store_get_schema(a));

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);

		g_assert_cmpstr(tr_store_get(a, param->name), ==, tr_store_get(b, param->name));
		g_assert_cmpint(tr_store_is_default(a, param->name), ==,
				tr_store_is_default(b, param->name));
		g_assert_cmpint(tr_store_get_access(a, param->name), ==,
				tr_store_get_access(b, param->name));
	}
}

static void
test_store_defaults(Fixture *f, gconstpointer user_data)
{
	g_assert_true(tr_store_get_schema(f->store) == f->schema);
	g_assert_cmpstr(tr_store_get_path(f->store), ==, f->path);
	assert_all_default(f->store);
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport_1_"), ==, "UDP");
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Port_1_"), ==, "5060");
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Port_2_"), ==, "5061");
	g_assert_cmpstr(tr_store_get(f->store, "SIP_T1"), ==, ".5");
	g_assert_cmpstr(tr_store_get(f->store, "Proxy_1_"), ==, "");
	g_assert_cmpstr(tr_store_get(f->store, "Profile_Rule"), ==, "/spa$PSN.cfg");
	g_assert_cmpint(tr_store_get_access(f->store, "User_Password"), ==, TR_ACCESS_RW);
	g_assert_cmpint(tr_store_get_access(f->store, "Admin_Passwd"), ==, TR_ACCESS_NA);

	/* not on this model, or not at all */
	g_assert_null(tr_store_get(f->store, "SIP_Port_3_"));
	g_assert_null(tr_store_get(f->store, "Phone-UI-readonly"));
	g_assert_null(tr_store_get(f->store, "No_Such_Param"));
	g_assert_false(tr_store_is_default(f->store, "No_Such_Param"));
	g_assert_cmpint(tr_store_get_access(f->store, "No_Such_Param"), ==, TR_ACCESS_NA);

	/* loading without a file changes nothing and writes nothing */
	g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
	assert_not_changed(f);
}

static void
test_store_typed_getters(Fixture *f, gconstpointer user_data)
{
	g_assert_true(tr_store_get_bool(f->store, "Line_Enable_1_"));
	g_assert_false(tr_store_get_bool(f->store, "Use_Outbound_Proxy_1_"));
	g_assert_cmpint(tr_store_get_int(f->store, "SIP_Port_1_"), ==, 5060);
	g_assert_cmpint(tr_store_get_int(f->store, "SIP_Port[2]"), ==, 5061);
	g_assert_cmpint(tr_store_get_int(f->store, "Register_Expires_1_"), ==, 3600);
	g_assert_cmpint(tr_store_get_int(f->store, "SIP_TOS_DiffServ_Value_1_"), ==, 0x68);
	g_assert_cmpint(tr_store_get_int(f->store, "RTP_TOS_DiffServ_Value_2_"), ==, 0xb8);
	g_assert_cmpint(tr_store_get_int(f->store, "INVITE_Expires"), ==, 240);
	g_assert_cmpfloat(tr_store_get_double(f->store, "SIP_T1"), ==, 0.5);
	g_assert_cmpfloat(tr_store_get_double(f->store, "SIP_Timer_B"), ==, 16);
	g_assert_cmpfloat_with_epsilon(tr_store_get_double(f->store, "RTP_Packet_Size"), 0.03,
				       1e-9);
	/* empty, unknown: zero and no */
	g_assert_cmpint(tr_store_get_int(f->store, "Proxy_1_"), ==, 0);
	g_assert_cmpint(tr_store_get_int(f->store, "No_Such_Param"), ==, 0);
	g_assert_false(tr_store_get_bool(f->store, "No_Such_Param"));
	g_assert_cmpfloat(tr_store_get_double(f->store, "No_Such_Param"), ==, 0);

	set_ok(f->store, "Line_Enable_1_", "off");
	set_ok(f->store, "Use_Outbound_Proxy_1_", "1");
	set_ok(f->store, "SIP_Port_1_", "5070");
	set_ok(f->store, "SIP_TOS_DiffServ_Value_1_", "0xB8");
	set_ok(f->store, "RTP_TOS_DiffServ_Value_2_", "16");
	set_ok(f->store, "SIP_T1", "1.25");
	set_ok(f->store, "INVITE_Expires", "2147483647");
	g_assert_false(tr_store_get_bool(f->store, "Line_Enable_1_"));
	g_assert_cmpstr(tr_store_get(f->store, "Line_Enable_1_"), ==, "no");
	g_assert_true(tr_store_get_bool(f->store, "Use_Outbound_Proxy_1_"));
	g_assert_cmpint(tr_store_get_int(f->store, "SIP_Port_1_"), ==, 5070);
	g_assert_cmpstr(tr_store_get(f->store, "SIP_TOS_DiffServ_Value_1_"), ==, "0xb8");
	g_assert_cmpint(tr_store_get_int(f->store, "SIP_TOS_DiffServ_Value_1_"), ==, 0xb8);
	g_assert_cmpstr(tr_store_get(f->store, "RTP_TOS_DiffServ_Value_2_"), ==, "0x10");
	g_assert_cmpint(tr_store_get_int(f->store, "RTP_TOS_DiffServ_Value_2_"), ==, 16);
	g_assert_cmpfloat(tr_store_get_double(f->store, "SIP_T1"), ==, 1.25);
	g_assert_cmpint(tr_store_get_int(f->store, "INVITE_Expires"), ==, G_MAXINT32);
}

static void
test_store_set(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	const gchar *expected[] = {"SIP_Transport_1_", NULL};

	set_ok(f->store, "SIP_Transport_1_", "tcp");
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport_1_"), ==, "TCP");
	g_assert_false(tr_store_is_default(f->store, "SIP_Transport_1_"));
	g_assert_true(tr_store_is_default(f->store, "SIP_Transport_2_"));
	assert_changed(f, expected);

	kf = read_key_file(f->path);
	g_assert_cmpint(g_key_file_get_integer(kf, "tipring", "version", NULL), ==, 1);
	assert_key(kf, "values", "SIP_Transport_1_", "TCP");
	g_assert_false(g_key_file_has_key(kf, "values", "SIP_Transport_2_", NULL));
	g_clear_pointer(&kf, g_key_file_unref);

	/* a refused value changes nothing */
	g_assert_false(tr_store_set(f->store, "SIP_Transport_1_", "SCTP", &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_nonnull(strstr(error->message, "SIP_Transport_1_"));
	g_assert_nonnull(strstr(error->message, "one of UDP, TCP, TLS"));
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport_1_"), ==, "TCP");
	assert_not_changed(f);
	g_clear_error(&error);

	g_assert_false(tr_store_set(f->store, "SIP_Transport_3_", "TCP", &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_UNKNOWN_PARAMETER);
	g_assert_nonnull(strstr(error->message, "SIP_Transport_3_"));
	assert_not_changed(f);
}

static void
test_store_set_many(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) values = pairs_new(
		/* given in no particular order */
		"Dial_Plan_2_", "(xx.)", "Proxy_1_", "sip.example.com:5060", "SIP_Transport[2]",
		"tls", "Display_Name_1_", "Alice", "Debug_Level", "3", "Enable_Web_Server", "no",
		"SIP_Port_1_", "5060", /* already so */
		NULL);
	/* schema order: globals first, then line 1, then line 2 */
	const gchar *expected[] = {
		"Enable_Web_Server", "Debug_Level",  "Proxy_1_", "Display_Name_1_",
		"SIP_Transport_2_",  "Dial_Plan_2_", NULL};
	g_autoptr(GHashTable) empty = g_hash_table_new(g_str_hash, g_str_equal);

	g_assert_true(tr_store_set_many(f->store, values, &error));
	g_assert_no_error(error);
	assert_changed(f, expected);
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport_2_"), ==, "TLS");
	g_assert_cmpstr(tr_store_get(f->store, "Proxy_1_"), ==, "sip.example.com:5060");
	g_assert_cmpint(tr_store_get_int(f->store, "Debug_Level"), ==, 3);
	g_assert_true(tr_store_is_default(f->store, "SIP_Port_1_"));

	/* nothing to do: no signal */
	g_assert_true(tr_store_set_many(f->store, empty, &error));
	g_assert_no_error(error);
	g_assert_true(tr_store_apply(f->store, NULL, NULL, &error));
	g_assert_no_error(error);
	assert_not_changed(f);
}

/* one bad value among good ones: nothing at all happens */
static void
test_store_set_many_atomic(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) values = NULL;
	g_autoptr(FileState) before = NULL;
	g_autoptr(TrStore) copy = NULL;
	g_auto(GStrv) lines = NULL;

	set_ok(f->store, "Proxy_1_", "old.example.com");
	set_ok(f->store, "Display_Name_2_", "Bob");
	g_ptr_array_set_size(f->changes, 0);
	before = file_state_new(f->path);
	g_assert_true(before->exists);

	values = pairs_new("Proxy_1_", "new.example.com", "SIP_Port_1_", "99999", "Display_Name_2_",
			   "Carol", "SIP_Transport_2_", "SCTP", "Dial_Plan_1_", "(xx.)",
			   "Debug_Level", "3", "Password_1_", "Tr0ub4dor\x01", NULL);
	g_assert_false(tr_store_set_many(f->store, values, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);

	/* every bad one, one per line, in a stable order; no good one */
	lines = g_strsplit(error->message, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 3);
	g_assert_nonnull(strstr(lines[0], "Password_1_"));
	g_assert_nonnull(strstr(lines[1], "SIP_Port_1_"));
	g_assert_nonnull(strstr(lines[1], "'99999'"));
	g_assert_nonnull(strstr(lines[1], "from 1 to 65535"));
	g_assert_nonnull(strstr(lines[2], "SIP_Transport_2_"));
	g_assert_nonnull(strstr(lines[2], "one of UDP, TCP, TLS"));
	g_assert_null(strstr(error->message, "Tr0ub4dor"));
	g_assert_null(strstr(error->message, "Proxy_1_"));
	g_assert_null(strstr(error->message, "Dial_Plan_1_"));
	g_assert_null(strstr(error->message, "Debug_Level"));

	/* nothing changed: values, signal, file */
	g_assert_cmpstr(tr_store_get(f->store, "Proxy_1_"), ==, "old.example.com");
	g_assert_cmpstr(tr_store_get(f->store, "Display_Name_2_"), ==, "Bob");
	g_assert_true(tr_store_is_default(f->store, "Dial_Plan_1_"));
	g_assert_true(tr_store_is_default(f->store, "Debug_Level"));
	g_assert_true(tr_store_is_default(f->store, "Password_1_"));
	assert_not_changed(f);
	assert_file_untouched(before, f->path);
	copy = open_store(f, f->path);
	assert_stores_equal(f->store, copy);
	g_clear_error(&error);
	g_clear_pointer(&lines, g_strfreev);
	g_clear_pointer(&values, g_hash_table_unref);

	/* an unknown name among good ones */
	values = pairs_new("Proxy_1_", "new.example.com", "No_Such_Param", "1", "SIP_Port_3_",
			   "5062", NULL);
	g_assert_false(tr_store_set_many(f->store, values, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_UNKNOWN_PARAMETER);
	lines = g_strsplit(error->message, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 2);
	g_assert_nonnull(strstr(lines[0], "'No_Such_Param'"));
	g_assert_nonnull(strstr(lines[1], "'SIP_Port_3_'"));
	g_assert_cmpstr(tr_store_get(f->store, "Proxy_1_"), ==, "old.example.com");
	assert_not_changed(f);
	assert_file_untouched(before, f->path);
	g_clear_error(&error);
	g_clear_pointer(&lines, g_strfreev);
	g_clear_pointer(&values, g_hash_table_unref);

	/* unknown and invalid together: both reported */
	values = pairs_new("Proxy_1_", "bad..host", "Xyz", "1", NULL);
	g_assert_false(tr_store_set_many(f->store, values, &error));
	g_assert_true(g_error_matches(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER) ||
		      g_error_matches(error, TR_ERROR, TR_ERROR_UNKNOWN_PARAMETER));
	lines = g_strsplit(error->message, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 2);
	g_assert_nonnull(strstr(error->message, "bad..host"));
	g_assert_nonnull(strstr(error->message, "'Xyz'"));
	assert_not_changed(f);
	assert_file_untouched(before, f->path);
}

static void
test_store_bracket_names(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GKeyFile) kf = NULL;
	g_auto(GStrv) keys = NULL;
	g_autoptr(GHashTable) access = pairs_new("Proxy[2]", "rw", NULL);
	g_autoptr(GError) error = NULL;
	const gchar *expected2[] = {"SIP_Transport_2_", NULL};
	const gchar *expected1[] = {"SIP_Transport_1_", NULL};
	const gchar *expected_access[] = {"Proxy_2_", NULL};

	set_ok(f->store, "SIP_Transport[2]", "tls");
	assert_changed(f, expected2);
	set_ok(f->store, "SIP Transport{1}", "TCP");
	assert_changed(f, expected1);
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport_2_"), ==, "TLS");
	g_assert_cmpstr(tr_store_get(f->store, "SIP_Transport[2]"), ==, "TLS");
	g_assert_cmpstr(tr_store_get(f->store, " SIP_Transport_1_ "), ==, "TCP");
	g_assert_false(tr_store_is_default(f->store, "SIP_Transport(1)"));

	g_assert_true(tr_store_apply(f->store, NULL, access, &error));
	g_assert_no_error(error);
	assert_changed(f, expected_access);
	g_assert_cmpint(tr_store_get_access(f->store, "Proxy[2]"), ==, TR_ACCESS_RW);

	/* the file uses element names only */
	kf = read_key_file(f->path);
	g_assert_true(g_key_file_has_key(kf, "values", "SIP_Transport_2_", NULL));
	g_assert_true(g_key_file_has_key(kf, "values", "SIP_Transport_1_", NULL));
	g_assert_true(g_key_file_has_key(kf, "access", "Proxy_2_", NULL));
	keys = g_key_file_get_keys(kf, "values", NULL, NULL);
	g_assert_cmpuint(g_strv_length(keys), ==, 2);
}

/* a value that is already so: no signal, no write */
static void
test_store_unchanged(Fixture *f, gconstpointer user_data)
{
	g_autoptr(FileState) before = NULL;
	g_autoptr(GHashTable) same = NULL;
	g_autoptr(GHashTable) access = pairs_new("Proxy_1_", "ro", NULL);
	const gchar *expected[] = {"SIP_Transport_1_", NULL};

	/* defaults, spelled differently, on a store that was never saved */
	set_ok(f->store, "SIP_Transport_1_", "udp");
	set_ok(f->store, "SIP_T1", "0.50");
	set_ok(f->store, "RTP_Packet_Size", "0.030");
	set_ok(f->store, "SIP_TOS_DiffServ_Value_1_", "104");
	set_ok(f->store, "Line_Enable_2_", "TRUE");
	assert_not_changed(f);
	g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
	g_assert_true(tr_store_is_default(f->store, "RTP_Packet_Size"));

	set_ok(f->store, "SIP_Transport_1_", "TCP");
	assert_changed(f, expected);
	g_assert_true(tr_store_apply(f->store, NULL, access, NULL));
	g_ptr_array_set_size(f->changes, 0);
	before = file_state_new(f->path);

	/* the rename of a save would show in the inode even within one mtime tick */
	set_ok(f->store, "SIP_Transport_1_", "TCP");
	set_ok(f->store, "SIP_Transport_1_", " tcp ");
	same = pairs_new("SIP_Transport[1]", "Tcp", "SIP_Port_1_", "5060", "Line_Enable_1_", "yes",
			 NULL);
	g_assert_true(tr_store_set_many(f->store, same, NULL));
	g_assert_true(tr_store_apply(f->store, NULL, access, NULL));
	assert_not_changed(f);
	assert_file_untouched(before, f->path);
}

/* a value set back to its default leaves the file */
static void
test_store_back_to_default(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GKeyFile) kf = NULL;
	const gchar *expected_proxy[] = {"Proxy_1_", NULL};
	const gchar *expected_port[] = {"SIP_Port_2_", NULL};

	set_ok(f->store, "Proxy_1_", "sip.example.com");
	set_ok(f->store, "SIP_Port_2_", "5070");
	g_ptr_array_set_size(f->changes, 0);
	kf = read_key_file(f->path);
	g_assert_true(g_key_file_has_key(kf, "values", "Proxy_1_", NULL));
	g_assert_true(g_key_file_has_key(kf, "values", "SIP_Port_2_", NULL));
	g_clear_pointer(&kf, g_key_file_unref);

	set_ok(f->store, "Proxy_1_", "");
	assert_changed(f, expected_proxy);
	g_assert_true(tr_store_is_default(f->store, "Proxy_1_"));
	/* line 2's default is its own, 5061 */
	set_ok(f->store, "SIP_Port_2_", "5061");
	assert_changed(f, expected_port);
	g_assert_true(tr_store_is_default(f->store, "SIP_Port_2_"));

	kf = read_key_file(f->path);
	g_assert_false(g_key_file_has_key(kf, "values", "Proxy_1_", NULL));
	g_assert_false(g_key_file_has_key(kf, "values", "SIP_Port_2_", NULL));
	g_assert_cmpint(g_key_file_get_integer(kf, "tipring", "version", NULL), ==, 1);
}

static void
test_store_access(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) access = NULL;
	g_autoptr(GHashTable) values = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	g_autoptr(FileState) before = NULL;
	const gchar *expected[] = {"User_Password", "Proxy_1_", "Password_1_", NULL};
	const gchar *expected_back[] = {"User_Password", "Proxy_1_", NULL};
	const gchar *expected_both[] = {"Display_Name_1_", "User_ID_1_", NULL};

	access = pairs_new("Password_1_", "ro", "Proxy_1_", "rw", "User_Password", "na", NULL);
	g_assert_true(tr_store_apply(f->store, NULL, access, &error));
	g_assert_no_error(error);
	assert_changed(f, expected);
	g_assert_cmpint(tr_store_get_access(f->store, "Proxy_1_"), ==, TR_ACCESS_RW);
	g_assert_cmpint(tr_store_get_access(f->store, "Password_1_"), ==, TR_ACCESS_RO);
	g_assert_cmpint(tr_store_get_access(f->store, "User_Password"), ==, TR_ACCESS_NA);
	g_assert_cmpint(tr_store_get_access(f->store, "Proxy_2_"), ==, TR_ACCESS_NA);
	/* access is not a value */
	g_assert_true(tr_store_is_default(f->store, "Proxy_1_"));
	kf = read_key_file(f->path);
	assert_key(kf, "access", "Proxy_1_", "rw");
	assert_key(kf, "access", "Password_1_", "ro");
	assert_key(kf, "access", "User_Password", "na");
	g_assert_false(g_key_file_has_group(kf, "values"));
	g_clear_pointer(&kf, g_key_file_unref);
	g_clear_pointer(&access, g_hash_table_unref);

	/* bad levels and names: refused, nothing changes */
	before = file_state_new(f->path);
	access = pairs_new("Proxy_1_", "admin", "Proxy_2_", "rw", NULL);
	g_assert_false(tr_store_apply(f->store, NULL, access, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_nonnull(strstr(error->message, "'admin'"));
	g_assert_nonnull(strstr(error->message, "Proxy_1_"));
	g_assert_nonnull(strstr(error->message, "na, ro or rw"));
	g_assert_null(strstr(error->message, "Proxy_2_"));
	g_assert_cmpint(tr_store_get_access(f->store, "Proxy_2_"), ==, TR_ACCESS_NA);
	g_clear_error(&error);
	g_clear_pointer(&access, g_hash_table_unref);
	access = pairs_new("Proxy_1_", "RW", NULL);
	g_assert_false(tr_store_apply(f->store, NULL, access, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_clear_error(&error);
	g_clear_pointer(&access, g_hash_table_unref);
	access = pairs_new("No_Such_Param", "rw", NULL);
	g_assert_false(tr_store_apply(f->store, NULL, access, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_UNKNOWN_PARAMETER);
	g_assert_nonnull(strstr(error->message, "No_Such_Param"));
	g_clear_error(&error);
	g_clear_pointer(&access, g_hash_table_unref);
	/* a bad level spoils good values in the same apply */
	values = pairs_new("Display_Name_1_", "Alice", NULL);
	access = pairs_new("Proxy_2_", "xx", NULL);
	g_assert_false(tr_store_apply(f->store, values, access, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_true(tr_store_is_default(f->store, "Display_Name_1_"));
	g_clear_error(&error);
	g_clear_pointer(&access, g_hash_table_unref);
	g_clear_pointer(&values, g_hash_table_unref);
	g_assert_cmpint(tr_store_get_access(f->store, "Proxy_1_"), ==, TR_ACCESS_RW);
	assert_not_changed(f);
	assert_file_untouched(before, f->path);

	/* the same levels again: nothing to do */
	access = pairs_new("Proxy_1_", "rw", "Password_1_", "ro", NULL);
	g_assert_true(tr_store_apply(f->store, NULL, access, &error));
	g_assert_no_error(error);
	assert_not_changed(f);
	assert_file_untouched(before, f->path);
	g_clear_pointer(&access, g_hash_table_unref);

	/* back to the schema's level: out of the file */
	access = pairs_new("Proxy_1_", "na", "User_Password", "rw", NULL);
	g_assert_true(tr_store_apply(f->store, NULL, access, &error));
	g_assert_no_error(error);
	assert_changed(f, expected_back);
	kf = read_key_file(f->path);
	g_assert_false(g_key_file_has_key(kf, "access", "Proxy_1_", NULL));
	g_assert_false(g_key_file_has_key(kf, "access", "User_Password", NULL));
	g_assert_true(g_key_file_has_key(kf, "access", "Password_1_", NULL));
	g_clear_pointer(&kf, g_key_file_unref);
	g_clear_pointer(&access, g_hash_table_unref);

	/* values and access at once: one signal, each name once */
	values = pairs_new("Display_Name_1_", "Alice", "User_ID_1_", "1001", NULL);
	access = pairs_new("Display_Name_1_", "rw", NULL);
	g_assert_true(tr_store_apply(f->store, values, access, &error));
	g_assert_no_error(error);
	assert_changed(f, expected_both);
	g_assert_cmpint(tr_store_get_access(f->store, "Display_Name_1_"), ==, TR_ACCESS_RW);
	g_assert_cmpstr(tr_store_get(f->store, "Display_Name_1_"), ==, "Alice");
}

static void
test_store_persistence(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) values = NULL;
	g_autoptr(GHashTable) access = NULL;
	g_autoptr(TrStore) again = NULL;
	g_autofree gchar *dial_plan = g_strnfill(2047, 'x');
	g_autofree gchar *gpp = g_strnfill(511, 'g');

	values = pairs_new("SIP_Transport_1_", "TLS", "SIP_Port_2_", "5090", "SIP_T1", "1.5",
			   "RTP_TOS_DiffServ_Value_1_", "0xa0", "Password_1_", " pass word ",
			   "Password_2_", "#;[x]=\\y", "Display_Name_1_",
			   "Caf\xc3\xa9 \xe2\x98\x8e", "Display_Name_2_", "  padded  ",
			   "Dial_Plan_1_", dial_plan, "GPP_A", gpp, "Profile_Rule",
			   "https://prov.example.com/$MA.xml", "Dial_Tone", "400@-10;10(*/0/1)",
			   "Proxy_2_", "[2001:db8::1]:5060", "Line_Enable_2_", "no", NULL);
	access = pairs_new("Proxy_1_", "rw", "Dial_Plan_2_", "ro", "User_Password", "na", NULL);
	g_assert_true(tr_store_apply(f->store, values, access, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(tr_store_get(f->store, "Password_1_"), ==, "pass word");
	g_assert_cmpstr(tr_store_get(f->store, "Display_Name_2_"), ==, "padded");

	again = open_store(f, f->path);
	assert_stores_equal(f->store, again);
	g_assert_cmpstr(tr_store_get(again, "Password_1_"), ==, "pass word");
	g_assert_cmpstr(tr_store_get(again, "Password_2_"), ==, "#;[x]=\\y");
	g_assert_cmpstr(tr_store_get(again, "Dial_Plan_1_"), ==, dial_plan);
	g_assert_cmpstr(tr_store_get(again, "Display_Name_1_"), ==, "Caf\xc3\xa9 \xe2\x98\x8e");
	g_assert_cmpstr(tr_store_get(again, "RTP_TOS_DiffServ_Value_1_"), ==, "0xa0");
	g_assert_cmpint(tr_store_get_access(again, "Dial_Plan_2_"), ==, TR_ACCESS_RO);
	g_assert_cmpint(tr_store_get_access(again, "User_Password"), ==, TR_ACCESS_NA);

	/* loading again into the same store changes nothing */
	g_assert_true(tr_store_load(again, &error));
	g_assert_no_error(error);
	assert_stores_equal(f->store, again);

	/* a memory-only store keeps values, and writes nothing */
	{
		g_autoptr(TrStore) memory = tr_store_new(f->schema, NULL);
		g_autoptr(GDir) dir = NULL;
		guint n_files = 0;

		g_assert_true(tr_store_load(memory, &error));
		g_assert_null(tr_store_get_path(memory));
		g_assert_true(tr_store_apply(memory, values, access, &error));
		g_assert_no_error(error);
		assert_stores_equal(f->store, memory);
		g_assert_true(tr_store_factory_reset(memory, &error));
		g_assert_no_error(error);
		assert_all_default(memory);
		dir = g_dir_open(f->dir, 0, NULL);
		while (g_dir_read_name(dir) != NULL)
			n_files++;
		g_assert_cmpuint(n_files, ==, 1);
	}
}

/* the password is saved, privately, and never logged */
static void
test_store_password(Fixture *f, gconstpointer user_data)
{
	const gchar *secret = "Sup3r-S3cret pw";
	g_autoptr(GError) error = NULL;
	g_autoptr(TrStore) again = NULL;
	g_autoptr(TrStore) nested = NULL;
	g_autofree gchar *contents = NULL;
	g_autofree gchar *nested_dir = g_build_filename(f->dir, "state", "device", NULL);
	g_autofree gchar *nested_path = g_build_filename(nested_dir, "config.ini", NULL);
	g_autofree gchar *stale = g_strconcat(f->path, ".Ab12Cd", NULL);
	g_autofree gchar *bad = NULL;
	GStatBuf st;

	log_forbidden = secret;
	log_forbidden_hits = 0;
	log_seen = 0;
	log_warnings = g_ptr_array_new_with_free_func(g_free);

	set_ok(f->store, "Password_1_", secret);
	set_ok(f->store, "Admin_Passwd", "Adm1n-S3cret");

	/* stored: SIP digest needs it; the web login's only as its hash.
	 * Only the owner can read the file. */
	g_assert_cmpint(g_stat(f->path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_true(g_file_get_contents(f->path, &contents, NULL, NULL));
	g_assert_nonnull(strstr(contents, secret));
	g_assert_null(strstr(contents, "Adm1n"));
	g_assert_nonnull(strstr(contents, "\nAdmin_Passwd=$pbkdf2-sha256$"));

	/* refused values of a password do not show it */
	bad = g_strconcat(secret, "\x01", NULL);
	g_assert_false(tr_store_set(f->store, "Password_2_", bad, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	g_assert_null(strstr(error->message, secret));
	g_assert_null(strstr(error->message, "Sup3r"));
	g_clear_error(&error);

	/* a saved password the schema refuses is dropped without a trace of it */
	write_file(stale, "junk", -1);
	{
		g_autofree gchar *file = g_strdup_printf("[tipring]\nversion=1\n[values]\n"
							 "Password_1_=%s\nPassword_2_=%s\\tx\n",
							 secret, secret);
		write_file(f->path, file, -1);
	}
	again = open_store(f, f->path);
	g_assert_cmpstr(tr_store_get(again, "Password_1_"), ==, secret);
	g_assert_cmpstr(tr_store_get(again, "Password_2_"), ==, "");
	g_assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));
	g_assert_cmpuint(log_warnings->len, ==, 1);
	g_assert_nonnull(strstr(g_ptr_array_index(log_warnings, 0), "Password_2_"));

	/* a new directory is made private too */
	nested = tr_store_new(f->schema, nested_path);
	g_assert_true(tr_store_load(nested, &error));
	g_assert_no_error(error);
	set_ok(nested, "Password_1_", secret);
	g_assert_cmpint(g_stat(nested_dir, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0700);
	g_assert_cmpint(g_stat(nested_path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);

	g_assert_true(tr_store_factory_reset(again, &error));
	g_assert_no_error(error);

	/* the hook saw the messages (the stale file's debug, the warning), none had it */
	g_assert_cmpuint(log_seen, >=, 2);
	g_assert_cmpuint(log_forbidden_hits, ==, 0);
}

static void
test_store_factory_reset(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) values = NULL;
	g_autoptr(GHashTable) access = NULL;
	g_autoptr(FileState) before = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	g_autoptr(TrStore) again = NULL;
	const gchar *expected[] = {"Debug_Level", "Proxy_1_", "SIP_Transport_2_", NULL};

	values = pairs_new("SIP_Transport_2_", "TCP", "Debug_Level", "2", NULL);
	access = pairs_new("Proxy_1_", "rw", "SIP_Transport_2_", "ro", NULL);
	g_assert_true(tr_store_apply(f->store, values, access, &error));
	g_assert_no_error(error);
	g_ptr_array_set_size(f->changes, 0);
	before = file_state_new(f->path);

	g_assert_true(tr_store_factory_reset(f->store, &error));
	g_assert_no_error(error);
	assert_changed(f, expected);
	assert_all_default(f->store);

	/* the file says so too: written again, with nothing in it */
	kf = read_key_file(f->path);
	g_assert_cmpint(g_key_file_get_integer(kf, "tipring", "version", NULL), ==, 1);
	g_assert_false(g_key_file_has_group(kf, "values"));
	g_assert_false(g_key_file_has_group(kf, "access"));
	{
		g_autoptr(FileState) after = file_state_new(f->path);
		g_assert_cmpuint(after->st.st_ino, !=, before->st.st_ino);
		g_assert_cmpint(after->st.st_mode & 0777, ==, 0600);
	}
	again = open_store(f, f->path);
	assert_all_default(again);

	/* a second reset has nothing to announce */
	g_assert_true(tr_store_factory_reset(f->store, &error));
	g_assert_no_error(error);
	assert_not_changed(f);
	assert_all_default(f->store);
}

/* a file that is no configuration fails to load, and the store keeps its values */
static void
test_store_corrupt(Fixture *f, gconstpointer user_data)
{
	static const struct {
		const gchar *text;
		gssize length;
	} corrupt[] = {
		{"", 0},
		{"\x00\x01\x02\x03\xff\xfe\xfd", 7},
		{"this is not a key file\n", -1},
		{"[tipring]\nversion=1\n[values\nProxy_1_=x\n", -1},
		{"[tipring]\nversion=2\n[values]\nProxy_1_=x\n", -1},
		{"[tipring]\nversion=one\n", -1},
		{"[values]\nProxy_1_=sip.example.com\n", -1},
		{"\xef\xbb\xbf\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 19},
		{"[tipring]\nversion=1\n[values]\nProxy_1_=x\n\x01\x02\x03\xff\n", -1},
	};
	g_autoptr(TrStore) reference = NULL;

	set_ok(f->store, "Proxy_1_", "kept.example.com");
	set_ok(f->store, "SIP_Transport_2_", "TLS");
	g_ptr_array_set_size(f->changes, 0);
	reference = open_store(f, f->path);

	for (guint i = 0; i <= G_N_ELEMENTS(corrupt); i++) {
		g_autoptr(GError) error = NULL;

		if (i < G_N_ELEMENTS(corrupt)) {
			write_file(f->path, corrupt[i].text, corrupt[i].length);
		} else {
			/* and 4 KiB of random bytes */
			g_autofree guint32 *junk = g_new(guint32, 1024);
			for (guint j = 0; j < 1024; j++)
				junk[j] = g_test_rand_int();
			write_file(f->path, (const gchar *)junk, 4096);
		}
		g_assert_false(tr_store_load(f->store, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_STORAGE);
		g_assert_nonnull(strstr(error->message, f->path));
		g_assert_cmpstr(tr_store_get(f->store, "Proxy_1_"), ==, "kept.example.com");
		assert_stores_equal(f->store, reference);
		assert_not_changed(f);
	}

	/* a directory where the file should be */
	g_assert_cmpint(g_unlink(f->path), ==, 0);
	g_assert_cmpint(g_mkdir(f->path, 0700), ==, 0);
	{
		g_autoptr(GError) error = NULL;
		g_assert_false(tr_store_load(f->store, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_STORAGE);
	}
	assert_stores_equal(f->store, reference);
}

/* saved entries the schema no longer knows or accepts are dropped, with a warning */
static void
test_store_drop_unknown(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrStore) store = tr_store_new(f->schema, f->path);
	g_autoptr(GKeyFile) kf = NULL;
	g_autofree gchar *contents = NULL;

	write_file(f->path,
		   "[tipring]\n"
		   "version=1\n"
		   "\n"
		   "[values]\n"
		   "Proxy_1_=sip.example.com\n"
		   "No_Such_Param=1\n"
		   "SIP_Port_1_=99999\n"
		   "SIP_Transport_2_=tcp\n"
		   "Display_Name_1_=Alice\n"
		   "SIP_Port_2_=5061\n"
		   "Phone-UI-readonly=yes\n"
		   "\n"
		   "[access]\n"
		   "Proxy_1_=rw\n"
		   "Bogus=ro\n"
		   "User_ID_1_=admin\n"
		   "\n"
		   "[future]\n"
		   "something=else\n",
		   -1);

	g_test_expect_message("tr-store", G_LOG_LEVEL_WARNING,
			      "*dropping unknown parameter No_Such_Param*");
	g_test_expect_message("tr-store", G_LOG_LEVEL_WARNING,
			      "*dropping SIP_Port_1_: Invalid value '99999' for SIP_Port_1_*");
	g_test_expect_message("tr-store", G_LOG_LEVEL_WARNING,
			      "*dropping unknown parameter Phone-UI-readonly*");
	g_test_expect_message("tr-store", G_LOG_LEVEL_WARNING, "*dropping access of Bogus*");
	g_test_expect_message("tr-store", G_LOG_LEVEL_WARNING, "*dropping access of User_ID_1_*");
	g_assert_true(tr_store_load(store, &error));
	g_test_assert_expected_messages();
	g_assert_no_error(error);

	g_assert_cmpstr(tr_store_get(store, "Proxy_1_"), ==, "sip.example.com");
	g_assert_cmpstr(tr_store_get(store, "SIP_Transport_2_"), ==, "TCP");
	g_assert_cmpstr(tr_store_get(store, "Display_Name_1_"), ==, "Alice");
	g_assert_cmpstr(tr_store_get(store, "SIP_Port_1_"), ==, "5060");
	g_assert_true(tr_store_is_default(store, "SIP_Port_1_"));
	g_assert_true(tr_store_is_default(store, "SIP_Port_2_"));
	g_assert_cmpint(tr_store_get_access(store, "Proxy_1_"), ==, TR_ACCESS_RW);
	g_assert_cmpint(tr_store_get_access(store, "User_ID_1_"), ==, TR_ACCESS_NA);

	/* the next save leaves the dropped entries out */
	set_ok(store, "Debug_Level", "1");
	kf = read_key_file(f->path);
	g_assert_false(g_key_file_has_key(kf, "values", "No_Such_Param", NULL));
	g_assert_false(g_key_file_has_key(kf, "values", "SIP_Port_1_", NULL));
	g_assert_false(g_key_file_has_key(kf, "access", "Bogus", NULL));
	assert_key(kf, "values", "SIP_Transport_2_", "TCP");
	assert_key(kf, "values", "Proxy_1_", "sip.example.com");
	g_assert_true(g_file_get_contents(f->path, &contents, NULL, NULL));
	g_assert_null(strstr(contents, "99999"));
}

/* "config.ini.XXXXXX" left by a save that was killed goes at the next load */
static void
test_store_stale_temporaries(Fixture *f, gconstpointer user_data)
{
	static const gchar *stale[] = {"config.ini.AbC123", "config.ini.zzzzzz",
				       "config.ini.000000"};
	static const gchar *kept[] = {"config.ini.bak", "config.ini.AbC1234", "other.ini.AbC123",
				      "config.iniXAbC123"};
	g_autoptr(GError) error = NULL;

	for (guint round = 0; round < 2; round++) {
		g_autoptr(TrStore) store = tr_store_new(f->schema, f->path);

		/* first without a configuration file, then with one */
		if (round == 1)
			set_ok(f->store, "Proxy_1_", "sip.example.com");
		for (guint i = 0; i < G_N_ELEMENTS(stale); i++) {
			g_autofree gchar *path = g_build_filename(f->dir, stale[i], NULL);
			write_file(path, "[tipring]\nversion=1\n[values]\nProxy_1_=half", -1);
		}
		for (guint i = 0; i < G_N_ELEMENTS(kept); i++) {
			g_autofree gchar *path = g_build_filename(f->dir, kept[i], NULL);
			write_file(path, "keep me", -1);
		}
		g_assert_true(tr_store_load(store, &error));
		g_assert_no_error(error);
		for (guint i = 0; i < G_N_ELEMENTS(stale); i++) {
			g_autofree gchar *path = g_build_filename(f->dir, stale[i], NULL);
			g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
		}
		for (guint i = 0; i < G_N_ELEMENTS(kept); i++) {
			g_autofree gchar *path = g_build_filename(f->dir, kept[i], NULL);
			g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
		}
		g_assert_cmpstr(tr_store_get(store, "Proxy_1_"), ==,
				round == 1 ? "sip.example.com" : "");
	}
}

static void
count_changed(TrStore *store, const gchar *const *names, gpointer user_data)
{
	guint *n_changes = user_data;
	(*n_changes)++;
}

/* a save that cannot happen changes nothing */
static void
test_store_save_fails(Fixture *f, gconstpointer user_data)
{
	g_autofree gchar *blocker = g_build_filename(f->dir, "blocker", NULL);
	g_autofree gchar *under_file = g_build_filename(blocker, "config.ini", NULL);
	g_autofree gchar *dir_path = g_build_filename(f->dir, "is-a-dir", NULL);
	const gchar *paths[] = {under_file, dir_path};

	write_file(blocker, "a file, not a directory", -1);
	g_assert_cmpint(g_mkdir(dir_path, 0700), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrStore) store = tr_store_new(f->schema, paths[i]);
		guint n_changes = 0;

		g_signal_connect(store, "changed", G_CALLBACK(count_changed), &n_changes);
		g_assert_false(tr_store_set(store, "Proxy_1_", "sip.example.com", &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_STORAGE);
		g_assert_true(tr_store_is_default(store, "Proxy_1_"));
		g_clear_error(&error);
		g_assert_false(tr_store_factory_reset(store, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_STORAGE);
		g_assert_cmpuint(n_changes, ==, 0);
	}
}

/*
 * Kill test: a child saves configuration A and B in turn as fast as it can
 * and is killed at a random moment. The file then holds A, B or (killed
 * before the first save finished) nothing: never a mix, never garbage.
 */
#define KILL_ITERATIONS 50

static GHashTable *
kill_config(gchar letter, guint variant)
{
	GHashTable *values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint line = 1; line <= 2; line++) {
		g_hash_table_insert(values, g_strdup_printf("Dial_Plan_%u_", line),
				    g_strnfill(2047, letter + line));
		g_hash_table_insert(values, g_strdup_printf("Display_Name_%u_", line),
				    g_strdup_printf("%c line %u", letter, line));
		g_hash_table_insert(values, g_strdup_printf("User_ID_%u_", line),
				    g_strdup_printf("%c%u", letter, 1000 + line));
		g_hash_table_insert(values, g_strdup_printf("Mini_Certificate_%u_", line),
				    g_strnfill(1023, letter));
		g_hash_table_insert(values, g_strdup_printf("SIP_Port_%u_", line),
				    g_strdup_printf("%u", 5100 + 10 * variant + line));
		g_hash_table_insert(values, g_strdup_printf("SIP_Transport_%u_", line),
				    g_strdup(variant == 0 ? "TCP" : "TLS"));
	}
	for (gchar c = 'A'; c <= 'P'; c++)
		g_hash_table_insert(values, g_strdup_printf("GPP_%c", c), g_strnfill(511, letter));
	for (gchar c = 'B'; c <= 'D'; c++)
		g_hash_table_insert(values, g_strdup_printf("Profile_Rule_%c", c),
				    g_strnfill(1023, letter));
	g_hash_table_insert(values, g_strdup("Resync_Trigger_1"), g_strnfill(1023, letter));
	g_hash_table_insert(values, g_strdup("Resync_Trigger_2"), g_strnfill(1023, letter));
	return values;
}

/* does the store hold exactly config (a NULL config: the defaults)? */
static gboolean
store_holds(TrStore *store, GHashTable *config)
{
	GPtrArray *params = tr_schema_get_params(tr_store_get_schema(store));

	for (guint i = 0; i < params->len; i++) {
		TrParam *param = g_ptr_array_index(params, i);
		const gchar *expected =
			config != NULL ? g_hash_table_lookup(config, param->name) : NULL;

		if (expected == NULL)
			expected = param->default_value;
		if (g_strcmp0(tr_store_get(store, param->name), expected) != 0)
			return FALSE;
	}
	return TRUE;
}

static G_NORETURN void
kill_child(TrSchema *schema, const gchar *path, GHashTable *a, GHashTable *b)
{
	TrStore *store = tr_store_new(schema, path);
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	/* no GLib main loop, no test harness: save, save, save until killed */
	for (guint i = 0; g_get_monotonic_time() < deadline; i++) {
		if (!tr_store_set_many(store, i % 2 == 0 ? a : b, NULL))
			_exit(3);
	}
	_exit(2);
}

static void
test_store_kill(Fixture *f, gconstpointer user_data)
{
	g_autoptr(GHashTable) a = kill_config('a', 0);
	g_autoptr(GHashTable) b = kill_config('m', 1);
	guint n_a = 0, n_b = 0, n_defaults = 0, n_interrupted = 0;
	gint64 start = g_get_monotonic_time();

	g_assert_true(store_holds(f->store, NULL));
	g_assert_false(store_holds(f->store, a));

	/* each is valid and canonical, or the comparison below would mislead */
	{
		g_autoptr(TrStore) check = tr_store_new(f->schema, NULL);
		g_assert_true(tr_store_set_many(check, a, NULL));
		g_assert_true(store_holds(check, a));
		g_assert_false(store_holds(check, b));
		g_assert_true(tr_store_set_many(check, b, NULL));
		g_assert_true(store_holds(check, b));
	}

	for (guint n = 0; n < KILL_ITERATIONS; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrStore) store = NULL;
		gint status = 0;
		pid_t pid;

		fflush(stdout);
		fflush(stderr);
		pid = fork();
		g_assert_cmpint(pid, >=, 0);
		if (pid == 0)
			kill_child(f->schema, f->path, a, b);

		g_usleep(g_test_rand_int_range(1000, 30001));
		g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
		g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			g_error("the saving child ended by itself (status %d)", status);

		/* a temporary file shows the kill came in the middle of a save */
		{
			g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
			const gchar *name;
			while ((name = g_dir_read_name(dir)) != NULL) {
				if (g_strcmp0(name, "config.ini") != 0) {
					n_interrupted++;
					break;
				}
			}
		}
		store = tr_store_new(f->schema, f->path);
		if (!tr_store_load(store, &error))
			g_error("iteration %u: %s", n, error->message);
		if (store_holds(store, a))
			n_a++;
		else if (store_holds(store, b))
			n_b++;
		else if (store_holds(store, NULL) && !g_file_test(f->path, G_FILE_TEST_EXISTS))
			n_defaults++; /* killed before the first save was complete */
		else
			g_error("iteration %u: the file holds neither A nor B", n);

		/* load removed the killed save's temporary file; start afresh */
		if (g_file_test(f->path, G_FILE_TEST_EXISTS))
			g_assert_cmpint(g_unlink(f->path), ==, 0);
		{
			g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
			g_assert_null(g_dir_read_name(dir));
		}
	}
	g_test_message("kill test: %u iterations in %.1f s: A %u, B %u, defaults %u "
		       "(%u killed in the middle of a save)",
		       KILL_ITERATIONS, (g_get_monotonic_time() - start) / 1e6, n_a, n_b,
		       n_defaults, n_interrupted);
	g_assert_cmpuint(n_a + n_b + n_defaults, ==, KILL_ITERATIONS);
}

static void
add_test(const gchar *path, void (*func)(Fixture *, gconstpointer))
{
	g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrSchema) tmpl = NULL;
	gint rc;

	g_test_init(&argc, &argv, NULL);
	g_log_set_writer_func(test_log_writer, NULL, NULL);
	g_log_set_default_handler(test_log_handler, NULL);

	tmpl = tr_schema_new_default(&error);
	g_assert_no_error(error);
	spa2102_schema = tr_schema_new_for_model(tmpl, 2, spa2102_tags, &error);
	g_assert_no_error(error);

	add_test("/store/defaults", test_store_defaults);
	add_test("/store/typed-getters", test_store_typed_getters);
	add_test("/store/set", test_store_set);
	add_test("/store/set-many", test_store_set_many);
	add_test("/store/set-many-atomic", test_store_set_many_atomic);
	add_test("/store/bracket-names", test_store_bracket_names);
	add_test("/store/unchanged", test_store_unchanged);
	add_test("/store/back-to-default", test_store_back_to_default);
	add_test("/store/access", test_store_access);
	add_test("/store/persistence", test_store_persistence);
	add_test("/store/password", test_store_password);
	add_test("/store/factory-reset", test_store_factory_reset);
	add_test("/store/corrupt", test_store_corrupt);
	add_test("/store/drop-unknown", test_store_drop_unknown);
	add_test("/store/stale-temporaries", test_store_stale_temporaries);
	add_test("/store/save-fails", test_store_save_fails);
	add_test("/store/kill", test_store_kill);
	rc = g_test_run();
	g_clear_object(&spa2102_schema);
	return rc;
}
