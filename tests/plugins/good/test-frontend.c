/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/*
 * A front-end for adaptors only. It counts what the core gives it, as
 * object data the test reads: on itself "devices-added" and
 * "devices-removed", on each device "test-frontend-added".
 */
#define TEST_TYPE_FRONTEND (test_frontend_get_type())
G_DECLARE_FINAL_TYPE(TestFrontend, test_frontend, TEST, FRONTEND, TrFrontend)

struct _TestFrontend {
	TrFrontend parent_instance;
};

G_DEFINE_TYPE(TestFrontend, test_frontend, TR_TYPE_FRONTEND)

static const gchar *const test_frontend_tags[] = {"ata", NULL};

static void
count(gpointer object, const gchar *key)
{
	guint n = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(object), key));
	g_object_set_data(G_OBJECT(object), key, GUINT_TO_POINTER(n + 1));
}

static gboolean
test_frontend_start(TrPlugin *plugin, GError **error)
{
	test_plugin_note(plugin, "start");
	return TRUE;
}

static void
test_frontend_stop(TrPlugin *plugin)
{
	test_plugin_note(plugin, "stop");
}

static gboolean
test_frontend_device_added(TrFrontend *self, TrDevice *device, GError **error)
{
	count(self, "devices-added");
	count(device, "test-frontend-added");
	return TRUE;
}

static void
test_frontend_device_removed(TrFrontend *self, TrDevice *device)
{
	count(self, "devices-removed");
}

static void
test_frontend_class_init(TestFrontendClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_frontend_start;
	TR_PLUGIN_CLASS(klass)->stop = test_frontend_stop;
	TR_FRONTEND_CLASS(klass)->required_tags = test_frontend_tags;
	TR_FRONTEND_CLASS(klass)->device_added = test_frontend_device_added;
	TR_FRONTEND_CLASS(klass)->device_removed = test_frontend_device_removed;
}

static void
test_frontend_init(TestFrontend *self)
{
}

TR_PLUGIN_DEFINE("test-frontend", "Test front-end for adaptors", test_frontend_get_type)
