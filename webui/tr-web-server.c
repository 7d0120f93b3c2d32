/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-password.h"
#include "tr-web-private.h"
#include "tr-web-server.h"
#include "tr-web-template.h"

/*
 * One device's web server: libsoup3 on the daemon's main context. URLs:
 *
 *   /, /advanced              the user's pages (basic, advanced view)
 *   /admin/, /admin/advanced  the admin's pages
 *   POST to a page            Submit All Changes
 *   /login, /logout           sessions (cookie tipring_sid_PORT)
 *   /config.xml               the user-level profile; /admin/config.xml the admin's
 *   POST /admin/profile       upload a profile
 *   /status.json, /events     the Info tab's live values (JSON; server-sent events)
 *   /assets/...               style sheet and script (GResource)
 */

#define SESSION_IDLE_TIMEOUT (30 * 60) /* s */
#define MAX_SESSIONS	     64
#define LOGIN_FREE_TRIES     3
#define LOGIN_MAX_DELAY	     300 /* s */
#define MAX_BODY	     (8 * 1024 * 1024)
#define KEEPALIVE_INTERVAL   15 /* s */

struct _TrWebServer {
	GObject parent_instance;
	TrEngine *engine;
	TrDevice *device;
	TrStore *store;
	SoupServer *soup;
	TrWebSessions *sessions;
	TrWebLimiter *limiter;
	GPtrArray *tabs;    /* TrWebTab */
	GPtrArray *watches; /* Watch */
	GPtrArray *streams; /* Stream */
	gchar *cookie_name;
	guint http_port;
	guint https_port;
	guint push_id;
	guint keepalive_id;
	guint restart_id;
	GHashTable *logins; /* client address -> a login of it being checked */
	gboolean running;
};

G_DEFINE_TYPE(TrWebServer, tr_web_server, G_TYPE_OBJECT)

/* a line whose TLS session (which comes and goes) we listen to */
typedef struct {
	TrWebServer *server;
	TrLine *line;
	GObject *session;
	gulong handler;
} Watch;

/* an open /events stream */
typedef struct {
	SoupServerMessage *msg;
	gchar *session_id;
	TrWebLevel level;
	TrCatalog *catalog;
	gchar *last; /* the last JSON sent, to send only changes */
} Stream;

static void schedule_push(TrWebServer *self);

static gint64
now_s(void)
{
	return g_get_monotonic_time() / G_USEC_PER_SEC;
}

static guint
device_index(TrWebServer *self)
{
	return tr_device_get_index(self->device);
}

static gboolean
store_has(TrWebServer *self, const gchar *name)
{
	return tr_schema_lookup(tr_store_get_schema(self->store), name) != NULL;
}

static const gchar *
store_get(TrWebServer *self, const gchar *name)
{
	return store_has(self, name) ? tr_store_get(self->store, name) : NULL;
}

/* --- requests --- */

static gchar *
remote_ip(SoupServerMessage *msg)
{
	GSocketAddress *address = soup_server_message_get_remote_address(msg);

	if (!G_IS_INET_SOCKET_ADDRESS(address))
		return g_strdup("unknown");
	return g_inet_address_to_string(
		g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address)));
}

static gboolean
is_loopback(SoupServerMessage *msg)
{
	GSocketAddress *address = soup_server_message_get_remote_address(msg);
	GInetAddress *inet;
	g_autofree gchar *text = NULL;

	if (!G_IS_INET_SOCKET_ADDRESS(address))
		return FALSE;
	inet = g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address));
	if (g_inet_address_get_is_loopback(inet))
		return TRUE;
	/* an IPv4 client of a dual-stack socket */
	text = g_inet_address_to_string(inet);
	return g_str_has_prefix(text, "::ffff:127.");
}

static gboolean
is_https(SoupServerMessage *msg)
{
	return g_strcmp0(g_uri_get_scheme(soup_server_message_get_uri(msg)), "https") == 0;
}

static TrCatalog *
negotiate_catalog(TrWebServer *self, SoupServerMessage *msg)
{
	const gchar *accept = soup_message_headers_get_one(
		soup_server_message_get_request_headers(msg), "Accept-Language");
	g_autofree gchar *lang =
		tr_catalog_negotiate(accept, store_get(self, "Language_Selection"));

	return tr_catalog_get(lang);
}

static void
set_common_headers(SoupServerMessage *msg, gboolean cacheable)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);

	soup_message_headers_replace(headers, "X-Content-Type-Options", "nosniff");
	soup_message_headers_replace(headers, "X-Frame-Options", "DENY");
	soup_message_headers_replace(headers, "Referrer-Policy", "same-origin");
	soup_message_headers_replace(headers, "Content-Security-Policy",
				     "default-src 'self'; img-src 'self' data:; "
				     "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	soup_message_headers_replace(headers, "Cache-Control",
				     cacheable ? "max-age=300" : "no-store");
}

/* whether the client takes gzip (RFC 9110 §12.5.3; "gzip;q=0" refuses it) */
static gboolean
accepts_gzip(SoupServerMessage *msg)
{
	const gchar *header = soup_message_headers_get_list(
		soup_server_message_get_request_headers(msg), "Accept-Encoding");
	GSList *codings;
	gboolean found = FALSE;

	if (header == NULL)
		return FALSE;
	codings = soup_header_parse_quality_list(header, NULL);
	for (GSList *l = codings; l != NULL; l = l->next)
		found |= g_ascii_strcasecmp(l->data, "gzip") == 0;
	soup_header_free_list(codings);
	return found;
}

/*
 * The answer, gzip-compressed when the client takes it: the advanced pages
 * of the big phones are some 250 kB of HTML, a tenth of that compressed,
 * which a phone on a slow link feels. Takes @text.
 */
static void
respond_text(SoupServerMessage *msg, guint status, const gchar *content_type, gchar *text)
{
	gsize len = strlen(text);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);

	soup_server_message_set_status(msg, status, NULL);
	soup_message_headers_append(headers, "Vary", "Accept-Encoding");
	if (len > 1024 && accepts_gzip(msg)) {
		g_autoptr(GZlibCompressor) compressor =
			g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
		g_autoptr(GInputStream) plain =
			g_memory_input_stream_new_from_data(text, len, g_free);
		g_autoptr(GInputStream) zipped =
			g_converter_input_stream_new(plain, G_CONVERTER(compressor));
		g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
		g_autoptr(GError) error = NULL;

		if (g_output_stream_splice(out, zipped,
					   G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
						   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
					   NULL, &error) >= 0) {
			g_autoptr(GBytes) bytes =
				g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
			soup_message_headers_replace(headers, "Content-Encoding", "gzip");
			soup_server_message_set_response(msg, content_type, SOUP_MEMORY_COPY,
							 g_bytes_get_data(bytes, NULL),
							 g_bytes_get_size(bytes));
			return;
		}
		g_warning("web: gzip failed: %s", error->message);
		/* the stream took the text and freed it */
		soup_server_message_set_status(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
		return;
	}
	soup_server_message_set_response(msg, content_type, SOUP_MEMORY_TAKE, text, len);
}

static void
respond_html(SoupServerMessage *msg, guint status, gchar *html)
{
	respond_text(msg, status, "text/html; charset=utf-8", html);
}

static void
respond_message(TrWebRequest *r, guint status, const gchar *title, const gchar *message)
{
	respond_html(r->msg, status, tr_web_page_message(r, title, message));
}

static void
redirect(SoupServerMessage *msg, const gchar *location)
{
	soup_server_message_set_redirect(msg, SOUP_STATUS_SEE_OTHER, location);
}

static gchar *
cookie_session_id(TrWebServer *self, SoupServerMessage *msg)
{
	const gchar *header = soup_message_headers_get_one(
		soup_server_message_get_request_headers(msg), "Cookie");
	g_autoptr(GHashTable) cookies = NULL;

	if (header == NULL)
		return NULL;
	cookies = soup_header_parse_semi_param_list(header);
	return g_strdup(g_hash_table_lookup(cookies, self->cookie_name));
}

static void
set_cookie(TrWebServer *self, SoupServerMessage *msg, const gchar *value)
{
	g_autofree gchar *cookie =
		g_strdup_printf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", self->cookie_name,
				value != NULL ? value : "", value == NULL ? "; Max-Age=0" : "",
				is_https(msg) ? "; Secure" : "");

	soup_message_headers_append(soup_server_message_get_response_headers(msg), "Set-Cookie",
				    cookie);
}

static TrWebSession *
new_session(TrWebServer *self, TrWebRequest *r, TrWebLevel level, gboolean automatic)
{
	if (r->session != NULL)
		tr_web_sessions_remove(self->sessions, r->session->id);
	r->session = tr_web_sessions_create(self->sessions, level, now_s());
	r->session->automatic = automatic;
	set_cookie(self, r->msg, r->session->id);
	return r->session;
}

/*
 * Whether the Host the browser asked for is an address or "localhost": a
 * page of another site whose name an attacker re-pointed at 127.0.0.1 (DNS
 * rebinding) asks with that name, and must not reach the admin pages that
 * loopback gets without a password.
 */
static gboolean
host_is_local(SoupServerMessage *msg)
{
	const gchar *host =
		soup_message_headers_get_one(soup_server_message_get_request_headers(msg), "Host");
	g_autofree gchar *name = NULL;
	const gchar *colon;

	if (host == NULL)
		return FALSE;
	if (host[0] == '[') {
		const gchar *end = strchr(host, ']');
		if (end == NULL)
			return FALSE;
		name = g_strndup(host + 1, end - host - 1);
	} else {
		colon = strchr(host, ':');
		name = colon != NULL ? g_strndup(host, colon - host) : g_strdup(host);
	}
	return g_ascii_strcasecmp(name, "localhost") == 0 || g_hostname_is_ip_address(name);
}

/* a same-origin check on top of the token: browsers send Origin with POSTs */
static gboolean
origin_ok(SoupServerMessage *msg)
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	const gchar *origin = soup_message_headers_get_one(headers, "Origin");
	const gchar *host = soup_message_headers_get_one(headers, "Host");
	const gchar *site = soup_message_headers_get_one(headers, "Sec-Fetch-Site");
	g_autoptr(GUri) uri = NULL;
	g_autofree gchar *origin_host = NULL;
	g_autofree gchar *host_full = NULL;
	const gchar *host_port;
	gint port;

	if (site != NULL && g_strcmp0(site, "same-origin") != 0 && g_strcmp0(site, "none") != 0)
		return FALSE;
	if (origin == NULL)
		return TRUE;
	uri = g_uri_parse(origin, G_URI_FLAGS_NONE, NULL);
	if (uri == NULL || host == NULL || g_uri_get_host(uri) == NULL)
		return FALSE;
	/* the Origin's host and port against Host, both with their default port */
	port = g_uri_get_port(uri) > 0				? g_uri_get_port(uri)
	       : g_strcmp0(g_uri_get_scheme(uri), "https") == 0 ? 443
								: 80;
	origin_host = strchr(g_uri_get_host(uri), ':') != NULL
			      ? g_strdup_printf("[%s]:%d", g_uri_get_host(uri), port)
			      : g_strdup_printf("%s:%d", g_uri_get_host(uri), port);
	host_port =
		strrchr(host, ']') != NULL ? strchr(strrchr(host, ']'), ':') : strchr(host, ':');
	host_full = host_port != NULL ? g_strdup(host)
				      : g_strdup_printf("%s:%d", host, is_https(msg) ? 443 : 80);
	return g_ascii_strcasecmp(origin_host, host_full) == 0;
}

static gboolean
csrf_ok(TrWebRequest *r, const gchar *token)
{
	return r->session != NULL && tr_web_token_equal(token, r->session->csrf) &&
	       origin_ok(r->msg);
}

static void
refuse_csrf(TrWebServer *self, TrWebRequest *r)
{
	g_autofree gchar *ip = remote_ip(r->msg);

	g_warning("web: device %u: POST %s from %s without a valid form token: refused",
		  device_index(self), r->path, ip);
	respond_message(r, SOUP_STATUS_FORBIDDEN, W(r, N_("Refused")),
			W(r, N_("The form was not sent by a page of this device (its security "
				"token is missing or stale). Reload the page and try again.")));
}

static const gchar *
safe_next(const gchar *next, const gchar *fallback)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return fallback;
	for (const gchar *p = next; *p != '\0'; p++) {
		if ((guchar)*p < 0x21 || (guchar)*p >= 0x7f || strchr("\\\"'<>`", *p) != NULL)
			return fallback;
	}
	return next;
}

/* the admin pages while no admin password is set, asked @how (log text) */
static void
refuse_without_password(TrWebServer *self, TrWebRequest *r, const gchar *how, const gchar *message)
{
	g_autofree gchar *ip = remote_ip(r->msg);

	g_warning("web: device %u: admin pages asked from %s%s while no admin password is "
		  "set: refused",
		  device_index(self), ip, how);
	respond_message(r, SOUP_STATUS_FORBIDDEN, W(r, N_("No admin password")), message);
}

/*
 * May this request see pages of @need? Logs in automatically where the
 * account has no password (the admin only from loopback). When not, it has
 * answered the request (a redirect to the login page or a refusal).
 */
static gboolean
authorize(TrWebServer *self, TrWebRequest *r, TrWebLevel need)
{
	const gchar *stored;

	if (need == TR_WEB_LEVEL_ADMIN) {
		if (!tr_store_get_bool(self->store, "Enable_Web_Admin_Access")) {
			respond_message(
				r, SOUP_STATUS_FORBIDDEN, W(r, N_("Admin pages disabled")),
				W(r, N_("The admin pages are switched off on this device "
					"(Enable Web Admin Access is no). Switch them on with a "
					"profile or tipringctl.")));
			return FALSE;
		}
		stored = tr_store_get(self->store, "Admin_Passwd");
		if (stored == NULL || *stored == '\0') {
			r->no_admin_password = TRUE;
			if (!is_loopback(r->msg)) {
				refuse_without_password(
					self, r, "",
					W(r,
					  N_("No admin password is set on this device, so its "
					     "admin pages answer only on its loopback address. "
					     "Set Admin Passwd from there, with tipringctl or with "
					     "a profile.")));
				return FALSE;
			}
			if (!host_is_local(r->msg)) {
				refuse_without_password(
					self, r, " by a host name",
					W(r,
					  N_("No admin password is set on this device: its admin "
					     "pages answer only when asked for by address "
					     "(http://127.0.0.1/ or http://localhost/), not by "
					     "another name. Set Admin Passwd first.")));
				return FALSE;
			}
			if (r->session == NULL || r->session->level != TR_WEB_LEVEL_ADMIN)
				new_session(self, r, TR_WEB_LEVEL_ADMIN, TRUE);
			return TRUE;
		}
		if (r->session != NULL && r->session->level == TR_WEB_LEVEL_ADMIN)
			return TRUE;
	} else {
		if (r->session != NULL && r->session->level >= TR_WEB_LEVEL_USER)
			return TRUE;
		stored = tr_store_get(self->store, "User_Password");
		if (stored == NULL || *stored == '\0') {
			new_session(self, r, TR_WEB_LEVEL_USER, TRUE);
			return TRUE;
		}
	}
	{
		g_autofree gchar *path = g_uri_escape_string(r->path, "/", FALSE);
		g_autofree gchar *location =
			g_strdup_printf("/login?account=%s&next=%s",
					need == TR_WEB_LEVEL_ADMIN ? "admin" : "user", path);
		redirect(r->msg, location);
	}
	return FALSE;
}

static GHashTable *
decode_form(SoupServerMessage *msg)
{
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	g_autoptr(GBytes) bytes = soup_message_body_flatten(body);
	g_autofree gchar *text = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));

	return soup_form_decode(text);
}

/* --- pages --- */

static void
show_page(TrWebServer *self, TrWebRequest *r, GHashTable *query)
{
	const gchar *saved = query != NULL ? g_hash_table_lookup(query, "saved") : NULL;
	const gchar *imported = query != NULL ? g_hash_table_lookup(query, "imported") : NULL;
	g_autofree gchar *notice = NULL;

	if (saved != NULL)
		notice = g_strdup_printf(W(r, N_("Changes applied: %s.")), saved);
	else if (imported != NULL)
		notice = g_strdup_printf(W(r, N_("Profile applied: %s unknown parameters were "
						 "ignored.")),
					 imported);
	respond_html(r->msg, SOUP_STATUS_OK,
		     tr_web_page_config(r, self->tabs, NULL, NULL, notice, FALSE));
}

/* Submit All Changes: every changed field of every tab, all or nothing */
static void
submit(TrWebServer *self, TrWebRequest *r)
{
	g_autoptr(GHashTable) form = decode_form(r->msg);
	g_autoptr(GHashTable) changes = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) errors = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GPtrArray) refused = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	TrSchema *schema = tr_store_get_schema(self->store);
	g_autofree gchar *ip = remote_ip(r->msg);
	GHashTableIter iter;
	gpointer key, value;

	if (!csrf_ok(r, g_hash_table_lookup(form, "csrf"))) {
		refuse_csrf(self, r);
		return;
	}
	g_hash_table_iter_init(&iter, form);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		TrParam *param;
		g_autofree gchar *canonical = NULL;
		g_autoptr(GError) error_local = NULL;

		/* the form's own fields: its token, the tab it was on */
		if (g_strcmp0(key, "csrf") == 0 || g_strcmp0(key, "tab") == 0)
			continue;
		param = tr_schema_lookup(schema, key);
		if (param == NULL || !tr_web_param_writable(r, param)) {
			g_ptr_array_add(refused, key);
			continue;
		}
		if (param->type == TR_PARAM_TYPE_PASSWORD &&
		    g_strcmp0(value, TR_PARAM_SECRET_MASK) == 0)
			continue;
		/* the reason in the request's language, shown under the field */
		if (!tr_param_validate_in(param, value, &canonical, r->catalog, &error_local)) {
			g_hash_table_insert(errors, param->name,
					    tr_web_field_reason(r, param, value));
			continue;
		}
		if (g_strcmp0(canonical, tr_store_get(self->store, param->name)) != 0)
			g_hash_table_insert(changes, param->name, value);
	}
	if (refused->len > 0) {
		g_autoptr(GString) names = g_string_new(NULL);
		g_autofree gchar *message = NULL;
		for (guint i = 0; i < refused->len; i++)
			g_string_append_printf(names, "%s%s", i > 0 ? ", " : "",
					       (const gchar *)g_ptr_array_index(refused, i));
		g_warning("web: device %u: %s session from %s posted parameters it may not "
			  "change (%s): refused, nothing changed",
			  device_index(self), r->level == TR_WEB_LEVEL_ADMIN ? "admin" : "user", ip,
			  names->str);
		message = g_strdup_printf(W(r, N_("This account may not change %s. Nothing was "
						  "changed.")),
					  names->str);
		respond_message(r, SOUP_STATUS_FORBIDDEN, W(r, N_("Refused")), message);
		return;
	}
	if (g_hash_table_size(errors) > 0) {
		guint n = g_hash_table_size(errors);
		g_autofree gchar *notice = g_strdup_printf(
			tr_catalog_ngettext(
				r->catalog,
				"%u field has a value the device does not accept; it "
				"is marked below. Nothing was changed.",
				"%u fields have values the device does not accept; they "
				"are marked below. Nothing was changed.",
				n),
			n);
		respond_html(r->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
			     tr_web_page_config(r, self->tabs, form, errors, notice, TRUE));
		return;
	}
	if (g_hash_table_size(changes) > 0 && !tr_store_set_many(self->store, changes, &error)) {
		respond_html(r->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
			     tr_web_page_config(r, self->tabs, form, NULL, error->message, TRUE));
		return;
	}
	{
		g_autofree gchar *location = NULL;
		g_autoptr(GString) names = g_string_new(NULL);
		const gchar *tab = g_hash_table_lookup(form, "tab");
		g_hash_table_iter_init(&iter, changes);
		while (g_hash_table_iter_next(&iter, &key, NULL))
			g_string_append_printf(names, " %s", (const gchar *)key);
		if (g_hash_table_size(changes) > 0)
			g_message("web: device %u: %s from %s changed%s", device_index(self),
				  r->level == TR_WEB_LEVEL_ADMIN ? "admin" : "user", ip,
				  names->str);
		/* back on the tab the submit came from */
		if (tab != NULL && tab[0] != '\0' &&
		    strspn(tab, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz"
				"0123456789_") == strlen(tab))
			location = g_strdup_printf("%s?saved=%u#tab-%s", r->path,
						   g_hash_table_size(changes), tab);
		else
			location =
				g_strdup_printf("%s?saved=%u", r->path, g_hash_table_size(changes));
		redirect(r->msg, location);
	}
}

static void
handle_page(TrWebServer *self, TrWebRequest *r, GHashTable *query)
{
	const gchar *method = soup_server_message_get_method(r->msg);

	if (!authorize(self, r, r->level))
		return;
	if (g_strcmp0(method, "POST") == 0)
		submit(self, r);
	else
		show_page(self, r, query);
}

/* a login whose password is being checked in a worker thread */
typedef struct {
	SoupServerMessage *msg;
	TrCatalog *catalog;
	gchar *session_id;
	gchar *account;
	gchar *next;
	gchar *ip;
	gboolean admin;
	gchar *stored;
	gchar *password;
} LoginJob;

static void
login_job_free(LoginJob *job)
{
	g_object_unref(job->msg);
	g_free(job->session_id);
	g_free(job->account);
	g_free(job->next);
	g_free(job->ip);
	g_free(job->stored);
	if (job->password != NULL)
		memset(job->password, 0, strlen(job->password));
	g_free(job->password);
	g_free(job);
}

static void
login_verify_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	LoginJob *job = data;

	g_task_return_boolean(task, tr_password_verify(job->stored, job->password));
}

static void
login_verified_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	TrWebServer *self = TR_WEB_SERVER(source);
	LoginJob *job = user_data;
	gboolean ok = g_task_propagate_boolean(G_TASK(result), NULL);
	TrWebRequest r = {0};

	g_hash_table_remove(self->logins, job->ip);
	r.engine = self->engine;
	r.device = self->device;
	r.store = self->store;
	r.msg = job->msg;
	r.catalog = job->catalog;
	r.path = "/login";
	r.session = tr_web_sessions_lookup(self->sessions, job->session_id, now_s());
	if (!ok) {
		guint failures = tr_web_limiter_fail(self->limiter, job->ip, now_s());
		g_warning("web: device %u: failed %s login from %s (%u in a row)",
			  device_index(self), job->admin ? "admin" : "user", job->ip, failures);
		respond_html(job->msg, SOUP_STATUS_UNAUTHORIZED,
			     tr_web_page_login(&r, job->account, job->next,
					       W(&r, N_("Wrong password for this account."))));
	} else {
		tr_web_limiter_succeed(self->limiter, job->ip);
		new_session(self, &r, job->admin ? TR_WEB_LEVEL_ADMIN : TR_WEB_LEVEL_USER, FALSE);
		g_message("web: device %u: %s logged in from %s", device_index(self),
			  job->admin ? "admin" : "user", job->ip);
		redirect(job->msg, job->next);
	}
	soup_server_message_unpause(job->msg);
}

static void
handle_login(TrWebServer *self, TrWebRequest *r, GHashTable *query)
{
	const gchar *method = soup_server_message_get_method(r->msg);
	g_autoptr(GHashTable) form = NULL;
	g_autofree gchar *ip = remote_ip(r->msg);
	const gchar *account, *password, *stored, *next;
	gboolean admin;
	guint wait;

	if (g_strcmp0(method, "POST") != 0) {
		const gchar *wanted = query != NULL ? g_hash_table_lookup(query, "account") : NULL;
		next = safe_next(query != NULL ? g_hash_table_lookup(query, "next") : NULL, "");
		/* the login form's token lives in an anonymous session */
		if (r->session == NULL)
			new_session(self, r, TR_WEB_LEVEL_NONE, FALSE);
		respond_html(r->msg, SOUP_STATUS_OK,
			     tr_web_page_login(r, wanted != NULL ? wanted : "admin", next, NULL));
		return;
	}

	form = decode_form(r->msg);
	if (!csrf_ok(r, g_hash_table_lookup(form, "csrf"))) {
		refuse_csrf(self, r);
		return;
	}
	account = g_hash_table_lookup(form, "account");
	password = g_hash_table_lookup(form, "password");
	admin = g_strcmp0(account, "admin") == 0;
	next = safe_next(g_hash_table_lookup(form, "next"), admin ? "/admin/" : "/");
	if (!admin && g_strcmp0(account, "user") != 0) {
		respond_message(r, SOUP_STATUS_BAD_REQUEST, W(r, N_("Refused")),
				W(r, N_("The account must be admin or user.")));
		return;
	}

	wait = tr_web_limiter_wait(self->limiter, ip, now_s());
	/* one try at a time per address: tries in parallel would all pass the
	 * limiter before the first failure counts */
	if (wait == 0 && g_hash_table_contains(self->logins, ip))
		wait = 1;
	if (wait > 0) {
		g_autofree gchar *message = NULL;
		g_autofree gchar *retry = g_strdup_printf("%u", wait);
		g_warning("web: device %u: login from %s refused: locked for %u s after failed "
			  "logins",
			  device_index(self), ip, wait);
		message = g_strdup_printf(W(r, N_("Too many failed logins from your address. "
						  "Try again in %u s.")),
					  wait);
		soup_message_headers_replace(soup_server_message_get_response_headers(r->msg),
					     "Retry-After", retry);
		respond_html(r->msg, 429 /* Too Many Requests */,
			     tr_web_page_login(r, account, next, message));
		return;
	}

	stored = tr_store_get(self->store, admin ? "Admin_Passwd" : "User_Password");
	if (admin && (stored == NULL || *stored == '\0')) {
		r->level = TR_WEB_LEVEL_NONE;
		if (!authorize(self, r, TR_WEB_LEVEL_ADMIN))
			return;
		redirect(r->msg, next);
		return;
	}
	/* the KDF takes tens of milliseconds: not on the main loop, which
	 * carries SIP and D-Bus */
	{
		LoginJob *job = g_new0(LoginJob, 1);
		g_autoptr(GTask) task = g_task_new(self, NULL, login_verified_cb, job);
		job->msg = g_object_ref(r->msg);
		job->catalog = r->catalog;
		job->session_id = g_strdup(r->session->id);
		job->account = g_strdup(account);
		job->next = g_strdup(next);
		job->ip = g_strdup(ip);
		job->admin = admin;
		job->stored = g_strdup(stored != NULL ? stored : "");
		job->password = g_strdup(password != NULL ? password : "");
		g_task_set_task_data(task, job, (GDestroyNotify)login_job_free);
		soup_server_message_pause(r->msg);
		g_hash_table_add(self->logins, g_strdup(ip));
		g_task_run_in_thread(task, login_verify_thread);
	}
}

static void
handle_logout(TrWebServer *self, TrWebRequest *r)
{
	g_autoptr(GHashTable) form = decode_form(r->msg);

	if (!csrf_ok(r, g_hash_table_lookup(form, "csrf"))) {
		refuse_csrf(self, r);
		return;
	}
	tr_web_sessions_remove(self->sessions, r->session->id);
	r->session = NULL;
	set_cookie(self, r->msg, NULL);
	redirect(r->msg, "/");
}

static void
handle_download(TrWebServer *self, TrWebRequest *r, GHashTable *query)
{
	const gchar *format_name = query != NULL ? g_hash_table_lookup(query, "format") : NULL;
	TrProfileFormat format = TR_PROFILE_FORMAT_XML;
	TrProfileLevel level =
		r->level == TR_WEB_LEVEL_ADMIN ? TR_PROFILE_LEVEL_ADMIN : TR_PROFILE_LEVEL_USER;
	g_autofree gchar *comment = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *disposition = NULL;
	g_autofree gchar *mac = NULL;

	if (!authorize(self, r, r->level))
		return;
	if (format_name != NULL && !tr_profile_format_from_string(format_name, &format)) {
		respond_message(r, SOUP_STATUS_BAD_REQUEST, W(r, N_("Refused")),
				W(r, N_("The format must be xml or text.")));
		return;
	}
	comment = g_strdup_printf("%s %s, %s level", tr_device_get_model(self->device)->name,
				  tr_device_get_name(self->device),
				  level == TR_PROFILE_LEVEL_ADMIN ? "admin" : "user");
	text = tr_profile_export(self->store, format, level, comment);
	mac = g_strdelimit(g_strdup(tr_device_get_mac_address(self->device)), ":", '-');
	disposition = g_strdup_printf("attachment; filename=\"%s-%s.%s\"",
				      tr_device_get_model(self->device)->name, mac,
				      format == TR_PROFILE_FORMAT_XML ? "xml" : "cfg");
	soup_message_headers_replace(soup_server_message_get_response_headers(r->msg),
				     "Content-Disposition", disposition);
	soup_server_message_set_status(r->msg, SOUP_STATUS_OK, NULL);
	{
		gsize len = strlen(text);
		soup_server_message_set_response(r->msg,
						 format == TR_PROFILE_FORMAT_XML
							 ? "application/xml; charset=utf-8"
							 : "text/plain; charset=utf-8",
						 SOUP_MEMORY_TAKE, g_steal_pointer(&text), len);
	}
}

static void
handle_upload(TrWebServer *self, TrWebRequest *r)
{
	SoupMessageBody *body = soup_server_message_get_request_body(r->msg);
	g_autoptr(GBytes) bytes = soup_message_body_flatten(body);
	g_autoptr(SoupMultipart) multipart = NULL;
	g_autoptr(GHashTable) fields = NULL;
	g_autofree gchar *filename = NULL;
	g_autofree gchar *content_type = NULL;
	g_autoptr(GBytes) file = NULL;
	g_auto(GStrv) warnings = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *ip = remote_ip(r->msg);
	const gchar *next;
	gboolean ok;

	if (!authorize(self, r, TR_WEB_LEVEL_ADMIN))
		return;
	multipart = soup_multipart_new_from_message(soup_server_message_get_request_headers(r->msg),
						    bytes);
	/* soup_form_decode_multipart() takes the multipart and frees it */
	if (multipart != NULL)
		fields = soup_form_decode_multipart(g_steal_pointer(&multipart), "profile",
						    &filename, &content_type, &file);
	if (fields == NULL || !csrf_ok(r, g_hash_table_lookup(fields, "csrf"))) {
		refuse_csrf(self, r);
		return;
	}
	next = safe_next(g_hash_table_lookup(fields, "next"), "/admin/advanced");
	if (file == NULL) {
		respond_message(r, SOUP_STATUS_BAD_REQUEST, W(r, N_("Refused")),
				W(r, N_("Choose a profile file to upload.")));
		return;
	}
	ok = tr_profile_import(self->store, g_bytes_get_data(file, NULL), g_bytes_get_size(file),
			       filename, NULL, &warnings, &error);
	if (!ok) {
		g_autofree gchar *notice = NULL;
		g_warning("web: device %u: profile %s uploaded from %s refused: %s",
			  device_index(self), filename, ip, error->message);
		notice = g_strdup_printf(W(r, N_("The profile was refused and nothing was "
						 "changed: %s")),
					 error->message);
		r->path = next;
		r->advanced = g_str_has_suffix(next, "advanced");
		respond_html(r->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
			     tr_web_page_config(r, self->tabs, NULL, NULL, notice, TRUE));
		return;
	}
	g_message("web: device %u: profile %s uploaded from %s applied", device_index(self),
		  filename, ip);
	{
		g_autofree gchar *location = g_strdup_printf(
			"%s?imported=%u", next, warnings != NULL ? g_strv_length(warnings) : 0);
		redirect(r->msg, location);
	}
}

/* --- live values --- */

static void
stream_free(Stream *stream)
{
	g_object_unref(stream->msg);
	g_free(stream->session_id);
	g_free(stream->last);
	g_free(stream);
}

static void
stream_close(Stream *stream)
{
	soup_message_body_complete(soup_server_message_get_response_body(stream->msg));
	soup_server_message_unpause(stream->msg);
}

static void
stream_gone_cb(SoupServerMessage *msg, TrWebServer *self)
{
	for (guint i = 0; i < self->streams->len; i++) {
		Stream *stream = g_ptr_array_index(self->streams, i);
		if (stream->msg == msg) {
			g_signal_handlers_disconnect_by_data(msg, self);
			g_ptr_array_remove_index(self->streams, i);
			return;
		}
	}
}

static void
stream_send(Stream *stream, const gchar *text)
{
	soup_message_body_append(soup_server_message_get_response_body(stream->msg),
				 SOUP_MEMORY_COPY, text, strlen(text));
	soup_server_message_unpause(stream->msg);
}

static gchar *
stream_json(TrWebServer *self, Stream *stream)
{
	TrWebRequest r = {.engine = self->engine,
			  .device = self->device,
			  .store = self->store,
			  .level = stream->level,
			  .catalog = stream->catalog};
	return tr_web_status_json(&r);
}

static gboolean
push_cb(gpointer user_data)
{
	TrWebServer *self = user_data;

	self->push_id = 0;
	for (guint i = self->streams->len; i > 0; i--) {
		Stream *stream = g_ptr_array_index(self->streams, i - 1);
		g_autofree gchar *json = NULL;
		g_autofree gchar *event = NULL;
		/* a logged-out or expired session's stream ends */
		if (tr_web_sessions_lookup(self->sessions, stream->session_id, now_s()) == NULL) {
			g_signal_handlers_disconnect_by_data(stream->msg, self);
			stream_close(stream);
			g_ptr_array_remove_index(self->streams, i - 1);
			continue;
		}
		json = stream_json(self, stream);
		if (g_strcmp0(json, stream->last) == 0)
			continue;
		event = g_strdup_printf("data: %s\n\n", json);
		stream_send(stream, event);
		g_free(stream->last);
		stream->last = g_steal_pointer(&json);
	}
	return G_SOURCE_REMOVE;
}

static gboolean
keepalive_cb(gpointer user_data)
{
	TrWebServer *self = user_data;

	for (guint i = 0; i < self->streams->len; i++)
		stream_send(g_ptr_array_index(self->streams, i), ": keepalive\n\n");
	/* next-registration counts down on the page itself; the rest is pushed */
	schedule_push(self);
	return G_SOURCE_CONTINUE;
}

static void
handle_events(TrWebServer *self, TrWebRequest *r)
{
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(r->msg);
	SoupMessageBody *body = soup_server_message_get_response_body(r->msg);
	Stream *stream;
	g_autofree gchar *json = NULL;
	g_autofree gchar *event = NULL;

	if (r->session == NULL || r->session->level < TR_WEB_LEVEL_USER) {
		respond_message(r, SOUP_STATUS_UNAUTHORIZED, W(r, N_("Refused")),
				W(r, N_("Log in first.")));
		return;
	}
	stream = g_new0(Stream, 1);
	stream->msg = g_object_ref(r->msg);
	stream->session_id = g_strdup(r->session->id);
	stream->level = r->session->level;
	stream->catalog = r->catalog;
	soup_server_message_set_status(r->msg, SOUP_STATUS_OK, NULL);
	soup_message_headers_set_content_type(headers, "text/event-stream", NULL);
	soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
	soup_message_body_set_accumulate(body, FALSE);
	json = stream_json(self, stream);
	event = g_strdup_printf("retry: 3000\n\ndata: %s\n\n", json);
	stream->last = g_steal_pointer(&json);
	soup_message_body_append(body, SOUP_MEMORY_COPY, event, strlen(event));
	g_signal_connect(r->msg, "finished", G_CALLBACK(stream_gone_cb), self);
	g_signal_connect(r->msg, "disconnected", G_CALLBACK(stream_gone_cb), self);
	g_ptr_array_add(self->streams, stream);
}

static void
handle_status(TrWebServer *self, TrWebRequest *r)
{
	gchar *json;

	if (!authorize(self, r, TR_WEB_LEVEL_USER))
		return;
	r->level = r->session->level;
	json = tr_web_status_json(r);
	respond_text(r->msg, SOUP_STATUS_OK, "application/json", json);
}

static void
schedule_push(TrWebServer *self)
{
	if (self->push_id == 0 && self->streams->len > 0)
		self->push_id = g_timeout_add(100, push_cb, self);
}

static void
watch_session(Watch *watch)
{
	GObject *session = g_object_get_data(G_OBJECT(watch->line), TR_TRANSPORT_SESSION_KEY);

	if (session == watch->session)
		return;
	if (watch->session != NULL) {
		g_signal_handler_disconnect(watch->session, watch->handler);
		g_clear_object(&watch->session);
	}
	if (session != NULL) {
		watch->session = g_object_ref(session);
		watch->handler = g_signal_connect_swapped(session, "notify",
							  G_CALLBACK(schedule_push), watch->server);
	}
}

static void
line_changed_cb(GObject *object, GParamSpec *pspec, Watch *watch)
{
	watch_session(watch);
	schedule_push(watch->server);
}

static void
watch_free(Watch *watch)
{
	if (watch->session != NULL) {
		g_signal_handler_disconnect(watch->session, watch->handler);
		g_object_unref(watch->session);
	}
	g_free(watch);
}

/* --- assets and routing --- */

static void
serve_asset(SoupServerMessage *msg, const gchar *path)
{
	g_autofree gchar *resource_path = g_strconcat("/org/tipring/webui", path, NULL);
	g_autoptr(GBytes) bytes =
		g_resources_lookup_data(resource_path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
	const gchar *type = g_str_has_suffix(path, ".css")   ? "text/css; charset=utf-8"
			    : g_str_has_suffix(path, ".js")  ? "text/javascript; charset=utf-8"
			    : g_str_has_suffix(path, ".svg") ? "image/svg+xml"
							     : "application/octet-stream";

	if (bytes == NULL || strstr(path, "..") != NULL || g_str_has_suffix(path, ".html")) {
		soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, NULL);
		return;
	}
	set_common_headers(msg, TRUE);
	soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, g_bytes_get_data(bytes, NULL),
					 g_bytes_get_size(bytes));
}

static void
handler_cb(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
	   gpointer user_data)
{
	TrWebServer *self = user_data;
	const gchar *method = soup_server_message_get_method(msg);
	gboolean post = g_strcmp0(method, "POST") == 0;
	g_autofree gchar *session_id = NULL;
	TrWebRequest r = {0};

	if (g_str_has_prefix(path, "/assets/")) {
		serve_asset(msg, path + strlen("/assets"));
		return;
	}
	set_common_headers(msg, FALSE);
	r.engine = self->engine;
	r.device = self->device;
	r.store = self->store;
	r.msg = msg;
	r.catalog = negotiate_catalog(self, msg);
	r.path = path;
	r.http_port = self->http_port;
	r.https_port = self->https_port;
	session_id = cookie_session_id(self, msg);
	r.session = tr_web_sessions_lookup(self->sessions, session_id, now_s());

	if (!post && g_strcmp0(method, "GET") != 0 && g_strcmp0(method, "HEAD") != 0) {
		respond_message(&r, SOUP_STATUS_METHOD_NOT_ALLOWED, W(&r, N_("Refused")),
				W(&r, N_("This method is not allowed here.")));
		return;
	}
	if (g_strcmp0(path, "/") == 0 || g_strcmp0(path, "/advanced") == 0) {
		r.level = TR_WEB_LEVEL_USER;
		r.advanced = g_strcmp0(path, "/advanced") == 0;
		handle_page(self, &r, query);
	} else if (g_strcmp0(path, "/admin") == 0) {
		redirect(msg, "/admin/");
	} else if (g_strcmp0(path, "/admin/") == 0 || g_strcmp0(path, "/admin/advanced") == 0) {
		r.level = TR_WEB_LEVEL_ADMIN;
		r.advanced = g_strcmp0(path, "/admin/advanced") == 0;
		handle_page(self, &r, query);
	} else if (g_strcmp0(path, "/login") == 0) {
		handle_login(self, &r, query);
	} else if (g_strcmp0(path, "/logout") == 0 && post) {
		handle_logout(self, &r);
	} else if (g_strcmp0(path, "/config.xml") == 0 && !post) {
		r.level = TR_WEB_LEVEL_USER;
		handle_download(self, &r, query);
	} else if (g_strcmp0(path, "/admin/config.xml") == 0 && !post) {
		r.level = TR_WEB_LEVEL_ADMIN;
		handle_download(self, &r, query);
	} else if (g_strcmp0(path, "/admin/profile") == 0 && post) {
		r.level = TR_WEB_LEVEL_ADMIN;
		handle_upload(self, &r);
	} else if (g_strcmp0(path, "/status.json") == 0 && !post) {
		handle_status(self, &r);
	} else if (g_strcmp0(path, "/events") == 0 && !post) {
		handle_events(self, &r);
	} else {
		respond_message(&r, SOUP_STATUS_NOT_FOUND, W(&r, N_("Not found")),
				W(&r, N_("There is no page at this address.")));
	}
}

static gboolean
linger_over_cb(gpointer user_data)
{
	g_io_stream_close(user_data, NULL, NULL);
	return G_SOURCE_REMOVE;
}

/*
 * Refuse large bodies before reading them. A status set here is answered at
 * once only to "Expect: 100-continue"; otherwise libsoup reads the whole body
 * into memory first. So the connection is taken from libsoup and answered
 * here; it closes a moment later, after the client has had the answer.
 */
static void
early_cb(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
	 gpointer user_data)
{
	static const gchar answer[] = "HTTP/1.1 413 Payload Too Large\r\n"
				      "Content-Type: text/plain; charset=utf-8\r\n"
				      "Content-Length: 24\r\n"
				      "Connection: close\r\n"
				      "\r\n"
				      "Request body over 8 MiB\n";
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(msg);
	GIOStream *stream;

	if (soup_message_headers_get_encoding(headers) != SOUP_ENCODING_CHUNKED &&
	    soup_message_headers_get_content_length(headers) <= MAX_BODY)
		return;
	stream = soup_server_message_steal_connection(msg);
	if (stream == NULL)
		return;
	g_output_stream_write_all(g_io_stream_get_output_stream(stream), answer, strlen(answer),
				  NULL, NULL, NULL);
	g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, 1, linger_over_cb, stream, g_object_unref);
}

/* --- listening --- */

static GTlsCertificate *
load_certificate(TrWebServer *self, GError **error)
{
	const gchar *pem = store_get(self, "Web_Server_Certificate_File");
	const gchar *cert = store_get(self, "Device_Certificate_File");
	const gchar *key = store_get(self, "Device_Private_Key_File");

	if (pem != NULL && *pem != '\0')
		return g_tls_certificate_new_from_file(pem, error);
	if (cert != NULL && *cert != '\0' && key != NULL && *key != '\0')
		return g_tls_certificate_new_from_files(cert, key, error);
	g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
		    "no certificate: set Web_Server_Certificate_File, or give the device its own "
		    "(tipringctl certificate create)");
	return NULL;
}

static gboolean
listen_port(TrWebServer *self, guint port, SoupServerListenOptions options, GError **error)
{
	const gchar *address = tr_engine_get_option(self->engine, "web-address");

	if (address != NULL) {
		g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(address);
		g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new(inet, port);
		return soup_server_listen(self->soup, socket_address, options, error);
	}
	return soup_server_listen_all(self->soup, port, options, error);
}

/* the port the kernel chose for the HTTPS listener: the one that is not HTTP's */
static guint
chosen_https_port(TrWebServer *self)
{
	GSList *listeners = soup_server_get_listeners(self->soup);
	guint port = 0;

	for (GSList *l = listeners; l != NULL && port == 0; l = l->next) {
		g_autoptr(GSocketAddress) local = g_socket_get_local_address(l->data, NULL);
		guint candidate =
			G_IS_INET_SOCKET_ADDRESS(local)
				? g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local))
				: 0;
		if (candidate != self->http_port)
			port = candidate;
	}
	g_slist_free(listeners);
	return port;
}

static void
close_server(TrWebServer *self)
{
	for (guint i = 0; i < self->streams->len; i++) {
		Stream *stream = g_ptr_array_index(self->streams, i);
		g_signal_handlers_disconnect_by_data(stream->msg, self);
		stream_close(stream);
	}
	g_ptr_array_set_size(self->streams, 0);
	if (self->soup != NULL) {
		soup_server_disconnect(self->soup);
		g_clear_object(&self->soup);
	}
	self->http_port = 0;
	self->https_port = 0;
}

static void
open_server(TrWebServer *self)
{
	const gchar *override = tr_engine_get_option(self->engine, "web-port");
	guint base = override != NULL ? (guint)g_ascii_strtoull(override, NULL, 10) : 0;
	/* --web-port 0: a free port of the kernel's choice for every device */
	guint port = override == NULL ? (guint)tr_store_get_int(self->store, "Web_Server_Port")
		     : base == 0      ? 0
				      : base + device_index(self);
	g_autoptr(GError) error = NULL;

	close_server(self);
	if (!tr_store_get_bool(self->store, "Enable_Web_Server")) {
		g_message("web: device %u: the web server is off (Enable_Web_Server)",
			  device_index(self));
		return;
	}
	self->soup = soup_server_new("server-header", "tipring ", NULL);
	soup_server_add_early_handler(self->soup, NULL, early_cb, self, NULL);
	soup_server_add_handler(self->soup, NULL, handler_cb, self, NULL);
	g_free(self->cookie_name);
	self->cookie_name = g_strdup_printf("tipring_sid_d%u", device_index(self));
	if (!listen_port(self, port, 0, &error)) {
		g_warning("web: device %u: cannot serve HTTP on port %u: %s (give tipringd "
			  "--web-port or set Web_Server_Port)",
			  device_index(self), port, error->message);
		g_clear_error(&error);
	} else {
		/* the kernel's choice, from the listening socket (libsoup 3.2's
		 * soup_server_get_uris() leaks the address it asks for) */
		if (port == 0) {
			GSList *listeners = soup_server_get_listeners(self->soup);
			g_autoptr(GSocketAddress) local =
				listeners != NULL
					? g_socket_get_local_address(listeners->data, NULL)
					: NULL;
			if (G_IS_INET_SOCKET_ADDRESS(local))
				port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
			g_slist_free(listeners);
		}
		self->http_port = port;
		/* cookies are per host, not per port: one name per server */
		g_free(self->cookie_name);
		self->cookie_name = g_strdup_printf("tipring_sid_%u", port);
		g_message("web: device %u: web pages on http://%s:%u/", device_index(self),
			  tr_engine_get_option(self->engine, "web-address") ?: "localhost", port);
	}

	if (store_has(self, "Enable_Web_Server_HTTPS") &&
	    tr_store_get_bool(self->store, "Enable_Web_Server_HTTPS")) {
		guint configured = (guint)tr_store_get_int(self->store, "Web_Server_HTTPS_Port");
		/* numbered as the HTTP ports: a bench started with --web-port has
		 * device N on Web_Server_HTTPS_Port + N, so that devices with the
		 * same setting (the factory's 443) do not all want one port */
		guint https = override == NULL ? configured
			      : base == 0      ? 0
					       : configured + device_index(self);
		g_autoptr(GTlsCertificate) cert = NULL;

		if (https > 65535) {
			g_warning(
				"web: device %u: no HTTPS: Web_Server_HTTPS_Port %u + the device's "
				"number %u is beyond 65535 (tipringd --web-port numbers the "
				"devices' HTTPS ports from it); lower Web_Server_HTTPS_Port",
				device_index(self), configured, device_index(self));
			return;
		}
		cert = load_certificate(self, &error);
		if (cert == NULL) {
			g_warning("web: device %u: cannot serve HTTPS: %s", device_index(self),
				  error->message);
			return;
		}
		g_object_set(self->soup, "tls-certificate", cert, NULL);
		if (!listen_port(self, https, SOUP_SERVER_LISTEN_HTTPS, &error)) {
			g_warning("web: device %u: cannot serve HTTPS on port %u: %s (if another "
				  "device of this tipringd has it, give each device its own "
				  "Web_Server_HTTPS_Port, or start tipringd with --web-port, which "
				  "numbers them)",
				  device_index(self), https, error->message);
			return;
		}
		self->https_port = https != 0 ? https : chosen_https_port(self);
		g_message("web: device %u: web pages on https://%s:%u/", device_index(self),
			  tr_engine_get_option(self->engine, "web-address") ?: "localhost",
			  self->https_port);
	}
}

static gboolean
restart_cb(gpointer user_data)
{
	TrWebServer *self = user_data;

	self->restart_id = 0;
	if (self->running)
		open_server(self);
	return G_SOURCE_REMOVE;
}

static void
store_changed_cb(TrStore *store, const gchar *const *names, TrWebServer *self)
{
	const gchar *listening[] = {"Enable_Web_Server",	   "Web_Server_Port",
				    "Enable_Web_Server_HTTPS",	   "Web_Server_HTTPS_Port",
				    "Web_Server_Certificate_File", "Device_Certificate_File",
				    "Device_Private_Key_File",	   NULL};

	if (g_strv_contains(names, "Admin_Passwd")) {
		guint n = tr_web_sessions_drop_level(self->sessions, TR_WEB_LEVEL_ADMIN);
		g_info("web: device %u: admin password changed: %u admin sessions ended",
		       device_index(self), n);
	}
	if (g_strv_contains(names, "User_Password"))
		tr_web_sessions_drop_level(self->sessions, TR_WEB_LEVEL_USER);
	for (guint i = 0; listening[i] != NULL; i++) {
		/* after the answer to the submit that changed it has gone out */
		if (g_strv_contains(names, listening[i]) && self->restart_id == 0)
			self->restart_id = g_timeout_add(500, restart_cb, self);
	}
	schedule_push(self);
}

/**
 * tr_web_server_start:
 *
 * Listens as the device's parameters say; a port that cannot be had is
 * logged, and tried again when the parameters change.
 */
void
tr_web_server_start(TrWebServer *self)
{
	GPtrArray *lines = tr_device_get_lines(self->device);

	g_return_if_fail(TR_IS_WEB_SERVER(self));
	if (self->running)
		return;
	self->running = TRUE;
	for (guint i = 0; i < lines->len; i++) {
		Watch *watch = g_new0(Watch, 1);
		TrRegistration *registration;
		watch->server = self;
		watch->line = g_ptr_array_index(lines, i);
		g_ptr_array_add(self->watches, watch);
		g_signal_connect(watch->line, "notify", G_CALLBACK(line_changed_cb), watch);
		registration = tr_engine_get_registration(self->engine, watch->line);
		if (registration != NULL)
			g_signal_connect(registration, "notify", G_CALLBACK(line_changed_cb),
					 watch);
		watch_session(watch);
	}
	g_signal_connect_object(self->store, "changed", G_CALLBACK(store_changed_cb), self, 0);
	self->keepalive_id = g_timeout_add_seconds(KEEPALIVE_INTERVAL, keepalive_cb, self);
	open_server(self);
}

void
tr_web_server_stop(TrWebServer *self)
{
	g_return_if_fail(TR_IS_WEB_SERVER(self));
	if (!self->running)
		return;
	self->running = FALSE;
	g_clear_handle_id(&self->push_id, g_source_remove);
	g_clear_handle_id(&self->keepalive_id, g_source_remove);
	g_clear_handle_id(&self->restart_id, g_source_remove);
	g_signal_handlers_disconnect_by_data(self->store, self);
	for (guint i = 0; i < self->watches->len; i++) {
		Watch *watch = g_ptr_array_index(self->watches, i);
		TrRegistration *registration =
			tr_engine_get_registration(self->engine, watch->line);
		g_signal_handlers_disconnect_by_data(watch->line, watch);
		if (registration != NULL)
			g_signal_handlers_disconnect_by_data(registration, watch);
	}
	g_ptr_array_set_size(self->watches, 0);
	close_server(self);
}

TrWebServer *
tr_web_server_new(TrEngine *engine, TrDevice *device)
{
	TrWebServer *self = g_object_new(TR_TYPE_WEB_SERVER, NULL);

	self->engine = engine;
	self->device = g_object_ref(device);
	self->store = g_object_ref(tr_device_get_store(device));
	self->tabs = tr_web_tabs_build(device);
	return self;
}

static void
tr_web_server_finalize(GObject *object)
{
	TrWebServer *self = TR_WEB_SERVER(object);

	tr_web_server_stop(self);
	g_ptr_array_unref(self->streams);
	g_ptr_array_unref(self->watches);
	g_ptr_array_unref(self->tabs);
	tr_web_sessions_free(self->sessions);
	tr_web_limiter_free(self->limiter);
	g_hash_table_unref(self->logins);
	g_free(self->cookie_name);
	g_object_unref(self->store);
	g_object_unref(self->device);
	G_OBJECT_CLASS(tr_web_server_parent_class)->finalize(object);
}

static void
tr_web_server_class_init(TrWebServerClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = tr_web_server_finalize;
}

static void
tr_web_server_init(TrWebServer *self)
{
	self->sessions = tr_web_sessions_new(MAX_SESSIONS, SESSION_IDLE_TIMEOUT);
	self->limiter = tr_web_limiter_new(LOGIN_FREE_TRIES, LOGIN_MAX_DELAY);
	self->watches = g_ptr_array_new_with_free_func((GDestroyNotify)watch_free);
	self->logins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->streams = g_ptr_array_new_with_free_func((GDestroyNotify)stream_free);
}
