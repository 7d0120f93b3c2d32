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
	/* in the plain C locale gettext ignores LANGUAGE, which the web pages'
	 * per-request language needs (tr_i18n_push_language); C.UTF-8 is the
	 * same locale otherwise and is always there on glibc systems */
	{
		const gchar *messages = setlocale(LC_MESSAGES, NULL);
		if (messages == NULL || g_strcmp0(messages, "C") == 0 ||
		    g_strcmp0(messages, "POSIX") == 0)
			setlocale(LC_MESSAGES, "C.UTF-8");
	}
	bindtextdomain(GETTEXT_PACKAGE, localedir != NULL ? localedir : TR_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}

#ifdef __GLIBC__
/* glibc's gettext caches translations; this counter invalidates the cache, as
 * the gettext manual says to do after changing LANGUAGE */
extern int _nl_msg_cat_cntr;
#endif

/**
 * tr_i18n_push_language:
 * @language: (nullable): a language code such as "de", or %NULL or "en" for
 *   the untranslated messages
 *
 * Makes the core's messages (_()) come in @language until
 * tr_i18n_pop_language(): for a front-end answering a request in the
 * language of the one who asked. The daemon has one thread, so this is safe
 * between two returns to the main loop.
 *
 * Returns: (transfer full) (nullable): what to give tr_i18n_pop_language()
 */
gchar *
tr_i18n_push_language(const gchar *language)
{
	gchar *previous = g_strdup(g_getenv("LANGUAGE"));

	if (language == NULL || g_str_equal(language, "en"))
		language = "en";
	g_setenv("LANGUAGE", language, TRUE);
#ifdef __GLIBC__
	++_nl_msg_cat_cntr;
#endif
	return previous;
}

/**
 * tr_i18n_pop_language:
 * @previous: (transfer full) (nullable): what tr_i18n_push_language() returned
 */
void
tr_i18n_pop_language(gchar *previous)
{
	if (previous != NULL)
		g_setenv("LANGUAGE", previous, TRUE);
	else
		g_unsetenv("LANGUAGE");
#ifdef __GLIBC__
	++_nl_msg_cat_cntr;
#endif
	g_free(previous);
}
