/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	TR_MODEL_KIND_ATA,
	TR_MODEL_KIND_PHONE,
} TrModelKind;

/**
 * TrModel:
 * @name: the model name users give to `--device`, e.g. "SPA2102"
 * @description: one line, marked with N_() for translation
 * @kind: analog telephone adaptor or IP phone
 * @n_lines: lines (ATA) or extensions (phone)
 * @n_fxs_ports: analog phone ports
 * @n_fxo_ports: PSTN line ports
 * @lcd_width: LCD width in pixels, 0 without a display
 * @lcd_height: LCD height in pixels
 * @hardware_version: as the Info page shows it
 * @tags: (array zero-terminated=1): schema tags; a parameter marked
 *   `only="router"` exists only on models with the tag "router". Front-ends
 *   match their needs against them too.
 * @web_tabs: (array zero-terminated=1): the web admin's tabs in order, by
 *   the schema's tab ids; "Line" stands for "Line 1".."Line N" (ATAs) or
 *   "Ext 1".."Ext N" (phones), and "User" for "User 1".."User N" on the
 *   ATAs and the single "User" tab on the phones
 *
 * What a device backend declares about a model it serves; the core has no
 * table of its own.
 */
typedef struct {
	const gchar *name;
	const gchar *description;
	TrModelKind kind;
	guint n_lines;
	guint n_fxs_ports;
	guint n_fxo_ports;
	guint lcd_width;
	guint lcd_height;
	const gchar *hardware_version;
	const gchar *const *tags;
	const gchar *const *web_tabs;
	/*< private >*/
	gpointer padding[8];
} TrModel;

const gchar *tr_model_get_line_label(const TrModel *model);
gboolean tr_model_has_tag(const TrModel *model, const gchar *tag);

G_END_DECLS
