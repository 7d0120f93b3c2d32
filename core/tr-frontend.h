/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-device-backend.h"
#include "tr-plugin.h"

G_BEGIN_DECLS

#define TR_TYPE_FRONTEND (tr_frontend_get_type())
G_DECLARE_DERIVABLE_TYPE(TrFrontend, tr_frontend, TR, FRONTEND, TrPlugin)

/**
 * TrFrontendClass:
 * @required_tags: (array zero-terminated=1) (nullable): model tags a device
 *   needs for this front-end ("lcd", "ata"); %NULL serves every device
 * @device_added: a device that matches appeared
 * @device_removed: (nullable): that device goes away
 *
 * A front-end: web admin, IVR, LCD. It attaches to each matching device.
 */
struct _TrFrontendClass {
	TrPluginClass parent_class;
	const gchar *const *required_tags;
	gboolean (*device_added)(TrFrontend *self, TrDevice *device, GError **error);
	void (*device_removed)(TrFrontend *self, TrDevice *device);
	/*< private >*/
	gpointer padding[12];
};

gboolean tr_frontend_wants_model(TrFrontend *self, const TrModel *model);
gboolean tr_frontend_device_added(TrFrontend *self, TrDevice *device, GError **error);
void tr_frontend_device_removed(TrFrontend *self, TrDevice *device);

G_END_DECLS
