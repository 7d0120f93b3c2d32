/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "tr-catalog.h"

G_BEGIN_DECLS

typedef enum {
	TR_PARAM_TYPE_STRING,
	TR_PARAM_TYPE_PASSWORD,
	TR_PARAM_TYPE_BOOL,
	TR_PARAM_TYPE_INT,
	TR_PARAM_TYPE_FLOAT,
	TR_PARAM_TYPE_ENUM,
	TR_PARAM_TYPE_HOST,
	TR_PARAM_TYPE_IP,
	TR_PARAM_TYPE_URI,
	TR_PARAM_TYPE_TONE,
} TrParamType;

/* user access, as the SPA's ua="na|ro|rw" */
typedef enum {
	TR_ACCESS_NA,
	TR_ACCESS_RO,
	TR_ACCESS_RW,
} TrAccess;

typedef enum {
	TR_VIEW_BASIC,
	TR_VIEW_ADVANCED,
} TrView;

/**
 * TrParam:
 *
 * One parameter of a device, immutable once made: the schema entry with its
 * index applied. `name` is the SPA element name (`SIP_Transport_1_`),
 * `base_name` the schema name (`SIP_Transport`), `index` the line/extension
 * number or 0 for a global parameter (the PSTN line of an SPA3102 has the
 * number after the last line). `hashed` marks a web login password that
 * is kept only as a `$pbkdf2-sha256$` hash (see tr-password.h).
 */
typedef struct {
	gchar *name;
	gchar *base_name;
	guint index;
	gchar *label;
	gchar *tab;
	gchar *section;
	gchar *section_label;
	gchar *description;
	TrParamType type;
	TrAccess access;
	TrView view;
	gchar *default_value;
	gint64 min;
	gint64 max;
	gdouble fmin;
	gdouble fmax;
	gboolean hex;
	guint max_length;
	GStrv values;
	gboolean hashed;
	/*< private >*/
	gint ref_count;
} TrParam;

#define TR_TYPE_PARAM (tr_param_get_type())
GType tr_param_get_type(void);
TrParam *tr_param_ref(TrParam *param);
void tr_param_unref(TrParam *param);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrParam, tr_param_unref)

TrParam *tr_param_new(void);
TrParam *tr_param_copy_for_index(const TrParam *tmpl, guint index);

gboolean tr_param_is_secret(const TrParam *param);
gboolean tr_param_validate(const TrParam *param, const gchar *value, gchar **canonical,
			   GError **error);
gboolean tr_param_validate_in(const TrParam *param, const gchar *value, gchar **canonical,
			      TrCatalog *catalog, GError **error);
gchar *tr_param_describe_allowed(const TrParam *param);
gchar *tr_param_describe_allowed_in(const TrParam *param, TrCatalog *catalog);

const gchar *tr_param_type_to_string(TrParamType type);
gboolean tr_param_type_from_string(const gchar *str, TrParamType *type);
const gchar *tr_access_to_string(TrAccess access);
gboolean tr_access_from_string(const gchar *str, TrAccess *access);

gchar *tr_param_name_normalize(const gchar *name);
gchar *tr_param_name_to_bracket(const TrParam *param);

#define TR_PARAM_SECRET_MASK "********"

G_END_DECLS
