/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TR_DBUS_NAME "org.tipring.Tipring1"
#define TR_DBUS_PATH "/org/tipring/Tipring1"

typedef enum {
	TR_BUS_AUTO,
	TR_BUS_SESSION,
	TR_BUS_SYSTEM,
	TR_BUS_P2P,
} TrBusKind;

gchar *tr_bus_default_state_dir(gboolean system);
gchar *tr_bus_default_p2p_address(void);
gboolean tr_bus_session_available(void);
TrBusKind tr_bus_resolve(TrBusKind requested);
gchar *tr_bus_p2p_socket_path(const gchar *address);

G_END_DECLS
