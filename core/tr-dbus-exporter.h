/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-engine.h"

G_BEGIN_DECLS

#define TR_TYPE_DBUS_EXPORTER (tr_dbus_exporter_get_type())
G_DECLARE_FINAL_TYPE(TrDbusExporter, tr_dbus_exporter, TR, DBUS_EXPORTER, GObject)

TrDbusExporter *tr_dbus_exporter_new(TrEngine *engine, GDBusConnection *connection, GError **error);
GDBusConnection *tr_dbus_exporter_get_connection(TrDbusExporter *self);

G_END_DECLS
