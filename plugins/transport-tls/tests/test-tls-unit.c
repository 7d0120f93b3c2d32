/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* the transport's pure parts: names, version guard, settings */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "../tr-tls-session.h"
#include "../tr-tls-tport.h"

static gchar *tmpdir;

static void
test_peer_name(void)
{
	static const struct {
		const gchar *server_name, *uri_host, *name;
		gboolean sni;
	} cases[] = {
		{NULL, "sbc.example.net", "sbc.example.net", TRUE},
		{NULL, "192.0.2.7", "192.0.2.7", FALSE},
		{NULL, "[2001:db8::1]", "2001:db8::1", FALSE},
		{"sbc.example.net", "192.0.2.7", "sbc.example.net", TRUE},
		{"192.0.2.8", "sbc.example.net", "192.0.2.8", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		gboolean sni = !cases[i].sni;
		g_autofree gchar *name =
			tr_tls_tport_peer_name(cases[i].server_name, cases[i].uri_host, &sni);

		g_assert_cmpstr(name, ==, cases[i].name);
		g_assert_cmpint(sni, ==, cases[i].sni);
	}
}

static gchar *
write_status(const gchar *contents)
{
	gchar *path = g_build_filename(tmpdir, "status", NULL);

	g_assert_true(g_file_set_contents(path, contents, -1, NULL));
	return path;
}

static void
test_version_guard(void)
{
	g_autofree gchar *ours = g_strdup_printf(
		"Package: libfoo\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: libsofia-sip-ua0\nStatus: install ok installed\nArchitecture: amd64\n"
		"Version: %s\nDescription: x\n continued\n",
		TR_SOFIA_PKG_VERSION);
	static const struct {
		const gchar *status;
		const gchar *words;
	} refused[] = {
		{"Package: libsofia-sip-ua0\nStatus: install ok installed\nVersion: 0.9-1\n\n",
		 "0.9-1 is installed but"},
		{"Package: libsofia-sip-ua0\nStatus: deinstall ok config-files\nVersion: 0.9-1\n",
		 "cannot tell which"},
		{"Package: libfoo\nStatus: install ok installed\nVersion: 1\n",
		 "cannot tell which"},
	};
	g_autofree gchar *path = NULL;
	g_autoptr(GError) error = NULL;

	path = write_status(ours);
	g_assert_true(tr_tls_tport_check_version(path, &error));
	g_assert_no_error(error);

	for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
		g_autofree gchar *p = write_status(refused[i].status);
		g_autoptr(GError) e = NULL;

		g_assert_false(tr_tls_tport_check_version(p, &e));
		g_assert_nonnull(strstr(e->message, refused[i].words));
	}
	g_assert_false(tr_tls_tport_check_version("/nonexistent/status", &error));
	g_assert_nonnull(strstr(error->message, "cannot tell which"));
}

static void
test_settings_errors(void)
{
	g_autoptr(TrTlsSession) session = tr_tls_session_new("line 9");
	g_autofree gchar *empty = g_build_filename(tmpdir, "empty.pem", NULL);
	TrTlsSettings bad_version = {.min_version = "SSLv3"};
	TrTlsSettings no_ca = {.ca_file = "/nonexistent/ca.pem"};
	TrTlsSettings empty_ca = {.ca_file = empty};
	TrTlsSettings no_cert = {.cert_file = "/nonexistent/device.pem"};
	TrTlsSettings good = {.min_version = "1.0"};
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	g_assert_false(tr_tls_session_configure(session, &bad_version, &error));
	g_assert_nonnull(strstr(error->message, "line 9: unknown TLS minimum version"));
	g_clear_error(&error);
	g_assert_false(tr_tls_session_configure(session, &no_ca, &error));
	g_assert_nonnull(strstr(error->message, "cannot read the CA file /nonexistent/ca.pem"));
	g_clear_error(&error);
	g_assert_false(tr_tls_session_configure(session, &empty_ca, &error));
	g_assert_nonnull(strstr(error->message, "no certificate in it"));
	g_clear_error(&error);
	g_assert_false(tr_tls_session_configure(session, &no_cert, &error));
	g_assert_nonnull(strstr(error->message, "cannot use the client certificate"));
	g_clear_error(&error);
	g_assert_true(tr_tls_session_configure(session, &good, &error));
	g_assert_true(tr_tls_session_configure(session, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(tr_tls_session_get_state(session), ==, TR_TLS_STATE_IDLE);
	g_assert_nonnull(tr_tls_session_get_nua_tags(session));
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("tr-tls-unit-XXXXXX", NULL);
	g_test_add_func("/transport-tls/peer-name", test_peer_name);
	g_test_add_func("/transport-tls/version-guard", test_version_guard);
	g_test_add_func("/transport-tls/settings-errors", test_settings_errors);
	rc = g_test_run();
	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *path =
			g_build_filename(tmpdir, i == 0 ? "status" : "empty.pem", NULL);
		g_remove(path);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return rc;
}
