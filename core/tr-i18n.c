/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <locale.h>

#include "tr-i18n.h"

/**
 * tr_i18n_init:
 *
 * Sets the locale from the environment and binds the "tipring" text domain.
 * `TIPRING_LOCALEDIR` overrides the installed catalogue directory, for
 * running from the build tree (tests, `meson devenv`).
 */
void
tr_i18n_init(void)
{
	const gchar *localedir = g_getenv("TIPRING_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, localedir != NULL ? localedir : TR_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}
