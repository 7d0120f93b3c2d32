/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * A plugin built against a future SDK: a good transport otherwise, with the
 * descriptor written out by hand to carry the next ABI version. The loader
 * must refuse it before it calls anything else in it.
 */
#define TEST_TYPE_ABI (test_abi_get_type())
G_DECLARE_FINAL_TYPE(TestAbi, test_abi, TEST, ABI, TrTransport)

struct _TestAbi {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TestAbi, test_abi, TR_TYPE_TRANSPORT)

static void
test_abi_class_init(TestAbiClass *klass)
{
	TR_TRANSPORT_CLASS(klass)->protocol = "ABI";
}

static void
test_abi_init(TestAbi *self)
{
}

G_MODULE_EXPORT const TrPluginDescriptor *tr_plugin_describe(void);

const TrPluginDescriptor *
tr_plugin_describe(void)
{
	static const TrPluginDescriptor descriptor = {TR_PLUGIN_ABI_VERSION + 1, "test-abi",
						      "Built for the next plugin ABI",
						      test_abi_get_type};
	return &descriptor;
}
