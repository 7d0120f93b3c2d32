/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "plugins/test-plugin-events.h"
#include "tipring-plugin.h"
#include "tr-test-german.h"
#include "tr-engine.h"
#include "tr-i18n.h"
#include "tr-plugin-loader.h"

/*
 * The plugin loader with real modules: the test plugins of tests/plugins
 * (good/ one of each kind, bad/ the ones to refuse) and the device backends
 * of the build tree. The plugins resolve the SDK against this executable.
 */

#define GOOD_DIR TEST_PLUGIN_DIR "/good"
#define BAD_DIR	 TEST_PLUGIN_DIR "/bad"

/* every warning logged, in order; each test takes out those it expects */
static GPtrArray *warnings = NULL;

typedef struct {
	gchar *tmp_dir;
	TrEngine *engine;
	GPtrArray *events; /* "start NAME", "stop NAME", as the plugins say */
} Fixture;

static void
log_handler(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user_data)
{
	if ((level & G_LOG_LEVEL_WARNING) != 0) {
		g_ptr_array_add(warnings, g_strdup(message));
		g_test_message("warning from %s: %s", domain != NULL ? domain : "(none)", message);
		return;
	}
	g_log_default_handler(domain, level, message, user_data);
}

/* a disabled plugin is a warning, checked by the tests, never an abort */
static gboolean
fatal_handler(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user_data)
{
	return (level & G_LOG_LEVEL_WARNING) == 0;
}

static void
expect_warning(const gchar *pattern)
{
	for (guint i = 0; i < warnings->len; i++) {
		if (g_pattern_match_simple(pattern, g_ptr_array_index(warnings, i))) {
			g_ptr_array_remove_index(warnings, i);
			return;
		}
	}
	for (guint i = 0; i < warnings->len; i++)
		g_test_message("seen: %s", (const gchar *)g_ptr_array_index(warnings, i));
	g_test_message("no warning matches '%s'", pattern);
	g_test_fail();
}

static void
rm_rf(const gchar *path)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const gchar *name;
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			rm_rf(child);
		}
	}
	g_remove(path);
}

static void
fixture_setup(Fixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *state_dir = NULL;

	/* GLib resets this handler before each test case */
	g_test_log_set_fatal_handler(fatal_handler, NULL);
	g_ptr_array_set_size(warnings, 0);
	fx->tmp_dir = g_dir_make_tmp("test-plugin-loader-XXXXXX", &error);
	g_assert_no_error(error);
	state_dir = g_build_filename(fx->tmp_dir, "state", NULL);
	fx->engine = tr_engine_new(state_dir, &error);
	g_assert_no_error(error);
	g_assert_nonnull(fx->engine);
	/* the web front-end, when its plugin is among the real ones, serves the
	 * devices on loopback ports of the kernel's choice, not on port 80 */
	tr_engine_set_option(fx->engine, "web-address", "127.0.0.1");
	tr_engine_set_option(fx->engine, "web-port", "0");

	fx->events = g_ptr_array_new_with_free_func(g_free);
	g_object_set_data_full(G_OBJECT(fx->engine), TEST_PLUGIN_EVENTS_KEY,
			       g_ptr_array_ref(fx->events), (GDestroyNotify)g_ptr_array_unref);
}

static void
fixture_teardown(Fixture *fx, gconstpointer user_data)
{
	g_clear_object(&fx->engine);
	g_ptr_array_unref(fx->events);
	rm_rf(fx->tmp_dir);
	g_free(fx->tmp_dir);

	/* nothing else may have complained */
	for (guint i = 0; i < warnings->len; i++) {
		g_test_message("unexpected warning: %s",
			       (const gchar *)g_ptr_array_index(warnings, i));
		g_test_fail();
	}
}

static void
load_and_start(Fixture *fx, const gchar *const *dirs)
{
	tr_engine_load_plugins(fx->engine, dirs);
	tr_engine_start_plugins(fx->engine);
}

static TrPluginRecord *
find_record(Fixture *fx, const gchar *file_name)
{
	GPtrArray *records = tr_engine_get_plugin_records(fx->engine);

	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		g_autofree gchar *base = g_path_get_basename(record->path);
		if (g_strcmp0(base, file_name) == 0)
			return record;
	}
	g_test_message("no record of %s", file_name);
	g_assert_not_reached();
}

static guint
object_count(gpointer object, const gchar *key)
{
	return GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(object), key));
}

static void
assert_events(Fixture *fx, const gchar *const *expected)
{
	g_ptr_array_add(fx->events, NULL);
	g_assert_cmpstrv((const gchar *const *)fx->events->pdata, expected);
	g_ptr_array_set_size(fx->events, fx->events->len - 1);
}

static const gchar *const good_starts[] = {
	"start test-device",
	"start test-frontend",
	"start test-media",
	"start test-transport",
	NULL,
};

static const gchar *const good_starts_and_stops[] = {
	"start test-device",	"start test-frontend", "start test-media",
	"start test-transport", "stop test-transport", "stop test-media",
	"stop test-frontend",	"stop test-device",    NULL,
};

/* the four good plugins, in the order of their files */
static const struct {
	const gchar *file;
	const gchar *name;
	const gchar *kind;
} good_plugins[] = {
	{"libtipring-test-device.so", "test-device", "device"},
	{"libtipring-test-frontend.so", "test-frontend", "frontend"},
	{"libtipring-test-media.so", "test-media", "media"},
	{"libtipring-test-transport.so", "test-transport", "transport"},
};

static void
assert_good_plugins_started(Fixture *fx)
{
	for (guint i = 0; i < G_N_ELEMENTS(good_plugins); i++) {
		TrPluginRecord *record = find_record(fx, good_plugins[i].file);
		g_autofree gchar *path = g_build_filename(GOOD_DIR, good_plugins[i].file, NULL);

		g_assert_nonnull(record);
		g_assert_cmpstr(record->path, ==, path);
		g_assert_cmpstr(record->name, ==, good_plugins[i].name);
		g_assert_cmpstr(record->kind, ==, good_plugins[i].kind);
		g_assert_cmpint(record->state, ==, TR_PLUGIN_STATE_STARTED);
		g_assert_null(record->error);
		g_assert_true(TR_IS_PLUGIN(record->plugin));
		g_assert_cmpstr(tr_plugin_get_name(record->plugin), ==, good_plugins[i].name);
		g_assert_cmpstr(tr_plugin_get_kind(record->plugin), ==, good_plugins[i].kind);
		g_assert_true(tr_plugin_get_engine(record->plugin) == fx->engine);
	}
}

static void
test_good(Fixture *fx, gconstpointer user_data)
{
	const gchar *dirs[] = {GOOD_DIR, NULL};
	const gchar *test100_only[] = {"TEST100", NULL};
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) models = NULL;
	TrPluginRecord *frontend;
	TrPluginRecord *media;
	TrTransport *transport;
	TrDevice *device;
	TrDevice *second;

	load_and_start(fx, dirs);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 4);
	assert_good_plugins_started(fx);
	assert_events(fx, good_starts);

	/* the core routes by what the plugins declare */
	transport = tr_engine_find_transport(fx->engine, "tst");
	g_assert_true(TR_IS_TRANSPORT(transport));
	g_assert_true(TR_PLUGIN(transport) ==
		      find_record(fx, "libtipring-test-transport.so")->plugin);
	g_assert_cmpstr(tr_transport_get_protocol(transport), ==, "TST");
	g_assert_null(tr_engine_find_transport(fx->engine, "UDP"));

	media = find_record(fx, "libtipring-test-media.so");
	g_assert_true(tr_media_supports(TR_MEDIA(media->plugin), "pcmu/8000"));
	g_assert_false(tr_media_supports(TR_MEDIA(media->plugin), "PCMA/8000"));

	models = tr_engine_list_models(fx->engine);
	g_assert_cmpstrv(models, test100_only);

	device = tr_engine_add_device(fx->engine, "test100", NULL, &error);
	g_assert_no_error(error);
	g_assert_true(TR_IS_DEVICE(device));
	g_assert_cmpstr(tr_device_get_name(device), ==, "test100");
	g_assert_cmpstr(tr_device_get_model(device)->name, ==, "TEST100");
	g_assert_cmpuint(tr_device_get_lines(device)->len, ==, 1);
	g_assert_cmpstr(tr_model_get_line_label(tr_device_get_model(device)), ==, "Line");
	g_assert_true(tr_device_get_backend(device) ==
		      TR_DEVICE_BACKEND(find_record(fx, "libtipring-test-device.so")->plugin));
	g_assert_cmpuint(object_count(device, "test-device-setup"), ==, 1);

	/* the front-end wants adaptors, and TEST100 is one */
	frontend = find_record(fx, "libtipring-test-frontend.so");
	g_assert_cmpuint(object_count(device, "test-frontend-added"), ==, 1);
	g_assert_cmpuint(object_count(frontend->plugin, "devices-added"), ==, 1);

	second = tr_engine_add_device(fx->engine, "TEST100", NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(tr_device_get_name(second), ==, "test100-2");
	g_assert_cmpuint(object_count(second, "test-frontend-added"), ==, 1);
	g_assert_cmpuint(object_count(frontend->plugin, "devices-added"), ==, 2);
	g_assert_cmpuint(tr_engine_get_devices(fx->engine)->len, ==, 2);

	/* an unknown model names the ones there are */
	g_assert_null(tr_engine_add_device(fx->engine, "SPA9999", NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "known models: TEST100"));
	g_assert_nonnull(strstr(error->message, "SPA9999"));
	g_assert_cmpuint(tr_engine_get_devices(fx->engine)->len, ==, 2);
}

static void
assert_refused(Fixture *fx, const gchar *file, const gchar *name, const gchar *kind,
	       const gchar *why)
{
	TrPluginRecord *record = find_record(fx, file);
	g_autofree gchar *pattern = NULL;

	g_assert_nonnull(record);
	g_assert_cmpstr(record->name, ==, name);
	g_assert_cmpstr(record->kind, ==, kind);
	g_assert_cmpint(record->state, ==, TR_PLUGIN_STATE_DISABLED);
	g_assert_cmpstr(record->error, ==, why);

	/* the log line names the plugin, its file and the reason */
	pattern = g_strdup_printf("plugin %s (%s) disabled: %s", name, record->path, why);
	expect_warning(pattern);
}

static void
test_bad(Fixture *fx, gconstpointer user_data)
{
	const gchar *dirs[] = {GOOD_DIR, BAD_DIR, NULL};
	const gchar *test100_only[] = {"TEST100", NULL};
	g_autofree gchar *abi_error =
		g_strdup_printf("built for plugin ABI %u, but this tipringd has ABI %u",
				(guint)TR_PLUGIN_ABI_VERSION + 1, (guint)TR_PLUGIN_ABI_VERSION);
	g_autofree gchar *duplicate_error =
		g_strdup_printf("already loaded from %s", GOOD_DIR "/libtipring-test-transport.so");
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) models = NULL;
	TrPluginRecord *record;

	load_and_start(fx, dirs);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 11);

	/* a module refused before its entry point answered is named by its file;
	 * one of the right ABI by the name it declares */
	assert_refused(fx, "libtipring-test-abi.so", "libtipring-test-abi.so", "", abi_error);
	assert_refused(fx, "libtipring-test-no-entry.so", "libtipring-test-no-entry.so", "",
		       "no entry point tr_plugin_describe");
	assert_refused(
		fx, "libtipring-test-not-plugin.so", "test-not-plugin", "",
		"type TestNotPlugin is not a concrete transport, device, frontend or media plugin");
	assert_refused(
		fx, "libtipring-test-abstract.so", "test-abstract", "",
		"type TrTransport is not a concrete transport, device, frontend or media plugin");
	assert_refused(fx, "libtipring-test-start-fails.so", "test-start-fails", "device",
		       "no hardware found");
	assert_refused(fx, "libtipring-test-no-protocol.so", "test-no-protocol", "",
		       "a transport plugin that declares no protocol");
	/* refused before its type was registered, so of no kind yet */
	assert_refused(fx, "libtipring-test-duplicate.so", "test-transport", "", duplicate_error);
	for (guint i = 0; i < warnings->len; i++) {
		g_test_message("unexpected warning: %s",
			       (const gchar *)g_ptr_array_index(warnings, i));
		g_test_fail();
	}
	g_ptr_array_set_size(warnings, 0);

	/* only what loaded keeps an instance */
	g_assert_null(find_record(fx, "libtipring-test-abi.so")->plugin);
	g_assert_null(find_record(fx, "libtipring-test-no-entry.so")->plugin);
	g_assert_null(find_record(fx, "libtipring-test-not-plugin.so")->plugin);
	g_assert_null(find_record(fx, "libtipring-test-abstract.so")->plugin);
	g_assert_null(find_record(fx, "libtipring-test-duplicate.so")->plugin);
	record = find_record(fx, "libtipring-test-start-fails.so");
	g_assert_true(TR_IS_DEVICE_BACKEND(record->plugin));

	/* and the daemon goes on with the good ones */
	assert_good_plugins_started(fx);
	assert_events(fx, good_starts);
	g_assert_true(TR_PLUGIN(tr_engine_find_transport(fx->engine, "TST")) ==
		      find_record(fx, "libtipring-test-transport.so")->plugin);
	g_assert_null(tr_engine_find_transport(fx->engine, "TST2"));

	/* a backend that did not start offers nothing */
	models = tr_engine_list_models(fx->engine);
	g_assert_cmpstrv(models, test100_only);
	g_assert_null(tr_engine_add_device(fx->engine, "BROKEN1", NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_nonnull(tr_engine_add_device(fx->engine, "TEST100", NULL, &error));
	g_assert_no_error(error);

	/* a plugin that never started is never stopped */
	tr_engine_shutdown(fx->engine);
	assert_events(fx, good_starts_and_stops);
}

static void
copy_with_mode(const gchar *from, const gchar *to, gint mode)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *contents = NULL;
	gsize length = 0;

	g_file_get_contents(from, &contents, &length, &error);
	g_assert_no_error(error);
	g_file_set_contents(to, contents, length, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(to, mode), ==, 0);
}

static void
test_writable(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *dir = g_build_filename(fx->tmp_dir, "plugins", NULL);
	g_autofree gchar *world = g_build_filename(dir, "libtipring-world-writable.so", NULL);
	g_autofree gchar *group = g_build_filename(dir, "libtipring-group-writable.so", NULL);
	const gchar *dirs[] = {dir, NULL};

	g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
	copy_with_mode(GOOD_DIR "/libtipring-test-media.so", world, 0666);
	copy_with_mode(GOOD_DIR "/libtipring-test-media.so", group, 0664);

	load_and_start(fx, dirs);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 2);
	assert_refused(fx, "libtipring-world-writable.so", "libtipring-world-writable.so", "",
		       "writable by group or others");
	assert_refused(fx, "libtipring-group-writable.so", "libtipring-group-writable.so", "",
		       "writable by group or others");
	g_assert_null(find_record(fx, "libtipring-world-writable.so")->plugin);
	g_assert_null(find_record(fx, "libtipring-group-writable.so")->plugin);
	g_assert_cmpuint(fx->events->len, ==, 0);
}

static void
test_not_modules(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *dir = g_build_filename(fx->tmp_dir, "plugins", NULL);
	const gchar *dirs[] = {dir, NULL};
	const gchar *files[] = {"README", "libtipring-test.so.1", "libtipring-test.la",
				"plugin.so.txt", "libtipring-test-media.so.bak"};

	g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *path = g_build_filename(dir, files[i], NULL);
		/* the last one is a real module, under a name that is not one */
		copy_with_mode(GOOD_DIR "/libtipring-test-media.so", path, 0644);
	}

	load_and_start(fx, dirs);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 0);
	g_assert_cmpuint(fx->events->len, ==, 0);
}

static void
test_missing_dir(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *missing = g_build_filename(fx->tmp_dir, "no-such-dir", NULL);
	g_autofree gchar *pattern = g_strdup_printf("plugin directory %s: *", missing);
	const gchar *dirs[] = {missing, NULL};
	g_auto(GStrv) models = NULL;

	load_and_start(fx, dirs);
	expect_warning(pattern);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 0);
	models = tr_engine_list_models(fx->engine);
	g_assert_cmpuint(g_strv_length(models), ==, 0);
}

/* one entry of a search path missing: the rest of it still loads */
static void
test_search_path(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *missing = g_build_filename(fx->tmp_dir, "no-such-dir", NULL);
	g_autofree gchar *pattern = g_strdup_printf("plugin directory %s: *", missing);
	g_autofree gchar *search_path =
		g_strjoin(G_SEARCHPATH_SEPARATOR_S, missing, "", GOOD_DIR, NULL);
	const gchar *dirs[] = {search_path, NULL};

	load_and_start(fx, dirs);
	expect_warning(pattern);
	g_assert_cmpuint(tr_engine_get_plugin_records(fx->engine)->len, ==, 4);
	assert_good_plugins_started(fx);
}

static void
test_shutdown_order(Fixture *fx, gconstpointer user_data)
{
	const gchar *dirs[] = {GOOD_DIR, NULL};
	g_autoptr(GError) error = NULL;
	GPtrArray *records;
	TrPlugin *frontend;

	load_and_start(fx, dirs);
	assert_events(fx, good_starts);
	g_assert_nonnull(tr_engine_add_device(fx->engine, "TEST100", NULL, &error));
	g_assert_no_error(error);
	frontend = find_record(fx, "libtipring-test-frontend.so")->plugin;

	tr_engine_shutdown(fx->engine);
	assert_events(fx, good_starts_and_stops);
	g_assert_cmpuint(object_count(frontend, "devices-removed"), ==, 1);
	records = tr_engine_get_plugin_records(fx->engine);
	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		g_assert_cmpint(record->state, ==, TR_PLUGIN_STATE_LOADED);
	}

	/* once stopped, neither a second shutdown nor the engine's end stops again */
	tr_engine_shutdown(fx->engine);
	g_clear_object(&fx->engine);
	assert_events(fx, good_starts_and_stops);
}

/* without shutdown first, dropping the engine stops the plugins the same way */
static void
test_dispose_stops(Fixture *fx, gconstpointer user_data)
{
	const gchar *dirs[] = {GOOD_DIR, NULL};

	load_and_start(fx, dirs);
	g_clear_object(&fx->engine);
	assert_events(fx, good_starts_and_stops);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

static const struct {
	const gchar *model;
	guint n_lines;
	const gchar *label;
	gboolean ata;
} real_models[] = {
	{"SPA2102", 2, "Line", TRUE}, {"SPA3102", 1, "Line", TRUE}, {"WRP400", 2, "Line", TRUE},
	{"SPA922", 1, "Ext", FALSE},  {"SPA942", 4, "Ext", FALSE},  {"SPA962", 6, "Ext", FALSE},
};

static const gchar *
plugin_path(void)
{
	const gchar *path = g_getenv("TIPRING_PLUGIN_PATH");

	if (path == NULL || path[0] == '\0')
		g_test_skip("TIPRING_PLUGIN_PATH is not set; run under meson test");
	return path;
}

/*
 * The build tree's plugin path holds other engineers' plugins too; a
 * non-device one that cannot start here is theirs to test, so it is only
 * reported.
 */
static void
forgive_other_plugins(Fixture *fx)
{
	GPtrArray *records = tr_engine_get_plugin_records(fx->engine);

	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		if (record->state != TR_PLUGIN_STATE_DISABLED ||
		    g_strcmp0(record->kind, "device") == 0)
			continue;
		g_test_message("not a device backend, disabled here: %s: %s", record->path,
			       record->error);
		for (guint j = warnings->len; j > 0; j--) {
			if (strstr(g_ptr_array_index(warnings, j - 1), record->path) != NULL)
				g_ptr_array_remove_index(warnings, j - 1);
		}
	}
}

static void
test_real_backends(Fixture *fx, gconstpointer user_data)
{
	const gchar *path = plugin_path();
	const gchar *dirs[] = {path, NULL};
	const gchar *expected_models[] = {"SPA2102", "SPA3102", "SPA922", "SPA942",
					  "SPA962",  "WRP400",	NULL};
	const gchar *expected_backends[] = {"device-spa2102", "device-spa3102", "device-spa9x2",
					    "device-wrp400", NULL};
	g_autoptr(GPtrArray) backends = g_ptr_array_new();
	g_auto(GStrv) models = NULL;
	GPtrArray *records;

	if (path == NULL)
		return;
	load_and_start(fx, dirs);
	forgive_other_plugins(fx);

	records = tr_engine_get_plugin_records(fx->engine);
	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		if (g_strcmp0(record->kind, "device") != 0)
			continue;
		g_assert_cmpint(record->state, ==, TR_PLUGIN_STATE_STARTED);
		g_ptr_array_add(backends, record->name);
	}
	g_ptr_array_sort(backends, compare_strings);
	g_ptr_array_add(backends, NULL);
	g_assert_cmpstrv((const gchar *const *)backends->pdata, expected_backends);

	models = tr_engine_list_models(fx->engine);
	g_assert_cmpstrv(models, expected_models);

	for (guint i = 0; i < G_N_ELEMENTS(real_models); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *name = g_ascii_strdown(real_models[i].model, -1);
		TrDevice *device =
			tr_engine_add_device(fx->engine, real_models[i].model, NULL, &error);
		const TrModel *model;
		GPtrArray *lines;

		g_assert_no_error(error);
		g_assert_true(TR_IS_DEVICE(device));
		g_assert_cmpstr(tr_device_get_name(device), ==, name);
		model = tr_device_get_model(device);
		g_assert_cmpstr(model->name, ==, real_models[i].model);
		g_assert_cmpuint(model->n_lines, ==, real_models[i].n_lines);
		g_assert_cmpstr(tr_model_get_line_label(model), ==, real_models[i].label);
		g_assert_cmpint(model->kind, ==,
				real_models[i].ata ? TR_MODEL_KIND_ATA : TR_MODEL_KIND_PHONE);
		lines = tr_device_get_lines(device);
		g_assert_cmpuint(lines->len, ==, real_models[i].n_lines);
		for (guint j = 0; j < lines->len; j++)
			g_assert_cmpuint(tr_line_get_index(g_ptr_array_index(lines, j)), ==, j + 1);
	}
	g_assert_cmpuint(tr_engine_get_devices(fx->engine)->len, ==, G_N_ELEMENTS(real_models));
}

/* a front-end meets exactly the devices it asked for, coming and going */
static void
test_frontend_routing(Fixture *fx, gconstpointer user_data)
{
	const gchar *path = plugin_path();
	const gchar *dirs[] = {GOOD_DIR, path, NULL};
	g_autoptr(GError) error = NULL;
	TrDevice *test100;
	TrPlugin *frontend;

	if (path == NULL)
		return;
	load_and_start(fx, dirs);
	forgive_other_plugins(fx);
	frontend = find_record(fx, "libtipring-test-frontend.so")->plugin;
	g_assert_true(TR_IS_FRONTEND(frontend));

	for (guint i = 0; i < G_N_ELEMENTS(real_models); i++) {
		TrDevice *device =
			tr_engine_add_device(fx->engine, real_models[i].model, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpuint(object_count(device, "test-frontend-added"), ==,
				 real_models[i].ata ? 1 : 0);
	}
	test100 = tr_engine_add_device(fx->engine, "TEST100", NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(object_count(test100, "test-frontend-added"), ==, 1);
	g_assert_cmpuint(object_count(frontend, "devices-added"), ==, 4);

	tr_engine_shutdown(fx->engine);
	g_assert_cmpuint(object_count(frontend, "devices-removed"), ==, 4);
}

/* tipringctl status shows why a plugin was refused: in the daemon's language */
static void
test_abi_german(void)
{
	if (g_test_subprocess()) {
		g_autofree gchar *expected = NULL;
		g_autoptr(GError) error = NULL;

		tr_test_speak_german();

		g_assert_null(tr_plugin_loader_open(BAD_DIR "/libtipring-test-abi.so", &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_PLUGIN);
		expected = g_strdup_printf(
			"für Plugin-ABI %u gebaut, dieser tipringd hat aber ABI %u",
			(guint)TR_PLUGIN_ABI_VERSION + 1, (guint)TR_PLUGIN_ABI_VERSION);
		g_assert_cmpstr(error->message, ==, expected);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
	g_test_trap_assert_passed();
}

int
main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	warnings = g_ptr_array_new_with_free_func(g_free);
	g_log_set_default_handler(log_handler, NULL);

	g_test_add("/plugin-loader/good", Fixture, NULL, fixture_setup, test_good,
		   fixture_teardown);
	g_test_add("/plugin-loader/bad", Fixture, NULL, fixture_setup, test_bad, fixture_teardown);
	g_test_add("/plugin-loader/writable", Fixture, NULL, fixture_setup, test_writable,
		   fixture_teardown);
	g_test_add("/plugin-loader/not-modules", Fixture, NULL, fixture_setup, test_not_modules,
		   fixture_teardown);
	g_test_add("/plugin-loader/missing-dir", Fixture, NULL, fixture_setup, test_missing_dir,
		   fixture_teardown);
	g_test_add("/plugin-loader/search-path", Fixture, NULL, fixture_setup, test_search_path,
		   fixture_teardown);
	g_test_add("/plugin-loader/shutdown-order", Fixture, NULL, fixture_setup,
		   test_shutdown_order, fixture_teardown);
	g_test_add("/plugin-loader/dispose-stops", Fixture, NULL, fixture_setup, test_dispose_stops,
		   fixture_teardown);
	g_test_add("/plugin-loader/real-backends", Fixture, NULL, fixture_setup, test_real_backends,
		   fixture_teardown);
	g_test_add("/plugin-loader/frontend-routing", Fixture, NULL, fixture_setup,
		   test_frontend_routing, fixture_teardown);
	g_test_add_func("/plugin-loader/abi-german", test_abi_german);

	ret = g_test_run();
	g_ptr_array_unref(warnings);
	return ret;
}
