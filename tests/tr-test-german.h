/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "tr-i18n.h"

/*
 * This process speaks German from now on, with the catalogue the build made
 * (TIPRING_LOCALEDIR, as meson test sets it): for a test's subprocess, since
 * gettext's language is the process's. A catalogue that is missing fails the
 * test, it does not skip it.
 */
static inline void
tr_test_speak_german(void)
{
	const gchar *localedir = g_getenv("TIPRING_LOCALEDIR");
	g_autofree gchar *mo = NULL;

	if (localedir == NULL)
		g_error("TIPRING_LOCALEDIR is not set");
	mo = g_build_filename(localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
	if (!g_file_test(mo, G_FILE_TEST_IS_REGULAR))
		g_error("no German catalogue was built: %s", mo);
	g_setenv("LC_ALL", "C.UTF-8", TRUE);
	g_setenv("LANGUAGE", "de", TRUE);
	tr_i18n_init();
}
