/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* every user-facing string of tipring goes through the "tipring" domain */
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void tr_i18n_init(void);
gchar *tr_i18n_push_language(const gchar *language);
void tr_i18n_pop_language(gchar *previous);

G_END_DECLS
