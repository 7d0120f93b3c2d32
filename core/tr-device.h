/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "tr-device-backend.h"
#include "tr-line.h"
#include "tr-store.h"

G_BEGIN_DECLS

#define TR_TYPE_DEVICE (tr_device_get_type())
G_DECLARE_FINAL_TYPE(TrDevice, tr_device, TR, DEVICE, GObject)

TrDevice *tr_device_new(TrDeviceBackend *backend, const TrModel *model, const gchar *name,
			guint index, TrSchema *tmpl, const gchar *state_dir, GError **error);

const TrModel *tr_device_get_model(TrDevice *self);
TrDeviceBackend *tr_device_get_backend(TrDevice *self);
const gchar *tr_device_get_name(TrDevice *self);
guint tr_device_get_index(TrDevice *self);
const gchar *tr_device_get_serial(TrDevice *self);
const gchar *tr_device_get_mac_address(TrDevice *self);
const gchar *tr_device_get_firmware_version(TrDevice *self);
const gchar *tr_device_get_state_dir(TrDevice *self);
TrStore *tr_device_get_store(TrDevice *self);
GPtrArray *tr_device_get_lines(TrDevice *self);
TrLine *tr_device_get_line(TrDevice *self, guint index);

gboolean tr_device_name_is_valid(const gchar *name);

G_END_DECLS
