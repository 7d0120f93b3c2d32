/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tr-engine.h"
#include "tr-error.h"
#include "tr-profile-parser.h"
#include "tr-provisioner.h"
#include "tr-test-daemon.h"
#include "tr-test-http.h"
#include "tr-tftp.h"

/*
 * Remote provisioning against real servers: a SoupServer in a thread of this
 * process (HTTP and HTTPS, with a CA and a certificate made by certtool; see
 * tr-test-http.h) and a real tftpd-hpa. The device is a real SPA2102 from
 * the build tree's plugins.
 */

#define RESYNC_DEADLINE_MS 10000

/* made once by main(): the test CA and a server certificate for 127.0.0.1 */
static TrTestCerts *certs = NULL;

typedef struct {
	gchar *tmp_dir;
	TrEngine *engine;
	TrDevice *device;
	TrStore *store;
	TrProvisioner *provisioner;
	gchar *mac_digits;
	TrTestHttp *http; /* HTTP and HTTPS */
	GPtrArray *logs;  /* the provisioner's messages */
	guint log_handler;
	GSubprocess *tftpd;
	guint tftp_port;
	gchar *tftp_dir;
	/* resync_sync() and the TFTP client's callbacks */
	gboolean done;
	GError *error;
	GBytes *bytes;
} Fixture;

/* other engineers' plugins may be disabled here: a warning, not an abort */
static gboolean
fatal_handler(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user_data)
{
	return (level & G_LOG_LEVEL_WARNING) == 0;
}

static void
log_capture(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user_data)
{
	Fixture *fx = user_data;

	g_ptr_array_add(fx->logs, g_strdup(message));
	g_log_default_handler(domain, level, message, NULL);
}

static gboolean
deadline_cb(gpointer user_data)
{
	gboolean *expired = user_data;
	*expired = TRUE;
	return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition)(Fixture *fx, gconstpointer data);

/* runs the main loop until @cond holds; FALSE if @timeout_ms passed first */
static gboolean
wait_for(Fixture *fx, Condition cond, gconstpointer data, guint timeout_ms)
{
	gboolean expired = FALSE;
	GSource *deadline = g_timeout_source_new(timeout_ms);

	g_source_set_callback(deadline, deadline_cb, &expired, NULL);
	g_source_attach(deadline, NULL);
	while (!expired && (cond == NULL || !cond(fx, data)))
		g_main_context_iteration(NULL, TRUE);
	g_source_destroy(deadline);
	g_source_unref(deadline);
	return cond != NULL && cond(fx, data);
}

/* runs the main loop for @ms, to see that nothing happens */
static void
run_for(Fixture *fx, guint ms)
{
	wait_for(fx, NULL, NULL, ms);
}

static gboolean
cond_done(Fixture *fx, gconstpointer data)
{
	return fx->done;
}

static gboolean
cond_hits(Fixture *fx, gconstpointer data)
{
	return tr_test_http_hits(fx->http, NULL) >= GPOINTER_TO_UINT(data);
}

static gboolean
cond_not_resyncing(Fixture *fx, gconstpointer data)
{
	return !tr_provisioner_get_resyncing(fx->provisioner);
}

static void
resync_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *fx = user_data;

	g_assert_false(fx->done);
	tr_provisioner_resync_finish(TR_PROVISIONER(source), result, &fx->error);
	fx->done = TRUE;
}

/* a forced resync, waited for; the error is left in fx->error */
static gboolean
resync_sync(Fixture *fx)
{
	fx->done = FALSE;
	g_clear_error(&fx->error);
	tr_provisioner_resync_async(fx->provisioner, NULL, resync_cb, fx);
	if (!wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS))
		g_error("the resync did not end within %u ms", RESYNC_DEADLINE_MS);
	if (fx->error != NULL)
		g_test_message("resync failed: %s", fx->error->message);
	return fx->error == NULL;
}

static void
set_param(Fixture *fx, const gchar *name, const gchar *value)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(tr_store_set(fx->store, name, value, &error));
	g_assert_no_error(error);
}

static void
fixture_setup(Fixture *fx, gconstpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *state_dir = NULL;
	g_auto(GStrv) dirs = NULL;
	const gchar *path = g_getenv("TIPRING_PLUGIN_PATH");

	g_test_log_set_fatal_handler(fatal_handler, NULL);
	g_assert_nonnull(path);
	fx->tmp_dir = g_dir_make_tmp("test-provisioning-XXXXXX", &error);
	g_assert_no_error(error);
	state_dir = g_build_filename(fx->tmp_dir, "state", NULL);
	fx->engine = tr_engine_new(state_dir, &error);
	g_assert_no_error(error);
	/* the web front-end on free loopback ports, not on every address's port 80 */
	tr_engine_set_option(fx->engine, "web-address", "127.0.0.1");
	tr_engine_set_option(fx->engine, "web-port", "0");
	dirs = g_strsplit(path, ":", -1);
	tr_engine_load_plugins(fx->engine, (const gchar *const *)dirs);
	tr_engine_start_plugins(fx->engine);
	fx->device = tr_engine_add_device(fx->engine, "SPA2102", NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(fx->device);
	fx->store = tr_device_get_store(fx->device);
	fx->mac_digits = tr_test_mac_digits(tr_device_get_mac_address(fx->device));
	g_assert_cmpuint(strlen(fx->mac_digits), ==, 12);

	fx->logs = g_ptr_array_new_with_free_func(g_free);
	fx->log_handler = g_log_set_handler("tr-provisioner", G_LOG_LEVEL_MASK, log_capture, fx);
	fx->http = tr_test_http_new(certs);
	fx->provisioner = tr_provisioner_new(fx->device);
	g_assert_cmpstr(tr_provisioner_get_last_resync_result(fx->provisioner), ==, "never");
	g_assert_cmpint(tr_provisioner_get_last_resync_time(fx->provisioner), ==, 0);
}

static void
fixture_teardown(Fixture *fx, gconstpointer user_data)
{
	tr_provisioner_stop(fx->provisioner);
	wait_for(fx, cond_not_resyncing, NULL, RESYNC_DEADLINE_MS);
	g_clear_object(&fx->provisioner);
	if (fx->tftpd != NULL) {
		g_subprocess_force_exit(fx->tftpd);
		g_subprocess_wait(fx->tftpd, NULL, NULL);
		g_clear_object(&fx->tftpd);
	}
	g_free(fx->tftp_dir);
	/* the server sees the clients' connections close */
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_clear_pointer(&fx->http, tr_test_http_free);
	tr_engine_shutdown(fx->engine);
	g_clear_object(&fx->engine);
	g_log_remove_handler("tr-provisioner", fx->log_handler);
	g_ptr_array_unref(fx->logs);
	g_clear_error(&fx->error);
	g_clear_pointer(&fx->bytes, g_bytes_unref);
	g_free(fx->mac_digits);
	tr_test_remove_tree(fx->tmp_dir);
	g_free(fx->tmp_dir);
	/* let the closed connections' sources go */
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static const gchar *
find_log(Fixture *fx, const gchar *pattern)
{
	for (guint i = 0; i < fx->logs->len; i++) {
		const gchar *line = g_ptr_array_index(fx->logs, i);
		if (g_pattern_match_simple(pattern, line))
			return line;
	}
	for (guint i = 0; i < fx->logs->len; i++)
		g_test_message("log: %s", (const gchar *)g_ptr_array_index(fx->logs, i));
	return NULL;
}

static void
assert_failed(Fixture *fx, const gchar *part)
{
	const gchar *error = tr_provisioner_get_last_resync_error(fx->provisioner);

	g_assert_nonnull(fx->error);
	g_assert_true(fx->error->domain == TR_ERROR);
	g_assert_cmpstr(tr_provisioner_get_last_resync_result(fx->provisioner), ==, "failed");
	g_assert_cmpstr(error, ==, fx->error->message);
	g_test_message("error: %s", error);
	if (strstr(error, part) == NULL)
		g_error("the error '%s' does not mention '%s'", error, part);
	g_assert_cmpint(tr_provisioner_get_last_resync_time(fx->provisioner), >, 0);
	g_assert_false(tr_provisioner_get_resyncing(fx->provisioner));
}

static void
assert_success(Fixture *fx)
{
	g_assert_no_error(fx->error);
	g_assert_cmpstr(tr_provisioner_get_last_resync_result(fx->provisioner), ==, "success");
	g_assert_cmpstr(tr_provisioner_get_last_resync_error(fx->provisioner), ==, "");
	g_assert_cmpint(tr_provisioner_get_last_resync_time(fx->provisioner), >=,
			g_get_real_time() / G_USEC_PER_SEC - 5);
	g_assert_false(tr_provisioner_get_resyncing(fx->provisioner));
}

static void
assert_unchanged(Fixture *fx)
{
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "UDP");
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "");
	g_assert_true(tr_store_is_default(fx->store, "SIP_Transport_1_"));
}

#define TLS_PROFILE                                                                                \
	"<?xml version=\"1.0\"?>\n"                                                                \
	"<flat-profile>\n"                                                                         \
	"  <SIP_Transport_1_ ua=\"na\">TLS</SIP_Transport_1_>\n"                                   \
	"  <Proxy_1_>sbc.example.com</Proxy_1_>\n"                                                 \
	"  <Unknown_Thing>x</Unknown_Thing>\n"                                                     \
	"</flat-profile>\n"

static guint notifications = 0;

static void
notify_cb(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	notifications++;
}

/* $MA in the path; the server answers only to this device's MAC */
static void
test_http(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *path = g_strdup_printf("/prov/spa%s.xml", fx->mac_digits);
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/prov/spa$MA.xml");
	g_autofree gchar *pattern = NULL;
	gint64 start = g_get_monotonic_time();

	tr_test_http_serve(fx->http, path, 200, TLS_PROFILE);
	set_param(fx, "Profile_Rule", rule);
	notifications = 0;
	g_signal_connect(fx->provisioner, "notify::last-resync-result", G_CALLBACK(notify_cb),
			 NULL);
	g_assert_true(resync_sync(fx));
	g_test_message("http resync took %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	assert_success(fx);
	g_assert_cmpuint(notifications, ==, 1);
	g_assert_cmpuint(tr_test_http_hits(fx->http, path), ==, 1);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 1);
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "sbc.example.com");
	g_assert_cmpint(tr_store_get_access(fx->store, "SIP_Transport_1_"), ==, TR_ACCESS_NA);

	/* the SPA's log messages, with their macros */
	pattern = g_strdup_printf(
		"SPA2102 %s -- Requesting resync http://127.0.0.1:%u/prov/spa%s.xml",
		tr_device_get_mac_address(fx->device), tr_test_http_get_port(fx->http),
		fx->mac_digits);
	g_assert_nonnull(find_log(fx, pattern));
	g_assert_nonnull(find_log(fx, "SPA2102 * -- Successful resync http://127.0.0.1:*"));
}

static void
test_https_custom_ca(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_https_url(fx->http, "/secure.xml");

	tr_test_http_serve(fx->http, "/secure.xml", 200, TLS_PROFILE);
	set_param(fx, "Custom_CA_File", certs->ca_file);
	set_param(fx, "Profile_Rule", rule);
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/secure.xml"), ==, 1);

	/* the certificate names 127.0.0.1, not localhost */
	g_free(rule);
	rule = g_strdup_printf("https://localhost:%u/secure.xml",
			       tr_test_http_get_https_port(fx->http));
	set_param(fx, "Profile_Rule", rule);
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "not trusted: it does not match the server's name or address");
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/secure.xml"), ==, 1);
}

/* the test CA is in no system store: the server is not trusted */
static void
test_https_system_trust(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_https_url(fx->http, "/secure.xml");

	tr_test_http_serve(fx->http, "/secure.xml", 200, TLS_PROFILE);
	set_param(fx, "Profile_Rule", rule);
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_FAILED);
	assert_failed(fx, "ertificate");
	assert_failed(fx, "not trusted");
	assert_failed(fx, "certificate authority");
	assert_unchanged(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 0);
	g_assert_nonnull(find_log(fx, "SPA2102 * -- Resync failed: Profile_Rule https://*"));

	/* an unreadable CA file is an error of its own */
	set_param(fx, "Custom_CA_File", "/nonexistent/ca.pem");
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "Custom_CA_File");
	assert_unchanged(fx);
}

/*
 * Redirects: followed within HTTP(S), at most 5; an https rule never leaves
 * TLS, and the plain-HTTP URL it was sent to gets no request at all
 */
static void
test_redirect(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *https_rule = tr_test_http_https_url(fx->http, "/moved.xml");
	g_autofree gchar *http_rule = tr_test_http_url(fx->http, "/old.xml");
	g_autofree gchar *loop_rule = tr_test_http_url(fx->http, "/loop.xml");
	g_autofree gchar *plain = tr_test_http_url(fx->http, "/plain.xml");
	g_autofree gchar *secure = tr_test_http_https_url(fx->http, "/secure.xml");

	set_param(fx, "Custom_CA_File", certs->ca_file);
	tr_test_http_serve(fx->http, "/plain.xml", 200, TLS_PROFILE);
	tr_test_http_serve(fx->http, "/secure.xml", 200, TLS_PROFILE);

	/* https -> http: refused before the plain request */
	tr_test_http_redirect(fx->http, "/moved.xml", 302, plain);
	set_param(fx, "Profile_Rule", https_rule);
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_ACCESS_DENIED);
	assert_failed(fx, "redirected an https rule to a URL without TLS; refused");
	assert_unchanged(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/moved.xml"), ==, 1);
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/plain.xml"), ==, 0);

	/* https -> https, relative: followed */
	tr_test_http_redirect(fx->http, "/moved.xml", 301, "/secure.xml");
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/secure.xml"), ==, 1);
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");

	/* http -> https: followed (and verified) */
	tr_test_http_redirect(fx->http, "/old.xml", 307, secure);
	set_param(fx, "Profile_Rule", http_rule);
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/secure.xml"), ==, 2);

	/* a loop ends after 5 redirects */
	tr_test_http_clear_hits(fx->http);
	tr_test_http_redirect(fx->http, "/loop.xml", 302, "/loop.xml");
	set_param(fx, "Profile_Rule", loop_rule);
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "redirected more than 5 times");
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/loop.xml"), ==, 6);
}

static void
test_not_found_fails(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/missing.xml");

	set_param(fx, "Profile_Rule", rule);
	g_assert_true(tr_store_get_bool(fx->store, "Resync_Fails_On_FNF"));
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_NOT_FOUND);
	assert_failed(fx, "Not found (HTTP 404");
	assert_failed(fx, "/missing.xml");
	assert_unchanged(fx);
}

static void
test_not_found_skipped(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/missing.xml");
	g_autofree gchar *rule_b = tr_test_http_url(fx->http, "/b.xml");

	set_param(fx, "Profile_Rule", rule);
	set_param(fx, "Resync_Fails_On_FNF", "no");
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	assert_unchanged(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/missing.xml"), ==, 1);

	/* the later rules still run */
	tr_test_http_serve(fx->http, "/b.xml", 200, TLS_PROFILE);
	set_param(fx, "Profile_Rule_B", rule_b);
	g_assert_true(resync_sync(fx));
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");
}

static void
test_bad_value(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/bad.xml");

	tr_test_http_serve(fx->http, "/bad.xml", 200,
			   "<flat-profile>\n"
			   "  <Proxy_1_>sbc.example.com</Proxy_1_>\n"
			   "  <SIP_Transport_1_>CARRIER-PIGEON</SIP_Transport_1_>\n"
			   "</flat-profile>\n");
	set_param(fx, "Profile_Rule", rule);
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	assert_failed(fx, "SIP_Transport_1_");
	assert_failed(fx, "line 3");
	assert_failed(fx, "CARRIER-PIGEON");
	assert_unchanged(fx);

	/* a malformed profile too */
	tr_test_http_serve(fx->http, "/bad.xml", 200, "<flat-profile><Proxy_1_>x</flat-profile>");
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	assert_unchanged(fx);

	/* a text profile may not import files from the device */
	tr_test_http_serve(fx->http, "/bad.xml", 200,
			   "import /etc/passwd\nProxy[1] \"x.example\" ;\n");
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "import");
	assert_unchanged(fx);
}

static void
serve_large(Fixture *fx, const gchar *path, gboolean chunked)
{
	gsize size = 50 * 1024 * 1024;
	gchar *data = g_malloc(size);
	g_autoptr(GBytes) body = NULL;

	/* a valid start, then more than the limit */
	memset(data, ' ', size);
	memcpy(data, "<flat-profile>", strlen("<flat-profile>"));
	body = g_bytes_new_take(data, size);
	tr_test_http_serve_bytes(fx->http, path, 200, body, chunked);
}

static void
test_too_large(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/large.xml");
	gint64 start;

	serve_large(fx, "/large.xml", FALSE);
	set_param(fx, "Profile_Rule", rule);
	start = g_get_monotonic_time();
	g_assert_false(resync_sync(fx));
	g_test_message("refused by its Content-Length in %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	assert_failed(fx, "larger than the limit of 16.0");
	assert_unchanged(fx);

	/* no Content-Length: counted while read */
	serve_large(fx, "/large.xml", TRUE);
	start = g_get_monotonic_time();
	g_assert_false(resync_sync(fx));
	g_test_message("refused while read in %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	assert_failed(fx, "larger than the limit");
	assert_unchanged(fx);
}

static void
test_server_down(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = NULL;
	gint64 start;
	gint64 took;

	rule = g_strdup_printf("http://127.0.0.1:%u/spa.xml", tr_test_free_tcp_port("127.0.0.1"));
	set_param(fx, "Profile_Rule", rule);
	start = g_get_monotonic_time();
	g_assert_false(resync_sync(fx));
	took = (g_get_monotonic_time() - start) / 1000;
	g_test_message("failed in %" G_GINT64_FORMAT " ms", took);
	g_assert_cmpint(took, <, 2000);
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_FAILED);
	assert_failed(fx, "Profile_Rule http://127.0.0.1:");
	assert_failed(fx, "onnection refused");
	assert_unchanged(fx);
}

/* B runs after A and wins; a disabled C is skipped; D sees what A set */
static void
test_rules_in_order(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule_a = tr_test_http_url(fx->http, "/a.xml");
	g_autofree gchar *rule_b = tr_test_http_url(fx->http, "/b.txt");
	g_autofree gchar *rule_c = NULL;
	g_autofree gchar *rule_d = tr_test_http_url(fx->http, "/d-$A-$(b).xml");

	tr_test_http_serve(
		fx->http, "/a.xml", 200,
		"<flat-profile><Proxy_1_>a.example</Proxy_1_>"
		"<SIP_Transport_1_>TCP</SIP_Transport_1_><GPP_A>fromA</GPP_A></flat-profile>");
	/* B is a legacy text profile */
	tr_test_http_serve(fx->http, "/b.txt", 200,
			   "# rule B\nProxy[1] \"b.example\" ;\nGPP_B \"fromB\" ;\n");
	tr_test_http_serve(fx->http, "/c.xml", 200,
			   "<flat-profile><Proxy_1_>c.example</Proxy_1_></flat-profile>");
	tr_test_http_serve(fx->http, "/d-fromA-fromB.xml", 200,
			   "<flat-profile><Display_Name_1_>D</Display_Name_1_></flat-profile>");
	rule_c = g_strdup_printf("  #http://127.0.0.1:%u/c.xml", tr_test_http_get_port(fx->http));
	set_param(fx, "Profile_Rule", rule_a);
	set_param(fx, "Profile_Rule_B", rule_b);
	set_param(fx, "Profile_Rule_C", rule_c);
	set_param(fx, "Profile_Rule_D", rule_d);
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 3);
	g_assert_cmpstr(tr_test_http_hit_path(fx->http, 0), ==, "/a.xml");
	g_assert_cmpstr(tr_test_http_hit_path(fx->http, 1), ==, "/b.txt");
	g_assert_cmpstr(tr_test_http_hit_path(fx->http, 2), ==, "/d-fromA-fromB.xml");
	g_assert_cmpuint(tr_test_http_hits(fx->http, "/c.xml"), ==, 0);
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "b.example");
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TCP");
	g_assert_cmpstr(tr_store_get(fx->store, "Display_Name_1_"), ==, "D");

	/* a failing B keeps what A applied and stops C and D */
	tr_test_http_serve(fx->http, "/a.xml", 200,
			   "<flat-profile><Proxy_1_>a2.example</Proxy_1_></flat-profile>");
	tr_test_http_serve(fx->http, "/b.txt", 200,
			   "Proxy[1] \"b2.example\" ;\nSIP_Transport[1] \"SCTP\" ;\n");
	tr_test_http_clear_hits(fx->http);
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "Profile_Rule_B http://127.0.0.1:");
	assert_failed(fx, "SCTP");
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 2);
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "a2.example");
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TCP");
}

/* the default rule names no server; unknown macros and options are errors */
static void
test_rule_errors(Fixture *fx, gconstpointer user_data)
{
	g_assert_cmpstr(tr_store_get(fx->store, "Profile_Rule"), ==, "/spa$PSN.cfg");
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	assert_failed(fx, "Profile_Rule: ");
	assert_failed(fx, "DHCP option 66");

	set_param(fx, "Profile_Rule", "http://127.0.0.1/$NOPE.xml");
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "Unknown macro $NOPE at position 18");

	set_param(fx, "Profile_Rule", "[--key secret] http://127.0.0.1/a.xml");
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_NOT_SUPPORTED);
	assert_failed(fx, "--key");

	/* every rule disabled: nothing to do */
	set_param(fx, "Profile_Rule", "#/spa$PSN.cfg");
	g_assert_true(resync_sync(fx));
	assert_success(fx);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 0);

	/* without Provision_Enable, a forced resync is refused and not recorded */
	set_param(fx, "Provision_Enable", "no");
	g_assert_false(resync_sync(fx));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_ACCESS_DENIED);
	g_assert_cmpstr(tr_provisioner_get_last_resync_result(fx->provisioner), ==, "success");
}

/* the query of a URL may carry a password: never in logs or errors */
static void
test_no_secret_in_logs(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/prov?mac=$MA&password=hunter2");

	set_param(fx, "Profile_Rule", rule);
	g_assert_false(resync_sync(fx));
	assert_failed(fx, "/prov?...");
	g_assert_null(strstr(fx->error->message, "hunter2"));
	g_assert_nonnull(find_log(fx, "*Requesting resync http://127.0.0.1:*/prov?..."));
	for (guint i = 0; i < fx->logs->len; i++)
		g_assert_null(strstr(g_ptr_array_index(fx->logs, i), "hunter2"));
	/* the server got the real query */
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 1);
	g_assert_nonnull(strstr(tr_test_http_hit_path(fx->http, 0), "hunter2"));
}

/* two requests at once share one resync */
static void
join_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	guint *n_ok = user_data;
	g_autoptr(GError) error = NULL;

	g_assert_true(tr_provisioner_resync_finish(TR_PROVISIONER(source), result, &error));
	g_assert_no_error(error);
	(*n_ok)++;
}

static gboolean
cond_two(Fixture *fx, gconstpointer data)
{
	return *(const guint *)data == 2;
}

static void
test_join(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/a.xml");
	guint n_ok = 0;

	tr_test_http_serve(fx->http, "/a.xml", 200, TLS_PROFILE);
	set_param(fx, "Profile_Rule", rule);
	tr_provisioner_resync_async(fx->provisioner, NULL, join_cb, &n_ok);
	g_assert_true(tr_provisioner_get_resyncing(fx->provisioner));
	tr_provisioner_resync_async(fx->provisioner, NULL, join_cb, &n_ok);
	g_assert_true(wait_for(fx, cond_two, &n_ok, RESYNC_DEADLINE_MS));
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 1);
	g_assert_false(tr_provisioner_get_resyncing(fx->provisioner));
}

/* tftpd-hpa */

/*
 * in.tftpd as inetd runs it: the test binds the UDP socket and hands it over
 * as standard input, so the server's port is known and a request sent before
 * tftpd reads waits in the socket; no race, no port guessed.
 */
static gboolean
start_tftpd(Fixture *fx, gboolean refuse_options)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GSocket) socket = NULL;
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;
	/* .ci/install-deps unpacks it into the tree; meson finds it */
	const gchar *tftpd = g_getenv("TIPRING_IN_TFTPD");

	if (geteuid() != 0) {
		g_test_skip("in.tftpd --secure chroots and so needs root; this test is not root");
		return FALSE;
	}
	/* installed by the project's setup: missing is a failure, not a skip */
	if (tftpd == NULL || !g_file_test(tftpd, G_FILE_TEST_IS_EXECUTABLE))
		g_error("in.tftpd is missing: run .ci/install-deps (TIPRING_IN_TFTPD='%s')",
			tftpd != NULL ? tftpd : "");

	fx->tftp_dir = g_build_filename(fx->tmp_dir, "tftp", NULL);
	g_assert_cmpint(g_mkdir(fx->tftp_dir, 0755), ==, 0);
	/* tftpd drops to the user nobody: it must reach the directory */
	g_assert_cmpint(g_chmod(fx->tmp_dir, 0755), ==, 0);

	socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
			      &error);
	g_assert_no_error(error);
	g_socket_bind(socket, addr, FALSE, &error);
	g_assert_no_error(error);
	bound = g_socket_get_local_address(socket, &error);
	g_assert_no_error(error);
	fx->tftp_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));

	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_take_stdin_fd(launcher, dup(g_socket_get_fd(socket)));
	if (refuse_options) {
		/* a plain RFC 1350 server: 512-byte blocks, no size announced */
		fx->tftpd = g_subprocess_launcher_spawn(launcher, &error, tftpd, "--secure",
							"--timeout", "60", "--refuse", "blksize",
							"--refuse", "tsize", fx->tftp_dir, NULL);
	} else {
		fx->tftpd = g_subprocess_launcher_spawn(launcher, &error, tftpd, "--secure",
							"--timeout", "60", fx->tftp_dir, NULL);
	}
	g_assert_no_error(error);
	return TRUE;
}

static void
tftp_file(Fixture *fx, const gchar *name, const gchar *contents, gssize len)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = g_build_filename(fx->tftp_dir, name, NULL);

	g_file_set_contents(path, contents, len, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, 0644), ==, 0);
}

static void
test_tftp(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *name = NULL;
	g_autofree gchar *rule = NULL;
	g_autoptr(GString) big = g_string_new("<flat-profile>\n");
	gint64 start;

	if (!start_tftpd(fx, FALSE))
		return;
	/* several blocks of any size */
	for (guint i = 0; big->len < 100000; i++)
		g_string_append_printf(big, "<!-- padding %u -->\n", i);
	g_string_append(big, "<SIP_Transport_1_>TLS</SIP_Transport_1_>\n"
			     "<Proxy_1_>tftp.example</Proxy_1_>\n</flat-profile>\n");
	name = g_strdup_printf("spa%s.xml", fx->mac_digits);
	tftp_file(fx, name, big->str, big->len);

	rule = g_strdup_printf("tftp://127.0.0.1:%u/spa$MA.xml", fx->tftp_port);
	set_param(fx, "Profile_Rule", rule);
	start = g_get_monotonic_time();
	g_assert_true(resync_sync(fx));
	g_test_message("tftp resync of %" G_GSIZE_FORMAT " bytes took %" G_GINT64_FORMAT " ms",
		       big->len, (g_get_monotonic_time() - start) / 1000);
	assert_success(fx);
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "tftp.example");

	/* the default scheme is tftp */
	tftp_file(fx, "spa2102.cfg", "Proxy[1] \"text.example\" ;\n", -1);
	g_free(rule);
	rule = g_strdup_printf("127.0.0.1:%u/spa$PSN.cfg", fx->tftp_port);
	set_param(fx, "Profile_Rule", rule);
	g_assert_true(resync_sync(fx));
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "text.example");

	/* file not found */
	g_free(rule);
	rule = g_strdup_printf("tftp://127.0.0.1:%u/missing.cfg", fx->tftp_port);
	set_param(fx, "Profile_Rule", rule);
	start = g_get_monotonic_time();
	g_assert_false(resync_sync(fx));
	g_test_message("tftp file-not-found took %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_NOT_FOUND);
	assert_failed(fx, "not found");
	g_assert_cmpstr(tr_store_get(fx->store, "Proxy_1_"), ==, "text.example");
	set_param(fx, "Resync_Fails_On_FNF", "no");
	g_assert_true(resync_sync(fx));
	assert_success(fx);
}

static void
tftp_get_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *fx = user_data;
	g_autoptr(GBytes) bytes = tr_tftp_get_finish(result, &fx->error);

	g_assert_null(bytes);
	fx->done = TRUE;
}

static void
tftp_get_ok_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *fx = user_data;

	g_clear_pointer(&fx->bytes, g_bytes_unref);
	fx->bytes = tr_tftp_get_finish(result, &fx->error);
	fx->done = TRUE;
}

/*
 * The client alone, against a server that refuses the options (512-byte
 * blocks, no size announced): whole files, the size limit while reading, a
 * server that does not answer, cancellation.
 */
static void
test_tftp_client(Fixture *fx, gconstpointer user_data)
{
	gsize size = 512 * 7; /* an exact number of blocks: ends with an empty one */
	g_autofree gchar *data = g_malloc(300000);
	gint64 start;

	if (!start_tftpd(fx, TRUE))
		return;
	for (gsize i = 0; i < 300000; i++)
		data[i] = (gchar)(i * 7 + i / 251);
	tftp_file(fx, "exact.bin", data, size);
	tftp_file(fx, "big.bin", data, 300000);

	fx->done = FALSE;
	tr_tftp_get_async("127.0.0.1", fx->tftp_port, "/exact.bin", 100000, NULL, tftp_get_ok_cb,
			  fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_assert_no_error(fx->error);
	g_assert_cmpmem(g_bytes_get_data(fx->bytes, NULL), g_bytes_get_size(fx->bytes), data, size);
	g_clear_pointer(&fx->bytes, g_bytes_unref);

	fx->done = FALSE;
	tr_tftp_get_async("127.0.0.1", fx->tftp_port, "/big.bin", 300000, NULL, tftp_get_ok_cb, fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_assert_no_error(fx->error);
	g_assert_cmpmem(g_bytes_get_data(fx->bytes, NULL), g_bytes_get_size(fx->bytes), data,
			300000);
	g_clear_pointer(&fx->bytes, g_bytes_unref);

	/* one byte more than allowed */
	fx->done = FALSE;
	tr_tftp_get_async("127.0.0.1", fx->tftp_port, "/big.bin", 299999, NULL, tftp_get_cb, fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_FAILED);
	g_assert_nonnull(strstr(fx->error->message, "larger than the limit"));
	g_clear_error(&fx->error);

	fx->done = FALSE;
	tr_tftp_get_async("127.0.0.1", fx->tftp_port, "/nope.bin", 100, NULL, tftp_get_cb, fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_NOT_FOUND);
	g_clear_error(&fx->error);

	/* nobody on this port: five tries, a second each */
	fx->done = FALSE;
	start = g_get_monotonic_time();
	tr_tftp_get_async("127.0.0.1", tr_test_free_udp_port("127.0.0.1"), "/x.cfg", 100000, NULL,
			  tftp_get_cb, fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_test_message("no answer after %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	g_assert_error(fx->error, TR_ERROR, TR_ERROR_FAILED);
	g_assert_nonnull(strstr(fx->error->message, "did not answer"));
	g_clear_error(&fx->error);

	/* cancelled */
	{
		g_autoptr(GCancellable) cancellable = g_cancellable_new();
		fx->done = FALSE;
		tr_tftp_get_async("127.0.0.1", tr_test_free_udp_port("127.0.0.1"), "/x.cfg", 100000,
				  cancellable, tftp_get_cb, fx);
		g_cancellable_cancel(cancellable);
		g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
		g_assert_error(fx->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
		g_clear_error(&fx->error);
	}

	/* a name, resolved; where ::1 comes first, it is tried first, in vain */
	fx->done = FALSE;
	start = g_get_monotonic_time();
	tr_tftp_get_async("localhost", fx->tftp_port, "/exact.bin", 100000, NULL, tftp_get_ok_cb,
			  fx);
	g_assert_true(wait_for(fx, cond_done, NULL, RESYNC_DEADLINE_MS));
	g_test_message("localhost answered after %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	g_assert_no_error(fx->error);
	g_assert_cmpmem(g_bytes_get_data(fx->bytes, NULL), g_bytes_get_size(fx->bytes), data, size);
	g_clear_pointer(&fx->bytes, g_bytes_unref);
}

/* the schedule */

static void
test_periodic(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/p.xml");
	guint hits;
	gint64 start;

	tr_test_http_serve(fx->http, "/p.xml", 200, TLS_PROFILE);
	set_param(fx, "Profile_Rule", rule);
	set_param(fx, "Resync_On_Reset", "no");
	set_param(fx, "Resync_Periodic", "1");
	start = g_get_monotonic_time();
	tr_provisioner_start(fx->provisioner);
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), >, 0);
	g_assert_true(wait_for(fx, cond_hits, GUINT_TO_POINTER(2), 3500));
	g_test_message("two periodic resyncs after %" G_GINT64_FORMAT " ms",
		       (g_get_monotonic_time() - start) / 1000);
	g_assert_true(wait_for(fx, cond_not_resyncing, NULL, RESYNC_DEADLINE_MS));
	assert_success(fx);

	set_param(fx, "Resync_Periodic", "0");
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, 0);
	hits = tr_test_http_hits(fx->http, NULL);
	run_for(fx, 1500);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, hits);

	/* back on; Provision_Enable = no stops it again */
	set_param(fx, "Resync_Periodic", "1");
	g_assert_true(wait_for(fx, cond_hits, GUINT_TO_POINTER(hits + 1), 2500));
	g_assert_true(wait_for(fx, cond_not_resyncing, NULL, RESYNC_DEADLINE_MS));
	set_param(fx, "Provision_Enable", "no");
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, 0);
	hits = tr_test_http_hits(fx->http, NULL);
	run_for(fx, 1300);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, hits);
}

/* a failed boot resync is retried after Resync_Error_Retry_Delay */
static void
test_retry(Fixture *fx, gconstpointer user_data)
{
	g_autofree gchar *rule = tr_test_http_url(fx->http, "/r.xml");
	gint64 gap;

	tr_test_http_serve(fx->http, "/r.xml", 200, TLS_PROFILE);
	tr_test_http_fail_first(fx->http, "/r.xml", 1);
	set_param(fx, "Profile_Rule", rule);
	set_param(fx, "Resync_On_Reset", "yes");
	set_param(fx, "Resync_Random_Delay", "0");
	set_param(fx, "Resync_Periodic", "0");
	set_param(fx, "Resync_Error_Retry_Delay", "1");
	tr_provisioner_start(fx->provisioner);
	g_assert_true(wait_for(fx, cond_hits, GUINT_TO_POINTER(2), 4000));
	g_assert_true(wait_for(fx, cond_not_resyncing, NULL, RESYNC_DEADLINE_MS));
	gap = (tr_test_http_hit_time(fx->http, 1) - tr_test_http_hit_time(fx->http, 0)) / 1000;
	g_test_message("retried after %" G_GINT64_FORMAT " ms", gap);
	g_assert_cmpint(gap, >=, 900);
	g_assert_cmpint(gap, <, 2500);
	g_assert_nonnull(find_log(fx, "*Resync failed: Profile_Rule http*HTTP 500*"));
	assert_success(fx);
	g_assert_cmpstr(tr_store_get(fx->store, "SIP_Transport_1_"), ==, "TLS");
	/* periodic 0 after a success: nothing more is planned */
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, 0);
	run_for(fx, 1200);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 2);
}

/* the boot resync waits up to Resync_Random_Delay × 20 s */
static void
test_boot_schedule(Fixture *fx, gconstpointer user_data)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gint64 next;

	g_assert_cmpint(tr_store_get_int(fx->store, "Resync_Random_Delay"), ==, 2);
	tr_provisioner_start(fx->provisioner);
	next = tr_provisioner_get_next_resync_time(fx->provisioner);
	g_assert_cmpint(next, >=, now);
	g_assert_cmpint(next, <=, now + 41);

	set_param(fx, "Provision_Enable", "no");
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, 0);
	set_param(fx, "Provision_Enable", "yes");
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, next);

	/* without the boot resync, the periodic one (default 3600 s) */
	set_param(fx, "Resync_On_Reset", "no");
	next = tr_provisioner_get_next_resync_time(fx->provisioner);
	g_assert_cmpint(next, >=, now + 3599);
	g_assert_cmpint(next, <=, now + 3602);

	tr_provisioner_stop(fx->provisioner);
	g_assert_cmpint(tr_provisioner_get_next_resync_time(fx->provisioner), ==, 0);
	g_assert_cmpuint(tr_test_http_hits(fx->http, NULL), ==, 0);
}

int
main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	certs = tr_test_certs_new();

#define ADD(path, func)                                                                            \
	g_test_add("/provisioning/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
	ADD("http", test_http);
	ADD("https-custom-ca", test_https_custom_ca);
	ADD("https-system-trust", test_https_system_trust);
	ADD("redirect", test_redirect);
	ADD("not-found-fails", test_not_found_fails);
	ADD("not-found-skipped", test_not_found_skipped);
	ADD("bad-value", test_bad_value);
	ADD("too-large", test_too_large);
	ADD("server-down", test_server_down);
	ADD("rules-in-order", test_rules_in_order);
	ADD("rule-errors", test_rule_errors);
	ADD("no-secret-in-logs", test_no_secret_in_logs);
	ADD("join", test_join);
	ADD("tftp", test_tftp);
	ADD("tftp-client", test_tftp_client);
	ADD("periodic", test_periodic);
	ADD("retry", test_retry);
	ADD("boot-schedule", test_boot_schedule);
#undef ADD

	ret = g_test_run();
	tr_test_certs_free(certs);
	return ret;
}
