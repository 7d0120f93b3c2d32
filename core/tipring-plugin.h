/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/*
 * The tipring plugin SDK: the only header a plugin includes. See
 * docs/architecture.md for the four plugin kinds and how to write one.
 */

#include "tr-catalog.h"
#include "tr-device-backend.h"
#include "tr-device.h"
#include "tr-engine.h"
#include "tr-error.h"
#include "tr-frontend.h"
#include "tr-i18n.h"
#include "tr-line.h"
#include "tr-media.h"
#include "tr-model.h"
#include "tr-param.h"
#include "tr-password.h"
#include "tr-plugin.h"
#include "tr-profile.h"
#include "tr-provisioner.h"
#include "tr-schema.h"
#include "tr-store.h"
#include "tr-tone.h"
#include "tr-transport.h"
