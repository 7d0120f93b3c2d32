/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * The SPA2102: two phone ports, two lines, and a router (WAN/LAN). The
 * emulated hardware needs no setup beyond what the core does.
 */
#define TR_TYPE_DEVICE_SPA2102 (tr_device_spa2102_get_type())
G_DECLARE_FINAL_TYPE(TrDeviceSpa2102, tr_device_spa2102, TR, DEVICE_SPA2102, TrDeviceBackend)

struct _TrDeviceSpa2102 {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TrDeviceSpa2102, tr_device_spa2102, TR_TYPE_DEVICE_BACKEND)

static const gchar *const spa2102_tags[] = {"ata", "router", NULL};
static const gchar *const spa2102_tabs[] = {"Info",	"System", "SIP",  "Provisioning",
					    "Regional", "Line",	  "User", NULL};

static const TrModel spa2102 = {
	.name = "SPA2102",
	.description = N_("Phone adapter with router, 2 phone ports"),
	.kind = TR_MODEL_KIND_ATA,
	.n_lines = 2,
	.n_fxs_ports = 2,
	.hardware_version = "1.0.1",
	.tags = spa2102_tags,
	.web_tabs = spa2102_tabs,
};

static const TrModel *const spa2102_models[] = {&spa2102, NULL};

static void
tr_device_spa2102_class_init(TrDeviceSpa2102Class *klass)
{
	TR_DEVICE_BACKEND_CLASS(klass)->models = spa2102_models;
}

static void
tr_device_spa2102_init(TrDeviceSpa2102 *self)
{
}

TR_PLUGIN_DEFINE("device-spa2102", "Linksys/Cisco SPA2102", tr_device_spa2102_get_type)
