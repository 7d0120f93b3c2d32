/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/*
 * A transport that forgot to say which SIP_Transport it serves: the core
 * could never route a line to it, so the loader refuses it.
 */
#define TEST_TYPE_NO_PROTOCOL (test_no_protocol_get_type())
G_DECLARE_FINAL_TYPE(TestNoProtocol, test_no_protocol, TEST, NO_PROTOCOL, TrTransport)

struct _TestNoProtocol {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TestNoProtocol, test_no_protocol, TR_TYPE_TRANSPORT)

static void
test_no_protocol_class_init(TestNoProtocolClass *klass)
{
}

static void
test_no_protocol_init(TestNoProtocol *self)
{
}

TR_PLUGIN_DEFINE("test-no-protocol", "A transport without a protocol", test_no_protocol_get_type)
