/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/* a media plugin that claims G.711 µ-law */
#define TEST_TYPE_MEDIA (test_media_get_type())
G_DECLARE_FINAL_TYPE(TestMedia, test_media, TEST, MEDIA, TrMedia)

struct _TestMedia {
	TrMedia parent_instance;
};

G_DEFINE_TYPE(TestMedia, test_media, TR_TYPE_MEDIA)

static const gchar *const test_media_encodings[] = {"PCMU/8000", NULL};

static gboolean
test_media_start(TrPlugin *plugin, GError **error)
{
	test_plugin_note(plugin, "start");
	return TRUE;
}

static void
test_media_stop(TrPlugin *plugin)
{
	test_plugin_note(plugin, "stop");
}

static void
test_media_class_init(TestMediaClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_media_start;
	TR_PLUGIN_CLASS(klass)->stop = test_media_stop;
	TR_MEDIA_CLASS(klass)->encodings = test_media_encodings;
}

static void
test_media_init(TestMedia *self)
{
}

TR_PLUGIN_DEFINE("test-media", "Test media, PCMU only", test_media_get_type)
