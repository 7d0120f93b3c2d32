/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/*
 * _() and N_() for the text domain GETTEXT_PACKAGE, when the includer defines
 * it: "tipring" in the core and the plugins built with it (config.h), the
 * plugin's own domain in a plugin built out of tree (docs/architecture.md).
 * Without it, nothing: the SDK never picks a domain for its includer.
 */
#ifdef GETTEXT_PACKAGE
#include <glib/gi18n-lib.h>
#endif

G_BEGIN_DECLS

void tr_i18n_init(void);

G_END_DECLS
