/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-plugin.h"

G_BEGIN_DECLS

/* core-private: plugins never load plugins */
const TrPluginDescriptor *tr_plugin_loader_open(const gchar *path, GError **error);
TrPlugin *tr_plugin_loader_instantiate(const TrPluginDescriptor *descriptor, TrEngine *engine,
				       GError **error);

G_END_DECLS
