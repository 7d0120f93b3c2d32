/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "test-plugin-events.h"

/* a device backend for the made-up one-line adaptor TEST100 */
#define TEST_TYPE_DEVICE (test_device_get_type())
G_DECLARE_FINAL_TYPE(TestDevice, test_device, TEST, DEVICE, TrDeviceBackend)

struct _TestDevice {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TestDevice, test_device, TR_TYPE_DEVICE_BACKEND)

static const gchar *const test100_tags[] = {"ata", NULL};
static const gchar *const test100_tabs[] = {"Info", "System", "SIP", "Line", NULL};

static const TrModel test100 = {
	.name = "TEST100",
	.description = "Test adaptor, 1 phone port",
	.kind = TR_MODEL_KIND_ATA,
	.n_lines = 1,
	.n_fxs_ports = 1,
	.hardware_version = "0.0.1",
	.tags = test100_tags,
	.web_tabs = test100_tabs,
};

static const TrModel *const test_models[] = {&test100, NULL};

static gboolean
test_device_start(TrPlugin *plugin, GError **error)
{
	test_plugin_note(plugin, "start");
	return TRUE;
}

static void
test_device_stop(TrPlugin *plugin)
{
	test_plugin_note(plugin, "stop");
}

/* marks the device so the test can see the backend's hook ran */
static gboolean
test_device_setup_device(TrDeviceBackend *backend, TrDevice *device, GError **error)
{
	g_object_set_data(G_OBJECT(device), "test-device-setup", GINT_TO_POINTER(TRUE));
	return TRUE;
}

static void
test_device_class_init(TestDeviceClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = test_device_start;
	TR_PLUGIN_CLASS(klass)->stop = test_device_stop;
	TR_DEVICE_BACKEND_CLASS(klass)->models = test_models;
	TR_DEVICE_BACKEND_CLASS(klass)->setup_device = test_device_setup_device;
}

static void
test_device_init(TestDevice *self)
{
}

TR_PLUGIN_DEFINE("test-device", "Test device backend", test_device_get_type)
