/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/*
 * A hardware backend on a machine without its hardware: it loads, but
 * start() fails, so its model BROKEN1 must never be offered.
 */
#define TEST_TYPE_START_FAILS (test_start_fails_get_type())
G_DECLARE_FINAL_TYPE(TestStartFails, test_start_fails, TEST, START_FAILS, TrDeviceBackend)

struct _TestStartFails {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TestStartFails, test_start_fails, TR_TYPE_DEVICE_BACKEND)

static const gchar *const broken1_tags[] = {"ata", NULL};

static const TrModel broken1 = {
	.name = "BROKEN1",
	.description = "Hardware that is not there",
	.kind = TR_MODEL_KIND_ATA,
	.n_lines = 1,
	.n_fxs_ports = 1,
	.tags = broken1_tags,
};

static const TrModel *const broken_models[] = {&broken1, NULL};

static gboolean
test_start_fails_start(TrPlugin *plugin, GError **error)
{
	g_set_error_literal(error, TR_ERROR, TR_ERROR_NOT_FOUND, "no hardware found");
	return FALSE;
}

/* never called: a plugin that did not start is not stopped */
static void
test_start_fails_stop(TrPlugin *plugin)
{
	test_plugin_note(plugin, "stop");
}

static void
test_start_fails_class_init(TestStartFailsClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_start_fails_start;
	TR_PLUGIN_CLASS(klass)->stop = test_start_fails_stop;
	TR_DEVICE_BACKEND_CLASS(klass)->models = broken_models;
}

static void
test_start_fails_init(TestStartFails *self)
{
}

TR_PLUGIN_DEFINE("test-start-fails", "A backend whose hardware is missing",
		 test_start_fails_get_type)
