/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tipring-plugin.h"

/*
 * The test plugins export nothing but their entry point, so they report to
 * test-plugin-loader through the engine: when the test has put a GPtrArray
 * under this key, each start and stop appends "start NAME" / "stop NAME".
 */
#define TEST_PLUGIN_EVENTS_KEY "test-plugin-events"

static inline void
test_plugin_note(TrPlugin *plugin, const gchar *what)
{
	TrEngine *engine = tr_plugin_get_engine(plugin);
	GPtrArray *events;

	if (engine == NULL)
		return;
	events = g_object_get_data(G_OBJECT(engine), TEST_PLUGIN_EVENTS_KEY);
	if (events != NULL)
		g_ptr_array_add(events, g_strdup_printf("%s %s", what, tr_plugin_get_name(plugin)));
}
