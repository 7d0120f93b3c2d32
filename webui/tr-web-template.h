/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gchar *tr_web_template_render(const gchar *tmpl, GHashTable *vars);
void tr_web_append_escaped(GString *out, const gchar *text);
void tr_web_append_escaped_breakable(GString *out, const gchar *text);
void tr_web_append_json_string(GString *out, const gchar *text);

G_END_DECLS
