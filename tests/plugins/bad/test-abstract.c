/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/* names the abstract base class itself, which cannot be instantiated */
TR_PLUGIN_DEFINE("test-abstract", "The abstract transport class", tr_transport_get_type)
