/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tipring-plugin.h"

G_BEGIN_DECLS

#define TR_TYPE_WEB_SERVER (tr_web_server_get_type())
G_DECLARE_FINAL_TYPE(TrWebServer, tr_web_server, TR, WEB_SERVER, GObject)

TrWebServer *tr_web_server_new(TrEngine *engine, TrDevice *device);
void tr_web_server_start(TrWebServer *self);
void tr_web_server_stop(TrWebServer *self);

G_END_DECLS
