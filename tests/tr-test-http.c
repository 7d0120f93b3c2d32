/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-test-http.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tr-test-daemon.h"

/* certificates */

static void
run_certtool(const gchar *const *args)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();

	g_ptr_array_add(argv, (gpointer) "certtool");
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	/* installed by the project's setup (gnutls-bin): missing is a failure */
	if (!g_spawn_sync(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
			  &err, &status, &error))
		g_error("cannot run certtool (install gnutls-bin): %s", error->message);
	if (!g_spawn_check_wait_status(status, &error))
		g_error("certtool failed: %s\n%s", error->message, err);
}

static void
write_file(const gchar *path, const gchar *contents)
{
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
}

TrTestCerts *
tr_test_certs_new(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *ca_key = NULL;
	g_autofree gchar *ca_tmpl = NULL;
	g_autofree gchar *server_tmpl = NULL;
	TrTestCerts *certs = g_new0(TrTestCerts, 1);

	certs->dir = g_dir_make_tmp("tipring-test-certs-XXXXXX", &error);
	g_assert_no_error(error);
	ca_key = g_build_filename(certs->dir, "ca.key", NULL);
	certs->ca_file = g_build_filename(certs->dir, "ca.pem", NULL);
	ca_tmpl = g_build_filename(certs->dir, "ca.tmpl", NULL);
	certs->key_file = g_build_filename(certs->dir, "server.key", NULL);
	certs->cert_file = g_build_filename(certs->dir, "server.pem", NULL);
	server_tmpl = g_build_filename(certs->dir, "server.tmpl", NULL);
	write_file(ca_tmpl, "cn = \"tipring provisioning test CA\"\n"
			    "ca\ncert_signing_key\nexpiration_days = 2\n");
	write_file(server_tmpl,
		   "cn = \"127.0.0.1\"\nip_address = \"127.0.0.1\"\n"
		   "tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 2\n");

	run_certtool((const gchar *[]){"--generate-privkey", "--key-type=ecdsa", "--outfile",
				       ca_key, NULL});
	run_certtool((const gchar *[]){"--generate-self-signed", "--load-privkey", ca_key,
				       "--template", ca_tmpl, "--outfile", certs->ca_file, NULL});
	run_certtool((const gchar *[]){"--generate-privkey", "--key-type=ecdsa", "--outfile",
				       certs->key_file, NULL});
	run_certtool((const gchar *[]){"--generate-certificate", "--load-privkey", certs->key_file,
				       "--load-ca-certificate", certs->ca_file, "--load-ca-privkey",
				       ca_key, "--template", server_tmpl, "--outfile",
				       certs->cert_file, NULL});
	return certs;
}

void
tr_test_certs_free(TrTestCerts *certs)
{
	tr_test_remove_tree(certs->dir);
	g_free(certs->dir);
	g_free(certs->ca_file);
	g_free(certs->cert_file);
	g_free(certs->key_file);
	g_free(certs);
}

/* the server */

typedef struct {
	guint status;
	GBytes *body; /* or NULL */
	gboolean chunked;
	guint fail_first; /* answer 500 to this many requests first */
	gchar *location;  /* a redirect's Location, or NULL */
} Route;

typedef struct {
	gchar *path;
	gint64 when; /* monotonic µs */
} Hit;

struct _TrTestHttp {
	GMutex lock; /* for all below */
	GCond cond;
	GThread *thread;
	GMainContext *context;
	GMainLoop *loop;
	GTlsCertificate *certificate; /* or NULL: no HTTPS */
	gboolean listening;
	guint port;
	guint https_port;
	GHashTable *routes; /* path -> Route; 404 for the others */
	GPtrArray *hits;    /* Hit, in order */
};

static void
route_free(Route *r)
{
	g_clear_pointer(&r->body, g_bytes_unref);
	g_free(r->location);
	g_free(r);
}

static void
hit_free(Hit *hit)
{
	g_free(hit->path);
	g_free(hit);
}

/* in the server's thread */
static void
handler(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
	gpointer user_data)
{
	TrTestHttp *s = user_data;
	const gchar *q = g_uri_get_query(soup_server_message_get_uri(msg));
	g_autofree gchar *full = q != NULL ? g_strconcat(path, "?", q, NULL) : g_strdup(path);
	Hit *hit = g_new0(Hit, 1);
	Route *r;

	hit->path = g_strdup(full);
	hit->when = g_get_monotonic_time();
	g_test_message("server: %s %s", soup_server_message_get_method(msg), full);

	g_mutex_lock(&s->lock);
	g_ptr_array_add(s->hits, hit);
	r = g_hash_table_lookup(s->routes, full);
	if (r == NULL) {
		soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, NULL);
	} else if (r->fail_first > 0) {
		r->fail_first--;
		soup_server_message_set_status(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
	} else {
		soup_server_message_set_status(msg, r->status, NULL);
		if (r->location != NULL)
			soup_message_headers_replace(soup_server_message_get_response_headers(msg),
						     "Location", r->location);
		if (r->body != NULL) {
			SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
			if (r->chunked)
				soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
			soup_message_headers_set_content_type(headers, "text/xml", NULL);
			soup_message_body_append_bytes(soup_server_message_get_response_body(msg),
						       r->body);
		}
	}
	g_mutex_unlock(&s->lock);
}

static gpointer
server_thread(gpointer data)
{
	TrTestHttp *s = data;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GError) error = NULL;
	guint port = 0;
	guint https_port = 0;
	GSList *uris;

	g_main_context_push_thread_default(s->context);
	server = soup_server_new("tls-certificate", s->certificate, NULL);
	soup_server_add_handler(server, NULL, handler, s, NULL);
	soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
	g_assert_no_error(error);
	if (s->certificate != NULL) {
		soup_server_listen_local(
			server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
		g_assert_no_error(error);
	}
	uris = soup_server_get_uris(server);
	for (GSList *l = uris; l != NULL; l = l->next) {
		if (g_strcmp0(g_uri_get_scheme(l->data), "https") == 0)
			https_port = g_uri_get_port(l->data);
		else
			port = g_uri_get_port(l->data);
	}
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	g_assert_cmpuint(port, !=, 0);
	g_assert_true(s->certificate == NULL || https_port != 0);
	g_mutex_lock(&s->lock);
	s->port = port;
	s->https_port = https_port;
	s->listening = TRUE;
	g_cond_signal(&s->cond);
	g_mutex_unlock(&s->lock);

	g_main_loop_run(s->loop);
	soup_server_disconnect(server);
	g_clear_object(&server);
	while (g_main_context_iteration(s->context, FALSE))
		;
	g_main_context_pop_thread_default(s->context);
	return NULL;
}

TrTestHttp *
tr_test_http_new(const TrTestCerts *certs)
{
	TrTestHttp *s = g_new0(TrTestHttp, 1);

	if (certs != NULL) {
		g_autoptr(GError) error = NULL;
		s->certificate =
			g_tls_certificate_new_from_files(certs->cert_file, certs->key_file, &error);
		g_assert_no_error(error);
	}
	g_mutex_init(&s->lock);
	g_cond_init(&s->cond);
	s->context = g_main_context_new();
	s->loop = g_main_loop_new(s->context, FALSE);
	s->routes =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)route_free);
	s->hits = g_ptr_array_new_with_free_func((GDestroyNotify)hit_free);
	s->thread = g_thread_new("http-server", server_thread, s);
	g_mutex_lock(&s->lock);
	while (!s->listening)
		g_cond_wait(&s->cond, &s->lock);
	g_mutex_unlock(&s->lock);
	return s;
}

static gboolean
quit_loop_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

void
tr_test_http_free(TrTestHttp *s)
{
	/* a source of the server's context: it quits even before the loop runs */
	g_main_context_invoke(s->context, quit_loop_cb, s->loop);
	g_thread_join(s->thread);
	g_main_loop_unref(s->loop);
	g_main_context_unref(s->context);
	g_clear_object(&s->certificate);
	g_hash_table_unref(s->routes);
	g_ptr_array_unref(s->hits);
	g_mutex_clear(&s->lock);
	g_cond_clear(&s->cond);
	g_free(s);
}

guint
tr_test_http_get_port(TrTestHttp *s)
{
	return s->port;
}

guint
tr_test_http_get_https_port(TrTestHttp *s)
{
	return s->https_port;
}

gchar *
tr_test_http_url(TrTestHttp *s, const gchar *path)
{
	return g_strdup_printf("http://127.0.0.1:%u%s", s->port, path);
}

gchar *
tr_test_http_https_url(TrTestHttp *s, const gchar *path)
{
	g_assert_cmpuint(s->https_port, !=, 0);
	return g_strdup_printf("https://127.0.0.1:%u%s", s->https_port, path);
}

void
tr_test_http_serve_bytes(TrTestHttp *s, const gchar *path, guint status, GBytes *body,
			 gboolean chunked)
{
	Route *r = g_new0(Route, 1);

	r->status = status;
	r->body = body != NULL ? g_bytes_ref(body) : NULL;
	r->chunked = chunked;
	g_mutex_lock(&s->lock);
	g_hash_table_insert(s->routes, g_strdup(path), r);
	g_mutex_unlock(&s->lock);
}

void
tr_test_http_serve(TrTestHttp *s, const gchar *path, guint status, const gchar *body)
{
	g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new(body, strlen(body)) : NULL;

	tr_test_http_serve_bytes(s, path, status, bytes, FALSE);
}

void
tr_test_http_redirect(TrTestHttp *s, const gchar *path, guint status, const gchar *location)
{
	Route *r = g_new0(Route, 1);

	r->status = status;
	r->location = g_strdup(location);
	g_mutex_lock(&s->lock);
	g_hash_table_insert(s->routes, g_strdup(path), r);
	g_mutex_unlock(&s->lock);
}

void
tr_test_http_fail_first(TrTestHttp *s, const gchar *path, guint n)
{
	Route *r;

	g_mutex_lock(&s->lock);
	r = g_hash_table_lookup(s->routes, path);
	g_assert_nonnull(r);
	r->fail_first = n;
	g_mutex_unlock(&s->lock);
}

guint
tr_test_http_hits(TrTestHttp *s, const gchar *path)
{
	guint n = 0;

	g_mutex_lock(&s->lock);
	for (guint i = 0; i < s->hits->len; i++) {
		const Hit *hit = g_ptr_array_index(s->hits, i);
		if (path == NULL || g_strcmp0(hit->path, path) == 0)
			n++;
	}
	g_mutex_unlock(&s->lock);
	return n;
}

static const Hit *
hit_at(TrTestHttp *s, guint i)
{
	const Hit *hit;

	g_mutex_lock(&s->lock);
	g_assert_cmpuint(i, <, s->hits->len);
	hit = g_ptr_array_index(s->hits, i);
	g_mutex_unlock(&s->lock);
	return hit;
}

const gchar *
tr_test_http_hit_path(TrTestHttp *s, guint i)
{
	return hit_at(s, i)->path;
}

gint64
tr_test_http_hit_time(TrTestHttp *s, guint i)
{
	return hit_at(s, i)->when;
}

void
tr_test_http_clear_hits(TrTestHttp *s)
{
	g_mutex_lock(&s->lock);
	g_ptr_array_set_size(s->hits, 0);
	g_mutex_unlock(&s->lock);
}

gchar *
tr_test_mac_digits(const gchar *mac)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = mac; *p != '\0'; p++) {
		if (*p != ':')
			g_string_append_c(out, g_ascii_tolower(*p));
	}
	return g_string_free(out, FALSE);
}
