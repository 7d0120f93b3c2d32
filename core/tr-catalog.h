/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TrCatalog:
 *
 * The "tipring" messages of one language, read from its compiled `.mo` file
 * without setlocale(): what a front-end uses to answer each request in the
 * language of that request (web pages, whatever the daemon's locale).
 *
 * Catalogues are cached for the life of the process and never freed: the
 * strings they return stay valid, and callers neither ref nor unref them.
 * Thread-safe.
 */
typedef struct _TrCatalog TrCatalog;

TrCatalog *tr_catalog_get(const gchar *language);
const gchar *tr_catalog_get_language(TrCatalog *self);
const gchar *tr_catalog_gettext(TrCatalog *self, const gchar *msgid) G_GNUC_FORMAT(2);
const gchar *tr_catalog_pgettext(TrCatalog *self, const gchar *context, const gchar *msgid);
const gchar *tr_catalog_ngettext(TrCatalog *self, const gchar *msgid, const gchar *msgid_plural,
				 gulong n) G_GNUC_FORMAT(3);
const gchar *tr_catalog_get_tab_label(TrCatalog *self, const gchar *tab_id);

gchar *tr_catalog_negotiate(const gchar *accept_language, const gchar *configured);

G_END_DECLS
