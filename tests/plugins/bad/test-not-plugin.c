/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/* a well-formed module whose type is a plain GObject, not a plugin kind */
#define TEST_TYPE_NOT_PLUGIN (test_not_plugin_get_type())
G_DECLARE_FINAL_TYPE(TestNotPlugin, test_not_plugin, TEST, NOT_PLUGIN, GObject)

struct _TestNotPlugin {
	GObject parent_instance;
};

G_DEFINE_TYPE(TestNotPlugin, test_not_plugin, G_TYPE_OBJECT)

static void
test_not_plugin_class_init(TestNotPluginClass *klass)
{
}

static void
test_not_plugin_init(TestNotPlugin *self)
{
}

TR_PLUGIN_DEFINE("test-not-plugin", "A GObject that is no plugin", test_not_plugin_get_type)
