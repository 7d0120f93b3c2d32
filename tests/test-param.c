/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-param.h"

/* the parameters the validation cases run against, made by hand */
typedef enum {
	P_BOOL,
	P_INT,
	P_INT_NEGATIVE,
	P_INT_HEX,
	P_INT_WIDE,
	P_FLOAT,
	P_FLOAT_NEGATIVE,
	P_FLOAT_WIDE,
	P_ENUM,
	P_ENUM_SPACES,
	P_HOST,
	P_IP,
	P_URI,
	P_TONE,
	P_STRING,
	P_PASSWORD,
} ParamKind;

static TrParam *
make_param(ParamKind kind)
{
	TrParam *param = tr_param_new();

	switch (kind) {
	case P_BOOL:
		param->name = g_strdup("Line_Enable_1_");
		param->type = TR_PARAM_TYPE_BOOL;
		break;
	case P_INT:
		param->name = g_strdup("SIP_Port_1_");
		param->type = TR_PARAM_TYPE_INT;
		param->min = 1;
		param->max = 65535;
		break;
	case P_INT_NEGATIVE:
		param->name = g_strdup("Tone_Level");
		param->type = TR_PARAM_TYPE_INT;
		param->min = -90;
		param->max = 10;
		break;
	case P_INT_HEX:
		param->name = g_strdup("SIP_TOS_DiffServ_Value_1_");
		param->type = TR_PARAM_TYPE_INT;
		param->hex = TRUE;
		param->min = 0;
		param->max = 255;
		break;
	case P_INT_WIDE:
		/* tr_param_new()'s range: the whole of gint64 */
		param->name = g_strdup("Counter");
		param->type = TR_PARAM_TYPE_INT;
		break;
	case P_FLOAT:
		param->name = g_strdup("SIP_T1");
		param->type = TR_PARAM_TYPE_FLOAT;
		param->fmin = 0;
		param->fmax = 64;
		break;
	case P_FLOAT_NEGATIVE:
		param->name = g_strdup("Gain");
		param->type = TR_PARAM_TYPE_FLOAT;
		param->fmin = -10;
		param->fmax = 10;
		break;
	case P_FLOAT_WIDE:
		param->name = g_strdup("Huge");
		param->type = TR_PARAM_TYPE_FLOAT;
		break;
	case P_ENUM:
		param->name = g_strdup("SIP_Transport_1_");
		param->type = TR_PARAM_TYPE_ENUM;
		param->values = g_strsplit("UDP|TCP|TLS", "|", -1);
		break;
	case P_ENUM_SPACES:
		param->name = g_strdup("Network_Jitter_Level_1_");
		param->type = TR_PARAM_TYPE_ENUM;
		param->values = g_strsplit("low|medium|high|very high", "|", -1);
		break;
	case P_HOST:
		param->name = g_strdup("Proxy_1_");
		param->type = TR_PARAM_TYPE_HOST;
		break;
	case P_IP:
		param->name = g_strdup("Static_IP");
		param->type = TR_PARAM_TYPE_IP;
		break;
	case P_URI:
		param->name = g_strdup("Upgrade_Rule");
		param->type = TR_PARAM_TYPE_URI;
		param->max_length = 1023;
		break;
	case P_TONE:
		param->name = g_strdup("Dial_Tone");
		param->type = TR_PARAM_TYPE_TONE;
		break;
	case P_STRING:
		param->name = g_strdup("Display_Name_1_");
		param->type = TR_PARAM_TYPE_STRING;
		param->max_length = 63;
		break;
	case P_PASSWORD:
		param->name = g_strdup("Password_1_");
		param->type = TR_PARAM_TYPE_PASSWORD;
		param->max_length = 63;
		break;
	default:
		g_assert_not_reached();
	}
	param->base_name = g_strdup(param->name);
	return param;
}

#define LABEL_63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"

/*
 * name is the last part of the test path; canonical NULL means the value is
 * refused, and then allowed is a part of the error message
 */
static const struct {
	ParamKind kind;
	const gchar *name;
	const gchar *value;
	const gchar *canonical;
} cases[] = {
	/* bool: every accepted spelling becomes yes or no */
	{P_BOOL, "yes", "yes", "yes"},
	{P_BOOL, "Yes", "Yes", "yes"},
	{P_BOOL, "YES", "YES", "yes"},
	{P_BOOL, "no", "no", "no"},
	{P_BOOL, "No", "No", "no"},
	{P_BOOL, "one", "1", "yes"},
	{P_BOOL, "zero", "0", "no"},
	{P_BOOL, "true", "true", "yes"},
	{P_BOOL, "TRUE", "TRUE", "yes"},
	{P_BOOL, "false", "false", "no"},
	{P_BOOL, "on", "on", "yes"},
	{P_BOOL, "On", "On", "yes"},
	{P_BOOL, "off", "off", "no"},
	{P_BOOL, "enable", "enable", "yes"},
	{P_BOOL, "enabled", "Enabled", "yes"},
	{P_BOOL, "disable", "disable", "no"},
	{P_BOOL, "disabled", "disabled", "no"},
	{P_BOOL, "trimmed", "  yes\t", "yes"},
	{P_BOOL, "y", "y", NULL},
	{P_BOOL, "n", "n", NULL},
	{P_BOOL, "two", "2", NULL},
	{P_BOOL, "minus-one", "-1", NULL},
	{P_BOOL, "ja", "ja", NULL},
	{P_BOOL, "empty", "", NULL},
	{P_BOOL, "yes-please", "yes please", NULL},
	{P_BOOL, "yesno", "yesno", NULL},
	/* int */
	{P_INT, "plain", "5060", "5060"},
	{P_INT, "min", "1", "1"},
	{P_INT, "max", "65535", "65535"},
	{P_INT, "plus-sign", "+5060", "5060"},
	{P_INT, "leading-zeros", "05060", "5060"},
	{P_INT, "trimmed", " 5061 ", "5061"},
	{P_INT, "below-min", "0", NULL},
	{P_INT, "above-max", "65536", NULL},
	{P_INT, "negative", "-1", NULL},
	{P_INT, "letters", "abc", NULL},
	{P_INT, "hex-letters", "ff", NULL},
	{P_INT, "trailing-garbage", "12abc", NULL},
	{P_INT, "fraction", "1.5", NULL},
	{P_INT, "exponent", "1e3", NULL},
	{P_INT, "hex-into-decimal", "0x10", NULL},
	{P_INT, "empty", "", NULL},
	{P_INT, "blank", "   ", NULL},
	{P_INT, "sign-only", "-", NULL},
	{P_INT, "double-sign", "--5", NULL},
	{P_INT, "mixed-signs", "+-5", NULL},
	{P_INT, "space-after-sign", "- 5", NULL},
	{P_INT, "inner-space", "50 60", NULL},
	{P_INT, "overflow", "99999999999999999999", NULL},
	{P_INT_NEGATIVE, "negative", "-19", "-19"},
	{P_INT_NEGATIVE, "negative-min", "-90", "-90"},
	{P_INT_NEGATIVE, "negative-max", "10", "10"},
	{P_INT_NEGATIVE, "negative-zero", "-0", "0"},
	{P_INT_NEGATIVE, "negative-below", "-91", NULL},
	{P_INT_NEGATIVE, "negative-above", "11", NULL},
	{P_INT_WIDE, "int64-max", "9223372036854775807", "9223372036854775807"},
	{P_INT_WIDE, "int64-near-min", "-9223372036854775807", "-9223372036854775807"},
	{P_INT_WIDE, "int64-overflow", "9223372036854775808", NULL},
	{P_INT_WIDE, "huge-overflow", "123456789012345678901234567890", NULL},
	{P_INT_WIDE, "huge-negative-overflow", "-123456789012345678901234567890", NULL},
	/* int shown as hex: canonical lower case, at least two digits */
	{P_INT_HEX, "hex", "0x68", "0x68"},
	{P_INT_HEX, "hex-upper-prefix", "0X6A", "0x6a"},
	{P_INT_HEX, "hex-upper-digits", "0xB8", "0xb8"},
	{P_INT_HEX, "hex-one-digit", "0x5", "0x05"},
	{P_INT_HEX, "hex-leading-zeros", "0x0068", "0x68"},
	{P_INT_HEX, "hex-max", "0xff", "0xff"},
	{P_INT_HEX, "hex-zero", "0x0", "0x00"},
	{P_INT_HEX, "hex-trimmed", " 0x68 ", "0x68"},
	{P_INT_HEX, "decimal-into-hex", "104", "0x68"},
	{P_INT_HEX, "decimal-zero-into-hex", "0", "0x00"},
	{P_INT_HEX, "decimal-max-into-hex", "255", "0xff"},
	{P_INT_HEX, "hex-above-max", "0x100", NULL},
	{P_INT_HEX, "decimal-above-max", "256", NULL},
	{P_INT_HEX, "hex-negative", "-1", NULL},
	{P_INT_HEX, "hex-negative-prefixed", "-0x1", NULL},
	{P_INT_HEX, "hex-prefix-only", "0x", NULL},
	{P_INT_HEX, "hex-bad-digit", "0xg1", NULL},
	{P_INT_HEX, "hex-suffix-form", "68h", NULL},
	{P_INT_HEX, "hex-inner-space", "0x 68", NULL},
	{P_INT_HEX, "hex-bare-digits", "b8", NULL},
	{P_INT_HEX, "hex-overflow", "0xffffffffffffffffff", NULL},
	/* float: SPA style, no leading zero and no trailing zeros */
	{P_FLOAT, "half", ".5", ".5"},
	{P_FLOAT, "half-leading-zero", "0.5", ".5"},
	{P_FLOAT, "half-trailing-zero", "0.50", ".5"},
	{P_FLOAT, "half-plus", "+.5", ".5"},
	{P_FLOAT, "whole", "16", "16"},
	{P_FLOAT, "whole-point-zero", "16.0", "16"},
	{P_FLOAT, "whole-point", "16.", "16"},
	{P_FLOAT, "zero", "0", "0"},
	{P_FLOAT, "zero-point-zero", "0.0", "0"},
	{P_FLOAT, "max", "64", "64"},
	{P_FLOAT, "fraction", "1.25", "1.25"},
	{P_FLOAT, "packet-size", "0.030", ".03"},
	{P_FLOAT, "trimmed", " 4 ", "4"},
	{P_FLOAT, "above-max", "64.0001", NULL},
	{P_FLOAT, "below-min", "-0.5", NULL},
	{P_FLOAT, "point-only", ".", NULL},
	{P_FLOAT, "empty", "", NULL},
	{P_FLOAT, "letters", "abc", NULL},
	{P_FLOAT, "exponent", "1e1", NULL},
	{P_FLOAT, "hex", "0x10", NULL},
	{P_FLOAT, "two-points", "1.2.3", NULL},
	{P_FLOAT, "comma", "1,5", NULL},
	{P_FLOAT, "trailing-sign", "5-", NULL},
	{P_FLOAT, "double-sign", "--1", NULL},
	{P_FLOAT, "inf", "inf", NULL},
	{P_FLOAT, "nan", "nan", NULL},
	{P_FLOAT_NEGATIVE, "negative-half", "-.5", "-.5"},
	{P_FLOAT_NEGATIVE, "negative-half-zero", "-0.5", "-.5"},
	{P_FLOAT_NEGATIVE, "negative-zero", "-0", "0"},
	{P_FLOAT_NEGATIVE, "negative-trailing", "-2.50", "-2.5"},
	{P_FLOAT_NEGATIVE, "negative-min", "-10", "-10"},
	{P_FLOAT_NEGATIVE, "negative-below", "-10.5", NULL},
	/* 2^130, exact in a double: all of its 40 digits, not a truncation */
	{P_FLOAT_WIDE, "forty-digits", "1361129467683753853853498429727072845824",
	 "1361129467683753853853498429727072845824"},
	{P_FLOAT_WIDE, "forty-digits-negative", "-1361129467683753853853498429727072845824.0",
	 "-1361129467683753853853498429727072845824"},
	/* enum: case-insensitive, stored as the schema spells it */
	{P_ENUM, "exact", "UDP", "UDP"},
	{P_ENUM, "lower", "udp", "UDP"},
	{P_ENUM, "mixed", "Tls", "TLS"},
	{P_ENUM, "trimmed", " tcp ", "TCP"},
	{P_ENUM, "unknown", "SCTP", NULL},
	{P_ENUM, "prefix", "UD", NULL},
	{P_ENUM, "two-values", "UDP|TCP", NULL},
	{P_ENUM, "list", "UDP,TCP", NULL},
	{P_ENUM, "empty", "", NULL},
	{P_ENUM_SPACES, "with-space", "Very High", "very high"},
	{P_ENUM_SPACES, "with-space-exact", "very high", "very high"},
	{P_ENUM_SPACES, "double-space", "very  high", NULL},
	/* host */
	{P_HOST, "empty", "", ""},
	{P_HOST, "name", "sip.example.com", "sip.example.com"},
	{P_HOST, "name-case-kept", "SIP.Example.COM", "SIP.Example.COM"},
	{P_HOST, "single-label", "localhost", "localhost"},
	{P_HOST, "hyphen", "sip-1.example.com", "sip-1.example.com"},
	{P_HOST, "underscore", "_sip._udp.example.com", "_sip._udp.example.com"},
	{P_HOST, "absolute", "example.com.", "example.com."},
	{P_HOST, "label-63", LABEL_63 ".com", LABEL_63 ".com"},
	{P_HOST, "ipv4", "192.168.0.1", "192.168.0.1"},
	{P_HOST, "ipv4-port", "192.168.0.1:5060", "192.168.0.1:5060"},
	{P_HOST, "name-port", "sip.example.com:5061", "sip.example.com:5061"},
	{P_HOST, "name-port-min", "sip.example.com:1", "sip.example.com:1"},
	{P_HOST, "name-port-max", "sip.example.com:65535", "sip.example.com:65535"},
	{P_HOST, "ipv6", "[2001:db8::1]", "[2001:db8::1]"},
	{P_HOST, "ipv6-port", "[2001:db8::1]:5060", "[2001:db8::1]:5060"},
	{P_HOST, "ipv6-loopback-port", "[::1]:65535", "[::1]:65535"},
	{P_HOST, "ipv6-bare", "2001:db8::1", "2001:db8::1"},
	{P_HOST, "trimmed", " sip.example.com ", "sip.example.com"},
	{P_HOST, "double-dot", "bad..host", NULL},
	{P_HOST, "leading-hyphen", "-x.com", NULL},
	{P_HOST, "trailing-hyphen", "x-.com", NULL},
	{P_HOST, "leading-dot", ".example.com", NULL},
	{P_HOST, "dot-only", ".", NULL},
	{P_HOST, "label-64", LABEL_63 "x.com", NULL},
	{P_HOST, "space", "sip example.com", NULL},
	{P_HOST, "port-zero", "sip.example.com:0", NULL},
	{P_HOST, "port-65536", "sip.example.com:65536", NULL},
	{P_HOST, "port-empty", "sip.example.com:", NULL},
	{P_HOST, "port-letters", "sip.example.com:sip", NULL},
	{P_HOST, "port-negative", "sip.example.com:-1", NULL},
	{P_HOST, "port-plus", "sip.example.com:+5060", NULL},
	{P_HOST, "port-only", ":5060", NULL},
	{P_HOST, "ipv4-port-zero", "192.168.0.1:0", NULL},
	{P_HOST, "ipv6-unclosed", "[::1", NULL},
	{P_HOST, "ipv6-port-zero", "[::1]:0", NULL},
	{P_HOST, "ipv6-port-65536", "[::1]:65536", NULL},
	{P_HOST, "ipv6-port-no-colon", "[::1]5060", NULL},
	{P_HOST, "ipv6-brackets-around-ipv4", "[192.168.0.1]", NULL},
	{P_HOST, "ipv6-brackets-around-name", "[example.com]", NULL},
	{P_HOST, "colons", "a:b:c", NULL},
	{P_HOST, "path", "example.com/path", NULL},
	{P_HOST, "user", "user@example.com", NULL},
	{P_HOST, "url", "sip://example.com", NULL},
	{P_HOST, "non-ascii", "b\xc3\xa4r.example.com", NULL},
	/* ip */
	{P_IP, "empty", "", ""},
	{P_IP, "private", "192.168.0.1", "192.168.0.1"},
	{P_IP, "zeros", "0.0.0.0", "0.0.0.0"},
	{P_IP, "broadcast", "255.255.255.255", "255.255.255.255"},
	{P_IP, "trimmed", " 10.0.0.1 ", "10.0.0.1"},
	{P_IP, "octet-256", "256.1.1.1", NULL},
	{P_IP, "three-octets", "1.2.3", NULL},
	{P_IP, "five-octets", "1.2.3.4.5", NULL},
	{P_IP, "empty-octet", "1..2.3", NULL},
	{P_IP, "with-port", "1.2.3.4:80", NULL},
	{P_IP, "ipv6", "::1", NULL},
	{P_IP, "name", "example.com", NULL},
	{P_IP, "letter", "1.2.3.a", NULL},
	/* uri */
	{P_URI, "empty", "", ""},
	{P_URI, "http", "http://example.com/spa$MA.cfg", "http://example.com/spa$MA.cfg"},
	{P_URI, "https-port", "https://prov.example.com:8443/cfg/$PN/$MA.xml",
	 "https://prov.example.com:8443/cfg/$PN/$MA.xml"},
	{P_URI, "tftp", "tftp://192.168.0.10/spa.cfg", "tftp://192.168.0.10/spa.cfg"},
	{P_URI, "scheme-plus", "svn+ssh://host/x", "svn+ssh://host/x"},
	{P_URI, "path-only", "/spa$PSN.cfg", "/spa$PSN.cfg"},
	{P_URI, "trimmed", " http://example.com/ ", "http://example.com/"},
	{P_URI, "inner-space", "http://exa mple.com/", NULL},
	{P_URI, "no-scheme", "://example.com/x", NULL},
	{P_URI, "scheme-digit", "1http://example.com/", NULL},
	{P_URI, "scheme-underscore", "ht_tp://example.com/", NULL},
	{P_URI, "control", "http://example.com/\x01", NULL},
	{P_URI, "non-ascii", "http://b\xc3\xa4r.example.com/", NULL},
	/* tone */
	{P_TONE, "empty", "", ""},
	{P_TONE, "dial", "350@-19,440@-19;10(*/0/1+2)", "350@-19,440@-19;10(*/0/1+2)"},
	{P_TONE, "sit", "985@-16,1428@-16,1777@-16;20(.380/0/1,.380/0/2,.380/0/3,0/4/0)",
	 "985@-16,1428@-16,1777@-16;20(.380/0/1,.380/0/2,.380/0/3,0/4/0)"},
	{P_TONE, "trimmed", " 440@-19;1(1/0/1) ", "440@-19;1(1/0/1)"},
	{P_TONE, "no-segment", "350@-19,440@-19", NULL},
	{P_TONE, "letters", "abc", NULL},
	{P_TONE, "bad-component", "440@-19;1(1/0/1+3)", NULL},
	{P_TONE, "inner-space", "350@-19, 440@-19;10(*/0/1+2)", NULL},
	/* string */
	{P_STRING, "plain", "Alice", "Alice"},
	{P_STRING, "empty", "", ""},
	{P_STRING, "trimmed", "  Alice Smith \t", "Alice Smith"},
	{P_STRING, "utf8", "Caf\xc3\xa9 \xe2\x98\x8e", "Caf\xc3\xa9 \xe2\x98\x8e"},
	{P_STRING, "punctuation", "a;b=c\"d'e<f>&g", "a;b=c\"d'e<f>&g"},
	{P_STRING, "tab", "tab\there", NULL},
	{P_STRING, "newline", "line\nbreak", NULL},
	{P_STRING, "carriage-return", "a\rb", NULL},
	{P_STRING, "escape", "a\x1b[0mb", NULL},
	{P_STRING, "del", "a\x7f", NULL},
	{P_STRING, "c1-control", "a\xc2\x85z", NULL},
	{P_STRING, "latin1", "caf\xe9", NULL},
	{P_STRING, "invalid-utf8", "\xff\xfe", NULL},
	{P_STRING, "truncated-utf8", "ab\xe2\x98", NULL},
	{P_STRING, "overlong-utf8", "\xc0\xaf", NULL},
	/* password: inner spaces kept, surrounding ones trimmed as profiles do */
	{P_PASSWORD, "plain", "s3cret", "s3cret"},
	{P_PASSWORD, "empty", "", ""},
	{P_PASSWORD, "spaces-kept", " pass word ", "pass word"},
	{P_PASSWORD, "only-spaces", "   ", ""},
	{P_PASSWORD, "punctuation", "p@ss;w\"rd=#[x]", "p@ss;w\"rd=#[x]"},
	{P_PASSWORD, "utf8", "p\xc3\xa4ss", "p\xc3\xa4ss"},
	{P_PASSWORD, "control", "hunter2\x01", NULL},
	{P_PASSWORD, "trailing-newline", "hunter2\n", "hunter2"},
	{P_PASSWORD, "leading-tab", "\thunter2", "hunter2"},
	{P_PASSWORD, "latin1", "hunter2\xe9", NULL},
};

static const gchar *
kind_name(ParamKind kind)
{
	static const gchar *names[] = {
		[P_BOOL] = "bool",
		[P_INT] = "int",
		[P_INT_NEGATIVE] = "int",
		[P_INT_HEX] = "int-hex",
		[P_INT_WIDE] = "int",
		[P_FLOAT] = "float",
		[P_FLOAT_NEGATIVE] = "float",
		[P_FLOAT_WIDE] = "float",
		[P_ENUM] = "enum",
		[P_ENUM_SPACES] = "enum",
		[P_HOST] = "host",
		[P_IP] = "ip",
		[P_URI] = "uri",
		[P_TONE] = "tone",
		[P_STRING] = "string",
		[P_PASSWORD] = "password",
	};
	return names[kind];
}

/* what the message shows of a refused value: escaped, cut after 64 bytes */
static gchar *
shown_value(const gchar *value)
{
	g_autofree gchar *head = g_strndup(value, 64);
	return g_strescape(head, NULL);
}

static void
assert_contains(const gchar *haystack, const gchar *needle)
{
	if (strstr(haystack, needle) == NULL)
		g_error("'%s' does not contain '%s'", haystack, needle);
}

static void
assert_not_contains(const gchar *haystack, const gchar *needle)
{
	if (strstr(haystack, needle) != NULL)
		g_error("'%s' contains '%s'", haystack, needle);
}

static void
test_param_case(gconstpointer user_data)
{
	const typeof(cases[0]) *tc = user_data;
	g_autoptr(TrParam) param = make_param(tc->kind);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *canonical = NULL;
	gboolean ok;

	ok = tr_param_validate(param, tc->value, &canonical, &error);
	if (tc->canonical != NULL) {
		g_autofree gchar *again = NULL;

		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpstr(canonical, ==, tc->canonical);
		/* the canonical form is a fixed point */
		g_assert_true(tr_param_validate(param, canonical, &again, NULL));
		g_assert_cmpstr(again, ==, canonical);
		g_assert_true(tr_param_validate(param, tc->value, NULL, NULL));
		return;
	}

	g_assert_false(ok);
	g_assert_null(canonical);
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	assert_contains(error->message, param->name);
	{
		g_autofree gchar *allowed = tr_param_describe_allowed(param);
		assert_contains(error->message, allowed);
	}
	if (tr_param_is_secret(param)) {
		g_autofree gchar *shown = shown_value(tc->value);
		assert_not_contains(error->message, tc->value);
		assert_not_contains(error->message, shown);
		/* nor any recognisable part of it */
		assert_not_contains(error->message, "hunter2");
	} else {
		g_autofree gchar *shown = shown_value(tc->value);
		g_autofree gchar *quoted =
			g_strdup_printf("'%s%s'", shown, strlen(tc->value) > 64 ? "..." : "");
		assert_contains(error->message, quoted);
	}
	/* without an error or a canonical out argument */
	g_assert_false(tr_param_validate(param, tc->value, NULL, NULL));
}

static void
test_param_new_defaults(void)
{
	g_autoptr(TrParam) param = tr_param_new();
	TrParam *copy;

	g_assert_cmpint(param->min, ==, G_MININT64);
	g_assert_cmpint(param->max, ==, G_MAXINT64);
	g_assert_cmpfloat(param->fmin, ==, -G_MAXDOUBLE);
	g_assert_cmpfloat(param->fmax, ==, G_MAXDOUBLE);
	g_assert_cmpuint(param->max_length, ==, 511);
	g_assert_cmpint(param->access, ==, TR_ACCESS_NA);
	g_assert_cmpint(param->view, ==, TR_VIEW_ADVANCED);
	g_assert_cmpint(param->type, ==, TR_PARAM_TYPE_STRING);
	g_assert_false(param->hex);
	g_assert_false(param->hashed);
	g_assert_null(param->name);
	g_assert_null(param->default_value);
	g_assert_null(param->values);

	/* a boxed type: copying is a reference */
	copy = g_boxed_copy(TR_TYPE_PARAM, param);
	g_assert_true(copy == param);
	g_assert_cmpint(param->ref_count, ==, 2);
	g_boxed_free(TR_TYPE_PARAM, copy);
	g_assert_cmpint(param->ref_count, ==, 1);
	g_assert_true(tr_param_ref(param) == param);
	tr_param_unref(param);
	g_assert_cmpint(param->ref_count, ==, 1);
}

static void
test_param_copy_for_index(void)
{
	g_autoptr(TrParam) tmpl = tr_param_new();
	g_autoptr(TrParam) line2 = NULL;
	g_autoptr(TrParam) global = NULL;

	tmpl->name = g_strdup("Network_Jitter_Level");
	tmpl->base_name = g_strdup("Network_Jitter_Level");
	tmpl->label = g_strdup("Network Jitter Level");
	tmpl->tab = g_strdup("Line");
	tmpl->section = g_strdup("Network_Settings");
	tmpl->section_label = g_strdup("Network Settings");
	tmpl->description = g_strdup("jitter buffer");
	tmpl->type = TR_PARAM_TYPE_ENUM;
	tmpl->access = TR_ACCESS_RW;
	tmpl->view = TR_VIEW_BASIC;
	tmpl->default_value = g_strdup("high");
	tmpl->min = -3;
	tmpl->max = 3;
	tmpl->fmin = -1.5;
	tmpl->fmax = 1.5;
	tmpl->hex = TRUE;
	tmpl->max_length = 42;
	tmpl->values = g_strsplit("low|high", "|", -1);
	tmpl->hashed = TRUE;

	line2 = tr_param_copy_for_index(tmpl, 2);
	g_assert_cmpstr(line2->name, ==, "Network_Jitter_Level_2_");
	g_assert_cmpstr(line2->base_name, ==, "Network_Jitter_Level");
	g_assert_cmpuint(line2->index, ==, 2);
	g_assert_cmpstr(line2->label, ==, "Network Jitter Level");
	g_assert_cmpstr(line2->tab, ==, "Line");
	g_assert_cmpstr(line2->section, ==, "Network_Settings");
	g_assert_cmpstr(line2->section_label, ==, "Network Settings");
	g_assert_cmpstr(line2->description, ==, "jitter buffer");
	g_assert_cmpint(line2->type, ==, TR_PARAM_TYPE_ENUM);
	g_assert_cmpint(line2->access, ==, TR_ACCESS_RW);
	g_assert_cmpint(line2->view, ==, TR_VIEW_BASIC);
	g_assert_cmpstr(line2->default_value, ==, "high");
	g_assert_cmpint(line2->min, ==, -3);
	g_assert_cmpint(line2->max, ==, 3);
	g_assert_cmpfloat(line2->fmin, ==, -1.5);
	g_assert_cmpfloat(line2->fmax, ==, 1.5);
	g_assert_true(line2->hex);
	g_assert_cmpuint(line2->max_length, ==, 42);
	g_assert_true(line2->hashed);
	g_assert_cmpint(line2->ref_count, ==, 1);
	/* deep copies, not shared */
	g_assert_nonnull(line2->values);
	g_assert_true(line2->values != tmpl->values);
	g_assert_true(line2->label != tmpl->label);
	g_assert_cmpuint(g_strv_length(line2->values), ==, 2);
	g_assert_cmpstr(line2->values[1], ==, "high");

	global = tr_param_copy_for_index(tmpl, 0);
	g_assert_cmpstr(global->name, ==, "Network_Jitter_Level");
	g_assert_cmpuint(global->index, ==, 0);

	/* the copy outlives its template */
	g_clear_pointer(&tmpl, tr_param_unref);
	g_assert_cmpstr(line2->values[0], ==, "low");
	g_assert_cmpstr(line2->label, ==, "Network Jitter Level");
}

static void
test_param_type_strings(void)
{
	static const struct {
		TrParamType type;
		const gchar *str;
	} types[] = {
		{TR_PARAM_TYPE_STRING, "string"}, {TR_PARAM_TYPE_PASSWORD, "password"},
		{TR_PARAM_TYPE_BOOL, "bool"},	  {TR_PARAM_TYPE_INT, "int"},
		{TR_PARAM_TYPE_FLOAT, "float"},	  {TR_PARAM_TYPE_ENUM, "enum"},
		{TR_PARAM_TYPE_HOST, "host"},	  {TR_PARAM_TYPE_IP, "ip"},
		{TR_PARAM_TYPE_URI, "uri"},	  {TR_PARAM_TYPE_TONE, "tone"},
	};
	static const gchar *bad[] = {"", "integer", "Bool", "STRING", "url", "ipv4", "text"};
	TrParamType type = TR_PARAM_TYPE_STRING;

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		TrParamType parsed = TR_PARAM_TYPE_STRING;

		g_assert_cmpstr(tr_param_type_to_string(types[i].type), ==, types[i].str);
		g_assert_true(tr_param_type_from_string(types[i].str, &parsed));
		g_assert_cmpint(parsed, ==, types[i].type);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		type = TR_PARAM_TYPE_TONE;
		g_assert_false(tr_param_type_from_string(bad[i], &type));
		g_assert_cmpint(type, ==, TR_PARAM_TYPE_TONE);
	}
	g_assert_false(tr_param_type_from_string(NULL, &type));
	g_assert_null(tr_param_type_to_string((TrParamType)(TR_PARAM_TYPE_TONE + 1)));
	g_assert_null(tr_param_type_to_string((TrParamType)-1));
}

static void
test_param_access_strings(void)
{
	static const struct {
		TrAccess access;
		const gchar *str;
	} levels[] = {
		{TR_ACCESS_NA, "na"},
		{TR_ACCESS_RO, "ro"},
		{TR_ACCESS_RW, "rw"},
	};
	static const gchar *bad[] = {"", "RW", "Ro", "wr", "r", "rw ", "none", "hidden"};
	TrAccess access = TR_ACCESS_RO;

	for (guint i = 0; i < G_N_ELEMENTS(levels); i++) {
		TrAccess parsed = levels[i].access == TR_ACCESS_NA ? TR_ACCESS_RW : TR_ACCESS_NA;

		g_assert_cmpstr(tr_access_to_string(levels[i].access), ==, levels[i].str);
		g_assert_true(tr_access_from_string(levels[i].str, &parsed));
		g_assert_cmpint(parsed, ==, levels[i].access);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_false(tr_access_from_string(bad[i], &access));
		g_assert_cmpint(access, ==, TR_ACCESS_RO);
	}
	g_assert_false(tr_access_from_string(NULL, &access));
	g_assert_null(tr_access_to_string((TrAccess)(TR_ACCESS_RW + 1)));
}

static void
test_param_is_secret(void)
{
	for (guint kind = P_BOOL; kind <= P_PASSWORD; kind++) {
		g_autoptr(TrParam) param = make_param(kind);
		g_assert_cmpint(tr_param_is_secret(param), ==, kind == P_PASSWORD);
	}
}

static void
test_param_describe_allowed(void)
{
	static const struct {
		ParamKind kind;
		const gchar *allowed;
	} descriptions[] = {
		{P_BOOL, "yes or no"},
		{P_INT, "an integer from 1 to 65535"},
		{P_INT_NEGATIVE, "an integer from -90 to 10"},
		{P_INT_HEX, "an integer from 0x00 to 0xff"},
		{P_FLOAT, "a number from 0 to 64"},
		{P_FLOAT_NEGATIVE, "a number from -10 to 10"},
		{P_ENUM, "one of UDP, TCP, TLS"},
		{P_ENUM_SPACES, "one of low, medium, high, very high"},
		{P_HOST,
		 "a host name or IP address with an optional :port, at most 511 characters"},
		{P_IP, "an IPv4 address such as 192.168.0.1, or nothing"},
		{P_URI, "a URL such as http://host/path without spaces, at most 1023 characters"},
		{P_TONE, "a tone script such as 350@-19,440@-19;10(*/0/1+2)"},
		{P_STRING, "text of at most 63 printable characters"},
		{P_PASSWORD, "text of at most 63 printable characters"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(descriptions); i++) {
		g_autoptr(TrParam) param = make_param(descriptions[i].kind);
		g_autofree gchar *allowed = tr_param_describe_allowed(param);
		g_assert_cmpstr(allowed, ==, descriptions[i].allowed);
	}
}

/* the error of a refused value says what, where and what would do */
static void
test_param_error_messages(void)
{
	static const struct {
		ParamKind kind;
		const gchar *value;
		const gchar *message;
	} messages[] = {
		{P_ENUM, "SCTP",
		 "Invalid value 'SCTP' for SIP_Transport_1_: expected one of UDP, TCP, TLS"},
		{P_INT, "70000",
		 "Invalid value '70000' for SIP_Port_1_: expected an integer from 1 to 65535"},
		{P_INT_HEX, "0x1ff",
		 "Invalid value '0x1ff' for SIP_TOS_DiffServ_Value_1_: expected an integer from "
		 "0x00 to "
		 "0xff"},
		{P_BOOL, "maybe", "Invalid value 'maybe' for Line_Enable_1_: expected yes or no"},
		{P_FLOAT, "65", "Invalid value '65' for SIP_T1: expected a number from 0 to 64"},
		{P_STRING, "a\tb",
		 "Invalid value 'a\\tb' for Display_Name_1_: expected text of at most 63 printable "
		 "characters"},
		{P_PASSWORD, "hunter2\x01",
		 "Invalid value for Password_1_ (value hidden): expected text of at most 63 "
		 "printable "
		 "characters"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(messages); i++) {
		g_autoptr(TrParam) param = make_param(messages[i].kind);
		g_autoptr(GError) error = NULL;

		g_assert_false(tr_param_validate(param, messages[i].value, NULL, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
		g_assert_cmpstr(error->message, ==, messages[i].message);
	}
}

/* a long value is cut in the message, and the message stays short */
static void
test_param_error_truncated(void)
{
	g_autoptr(TrParam) param = make_param(P_STRING);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *value = g_strnfill(600, 'x');
	g_autofree gchar *x64 = g_strnfill(64, 'x');
	g_autofree gchar *x65 = g_strnfill(65, 'x');
	g_autofree gchar *shown = g_strdup_printf("'%s...'", x64);
	g_autofree gchar *shown_whole = g_strdup_printf("'%s'", x64);

	g_assert_false(tr_param_validate(param, value, NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	assert_contains(error->message, shown);
	assert_not_contains(error->message, x65);
	assert_contains(error->message, "Display_Name_1_");
	assert_contains(error->message, "at most 63");
	g_assert_cmpuint(strlen(error->message), <, 200);
	g_assert_true(g_utf8_validate(error->message, -1, NULL));
	g_clear_error(&error);

	/* a value of exactly 64 bytes is shown whole, without an ellipsis */
	g_free(value);
	value = g_strnfill(64, 'x');
	g_assert_false(tr_param_validate(param, value, NULL, &error));
	assert_contains(error->message, shown_whole);
	assert_not_contains(error->message, "...");
	g_clear_error(&error);

	/* binary junk and broken UTF-8 are escaped: the message stays valid UTF-8 */
	g_assert_false(tr_param_validate(param, "\xff\xfe\x01junk\n", NULL, &error));
	g_assert_true(g_utf8_validate(error->message, -1, NULL));
	assert_not_contains(error->message, "\n");
	assert_contains(error->message, "junk");
}

static void
test_param_error_password_hidden(void)
{
	g_autoptr(TrParam) param = make_param(P_PASSWORD);
	const gchar *secret = "Tr0ub4dor&3";
	g_autofree gchar *too_long =
		g_strjoin("", secret, secret, secret, secret, secret, secret, secret, NULL);
	const gchar *bad[] = {too_long, "Tr0ub4dor&3\x7f", "\x01Tr0ub4dor&3", "Tr0ub4dor&3\xe9"};

	g_assert_cmpuint(strlen(too_long), >, 63);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;

		g_assert_false(tr_param_validate(param, bad[i], NULL, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
		assert_contains(error->message, "Password_1_");
		assert_contains(error->message, "at most 63");
		assert_not_contains(error->message, secret);
		assert_not_contains(error->message, "Tr0ub");
	}
}

static void
test_param_max_length(void)
{
	static const struct {
		ParamKind kind;
		const gchar *prefix;
		const gchar *suffix;
	} kinds[] = {
		{P_STRING, "", ""},
		{P_PASSWORD, "", ""},
		{P_HOST, "", ""},
		{P_URI, "http://example.com/", ""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
		g_autoptr(TrParam) param = make_param(kinds[i].kind);
		g_autoptr(GError) error = NULL;
		g_autoptr(GString) value = g_string_new(kinds[i].prefix);
		g_autofree gchar *canonical = NULL;

		if (kinds[i].kind == P_HOST) {
			/* a host name is at most 253 bytes: test the parameter's own limit */
			param->max_length = 40;
			while (value->len < param->max_length)
				g_string_append(value, value->len % 10 == 9 ? "." : "a");
		} else {
			while (value->len < param->max_length)
				g_string_append_c(value, 'a');
		}
		g_assert_cmpuint(value->len, ==, param->max_length);
		g_assert_true(tr_param_validate(param, value->str, &canonical, &error));
		g_assert_no_error(error);
		g_assert_cmpstr(canonical, ==, value->str);

		g_string_append_c(value, 'a');
		g_assert_false(tr_param_validate(param, value->str, NULL, &error));
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
		g_clear_error(&error);

		/* surrounding spaces do not count where they are trimmed */
		g_string_truncate(value, param->max_length);
		g_string_prepend(value, "  ");
		g_string_append(value, "  ");
		g_assert_true(tr_param_validate(param, value->str, NULL, NULL));
	}
}

/* a host name has at most 253 bytes, whatever max-length says */
static void
test_param_host_name_length(void)
{
	g_autoptr(TrParam) param = make_param(P_HOST);
	g_autoptr(GString) name = g_string_new(NULL);

	while (name->len < 253)
		g_string_append(name, name->len % 50 == 49 ? "." : "h");
	g_assert_true(tr_param_validate(param, name->str, NULL, NULL));
	g_string_append_c(name, 'h');
	g_assert_false(tr_param_validate(param, name->str, NULL, NULL));
}

static void
test_param_name_normalize(void)
{
	static const struct {
		const gchar *name;
		const gchar *normalized;
	} names[] = {
		{"SIP_Transport[1]", "SIP_Transport_1_"},
		{"SIP Transport{1}", "SIP_Transport_1_"},
		{" SIP_Transport_1_ ", "SIP_Transport_1_"},
		{"SIP_Transport_1_", "SIP_Transport_1_"},
		{"SIP Transport(1)", "SIP_Transport_1_"},
		{"SIP Transport[1]", "SIP_Transport_1_"},
		{"Dial_Plan[12]", "Dial_Plan_12_"},
		{"Enable Web Server", "Enable_Web_Server"},
		{"SIP TOS/DiffServ Value[1]", "SIP_TOS_DiffServ_Value_1_"},
		{"\tGPP_A\n", "GPP_A"},
		{"Phone-UI-readonly", "Phone-UI-readonly"},
		{"", ""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree gchar *normalized = tr_param_name_normalize(names[i].name);
		g_assert_cmpstr(normalized, ==, names[i].normalized);
	}
}

static void
test_param_name_to_bracket(void)
{
	g_autoptr(TrParam) tmpl = tr_param_new();
	g_autoptr(TrParam) line1 = NULL;
	g_autoptr(TrParam) line12 = NULL;
	g_autoptr(TrParam) global = NULL;
	g_autofree gchar *bracket1 = NULL;
	g_autofree gchar *bracket12 = NULL;
	g_autofree gchar *bracket_global = NULL;
	g_autofree gchar *back = NULL;

	tmpl->base_name = g_strdup("SIP_Transport");
	tmpl->name = g_strdup("SIP_Transport");
	line1 = tr_param_copy_for_index(tmpl, 1);
	line12 = tr_param_copy_for_index(tmpl, 12);
	global = tr_param_copy_for_index(tmpl, 0);

	bracket1 = tr_param_name_to_bracket(line1);
	g_assert_cmpstr(bracket1, ==, "SIP_Transport[1]");
	bracket12 = tr_param_name_to_bracket(line12);
	g_assert_cmpstr(bracket12, ==, "SIP_Transport[12]");
	bracket_global = tr_param_name_to_bracket(global);
	g_assert_cmpstr(bracket_global, ==, "SIP_Transport");

	/* and back */
	back = tr_param_name_normalize(bracket12);
	g_assert_cmpstr(back, ==, line12->name);
}

/* a programming error is a critical, not a crash */
static void
param_count_criticals_handler(const gchar *log_domain, GLogLevelFlags log_level,
			      const gchar *message, gpointer user_data)
{
	guint *n_criticals = user_data;

	if ((log_level & G_LOG_LEVEL_CRITICAL) != 0 && strstr(message, "!= NULL") != NULL) {
		(*n_criticals)++;
		return;
	}
	g_log_default_handler(log_domain, log_level, message, NULL);
}

static void
test_param_null_arguments(void)
{
	g_autoptr(TrParam) param = make_param(P_STRING);
	guint n_criticals = 0;
	GLogLevelFlags always_fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
	GLogFunc handler = g_log_set_default_handler(param_count_criticals_handler, &n_criticals);

	g_assert_false(tr_param_validate(param, NULL, NULL, NULL));
	g_assert_false(tr_param_validate(NULL, "x", NULL, NULL));
	g_assert_null(tr_param_name_normalize(NULL));
	g_assert_null(tr_param_describe_allowed(NULL));
	g_log_set_default_handler(handler, NULL);
	g_log_set_always_fatal(always_fatal);
	g_assert_cmpuint(n_criticals, ==, 4);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path = g_strdup_printf(
			"/param/validate/%s/%s/%s", kind_name(cases[i].kind),
			cases[i].canonical != NULL ? "valid" : "invalid", cases[i].name);
		g_test_add_data_func(path, &cases[i], test_param_case);
	}
	g_test_add_func("/param/new-defaults", test_param_new_defaults);
	g_test_add_func("/param/copy-for-index", test_param_copy_for_index);
	g_test_add_func("/param/type-strings", test_param_type_strings);
	g_test_add_func("/param/access-strings", test_param_access_strings);
	g_test_add_func("/param/is-secret", test_param_is_secret);
	g_test_add_func("/param/describe-allowed", test_param_describe_allowed);
	g_test_add_func("/param/error/messages", test_param_error_messages);
	g_test_add_func("/param/error/truncated", test_param_error_truncated);
	g_test_add_func("/param/error/password-hidden", test_param_error_password_hidden);
	g_test_add_func("/param/max-length", test_param_max_length);
	g_test_add_func("/param/host-name-length", test_param_host_name_length);
	g_test_add_func("/param/name/normalize", test_param_name_normalize);
	g_test_add_func("/param/name/to-bracket", test_param_name_to_bracket);
	g_test_add_func("/param/null-arguments", test_param_null_arguments);
	return g_test_run();
}
