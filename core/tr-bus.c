/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-bus.h"

/*
 * Where tipringd listens and tipringctl looks, decided the same way by both:
 * the session bus when there is one, otherwise a private socket under
 * $XDG_RUNTIME_DIR (or the user's state dir).
 */

/**
 * tr_bus_default_state_dir:
 * @system: whether tipringd runs as the system service
 *
 * Returns: /var/lib/tipring for the system service, else
 * $XDG_STATE_HOME/tipring
 */
gchar *
tr_bus_default_state_dir(gboolean system)
{
	if (system)
		return g_strdup(TR_SYSTEM_STATE_DIR);
	return g_build_filename(g_get_user_state_dir(), "tipring", NULL);
}

gchar *
tr_bus_default_p2p_address(void)
{
	const gchar *runtime = g_getenv("XDG_RUNTIME_DIR");
	g_autofree gchar *dir = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *escaped = NULL;

	if (runtime != NULL && runtime[0] != '\0')
		dir = g_build_filename(runtime, "tipring", NULL);
	else
		dir = tr_bus_default_state_dir(FALSE);
	path = g_build_filename(dir, "tipringd.socket", NULL);
	escaped = g_dbus_address_escape_value(path);
	return g_strdup_printf("unix:path=%s", escaped);
}

gboolean
tr_bus_session_available(void)
{
	const gchar *address = g_getenv("DBUS_SESSION_BUS_ADDRESS");
	const gchar *runtime = g_getenv("XDG_RUNTIME_DIR");

	if (address != NULL && address[0] != '\0')
		return TRUE;
	if (runtime != NULL && runtime[0] != '\0') {
		g_autofree gchar *bus = g_build_filename(runtime, "bus", NULL);
		return g_file_test(bus, G_FILE_TEST_EXISTS);
	}
	return FALSE;
}

TrBusKind
tr_bus_resolve(TrBusKind requested)
{
	if (requested != TR_BUS_AUTO)
		return requested;
	return tr_bus_session_available() ? TR_BUS_SESSION : TR_BUS_P2P;
}

/**
 * tr_bus_p2p_socket_path:
 * @address: a D-Bus address
 *
 * Returns: (nullable): the file of a `unix:path=` address, else %NULL
 */
gchar *
tr_bus_p2p_socket_path(const gchar *address)
{
	const gchar *p;
	g_autofree gchar *value = NULL;
	GString *out;

	if (!g_str_has_prefix(address, "unix:"))
		return NULL;
	p = strstr(address, "path=");
	if (p == NULL)
		return NULL;
	value = g_strndup(p + 5, strcspn(p + 5, ","));
	/* undo the address escaping: %xx */
	out = g_string_new(NULL);
	for (const gchar *c = value; *c != '\0'; c++) {
		if (*c == '%' && g_ascii_isxdigit(c[1]) && g_ascii_isxdigit(c[2])) {
			g_string_append_c(out, (gchar)(g_ascii_xdigit_value(c[1]) * 16 +
						       g_ascii_xdigit_value(c[2])));
			c += 2;
		} else {
			g_string_append_c(out, *c);
		}
	}
	return g_string_free(out, FALSE);
}
