/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A provisioning server for the tests: a SoupServer on 127.0.0.1 that
 * answers from a table of responses by path, HTTP and, given certificates,
 * HTTPS on ports of its own. It runs in a thread of its own with a main
 * context of its own, so that it answers while the test's thread blocks (in
 * a synchronous D-Bus call, say, while the daemon fetches from it). Every
 * function may be called from any thread.
 */

/* certtool's CA and a certificate for 127.0.0.1 that it signed */
typedef struct {
	gchar *dir;	  /* a temporary directory that holds them */
	gchar *ca_file;	  /* the CA's certificate, PEM */
	gchar *cert_file; /* the server's certificate, PEM */
	gchar *key_file;  /* the server's key, PEM */
} TrTestCerts;

/* makes them with certtool (gnutls-bin); a missing certtool is an error, not a skip */
TrTestCerts *tr_test_certs_new(void);
/* removes the directory too */
void tr_test_certs_free(TrTestCerts *certs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTestCerts, tr_test_certs_free)

typedef struct _TrTestHttp TrTestHttp;

/* listening on HTTP, and on HTTPS with CERTS' server certificate unless NULL */
TrTestHttp *tr_test_http_new(const TrTestCerts *certs);
void tr_test_http_free(TrTestHttp *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTestHttp, tr_test_http_free)

guint tr_test_http_get_port(TrTestHttp *s);
/* 0 without certificates */
guint tr_test_http_get_https_port(TrTestHttp *s);
/* http://127.0.0.1:PORT/PATH */
gchar *tr_test_http_url(TrTestHttp *s, const gchar *path);
/* https://127.0.0.1:PORT/PATH */
gchar *tr_test_http_https_url(TrTestHttp *s, const gchar *path);

/*
 * PATH (with its query, if any: "/prov?mac=...") is answered with STATUS and
 * BODY as text/xml, or no body if NULL; it replaces what PATH had. Any other
 * path is 404.
 */
void tr_test_http_serve(TrTestHttp *s, const gchar *path, guint status, const gchar *body);
/* the same with BODY's bytes; CHUNKED: without a Content-Length */
void tr_test_http_serve_bytes(TrTestHttp *s, const gchar *path, guint status, GBytes *body,
			      gboolean chunked);
/* PATH answers STATUS (a 3xx) with "Location: LOCATION" */
void tr_test_http_redirect(TrTestHttp *s, const gchar *path, guint status, const gchar *location);
/* the next N requests for PATH, served already, are answered 500 */
void tr_test_http_fail_first(TrTestHttp *s, const gchar *path, guint n);

/* the requests, in order: how many asked for PATH; for any path if NULL */
guint tr_test_http_hits(TrTestHttp *s, const gchar *path);
/* the path (with its query) of the Ith request; valid until the hits are cleared */
const gchar *tr_test_http_hit_path(TrTestHttp *s, guint i);
/* when the Ith request came, g_get_monotonic_time() */
gint64 tr_test_http_hit_time(TrTestHttp *s, guint i);
void tr_test_http_clear_hits(TrTestHttp *s);

/* what $MA gives: "02:0e:08:aa:bb:cc" -> "020e08aabbcc" */
gchar *tr_test_mac_digits(const gchar *mac);

G_END_DECLS
