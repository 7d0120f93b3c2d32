/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * The SPA9x2 IP phones: one family, three models that differ in their
 * extensions (line keys) and their display.
 */
#define TR_TYPE_DEVICE_SPA9X2 (tr_device_spa9x2_get_type())
G_DECLARE_FINAL_TYPE(TrDeviceSpa9x2, tr_device_spa9x2, TR, DEVICE_SPA9X2, TrDeviceBackend)

struct _TrDeviceSpa9x2 {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TrDeviceSpa9x2, tr_device_spa9x2, TR_TYPE_DEVICE_BACKEND)

static const gchar *const spa9x2_tags[] = {"phone", "lcd", NULL};
static const gchar *const spa9x2_tabs[] = {
	"Info", "System", "SIP", "Provisioning", "Regional", "Phone", "Line", "User", NULL};

static const TrModel spa922 = {
	.name = "SPA922",
	.description = N_("IP phone, 1 extension, monochrome display"),
	.kind = TR_MODEL_KIND_PHONE,
	.n_lines = 1,
	.lcd_width = 128,
	.lcd_height = 64,
	.hardware_version = "1.0.0",
	.tags = spa9x2_tags,
	.web_tabs = spa9x2_tabs,
};

static const TrModel spa942 = {
	.name = "SPA942",
	.description = N_("IP phone, 4 extensions, monochrome display"),
	.kind = TR_MODEL_KIND_PHONE,
	.n_lines = 4,
	.lcd_width = 128,
	.lcd_height = 64,
	.hardware_version = "1.0.0",
	.tags = spa9x2_tags,
	.web_tabs = spa9x2_tabs,
};

static const TrModel spa962 = {
	.name = "SPA962",
	.description = N_("IP phone, 6 extensions, colour display"),
	.kind = TR_MODEL_KIND_PHONE,
	.n_lines = 6,
	.lcd_width = 320,
	.lcd_height = 240,
	.hardware_version = "1.0.0",
	.tags = spa9x2_tags,
	.web_tabs = spa9x2_tabs,
};

static const TrModel *const spa9x2_models[] = {&spa922, &spa942, &spa962, NULL};

static void
tr_device_spa9x2_class_init(TrDeviceSpa9x2Class *klass)
{
	TR_DEVICE_BACKEND_CLASS(klass)->models = spa9x2_models;
}

static void
tr_device_spa9x2_init(TrDeviceSpa9x2 *self)
{
}

TR_PLUGIN_DEFINE("device-spa9x2", "Linksys/Cisco SPA922, SPA942 and SPA962",
		 tr_device_spa9x2_get_type)
