/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-provisioner"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile-rule.h"
#include "tr-profile.h"
#include "tr-provisioner.h"
#include "tr-tftp.h"

/*
 * Remote provisioning of one device, as the SPA does it: Profile_Rule and
 * Profile_Rule_B to _D are fetched in order over TFTP, HTTP or HTTPS and
 * applied to the device's store, on boot (Resync_On_Reset, after a random
 * delay), every Resync_Periodic seconds, again after Resync_Error_Retry_Delay
 * seconds when one failed, and when asked.
 *
 * Choices where the SPA leaves room:
 * - a forced resync needs Provision_Enable too (the SPA refuses its
 *   /admin/resync URL without it); it fails with TR_ERROR_ACCESS_DENIED;
 * - a request while a resync runs joins it and gets its result;
 * - Resync_Error_Retry_Delay = 0 means no early retry: the periodic
 *   schedule goes on;
 * - each rule is applied on its own (tr_profile_apply() is atomic); a failing
 *   rule keeps what the earlier ones applied and stops the later ones;
 * - a rule is read from the store just before it runs, so a profile may set
 *   the rules that follow it;
 * - the log messages and errors show a URL's query as "?...", since servers
 *   take passwords there; $SERVIP is the server as the rule names it.
 */

#define PROVISIONER_HTTP_TIMEOUT  30 /* seconds, for connecting and each read */
#define PROVISIONER_READ_CHUNK	  65536
#define PROVISIONER_MAX_REDIRECTS 5

static const gchar *const rule_params[] = {"Profile_Rule", "Profile_Rule_B", "Profile_Rule_C",
					   "Profile_Rule_D"};

/* the parameters that move the schedule */
static const gchar *const timing_params[] = {"Provision_Enable", "Resync_On_Reset",
					     "Resync_Periodic", "Resync_Error_Retry_Delay"};

typedef struct {
	guint next_rule;
	const gchar *rule_param;
	TrProfileRule rule;
	gchar *shown_url; /* the URL for logs: query hidden */
	SoupSession *session;
	gboolean tls_database_set;
	SoupMessage *msg;
	GTlsCertificateFlags tls_errors;
	guint redirects; /* followed for this rule */
	GInputStream *stream;
	GByteArray *body;
	GCancellable *cancellable;
} ResyncRun;

struct _TrProvisioner {
	GObject parent_instance;

	TrStore *store;
	TrProfileMacros macros;
	gchar *mac;
	gchar *serial;
	gchar *product;
	gchar *sw_version;
	gchar *hw_version;
	GMainContext *context;
	gulong changed_id;

	/* the schedule */
	gboolean started;
	gboolean enabled;      /* Provision_Enable as last seen */
	gboolean boot_pending; /* the boot resync is yet to run */
	gint64 boot_due;       /* monotonic µs */
	gint64 anchor;	       /* monotonic µs: last resync done, or start */
	gboolean last_failed;  /* the last resync failed: retry delay applies */
	GSource *timer;

	/* the running resync, and who waits for it */
	ResyncRun *run;
	GPtrArray *waiters; /* GTask */

	/* properties */
	gint64 last_resync_time;
	gchar *last_resync_result;
	gchar *last_resync_error;
	gint64 next_resync_time;
};

G_DEFINE_TYPE(TrProvisioner, tr_provisioner, G_TYPE_OBJECT)

enum {
	PROP_0,
	PROP_LAST_RESYNC_TIME,
	PROP_LAST_RESYNC_RESULT,
	PROP_LAST_RESYNC_ERROR,
	PROP_RESYNCING,
	PROP_NEXT_RESYNC_TIME,
	PROP_LAST
};
static GParamSpec *props[PROP_LAST] = {NULL};

static void provisioner_run_next_rule(TrProvisioner *self);
static void provisioner_rearm(TrProvisioner *self);

static void
resync_run_free(ResyncRun *run)
{
	tr_profile_rule_clear(&run->rule);
	g_free(run->shown_url);
	g_clear_object(&run->session);
	if (run->msg != NULL)
		g_signal_handlers_disconnect_by_data(run->msg, run);
	g_clear_object(&run->msg);
	g_clear_object(&run->stream);
	g_clear_pointer(&run->body, g_byte_array_unref);
	g_clear_object(&run->cancellable);
	g_free(run);
}

/* the GPP values, for $A..$P, as they are now */
static void
provisioner_update_gpp(TrProvisioner *self)
{
	for (guint i = 0; i < G_N_ELEMENTS(self->macros.gpp); i++) {
		gchar name[] = "GPP_A";
		name[4] = 'A' + i;
		g_free((gchar *)self->macros.gpp[i]);
		self->macros.gpp[i] = g_strdup(tr_store_get(self->store, name));
	}
}

/* macros of the log messages, then the device's */
typedef struct {
	TrProvisioner *self;
	const gchar *err;
} LogMacros;

static gchar *
log_macros_lookup(const gchar *name, gpointer user_data)
{
	LogMacros *lm = user_data;
	ResyncRun *run = lm->self->run;
	TrProfileRule *rule = run != NULL && run->rule.enabled ? &run->rule : NULL;

	if (g_strcmp0(name, "ERR") == 0)
		return g_strdup(lm->err != NULL ? lm->err : "");
	if (g_strcmp0(name, "SCHEME") == 0)
		return g_strdup(rule != NULL ? rule->scheme : "");
	if (g_strcmp0(name, "SERVIP") == 0)
		return g_strdup(rule != NULL ? rule->host : "");
	if (g_strcmp0(name, "PORT") == 0)
		return rule != NULL ? g_strdup_printf("%u", rule->port) : g_strdup("");
	if (g_strcmp0(name, "PATH") == 0) {
		const gchar *query;
		if (rule == NULL)
			return g_strdup("");
		query = strchr(rule->path, '?');
		return query != NULL
			       ? g_strdup_printf("%.*s?...", (int)(query - rule->path), rule->path)
			       : g_strdup(rule->path);
	}
	return tr_profile_macros_lookup(name, &lm->self->macros);
}

/* one of the Log_Resync_*_Msg messages; a bad template is logged as it is */
static void
provisioner_log(TrProvisioner *self, const gchar *param, const gchar *err)
{
	const gchar *template = tr_store_get(self->store, param);
	LogMacros lm = {self, err};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *msg = NULL;

	if (template == NULL || template[0] == '\0')
		return;
	provisioner_update_gpp(self);
	msg = tr_profile_rule_expand(template, log_macros_lookup, &lm, &error);
	if (msg == NULL) {
		g_debug("%s: %s", param, error->message);
		msg = g_strdup_printf("%s%s%s", template, err != NULL ? ": " : "",
				      err != NULL ? err : "");
	}
	/* the outcome is the device's log, as the SPA sends it to syslog; the
	 * request only in verbose logs */
	if (g_strcmp0(param, "Log_Resync_Request_Msg") == 0)
		g_info("%s", msg);
	else
		g_message("%s", msg);
}

/* a URL for messages: the query may hold a password */
static gchar *
url_for_display(const gchar *url)
{
	const gchar *query = strchr(url, '?');
	if (query == NULL)
		return g_strdup(url);
	return g_strdup_printf("%.*s?...", (int)(query - url), url);
}

/* every error of a resync is a TR_ERROR, cancellation aside */
static GError *
provisioner_error_wrap(GError *error)
{
	GError *wrapped;

	if (error->domain == TR_ERROR || g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return error;
	wrapped = g_error_new_literal(TR_ERROR, TR_ERROR_FAILED, error->message);
	g_error_free(error);
	return wrapped;
}

static void
provisioner_set_next_resync_time(TrProvisioner *self, gint64 value)
{
	if (self->next_resync_time == value)
		return;
	self->next_resync_time = value;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NEXT_RESYNC_TIME]);
}

static void
provisioner_run_complete(TrProvisioner *self, GError *error)
{
	g_autoptr(GPtrArray) waiters = g_steal_pointer(&self->waiters);
	gboolean cancelled =
		error != NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

	self->waiters = g_ptr_array_new();
	g_object_freeze_notify(G_OBJECT(self));
	if (!cancelled) {
		if (error != NULL)
			provisioner_log(self, "Log_Resync_Failure_Msg", error->message);
		self->last_resync_time = g_get_real_time() / G_USEC_PER_SEC;
		g_free(self->last_resync_result);
		self->last_resync_result = g_strdup(error != NULL ? TR_PROVISIONER_RESULT_FAILED
								  : TR_PROVISIONER_RESULT_SUCCESS);
		g_free(self->last_resync_error);
		self->last_resync_error = g_strdup(error != NULL ? error->message : "");
		self->last_failed = error != NULL;
		self->anchor = g_get_monotonic_time();
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_RESYNC_TIME]);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_RESYNC_RESULT]);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_RESYNC_ERROR]);
	} else {
		g_debug("resync cancelled");
	}
	g_clear_pointer(&self->run, resync_run_free);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_RESYNCING]);
	provisioner_rearm(self);
	g_object_thaw_notify(G_OBJECT(self));

	for (guint i = 0; i < waiters->len; i++) {
		GTask *task = g_ptr_array_index(waiters, i);
		if (error != NULL)
			g_task_return_error(task, g_error_copy(error));
		else
			g_task_return_boolean(task, TRUE);
		g_object_unref(task);
	}
	g_clear_error(&error);
}

/* a failure of the current rule: name the rule and its URL first */
static void
provisioner_rule_failed(TrProvisioner *self, GError *error)
{
	ResyncRun *run = self->run;

	error = provisioner_error_wrap(error);
	if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		if (run->shown_url != NULL)
			g_prefix_error(&error, "%s %s: ", run->rule_param, run->shown_url);
		else
			g_prefix_error(&error, "%s: ", run->rule_param);
	}
	provisioner_run_complete(self, error);
}

static void
provisioner_fetched(TrProvisioner *self, GBytes *bytes, GError *error)
{
	ResyncRun *run = self->run;
	g_autoptr(TrProfile) profile = NULL;
	g_auto(GStrv) warnings = NULL;
	gconstpointer data;
	gsize len;

	if (error != NULL) {
		if (g_error_matches(error, TR_ERROR, TR_ERROR_NOT_FOUND) &&
		    !tr_store_get_bool(self->store, "Resync_Fails_On_FNF")) {
			g_info("%s %s: %s; skipped (Resync_Fails_On_FNF is no)", run->rule_param,
			       run->shown_url, error->message);
			g_error_free(error);
			provisioner_run_next_rule(self);
			return;
		}
		provisioner_rule_failed(self, error);
		return;
	}

	data = g_bytes_get_data(bytes, &len);
	/* no import: a fetched profile may not read the device's files */
	profile = tr_profile_parse(data, len, run->shown_url, NULL, NULL, &error);
	if (profile == NULL) {
		provisioner_rule_failed(self, error);
		return;
	}
	if (!tr_profile_apply(profile, self->store, &warnings, &error)) {
		provisioner_rule_failed(self, error);
		return;
	}
	g_debug("%s %s: %u entries applied, %u unknown", run->rule_param, run->shown_url,
		profile->entries->len, warnings != NULL ? g_strv_length(warnings) : 0);
	provisioner_log(self, "Log_Resync_Success_Msg", NULL);
	provisioner_run_next_rule(self);
}

/* tftp */

static void
provisioner_tftp_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(TrProvisioner) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes = tr_tftp_get_finish(result, &error);

	provisioner_fetched(self, bytes, g_steal_pointer(&error));
}

/* http and https */

static gboolean
provisioner_accept_certificate_cb(SoupMessage *msg, GTlsCertificate *certificate,
				  GTlsCertificateFlags errors, gpointer user_data)
{
	ResyncRun *run = user_data;

	run->tls_errors = errors;
	return FALSE;
}

static gchar *
describe_certificate_errors(GTlsCertificateFlags flags)
{
	g_autoptr(GPtrArray) reasons = g_ptr_array_new();

	if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it is not signed by a trusted certificate authority"));
	if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it does not match the server's name or address"));
	if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it is not valid yet"));
	if (flags & G_TLS_CERTIFICATE_EXPIRED)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it has expired"));
	if (flags & G_TLS_CERTIFICATE_REVOKED)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it has been revoked"));
	if (flags & G_TLS_CERTIFICATE_INSECURE)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it uses an insecure algorithm"));
	if (reasons->len == 0)
		/* TRANSLATORS: why a server's certificate was refused */
		g_ptr_array_add(reasons, _("it could not be verified"));
	g_ptr_array_add(reasons, NULL);
	return g_strjoinv("; ", (gchar **)reasons->pdata);
}

static GError *
provisioner_error_too_large(void)
{
	g_autofree gchar *limit = g_format_size_full(TR_PROFILE_MAX_SIZE, G_FORMAT_SIZE_IEC_UNITS);

	return g_error_new(TR_ERROR, TR_ERROR_FAILED,
			   /* TRANSLATORS: %s is a size such as "16.0 MiB" */
			   _("The profile is larger than the limit of %s"), limit);
}

static void
provisioner_http_read_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(TrProvisioner) self = user_data;
	ResyncRun *run = self->run;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) chunk = NULL;

	chunk = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
	if (chunk == NULL) {
		provisioner_rule_failed(self, g_steal_pointer(&error));
		return;
	}
	if (g_bytes_get_size(chunk) == 0) {
		g_autoptr(GBytes) body = g_byte_array_free_to_bytes(g_steal_pointer(&run->body));
		g_clear_object(&run->stream);
		provisioner_fetched(self, body, NULL);
		return;
	}
	if (run->body->len + g_bytes_get_size(chunk) > TR_PROFILE_MAX_SIZE) {
		provisioner_rule_failed(self, provisioner_error_too_large());
		return;
	}
	g_byte_array_append(run->body, g_bytes_get_data(chunk, NULL), g_bytes_get_size(chunk));
	g_input_stream_read_bytes_async(run->stream, PROVISIONER_READ_CHUNK, G_PRIORITY_DEFAULT,
					run->cancellable, provisioner_http_read_cb,
					g_object_ref(self));
}

static void provisioner_send(TrProvisioner *self, GUri *uri);

/*
 * A 301, 302, 303, 307 or 308 answer: TRUE if it was dealt with (followed,
 * or the rule failed). An https rule never leaves TLS: a redirect to
 * another scheme is refused before any request goes there.
 */
static gboolean
provisioner_follow_redirect(TrProvisioner *self)
{
	ResyncRun *run = self->run;
	guint status = soup_message_get_status(run->msg);
	const gchar *location = soup_message_headers_get_one(
		soup_message_get_response_headers(run->msg), "Location");
	g_autoptr(GUri) next = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *scheme;

	if (status != SOUP_STATUS_MOVED_PERMANENTLY && status != SOUP_STATUS_FOUND &&
	    status != SOUP_STATUS_SEE_OTHER && status != SOUP_STATUS_TEMPORARY_REDIRECT &&
	    status != SOUP_STATUS_PERMANENT_REDIRECT)
		return FALSE;
	if (location == NULL)
		return FALSE; /* "The server answered HTTP 302 Found" */
	next = g_uri_parse_relative(soup_message_get_uri(run->msg), location, SOUP_HTTP_URI_FLAGS,
				    &error);
	if (next == NULL) {
		provisioner_rule_failed(
			self, g_error_new(TR_ERROR, TR_ERROR_FAILED,
					  /* TRANSLATORS: the server, then why the URL is bad */
					  _("%s redirected to a bad URL: %s"), run->rule.host,
					  error->message));
		return TRUE;
	}
	scheme = g_uri_get_scheme(next);
	if (g_strcmp0(run->rule.scheme, "https") == 0 && g_ascii_strcasecmp(scheme, "https") != 0) {
		provisioner_rule_failed(
			self, g_error_new(TR_ERROR, TR_ERROR_ACCESS_DENIED,
					  /* TRANSLATORS: %s is the server */
					  _("%s redirected an https rule to a URL without "
					    "TLS; refused"),
					  run->rule.host));
		return TRUE;
	}
	if (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0) {
		provisioner_rule_failed(
			self,
			g_error_new(TR_ERROR, TR_ERROR_FAILED,
				    /* TRANSLATORS: the server, then a URL scheme such as ftp */
				    _("%s redirected to a %s URL, which is not supported"),
				    run->rule.host, scheme));
		return TRUE;
	}
	if (++run->redirects > PROVISIONER_MAX_REDIRECTS) {
		provisioner_rule_failed(
			self,
			g_error_new(
				TR_ERROR, TR_ERROR_FAILED,
				/* TRANSLATORS: the server, then how many redirects were followed */
				g_dngettext(GETTEXT_PACKAGE,
					    "%s redirected more than %u time; given up",
					    "%s redirected more than %u times; given up",
					    PROVISIONER_MAX_REDIRECTS),
				run->rule.host, PROVISIONER_MAX_REDIRECTS));
		return TRUE;
	}
	provisioner_send(self, next);
	return TRUE;
}

static void
provisioner_http_sent_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(TrProvisioner) self = user_data;
	ResyncRun *run = self->run;
	g_autoptr(GError) error = NULL;
	SoupMessageHeaders *headers;
	guint status;

	run->stream = soup_session_send_finish(SOUP_SESSION(source), result, &error);
	if (run->stream == NULL) {
		if (run->tls_errors != 0 ||
		    g_error_matches(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)) {
			g_autofree gchar *reasons = describe_certificate_errors(run->tls_errors);
			provisioner_rule_failed(self,
						g_error_new(TR_ERROR, TR_ERROR_FAILED,
							    /* TRANSLATORS: the server, then why */
							    _("Certificate of %s not trusted: %s"),
							    run->rule.host, reasons));
			return;
		}
		provisioner_rule_failed(self, g_steal_pointer(&error));
		return;
	}

	if (provisioner_follow_redirect(self))
		return;
	status = soup_message_get_status(run->msg);
	if (status == SOUP_STATUS_NOT_FOUND) {
		provisioner_fetched(self, NULL,
				    g_error_new(TR_ERROR, TR_ERROR_NOT_FOUND,
						/* TRANSLATORS: an HTTP status line follows */
						_("Not found (HTTP %u %s)"), status,
						soup_message_get_reason_phrase(run->msg)));
		return;
	}
	if (!SOUP_STATUS_IS_SUCCESSFUL(status)) {
		provisioner_rule_failed(self,
					g_error_new(TR_ERROR, TR_ERROR_FAILED,
						    /* TRANSLATORS: an HTTP status and its words */
						    _("The server answered HTTP %u %s"), status,
						    soup_message_get_reason_phrase(run->msg)));
		return;
	}
	headers = soup_message_get_response_headers(run->msg);
	if (soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CONTENT_LENGTH &&
	    soup_message_headers_get_content_length(headers) > TR_PROFILE_MAX_SIZE &&
	    soup_message_headers_get_one(headers, "Content-Encoding") == NULL) {
		provisioner_rule_failed(self, provisioner_error_too_large());
		return;
	}
	run->body = g_byte_array_new();
	g_input_stream_read_bytes_async(run->stream, PROVISIONER_READ_CHUNK, G_PRIORITY_DEFAULT,
					run->cancellable, provisioner_http_read_cb,
					g_steal_pointer(&self));
}

/* one session per resync */
static void
provisioner_http_prepare(TrProvisioner *self)
{
	ResyncRun *run = self->run;

	if (run->session == NULL) {
		g_autofree gchar *user_agent = g_strdup_printf(
			"tipring/%s (%s; %s)", PACKAGE_VERSION, self->product, self->serial);
		run->session = soup_session_new_with_options(
			"timeout", PROVISIONER_HTTP_TIMEOUT, "idle-timeout",
			PROVISIONER_HTTP_TIMEOUT, "user-agent", user_agent, NULL);
	}
}

/* the trust is read once per resync, at its first https request (a rule's
 * own, or a redirect's) */
static gboolean
provisioner_trust(TrProvisioner *self, GError **error)
{
	ResyncRun *run = self->run;
	const gchar *ca_file = tr_store_get(self->store, "Custom_CA_File");

	if (run->tls_database_set)
		return TRUE;
	if (ca_file != NULL && ca_file[0] != '\0') {
		g_autoptr(GError) error_local = NULL;
		g_autoptr(GTlsDatabase) db = g_tls_file_database_new(ca_file, &error_local);
		if (db == NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_FAILED,
				    /* TRANSLATORS: a file name, then why it is unusable */
				    _("Cannot read the certificate authorities of "
				      "Custom_CA_File %s: %s"),
				    ca_file, error_local->message);
			return FALSE;
		}
		soup_session_set_tls_database(run->session, db);
	}
	run->tls_database_set = TRUE;
	return TRUE;
}

static void
provisioner_send(TrProvisioner *self, GUri *uri)
{
	ResyncRun *run = self->run;
	g_autoptr(GError) error = NULL;

	if (g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") == 0 &&
	    !provisioner_trust(self, &error)) {
		provisioner_rule_failed(self, g_steal_pointer(&error));
		return;
	}
	if (run->msg != NULL)
		g_signal_handlers_disconnect_by_data(run->msg, run);
	g_clear_object(&run->msg);
	g_clear_object(&run->stream);
	run->tls_errors = 0;
	run->msg = soup_message_new_from_uri(SOUP_METHOD_GET, uri);
	/* redirects are followed here, where their target can be checked
	 * before a request goes there */
	soup_message_add_flags(run->msg, SOUP_MESSAGE_NO_REDIRECT);
	g_signal_connect(run->msg, "accept-certificate",
			 G_CALLBACK(provisioner_accept_certificate_cb), run);
	soup_session_send_async(run->session, run->msg, G_PRIORITY_DEFAULT, run->cancellable,
				provisioner_http_sent_cb, g_object_ref(self));
}

static void
provisioner_fetch_http(TrProvisioner *self)
{
	ResyncRun *run = self->run;
	g_autoptr(GError) error = NULL;
	g_autoptr(GUri) uri = NULL;

	provisioner_http_prepare(self);
	uri = g_uri_parse(run->rule.url, SOUP_HTTP_URI_FLAGS, &error);
	if (uri == NULL) {
		provisioner_rule_failed(self, g_steal_pointer(&error));
		return;
	}
	run->redirects = 0;
	provisioner_send(self, uri);
}

/* the rules, one after the other */

static void
provisioner_run_next_rule(TrProvisioner *self)
{
	ResyncRun *run = self->run;

	while (run->next_rule < G_N_ELEMENTS(rule_params)) {
		const gchar *param = rule_params[run->next_rule++];
		const gchar *text = tr_store_get(self->store, param);
		g_autoptr(GError) error = NULL;
		g_autofree gchar *expanded = NULL;

		tr_profile_rule_clear(&run->rule);
		g_clear_pointer(&run->shown_url, g_free);
		run->rule_param = param;
		if (tr_profile_rule_is_disabled(text))
			continue;
		provisioner_update_gpp(self);
		expanded = tr_profile_rule_expand(text, tr_profile_macros_lookup, &self->macros,
						  &error);
		if (expanded == NULL || !tr_profile_rule_parse(expanded, &run->rule, &error)) {
			provisioner_rule_failed(self, g_steal_pointer(&error));
			return;
		}
		if (!run->rule.enabled)
			continue;
		run->shown_url = url_for_display(run->rule.url);
		provisioner_log(self, "Log_Resync_Request_Msg", NULL);

		if (g_strcmp0(run->rule.scheme, "tftp") == 0) {
			tr_tftp_get_async(run->rule.host, run->rule.port, run->rule.path,
					  TR_PROFILE_MAX_SIZE, run->cancellable,
					  provisioner_tftp_cb, g_object_ref(self));
		} else {
			provisioner_fetch_http(self);
		}
		return;
	}
	provisioner_run_complete(self, NULL);
}

static void
provisioner_run_start(TrProvisioner *self)
{
	g_return_if_fail(self->run == NULL);

	self->run = g_new0(ResyncRun, 1);
	self->run->cancellable = g_cancellable_new();
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	g_object_freeze_notify(G_OBJECT(self));
	self->boot_pending = FALSE;
	provisioner_set_next_resync_time(self, 0);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_RESYNCING]);
	g_object_thaw_notify(G_OBJECT(self));
	provisioner_run_next_rule(self);
}

/* the schedule */

static gboolean
provisioner_timer_cb(gpointer user_data)
{
	TrProvisioner *self = user_data;

	g_clear_pointer(&self->timer, g_source_unref);
	g_debug("automatic resync due");
	provisioner_run_start(self);
	return G_SOURCE_REMOVE;
}

/* puts the next automatic resync where the parameters say, or nowhere */
static void
provisioner_rearm(TrProvisioner *self)
{
	gint64 now = g_get_monotonic_time();
	gint64 due;
	gint64 delay;

	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	if (self->run != NULL)
		return;
	if (!self->started || !tr_store_get_bool(self->store, "Provision_Enable")) {
		provisioner_set_next_resync_time(self, 0);
		return;
	}
	if (self->boot_pending) {
		due = self->boot_due;
	} else {
		gint64 retry = tr_store_get_int(self->store, "Resync_Error_Retry_Delay");
		gint64 periodic = tr_store_get_int(self->store, "Resync_Periodic");
		gint64 interval = self->last_failed && retry > 0 ? retry : periodic;
		if (interval <= 0) {
			provisioner_set_next_resync_time(self, 0);
			return;
		}
		due = self->anchor + interval * G_USEC_PER_SEC;
	}

	delay = MAX(due - now, 0);
	/* short delays to the millisecond; long ones may be coalesced */
	if (delay <= 60 * G_USEC_PER_SEC)
		self->timer = g_timeout_source_new(delay / 1000);
	else
		self->timer = g_timeout_source_new_seconds(delay / G_USEC_PER_SEC);
	g_source_set_callback(self->timer, provisioner_timer_cb, self, NULL);
	g_source_set_static_name(self->timer, "[tipring] resync timer");
	g_source_attach(self->timer, self->context);
	provisioner_set_next_resync_time(self, (g_get_real_time() + delay) / G_USEC_PER_SEC);
}

static gboolean
names_timing(const gchar *const *names)
{
	for (guint i = 0; i < G_N_ELEMENTS(timing_params); i++) {
		if (g_strv_contains(names, timing_params[i]))
			return TRUE;
	}
	return FALSE;
}

static void
provisioner_store_changed_cb(TrStore *store, const gchar *const *names, gpointer user_data)
{
	TrProvisioner *self = user_data;
	gboolean enabled;

	if (!names_timing(names))
		return;
	enabled = tr_store_get_bool(store, "Provision_Enable");
	/* the periodic schedule counts from when provisioning is enabled again */
	if (enabled && !self->enabled)
		self->anchor = g_get_monotonic_time();
	self->enabled = enabled;
	if (self->boot_pending && !tr_store_get_bool(store, "Resync_On_Reset"))
		self->boot_pending = FALSE;
	provisioner_rearm(self);
}

/**
 * tr_provisioner_start:
 * @self: a #TrProvisioner
 *
 * Starts the automatic resyncs, as at power-on: with Provision_Enable and
 * Resync_On_Reset, a resync after a random delay of 0 to
 * Resync_Random_Delay × 20 seconds; then every Resync_Periodic seconds
 * after the last one (0: never), or Resync_Error_Retry_Delay seconds after a
 * failed one (0: no early retry). Changes of these parameters move the
 * schedule at once; Provision_Enable = no stops it.
 */
void
tr_provisioner_start(TrProvisioner *self)
{
	g_return_if_fail(TR_IS_PROVISIONER(self));

	if (self->started)
		return;
	self->started = TRUE;
	self->anchor = g_get_monotonic_time();
	self->enabled = tr_store_get_bool(self->store, "Provision_Enable");
	if (self->enabled && tr_store_get_bool(self->store, "Resync_On_Reset")) {
		gint64 max_delay = tr_store_get_int(self->store, "Resync_Random_Delay") * 20;
		gint64 delay = max_delay > 0 ? g_random_int_range(0, (gint32)max_delay + 1) : 0;
		self->boot_pending = TRUE;
		self->boot_due = self->anchor + delay * G_USEC_PER_SEC;
		g_debug("boot resync in %" G_GINT64_FORMAT " s", delay);
	}
	provisioner_rearm(self);
}

/**
 * tr_provisioner_stop:
 * @self: a #TrProvisioner
 *
 * Stops the automatic resyncs and cancels a running one; its waiters get
 * %G_IO_ERROR_CANCELLED once the main loop runs. Call before dropping the
 * provisioner: a running resync holds a reference to it.
 */
void
tr_provisioner_stop(TrProvisioner *self)
{
	g_return_if_fail(TR_IS_PROVISIONER(self));

	self->started = FALSE;
	self->boot_pending = FALSE;
	if (self->run != NULL)
		g_cancellable_cancel(self->run->cancellable);
	provisioner_rearm(self);
}

/**
 * tr_provisioner_resync_async:
 * @self: a #TrProvisioner
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the resync is over
 * @user_data: for @callback
 *
 * Resyncs now. It needs Provision_Enable, as on the SPA. A request while a
 * resync runs joins it. Cancelling @cancellable does not stop the resync
 * (others may wait for it); @callback then gets %G_IO_ERROR_CANCELLED when
 * it is over.
 */
void
tr_provisioner_resync_async(TrProvisioner *self, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;

	g_return_if_fail(TR_IS_PROVISIONER(self));
	g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, tr_provisioner_resync_async);
	if (g_task_return_error_if_cancelled(task))
		return;
	if (self->run == NULL && !tr_store_get_bool(self->store, "Provision_Enable")) {
		g_task_return_new_error(task, TR_ERROR, TR_ERROR_ACCESS_DENIED,
					/* TRANSLATORS: Provision_Enable is a parameter name */
					_("Provisioning is disabled (Provision_Enable is no)"));
		return;
	}
	g_ptr_array_add(self->waiters, g_steal_pointer(&task));
	if (self->run == NULL)
		provisioner_run_start(self);
}

/**
 * tr_provisioner_resync_finish:
 * @self: a #TrProvisioner
 * @result: the result given to the callback
 * @error: a #GError, or %NULL
 *
 * Errors are of the %TR_ERROR domain: %TR_ERROR_NOT_FOUND for a missing
 * file with Resync_Fails_On_FNF, %TR_ERROR_INVALID_PARAMETER for a profile
 * with bad values, %TR_ERROR_INVALID_ARGUMENT for a malformed rule or
 * profile, %TR_ERROR_NOT_SUPPORTED for rule features tipring lacks,
 * %TR_ERROR_ACCESS_DENIED without Provision_Enable, %TR_ERROR_FAILED for
 * the network, TLS and size limits; or %G_IO_ERROR_CANCELLED. The message
 * starts with the rule's name and URL.
 *
 * Returns: %TRUE if every enabled rule was fetched and applied
 */
gboolean
tr_provisioner_resync_finish(TrProvisioner *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), FALSE);
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);

	return g_task_propagate_boolean(G_TASK(result), error);
}

gint64
tr_provisioner_get_last_resync_time(TrProvisioner *self)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), 0);
	return self->last_resync_time;
}

const gchar *
tr_provisioner_get_last_resync_result(TrProvisioner *self)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), NULL);
	return self->last_resync_result;
}

const gchar *
tr_provisioner_get_last_resync_error(TrProvisioner *self)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), NULL);
	return self->last_resync_error;
}

gboolean
tr_provisioner_get_resyncing(TrProvisioner *self)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), FALSE);
	return self->run != NULL;
}

gint64
tr_provisioner_get_next_resync_time(TrProvisioner *self)
{
	g_return_val_if_fail(TR_IS_PROVISIONER(self), 0);
	return self->next_resync_time;
}

static void
tr_provisioner_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	TrProvisioner *self = TR_PROVISIONER(object);

	switch (prop_id) {
	case PROP_LAST_RESYNC_TIME:
		g_value_set_int64(value, self->last_resync_time);
		break;
	case PROP_LAST_RESYNC_RESULT:
		g_value_set_string(value, self->last_resync_result);
		break;
	case PROP_LAST_RESYNC_ERROR:
		g_value_set_string(value, self->last_resync_error);
		break;
	case PROP_RESYNCING:
		g_value_set_boolean(value, self->run != NULL);
		break;
	case PROP_NEXT_RESYNC_TIME:
		g_value_set_int64(value, self->next_resync_time);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
tr_provisioner_dispose(GObject *object)
{
	TrProvisioner *self = TR_PROVISIONER(object);

	/* a running resync holds a reference: none runs here */
	self->started = FALSE;
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	if (self->changed_id != 0) {
		g_signal_handler_disconnect(self->store, self->changed_id);
		self->changed_id = 0;
	}
	G_OBJECT_CLASS(tr_provisioner_parent_class)->dispose(object);
}

static void
tr_provisioner_finalize(GObject *object)
{
	TrProvisioner *self = TR_PROVISIONER(object);

	g_clear_pointer(&self->run, resync_run_free);
	g_ptr_array_unref(self->waiters);
	g_clear_object(&self->store);
	g_free(self->mac);
	g_free(self->serial);
	g_free(self->product);
	g_free(self->sw_version);
	g_free(self->hw_version);
	for (guint i = 0; i < G_N_ELEMENTS(self->macros.gpp); i++)
		g_free((gchar *)self->macros.gpp[i]);
	g_free(self->last_resync_result);
	g_free(self->last_resync_error);
	g_clear_pointer(&self->context, g_main_context_unref);
	G_OBJECT_CLASS(tr_provisioner_parent_class)->finalize(object);
}

static void
tr_provisioner_class_init(TrProvisionerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = tr_provisioner_get_property;
	object_class->dispose = tr_provisioner_dispose;
	object_class->finalize = tr_provisioner_finalize;

	/**
	 * TrProvisioner:last-resync-time:
	 *
	 * When the last resync ended, in seconds since 1970; 0 if none has.
	 */
	props[PROP_LAST_RESYNC_TIME] = g_param_spec_int64(
		"last-resync-time", NULL, NULL, 0, G_MAXINT64, 0,
		G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
	/**
	 * TrProvisioner:last-resync-result:
	 *
	 * "never", "success" or "failed".
	 */
	props[PROP_LAST_RESYNC_RESULT] = g_param_spec_string(
		"last-resync-result", NULL, NULL, TR_PROVISIONER_RESULT_NEVER,
		G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
	/**
	 * TrProvisioner:last-resync-error:
	 *
	 * Why the last resync failed, translated; "" if it did not.
	 */
	props[PROP_LAST_RESYNC_ERROR] = g_param_spec_string(
		"last-resync-error", NULL, NULL, "",
		G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
	/**
	 * TrProvisioner:resyncing:
	 *
	 * Whether a resync runs now.
	 */
	props[PROP_RESYNCING] = g_param_spec_boolean("resyncing", NULL, NULL, FALSE,
						     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
							     G_PARAM_STATIC_STRINGS);
	/**
	 * TrProvisioner:next-resync-time:
	 *
	 * When the next automatic resync is due, in seconds since 1970; 0 if
	 * none is planned.
	 */
	props[PROP_NEXT_RESYNC_TIME] = g_param_spec_int64(
		"next-resync-time", NULL, NULL, 0, G_MAXINT64, 0,
		G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, PROP_LAST, props);
}

static void
tr_provisioner_init(TrProvisioner *self)
{
	self->waiters = g_ptr_array_new();
	self->last_resync_result = g_strdup(TR_PROVISIONER_RESULT_NEVER);
	self->last_resync_error = g_strdup("");
}

/**
 * tr_provisioner_new:
 * @device: the device to provision
 *
 * Makes the provisioner of @device, on the thread-default main context.
 * It keeps the device's store and identity, not the device itself, so the
 * device may own it. Nothing happens before tr_provisioner_start() or
 * tr_provisioner_resync_async().
 *
 * Returns: (transfer full): a new #TrProvisioner
 */
TrProvisioner *
tr_provisioner_new(TrDevice *device)
{
	TrProvisioner *self;
	const TrModel *model;

	g_return_val_if_fail(TR_IS_DEVICE(device), NULL);

	self = g_object_new(TR_TYPE_PROVISIONER, NULL);
	model = tr_device_get_model(device);
	self->store = g_object_ref(tr_device_get_store(device));
	self->context = g_main_context_ref_thread_default();
	self->mac = g_strdup(tr_device_get_mac_address(device));
	self->serial = g_strdup(tr_device_get_serial(device));
	self->product = g_strdup(model->name);
	self->sw_version = g_strdup(tr_device_get_firmware_version(device));
	self->hw_version = g_strdup(model->hardware_version);
	self->macros.mac = self->mac;
	self->macros.serial = self->serial;
	self->macros.product = self->product;
	self->macros.sw_version = self->sw_version;
	self->macros.hw_version = self->hw_version;
	self->changed_id = g_signal_connect(self->store, "changed",
					    G_CALLBACK(provisioner_store_changed_cb), self);
	return self;
}
