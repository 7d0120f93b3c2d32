/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>

#include "tr-web-netinfo.h"
#include "tr-web-session.h"
#include "tr-web-template.h"

/*
 * The web front-end's parts without a server (webui/tr-web-session.c,
 * webui/tr-web-template.c, webui/tr-web-netinfo.c): sessions, tokens, the
 * login limiter, the template and the escaping, the parsers of the Info
 * tab's network rows. Times are seconds the test chooses.
 */

/* the limiter remembers at most this many addresses (LIMITER_MAX) */
#define LIMITER_TABLE 4096

static gboolean
is_token(const gchar *token)
{
	if (token == NULL || strlen(token) != 64)
		return FALSE;
	for (const gchar *p = token; *p != '\0'; p++) {
		if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
			return FALSE;
	}
	return TRUE;
}

/* --- tokens --- */

static void
test_token_format(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < 200; i++) {
		gchar *token = tr_web_random_token();
		if (!is_token(token))
			g_printerr("not 64 lower-case hex digits: '%s'\n", token);
		g_assert_true(is_token(token));
		g_assert_false(g_hash_table_contains(seen, token));
		g_hash_table_add(seen, token);
	}
}

static void
test_token_equal(void)
{
	g_autofree gchar *a = tr_web_random_token();
	g_autofree gchar *b = tr_web_random_token();
	g_autofree gchar *a_copy = g_strdup(a);
	g_autofree gchar *a_last = g_strdup(a);
	g_autofree gchar *a_first = g_strdup(a);
	g_autofree gchar *a_short = g_strndup(a, 63);
	g_autofree gchar *a_long = g_strconcat(a, "0", NULL);

	a_last[63] = a_last[63] == '0' ? '1' : '0';
	a_first[0] = a_first[0] == '0' ? '1' : '0';

	g_assert_true(tr_web_token_equal(a, a_copy));
	g_assert_true(tr_web_token_equal("x", "x"));
	g_assert_false(tr_web_token_equal(a, b));
	g_assert_false(tr_web_token_equal(a, a_last));
	g_assert_false(tr_web_token_equal(a, a_first));
	/* a prefix is not the token, whichever side it is on */
	g_assert_false(tr_web_token_equal(a, a_short));
	g_assert_false(tr_web_token_equal(a_short, a));
	g_assert_false(tr_web_token_equal(a, a_long));
	g_assert_false(tr_web_token_equal(a_long, a));
	g_assert_false(tr_web_token_equal("abc", "abcd"));
	/* missing and empty tokens never match, not even each other */
	g_assert_false(tr_web_token_equal(NULL, a));
	g_assert_false(tr_web_token_equal(a, NULL));
	g_assert_false(tr_web_token_equal(NULL, NULL));
	g_assert_false(tr_web_token_equal("", ""));
	g_assert_false(tr_web_token_equal("", a));
	g_assert_false(tr_web_token_equal(a, ""));
}

/* --- sessions --- */

static void
test_sessions_create_lookup(void)
{
	g_autoptr(TrWebSessions) sessions = tr_web_sessions_new(8, 100);
	TrWebSession *admin = tr_web_sessions_create(sessions, TR_WEB_LEVEL_ADMIN, 10);
	TrWebSession *user = tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 11);
	g_autofree gchar *admin_id = g_strdup(admin->id);
	g_autofree gchar *user_id = g_strdup(user->id);

	g_assert_true(is_token(admin->id));
	g_assert_true(is_token(admin->csrf));
	g_assert_true(is_token(user->id));
	g_assert_true(is_token(user->csrf));
	/* the cookie and the form token are separate secrets */
	g_assert_cmpstr(admin->id, !=, admin->csrf);
	g_assert_cmpstr(admin->id, !=, user->id);
	g_assert_cmpstr(admin->csrf, !=, user->csrf);
	g_assert_cmpint(admin->level, ==, TR_WEB_LEVEL_ADMIN);
	g_assert_cmpint(admin->created, ==, 10);
	g_assert_cmpint(admin->last_used, ==, 10);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 2);

	g_assert_true(tr_web_sessions_lookup(sessions, admin_id, 20) == admin);
	g_assert_cmpint(admin->last_used, ==, 20);
	g_assert_cmpint(admin->created, ==, 10);
	g_assert_true(tr_web_sessions_lookup(sessions, user_id, 20) == user);

	/* unknown, missing and near-miss ids */
	g_assert_null(tr_web_sessions_lookup(sessions, NULL, 20));
	g_assert_null(tr_web_sessions_lookup(sessions, "", 20));
	g_assert_null(tr_web_sessions_lookup(sessions, admin->csrf, 20));
	{
		g_autofree gchar *prefix = g_strndup(admin_id, 32);
		g_assert_null(tr_web_sessions_lookup(sessions, prefix, 20));
	}
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 2);

	tr_web_sessions_remove(sessions, admin_id);
	tr_web_sessions_remove(sessions, NULL);
	tr_web_sessions_remove(sessions, "no such session");
	g_assert_null(tr_web_sessions_lookup(sessions, admin_id, 21));
	g_assert_true(tr_web_sessions_lookup(sessions, user_id, 21) == user);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 1);
}

static void
test_sessions_idle_timeout(void)
{
	g_autoptr(TrWebSessions) sessions = tr_web_sessions_new(8, 100);
	g_autofree gchar *a = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 0)->id);
	g_autofree gchar *b = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 0)->id);
	g_autofree gchar *c = NULL;
	g_autofree gchar *d = NULL;

	/* idle for exactly the timeout is still alive; each use restarts the clock */
	g_assert_nonnull(tr_web_sessions_lookup(sessions, a, 100));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, a, 200));
	/* b was idle for longer: gone, and removed from the table */
	g_assert_null(tr_web_sessions_lookup(sessions, b, 101));
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 1);
	g_assert_null(tr_web_sessions_lookup(sessions, b, 0));

	/* creating a session sweeps the expired ones */
	c = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 250)->id);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 2);
	d = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 301)->id);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 2);
	g_assert_null(tr_web_sessions_lookup(sessions, a, 301));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, c, 301));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, d, 301));
}

static void
test_sessions_eviction(void)
{
	g_autoptr(TrWebSessions) sessions = tr_web_sessions_new(3, 1000);
	g_autofree gchar *admin =
		g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_ADMIN, 1)->id);
	g_autofree gchar *user =
		g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 2)->id);
	g_autofree gchar *anon =
		g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_NONE, 3)->id);
	g_autofree gchar *anon2 = NULL;
	g_autofree gchar *admin2 = NULL;
	g_autofree gchar *user2 = NULL;

	/* full: the anonymous session goes first, though it is the newest */
	anon2 = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_NONE, 4)->id);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 3);
	g_assert_null(tr_web_sessions_lookup(sessions, anon, 4));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, admin, 4));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, user, 4));

	/* a flood of anonymous visitors only pushes each other out */
	for (guint i = 0; i < 20; i++) {
		g_free(anon2);
		anon2 = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_NONE, 5 + i)->id);
	}
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 3);
	g_assert_nonnull(tr_web_sessions_lookup(sessions, admin, 30));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, user, 31));

	/* the next logged-in session pushes out the last anonymous one */
	admin2 = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_ADMIN, 32)->id);
	g_assert_null(tr_web_sessions_lookup(sessions, anon2, 32));
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 3);

	/* none anonymous left: the least recently used goes, by its last use
	 * (user at 31; the admin was used again at 33, admin2 made at 32) */
	g_assert_nonnull(tr_web_sessions_lookup(sessions, admin, 33));
	user2 = g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 34)->id);
	g_assert_null(tr_web_sessions_lookup(sessions, user, 35));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, admin, 35));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, admin2, 35));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, user2, 35));

	/* all used at 35: one of them goes, never the new one */
	{
		TrWebSession *user3 = tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 36);
		g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 3);
		g_assert_true(tr_web_sessions_lookup(sessions, user3->id, 36) == user3);
	}

	/* a table of one still works */
	{
		g_autoptr(TrWebSessions) one = tr_web_sessions_new(0, 1000);
		g_autofree gchar *first =
			g_strdup(tr_web_sessions_create(one, TR_WEB_LEVEL_ADMIN, 1)->id);
		TrWebSession *second = tr_web_sessions_create(one, TR_WEB_LEVEL_USER, 2);
		g_assert_cmpuint(tr_web_sessions_count(one), ==, 1);
		g_assert_null(tr_web_sessions_lookup(one, first, 2));
		g_assert_true(tr_web_sessions_lookup(one, second->id, 2) == second);
	}
}

static void
test_sessions_drop_level(void)
{
	g_autoptr(TrWebSessions) sessions = tr_web_sessions_new(16, 1000);
	g_autoptr(GPtrArray) admins = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *user =
		g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_USER, 1)->id);
	g_autofree gchar *anon =
		g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_NONE, 1)->id);

	for (guint i = 0; i < 3; i++)
		g_ptr_array_add(
			admins,
			g_strdup(tr_web_sessions_create(sessions, TR_WEB_LEVEL_ADMIN, 1)->id));
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 5);

	g_assert_cmpuint(tr_web_sessions_drop_level(sessions, TR_WEB_LEVEL_ADMIN), ==, 3);
	g_assert_cmpuint(tr_web_sessions_count(sessions), ==, 2);
	for (guint i = 0; i < admins->len; i++)
		g_assert_null(tr_web_sessions_lookup(sessions, g_ptr_array_index(admins, i), 2));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, user, 2));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, anon, 2));
	g_assert_cmpuint(tr_web_sessions_drop_level(sessions, TR_WEB_LEVEL_ADMIN), ==, 0);
	g_assert_cmpuint(tr_web_sessions_drop_level(sessions, TR_WEB_LEVEL_USER), ==, 1);
	g_assert_null(tr_web_sessions_lookup(sessions, user, 2));
	g_assert_nonnull(tr_web_sessions_lookup(sessions, anon, 2));
}

/* --- the login limiter --- */

static void
test_limiter_free_tries(void)
{
	g_autoptr(TrWebLimiter) limiter = tr_web_limiter_new(3, 300);

	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 0);
	/* three tries cost nothing: the third failure makes the fourth try wait */
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.1", 0), ==, 1);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.1", 0), ==, 2);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.1", 0), ==, 3);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 1);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 1), ==, 0);
	/* another address is not held up */
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.2", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "::1", 0), ==, 0);
}

static void
test_limiter_doubling_and_cap(void)
{
	g_autoptr(TrWebLimiter) limiter = tr_web_limiter_new(3, 300);
	const gchar *who = "2001:db8::1";
	gint64 now = 1000;
	guint expected = 1;

	for (guint i = 0; i < 3; i++)
		tr_web_limiter_fail(limiter, who, now);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now), ==, 1);
	/* each further failure, once its wait is over, doubles the next wait */
	for (guint failures = 4; failures <= 12; failures++) {
		now += tr_web_limiter_wait(limiter, who, now);
		g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now), ==, 0);
		g_assert_cmpuint(tr_web_limiter_fail(limiter, who, now), ==, failures);
		expected = MIN(expected * 2, 300);
		g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now), ==, expected);
		/* the wait counts down */
		g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now + 1), ==, expected - 1);
	}
	/* 256, then the cap */
	g_assert_cmpuint(expected, ==, 300);
	/* many more failures: still the cap, no overflow of the doubling */
	for (guint i = 0; i < 100; i++)
		tr_web_limiter_fail(limiter, who, now);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now), ==, 300);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, who, now + 300), ==, 0);
}

static void
test_limiter_succeed(void)
{
	g_autoptr(TrWebLimiter) limiter = tr_web_limiter_new(3, 300);

	for (guint i = 0; i < 5; i++)
		tr_web_limiter_fail(limiter, "192.0.2.1", 0);
	tr_web_limiter_fail(limiter, "192.0.2.2", 0);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), >, 0);

	/* a success forgets that address's failures, and only that address's */
	tr_web_limiter_succeed(limiter, "192.0.2.1");
	tr_web_limiter_succeed(limiter, "192.0.2.9");
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.1", 0), ==, 1);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "192.0.2.1", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.2", 0), ==, 2);
}

static void
test_limiter_no_free_tries(void)
{
	g_autoptr(TrWebLimiter) limiter = tr_web_limiter_new(0, 0);

	/* no free try: every failure costs; a cap of 0 is taken as 1 s */
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "a", 0), ==, 1);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "a", 0), ==, 1);
	tr_web_limiter_fail(limiter, "a", 1);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "a", 1), ==, 1);
}

static void
test_limiter_table_bound(void)
{
	/* one free try: an address that failed is locked */
	g_autoptr(TrWebLimiter) limiter = tr_web_limiter_new(1, 1000000);

	/* the first address failed first; then the table fills up */
	for (guint i = 0; i < LIMITER_TABLE; i++) {
		g_autofree gchar *who =
			g_strdup_printf("10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		tr_web_limiter_fail(limiter, who, i);
		tr_web_limiter_fail(limiter, who, i);
	}
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.0", 0), >, 0);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.1", 0), >, 0);

	/* one more address: the stalest (10.0.0.0) is forgotten to make room */
	tr_web_limiter_fail(limiter, "192.0.2.1", LIMITER_TABLE);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.0", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.1", 0), >, 0);
	g_assert_cmpuint(tr_web_limiter_fail(limiter, "192.0.2.1", LIMITER_TABLE), ==, 2);

	/* the addresses known already fail on without pushing anybody out */
	tr_web_limiter_fail(limiter, "10.0.0.2", LIMITER_TABLE);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.1", 0), >, 0);
	/* the next new one pushes out the next stalest */
	tr_web_limiter_fail(limiter, "192.0.2.2", LIMITER_TABLE);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.1", 0), ==, 0);
	g_assert_cmpuint(tr_web_limiter_wait(limiter, "10.0.0.2", 0), >, 0);
}

/* --- the template and the escaping --- */

static gchar *render(const gchar *tmpl, ...) G_GNUC_NULL_TERMINATED;

/* TMPL with NAME, VALUE, ..., NULL */
static gchar *
render(const gchar *tmpl, ...)
{
	g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
	const gchar *name;
	va_list ap;

	va_start(ap, tmpl);
	while ((name = va_arg(ap, const gchar *)) != NULL)
		g_hash_table_insert(vars, (gpointer)name, va_arg(ap, gpointer));
	va_end(ap);
	return tr_web_template_render(tmpl, vars);
}

static void
assert_render(const gchar *expected, gchar *rendered)
{
	g_assert_cmpstr(rendered, ==, expected);
	g_free(rendered);
}

static void
test_template_escaped(void)
{
	const gchar *evil = "<script>alert(\"x\" + 'y')</script> & more";
	const gchar *escaped = "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; "
			       "&amp; more";
	g_autofree gchar *expected = g_strdup_printf("<p title=\"%s\">%s</p>", escaped, escaped);

	assert_render(expected, render("<p title=\"{{v}}\">{{v}}</p>", "v", evil, NULL));
	/* blanks around the name do not count */
	assert_render("[a&amp;b]", render("[{{ v }}]", "v", "a&b", NULL));
	/* an entity in the value is escaped again, not passed through */
	assert_render("&amp;lt;", render("{{v}}", "v", "&lt;", NULL));
	/* UTF-8 passes */
	assert_render("Gespräch — ok", render("{{v}}", "v", "Gespräch — ok", NULL));
}

static void
test_template_raw(void)
{
	assert_render("<b>x</b>&", render("{{{v}}}", "v", "<b>x</b>&", NULL));
	assert_render("<i>1</i> &lt;i&gt;1&lt;/i&gt;",
		      render("{{{v}}} {{v}}", "v", "<i>1</i>", NULL));
	assert_render("<a>", render("{{{ v }}}", "v", "<a>", NULL));
}

static void
test_template_missing(void)
{
	assert_render("[][]", render("[{{nothing}}][{{{nothing}}}]", "v", "x", NULL));
	assert_render("[]", render("[{{}}]", NULL));
	assert_render("", render("", "v", "x", NULL));
	assert_render("no markers at all", render("no markers at all", NULL));
}

static void
test_template_unterminated(void)
{
	/* an unterminated marker and everything after it stay as they are */
	assert_render("a x {{v", render("a {{v}} {{v", "v", "x", NULL));
	assert_render("a {{v}", render("a {{v}", "v", "x", NULL));
	assert_render("a {{{v}}", render("a {{{v}}", "v", "x", NULL));
	assert_render("{{", render("{{", NULL));
	assert_render("{{{", render("{{{", NULL));
	/* lone closers are text */
	assert_render("}} x }}}", render("}} {{v}} }}}", "v", "x", NULL));
}

static void
test_template_not_recursive(void)
{
	/* a value is never read as a template, whatever it holds */
	assert_render("{{w}} {{{w}}}",
		      render("{{v}} {{{u}}}", "v", "{{w}}", "u", "{{{w}}}", "w", "<secret>", NULL));
	/* a marker in a value does not end the marker around it */
	assert_render("x", render("{{v}}", "v", "x", "v}}", "y", NULL));
}

static void
test_escape_html(void)
{
	g_autoptr(GString) out = g_string_new("keep:");

	tr_web_append_escaped(out, "&<>\"'");
	tr_web_append_escaped(out, NULL);
	tr_web_append_escaped(out, "");
	tr_web_append_escaped(out, "plain text, 100% ok; ä");
	g_assert_cmpstr(out->str, ==, "keep:&amp;&lt;&gt;&quot;&#39;plain text, 100% ok; ä");
}

static void
test_escape_breakable(void)
{
	g_autoptr(GString) out = g_string_new(NULL);

	tr_web_append_escaped_breakable(out, "TLS_AES_256_GCM_SHA384");
	g_assert_cmpstr(out->str, ==, "TLS_<wbr>AES_<wbr>256_<wbr>GCM_<wbr>SHA384");
	g_string_truncate(out, 0);
	/* still escaped, the markup only where it belongs */
	tr_web_append_escaped_breakable(out, "<a_b>&_");
	g_assert_cmpstr(out->str, ==, "&lt;a_<wbr>b&gt;&amp;_<wbr>");
	g_string_truncate(out, 0);
	tr_web_append_escaped_breakable(out, NULL);
	tr_web_append_escaped_breakable(out, "plain");
	g_assert_cmpstr(out->str, ==, "plain");
}

static gchar *
json(const gchar *text)
{
	GString *out = g_string_new(NULL);

	tr_web_append_json_string(out, text);
	return g_string_free(out, FALSE);
}

static void
assert_json(const gchar *text, const gchar *expected)
{
	g_autofree gchar *got = json(text);
	g_assert_cmpstr(got, ==, expected);
}

static void
test_escape_json(void)
{
	assert_json("", "\"\"");
	assert_json(NULL, "\"\"");
	assert_json("plain", "\"plain\"");
	assert_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_json("line\nnext\ttab\r\x01\x1f",
		    "\"line\\u000anext\\u0009tab\\u000d\\u0001\\u001f\"");
	/* markup is inert wherever the text lands (a <script>, an attribute) */
	assert_json("</script><!--&", "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
	assert_json("'single'", "\"'single'\"");
	/* UTF-8 and DEL pass as they are */
	assert_json("Gespräch \x7f", "\"Gespräch \x7f\"");
	/* appended, not replacing */
	{
		g_autoptr(GString) out = g_string_new("{");
		tr_web_append_json_string(out, "k");
		g_string_append_c(out, ':');
		tr_web_append_json_string(out, "v");
		g_string_append_c(out, '}');
		g_assert_cmpstr(out->str, ==, "{\"k\":\"v\"}");
	}
}

/* --- the Info tab's network rows --- */

/* a /proc/net/route address field for ADDRESS, as this machine's kernel writes it */
static gchar *
route_hex(const gchar *address)
{
	struct in_addr in;

	g_assert_cmpint(inet_pton(AF_INET, address, &in), ==, 1);
	return g_strdup_printf("%08X", (guint)in.s_addr);
}

static void
test_parse_route(void)
{
	g_autofree gchar *gw1 = route_hex("192.0.2.1");
	g_autofree gchar *gw2 = route_hex("198.51.100.254");
	g_autofree gchar *net = route_hex("192.0.2.0");
	g_autofree gchar *mask = route_hex("255.255.255.0");
	/* the header, a network route, two default routes (the lower metric
	 * wins), one that is down, one unreachable; tabs and trailing blanks
	 * as the kernel writes them */
	g_autofree gchar *text = g_strdup_printf(
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
		"Window\tIRTT       \n"
		"eth0\t%s\t00000000\t0001\t0\t0\t0\t%s\t0\t0\t0      \n"
		"wlan0\t00000000\t%s\t0003\t0\t0\t600\t00000000\t0\t0\t0  \n"
		"eth0\t00000000\t%s\t0003\t0\t0\t100\t00000000\t0\t0\t0  \n"
		"eth1\t00000000\t%s\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
		"lo\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n",
		net, mask, gw2, gw1, gw2);
	g_auto(TrWebRoute) route = {0};
	g_auto(TrWebRoute) none = {0};
	g_auto(TrWebRoute) direct = {0};

	g_assert_true(tr_web_parse_route(text, &route));
	g_assert_cmpstr(route.interface, ==, "eth0");
	g_assert_cmpstr(route.gateway, ==, "192.0.2.1");
	g_assert_cmpuint(route.metric, ==, 100);

	/* no default route; nothing at all; garbage */
	g_assert_false(tr_web_parse_route("Iface\tDestination\tGateway\n", &none));
	g_assert_null(none.interface);
	g_assert_false(tr_web_parse_route("", &none));
	g_assert_false(tr_web_parse_route("eth0 zz 00000000 0003 0 0 0 00000000\n", &none));
	/* a point-to-point default route has no gateway */
	g_assert_true(tr_web_parse_route("ppp0\t00000000\t00000000\t0001\t0\t0\t0\t"
					 "00000000\t0\t0\t0\n",
					 &direct));
	g_assert_cmpstr(direct.interface, ==, "ppp0");
	g_assert_null(direct.gateway);
}

static void
test_parse_ipv6_route(void)
{
	/* as a Linux machine writes it: a prefix, the default route through
	 * fd00::1, the unreachable default on lo */
	const gchar *text =
		"fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
		"00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
		"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
		"fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n"
		"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
		"00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
	g_auto(TrWebRoute) route = {0};
	g_auto(TrWebRoute) none = {0};

	g_assert_true(tr_web_parse_ipv6_route(text, &route));
	g_assert_cmpstr(route.interface, ==, "eth0");
	g_assert_cmpstr(route.gateway, ==, "fd00::1");
	g_assert_cmpuint(route.metric, ==, 0x400);
	g_assert_false(
		tr_web_parse_ipv6_route("00000000000000000000000000000000 00 short\n", &none));
	g_assert_null(none.interface);
}

static void
test_parse_resolv_conf(void)
{
	g_autofree gchar *domain = NULL;
	g_autofree gchar *no_domain = NULL;
	g_auto(GStrv) servers =
		tr_web_parse_resolv_conf("# Generated by NetworkManager\n"
					 "domain old.example\n"
					 "search lan.example corp.example\n"
					 "nameserver 192.0.2.53\n"
					 "; a comment\n"
					 "nameserver\t2001:db8::53   # the IPv6 one\n"
					 "nameserver fe80::1%eth0\n"
					 "nameserver not-an-address\n"
					 "nameserver\n"
					 "options edns0 trust-ad\n",
					 &domain);
	g_auto(GStrv) empty = tr_web_parse_resolv_conf("", &no_domain);

	g_assert_cmpuint(g_strv_length(servers), ==, 3);
	g_assert_cmpstr(servers[0], ==, "192.0.2.53");
	g_assert_cmpstr(servers[1], ==, "2001:db8::53");
	g_assert_cmpstr(servers[2], ==, "fe80::1%eth0");
	/* the last of domain and search wins, its first name */
	g_assert_cmpstr(domain, ==, "lan.example");
	g_assert_cmpuint(g_strv_length(empty), ==, 0);
	g_assert_null(no_domain);
}

static void
test_prefix_length(void)
{
	const guint8 v4[] = {255, 255, 255, 0};
	const guint8 v4_odd[] = {255, 255, 240, 0};
	const guint8 v6[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const guint8 all[4] = {255, 255, 255, 255};
	const guint8 none[4] = {0};

	g_assert_cmpuint(tr_web_prefix_length(v4, 4), ==, 24);
	g_assert_cmpuint(tr_web_prefix_length(v4_odd, 4), ==, 20);
	g_assert_cmpuint(tr_web_prefix_length(v6, 16), ==, 64);
	g_assert_cmpuint(tr_web_prefix_length(all, 4), ==, 32);
	g_assert_cmpuint(tr_web_prefix_length(none, 4), ==, 0);
}

/* this machine's: whatever it has, read without failing, each IPv4 address with its mask */
static void
test_net_info_collect(void)
{
	g_autoptr(TrWebNetInfo) info = tr_web_net_info_collect();

	g_assert_nonnull(info->host_name);
	g_assert_cmpstr(info->host_name, !=, "");
	g_assert_cmpuint(info->ipv4->len, ==, info->netmasks->len);
	g_assert_nonnull(info->dns);
	if (info->interface == NULL)
		g_assert_cmpuint(info->ipv4->len + info->ipv6->len + info->gateways->len, ==, 0);
	g_test_message(
		"%s: %s, %u IPv4, %u IPv6 addresses, %u gateways, %u name servers", info->host_name,
		info->interface != NULL ? info->interface : "no default route", info->ipv4->len,
		info->ipv6->len, info->gateways->len, g_strv_length(info->dns));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/webui/token/format", test_token_format);
	g_test_add_func("/webui/token/equal", test_token_equal);
	g_test_add_func("/webui/sessions/create-lookup", test_sessions_create_lookup);
	g_test_add_func("/webui/sessions/idle-timeout", test_sessions_idle_timeout);
	g_test_add_func("/webui/sessions/eviction", test_sessions_eviction);
	g_test_add_func("/webui/sessions/drop-level", test_sessions_drop_level);
	g_test_add_func("/webui/limiter/free-tries", test_limiter_free_tries);
	g_test_add_func("/webui/limiter/doubling-and-cap", test_limiter_doubling_and_cap);
	g_test_add_func("/webui/limiter/succeed", test_limiter_succeed);
	g_test_add_func("/webui/limiter/no-free-tries", test_limiter_no_free_tries);
	g_test_add_func("/webui/limiter/table-bound", test_limiter_table_bound);
	g_test_add_func("/webui/template/escaped", test_template_escaped);
	g_test_add_func("/webui/template/raw", test_template_raw);
	g_test_add_func("/webui/template/missing", test_template_missing);
	g_test_add_func("/webui/template/unterminated", test_template_unterminated);
	g_test_add_func("/webui/template/not-recursive", test_template_not_recursive);
	g_test_add_func("/webui/escape/html", test_escape_html);
	g_test_add_func("/webui/escape/json", test_escape_json);
	g_test_add_func("/webui/escape/breakable", test_escape_breakable);
	g_test_add_func("/webui/netinfo/route", test_parse_route);
	g_test_add_func("/webui/netinfo/ipv6-route", test_parse_ipv6_route);
	g_test_add_func("/webui/netinfo/resolv-conf", test_parse_resolv_conf);
	g_test_add_func("/webui/netinfo/prefix-length", test_prefix_length);
	g_test_add_func("/webui/netinfo/collect", test_net_info_collect);
	return g_test_run();
}
