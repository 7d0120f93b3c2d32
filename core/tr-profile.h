/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-profile-parser.h"
#include "tr-store.h"

G_BEGIN_DECLS

typedef enum {
	TR_PROFILE_FORMAT_XML,
	TR_PROFILE_FORMAT_TEXT,
} TrProfileFormat;

/* admin: every parameter with its access; user: what the user may see */
typedef enum {
	TR_PROFILE_LEVEL_ADMIN,
	TR_PROFILE_LEVEL_USER,
} TrProfileLevel;

gboolean tr_profile_format_from_string(const gchar *str, TrProfileFormat *format);
gboolean tr_profile_level_from_string(const gchar *str, TrProfileLevel *level);

gboolean tr_profile_apply(TrProfile *profile, TrStore *store, GStrv *warnings, GError **error);
gchar *tr_profile_resolve_import(const gchar *name, const gchar *from_file);
gboolean tr_profile_import(TrStore *store, const guint8 *data, gsize len, const gchar *filename,
			   GHashTable *imports, GStrv *warnings, GError **error);
gchar *tr_profile_export(TrStore *store, TrProfileFormat format, TrProfileLevel level,
			 const gchar *comment);

G_END_DECLS
