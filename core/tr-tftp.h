/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* the well-known TFTP port */
#define TR_TFTP_DEFAULT_PORT 69

void tr_tftp_get_async(const gchar *host, guint16 port, const gchar *path, gsize max_size,
		       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GBytes *tr_tftp_get_finish(GAsyncResult *result, GError **error);

G_END_DECLS
