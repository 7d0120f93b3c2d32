/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-param.h"

G_BEGIN_DECLS

#define TR_TYPE_SCHEMA (tr_schema_get_type())
G_DECLARE_FINAL_TYPE(TrSchema, tr_schema, TR, SCHEMA, GObject)

TrSchema *tr_schema_new_from_data(const gchar *data, gssize len, GError **error);
TrSchema *tr_schema_new_default(GError **error);
TrSchema *tr_schema_new_for_model(TrSchema *tmpl, guint n_lines, const gchar *const *tags,
				  GError **error);

GPtrArray *tr_schema_get_params(TrSchema *self);
guint tr_schema_get_size(TrSchema *self);
TrParam *tr_schema_lookup(TrSchema *self, const gchar *name);
gboolean tr_schema_is_template(TrSchema *self);

G_END_DECLS
