/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-model.h"
#include "tr-plugin.h"

G_BEGIN_DECLS

typedef struct _TrDevice TrDevice;

#define TR_TYPE_DEVICE_BACKEND (tr_device_backend_get_type())
G_DECLARE_DERIVABLE_TYPE(TrDeviceBackend, tr_device_backend, TR, DEVICE_BACKEND, TrPlugin)

/**
 * TrDeviceBackendClass:
 * @models: (array zero-terminated=1): the models the backend serves; set in
 *   class_init
 * @setup_device: (nullable): called when a device of one of its models is
 *   created, before the device is exported; the backend attaches its
 *   hardware (or emulation) here
 *
 * A device backend: one family of devices, emulated or real.
 */
struct _TrDeviceBackendClass {
	TrPluginClass parent_class;
	const TrModel *const *models;
	gboolean (*setup_device)(TrDeviceBackend *self, TrDevice *device, GError **error);
	/*< private >*/
	gpointer padding[12];
};

const TrModel *const *tr_device_backend_get_models(TrDeviceBackend *self);
const TrModel *tr_device_backend_find_model(TrDeviceBackend *self, const gchar *name);
gboolean tr_device_backend_setup_device(TrDeviceBackend *self, TrDevice *device, GError **error);

G_END_DECLS
