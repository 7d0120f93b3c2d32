/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-device.h"

G_BEGIN_DECLS

gchar *tr_device_create_certificate(TrDevice *device, const gchar *ca_cert_file,
				    const gchar *ca_key_file, GError **error);

G_END_DECLS
