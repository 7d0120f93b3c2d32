/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "tr-device-backend.h"

G_BEGIN_DECLS

#define TR_TYPE_LINE (tr_line_get_type())
G_DECLARE_FINAL_TYPE(TrLine, tr_line, TR, LINE, GObject)

TrLine *tr_line_new(TrDevice *device, guint index);
TrDevice *tr_line_get_device(TrLine *self);
guint tr_line_get_index(TrLine *self);
gboolean tr_line_get_enabled(TrLine *self);
const gchar *tr_line_get_transport(TrLine *self);
gchar *tr_line_param_name(TrLine *self, const gchar *base_name);

G_END_DECLS
