/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <ifaddrs.h>
#include <libsoup/soup.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>

#include "tr-catalog.h"
#include "tr-dbus-generated.h"
#include "tr-test-line.h"

/*
 * The web front-end (webui/) of a real tipringd, over HTTP: sessions and
 * logins, CSRF, what the user level may see and change, escaping, headers,
 * request limits, Submit All Changes, profiles, the live values, the port and
 * the language. tipringd runs peer to peer with --web-port on a free port;
 * this process talks to it with libsoup's client (no cookie jar: the session
 * cookie is handled here, in the open) and sets parameters over D-Bus. Each
 * test runs in a subprocess of its own with a fresh state directory.
 */

#define ROOT_PATH      "/org/tipring/Tipring1"
#define DEVICE0_PATH   ROOT_PATH "/Device/0"
#define DEVICE1_PATH   ROOT_PATH "/Device/1"
#define LOOPBACK       "127.0.0.1"
#define ADMIN_PASSWORD "Adm1n-Pa55"
#define EVIL	       "<script>alert(1)</script>\"'&"
#define EVIL_ESCAPED   "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
#define MASK	       "********"

static const gchar *const spa2102[] = {"SPA2102", NULL};

/* --- waiting --- */

static gboolean
flag_is_set(gconstpointer data)
{
	return *(const gboolean *)data;
}

static void
drain_main_context(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

/* --- the daemon and its D-Bus side --- */

typedef struct {
	TrTest *t;
	TrTestDaemon *d;
	GDBusConnection *bus;
	GDBusObjectManager *objects;
	TrDbusDevice *device;
	GPtrArray *changes; /* GStrv: the names of each ParametersChanged */
} Daemon;

static void
parameters_changed_cb(TrDbusDevice *device, const gchar *const *names, Daemon *daemon)
{
	g_ptr_array_add(daemon->changes, g_strdupv((gchar **)names));
}

static TrDbusDevice *
device_at(Daemon *daemon, const gchar *path)
{
	g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object(daemon->objects, path);

	g_assert_nonnull(object);
	return tr_dbus_object_get_device(TR_DBUS_OBJECT(object));
}

/*
 * tipringd --p2p --state-dir --device D... [--web-port PORT] [--web-address
 * ADDRESS]: PORT 0 and ADDRESS NULL leave the option out
 */
static Daemon *
daemon_start(TrTest *t, const gchar *const *devices, guint port, const gchar *address)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	Daemon *daemon = g_new0(Daemon, 1);

	g_ptr_array_add(args, g_strdup("--p2p"));
	g_ptr_array_add(args, g_strdup(t->address));
	g_ptr_array_add(args, g_strdup("--state-dir"));
	g_ptr_array_add(args, g_strdup(t->state_dir));
	for (guint i = 0; devices[i] != NULL; i++) {
		g_ptr_array_add(args, g_strdup("--device"));
		g_ptr_array_add(args, g_strdup(devices[i]));
	}
	if (port != 0) {
		g_ptr_array_add(args, g_strdup("--web-port"));
		g_ptr_array_add(args, g_strdup_printf("%u", port));
	}
	if (address != NULL) {
		g_ptr_array_add(args, g_strdup("--web-address"));
		g_ptr_array_add(args, g_strdup(address));
	}
	g_ptr_array_add(args, NULL);

	daemon->t = t;
	daemon->d = tr_test_daemon_spawn(t, NULL, (const gchar *const *)args->pdata);
	daemon->bus = tr_test_connect_p2p(t->address, daemon->d);
	daemon->objects = tr_dbus_object_manager_client_new_sync(
		daemon->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, NULL, ROOT_PATH,
		NULL, &error);
	g_assert_no_error(error);
	daemon->device = device_at(daemon, DEVICE0_PATH);
	daemon->changes = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_signal_connect(daemon->device, "parameters-changed", G_CALLBACK(parameters_changed_cb),
			 daemon);
	return daemon;
}

/* SIGTERM: it must end cleanly; its stderr is then in daemon->d->err */
static void
daemon_stop(Daemon *daemon)
{
	g_signal_handlers_disconnect_by_data(daemon->device, daemon);
	g_clear_object(&daemon->device);
	g_clear_object(&daemon->objects);
	g_dbus_connection_close_sync(daemon->bus, NULL, NULL);
	g_clear_object(&daemon->bus);
	tr_test_daemon_stop(daemon->d);
}

static void
daemon_free(Daemon *daemon)
{
	if (daemon->device != NULL)
		daemon_stop(daemon);
	g_ptr_array_unref(daemon->changes);
	g_free(daemon);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Daemon, daemon_free)

static void
import_profile(TrDbusDevice *device, const gchar *profile)
{
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) warnings = NULL;
	GVariant *bytes =
		g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, profile, strlen(profile), 1);

	tr_dbus_device_call_import_profile_sync(
		device, bytes, "test.xml", g_variant_new_array(G_VARIANT_TYPE("{say}"), NULL, 0),
		&warnings, NULL, &error);
	g_assert_no_error(error);
}

/* whatever the daemon sent before its answer to a call has been dispatched */
static void
sync_with_daemon(Daemon *daemon)
{
	g_autofree gchar *value = tr_test_get_parameter(daemon->device, "Line_Enable_1_");

	drain_main_context();
}

/* the ParametersChanged so far are forgotten */
static void
forget_changes(Daemon *daemon)
{
	sync_with_daemon(daemon);
	g_ptr_array_set_size(daemon->changes, 0);
}

static void
assert_no_change(Daemon *daemon)
{
	sync_with_daemon(daemon);
	g_assert_cmpuint(daemon->changes->len, ==, 0);
}

/* --- ports and addresses --- */

static gboolean
tcp_port_free(const gchar *address, guint port)
{
	g_autoptr(GSocket) socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
						 G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(address);
	g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new(inet, port);

	return socket != NULL && g_socket_bind(socket, socket_address, FALSE, NULL);
}

/* a free port whose next port is free too */
static guint
free_port_pair(void)
{
	for (guint i = 0; i < 100; i++) {
		guint port = tr_test_free_tcp_port(LOOPBACK);
		if (port < 65535 && tcp_port_free(LOOPBACK, port + 1))
			return port;
	}
	g_assert_not_reached();
}

/* an IPv4 address of this machine that is not loopback, or NULL */
static gchar *
non_loopback_ipv4(void)
{
	struct ifaddrs *list = NULL;
	gchar *found = NULL;

	if (getifaddrs(&list) != 0)
		return NULL;
	for (struct ifaddrs *i = list; i != NULL && found == NULL; i = i->ifa_next) {
		gchar text[INET_ADDRSTRLEN];
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) != 0 || (i->ifa_flags & IFF_UP) == 0)
			continue;
		if (inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, text,
			      sizeof(text)) != NULL &&
		    !g_str_has_prefix(text, "127."))
			found = g_strdup(text);
	}
	freeifaddrs(list);
	return found;
}

/* --- the web client --- */

typedef struct {
	SoupSession *session;
	gchar *host;
	guint port;
	gchar *cookie_name; /* tipring_sid_PORT */
	gchar *sid;	    /* the session cookie's value, as the server last set it */
	gchar *accept_language;
} Web;

typedef struct {
	guint status;
	SoupMessageHeaders *headers;
	gchar *body;
	gchar *set_cookie; /* the Set-Cookie of the session cookie, if any */
} Reply;

static Web *
web_new(const gchar *host, guint port)
{
	Web *w = g_new0(Web, 1);

	w->session = soup_session_new_with_options("timeout", TR_TEST_DEADLINE_S, NULL);
	/* no cookie jar: the test sees and sends every cookie itself */
	g_assert_null(soup_session_get_feature(w->session, SOUP_TYPE_COOKIE_JAR));
	w->host = g_strdup(host);
	w->port = port;
	w->cookie_name = g_strdup_printf("tipring_sid_%u", port);
	return w;
}

static void
web_free(Web *w)
{
	g_object_unref(w->session);
	g_free(w->host);
	g_free(w->cookie_name);
	g_free(w->sid);
	g_free(w->accept_language);
	g_free(w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Web, web_free)

static void
reply_free(Reply *r)
{
	soup_message_headers_unref(r->headers);
	g_free(r->body);
	g_free(r->set_cookie);
	g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Reply, reply_free)

static gchar *
web_url(Web *w, const gchar *path)
{
	return g_strdup_printf("http://%s:%u%s", w->host, w->port, path);
}

/* the session cookie's value in a Set-Cookie header; NULL if it deletes it */
static gchar *
cookie_value(const gchar *set_cookie, const gchar *name)
{
	g_autofree gchar *prefix = g_strconcat(name, "=", NULL);
	const gchar *end;

	g_assert_true(g_str_has_prefix(set_cookie, prefix));
	if (strstr(set_cookie, "Max-Age=0") != NULL)
		return NULL;
	end = strchr(set_cookie, ';');
	return g_strndup(set_cookie + strlen(prefix),
			 end != NULL ? (gsize)(end - set_cookie) - strlen(prefix)
				     : strlen(set_cookie));
}

/* sends MSG (with the session cookie, no redirects followed); takes MSG */
static Reply *
web_send(Web *w, SoupMessage *msg)
{
	SoupMessageHeaders *request = soup_message_get_request_headers(msg);
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *prefix = g_strconcat(w->cookie_name, "=", NULL);
	Reply *r = g_new0(Reply, 1);
	SoupMessageHeadersIter iter;
	const gchar *name, *value;

	soup_message_add_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
	if (w->sid != NULL) {
		g_autofree gchar *cookie = g_strconcat(prefix, w->sid, NULL);
		soup_message_headers_replace(request, "Cookie", cookie);
	}
	if (w->accept_language != NULL)
		soup_message_headers_replace(request, "Accept-Language", w->accept_language);
	bytes = soup_session_send_and_read(w->session, msg, NULL, &error);
	if (error != NULL) {
		g_autofree gchar *url = g_uri_to_string(soup_message_get_uri(msg));
		g_printerr("%s %s: %s\n", soup_message_get_method(msg), url, error->message);
	}
	g_assert_no_error(error);

	r->status = soup_message_get_status(msg);
	r->headers = soup_message_headers_ref(soup_message_get_response_headers(msg));
	/* an empty body has no data at all */
	r->body = g_bytes_get_size(bytes) > 0
			  ? g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes))
			  : g_strdup("");
	soup_message_headers_iter_init(&iter, r->headers);
	while (soup_message_headers_iter_next(&iter, &name, &value)) {
		if (g_ascii_strcasecmp(name, "Set-Cookie") != 0 || !g_str_has_prefix(value, prefix))
			continue;
		/* one session cookie per answer */
		g_assert_null(r->set_cookie);
		r->set_cookie = g_strdup(value);
		g_free(w->sid);
		w->sid = cookie_value(value, w->cookie_name);
	}
	g_object_unref(msg);
	return r;
}

/* HEADERS: NAME, VALUE, ..., NULL, or NULL */
static void
add_headers(SoupMessage *msg, const gchar *const *headers)
{
	for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
		soup_message_headers_replace(soup_message_get_request_headers(msg), headers[i],
					     headers[i + 1]);
}

static Reply *
web_request(Web *w, const gchar *method, const gchar *path, const gchar *const *headers)
{
	g_autofree gchar *url = web_url(w, path);
	SoupMessage *msg = soup_message_new(method, url);

	g_assert_nonnull(msg);
	add_headers(msg, headers);
	return web_send(w, msg);
}

static Reply *
web_get(Web *w, const gchar *path)
{
	return web_request(w, "GET", path, NULL);
}

/* a POST of BODY as CONTENT_TYPE */
static Reply *
web_post_raw(Web *w, const gchar *path, const gchar *content_type, const gchar *body, gsize len,
	     const gchar *const *headers)
{
	g_autofree gchar *url = web_url(w, path);
	SoupMessage *msg = soup_message_new("POST", url);
	g_autoptr(GBytes) bytes = g_bytes_new(body, len);

	soup_message_set_request_body_from_bytes(msg, content_type, bytes);
	add_headers(msg, headers);
	return web_send(w, msg);
}

/* a form: FIELDS is NAME, VALUE, ..., NULL; HEADERS as add_headers() */
static Reply *
web_post_formv(Web *w, const gchar *path, const gchar *const *headers, const gchar *const *fields)
{
	g_autoptr(GString) body = g_string_new(NULL);

	for (guint i = 0; fields[i] != NULL; i += 2) {
		g_autofree gchar *name = g_uri_escape_string(fields[i], NULL, FALSE);
		g_autofree gchar *value = g_uri_escape_string(fields[i + 1], NULL, FALSE);
		g_string_append_printf(body, "%s%s=%s", i > 0 ? "&" : "", name, value);
	}
	return web_post_raw(w, path, SOUP_FORM_MIME_TYPE_URLENCODED, body->str, body->len, headers);
}

static Reply *web_post_form(Web *w, const gchar *path, ...) G_GNUC_NULL_TERMINATED;

static Reply *
web_post_form(Web *w, const gchar *path, ...)
{
	g_autoptr(GPtrArray) fields = g_ptr_array_new();
	const gchar *field;
	va_list ap;

	va_start(ap, path);
	while ((field = va_arg(ap, const gchar *)) != NULL)
		g_ptr_array_add(fields, (gpointer)field);
	va_end(ap);
	g_ptr_array_add(fields, NULL);
	return web_post_formv(w, path, NULL, (const gchar *const *)fields->pdata);
}

/* the form token a page carries */
static gchar *
page_csrf(const gchar *html)
{
	const gchar *marker = "name=\"csrf\" value=\"";
	const gchar *at = strstr(html, marker);
	const gchar *end;

	if (at == NULL)
		g_printerr("no form token in:\n%s\n", html);
	g_assert_nonnull(at);
	at += strlen(marker);
	end = strchr(at, '"');
	g_assert_nonnull(end);
	g_assert_cmpint(end - at, ==, 64);
	return g_strndup(at, end - at);
}

/* GET PATH: 200, and its page's form token */
static gchar *
web_csrf(Web *w, const gchar *path)
{
	g_autoptr(Reply) r = web_get(w, path);

	g_assert_cmpuint(r->status, ==, SOUP_STATUS_OK);
	return page_csrf(r->body);
}

/* the path (and query) of a redirect's Location */
static gchar *
location_path(Reply *r)
{
	const gchar *location = soup_message_headers_get_one(r->headers, "Location");
	g_autoptr(GUri) uri = NULL;

	g_assert_nonnull(location);
	uri = g_uri_parse(location, G_URI_FLAGS_NONE, NULL);
	g_assert_nonnull(uri);
	return g_uri_get_query(uri) != NULL
		       ? g_strdup_printf("%s?%s", g_uri_get_path(uri), g_uri_get_query(uri))
		       : g_strdup(g_uri_get_path(uri));
}

static void
assert_redirect(Reply *r, const gchar *path)
{
	g_autofree gchar *location = NULL;

	if (r->status != SOUP_STATUS_SEE_OTHER)
		g_printerr("expected a redirect to %s, got %u:\n%s\n", path, r->status, r->body);
	g_assert_cmpuint(r->status, ==, SOUP_STATUS_SEE_OTHER);
	location = location_path(r);
	g_assert_cmpstr(location, ==, path);
}

static void
assert_status(Reply *r, guint status)
{
	if (r->status != status)
		g_printerr("expected %u, got %u:\n%s\n", status, r->status, r->body);
	g_assert_cmpuint(r->status, ==, status);
}

/* GET /login, then POST it: the answer to the POST */
static Reply *
web_login(Web *w, const gchar *account, const gchar *password)
{
	g_autofree gchar *csrf = web_csrf(w, "/login");

	return web_post_form(w, "/login", "csrf", csrf, "account", account, "password", password,
			     NULL);
}

static void
web_login_ok(Web *w, const gchar *account, const gchar *password)
{
	g_autoptr(Reply) r = web_login(w, account, password);

	assert_redirect(r, g_strcmp0(account, "admin") == 0 ? "/admin/" : "/");
}

/* the server answers on HOST:PORT (a fresh connection each try) */
static gboolean
web_answers(const gchar *host, guint port)
{
	g_autoptr(Web) probe = web_new(host, port);
	g_autofree gchar *url = web_url(probe, "/assets/favicon.svg");
	g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
	g_autoptr(GBytes) bytes = soup_session_send_and_read(probe->session, msg, NULL, NULL);

	return bytes != NULL && soup_message_get_status(msg) == SOUP_STATUS_OK;
}

typedef struct {
	const gchar *host;
	guint port;
	gboolean up; /* waiting for it to answer, or to stop answering */
} Listening;

static gboolean
listening_is(gconstpointer data)
{
	const Listening *l = data;

	return web_answers(l->host, l->port) == l->up;
}

/* polls until HOST:PORT answers (UP) or stops answering; fails after the deadline */
static void
wait_web(const gchar *host, guint port, gboolean up)
{
	Listening l = {host, port, up};
	gint64 deadline = g_get_monotonic_time() + TR_TEST_DEADLINE_S * G_USEC_PER_SEC;

	while (!listening_is(&l)) {
		if (g_get_monotonic_time() > deadline) {
			g_printerr("%s:%u still %s after %d s\n", host, port,
				   up ? "does not answer" : "answers", TR_TEST_DEADLINE_S);
			g_assert_not_reached();
		}
		g_usleep(20 * 1000);
		drain_main_context();
	}
}

/* --- checks --- */

/* the names of an XML flat profile whose user access is ACCESS (ua="...") */
static GPtrArray *
profile_names_with_access(const gchar *xml, const gchar *access)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *attribute = g_strdup_printf(" ua=\"%s\"", access);

	for (const gchar *p = strstr(xml, attribute); p != NULL; p = strstr(p + 1, attribute)) {
		const gchar *start = p;
		while (start > xml && start[-1] != '<')
			start--;
		g_ptr_array_add(names, g_strndup(start, p - start));
	}
	return names;
}

/* TEXT (a page, a profile, JSON) shows no parameter NAME anywhere a parameter would be */
static void
assert_no_parameter(const gchar *text, const gchar *name, const gchar *what)
{
	g_autofree gchar *field = g_strdup_printf("name=\"%s\"", name);
	g_autofree gchar *id = g_strdup_printf("\"f-%s\"", name);
	g_autofree gchar *reason = g_strdup_printf("\"e-%s\"", name);
	g_autofree gchar *element = g_strdup_printf("<%s>", name);
	g_autofree gchar *element_attr = g_strdup_printf("<%s ", name);
	g_autofree gchar *element_empty = g_strdup_printf("<%s/", name);
	g_autofree gchar *key = g_strdup_printf("\"%s\"", name);
	const gchar *const needles[] = {field,	       id, reason, element, element_attr,
					element_empty, key};

	for (guint i = 0; i < G_N_ELEMENTS(needles); i++) {
		if (strstr(text, needles[i]) != NULL)
			g_printerr("%s shows the hidden parameter %s (%s)\n", what, name,
				   needles[i]);
		g_assert_null(strstr(text, needles[i]));
	}
}

static void
assert_header(Reply *r, const gchar *name, const gchar *expected)
{
	g_assert_cmpstr(soup_message_headers_get_one(r->headers, name), ==, expected);
}

/* a flat JSON object of strings, as /status.json and the events give it; NULL if malformed */
static GHashTable *
parse_flat_json(const gchar *text)
{
	g_autoptr(GHashTable) object =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const gchar *p = text;
	gchar *strings[2];

	if (*p++ != '{')
		return NULL;
	if (*p == '}')
		return p[1] == '\0' ? g_steal_pointer(&object) : NULL;
	for (;;) {
		for (guint s = 0; s < 2; s++) {
			GString *value = g_string_new(NULL);
			if (*p++ != '"') {
				g_string_free(value, TRUE);
				if (s == 1)
					g_free(strings[0]);
				return NULL;
			}
			while (*p != '"' && *p != '\0') {
				if (*p != '\\') {
					g_string_append_c(value, *p++);
					continue;
				}
				p++;
				switch (*p) {
				case 'n':
					g_string_append_c(value, '\n');
					break;
				case 't':
					g_string_append_c(value, '\t');
					break;
				case 'r':
					g_string_append_c(value, '\r');
					break;
				case 'u': {
					g_autofree gchar *hex = g_strndup(p + 1, 4);
					g_string_append_unichar(value,
								g_ascii_strtoull(hex, NULL, 16));
					p += 4;
					break;
				}
				default:
					g_string_append_c(value, *p);
				}
				if (*p != '\0')
					p++;
			}
			if (*p++ != '"') {
				g_string_free(value, TRUE);
				if (s == 1)
					g_free(strings[0]);
				return NULL;
			}
			strings[s] = g_string_free(value, FALSE);
			if (s == 0 && *p++ != ':') {
				g_free(strings[0]);
				return NULL;
			}
		}
		g_hash_table_replace(object, strings[0], strings[1]);
		if (*p == '}')
			return p[1] == '\0' ? g_steal_pointer(&object) : NULL;
		if (*p++ != ',')
			return NULL;
	}
}

static gboolean
has_key_with_prefix(GHashTable *object, const gchar *prefix)
{
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, object);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (g_str_has_prefix(key, prefix))
			return TRUE;
	}
	return FALSE;
}

static gboolean
same_keys(GHashTable *a, GHashTable *b)
{
	GHashTableIter iter;
	gpointer key;

	if (g_hash_table_size(a) != g_hash_table_size(b))
		return FALSE;
	g_hash_table_iter_init(&iter, a);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (!g_hash_table_contains(b, key))
			return FALSE;
	}
	return TRUE;
}

/* --- the tests --- */

/* no admin password: the admin pages answer on loopback, with the notice why */
static void
test_no_password_loopback(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Reply) page = NULL;
	g_autoptr(Reply) user = NULL;

	wait_web(LOOPBACK, port, TRUE);
	page = web_get(admin, "/admin/");
	assert_status(page, SOUP_STATUS_OK);
	tr_test_assert_contains(page->body, "<title>SPA2102 Admin");
	tr_test_assert_contains(page->body,
				"No admin password is set: the admin pages answer only on this "
				"device&#39;s loopback address until you set Admin Passwd");
	/* logged in as admin at once: the page has the admin's fields and forms */
	g_assert_nonnull(page->set_cookie);
	tr_test_assert_contains(page->body, "name=\"Admin_Passwd\"");
	tr_test_assert_contains(page->body, "action=\"/admin/profile\"");

	/* the user pages need no password either, and do not carry the notice */
	{
		g_autoptr(Web) w = web_new(LOOPBACK, port);
		user = web_get(w, "/");
	}
	assert_status(user, SOUP_STATUS_OK);
	tr_test_assert_contains(user->body, "<title>SPA2102 User");
	tr_test_assert_lacks(user->body, "No admin password is set");
	daemon_stop(daemon);
}

/* no admin password: from any other address the admin pages are refused */
static void
test_no_password_remote(TrTest *t)
{
	g_autofree gchar *address = non_loopback_ipv4();
	guint port;
	g_autoptr(Daemon) daemon = NULL;
	g_autoptr(Web) remote = NULL;
	g_autofree gchar *refused = NULL;
	const gchar *const paths[] = {"/admin/", "/admin/advanced", "/admin/config.xml"};

	if (address == NULL) {
		g_test_fail_printf("this machine has no IPv4 address but loopback (getifaddrs), so "
				   "the test cannot reach tipringd from elsewhere");
		return;
	}
	port = tr_test_free_tcp_port("0.0.0.0");
	/* no --web-address: it listens on every address */
	daemon = daemon_start(t, spa2102, port, NULL);
	wait_web(address, port, TRUE);
	remote = web_new(address, port);

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(Reply) r = web_get(remote, paths[i]);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
		tr_test_assert_contains(r->body, "No admin password is set on this device, so its "
						 "admin pages answer only on its loopback address");
		tr_test_assert_lacks(r->body, "flat-profile");
		tr_test_assert_lacks(r->body, "Admin_Passwd");
		g_assert_null(r->set_cookie);
	}
	/* nor may it log in as admin (no password to give) */
	{
		g_autofree gchar *csrf = web_csrf(remote, "/login");
		g_autoptr(Reply) r = web_post_form(remote, "/login", "csrf", csrf, "account",
						   "admin", "password", "", NULL);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
		g_assert_null(r->set_cookie);
	}
	/* nor set a parameter with an admin POST */
	{
		g_autofree gchar *csrf = web_csrf(remote, "/");
		g_autoptr(Reply) r = web_post_form(remote, "/admin/", "csrf", csrf, "Admin_Passwd",
						   "taken-over", NULL);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
		tr_test_assert_parameter(daemon->device, "Admin_Passwd", "");
	}
	/* the user pages (no user password) are not the admin's */
	{
		g_autoptr(Reply) r = web_get(remote, "/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_lacks(r->body, "name=\"Admin_Passwd\"");
	}
	/* loopback still works on the same server */
	{
		g_autoptr(Web) local = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = web_get(local, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
	}

	daemon_stop(daemon);
	refused = g_strdup_printf("admin pages asked from %s while no admin password is set: "
				  "refused",
				  address);
	tr_test_assert_contains(daemon->d->err, refused);
}

/* with an admin password: login, failures logged, the limiter, a fresh session */
static void
test_login(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	g_autofree gchar *csrf = NULL;
	g_autofree gchar *anonymous = NULL;
	g_autofree gchar *retry_after = NULL;
	g_autoptr(SoupCookie) cookie = NULL;
	g_autoptr(GUri) uri = NULL;
	gint64 locked_at;
	guint tries = 0;

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);

	{
		g_autoptr(Reply) r = web_get(w, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
		g_assert_null(r->set_cookie);
	}
	{
		g_autoptr(Reply) r = web_get(w, "/admin/config.xml");
		assert_redirect(r, "/login?account=admin&next=/admin/config.xml");
		tr_test_assert_lacks(r->body, "flat-profile");
	}

	/* the login form comes with an anonymous session that holds its token */
	{
		g_autoptr(Reply) r = web_get(w, "/login?account=admin&next=/admin/");
		assert_status(r, SOUP_STATUS_OK);
		g_assert_nonnull(r->set_cookie);
		csrf = page_csrf(r->body);
		tr_test_assert_contains(r->body, "type=\"password\"");
	}
	anonymous = g_strdup(w->sid);
	g_assert_nonnull(anonymous);

	/*
	 * three wrong passwords: 401 each. The limiter counts whole seconds of the
	 * monotonic clock (the same clock here as in tipringd): a lock of 1 s ends
	 * at the next full second. So the third failure is sent early in a second,
	 * for it and the fourth try to fall into the same second.
	 */
	for (guint i = 0; i < 3; i++) {
		g_autoptr(Reply) r = NULL;
		while (i == 2 && g_get_monotonic_time() % G_USEC_PER_SEC > G_USEC_PER_SEC / 5)
			g_usleep(10 * 1000);
		r = web_post_form(w, "/login", "csrf", csrf, "account", "admin", "password",
				  "wrong-guess", "next", "/admin/", NULL);
		assert_status(r, SOUP_STATUS_UNAUTHORIZED);
		tr_test_assert_contains(r->body, "Wrong password for this account.");
		g_assert_null(r->set_cookie);
		g_assert_cmpstr(w->sid, ==, anonymous);
	}
	/* the fourth try must wait, even with the right password */
	{
		g_autoptr(Reply) r =
			web_post_form(w, "/login", "csrf", csrf, "account", "admin", "password",
				      ADMIN_PASSWORD, "next", "/admin/", NULL);
		locked_at = g_get_monotonic_time();
		assert_status(r, 429);
		retry_after = g_strdup(soup_message_headers_get_one(r->headers, "Retry-After"));
		g_assert_cmpstr(retry_after, ==, "1");
		tr_test_assert_contains(r->body, "Too many failed logins from your address");
		g_assert_null(r->set_cookie);
	}
	{
		g_autoptr(Reply) r = web_get(w, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
	}

	/* once the wait is over, the right password logs in */
	for (;;) {
		g_autoptr(Reply) r =
			web_post_form(w, "/login", "csrf", csrf, "account", "admin", "password",
				      ADMIN_PASSWORD, "next", "/admin/", NULL);
		tries++;
		if (r->status == 429) {
			g_assert_cmpint(g_get_monotonic_time() - locked_at, <,
					TR_TEST_DEADLINE_S * G_USEC_PER_SEC);
			g_usleep(50 * 1000);
			continue;
		}
		assert_redirect(r, "/admin/");
		g_assert_nonnull(r->set_cookie);
		uri = g_uri_parse("http://127.0.0.1/", G_URI_FLAGS_NONE, NULL);
		cookie = soup_cookie_parse(r->set_cookie, uri);
		break;
	}
	g_test_message("logged in %" G_GINT64_FORMAT " ms after the lock, at the %u. try",
		       (g_get_monotonic_time() - locked_at) / 1000, tries);
	g_assert_cmpuint(tries, >, 1);

	/* a new session, not the anonymous one (no session fixation) */
	g_assert_nonnull(cookie);
	g_assert_cmpstr(soup_cookie_get_name(cookie), ==, w->cookie_name);
	g_assert_cmpstr(soup_cookie_get_value(cookie), ==, w->sid);
	g_assert_cmpstr(w->sid, !=, anonymous);
	g_assert_cmpuint(strlen(w->sid), ==, 64);
	g_assert_true(soup_cookie_get_http_only(cookie));
	g_assert_cmpint(soup_cookie_get_same_site_policy(cookie), ==, SOUP_SAME_SITE_POLICY_STRICT);
	g_assert_cmpstr(soup_cookie_get_path(cookie), ==, "/");
	/* plain HTTP: not Secure */
	g_assert_false(soup_cookie_get_secure(cookie));
	{
		g_autoptr(Reply) r = web_get(w, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "<title>SPA2102 Admin");
		g_assert_null(r->set_cookie);
		/* the form token is the new session's */
		g_autofree gchar *token = page_csrf(r->body);
		g_assert_cmpstr(token, !=, csrf);
	}
	/* the anonymous session is gone */
	{
		g_autoptr(Web) old = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = NULL;
		old->sid = g_strdup(anonymous);
		r = web_get(old, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
	}
	/* the success forgot the failures: a wrong password is 401 again, not 429 */
	{
		g_autoptr(Web) other = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = web_login(other, "admin", "wrong-again");
		assert_status(r, SOUP_STATUS_UNAUTHORIZED);
	}

	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "failed admin login from 127.0.0.1");
	tr_test_assert_contains(daemon->d->err, "login from 127.0.0.1 refused: locked");
	tr_test_assert_contains(daemon->d->err, "admin logged in from 127.0.0.1");
	tr_test_assert_lacks(daemon->d->err, "wrong-guess");
	tr_test_assert_lacks(daemon->d->err, "wrong-again");
	tr_test_assert_lacks(daemon->d->err, ADMIN_PASSWORD);
}

/* the password is kept as a hash, in a file only the daemon's user reads */
static void
test_password_hashed(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autofree gchar *path = g_build_filename(t->state_dir, "spa2102", "config.ini", NULL);
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) all = NULL;
	g_autofree gchar *printed = NULL;
	const gchar *const everything[] = {NULL};
	GStatBuf st;

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, "User_Password",
			       "Us3r-Pa55", NULL);
	g_assert_true(g_file_get_contents(path, &contents, NULL, &error));
	g_assert_no_error(error);
	tr_test_assert_lacks(contents, ADMIN_PASSWORD);
	tr_test_assert_lacks(contents, "Us3r-Pa55");
	tr_test_assert_contains(contents, "Admin_Passwd=$pbkdf2-sha256$");
	tr_test_assert_contains(contents, "User_Password=$pbkdf2-sha256$");
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);

	/* D-Bus shows neither the password nor its hash */
	tr_test_assert_parameter(daemon->device, "Admin_Passwd", MASK);
	tr_test_assert_parameter(daemon->device, "User_Password", MASK);
	tr_dbus_device_call_get_parameters_sync(daemon->device, everything, &all, NULL, &error);
	g_assert_no_error(error);
	printed = g_variant_print(all, FALSE);
	tr_test_assert_lacks(printed, ADMIN_PASSWORD);
	tr_test_assert_lacks(printed, "$pbkdf2");

	/* the hash logs in, and the pages show only the mask */
	{
		g_autoptr(Web) w = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = NULL;
		wait_web(LOOPBACK, port, TRUE);
		web_login_ok(w, "admin", ADMIN_PASSWORD);
		r = web_get(w, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_lacks(r->body, ADMIN_PASSWORD);
		tr_test_assert_lacks(r->body, "$pbkdf2");
		tr_test_assert_contains(r->body, "value=\"" MASK "\" data-stored=\"" MASK "\"");
	}
	/* the user logs in with the user's password only */
	{
		g_autoptr(Web) w = web_new(LOOPBACK, port);
		g_autoptr(Reply) wrong = web_login(w, "user", ADMIN_PASSWORD);
		assert_status(wrong, SOUP_STATUS_UNAUTHORIZED);
	}
	{
		g_autoptr(Web) w = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = NULL;
		web_login_ok(w, "user", "Us3r-Pa55");
		r = web_get(w, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
	}
	daemon_stop(daemon);
	tr_test_assert_lacks(daemon->d->err, ADMIN_PASSWORD);
	tr_test_assert_lacks(daemon->d->err, "Us3r-Pa55");
}

/* a new admin password ends every admin session */
static void
test_password_change_logs_out(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Web) admin2 = web_new(LOOPBACK, port);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autofree gchar *user_sid = NULL;

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	web_login_ok(admin, "admin", ADMIN_PASSWORD);
	web_login_ok(admin2, "admin", ADMIN_PASSWORD);
	{
		g_autoptr(Reply) r = web_get(user, "/");
		assert_status(r, SOUP_STATUS_OK);
		user_sid = g_strdup(user->sid);
	}
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
	}

	tr_test_set_parameters(daemon->device, "Admin_Passwd", "N3w-Pa55", NULL);
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
	}
	{
		g_autoptr(Reply) r = web_get(admin2, "/admin/advanced");
		assert_redirect(r, "/login?account=admin&next=/admin/advanced");
	}
	/* the user's session stays */
	{
		g_autoptr(Reply) r = web_get(user, "/");
		assert_status(r, SOUP_STATUS_OK);
		g_assert_null(r->set_cookie);
		g_assert_cmpstr(user->sid, ==, user_sid);
	}
	/* the old password is refused, the new one works */
	{
		g_autoptr(Reply) r = web_login(admin, "admin", ADMIN_PASSWORD);
		assert_status(r, SOUP_STATUS_UNAUTHORIZED);
	}
	web_login_ok(admin, "admin", "N3w-Pa55");

	/* clearing it ends the sessions too */
	tr_test_set_parameters(daemon->device, "Admin_Passwd", "", NULL);
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/");
		/* on loopback without a password: a new admin session at once */
		assert_status(r, SOUP_STATUS_OK);
		g_assert_nonnull(r->set_cookie);
	}
	daemon_stop(daemon);
	/* an info message: on stdout */
	tr_test_assert_contains(daemon->d->out, "admin password changed: 2 admin sessions ended");
}

/* the ways a cross-site POST could come: all refused, nothing changed */
static void
test_csrf(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	g_autoptr(Web) other = web_new(LOOPBACK, port);
	g_autofree gchar *csrf = NULL;
	g_autofree gchar *other_csrf = NULL;
	g_autofree gchar *origin = g_strdup_printf("http://127.0.0.1:%u", port);
	g_autofree gchar *random = NULL;
	g_autofree gchar *session = NULL;
	const gchar *const cross_site[] = {"Sec-Fetch-Site", "cross-site", NULL};
	const gchar *const same_site[] = {"Sec-Fetch-Site", "same-site", NULL};
	const gchar *const foreign[] = {"Origin", "http://evil.example", NULL};
	const gchar *const foreign_port[] = {"Origin", "http://127.0.0.1:1", NULL};
	const gchar *const null_origin[] = {"Origin", "null", NULL};
	/* port 80, which is not this server's */
	const gchar *const default_port[] = {"Origin", "http://127.0.0.1", NULL};
	g_autofree gchar *prefix_origin = g_strdup_printf("http://127.0.0.1:%u0", port);
	const gchar *const longer_origin[] = {"Origin", prefix_origin, NULL};
	const gchar *const good[] = {"Origin", origin, "Sec-Fetch-Site", "same-origin", NULL};

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	web_login_ok(w, "admin", ADMIN_PASSWORD);
	web_login_ok(other, "admin", ADMIN_PASSWORD);
	csrf = web_csrf(w, "/admin/");
	other_csrf = web_csrf(other, "/admin/");
	g_assert_cmpstr(csrf, !=, other_csrf);
	session = g_strdup(w->sid);
	random = g_strdup(other->sid); /* 64 hex digits, but no form token */
	forget_changes(daemon);

	{
		const struct {
			const gchar *what;
			const gchar *token; /* NULL: none */
			const gchar *const *headers;
		} refused[] = {
			{"no token", NULL, NULL},
			{"an empty token", "", NULL},
			{"a wrong token", random, NULL},
			{"the token of another session", other_csrf, NULL},
			{"the session id as token", session, NULL},
			{"a foreign Origin", csrf, foreign},
			{"an Origin of another port", csrf, foreign_port},
			{"an Origin whose port only starts like this one", csrf, longer_origin},
			{"Origin: null", csrf, null_origin},
			{"an Origin without a port (80)", csrf, default_port},
			{"Sec-Fetch-Site: cross-site", csrf, cross_site},
			{"Sec-Fetch-Site: same-site", csrf, same_site},
		};
		for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
			const gchar *fields[] = {"Cfwd_All_Dest_1_", "666", NULL, NULL, NULL};
			g_autoptr(Reply) r = NULL;
			if (refused[i].token != NULL) {
				fields[2] = "csrf";
				fields[3] = refused[i].token;
			}
			r = web_post_formv(w, "/admin/", refused[i].headers, fields);
			if (r->status != SOUP_STATUS_FORBIDDEN)
				g_printerr("a POST with %s was not refused\n", refused[i].what);
			assert_status(r, SOUP_STATUS_FORBIDDEN);
			tr_test_assert_contains(r->body, "security token is missing or stale");
			tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "");
		}
	}
	/* the upload too */
	{
		g_autoptr(Reply) r =
			web_post_formv(w, "/admin/profile", NULL,
				       (const gchar *const[]){"profile", "<flat-profile/>", NULL});
		assert_status(r, SOUP_STATUS_FORBIDDEN);
	}
	assert_no_change(daemon);

	/* the session survived all that, and its own token with its own origin works */
	{
		g_autoptr(Reply) r = web_post_formv(
			w, "/admin/", good,
			(const gchar *const[]){"csrf", csrf, "Cfwd_All_Dest_1_", "777", NULL});
		assert_redirect(r, "/admin/?saved=1");
		tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "777");
	}

	/* the login form needs the token: with the right password but none, no login */
	{
		g_autoptr(Web) login = web_new(LOOPBACK, port);
		g_autofree gchar *token = web_csrf(login, "/login");
		g_autofree gchar *anonymous = g_strdup(login->sid);
		g_autoptr(Reply) none = web_post_form(login, "/login", "account", "admin",
						      "password", ADMIN_PASSWORD, NULL);
		g_autoptr(Reply) wrong =
			web_post_form(login, "/login", "csrf", other_csrf, "account", "admin",
				      "password", ADMIN_PASSWORD, NULL);
		g_autoptr(Reply) cross =
			web_post_formv(login, "/login", cross_site,
				       (const gchar *const[]){"csrf", token, "account", "admin",
							      "password", ADMIN_PASSWORD, NULL});
		g_autoptr(Reply) page = NULL;
		assert_status(none, SOUP_STATUS_FORBIDDEN);
		assert_status(wrong, SOUP_STATUS_FORBIDDEN);
		assert_status(cross, SOUP_STATUS_FORBIDDEN);
		g_assert_cmpstr(login->sid, ==, anonymous);
		page = web_get(login, "/admin/");
		assert_redirect(page, "/login?account=admin&next=/admin/");
	}
	/* without any session, the login form's POST is refused as well */
	{
		g_autoptr(Web) bare = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = web_post_form(bare, "/login", "csrf", csrf, "account", "admin",
						   "password", ADMIN_PASSWORD, NULL);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
		g_assert_null(r->set_cookie);
	}

	/* log out: not without the token */
	{
		g_autoptr(Reply) none = web_post_form(w, "/logout", NULL);
		g_autoptr(Reply) wrong = web_post_form(w, "/logout", "csrf", other_csrf, NULL);
		g_autoptr(Reply) page = NULL;
		assert_status(none, SOUP_STATUS_FORBIDDEN);
		assert_status(wrong, SOUP_STATUS_FORBIDDEN);
		page = web_get(w, "/admin/");
		assert_status(page, SOUP_STATUS_OK);
		/* nor with GET */
		g_clear_pointer(&page, reply_free);
		page = web_get(w, "/logout");
		assert_status(page, SOUP_STATUS_NOT_FOUND);
		g_clear_pointer(&page, reply_free);
		page = web_get(w, "/admin/");
		assert_status(page, SOUP_STATUS_OK);
	}
	/* with it: the cookie is deleted and the session ends */
	{
		g_autoptr(Reply) r = web_post_form(w, "/logout", "csrf", csrf, NULL);
		g_autoptr(Web) replay = web_new(LOOPBACK, port);
		g_autoptr(Reply) page = NULL;
		assert_redirect(r, "/");
		g_assert_nonnull(r->set_cookie);
		tr_test_assert_contains(r->set_cookie, "Max-Age=0");
		g_assert_null(w->sid);
		replay->sid = g_strdup(session);
		page = web_get(replay, "/admin/");
		assert_redirect(page, "/login?account=admin&next=/admin/");
	}
	/* the other session is untouched */
	{
		g_autoptr(Reply) r = web_get(other, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
	}
	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "without a valid form token: refused");
}

/* the user level: no na parameter is shown, none but rw ones can be changed */
static void
test_user_level(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autoptr(GPtrArray) hidden = NULL;
	g_autoptr(GPtrArray) visible = NULL;
	g_autofree gchar *csrf = NULL;
	const gchar *const paths[] = {"/", "/advanced", "/config.xml", "/status.json"};

	wait_web(LOOPBACK, port, TRUE);
	/* what is hidden from the user, from the admin's profile (loopback, no password) */
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/config.xml");
		assert_status(r, SOUP_STATUS_OK);
		hidden = profile_names_with_access(r->body, "na");
		visible = profile_names_with_access(r->body, "rw");
	}
	g_test_message("%u parameters hidden from the user, %u the user's", hidden->len,
		       visible->len);
	g_assert_cmpuint(hidden->len, >, 100);
	g_assert_cmpuint(visible->len, >, 10);
	g_assert_true(g_ptr_array_find_with_equal_func(hidden, "Admin_Passwd", g_str_equal, NULL));
	g_assert_true(g_ptr_array_find_with_equal_func(hidden, "Proxy_1_", g_str_equal, NULL));

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(Reply) r = web_get(user, paths[i]);
		assert_status(r, SOUP_STATUS_OK);
		for (guint j = 0; j < hidden->len; j++)
			assert_no_parameter(r->body, g_ptr_array_index(hidden, j), paths[i]);
	}
	/* not vacuous: the user's own parameters are there */
	{
		g_autoptr(Reply) r = web_get(user, "/");
		g_autoptr(Reply) xml = web_get(user, "/config.xml");
		tr_test_assert_contains(r->body, "name=\"Cfwd_All_Dest_1_\"");
		tr_test_assert_contains(xml->body, "<Cfwd_All_Dest_1_ ua=\"rw\"");
		tr_test_assert_lacks(xml->body, "ua=\"na\"");
		csrf = page_csrf(r->body);
	}

	/* one parameter read-only for the user */
	import_profile(daemon->device, "<flat-profile><Cfwd_Busy_Dest_1_ ua=\"ro\">100"
				       "</Cfwd_Busy_Dest_1_></flat-profile>");
	{
		g_autoptr(Reply) r = web_get(user, "/");
		tr_test_assert_contains(r->body, "<output id=\"f-Cfwd_Busy_Dest_1_\" class=\"ro\">"
						 "100</output>");
		tr_test_assert_lacks(r->body, "name=\"Cfwd_Busy_Dest_1_\"");
	}
	forget_changes(daemon);

	{
		const struct {
			const gchar *what;
			const gchar *const *fields;
			const gchar *named;
		} refused[] = {
			{"a hidden parameter",
			 (const gchar *const[]){"Proxy_1_", "evil.example", NULL}, "Proxy_1_"},
			{"the admin password",
			 (const gchar *const[]){"Admin_Passwd", "taken-over", NULL},
			 "Admin_Passwd"},
			{"a read-only parameter",
			 (const gchar *const[]){"Cfwd_Busy_Dest_1_", "200", NULL},
			 "Cfwd_Busy_Dest_1_"},
			{"an unknown name", (const gchar *const[]){"No_Such_Parameter", "1", NULL},
			 "No_Such_Parameter"},
			{"a good field beside a hidden one",
			 (const gchar *const[]){"Cfwd_All_Dest_1_", "123", "Proxy_1_",
						"evil.example", NULL},
			 "Proxy_1_"},
		};
		for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
			g_autoptr(GPtrArray) fields = g_ptr_array_new();
			g_autoptr(Reply) r = NULL;
			g_ptr_array_add(fields, "csrf");
			g_ptr_array_add(fields, csrf);
			for (guint j = 0; refused[i].fields[j] != NULL; j++)
				g_ptr_array_add(fields, (gpointer)refused[i].fields[j]);
			g_ptr_array_add(fields, NULL);
			r = web_post_formv(user, "/", NULL, (const gchar *const *)fields->pdata);
			if (r->status != SOUP_STATUS_FORBIDDEN)
				g_printerr("the user's POST of %s was not refused\n",
					   refused[i].what);
			assert_status(r, SOUP_STATUS_FORBIDDEN);
			tr_test_assert_contains(r->body, refused[i].named);
			tr_test_assert_contains(r->body, "Nothing was changed.");
		}
		/* to the advanced page too */
		{
			g_autoptr(Reply) r = web_post_form(user, "/advanced", "csrf", csrf,
							   "Proxy_1_", "evil.example", NULL);
			assert_status(r, SOUP_STATUS_FORBIDDEN);
		}
	}
	tr_test_assert_parameter(daemon->device, "Proxy_1_", "");
	tr_test_assert_parameter(daemon->device, "Admin_Passwd", "");
	tr_test_assert_parameter(daemon->device, "Cfwd_Busy_Dest_1_", "100");
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "");
	assert_no_change(daemon);

	/* what the user may change, the user can */
	{
		g_autoptr(Reply) r =
			web_post_form(user, "/", "csrf", csrf, "Cfwd_All_Dest_1_", "123", NULL);
		assert_redirect(r, "/?saved=1");
		tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "123");
	}

	/* with an admin password, the admin's pages are not the user's */
	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	{
		const gchar *const admin_paths[] = {"/admin/", "/admin/advanced",
						    "/admin/config.xml",
						    "/admin/config.xml?format=text"};
		for (guint i = 0; i < G_N_ELEMENTS(admin_paths); i++) {
			g_autoptr(Reply) r = web_get(user, admin_paths[i]);
			g_assert_cmpuint(r->status, ==, SOUP_STATUS_SEE_OTHER);
			tr_test_assert_contains(
				soup_message_headers_get_one(r->headers, "Location"),
				"/login?account=admin");
			tr_test_assert_lacks(r->body, "flat-profile");
			tr_test_assert_lacks(r->body, "Admin_Passwd");
		}
	}
	{
		g_autoptr(Reply) r = web_post_form(user, "/admin/", "csrf", csrf, "Proxy_1_",
						   "evil.example", NULL);
		assert_redirect(r, "/login?account=admin&next=/admin/");
		tr_test_assert_parameter(daemon->device, "Proxy_1_", "");
	}
	{
		g_autoptr(SoupMultipart) multipart =
			soup_multipart_new(SOUP_FORM_MIME_TYPE_MULTIPART);
		const gchar *profile =
			"<flat-profile><Proxy_1_>evil.example</Proxy_1_></flat-profile>";
		g_autoptr(GBytes) file = g_bytes_new_static(profile, strlen(profile));
		g_autofree gchar *url = web_url(user, "/admin/profile");
		g_autoptr(Reply) r = NULL;
		soup_multipart_append_form_string(multipart, "csrf", csrf);
		soup_multipart_append_form_file(multipart, "profile", "p.xml", "application/xml",
						file);
		r = web_send(user, soup_message_new_from_multipart(url, multipart));
		assert_redirect(r, "/login?account=admin&next=/admin/profile");
		tr_test_assert_parameter(daemon->device, "Proxy_1_", "");
	}
	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "user session from 127.0.0.1 posted parameters it "
						"may not change (Proxy_1_): refused");
}

/* before a login the product only: no device name, no serial number, no version */
static void
test_anonymous(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	const gchar *const named[] = {"SPA2102:front-desk-adapter", NULL};
	g_autoptr(Daemon) daemon = daemon_start(t, named, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	g_autofree gchar *serial = g_strdup(tr_dbus_device_get_serial(daemon->device));
	const gchar *const anonymous[] = {"/login", "/login?account=user", "/no-such-page"};

	g_assert_cmpstr(tr_dbus_device_get_name(daemon->device), ==, "front-desk-adapter");
	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, "User_Password",
			       "Us3r-Pa55", NULL);
	wait_web(LOOPBACK, port, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(anonymous); i++) {
		g_autoptr(Reply) r = web_get(w, anonymous[i]);
		g_assert_cmpuint(r->status, !=, SOUP_STATUS_SEE_OTHER);
		tr_test_assert_contains(r->body, "<span class=\"product\">SPA2102</span>");
		tr_test_assert_lacks(r->body, "front-desk-adapter");
		tr_test_assert_lacks(r->body, serial);
		tr_test_assert_lacks(r->body, PACKAGE_VERSION);
	}
	/* a refusal before a login: a logout without the form's token */
	{
		g_autoptr(Reply) r = web_post_form(w, "/logout", "csrf", "0", NULL);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
		tr_test_assert_lacks(r->body, "front-desk-adapter");
		tr_test_assert_lacks(r->body, serial);
	}
	/* a failed login */
	{
		g_autoptr(Reply) r = web_login(w, "user", "wrong");
		assert_status(r, SOUP_STATUS_UNAUTHORIZED);
		tr_test_assert_lacks(r->body, "front-desk-adapter");
		tr_test_assert_lacks(r->body, serial);
	}
	/* logged in: the device, its serial number in the footer and on the Info tab */
	web_login_ok(w, "user", "Us3r-Pa55");
	{
		g_autoptr(Reply) r = web_get(w, "/");
		g_autofree gchar *footer = g_strdup_printf(
			"<footer>tipring %s · Serial Number %s</footer>", PACKAGE_VERSION, serial);
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body,
					"<title>SPA2102 User — front-desk-adapter</title>");
		tr_test_assert_contains(r->body,
					"<span class=\"device\">front-desk-adapter</span>");
		tr_test_assert_contains(r->body, footer);
	}
	{
		g_autoptr(Reply) r = web_get(w, "/no-such-page");
		assert_status(r, SOUP_STATUS_NOT_FOUND);
		tr_test_assert_contains(r->body, "front-desk-adapter");
		tr_test_assert_contains(r->body, serial);
	}
	daemon_stop(daemon);
}

/* a value the user can see, full of markup, is shown only escaped */
static void
test_escaping(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	const gchar *const pages[] = {"/", "/advanced", "/admin/", "/admin/advanced"};

	tr_test_set_parameters(daemon->device, "Cfwd_All_Dest_1_", EVIL, "Display_Name_1_", EVIL,
			       "GPP_A", EVIL, NULL);
	wait_web(LOOPBACK, port, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
		Web *w = g_str_has_prefix(pages[i], "/admin") ? admin : user;
		g_autoptr(Reply) r = web_get(w, pages[i]);
		assert_status(r, SOUP_STATUS_OK);
		/* value and data-stored of Cfwd_All_Dest_1_ at least */
		g_assert_cmpuint(tr_test_count_occurrences(r->body, EVIL_ESCAPED), >=, 2);
		tr_test_assert_lacks(r->body, "<script>");
		tr_test_assert_lacks(r->body, "alert(1)</script>");
		tr_test_assert_lacks(r->body, "\"'&");
	}
	/* the admin sees all three */
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/advanced");
		g_assert_cmpuint(tr_test_count_occurrences(r->body, EVIL_ESCAPED), ==, 6);
	}
	/* XML-escaped in the profiles */
	{
		g_autoptr(Reply) r = web_get(user, "/config.xml");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_lacks(r->body, "<script>");
		tr_test_assert_contains(r->body, "&lt;script&gt;");
	}

	/* what a refused submit shows back is escaped too: the typed value and the reason */
	{
		g_autofree gchar *csrf = web_csrf(user, "/");
		g_autoptr(Reply) r = web_post_form(user, "/", "csrf", csrf, "Cfwd_No_Ans_Delay_1_",
						   "<img src=x onerror=alert(2)>", NULL);
		assert_status(r, SOUP_STATUS_UNPROCESSABLE_ENTITY);
		tr_test_assert_lacks(r->body, "<img");
		tr_test_assert_contains(r->body, "value=\"&lt;img src=x onerror=alert(2)&gt;\"");
		tr_test_assert_contains(r->body, "id=\"e-Cfwd_No_Ans_Delay_1_\">The device expects "
						 "an integer");
	}
	/* and what the login page shows back */
	{
		g_autoptr(Reply) r = web_get(user, "/login?account=%3Cb%3E&next=/%22%3E%3Cb%3E");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_lacks(r->body, "<b>");
		tr_test_assert_lacks(r->body, "\"><b");
	}
	daemon_stop(daemon);
}

/* every answer carries the headers that keep it out of frames, caches and sniffing */
static void
test_security_headers(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	const struct {
		const gchar *method;
		const gchar *path;
		guint status;
	} answers[] = {
		{"GET", "/", SOUP_STATUS_OK},
		{"GET", "/advanced", SOUP_STATUS_OK},
		{"GET", "/admin/", SOUP_STATUS_OK},
		{"GET", "/login", SOUP_STATUS_OK},
		{"GET", "/status.json", SOUP_STATUS_OK},
		{"GET", "/config.xml", SOUP_STATUS_OK},
		{"GET", "/admin/config.xml", SOUP_STATUS_OK},
		{"GET", "/no/such/page", SOUP_STATUS_NOT_FOUND},
		{"PUT", "/", SOUP_STATUS_METHOD_NOT_ALLOWED},
		{"POST", "/", SOUP_STATUS_FORBIDDEN},
		{"HEAD", "/", SOUP_STATUS_OK},
	};

	wait_web(LOOPBACK, port, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(answers); i++) {
		g_autoptr(Reply) r = web_request(w, answers[i].method, answers[i].path, NULL);
		const gchar *csp =
			soup_message_headers_get_one(r->headers, "Content-Security-Policy");
		g_test_message("%s %s", answers[i].method, answers[i].path);
		assert_status(r, answers[i].status);
		assert_header(r, "X-Content-Type-Options", "nosniff");
		assert_header(r, "X-Frame-Options", "DENY");
		assert_header(r, "Cache-Control", "no-store");
		assert_header(r, "Referrer-Policy", "same-origin");
		g_assert_nonnull(csp);
		tr_test_assert_contains(csp, "default-src 'self'");
		tr_test_assert_contains(csp, "frame-ancestors 'none'");
		tr_test_assert_contains(csp, "form-action 'self'");
		tr_test_assert_lacks(csp, "unsafe-inline");
		tr_test_assert_lacks(csp, "unsafe-eval");
		g_assert_null(
			soup_message_headers_get_one(r->headers, "Access-Control-Allow-Origin"));
	}
	/* the assets may be cached, and are not sniffed either; the templates are not served */
	{
		g_autoptr(Reply) css = web_get(w, "/assets/style.css");
		g_autoptr(Reply) js = web_get(w, "/assets/tipring.js");
		g_autoptr(Reply) layout = web_get(w, "/assets/layout.html");
		g_autoptr(Reply) none = web_get(w, "/assets/nothing.css");
		assert_status(css, SOUP_STATUS_OK);
		assert_header(css, "X-Content-Type-Options", "nosniff");
		assert_header(css, "Content-Type", "text/css; charset=utf-8");
		assert_header(js, "Content-Type", "text/javascript; charset=utf-8");
		tr_test_assert_contains(soup_message_headers_get_one(css->headers, "Cache-Control"),
					"max-age=");
		assert_status(layout, SOUP_STATUS_NOT_FOUND);
		assert_status(none, SOUP_STATUS_NOT_FOUND);
	}
	daemon_stop(daemon);
}

/* a raw HTTP/1.1 exchange: REQUEST sent, the answer's head read; NULL if none came */
static gchar *
raw_exchange(guint port, const gchar *request)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) connection = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) head = g_string_new(NULL);
	GSocket *socket;

	g_socket_client_set_timeout(client, TR_TEST_DEADLINE_S);
	connection = g_socket_client_connect_to_host(client, LOOPBACK, port, NULL, &error);
	g_assert_no_error(error);
	socket = g_socket_connection_get_socket(connection);
	/* the answer must come without more of the request */
	g_socket_set_timeout(socket, 5);
	g_assert_true(
		g_output_stream_write_all(g_io_stream_get_output_stream(G_IO_STREAM(connection)),
					  request, strlen(request), NULL, NULL, &error));
	g_assert_no_error(error);
	while (strstr(head->str, "\r\n\r\n") == NULL) {
		gchar buffer[1024];
		gssize n =
			g_input_stream_read(g_io_stream_get_input_stream(G_IO_STREAM(connection)),
					    buffer, sizeof(buffer), NULL, &error);
		if (n <= 0) {
			g_test_message("no answer to the request (%s)",
				       error != NULL ? error->message : "closed");
			return head->len > 0 ? g_strdup(head->str) : NULL;
		}
		g_string_append_len(head, buffer, n);
	}
	return g_strdup(head->str);
}

/* the status of the answer to REQUEST, sent raw (HTTP/1.0 or 1.1); 0: none came */
static guint
raw_status(guint port, const gchar *request)
{
	g_autofree gchar *head = raw_exchange(port, request);
	guint status = 0;

	if (head != NULL && g_str_has_prefix(head, "HTTP/1.") && strlen(head) > 12)
		status = (guint)g_ascii_strtoull(head + 9, NULL, 10);
	if (status == 0)
		g_printerr("request:\n%s\nanswer:\n%s\n", request, head != NULL ? head : "(none)");
	return status;
}

static void
assert_raw_status(guint port, const gchar *request, guint status)
{
	g_assert_cmpuint(raw_status(port, request), ==, status);
}

/* bodies too large are refused unread; malformed ones are refused; the daemon lives */
static void
test_request_limits(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autofree gchar *csrf = NULL;
	g_autofree gchar *big = NULL;
	g_autofree gchar *huge = NULL;
	g_autofree gchar *expect = NULL;
	g_autofree gchar *chunked = NULL;
	g_autofree gchar *upload = NULL;
	const gchar *const malformed_forms[] = {
		"%", "%zz=%%&&==&=", "csrf", "csrf=%", "\xff\xfe\xfd=\x01", "Cfwd_All_Dest_1_=%00x",
	};

	wait_web(LOOPBACK, port, TRUE);
	csrf = web_csrf(admin, "/admin/");

	/* the headers alone are answered: the server never waits for 8 MiB and more */
	big = g_strdup_printf("POST / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
			      "Content-Type: application/x-www-form-urlencoded\r\n"
			      "Content-Length: %u\r\n\r\n",
			      port, 8 * 1024 * 1024 + 1);
	assert_raw_status(port, big, 413);
	huge = g_strdup_printf("POST /admin/profile HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
			       "Content-Type: multipart/form-data; boundary=x\r\n"
			       "Content-Length: 1000000000000\r\n\r\n",
			       port);
	assert_raw_status(port, huge, 413);
	expect = g_strdup_printf("POST / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				 "Content-Type: application/x-www-form-urlencoded\r\n"
				 "Expect: 100-continue\r\nContent-Length: 9000000\r\n\r\n",
				 port);
	assert_raw_status(port, expect, 413);
	/* a body of unknown length is not taken either */
	chunked = g_strdup_printf("POST / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				  "Content-Type: application/x-www-form-urlencoded\r\n"
				  "Transfer-Encoding: chunked\r\n\r\n",
				  port);
	assert_raw_status(port, chunked, 413);
	/* 8 MiB exactly is read (and refused for its missing token) */
	{
		gsize len = 8 * 1024 * 1024;
		g_autofree gchar *body = g_malloc(len);
		g_autoptr(Reply) r = NULL;
		memset(body, 'a', len);
		r = web_post_raw(admin, "/admin/", SOUP_FORM_MIME_TYPE_URLENCODED, body, len, NULL);
		assert_status(r, SOUP_STATUS_FORBIDDEN);
	}
	/* nonsense on the wire */
	assert_raw_status(port, "GARBAGE\r\n\r\n", 400);
	upload = g_strdup_printf("POST / HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				 "Content-Length: -5\r\n\r\n",
				 port);
	/* a negative length: no body (libsoup), so the form has no token */
	g_assert_cmpuint(raw_status(port, upload), ==, SOUP_STATUS_FORBIDDEN);

	/* malformed urlencoded forms: 4xx, nothing changed */
	for (guint i = 0; i < G_N_ELEMENTS(malformed_forms); i++) {
		g_autoptr(Reply) r =
			web_post_raw(admin, "/admin/", SOUP_FORM_MIME_TYPE_URLENCODED,
				     malformed_forms[i], strlen(malformed_forms[i]), NULL);
		g_assert_cmpuint(r->status, >=, 400);
		g_assert_cmpuint(r->status, <, 500);
	}
	/* a token, then a NUL and garbage: what follows the NUL is not read as fields */
	{
		g_autofree gchar *body = g_strdup_printf("csrf=%s&Cfwd_All_Dest_1_=1", csrf);
		gsize len = strlen(body);
		body[strlen("csrf=") + 64] = '\0';
		g_autoptr(Reply) r = web_post_raw(admin, "/admin/", SOUP_FORM_MIME_TYPE_URLENCODED,
						  body, len, NULL);
		g_assert_cmpuint(r->status, <, 500);
	}
	/* malformed multipart uploads */
	{
		const struct {
			const gchar *content_type;
			const gchar *body;
		} uploads[] = {
			{"multipart/form-data; boundary=XYZ", "garbage without any boundary"},
			{"multipart/form-data; boundary=XYZ", "--XYZ\r\nno blank line--XYZ--"},
			{"multipart/form-data; boundary=XYZ",
			 "--XYZ\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--XYZ--\r\n"},
			{"multipart/form-data", "--XYZ\r\n\r\n--XYZ--\r\n"},
			{"multipart/form-data; boundary=", "--\r\n\r\n----\r\n"},
			{"application/x-www-form-urlencoded", "profile=x"},
			{"text/plain", ""},
		};
		for (guint i = 0; i < G_N_ELEMENTS(uploads); i++) {
			g_autoptr(Reply) r =
				web_post_raw(admin, "/admin/profile", uploads[i].content_type,
					     uploads[i].body, strlen(uploads[i].body), NULL);
			g_test_message("upload as %s", uploads[i].content_type);
			g_assert_cmpuint(r->status, >=, 400);
			g_assert_cmpuint(r->status, <, 500);
		}
	}
	/* a multipart whose token is right but whose file part is missing */
	{
		g_autoptr(SoupMultipart) multipart =
			soup_multipart_new(SOUP_FORM_MIME_TYPE_MULTIPART);
		g_autofree gchar *url = web_url(admin, "/admin/profile");
		g_autoptr(Reply) r = NULL;
		soup_multipart_append_form_string(multipart, "csrf", csrf);
		r = web_send(admin, soup_message_new_from_multipart(url, multipart));
		assert_status(r, SOUP_STATUS_BAD_REQUEST);
		tr_test_assert_contains(r->body, "Choose a profile file to upload.");
	}
	assert_no_change(daemon);

	tr_test_daemon_assert_alive(daemon->d);
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
	}
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "");
	daemon_stop(daemon);
}

/* Submit All Changes: all or nothing; the mask keeps a password; what changed is told */
static void
test_submit(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autofree gchar *csrf = NULL;
	const gchar *const changed[] = {"Line_Enable_2_", "Display_Name_1_", "Cfwd_All_Dest_1_",
					NULL};

	tr_test_set_parameters(daemon->device, "Password_1_", "sip-secret-1", NULL);
	wait_web(LOOPBACK, port, TRUE);
	csrf = web_csrf(admin, "/admin/advanced");
	forget_changes(daemon);

	/* one bad field: nothing is applied, the page says why, at the field */
	{
		g_autoptr(Reply) r = web_post_form(admin, "/admin/advanced", "csrf", csrf,
						   "Cfwd_All_Dest_1_", "5551234", "Line_Enable_1_",
						   "maybe", "SIP_Port_1_", "99999", NULL);
		assert_status(r, SOUP_STATUS_UNPROCESSABLE_ENTITY);
		tr_test_assert_contains(r->body, "2 fields have values the device does not accept");
		tr_test_assert_contains(r->body, "Nothing was changed.");
		/* under the field the reason alone: no internal name (that is for
		 * D-Bus and tipringctl), no value (the field shows it) */
		tr_test_assert_contains(r->body, "<p class=\"reason\" id=\"e-Line_Enable_1_\">The "
						 "device expects yes or no.</p>");
		tr_test_assert_contains(r->body, "<p class=\"reason\" id=\"e-SIP_Port_1_\">The "
						 "device expects an integer from 1 to 65535.</p>");
		tr_test_assert_lacks(r->body, "Invalid value");
		tr_test_assert_lacks(r->body, "for SIP_Port_1_");
		tr_test_assert_contains(r->body, "aria-invalid=\"true\" "
						 "aria-describedby=\"e-Line_Enable_1_\"");
		/* what was typed stays in the form */
		tr_test_assert_contains(r->body, "value=\"5551234\"");
		tr_test_assert_contains(r->body, "<option selected value=\"maybe\">");
		/* and the form can be sent again */
		g_autofree gchar *token = page_csrf(r->body);
		g_assert_cmpstr(token, ==, csrf);
	}
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "");
	tr_test_assert_parameter(daemon->device, "Line_Enable_1_", "yes");
	assert_no_change(daemon);

	/* the mask posted back changes no password */
	{
		g_autoptr(Reply) r =
			web_post_form(admin, "/admin/advanced", "csrf", csrf, "Password_1_", MASK,
				      "Admin_Passwd", MASK, "User_Password", MASK, NULL);
		g_autoptr(Reply) profile = NULL;
		assert_redirect(r, "/admin/advanced?saved=0");
		assert_no_change(daemon);
		profile = web_get(admin, "/admin/config.xml");
		tr_test_assert_contains(profile->body, ">sip-secret-1</Password_1_>");
		tr_test_assert_parameter(daemon->device, "Admin_Passwd", "");
		tr_test_assert_parameter(daemon->device, "User_Password", "");
	}
	/* the page itself shows the mask, never the password */
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/advanced");
		tr_test_assert_lacks(r->body, "sip-secret-1");
		tr_test_assert_contains(r->body,
					"name=\"Password_1_\" autocomplete=\"new-password\" "
					"value=\"" MASK "\"");
	}

	/* a good submit: applied, counted (the unchanged field is not), signalled */
	{
		g_autoptr(Reply) r = web_post_form(
			admin, "/admin/advanced", "csrf", csrf, "Cfwd_All_Dest_1_", "5551234",
			"Line_Enable_2_", "no", "Display_Name_1_", "Alice & Bob",
			"Cfwd_No_Ans_Delay_1_", "20", "Password_1_", MASK, NULL);
		g_autoptr(Reply) page = NULL;
		assert_redirect(r, "/admin/advanced?saved=3");
		page = web_get(admin, "/admin/advanced?saved=3");
		tr_test_assert_contains(page->body, "Changes applied: 3.");
		tr_test_assert_contains(page->body, "value=\"Alice &amp; Bob\"");
	}
	sync_with_daemon(daemon);
	g_assert_cmpuint(daemon->changes->len, ==, 1);
	{
		g_auto(GStrv) got = g_strdupv(g_ptr_array_index(daemon->changes, 0));
		g_autofree gchar *joined = g_strjoinv(" ", got);
		g_test_message("ParametersChanged: %s", joined);
		g_assert_cmpuint(g_strv_length(got), ==, 3);
		for (guint i = 0; changed[i] != NULL; i++)
			g_assert_true(g_strv_contains((const gchar *const *)got, changed[i]));
	}
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "5551234");
	tr_test_assert_parameter(daemon->device, "Line_Enable_2_", "no");
	tr_test_assert_parameter(daemon->device, "Display_Name_1_", "Alice & Bob");
	tr_test_assert_parameter(daemon->device, "Cfwd_No_Ans_Delay_1_", "20");

	/* values are taken as the store takes them: "TRUE" is stored as yes */
	{
		g_autoptr(Reply) r = web_post_form(admin, "/admin/", "csrf", csrf, "Line_Enable_2_",
						   "TRUE", NULL);
		assert_redirect(r, "/admin/?saved=1");
		tr_test_assert_parameter(daemon->device, "Line_Enable_2_", "yes");
	}
	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "admin from 127.0.0.1 changed");
	tr_test_assert_lacks(daemon->d->err, "sip-secret-1");
}

static Reply *
upload_profile(Web *w, const gchar *csrf, const gchar *filename, const gchar *profile)
{
	g_autoptr(SoupMultipart) multipart = soup_multipart_new(SOUP_FORM_MIME_TYPE_MULTIPART);
	g_autoptr(GBytes) file = g_bytes_new(profile, strlen(profile));
	g_autofree gchar *url = web_url(w, "/admin/profile");

	soup_multipart_append_form_string(multipart, "csrf", csrf);
	soup_multipart_append_form_string(multipart, "next", "/admin/advanced");
	soup_multipart_append_form_file(multipart, "profile", filename, "application/xml", file);
	return web_send(w, soup_message_new_from_multipart(url, multipart));
}

/* profiles: download as XML with the admin's level; upload, all or nothing */
static void
test_profiles(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autofree gchar *mac =
		g_strdelimit(g_strdup(tr_dbus_device_get_mac_address(daemon->device)), ":", '-');
	g_autofree gchar *disposition =
		g_strdup_printf("attachment; filename=\"SPA2102-%s.xml\"", mac);
	g_autofree gchar *csrf = NULL;

	tr_test_set_parameters(daemon->device, "Password_1_", "sip-secret-1", NULL);
	wait_web(LOOPBACK, port, TRUE);
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/config.xml");
		assert_status(r, SOUP_STATUS_OK);
		assert_header(r, "Content-Type", "application/xml; charset=utf-8");
		assert_header(r, "Content-Disposition", disposition);
		assert_header(r, "Cache-Control", "no-store");
		tr_test_assert_contains(r->body, "<flat-profile>");
		tr_test_assert_contains(r->body, "SPA2102 spa2102, admin level");
		tr_test_assert_contains(r->body, "<Admin_Passwd ua=\"na\"");
		tr_test_assert_contains(r->body, "<Proxy_1_ ua=\"na\"");
		/* the admin's profile carries the passwords, so it can be restored */
		tr_test_assert_contains(r->body, ">sip-secret-1</Password_1_>");
	}
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/config.xml?format=text");
		g_autofree gchar *text_name =
			g_strdup_printf("attachment; filename=\"SPA2102-%s.cfg\"", mac);
		assert_status(r, SOUP_STATUS_OK);
		assert_header(r, "Content-Type", "text/plain; charset=utf-8");
		assert_header(r, "Content-Disposition", text_name);
	}
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/config.xml?format=pdf");
		assert_status(r, SOUP_STATUS_BAD_REQUEST);
	}
	/* the user's is the user's level: no hidden parameter, no password */
	{
		g_autoptr(Reply) r = web_get(user, "/config.xml");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "user level");
		tr_test_assert_lacks(r->body, "ua=\"na\"");
		tr_test_assert_lacks(r->body, "sip-secret-1");
		tr_test_assert_lacks(r->body, "Admin_Passwd");
	}

	csrf = web_csrf(admin, "/admin/advanced");
	forget_changes(daemon);
	/* a good profile, with an unknown name, applies */
	{
		g_autoptr(Reply) r = upload_profile(
			admin, csrf, "good.xml",
			"<flat-profile><Cfwd_All_Dest_1_>777</Cfwd_All_Dest_1_>"
			"<No_Such_Thing>1</No_Such_Thing>"
			"<Cfwd_Busy_Dest_1_ ua=\"ro\">555</Cfwd_Busy_Dest_1_></flat-profile>");
		g_autoptr(Reply) page = NULL;
		assert_redirect(r, "/admin/advanced?imported=1");
		page = web_get(admin, "/admin/advanced?imported=1");
		tr_test_assert_contains(page->body,
					"Profile applied: 1 unknown parameters were ignored.");
	}
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "777");
	tr_test_assert_parameter(daemon->device, "Cfwd_Busy_Dest_1_", "555");
	sync_with_daemon(daemon);
	g_assert_cmpuint(daemon->changes->len, ==, 1);
	g_ptr_array_set_size(daemon->changes, 0);
	{
		g_autoptr(Reply) r = web_get(user, "/");
		tr_test_assert_contains(r->body,
					"<output id=\"f-Cfwd_Busy_Dest_1_\" class=\"ro\">555");
	}

	/* a bad value: refused with the reason, nothing changed */
	{
		g_autoptr(Reply) r =
			upload_profile(admin, csrf, "bad.xml",
				       "<flat-profile><Cfwd_All_Dest_1_>888</Cfwd_All_Dest_1_>"
				       "<Line_Enable_1_>maybe</Line_Enable_1_></flat-profile>");
		assert_status(r, SOUP_STATUS_UNPROCESSABLE_ENTITY);
		tr_test_assert_contains(r->body, "The profile was refused and nothing was changed");
		tr_test_assert_contains(r->body, "Line_Enable_1_");
		tr_test_assert_contains(r->body, "expected yes or no");
	}
	/* malformed XML, and not a profile at all */
	{
		g_autoptr(Reply) r = upload_profile(admin, csrf, "broken.xml",
						    "<flat-profile><Cfwd_All_Dest_1_>999");
		assert_status(r, SOUP_STATUS_UNPROCESSABLE_ENTITY);
		tr_test_assert_contains(r->body, "The profile was refused and nothing was changed");
		tr_test_assert_contains(r->body, "broken.xml");
	}
	{
		g_autoptr(Reply) r = upload_profile(admin, csrf, "ua.xml",
						    "<flat-profile><Cfwd_All_Dest_1_ ua=\"all\">1"
						    "</Cfwd_All_Dest_1_></flat-profile>");
		assert_status(r, SOUP_STATUS_UNPROCESSABLE_ENTITY);
	}
	tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "777");
	tr_test_assert_parameter(daemon->device, "Line_Enable_1_", "yes");
	assert_no_change(daemon);

	/* the admin's own download restores what was changed since */
	{
		g_autoptr(Reply) saved = web_get(admin, "/admin/config.xml");
		g_autoptr(Reply) r = NULL;
		tr_test_set_parameters(daemon->device, "Cfwd_All_Dest_1_", "000", "Password_1_",
				       "other", NULL);
		r = upload_profile(admin, csrf, "SPA2102.xml", saved->body);
		assert_redirect(r, "/admin/advanced?imported=0");
		tr_test_assert_parameter(daemon->device, "Cfwd_All_Dest_1_", "777");
		g_clear_pointer(&saved, reply_free);
		saved = web_get(admin, "/admin/config.xml");
		tr_test_assert_contains(saved->body, ">sip-secret-1</Password_1_>");
	}
	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "profile bad.xml uploaded from 127.0.0.1 refused");
}

/* an open /events stream */
typedef struct {
	SoupSession *session;
	SoupMessage *msg;
	GInputStream *stream;
	GCancellable *cancellable;
	GString *data;
	GPtrArray *events; /* the JSON of each data: line */
	gboolean opened;
	gboolean ended;
	gchar buffer[4096];
} Events;

static void events_read_cb(GObject *source, GAsyncResult *result, gpointer user_data);

static void
events_read_more(Events *e)
{
	g_input_stream_read_async(e->stream, e->buffer, sizeof(e->buffer), G_PRIORITY_DEFAULT,
				  e->cancellable, events_read_cb, e);
}

static void
events_read_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Events *e = user_data;
	g_autoptr(GError) error = NULL;
	gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), result, &error);
	const gchar *end;

	if (n <= 0) {
		e->ended = TRUE;
		return;
	}
	g_string_append_len(e->data, e->buffer, n);
	/* whole events: "field: value\n...\n\n" */
	while ((end = strstr(e->data->str, "\n\n")) != NULL) {
		g_autofree gchar *event = g_strndup(e->data->str, end - e->data->str);
		g_auto(GStrv) lines = g_strsplit(event, "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++) {
			if (g_str_has_prefix(lines[i], "data: "))
				g_ptr_array_add(e->events, g_strdup(lines[i] + strlen("data: ")));
		}
		g_string_erase(e->data, 0, end - e->data->str + 2);
	}
	events_read_more(e);
}

static void
events_sent_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Events *e = user_data;
	g_autoptr(GError) error = NULL;

	e->stream = soup_session_send_finish(SOUP_SESSION(source), result, &error);
	e->opened = TRUE;
	if (e->stream == NULL) {
		g_printerr("GET /events: %s\n", error->message);
		e->ended = TRUE;
		return;
	}
	events_read_more(e);
}

static gboolean
events_opened(gconstpointer data)
{
	return ((const Events *)data)->opened;
}

static Events *
events_open(Web *w)
{
	Events *e = g_new0(Events, 1);
	g_autofree gchar *url = web_url(w, "/events");
	g_autofree gchar *cookie = g_strdup_printf("%s=%s", w->cookie_name, w->sid);

	e->session = soup_session_new();
	e->msg = soup_message_new("GET", url);
	e->cancellable = g_cancellable_new();
	e->data = g_string_new(NULL);
	e->events = g_ptr_array_new_with_free_func(g_free);
	soup_message_headers_replace(soup_message_get_request_headers(e->msg), "Cookie", cookie);
	soup_session_send_async(e->session, e->msg, G_PRIORITY_DEFAULT, e->cancellable,
				events_sent_cb, e);
	g_assert_true(tr_test_wait_until(events_opened, e));
	return e;
}

static void
events_free(Events *e)
{
	g_cancellable_cancel(e->cancellable);
	/* the cancelled read reports */
	while (e->stream != NULL && !e->ended)
		g_main_context_iteration(NULL, TRUE);
	g_clear_object(&e->stream);
	g_object_unref(e->msg);
	g_object_unref(e->session);
	g_object_unref(e->cancellable);
	g_string_free(e->data, TRUE);
	g_ptr_array_unref(e->events);
	g_free(e);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Events, events_free)

typedef struct {
	Events *events;
	guint count;
} EventCount;

static gboolean
has_events(gconstpointer data)
{
	const EventCount *c = data;

	return c->events->events->len >= c->count || c->events->ended;
}

/* waits for the Nth event (from 1); its JSON parsed */
static GHashTable *
events_wait(Events *e, guint n)
{
	EventCount c = {e, n};
	GHashTable *object;

	if (!tr_test_wait_until(has_events, &c) || e->events->len < n)
		g_printerr("event %u did not come (%s)\n", n, e->ended ? "ended" : "deadline");
	g_assert_cmpuint(e->events->len, >=, n);
	object = parse_flat_json(g_ptr_array_index(e->events, n - 1));
	if (object == NULL)
		g_printerr("not a flat JSON object: %s\n",
			   (const gchar *)g_ptr_array_index(e->events, n - 1));
	g_assert_nonnull(object);
	return object;
}

/* the Info tab's live values: a stream of JSON, pushed at once and on each change */
static void
test_events(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Events) events = NULL;
	g_autoptr(GHashTable) first = NULL;
	g_autoptr(GHashTable) status = NULL;
	gint64 opened;
	guint n;

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	/* not without a session */
	{
		g_autoptr(Reply) r = web_get(user, "/events");
		assert_status(r, SOUP_STATUS_UNAUTHORIZED);
	}
	{
		g_autoptr(Reply) r = web_get(user, "/");
		assert_status(r, SOUP_STATUS_OK);
	}

	opened = g_get_monotonic_time();
	events = events_open(user);
	g_assert_cmpuint(soup_message_get_status(events->msg), ==, SOUP_STATUS_OK);
	g_assert_cmpstr(soup_message_headers_get_content_type(
				soup_message_get_response_headers(events->msg), NULL),
			==, "text/event-stream");
	g_assert_cmpint(
		soup_message_headers_get_encoding(soup_message_get_response_headers(events->msg)),
		==, SOUP_ENCODING_CHUNKED);
	g_assert_cmpstr(soup_message_headers_get_one(soup_message_get_response_headers(events->msg),
						     "Cache-Control"),
			==, "no-store");

	/* the first values come at once */
	first = events_wait(events, 1);
	g_assert_cmpint(g_get_monotonic_time() - opened, <, 2 * G_USEC_PER_SEC);
	g_assert_true(g_hash_table_contains(first, "line1.state"));
	g_assert_true(g_hash_table_contains(first, "line2.state"));
	g_assert_true(g_hash_table_contains(first, "line1.transport"));
	g_assert_cmpstr(g_hash_table_lookup(first, "line1.state"), !=, "Disabled");
	g_assert_false(has_key_with_prefix(first, "resync."));

	/* /status.json has the same keys */
	{
		g_autoptr(Reply) r = web_get(user, "/status.json");
		assert_status(r, SOUP_STATUS_OK);
		assert_header(r, "Content-Type", "application/json");
		status = parse_flat_json(r->body);
		g_assert_nonnull(status);
		g_assert_true(same_keys(first, status));
	}

	/* line 1 switched off over D-Bus: the stream tells */
	n = events->events->len;
	tr_test_set_parameters(daemon->device, "Line_Enable_1_", "no", NULL);
	for (;;) {
		g_autoptr(GHashTable) next = events_wait(events, ++n);
		if (g_strcmp0(g_hash_table_lookup(next, "line1.state"), "Disabled") == 0) {
			g_assert_cmpstr(g_hash_table_lookup(next, "line2.state"), !=, "Disabled");
			break;
		}
	}
	{
		g_autoptr(Reply) r = web_get(user, "/status.json");
		g_autoptr(GHashTable) now = parse_flat_json(r->body);
		g_assert_cmpstr(g_hash_table_lookup(now, "line1.state"), ==, "Disabled");
	}
	/* and on again */
	tr_test_set_parameters(daemon->device, "Line_Enable_1_", "yes", NULL);
	for (;;) {
		g_autoptr(GHashTable) next = events_wait(events, ++n);
		if (g_strcmp0(g_hash_table_lookup(next, "line1.state"), "Disabled") != 0)
			break;
	}

	/* the admin's values have the resync too */
	web_login_ok(admin, "admin", ADMIN_PASSWORD);
	{
		g_autoptr(Reply) r = web_get(admin, "/status.json");
		g_autoptr(GHashTable) values = parse_flat_json(r->body);
		g_assert_nonnull(values);
		g_assert_true(g_hash_table_contains(values, "resync.last"));
		g_assert_true(g_hash_table_contains(values, "resync.result"));
		g_assert_true(g_hash_table_contains(values, "line1.state"));
	}
	{
		g_autoptr(Events) admin_events = events_open(admin);
		g_autoptr(GHashTable) values = events_wait(admin_events, 1);
		g_assert_true(g_hash_table_contains(values, "resync.result"));
		/* the admin's password changed: the admin's stream ends, the user's goes on */
		tr_test_set_parameters(daemon->device, "Admin_Passwd", "N3w-Pa55", NULL);
		g_assert_true(tr_test_wait_until(flag_is_set, &admin_events->ended));
	}
	g_assert_false(events->ended);
	tr_test_set_parameters(daemon->device, "Line_Enable_1_", "no", NULL);
	for (;;) {
		g_autoptr(GHashTable) next = events_wait(events, ++n);
		g_assert_false(has_key_with_prefix(next, "resync."));
		if (g_strcmp0(g_hash_table_lookup(next, "line1.state"), "Disabled") == 0)
			break;
	}
	daemon_stop(daemon);
}

/* the live value KEY of W's /status.json; NULL if there is none */
static gchar *
status_value(Web *w, const gchar *key)
{
	g_autoptr(Reply) r = web_get(w, "/status.json");
	g_autoptr(GHashTable) values = NULL;

	assert_status(r, SOUP_STATUS_OK);
	values = parse_flat_json(r->body);
	g_assert_nonnull(values);
	return g_strdup(g_hash_table_lookup(values, key));
}

/* polls W's /status.json until KEY holds a text that contains NEEDLE */
static void
wait_status(Web *w, const gchar *key, const gchar *needle)
{
	gint64 deadline = g_get_monotonic_time() + 2 * TR_TEST_DEADLINE_S * G_USEC_PER_SEC;

	for (;;) {
		g_autofree gchar *value = status_value(w, key);
		if (value != NULL && strstr(value, needle) != NULL)
			return;
		if (g_get_monotonic_time() > deadline) {
			g_autoptr(Reply) r = web_get(w, "/status.json");
			g_printerr("%s never held '%s':\n%s\n", key, needle, r->body);
			g_assert_not_reached();
		}
		g_usleep(50 * 1000);
		drain_main_context();
	}
}

/* what names the line's peer, nowhere in what the user gets: pages, JSON, events */
static void
assert_user_sees_no_peer(Web *user, const gchar *const *secrets)
{
	const gchar *const paths[] = {"/", "/advanced", "/status.json", "/config.xml"};
	g_autoptr(Events) events = NULL;
	const gchar *snapshot;

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(Reply) r = web_get(user, paths[i]);
		assert_status(r, SOUP_STATUS_OK);
		for (guint j = 0; secrets[j] != NULL; j++) {
			if (strstr(r->body, secrets[j]) != NULL)
				g_printerr("the user's %s shows '%s'\n", paths[i], secrets[j]);
			tr_test_assert_lacks(r->body, secrets[j]);
		}
	}
	events = events_open(user);
	g_hash_table_unref(events_wait(events, 1));
	snapshot = g_ptr_array_index(events->events, 0);
	for (guint j = 0; secrets[j] != NULL; j++)
		tr_test_assert_lacks(snapshot, secrets[j]);
}

/*
 * A user who may not read the line's proxy (Proxy_1_ is na) reads nothing
 * of it in the TLS session or the registration: no "verified for NAME", no
 * peer subject, no "TLS handshake with HOST:PORT failed", whatever page,
 * JSON or event; neutral words instead. The admin reads it all. The peer is
 * the test SBC (Kamailio) over TLS, checked by the name sbc.test
 * (TLS_Server_Name_1_), then by a name its certificate does not hold.
 */
static void
test_peer_hidden(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrTestSbc) sbc = tr_test_sbc_new(&error);
	g_autoptr(Daemon) daemon = NULL;
	g_autoptr(Web) admin = web_new(LOOPBACK, port);
	g_autoptr(Web) user = web_new(LOOPBACK, port);
	g_autofree gchar *proxy = NULL;
	g_autofree gchar *sip_port = NULL;
	const gchar *server_name;
	guint sip = port;

	g_assert_no_error(error);
	tr_test_sbc_add_user(sbc, "1001", "secret");
	g_assert_true(tr_test_sbc_start(sbc, &error));
	g_assert_no_error(error);
	server_name = tr_test_sbc_get_server_name(sbc);
	proxy = g_strdup_printf("127.0.0.1:%u", tr_test_sbc_get_tls_port(sbc));
	while (sip == port)
		sip = tr_test_free_tcp_port(LOOPBACK);
	sip_port = g_strdup_printf("%u", sip);

	daemon = daemon_start(t, spa2102, port, LOOPBACK);
	wait_web(LOOPBACK, port, TRUE);
	tr_test_set_parameters(daemon->device, "SIP_Transport_1_", "TLS", "Proxy_1_", proxy,
			       "TLS_Server_Name_1_", server_name, "Custom_CA_File",
			       tr_test_sbc_get_server_ca(sbc), "User_ID_1_", "1001", "Password_1_",
			       "secret", "SIP_Port_1_", sip_port, "Line_Enable_2_", "no", NULL);
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/config.xml");
		g_autoptr(GPtrArray) hidden = profile_names_with_access(r->body, "na");
		g_assert_true(
			g_ptr_array_find_with_equal_func(hidden, "Proxy_1_", g_str_equal, NULL));
	}

	/* verified for the name */
	wait_status(admin, "line1.tls-state", "established");
	wait_status(admin, "line1.state", "Registered");
	{
		g_autofree gchar *expected = g_strdup_printf("verified for %s", server_name);
		g_autofree gchar *verify = status_value(admin, "line1.tls-verify-result");
		g_autofree gchar *peer = status_value(admin, "line1.tls-peer");
		g_autoptr(Reply) page = web_get(admin, "/admin/");
		g_assert_cmpstr(verify, ==, expected);
		tr_test_assert_contains(peer, server_name);
		tr_test_assert_contains(page->body, expected);
	}
	{
		const gchar *const secrets[] = {proxy, server_name, NULL};
		g_autoptr(Reply) page = NULL;
		g_autofree gchar *state = NULL, *tls_state = NULL, *verified = NULL;
		g_autofree gchar *verify = NULL, *peer = NULL, *response = NULL;

		assert_user_sees_no_peer(user, secrets);
		/* still a useful page: the state, and that it is verified */
		state = status_value(user, "line1.state");
		tls_state = status_value(user, "line1.tls-state");
		verified = status_value(user, "line1.tls-verified");
		verify = status_value(user, "line1.tls-verify-result");
		peer = status_value(user, "line1.tls-peer");
		response = status_value(user, "line1.last-response");
		g_assert_cmpstr(state, ==, "Registered");
		g_assert_cmpstr(tls_state, ==, "established");
		g_assert_cmpstr(verified, ==, "yes");
		g_assert_cmpstr(verify, ==, "verified");
		g_assert_cmpstr(peer, ==, "not shown to this account");
		g_assert_cmpstr(response, ==, "200 OK");
		page = web_get(user, "/");
		tr_test_assert_contains(page->body,
					"data-live=\"line1.tls-verify-result\">verified<");
	}

	/* refused: the certificate is not for the name the line asks for */
	tr_test_set_parameters(daemon->device, "TLS_Server_Name_1_", "hidden-proxy.test", NULL);
	wait_status(admin, "line1.tls-error", "hidden-proxy.test");
	/* the registration's error too (any words) */
	wait_status(admin, "line1.last-error", " ");
	{
		g_autofree gchar *tls_error = status_value(admin, "line1.tls-error");
		g_autofree gchar *verify = status_value(admin, "line1.tls-verify-result");
		g_test_message("the admin reads: %s; %s", tls_error, verify);
		tr_test_assert_contains(tls_error, proxy);
		tr_test_assert_contains(verify, "hidden-proxy.test");
	}
	{
		const gchar *const secrets[] = {proxy, server_name, "hidden-proxy.test", NULL};
		g_autofree gchar *tls_error = NULL, *last_error = NULL, *verify = NULL;

		assert_user_sees_no_peer(user, secrets);
		tls_error = status_value(user, "line1.tls-error");
		last_error = status_value(user, "line1.last-error");
		verify = status_value(user, "line1.tls-verify-result");
		g_assert_cmpstr(tls_error, ==, "not shown to this account");
		g_assert_cmpstr(last_error, ==, "not shown to this account");
		g_assert_cmpstr(verify, ==, "not verified");
	}

	/* a proxy the user may read: the user reads what it names */
	{
		g_autofree gchar *profile = g_strdup_printf(
			"<flat-profile><Proxy_1_ ua=\"ro\">%s</Proxy_1_><TLS_Server_Name_1_ "
			"ua=\"ro\">hidden-proxy.test</TLS_Server_Name_1_></flat-profile>",
			proxy);
		g_autofree gchar *tls_error = NULL;
		import_profile(daemon->device, profile);
		tls_error = status_value(user, "line1.tls-error");
		tr_test_assert_contains(tls_error, "hidden-proxy.test");
		tr_test_assert_contains(tls_error, proxy);
	}
	daemon_stop(daemon);
}

/* Web_Server_Port and Enable_Web_Server take effect while the daemon runs */
static void
test_port_change(TrTest *t)
{
	guint first = tr_test_free_tcp_port(LOOPBACK);
	guint second = tr_test_free_tcp_port(LOOPBACK);
	g_autofree gchar *device_dir = g_build_filename(t->state_dir, "spa2102", NULL);
	g_autofree gchar *config = g_build_filename(device_dir, "config.ini", NULL);
	g_autofree gchar *contents = g_strdup_printf("[tipring]\nversion=1\n\n[values]\n"
						     "Web_Server_Port=%u\n",
						     first);
	g_autofree gchar *value = g_strdup_printf("%u", second);
	g_autoptr(GError) error = NULL;
	g_autoptr(Daemon) daemon = NULL;

	while (second == first)
		second = tr_test_free_tcp_port(LOOPBACK);
	g_free(value);
	value = g_strdup_printf("%u", second);
	/* the device's own port from the start (not 80): a configuration made beforehand */
	g_assert_cmpint(g_mkdir_with_parents(device_dir, 0700), ==, 0);
	g_assert_true(g_file_set_contents_full(config, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT,
					       0600, &error));
	g_assert_no_error(error);
	/* no --web-port */
	daemon = daemon_start(t, spa2102, 0, LOOPBACK);
	wait_web(LOOPBACK, first, TRUE);
	{
		g_autoptr(Web) w = web_new(LOOPBACK, first);
		g_autoptr(Reply) r = web_get(w, "/");
		g_autofree gchar *info = g_strdup_printf("HTTP %u", first);
		assert_status(r, SOUP_STATUS_OK);
		g_assert_nonnull(r->set_cookie);
		tr_test_assert_contains(r->body, info);
	}

	tr_test_set_parameters(daemon->device, "Web_Server_Port", value, NULL);
	wait_web(LOOPBACK, second, TRUE);
	wait_web(LOOPBACK, first, FALSE);
	{
		g_autoptr(Web) w = web_new(LOOPBACK, second);
		g_autoptr(Reply) r = web_get(w, "/");
		g_autofree gchar *info = g_strdup_printf("HTTP %u", second);
		assert_status(r, SOUP_STATUS_OK);
		/* the cookie is named after the new port */
		g_assert_nonnull(r->set_cookie);
		tr_test_assert_contains(r->body, info);
	}

	tr_test_set_parameters(daemon->device, "Enable_Web_Server", "no", NULL);
	wait_web(LOOPBACK, second, FALSE);
	g_assert_false(web_answers(LOOPBACK, first));
	tr_test_set_parameters(daemon->device, "Enable_Web_Server", "yes", NULL);
	wait_web(LOOPBACK, second, TRUE);
	daemon_stop(daemon);
	tr_test_assert_contains(daemon->d->err, "the web server is off (Enable_Web_Server)");
}

static gboolean
accept_any_certificate(SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
		       gpointer user_data)
{
	return TRUE;
}

/* two devices: one port each, their own cookies and pages */
static void
test_two_devices(TrTest *t)
{
	const gchar *const devices[] = {"SPA2102", "SPA942", NULL};
	guint port = free_port_pair();
	g_autoptr(Daemon) daemon = daemon_start(t, devices, port, LOOPBACK);
	g_autoptr(TrDbusDevice) phone = device_at(daemon, DEVICE1_PATH);
	g_autoptr(Web) ata = web_new(LOOPBACK, port);
	g_autoptr(Web) desk = web_new(LOOPBACK, port + 1);
	g_autofree gchar *ata_sid = NULL;
	guint https = free_port_pair();

	tr_test_set_parameters(phone, "Display_Name_1_", "Desk Phone One", NULL);
	tr_test_set_parameters(daemon->device, "Display_Name_1_", "Adapter Line", NULL);
	wait_web(LOOPBACK, port, TRUE);
	wait_web(LOOPBACK, port + 1, TRUE);
	{
		g_autoptr(Reply) r = web_get(ata, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "<title>SPA2102 Admin — spa2102</title>");
		tr_test_assert_contains(r->body, "Adapter Line");
		tr_test_assert_lacks(r->body, "Desk Phone One");
		g_assert_true(g_str_has_prefix(r->set_cookie, ata->cookie_name));
	}
	{
		g_autoptr(Reply) r = web_get(desk, "/admin/");
		g_autofree gchar *name = g_strdup_printf("tipring_sid_%u=", port + 1);
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "<title>SPA942 Admin — spa942</title>");
		tr_test_assert_contains(r->body, "Desk Phone One");
		tr_test_assert_lacks(r->body, "Adapter Line");
		g_assert_true(g_str_has_prefix(r->set_cookie, name));
	}
	g_assert_cmpstr(ata->cookie_name, !=, desk->cookie_name);

	/* a session of one device is nothing to the other, even under its cookie name */
	tr_test_set_parameters(phone, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	ata_sid = g_strdup(ata->sid);
	g_free(desk->sid);
	desk->sid = g_strdup(ata_sid);
	{
		g_autoptr(Reply) r = web_get(desk, "/admin/");
		assert_redirect(r, "/login?account=admin&next=/admin/");
	}
	/* and the password of one is not the other's */
	{
		g_autoptr(Reply) r = web_get(ata, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
	}
	web_login_ok(desk, "admin", ADMIN_PASSWORD);
	{
		g_autoptr(Reply) r = web_get(desk, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "SPA942");
	}

	/* HTTPS on both with one setting, as a profile for all would give it:
	 * numbered as the HTTP ports, device N on Web_Server_HTTPS_Port + N */
	{
		g_autofree gchar *https_port = g_strdup_printf("%u", https);
		TrDbusDevice *devices[] = {daemon->device, phone};
		/* the phone has an admin password: its login page */
		const gchar *const titles[] = {"<title>SPA2102 Admin", "<title>SPA942 Log in"};
		g_autoptr(SoupSession) session = soup_session_new_with_options("timeout", 10, NULL);

		for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
			g_autoptr(GError) error = NULL;
			g_autofree gchar *pem = NULL;
			g_assert_true(tr_dbus_device_call_create_certificate_sync(
				devices[i], "", "", &pem, NULL, &error));
			g_assert_no_error(error);
			tr_test_set_parameters(devices[i], "Web_Server_HTTPS_Port", https_port,
					       "Enable_Web_Server_HTTPS", "yes", NULL);
		}
		for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
			g_autofree gchar *url =
				g_strdup_printf("https://127.0.0.1:%u/admin/", https + i);
			g_autoptr(GBytes) body = NULL;
			g_autoptr(SoupMessage) msg = NULL;
			/* the listener moves half a second after the change */
			for (guint n = 0; n < 100 && body == NULL; n++) {
				g_clear_object(&msg);
				msg = soup_message_new("GET", url);
				g_signal_connect(msg, "accept-certificate",
						 G_CALLBACK(accept_any_certificate), NULL);
				body = soup_session_send_and_read(session, msg, NULL, NULL);
				if (body == NULL)
					g_usleep(50 * 1000);
			}
			g_assert_nonnull(body);
			g_assert_cmpuint(soup_message_get_status(msg), ==, SOUP_STATUS_OK);
			tr_test_assert_contains(g_bytes_get_data(body, NULL), titles[i]);
		}
	}
	daemon_stop(daemon);
	{
		g_autofree gchar *first = NULL, *second = NULL;
		/* both served, none refused */
		tr_test_assert_lacks(daemon->d->err, "cannot serve HTTPS");
		first = g_strdup_printf("device 0: web pages on https://127.0.0.1:%u/", https);
		second = g_strdup_printf("device 1: web pages on https://127.0.0.1:%u/", https + 1);
		tr_test_assert_contains(daemon->d->err, first);
		tr_test_assert_contains(daemon->d->err, second);
	}
}

/* the page's language: Accept-Language, unless Language_Selection says otherwise */
static void
test_language(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	TrCatalog *german = tr_catalog_get("de");
	/* a web text of the page, and a schema label of the admin's basic page */
	const gchar *web_text = "Submit All Changes";
	const gchar *label = "Enable Web Server";
	const gchar *web_text_de = tr_catalog_gettext(german, web_text);
	const gchar *label_de = tr_catalog_gettext(german, label);

	g_assert_cmpstr(tr_catalog_get_language(german), ==, "de");
	wait_web(LOOPBACK, port, TRUE);

	{
		g_autoptr(Reply) r = web_get(w, "/admin/");
		tr_test_assert_contains(r->body, "<html lang=\"en\">");
		tr_test_assert_contains(r->body, web_text);
		tr_test_assert_contains(r->body, label);
	}
	w->accept_language = g_strdup("de-DE,de;q=0.9,en;q=0.5");
	{
		/* an enum's choices shown in German, stored in the schema's spelling */
		g_autoptr(Reply) r = web_get(w, "/admin/advanced");
		g_autofree gchar *option =
			g_strdup_printf("<option value=\"up and down\" selected>%s</option>",
					tr_catalog_pgettext(german, "web choice", "up and down"));
		g_assert_cmpstr(tr_catalog_pgettext(german, "web choice", "up and down"), !=,
				"up and down");
		tr_test_assert_contains(r->body, option);
	}
	{
		g_autoptr(Reply) r = web_get(w, "/admin/");
		tr_test_assert_contains(r->body, "<html lang=\"de\">");
		/* the German of the catalogue, where it has one */
		if (g_strcmp0(label_de, label) != 0) {
			g_autofree gchar *escaped = g_markup_escape_text(label_de, -1);
			tr_test_assert_contains(r->body, escaped);
		} else
			g_test_message("po/de.po has no German for '%s'", label);
		if (g_strcmp0(web_text_de, web_text) != 0) {
			g_autofree gchar *escaped = g_markup_escape_text(web_text_de, -1);
			tr_test_assert_contains(r->body, escaped);
			tr_test_assert_lacks(r->body, web_text);
		} else {
			g_test_message("po/de.po has no German for the web texts yet ('%s'): only "
				       "the language of the page is checked",
				       web_text);
		}
	}
	/* the device's setting wins over the browser */
	g_free(w->accept_language);
	w->accept_language = g_strdup("en-US,en;q=0.9");
	tr_test_set_parameters(daemon->device, "Language_Selection", "German", NULL);
	{
		g_autoptr(Reply) r = web_get(w, "/");
		tr_test_assert_contains(r->body, "<html lang=\"de\">");
	}
	{
		g_autoptr(Reply) r = web_get(w, "/login");
		tr_test_assert_contains(r->body, "<html lang=\"de\">");
	}
	tr_test_set_parameters(daemon->device, "Language_Selection", "English", NULL);
	g_free(w->accept_language);
	w->accept_language = g_strdup("de");
	{
		g_autoptr(Reply) r = web_get(w, "/");
		tr_test_assert_contains(r->body, "<html lang=\"en\">");
	}
	/* empty: the browser decides again */
	tr_test_set_parameters(daemon->device, "Language_Selection", "", NULL);
	{
		g_autoptr(Reply) r = web_get(w, "/");
		tr_test_assert_contains(r->body, "<html lang=\"de\">");
	}
	daemon_stop(daemon);
}

/* no admin password: loopback must also ask by address or as localhost, not
 * by a name an attacker re-pointed at 127.0.0.1 (DNS rebinding) */
static void
test_no_password_host_name(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autofree gchar *evil = g_strdup_printf(
		"GET /admin/ HTTP/1.1\r\nHost: rebind.example:%u\r\nConnection: close\r\n\r\n",
		port);
	g_autofree gchar *local = g_strdup_printf(
		"GET /admin/ HTTP/1.1\r\nHost: localhost:%u\r\nConnection: close\r\n\r\n", port);
	g_autofree gchar *address = g_strdup_printf(
		"GET /admin/ HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);
	g_autofree gchar *head = NULL;

	wait_web(LOOPBACK, port, TRUE);
	head = raw_exchange(port, evil);
	g_assert_nonnull(head);
	g_assert_true(g_str_has_prefix(head, "HTTP/1.1 403"));
	g_assert_null(strstr(head, "Set-Cookie"));
	assert_raw_status(port, local, SOUP_STATUS_OK);
	assert_raw_status(port, address, SOUP_STATUS_OK);
	/* with a password set, a name is fine: the login protects */
	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	assert_raw_status(port, evil, SOUP_STATUS_SEE_OTHER);
	daemon_stop(daemon);
	g_assert_true(tr_test_daemon_output_contains(daemon->d, "by a host name while no admin "
								"password is set: refused"));
}

/* visitors of the password-less user pages cannot push a logged-in admin out */
static void
test_sessions_eviction(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) admin = web_new(LOOPBACK, port);

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	web_login_ok(admin, "admin", ADMIN_PASSWORD);
	/* the admin idle a little (sessions count whole seconds), so that every
	 * visitor's session is younger than the admin's */
	g_usleep(1100 * 1000);
	/* twice the table: every visitor gets a session of its own */
	for (guint i = 0; i < 130; i++) {
		g_autoptr(Web) visitor = web_new(LOOPBACK, port);
		g_autoptr(Reply) r = web_get(visitor, "/");
		assert_status(r, SOUP_STATUS_OK);
		g_assert_nonnull(r->set_cookie);
	}
	{
		g_autoptr(Reply) r = web_get(admin, "/admin/");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_contains(r->body, "name=\"Admin_Passwd\"");
	}
	daemon_stop(daemon);
}

/* a "next" with markup never reaches a page raw */
static void
test_next_injection(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	{
		g_autoptr(Reply) r = web_get(
			w, "/login?account=admin&next=/admin/advanced%22%3E%3Cb%3Einjected");
		assert_status(r, SOUP_STATUS_OK);
		tr_test_assert_lacks(r->body, "<b>injected");
		tr_test_assert_lacks(r->body, "injected");
	}
	{
		g_autofree gchar *csrf = web_csrf(w, "/login");
		g_autoptr(Reply) r =
			web_post_form(w, "/login", "csrf", csrf, "account", "admin", "password",
				      ADMIN_PASSWORD, "next", "/admin/\"><b>x</b>", NULL);
		/* logged in, sent to the default page instead */
		assert_redirect(r, "/admin/");
	}
	daemon_stop(daemon);
}

/* HTTPS with the device's own certificate, the session cookie Secure */
static void
test_https(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	guint https = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *pem = NULL;
	g_autofree gchar *https_port = g_strdup_printf("%u", https);
	g_autofree gchar *url = g_strdup_printf("https://127.0.0.1:%u/admin/", https);
	g_autoptr(SoupSession) session = soup_session_new_with_options("timeout", 10, NULL);
	g_autoptr(SoupMessage) msg = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GTlsCertificate) expected = NULL;
	GTlsCertificate *peer;
	const gchar *cookie;

	wait_web(LOOPBACK, port, TRUE);
	g_assert_true(tr_dbus_device_call_create_certificate_sync(daemon->device, "", "", &pem,
								  NULL, &error));
	g_assert_no_error(error);
	tr_test_set_parameters(daemon->device, "Web_Server_HTTPS_Port", https_port,
			       "Enable_Web_Server_HTTPS", "yes", NULL);
	wait_web(LOOPBACK, port, TRUE);
	/* the listener moves half a second after the change */
	for (guint i = 0; i < 100 && !tcp_port_free(LOOPBACK, https); i++)
		g_usleep(50 * 1000);
	for (guint i = 0; i < 100 && tcp_port_free(LOOPBACK, https); i++)
		g_usleep(50 * 1000);

	msg = soup_message_new("GET", url);
	/* the device CA is the emulator's own: trust it for this one check */
	g_signal_connect(msg, "accept-certificate", G_CALLBACK(accept_any_certificate), NULL);
	body = soup_session_send_and_read(session, msg, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(soup_message_get_status(msg), ==, SOUP_STATUS_OK);
	tr_test_assert_contains(g_bytes_get_data(body, NULL), "<title>SPA2102 Admin");
	cookie = soup_message_headers_get_one(soup_message_get_response_headers(msg), "Set-Cookie");
	g_assert_nonnull(cookie);
	tr_test_assert_contains(cookie, "; Secure");
	peer = soup_message_get_tls_peer_certificate(msg);
	expected = g_tls_certificate_new_from_pem(pem, -1, &error);
	g_assert_no_error(error);
	g_assert_true(g_tls_certificate_is_same(peer, expected));

	/* a configured certificate (one PEM file, certificate and key) wins */
	{
		g_autofree gchar *key = g_build_filename(t->dir, "web-key.pem", NULL);
		g_autofree gchar *cert = g_build_filename(t->dir, "web-cert.pem", NULL);
		g_autofree gchar *tmpl = g_build_filename(t->dir, "web.tmpl", NULL);
		g_autofree gchar *both = g_build_filename(t->dir, "web.pem", NULL);
		g_autofree gchar *key_pem = NULL;
		g_autofree gchar *cert_pem = NULL;
		g_autofree gchar *joined = NULL;
		g_autoptr(GTlsCertificate) configured = NULL;
		g_autoptr(SoupMessage) again = NULL;
		g_autoptr(GBytes) again_body = NULL;
		const gchar *certtool =
			g_getenv("CERTTOOL") != NULL ? g_getenv("CERTTOOL") : "certtool";
		const gchar *const genkey[] = {certtool, "--generate-privkey", "--key-type",
					       "ecdsa",	 "--outfile",	       key,
					       NULL};
		const gchar *const gencert[] = {certtool,
						"--generate-self-signed",
						"--load-privkey",
						key,
						"--template",
						tmpl,
						"--outfile",
						cert,
						NULL};
		gint status = 0;

		g_assert_true(g_file_set_contents(
			tmpl,
			"cn = \"device.test\"\nip_address = \"127.0.0.1\"\nexpiration_days = 30\n"
			"tls_www_server\nsigning_key\nencryption_key\n",
			-1, &error));
		for (guint i = 0; i < 2; i++) {
			g_assert_true(
				g_spawn_sync(NULL, (gchar **)(i == 0 ? genkey : gencert), NULL,
					     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
						     G_SPAWN_STDERR_TO_DEV_NULL,
					     NULL, NULL, NULL, NULL, &status, &error));
			g_assert_no_error(error);
			g_assert_cmpint(status, ==, 0);
		}
		g_assert_true(g_file_get_contents(key, &key_pem, NULL, &error));
		g_assert_true(g_file_get_contents(cert, &cert_pem, NULL, &error));
		joined = g_strconcat(cert_pem, key_pem, NULL);
		g_assert_true(g_file_set_contents_full(
			both, joined, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
		g_assert_no_error(error);
		tr_test_set_parameters(daemon->device, "Web_Server_Certificate_File", both, NULL);
		configured = g_tls_certificate_new_from_file(both, &error);
		g_assert_no_error(error);
		/* the listener moves half a second after the change */
		for (guint i = 0; i < 100; i++) {
			g_clear_object(&again);
			g_clear_pointer(&again_body, g_bytes_unref);
			again = soup_message_new("GET", url);
			g_signal_connect(again, "accept-certificate",
					 G_CALLBACK(accept_any_certificate), NULL);
			again_body = soup_session_send_and_read(session, again, NULL, NULL);
			if (again_body != NULL &&
			    g_tls_certificate_is_same(soup_message_get_tls_peer_certificate(again),
						      configured))
				break;
			g_usleep(50 * 1000);
		}
		g_assert_nonnull(again_body);
		g_assert_true(g_tls_certificate_is_same(
			soup_message_get_tls_peer_certificate(again), configured));
	}
	daemon_stop(daemon);
}

/* each model's tabs, as on the device */
static void
test_tabs(TrTest *t)
{
	const gchar *const devices[] = {"SPA3102", "SPA942", NULL};
	guint port = free_port_pair();
	g_autoptr(Daemon) daemon = daemon_start(t, devices, port, LOOPBACK);
	g_autoptr(Web) ata = web_new(LOOPBACK, port);
	g_autoptr(Web) phone = web_new(LOOPBACK, port + 1);
	const gchar *const ata_tabs[] = {"Info",	 "System",   "SIP",
					 "Provisioning", "Regional", "Line 1",
					 "PSTN Line",	 "User 1",   NULL};
	const gchar *const phone_tabs[] = {"Info",     "System", "SIP",	  "Provisioning",
					   "Regional", "Phone",	 "Ext 1", "Ext 2",
					   "Ext 3",    "Ext 4",	 "User",  NULL};

	wait_web(LOOPBACK, port, TRUE);
	wait_web(LOOPBACK, port + 1, TRUE);
	{
		g_autoptr(Reply) r = web_get(ata, "/admin/advanced");
		const gchar *at = r->body;
		assert_status(r, SOUP_STATUS_OK);
		for (guint i = 0; ata_tabs[i] != NULL; i++) {
			g_autofree gchar *link = g_strdup_printf("\">%s</a>", ata_tabs[i]);
			at = strstr(at, link);
			if (at == NULL)
				g_error("SPA3102: no tab %s in order", ata_tabs[i]);
		}
		tr_test_assert_lacks(r->body, "\">Line 2</a>");
		/* the PSTN line's parameters carry line 2's suffix */
		tr_test_assert_contains(r->body, "name=\"SIP_Transport_2_\"");
	}
	{
		g_autoptr(Reply) basic = web_get(ata, "/admin/");
		/* the Provisioning tab only in the advanced view */
		tr_test_assert_lacks(basic->body, "\">Provisioning</a>");
	}
	{
		g_autoptr(Reply) r = web_get(phone, "/admin/advanced");
		const gchar *at = r->body;
		assert_status(r, SOUP_STATUS_OK);
		for (guint i = 0; phone_tabs[i] != NULL; i++) {
			g_autofree gchar *link = g_strdup_printf("\">%s</a>", phone_tabs[i]);
			at = strstr(at, link);
			if (at == NULL)
				g_error("SPA942: no tab %s in order", phone_tabs[i]);
		}
		tr_test_assert_lacks(r->body, "\">Line 1</a>");
	}
	daemon_stop(daemon);
}

/* pages gzip-compressed for clients that take it, plain for the others */
static void
test_gzip(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	const gchar *const spa962[] = {"SPA962", NULL};
	g_autoptr(Daemon) daemon = daemon_start(t, spa962, port, LOOPBACK);
	g_autoptr(SoupSession) session = soup_session_new_with_options("timeout", 10, NULL);
	g_autofree gchar *url = g_strdup_printf("http://127.0.0.1:%u/admin/advanced", port);
	g_autoptr(GError) error = NULL;

	/* no automatic decoding: the test sees the bytes that came */
	soup_session_remove_feature_by_type(session, SOUP_TYPE_CONTENT_DECODER);
	wait_web(LOOPBACK, port, TRUE);
	for (guint i = 0; i < 2; i++) {
		g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
		SoupMessageHeaders *headers = soup_message_get_request_headers(msg);
		g_autoptr(GBytes) body = NULL;
		const gchar *encoding;
		gsize size;

		soup_message_headers_replace(headers, "Accept-Encoding",
					     i == 0 ? "gzip" : "gzip;q=0");
		body = soup_session_send_and_read(session, msg, NULL, &error);
		g_assert_no_error(error);
		g_assert_cmpuint(soup_message_get_status(msg), ==, SOUP_STATUS_OK);
		encoding = soup_message_headers_get_one(soup_message_get_response_headers(msg),
							"Content-Encoding");
		size = g_bytes_get_size(body);
		if (i == 0) {
			g_autoptr(GZlibDecompressor) decompressor =
				g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
			g_autoptr(GInputStream) zipped = g_memory_input_stream_new_from_bytes(body);
			g_autoptr(GInputStream) plain =
				g_converter_input_stream_new(zipped, G_CONVERTER(decompressor));
			g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
			g_autoptr(GBytes) html = NULL;
			g_autofree gchar *text = NULL;

			g_assert_cmpstr(encoding, ==, "gzip");
			g_assert_true(
				g_output_stream_splice(out, plain,
						       G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
							       G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
						       NULL, &error) > 0);
			g_assert_no_error(error);
			html = g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
			text = g_strndup(g_bytes_get_data(html, NULL), g_bytes_get_size(html));
			tr_test_assert_contains(text, "<title>SPA962 Admin");
			tr_test_assert_contains(text, "</html>");
			g_test_message("SPA962 /admin/advanced: %" G_GSIZE_FORMAT
				       " bytes, %" G_GSIZE_FORMAT " gzip-compressed",
				       g_bytes_get_size(html), size);
			g_assert_cmpuint(size * 4, <, g_bytes_get_size(html));
		} else {
			g_assert_null(encoding);
			g_assert_cmpuint(size, >, 100000);
		}
	}
	daemon_stop(daemon);
}

/* tries in parallel from one address do not slip past the limiter */
static void
test_login_parallel(TrTest *t)
{
	guint port = tr_test_free_tcp_port(LOOPBACK);
	g_autoptr(Daemon) daemon = daemon_start(t, spa2102, port, LOOPBACK);
	g_autoptr(Web) w = web_new(LOOPBACK, port);
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func(g_object_unref);
	g_autofree gchar *csrf = NULL;
	g_autofree gchar *body = NULL;
	g_autofree gchar *request = NULL;
	guint refused = 0, tried = 0;
	const guint n = 8;

	tr_test_set_parameters(daemon->device, "Admin_Passwd", ADMIN_PASSWORD, NULL);
	wait_web(LOOPBACK, port, TRUE);
	csrf = web_csrf(w, "/login");
	body = g_strdup_printf("csrf=%s&account=admin&password=wrong", csrf);
	request = g_strdup_printf("POST /login HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				  "Cookie: %s=%s\r\n"
				  "Content-Type: application/x-www-form-urlencoded\r\n"
				  "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
				  port, w->cookie_name, w->sid, strlen(body), body);
	/* all sent before any answer is read */
	for (guint i = 0; i < n; i++) {
		g_autoptr(GError) error = NULL;
		GSocketConnection *connection =
			g_socket_client_connect_to_host(client, LOOPBACK, port, NULL, &error);
		g_assert_no_error(error);
		g_assert_true(g_output_stream_write_all(
			g_io_stream_get_output_stream(G_IO_STREAM(connection)), request,
			strlen(request), NULL, NULL, &error));
		g_ptr_array_add(connections, connection);
	}
	for (guint i = 0; i < n; i++) {
		GSocketConnection *connection = g_ptr_array_index(connections, i);
		g_autoptr(GError) error = NULL;
		gchar head[16] = {0};
		gsize got = 0;
		g_assert_true(g_input_stream_read_all(
			g_io_stream_get_input_stream(G_IO_STREAM(connection)), head, 12, &got, NULL,
			&error));
		g_assert_no_error(error);
		if (g_str_has_prefix(head, "HTTP/1.1 429"))
			refused++;
		else if (g_str_has_prefix(head, "HTTP/1.1 401"))
			tried++;
		else
			g_error("unexpected answer %s", head);
	}
	g_test_message("%u tries in parallel: %u checked, %u refused", n, tried, refused);
	/* at most the free tries were checked; the rest waited their turn */
	g_assert_cmpuint(tried, <=, 3);
	g_assert_cmpuint(tried + refused, ==, n);
	daemon_stop(daemon);
}

static const TrTestCase tests[] = {
	{"/webui/no-password/loopback", test_no_password_loopback},
	{"/webui/no-password/remote", test_no_password_remote},
	{"/webui/login", test_login},
	{"/webui/password/hashed", test_password_hashed},
	{"/webui/password/change-logs-out", test_password_change_logs_out},
	{"/webui/csrf", test_csrf},
	{"/webui/user-level", test_user_level},
	{"/webui/peer-hidden", test_peer_hidden},
	{"/webui/anonymous", test_anonymous},
	{"/webui/escaping", test_escaping},
	{"/webui/security-headers", test_security_headers},
	{"/webui/request-limits", test_request_limits},
	{"/webui/submit", test_submit},
	{"/webui/profiles", test_profiles},
	{"/webui/events", test_events},
	{"/webui/port-change", test_port_change},
	{"/webui/two-devices", test_two_devices},
	{"/webui/language", test_language},
	{"/webui/no-password/host-name", test_no_password_host_name},
	{"/webui/sessions/eviction", test_sessions_eviction},
	{"/webui/next-injection", test_next_injection},
	{"/webui/https", test_https},
	{"/webui/tabs", test_tabs},
	{"/webui/gzip", test_gzip},
	{"/webui/login/parallel", test_login_parallel},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	tr_test_add_isolated(tests, G_N_ELEMENTS(tests), "tipring-test-webui-XXXXXX",
			     TR_TEST_NO_BUS);
	return g_test_run();
}
