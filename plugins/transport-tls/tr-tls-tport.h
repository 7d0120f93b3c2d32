/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean tr_tls_tport_check_version(const gchar *dpkg_status_path, GError **error);
gboolean tr_tls_tport_register(GError **error);

/* for tests: the name a server must prove, and whether it goes in SNI */
gchar *tr_tls_tport_peer_name(const gchar *server_name, const gchar *uri_host, gboolean *use_sni);

G_END_DECLS
