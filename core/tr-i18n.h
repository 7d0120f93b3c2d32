/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* every user-facing string of tipring goes through the "tipring" domain */
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void tr_i18n_init(void);

G_END_DECLS
