/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* what every stored hash starts with: `$pbkdf2-sha256$ITERATIONS$SALT$HASH` */
#define TR_PASSWORD_HASH_PREFIX "$pbkdf2-sha256$"

gchar *tr_password_hash(const gchar *password);
gboolean tr_password_is_hash(const gchar *value);
gboolean tr_password_verify(const gchar *stored, const gchar *password);

G_END_DECLS
