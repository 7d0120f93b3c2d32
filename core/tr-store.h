/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-schema.h"

G_BEGIN_DECLS

#define TR_TYPE_STORE (tr_store_get_type())
G_DECLARE_FINAL_TYPE(TrStore, tr_store, TR, STORE, GObject)

TrStore *tr_store_new(TrSchema *schema, const gchar *path);
gboolean tr_store_load(TrStore *self, GError **error);
TrSchema *tr_store_get_schema(TrStore *self);
const gchar *tr_store_get_path(TrStore *self);

const gchar *tr_store_get(TrStore *self, const gchar *name);
gboolean tr_store_get_bool(TrStore *self, const gchar *name);
gint64 tr_store_get_int(TrStore *self, const gchar *name);
gdouble tr_store_get_double(TrStore *self, const gchar *name);
TrAccess tr_store_get_access(TrStore *self, const gchar *name);
gboolean tr_store_is_default(TrStore *self, const gchar *name);

gboolean tr_store_set(TrStore *self, const gchar *name, const gchar *value, GError **error);
gboolean tr_store_set_many(TrStore *self, GHashTable *values, GError **error);
gboolean tr_store_apply(TrStore *self, GHashTable *values, GHashTable *access, GError **error);
gboolean tr_store_factory_reset(TrStore *self, GError **error);

G_END_DECLS
