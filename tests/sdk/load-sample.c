/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * load-sample STATE-DIR PLUGIN-DIR: loads the plugins of PLUGIN-DIR as
 * tipringd does (the SDK resolved against this executable) and exits 0 if
 * the out-of-tree sample of check-sdk.sh is the one plugin there, started
 * and serving its transport.
 */
int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrEngine) engine = NULL;
	const gchar *dirs[2] = {NULL, NULL};
	GPtrArray *records;
	TrPluginRecord *record;
	gboolean ok;

	if (argc != 3) {
		g_printerr("usage: %s STATE-DIR PLUGIN-DIR\n", argv[0]);
		return 2;
	}
	engine = tr_engine_new(argv[1], &error);
	if (engine == NULL) {
		g_printerr("engine: %s\n", error->message);
		return 1;
	}
	dirs[0] = argv[2];
	tr_engine_load_plugins(engine, dirs);
	tr_engine_start_plugins(engine);

	records = tr_engine_get_plugin_records(engine);
	for (guint i = 0; i < records->len; i++) {
		static const gchar *const states[] = {"loaded", "started", "disabled"};
		record = g_ptr_array_index(records, i);
		g_print("%s: %s, kind '%s', %s%s%s\n", record->path, record->name, record->kind,
			states[record->state], record->error != NULL ? ": " : "",
			record->error != NULL ? record->error : "");
	}
	record = records->len == 1 ? g_ptr_array_index(records, 0) : NULL;
	ok = record != NULL && g_strcmp0(record->name, "sdk-sample") == 0 &&
	     g_strcmp0(record->kind, "transport") == 0 &&
	     record->state == TR_PLUGIN_STATE_STARTED &&
	     tr_engine_find_transport(engine, "SDK") == TR_TRANSPORT(record->plugin) &&
	     g_object_get_data(G_OBJECT(engine), "sdk-sample-started") != NULL;
	if (!ok)
		g_printerr("the sample plugin did not load and start as a transport for SDK\n");
	tr_engine_shutdown(engine);
	return ok ? 0 : 1;
}
