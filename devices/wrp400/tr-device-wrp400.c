/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * The WRP400: a wireless router with two phone ports and two lines.
 */
#define TR_TYPE_DEVICE_WRP400 (tr_device_wrp400_get_type())
G_DECLARE_FINAL_TYPE(TrDeviceWrp400, tr_device_wrp400, TR, DEVICE_WRP400, TrDeviceBackend)

struct _TrDeviceWrp400 {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TrDeviceWrp400, tr_device_wrp400, TR_TYPE_DEVICE_BACKEND)

static const gchar *const wrp400_tags[] = {"ata", "router", "wifi", NULL};
static const gchar *const wrp400_tabs[] = {"Info",     "System", "SIP",	 "Provisioning",
					   "Regional", "Line",	 "User", NULL};

static const TrModel wrp400 = {
	.name = "WRP400",
	.description = N_("Wireless router with 2 phone ports"),
	.kind = TR_MODEL_KIND_ATA,
	.n_lines = 2,
	.n_fxs_ports = 2,
	.hardware_version = "1.0.0",
	.tags = wrp400_tags,
	.web_tabs = wrp400_tabs,
};

static const TrModel *const wrp400_models[] = {&wrp400, NULL};

static void
tr_device_wrp400_class_init(TrDeviceWrp400Class *klass)
{
	TR_DEVICE_BACKEND_CLASS(klass)->models = wrp400_models;
}

static void
tr_device_wrp400_init(TrDeviceWrp400 *self)
{
}

TR_PLUGIN_DEFINE("device-wrp400", "Linksys/Cisco WRP400", tr_device_wrp400_get_type)
