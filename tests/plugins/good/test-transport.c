/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/* a transport that serves the made-up SIP_Transport value "TST" */
#define TEST_TYPE_TRANSPORT (test_transport_get_type())
G_DECLARE_FINAL_TYPE(TestTransport, test_transport, TEST, TRANSPORT, TrTransport)

struct _TestTransport {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TestTransport, test_transport, TR_TYPE_TRANSPORT)

static gboolean
test_transport_start(TrPlugin *plugin, GError **error)
{
	test_plugin_note(plugin, "start");
	return TRUE;
}

static void
test_transport_stop(TrPlugin *plugin)
{
	test_plugin_note(plugin, "stop");
}

static void
test_transport_class_init(TestTransportClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_transport_start;
	TR_PLUGIN_CLASS(klass)->stop = test_transport_stop;
	TR_TRANSPORT_CLASS(klass)->protocol = "TST";
}

static void
test_transport_init(TestTransport *self)
{
}

TR_PLUGIN_DEFINE("test-transport", "Test transport", test_transport_get_type)
