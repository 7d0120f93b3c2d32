/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "tr-test-daemon.h"
#include "tr-test-sbc.h"

/*
 * The quick start's SBC: the tests' Kamailio (UDP, TCP, TLS, and TLS that
 * demands a client certificate from its device CA) on loopback, with users
 * 1001 and 1002, until SIGINT or SIGTERM. It writes what a device needs to
 * reach it as shell assignments to ENVFILE.
 */

#define DEMO_PASSWORD "demo-secret"

static gboolean
quit_cb(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrTestSbc) sbc = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autofree gchar *env = NULL;

	if (argc != 2) {
		g_printerr("usage: %s ENVFILE\n", argv[0]);
		return 2;
	}
	sbc = tr_test_sbc_new(&error);
	if (sbc == NULL) {
		g_printerr("demo-sbc: %s\n", error->message);
		return 1;
	}
	tr_test_sbc_add_user(sbc, "1001", DEMO_PASSWORD);
	tr_test_sbc_add_user(sbc, "1002", DEMO_PASSWORD);
	if (!tr_test_sbc_start(sbc, &error)) {
		g_printerr("demo-sbc: %s\n", error->message);
		return 1;
	}
	env = g_strdup_printf(
		"SBC_TLS_PORT=%u\n"
		"SBC_MTLS_PORT=%u\n"
		"SBC_SERVER_CA='%s'\n"
		"SBC_DEVICE_CA='%s'\n"
		"SBC_DEVICE_CA_KEY='%s'\n"
		"SBC_PASSWORD='%s'\n"
		"SBC_LOG='%s'\n"
		"DEVICE_SIP_PORT_1=%u\n"
		"DEVICE_SIP_PORT_2=%u\n",
		tr_test_sbc_get_tls_port(sbc), tr_test_sbc_get_tls_client_cert_port(sbc),
		tr_test_sbc_get_server_ca(sbc), tr_test_sbc_get_device_ca(sbc),
		tr_test_sbc_get_device_ca_key(sbc), DEMO_PASSWORD, tr_test_sbc_get_log_path(sbc),
		tr_test_free_tcp_port("127.0.0.1"), tr_test_free_tcp_port("127.0.0.1"));
	if (!g_file_set_contents(argv[1], env, -1, &error)) {
		g_printerr("demo-sbc: %s\n", error->message);
		return 1;
	}
	g_print("Kamailio listens on 127.0.0.1: TLS %u, TLS with client certificates %u\n",
		tr_test_sbc_get_tls_port(sbc), tr_test_sbc_get_tls_client_cert_port(sbc));
	g_unix_signal_add(SIGINT, quit_cb, loop);
	g_unix_signal_add(SIGTERM, quit_cb, loop);
	g_main_loop_run(loop);
	return 0;
}
