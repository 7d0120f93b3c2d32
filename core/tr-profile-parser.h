/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* larger inputs (and gzip inputs that inflate to more) are refused before parsing */
#define TR_PROFILE_MAX_SIZE (16 * 1024 * 1024)
/* XML element nesting and text import nesting */
#define TR_PROFILE_MAX_DEPTH 32

/**
 * TrProfileEntry:
 * @name: the parameter name, normalized: `SIP_Transport[1]` becomes `SIP_Transport_1_`
 * @value: the decoded, trimmed value; %NULL leaves the value unchanged
 * @access: %NULL, or the user access "na", "ro" or "rw"
 * @file: the imported file the entry came from, or %NULL for the main input
 * @line: the 1-based line of the entry
 * @column: the 1-based column of the entry, in characters
 *
 * One parameter assignment of a profile, as written. Nothing is checked
 * against a schema: the caller validates the names and values.
 */
typedef struct {
	gchar *name;
	gchar *value;
	gchar *access;
	gchar *file;
	guint line;
	guint column;
} TrProfileEntry;

/**
 * TrProfile:
 * @entries: the #TrProfileEntry of the profile in document order; a name may
 *   occur more than once and the caller lets the last one win
 *
 * A parsed SPA profile (XML flat profile or legacy text profile).
 */
typedef struct {
	GPtrArray *entries;
} TrProfile;

TrProfile *tr_profile_new(void);
void tr_profile_free(TrProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrProfile, tr_profile_free)

/**
 * TrProfileImportFunc:
 * @name: the file name as written after `import`
 * @from_file: the file holding the `import`, or the main input's file name
 *   (which may be %NULL)
 * @resolved: (out) (optional): a canonical name for the file (used for loop
 *   detection and in messages), or %NULL to use @name
 * @user_data: the data given to tr_profile_parse_text()
 * @error: return location for an error
 *
 * Loads a file named by `import` in a text profile.
 *
 * Returns: (transfer full): the file's bytes, or %NULL with @error set
 */
typedef GBytes *(*TrProfileImportFunc)(const gchar *name, const gchar *from_file, gchar **resolved,
				       gpointer user_data, GError **error);

gchar *tr_profile_format_position(const gchar *file, guint line, guint column);

TrProfile *tr_profile_parse_xml(const guint8 *data, gsize len, GError **error);
TrProfile *tr_profile_parse_text(const guint8 *data, gsize len, const gchar *filename,
				 TrProfileImportFunc import_func, gpointer user_data,
				 GError **error);
TrProfile *tr_profile_parse(const guint8 *data, gsize len, const gchar *filename,
			    TrProfileImportFunc import_func, gpointer user_data, GError **error);

G_END_DECLS
