/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * The SPA3102: one phone port and one line, a PSTN line port (FXO) with its
 * own PSTN Line tab, and a router.
 */
#define TR_TYPE_DEVICE_SPA3102 (tr_device_spa3102_get_type())
G_DECLARE_FINAL_TYPE(TrDeviceSpa3102, tr_device_spa3102, TR, DEVICE_SPA3102, TrDeviceBackend)

struct _TrDeviceSpa3102 {
	TrDeviceBackend parent_instance;
};

G_DEFINE_TYPE(TrDeviceSpa3102, tr_device_spa3102, TR_TYPE_DEVICE_BACKEND)

static const gchar *const spa3102_tags[] = {"ata", "router", "fxo", NULL};
static const gchar *const spa3102_tabs[] = {
	"Info", "System", "SIP", "Provisioning", "Regional", "Line", "PSTN", "User", NULL};

static const TrModel spa3102 = {
	.name = "SPA3102",
	.description = N_("Phone adapter with router, 1 phone port and a PSTN line port"),
	.kind = TR_MODEL_KIND_ATA,
	.n_lines = 1,
	.n_fxs_ports = 1,
	.n_fxo_ports = 1,
	.hardware_version = "1.0.1",
	.tags = spa3102_tags,
	.web_tabs = spa3102_tabs,
};

static const TrModel *const spa3102_models[] = {&spa3102, NULL};

static void
tr_device_spa3102_class_init(TrDeviceSpa3102Class *klass)
{
	TR_DEVICE_BACKEND_CLASS(klass)->models = spa3102_models;
}

static void
tr_device_spa3102_init(TrDeviceSpa3102 *self)
{
}

TR_PLUGIN_DEFINE("device-spa3102", "Linksys/Cisco SPA3102", tr_device_spa3102_get_type)
