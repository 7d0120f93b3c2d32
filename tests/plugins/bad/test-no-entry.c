/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * A transport whose author forgot TR_PLUGIN_DEFINE: with the plugin symbol
 * map, the module exports nothing at all.
 */
#define TEST_TYPE_NO_ENTRY (test_no_entry_get_type())
G_DECLARE_FINAL_TYPE(TestNoEntry, test_no_entry, TEST, NO_ENTRY, TrTransport)

struct _TestNoEntry {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TestNoEntry, test_no_entry, TR_TYPE_TRANSPORT)

static void
test_no_entry_class_init(TestNoEntryClass *klass)
{
	TR_TRANSPORT_CLASS(klass)->protocol = "NONE";
}

static void
test_no_entry_init(TestNoEntry *self)
{
}
