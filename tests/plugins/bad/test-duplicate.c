/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/*
 * Another transport that calls itself "test-transport", as a stale copy of a
 * plugin left in a second directory would; only the first one loaded may run.
 */
#define TEST_TYPE_DUPLICATE (test_duplicate_get_type())
G_DECLARE_FINAL_TYPE(TestDuplicate, test_duplicate, TEST, DUPLICATE, TrTransport)

struct _TestDuplicate {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TestDuplicate, test_duplicate, TR_TYPE_TRANSPORT)

static gboolean
test_duplicate_start(TrPlugin *plugin, GError **error)
{
	test_plugin_note(plugin, "start-duplicate");
	return TRUE;
}

static void
test_duplicate_class_init(TestDuplicateClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_duplicate_start;
	TR_TRANSPORT_CLASS(klass)->protocol = "TST2";
}

static void
test_duplicate_init(TestDuplicate *self)
{
}

TR_PLUGIN_DEFINE("test-transport", "A second plugin named test-transport", test_duplicate_get_type)
