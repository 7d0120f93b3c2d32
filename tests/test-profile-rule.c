/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-profile-rule.h"

/*
 * Profile_Rule parsing and SPA macro expansion, table-driven.
 */

#define OK (-1)

typedef struct {
	const gchar *rule;
	gint error; /* OK, or the TrError code */
	const gchar *error_part;
	gboolean enabled;
	const gchar *scheme;
	const gchar *host;
	guint port;
	const gchar *path;
	const gchar *url;
} ParseCase;

static const ParseCase parse_cases[] = {
	/* disabled */
	{"", OK, NULL, FALSE},
	{"   \t ", OK, NULL, FALSE},
	{"#http://prov.example.com/spa.cfg", OK, NULL, FALSE},
	{"  # commented out", OK, NULL, FALSE},
	{"#", OK, NULL, FALSE},
	/* schemes, the default one, ports */
	{"http://prov.example.com/spa.cfg", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/spa.cfg", "http://prov.example.com/spa.cfg"},
	{"https://prov.example.com/spa.cfg", OK, NULL, TRUE, "https", "prov.example.com", 443,
	 "/spa.cfg", "https://prov.example.com/spa.cfg"},
	{"tftp://192.168.1.10/spa2102.cfg", OK, NULL, TRUE, "tftp", "192.168.1.10", 69,
	 "/spa2102.cfg", "tftp://192.168.1.10/spa2102.cfg"},
	{"192.168.1.10/spa2102.cfg", OK, NULL, TRUE, "tftp", "192.168.1.10", 69, "/spa2102.cfg",
	 "tftp://192.168.1.10/spa2102.cfg"},
	{"192.168.1.10:6969/spa.cfg", OK, NULL, TRUE, "tftp", "192.168.1.10", 6969, "/spa.cfg",
	 "tftp://192.168.1.10:6969/spa.cfg"},
	{"http://127.0.0.1:8080/prov/020e08aabbcc.xml", OK, NULL, TRUE, "http", "127.0.0.1", 8080,
	 "/prov/020e08aabbcc.xml", "http://127.0.0.1:8080/prov/020e08aabbcc.xml"},
	{"https://prov.example.com:443/a.cfg", OK, NULL, TRUE, "https", "prov.example.com", 443,
	 "/a.cfg", "https://prov.example.com/a.cfg"},
	{"http://prov.example.com:80/a.cfg", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/a.cfg", "http://prov.example.com/a.cfg"},
	{"HTTP://Prov.Example.com/A.cfg", OK, NULL, TRUE, "http", "Prov.Example.com", 80, "/A.cfg",
	 "http://Prov.Example.com/A.cfg"},
	{"  http://prov.example.com/spa.cfg  ", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/spa.cfg", "http://prov.example.com/spa.cfg"},
	{"http://prov.example.com", OK, NULL, TRUE, "http", "prov.example.com", 80, "/",
	 "http://prov.example.com/"},
	{"http://prov.example.com?mac=020e08aabbcc", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/?mac=020e08aabbcc", "http://prov.example.com/?mac=020e08aabbcc"},
	{"http://pbx/app/provision/?mac=020e08aabbcc&password=x", OK, NULL, TRUE, "http", "pbx", 80,
	 "/app/provision/?mac=020e08aabbcc&password=x",
	 "http://pbx/app/provision/?mac=020e08aabbcc&password=x"},
	{"http://[::1]:8080/spa.cfg", OK, NULL, TRUE, "http", "::1", 8080, "/spa.cfg",
	 "http://[::1]:8080/spa.cfg"},
	{"tftp://[fe80::1]/spa.cfg", OK, NULL, TRUE, "tftp", "fe80::1", 69, "/spa.cfg",
	 "tftp://[fe80::1]/spa.cfg"},
	{"http://prov.example.com/a file.cfg", TR_ERROR_INVALID_ARGUMENT, "white space"},
	{"http://prov.example.com/caf\xc3\xa9.cfg", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/caf\xc3\xa9.cfg", "http://prov.example.com/caf%C3%A9.cfg"},
	{"http://prov.example.com/a\"b.cfg", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/a\"b.cfg", "http://prov.example.com/a%22b.cfg"},
	{"[ ] http://prov.example.com/spa.cfg", OK, NULL, TRUE, "http", "prov.example.com", 80,
	 "/spa.cfg", "http://prov.example.com/spa.cfg"},
	/* refused: options, expressions, schemes */
	{"[--key abc123] http://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED, "--key"},
	{"[--key $A]http://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED, "--key"},
	{"[--post] http://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED, "--post"},
	{"[--key abc http://prov.example.com/spa.cfg", TR_ERROR_INVALID_ARGUMENT, "Unclosed"},
	{"[ ]", TR_ERROR_INVALID_ARGUMENT, "no URL"},
	{"( User_ID_1_ = \"uid\" ; )!http://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED,
	 "Assignment"},
	{"[--key x] ( d = \"$MA\" ; )!", TR_ERROR_NOT_SUPPORTED, "--key"},
	{"ftp://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED, "'ftp'"},
	{"file:///etc/passwd", TR_ERROR_NOT_SUPPORTED, "'file'"},
	{"://prov.example.com/spa.cfg", TR_ERROR_NOT_SUPPORTED, "scheme"},
	/* no server */
	{"/spa2102.cfg", TR_ERROR_INVALID_ARGUMENT, "DHCP option 66"},
	{"tftp:///spa2102.cfg", TR_ERROR_INVALID_ARGUMENT, "names no server"},
	{"http://:8080/spa.cfg", TR_ERROR_INVALID_ARGUMENT, "names no server"},
	/* malformed servers, ports and paths */
	{"http://prov.example.com:0/a", TR_ERROR_INVALID_ARGUMENT, "port '0'"},
	{"http://prov.example.com:65536/a", TR_ERROR_INVALID_ARGUMENT, "port '65536'"},
	{"http://prov.example.com:http/a", TR_ERROR_INVALID_ARGUMENT, "port 'http'"},
	{"http://prov.example.com:/a", TR_ERROR_INVALID_ARGUMENT, "port ''"},
	{"http://user:pw@prov.example.com/a", TR_ERROR_INVALID_ARGUMENT, "Invalid server"},
	{"http://::1/a", TR_ERROR_INVALID_ARGUMENT, "brackets"},
	{"http://[::1/a", TR_ERROR_INVALID_ARGUMENT, "Unclosed"},
	{"http://[prov]/a", TR_ERROR_INVALID_ARGUMENT, "IPv6"},
	{"http://[::1]x/a", TR_ERROR_INVALID_ARGUMENT, "Unexpected text"},
	{"http://prov.example.com/100%", TR_ERROR_INVALID_ARGUMENT, "Invalid path"},
	{"tftp://192.168.1.10", TR_ERROR_INVALID_ARGUMENT, "no file"},
	{"tftp://192.168.1.10/", TR_ERROR_INVALID_ARGUMENT, "no file"},
	{"http://prov.example.com/a\tb", TR_ERROR_INVALID_ARGUMENT, "white space"},
};

static void
test_parse(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		const ParseCase *c = &parse_cases[i];
		g_auto(TrProfileRule) rule = {0};
		g_autoptr(GError) error = NULL;
		gboolean ok;

		g_autofree gchar *shown = g_strescape(c->rule, NULL);

		g_test_message("case %u: %s", i, shown);
		ok = tr_profile_rule_parse(c->rule, &rule, &error);
		if (c->error != OK) {
			g_assert_false(ok);
			g_assert_error(error, TR_ERROR, c->error);
			g_test_message("  -> %s", error->message);
			g_assert_nonnull(strstr(error->message, c->error_part));
			g_assert_false(rule.enabled);
			g_assert_null(rule.url);
			continue;
		}
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpint(rule.enabled, ==, c->enabled);
		g_assert_cmpstr(rule.scheme, ==, c->scheme);
		g_assert_cmpstr(rule.host, ==, c->host);
		g_assert_cmpuint(rule.port, ==, c->port);
		g_assert_cmpstr(rule.path, ==, c->path);
		g_assert_cmpstr(rule.url, ==, c->url);
		g_assert_cmpint(tr_profile_rule_is_disabled(c->rule), ==, !c->enabled);
	}
}

/* a second parse into the same struct leaves nothing of the first */
static void
test_parse_reuse(void)
{
	g_auto(TrProfileRule) rule = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(tr_profile_rule_parse("https://a.example/x.cfg", &rule, &error));
	tr_profile_rule_clear(&rule);
	g_assert_false(tr_profile_rule_parse("gopher://a/x", &rule, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED);
	g_assert_null(rule.scheme);
	g_clear_error(&error);
	g_assert_true(tr_profile_rule_parse("#", &rule, &error));
	g_assert_false(rule.enabled);
	g_assert_true(tr_profile_rule_is_disabled(NULL));
}

static const TrProfileMacros test_macros = {
	.mac = "02:0E:08:AA:BB:CC",
	.serial = "TR12345678AB",
	.product = "SPA2102",
	.sw_version = "0.1.0",
	.hw_version = "1.0.0",
	.gpp = {"alpha", "b$MA", NULL, "dept", [4] = "extra", [15] = "pp"},
};

typedef struct {
	const gchar *text;
	const gchar *expected; /* NULL: an error */
	const gchar *error_part;
} ExpandCase;

static const ExpandCase expand_cases[] = {
	{"", ""},
	{"no macros at all", "no macros at all"},
	{"/spa$MA.cfg", "/spa020e08aabbcc.cfg"},
	{"/spa$(MA).cfg", "/spa020e08aabbcc.cfg"},
	{"$MAU", "020E08AABBCC"},
	{"$(MAU)x", "020E08AABBCCx"},
	{"$MAC", "02:0e:08:aa:bb:cc"},
	{"$SN", "TR12345678AB"},
	{"$PN-$PSN", "SPA2102-2102"},
	{"/spa$PSN.cfg", "/spa2102.cfg"},
	{"$SWVER/$HWVER", "0.1.0/1.0.0"},
	{"http://prov/$D/$E.cfg", "http://prov/dept/extra.cfg"},
	{"$A$a", "alphaalpha"},
	{"$(A)$(p)", "alphapp"},
	{"$P", "pp"},
	{"[$C]", "[]"},
	{"$B", "b$MA"}, /* values are not expanded again */
	{"price $$5", "price $5"},
	{"$$$MA", "$020e08aabbcc"},
	{"$$MA", "$MA"},
	{"$MA_x", "020e08aabbcc_x"},
	{"$MA1.cfg", "020e08aabbcc1.cfg"},
	{"$(MA)bc", "020e08aabbccbc"},
	{"$MAbc", NULL, "Unknown macro $MAbc at position 1"},
	{"/x/$FOO.cfg", NULL, "Unknown macro $FOO at position 4"},
	{"$(FOO)", NULL, "$FOO at position 1"},
	{"$Q", NULL, "Unknown macro $Q"},
	{"$IP", NULL, "Unknown macro $IP"},
	{"caf\xc3\xa9 $X", NULL, "position 6"},
	{"end $", NULL, "position 5"},
	{"$/x", NULL, "write $$"},
	{"$(MA", NULL, "Malformed macro at position 1"},
	{"$()", NULL, "Malformed"},
	{"$(M A)", NULL, "Malformed"},
	{"\xff$MA", NULL, "UTF-8"},
};

static void
test_expand(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(expand_cases); i++) {
		const ExpandCase *c = &expand_cases[i];
		g_autoptr(GError) error = NULL;
		g_autofree gchar *out = NULL;

		g_autofree gchar *shown = g_strescape(c->text, NULL);

		g_test_message("case %u: %s", i, shown);
		out = tr_profile_rule_expand(c->text, tr_profile_macros_lookup,
					     (gpointer)&test_macros, &error);
		if (c->expected == NULL) {
			g_assert_null(out);
			g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
			g_test_message("  -> %s", error->message);
			g_assert_nonnull(strstr(error->message, c->error_part));
			continue;
		}
		g_assert_no_error(error);
		g_assert_cmpstr(out, ==, c->expected);
	}
}

typedef struct {
	const gchar *name;
	const gchar *product;
	const gchar *mac;
	const gchar *expected;
} LookupCase;

static const LookupCase lookup_cases[] = {
	{"PSN", "SPA2102", NULL, "2102"},
	{"PSN", "SPA942", NULL, "942"},
	{"PSN", "WRP400", NULL, "400"},
	{"PSN", "TEST", NULL, "TEST"},
	{"MA", NULL, "02-0E-08-01-02-03", "020e08010203"},
	{"MAC", NULL, "020E08010203", "02:0e:08:01:02:03"},
	{"MAU", NULL, "02:0e:08:0a:0b:0c", "020E080A0B0C"},
	{"ma", NULL, "02:0e:08:0a:0b:0c", NULL}, /* names are case-sensitive */
	{"SN", NULL, NULL, ""},
	{"q", NULL, NULL, NULL},
	{"AB", NULL, NULL, NULL},
};

static void
test_lookup(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(lookup_cases); i++) {
		const LookupCase *c = &lookup_cases[i];
		TrProfileMacros macros = {.mac = c->mac, .product = c->product};
		g_autofree gchar *value = tr_profile_macros_lookup(c->name, &macros);

		g_test_message("case %u: %s", i, c->name);
		g_assert_cmpstr(value, ==, c->expected);
	}
}

/* the provisioner's order: expand, then parse */
static void
test_expand_then_parse(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *expanded = NULL;
	g_auto(TrProfileRule) rule = {0};

	expanded = tr_profile_rule_expand("http://$D.example:8080/prov/$(PN)/spa$MA.xml",
					  tr_profile_macros_lookup, (gpointer)&test_macros, &error);
	g_assert_no_error(error);
	g_assert_true(tr_profile_rule_parse(expanded, &rule, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(rule.host, ==, "dept.example");
	g_assert_cmpuint(rule.port, ==, 8080);
	g_assert_cmpstr(rule.url, ==, "http://dept.example:8080/prov/SPA2102/spa020e08aabbcc.xml");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/profile-rule/parse", test_parse);
	g_test_add_func("/profile-rule/parse-reuse", test_parse_reuse);
	g_test_add_func("/profile-rule/expand", test_expand);
	g_test_add_func("/profile-rule/lookup", test_lookup);
	g_test_add_func("/profile-rule/expand-then-parse", test_expand_then_parse);
	return g_test_run();
}
