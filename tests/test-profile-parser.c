/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tr-test-german.h"
#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile-parser.h"

/* an expected value of NULL: "leave the value unchanged" */
#define KEEP "\x01keep"

/* the expected entries of a case: E(name, value, access[, line, column]) */
/* clang-format off */
#define E(...) {__VA_ARGS__}
#define ENTRIES(...) {__VA_ARGS__}
#define NO_ENTRIES {{NULL}}
/* clang-format on */

/* an input and its size, so that inputs may hold NUL bytes */
#define IN(s) s, sizeof(s) - 1

#define NAME_16	 "Abcdefghijklmnop"
#define NAME_64	 NAME_16 NAME_16 NAME_16 NAME_16
#define NAME_80	 NAME_64 NAME_16
#define OPEN_10	 "<a><a><a><a><a><a><a><a><a><a>"
#define CLOSE_10 "</a></a></a></a></a></a></a></a></a></a>"
#define OPEN_30	 OPEN_10 OPEN_10 OPEN_10
#define CLOSE_30 CLOSE_10 CLOSE_10 CLOSE_10
#define OPEN_100 OPEN_30 OPEN_30 OPEN_30 OPEN_10

typedef enum {
	XML,
	TEXT,
	GUESS,
} Format;

typedef struct {
	const gchar *name;
	const gchar *value; /* KEEP for NULL */
	const gchar *access;
	guint line; /* 0: not checked */
	guint column;
} Expected;

/* name is the last part of the test path */
static const struct {
	const gchar *name;
	Format format;
	const gchar *input;
	gsize len;
	gboolean ok;
	Expected entries[6];
	const gchar *error_substring;
	gboolean bad_value; /* TR_ERROR_INVALID_PARAMETER, not a syntax error */
} cases[] = {
	/* XML: where the parameters are */
	{"simple", XML, IN("<flat-profile><GPP_A>1</GPP_A></flat-profile>"), TRUE,
	 ENTRIES(E("GPP_A", "1", NULL, 1, 15))},
	{"prolog-and-comments", XML,
	 IN("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- made by hand -->\n"
	    "<flat-profile>\n  <!-- line 1 -->\n  <SIP_Transport_1_>TLS</SIP_Transport_1_>\n"
	    "</flat-profile>\n"),
	 TRUE, ENTRIES(E("SIP_Transport_1_", "TLS", NULL, 5, 3))},
	{"nested-in-other-elements", XML,
	 IN("<device><config model=\"SPA942\"><flat-profile><A>1</A></flat-profile></config>"
	    "</device>"),
	 TRUE, ENTRIES(E("A", "1"))},
	{"namespace-prefix", XML,
	 IN("<x:flat-profile xmlns:x=\"urn:example:spa\"><A>1</A></x:flat-profile>"), TRUE,
	 ENTRIES(E("A", "1"))},
	{"namespace-prefix-on-parameters", XML,
	 IN("<x:flat-profile xmlns:x=\"urn:example:spa\"><x:GPP_A>1</x:GPP_A></x:flat-profile>"),
	 TRUE, ENTRIES(E("GPP_A", "1"))},
	{"default-namespace", XML,
	 IN("<flat-profile xmlns=\"http://www.sipura.net/xsd/SPA2102\"><A>1</A></flat-profile>"),
	 TRUE, ENTRIES(E("A", "1"))},
	{"several-flat-profiles", XML,
	 IN("<r><flat-profile><A>1</A></flat-profile><flat-profile><B>2</B><A>3</A>"
	    "</flat-profile></r>"),
	 TRUE, ENTRIES(E("A", "1"), E("B", "2"), E("A", "3"))},
	{"outside-elements-ignored", XML,
	 IN("<r><A>no</A><flat-profile><B>1</B></flat-profile><C>no</C></r>"), TRUE,
	 ENTRIES(E("B", "1"))},
	{"text-between-parameters-ignored", XML,
	 IN("<flat-profile>junk<A>1</A>more junk</flat-profile>"), TRUE, ENTRIES(E("A", "1"))},
	{"empty-flat-profile", XML, IN("<flat-profile/>"), TRUE, NO_ENTRIES},
	{"flat-profile-attributes-ignored", XML,
	 IN("<flat-profile version=\"2\" ua=\"xx\"><A>1</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "1"))},
	{"case-sensitive-names", XML,
	 IN("<flat-profile><gpp_a>1</gpp_a><GPP_A>2</GPP_A></flat-profile>"), TRUE,
	 ENTRIES(E("gpp_a", "1"), E("GPP_A", "2"))},
	{"last-occurrence-order-kept", XML,
	 IN("<flat-profile><A>1</A><B>2</B><A>3</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "1"), E("B", "2"), E("A", "3"))},
	{"positions", XML,
	 IN("<flat-profile>\n\t<A>\xc3\xa9</A><B>2</B>\n  <C\n   ua=\"rw\">3</C></flat-profile>"),
	 TRUE,
	 ENTRIES(E("A", "\xc3\xa9", NULL, 2, 2), E("B", "2", NULL, 2, 10),
		 E("C", "3", "rw", 3, 3))},
	{"spa942-dump", XML,
	 IN("<flat-profile>\n"
	    "<SIP_Transport_1_ group=\"Ext_1/SIP_Settings\">UDP</SIP_Transport_1_>\n"
	    "<Dial_Plan_1_ group=\"Ext_1/Dial_Plan\" ua=\"na\">(*xx|[3469]11|0|00|[2-9]xxxxxx|"
	    "1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)</Dial_Plan_1_>\n"
	    "<Profile_Rule group=\"Provisioning/Configuration_Profile\">"
	    "http://pbx/app/provision/?mac=$MA&amp;password=x</Profile_Rule>\n"
	    "<Speed_Dial_2_ ua=\"rw\"/>\n"
	    "</flat-profile>\n"),
	 TRUE,
	 ENTRIES(E("SIP_Transport_1_", "UDP", NULL, 2, 1),
		 E("Dial_Plan_1_",
		   "(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)", "na", 3, 1),
		 E("Profile_Rule", "http://pbx/app/provision/?mac=$MA&password=x", NULL, 4, 1),
		 E("Speed_Dial_2_", KEEP, "rw", 5, 1))},
	/* XML: attributes */
	{"ua-values", XML,
	 IN("<flat-profile><A ua=\"na\">1</A><B ua=\"ro\">2</B><C ua='rw'>3</C><D>4</D>"
	    "</flat-profile>"),
	 TRUE, ENTRIES(E("A", "1", "na"), E("B", "2", "ro"), E("C", "3", "rw"), E("D", "4", NULL))},
	{"group-and-unknown-attributes-ignored", XML,
	 IN("<flat-profile><A group=\"Ext_1/SIP_Settings\" foo=\"bar\" ua=\"rw\">1</A>"
	    "</flat-profile>"),
	 TRUE, ENTRIES(E("A", "1", "rw"))},
	{"bad-ua", XML, IN("<flat-profile>\n <A ua=\"xx\">1</A></flat-profile>"), FALSE, NO_ENTRIES,
	 "line 2, column 2: invalid ua=\"xx\" on <A>, expected \"na\", \"ro\" or \"rw\"", TRUE},
	{"bad-ua-upper-case", XML, IN("<flat-profile><A ua=\"RW\">1</A></flat-profile>"), FALSE,
	 NO_ENTRIES, "line 1, column 15: invalid ua=\"RW\" on <A>", TRUE},
	{"bad-ua-empty", XML, IN("<flat-profile><A ua=\"\"/></flat-profile>"), FALSE, NO_ENTRIES,
	 "line 1, column 15: invalid ua=\"\" on <A>", TRUE},
	/* XML: values */
	{"empty-element-keeps-value", XML, IN("<flat-profile><GPP_B/></flat-profile>"), TRUE,
	 ENTRIES(E("GPP_B", KEEP, NULL))},
	{"empty-element-with-space-and-ua", XML,
	 IN("<flat-profile><GPP_B  ua=\"rw\" /></flat-profile>"), TRUE,
	 ENTRIES(E("GPP_B", KEEP, "rw"))},
	{"empty-content-sets-empty", XML, IN("<flat-profile><GPP_A></GPP_A></flat-profile>"), TRUE,
	 ENTRIES(E("GPP_A", "", NULL))},
	{"blank-content-sets-empty", XML, IN("<flat-profile><GPP_A> \n\t </GPP_A></flat-profile>"),
	 TRUE, ENTRIES(E("GPP_A", "", NULL))},
	{"value-trimmed", XML, IN("<flat-profile><A>\n   x  y \t\n</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "x  y"))},
	{"entities", XML, IN("<flat-profile><A>&amp;&lt;&gt;&quot;&apos;</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "&<>\"'"))},
	{"numeric-references", XML, IN("<flat-profile><A>&#65;&#x41;&#x263A;</A></flat-profile>"),
	 TRUE, ENTRIES(E("A", "AA\xe2\x98\xba"))},
	{"unknown-entity", XML, IN("<flat-profile>\n<A>&nbsp;</A></flat-profile>"), FALSE,
	 NO_ENTRIES, "line 2, column 10: Entity name"},
	{"reference-to-control-character", XML, IN("<flat-profile><A>a&#1;</A></flat-profile>"),
	 FALSE, NO_ENTRIES, "line 1, column 15: the value of <A> holds control character 0x01"},
	{"cdata", XML, IN("<flat-profile><A><![CDATA[<b>&amp;]]></A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "<b>&amp;"))},
	{"comment-inside-value", XML, IN("<flat-profile><A>x<!-- note -->y</A></flat-profile>"),
	 TRUE, ENTRIES(E("A", "xy"))},
	{"utf8-value", XML, IN("<flat-profile><Text_Logo>Caf\xc3\xa9</Text_Logo></flat-profile>"),
	 TRUE, ENTRIES(E("Text_Logo", "Caf\xc3\xa9"))},
	{"byte-order-mark", XML, IN("\xef\xbb\xbf<flat-profile><A>1</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "1", NULL, 1, 15))},
	{"doctype-ignored", XML,
	 IN("<?xml version=\"1.0\"?>\n<!DOCTYPE flat-profile>\n<flat-profile><A>1</A>"
	    "</flat-profile>"),
	 TRUE, ENTRIES(E("A", "1", NULL, 3, 15))},
	{"close-tag-with-space", XML, IN("<flat-profile><A>1</A ></flat-profile >"), TRUE,
	 ENTRIES(E("A", "1"))},
	/* XML: malformed */
	{"element-inside-parameter", XML, IN("<flat-profile><A>x<b>y</b></A></flat-profile>"),
	 FALSE, NO_ENTRIES,
	 "line 1, column 19: element <b> inside parameter <A>, a parameter holds text"},
	{"no-flat-profile", XML, IN("<root><A>1</A></root>"), FALSE, NO_ENTRIES,
	 "line 1, column 1: no <flat-profile> element"},
	{"flat-profile-with-other-prefix-only", XML, IN("<flat-profiles><A>1</A></flat-profiles>"),
	 FALSE, NO_ENTRIES, "no <flat-profile> element"},
	{"empty-document", XML, IN(""), FALSE, NO_ENTRIES, "line 1, column 1: Document was empty"},
	{"blank-document", XML, IN(" \n "), FALSE, NO_ENTRIES,
	 "line 2, column 2: Document was empty"},
	{"not-xml", XML, IN("A \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 1: Document must begin with an element"},
	{"unclosed-parameter", XML, IN("<flat-profile>\n<A>1</A>\n<B>2\n</flat-profile>"), FALSE,
	 NO_ENTRIES,
	 "line 4, column 15: Element “flat-profile” was closed, but the currently open "
	 "element is “B”"},
	{"unclosed-at-end", XML, IN("<flat-profile>\n  <A>1</A>\n  <B>"), FALSE, NO_ENTRIES,
	 "line 3, column 6: Document ended unexpectedly with elements still open"},
	{"unclosed-at-end-names-element", XML, IN("<flat-profile>\n  <A>1</A>\n  <B>"), FALSE,
	 NO_ENTRIES, "(the element at line 3, column 3 is not closed)"},
	{"unterminated-start-tag", XML, IN("<flat-profile><A ua=\"rw\""), FALSE, NO_ENTRIES,
	 "line 1, column 25: Document ended unexpectedly"},
	{"mismatched-close-tag", XML, IN("<flat-profile><A>1</B></flat-profile>"), FALSE,
	 NO_ENTRIES,
	 "line 1, column 22: Element “B” was closed, but the currently open element is “A”"},
	{"unquoted-attribute", XML, IN("<flat-profile><A ua=rw>1</A></flat-profile>"), FALSE,
	 NO_ENTRIES, "line 1, column 21: Odd character"},
	/* GMarkup's message holds a lone byte of the character: still UTF-8 for D-Bus */
	{"invalid-character-in-name", XML, IN("<flat-\xef\xbb\xbfprofile/>"), FALSE, NO_ENTRIES,
	 "line 1, column 16: "},
	{"binary", XML, IN("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), FALSE, NO_ENTRIES,
	 "line 1, column 1: invalid UTF-8 (byte 0x89)"},
	{"nul-byte", XML, IN("<flat-profile><A>1\0</A></flat-profile>"), FALSE, NO_ENTRIES,
	 "line 1, column 19: unexpected NUL byte"},
	{"control-character", XML, IN("<flat-profile>\n<A>\x1b[0m</A></flat-profile>"), FALSE,
	 NO_ENTRIES, "line 2, column 4: unexpected control character 0x1B"},
	{"latin1", XML, IN("<flat-profile><A>caf\xe9</A></flat-profile>"), FALSE, NO_ENTRIES,
	 "line 1, column 21: invalid UTF-8 (byte 0xE9)"},
	{"nesting-32-is-fine", XML, IN(OPEN_30 "<flat-profile><A>1</A></flat-profile>" CLOSE_30),
	 TRUE, ENTRIES(E("A", "1", NULL, 1, 105))},
	{"nesting-100", XML, IN(OPEN_100), FALSE, NO_ENTRIES,
	 "line 1, column 97: elements are nested more than 32 levels deep"},
	{"nesting-in-flat-profile", XML, IN(OPEN_30 "<flat-profile><A><b/></A>"), FALSE, NO_ENTRIES,
	 "line 1, column 108: elements are nested more than 32 levels deep"},

	/* text: the grammar */
	{"simple", TEXT, IN("SIP_Transport[1] \"TLS\" ;"), TRUE,
	 ENTRIES(E("SIP_Transport_1_", "TLS", "na", 1, 1))},
	{"read-write-marker", TEXT, IN("Feature_Enable ! \"Enable\" ;"), TRUE,
	 ENTRIES(E("Feature_Enable", "Enable", "rw"))},
	{"read-only-marker", TEXT, IN("Station_Name ? \"Front desk\";"), TRUE,
	 ENTRIES(E("Station_Name", "Front desk", "ro"))},
	{"marker-only-changes-access", TEXT, IN("Some_Entry ! ;"), TRUE,
	 ENTRIES(E("Some_Entry", KEEP, "rw"))},
	{"name-only-hides", TEXT, IN("Some_Entry ;"), TRUE, ENTRIES(E("Some_Entry", KEEP, "na"))},
	{"no-blanks", TEXT, IN("A!\"1\";B?\"2\";C\"3\";D;"), TRUE,
	 ENTRIES(E("A", "1", "rw", 1, 1), E("B", "2", "ro", 1, 7), E("C", "3", "na", 1, 13),
		 E("D", KEEP, "na"))},
	{"blanks-everywhere", TEXT, IN("  A \n ! \n\t\"1\" \n ; \n"), TRUE,
	 ENTRIES(E("A", "1", "rw", 1, 3))},
	{"curly-index-cisco-note", TEXT, IN("SIP Transport{1} \"TLS\";"), TRUE,
	 ENTRIES(E("SIP_Transport_1_", "TLS", "na"))},
	{"curly-index", TEXT, IN("Line_Enable{2} \"Yes\";"), TRUE,
	 ENTRIES(E("Line_Enable_2_", "Yes", "na"))},
	{"hyphen-in-name", TEXT, IN("SIP_Proxy-Require[1] \"x\";"), TRUE,
	 ENTRIES(E("SIP_Proxy-Require_1_", "x", "na"))},
	{"blanks-inside-name", TEXT, IN("Primary  DNS \"192.0.2.1\";"), TRUE,
	 ENTRIES(E("Primary__DNS", "192.0.2.1", "na"))},
	{"escapes", TEXT, IN("A \"q\\\"b\\\\s\\nn\\tt\";"), TRUE,
	 ENTRIES(E("A", "q\"b\\s\nn\tt", "na"))},
	{"value-trimmed", TEXT, IN("A \"  x y \t\";"), TRUE, ENTRIES(E("A", "x y", "na"))},
	{"empty-value", TEXT, IN("A \"\";"), TRUE, ENTRIES(E("A", "", "na"))},
	{"specials-in-value", TEXT, IN("A \"a#b;c!d?e\";"), TRUE,
	 ENTRIES(E("A", "a#b;c!d?e", "na"))},
	{"multi-line-value", TEXT, IN("A \"one\ntwo\";\nB \"3\";"), TRUE,
	 ENTRIES(E("A", "one\ntwo", "na", 1, 1), E("B", "3", "na", 3, 1))},
	{"comments", TEXT, IN("# header\nA \"1\"; # trailing\n# B \"2\";\nC#x\n;"), TRUE,
	 ENTRIES(E("A", "1", "na", 2, 1), E("C", KEEP, "na", 4, 1))},
	{"last-occurrence-order-kept", TEXT, IN("A \"1\"; B \"2\"; A \"3\";"), TRUE,
	 ENTRIES(E("A", "1", "na"), E("B", "2", "na"), E("A", "3", "na"))},
	{"utf8-value-and-columns", TEXT, IN("A \"\xc3\xa9\"; B \"1\";"), TRUE,
	 ENTRIES(E("A", "\xc3\xa9", "na", 1, 1), E("B", "1", "na", 1, 8))},
	{"crlf", TEXT, IN("A \"1\";\r\nB \"2\";\r\n"), TRUE,
	 ENTRIES(E("A", "1", "na", 1, 1), E("B", "2", "na", 2, 1))},
	{"byte-order-mark", TEXT,
	 IN("\xef\xbb\xbf"
	    "A \"1\";"),
	 TRUE, ENTRIES(E("A", "1", "na", 1, 1))},
	{"empty", TEXT, IN(""), TRUE, NO_ENTRIES},
	{"comments-only", TEXT, IN("# nothing here\n\n   # at all\n"), TRUE, NO_ENTRIES},
	/* text: malformed */
	{"unknown-escape", TEXT, IN("A \"x\\q\";"), FALSE, NO_ENTRIES,
	 "line 1, column 5: unknown escape \\q, expected \\\", \\\\, \\n or \\t"},
	{"escape-at-end-of-line", TEXT, IN("A \"x\\\n\";"), FALSE, NO_ENTRIES,
	 "line 1, column 5: unknown escape: '\\' followed by the end of the line"},
	{"unterminated-string", TEXT, IN("A \"1\";\nB \"abc;\nC;"), FALSE, NO_ENTRIES,
	 "line 2, column 3: unterminated quoted value"},
	{"unterminated-string-escape-at-end", TEXT, IN("A \"abc\\"), FALSE, NO_ENTRIES,
	 "line 1, column 3: unterminated quoted value"},
	{"missing-semicolon", TEXT, IN("A \"1\"\nB \"2\";"), FALSE, NO_ENTRIES,
	 "line 2, column 1: expected ';' after the value of A, found 'B'"},
	{"missing-semicolon-at-end", TEXT, IN("A \"1\";\nB \"2\""), FALSE, NO_ENTRIES,
	 "line 2, column 6: expected ';' after the value of B, found the end of the file"},
	{"missing-semicolon-after-name", TEXT, IN("Line_Enable[1]"), FALSE, NO_ENTRIES,
	 "line 1, column 15: expected '!', '?', a quoted value or ';' after Line_Enable[1], found "
	 "the end of the file"},
	{"unquoted-value", TEXT, IN("Line_Enable[1] Yes;"), FALSE, NO_ENTRIES,
	 "line 1, column 16: expected '!', '?', a quoted value or ';' after Line_Enable[1], "
	 "found 'Y'"},
	{"single-quotes", TEXT, IN("A 'x';"), FALSE, NO_ENTRIES,
	 "line 1, column 3: expected '!', '?', a quoted value or ';' after A, found \"'\""},
	{"garbage-after-marker", TEXT, IN("A ! x;"), FALSE, NO_ENTRIES,
	 "line 1, column 5: expected a quoted value or ';' after '!', found 'x'"},
	{"two-markers", TEXT, IN("A !? \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 4: expected a quoted value or ';' after '!', found '?'"},
	{"two-values", TEXT, IN("A \"1\" \"2\";"), FALSE, NO_ENTRIES,
	 "line 1, column 7: expected ';' after the value of A, found '\"'"},
	{"index-not-a-number", TEXT, IN("A[x] \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 3: expected a number in the index of A, found 'x'"},
	{"index-unclosed", TEXT, IN("A[1 \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 4: expected ']' to close the index of A, found ' '"},
	{"index-mismatched", TEXT, IN("A{1] \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 4: expected '}' to close the index of A, found ']'"},
	{"index-in-parentheses", TEXT, IN("A(1) \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 2: expected '!', '?', a quoted value or ';' after A, found '('"},
	{"stray-semicolon", TEXT, IN("A \"1\";\n;"), FALSE, NO_ENTRIES,
	 "line 2, column 1: expected a parameter name, found ';'"},
	{"stray-quote", TEXT, IN("\"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 1: expected a parameter name, found '\"'"},
	{"non-ascii-name", TEXT, IN("Caf\xc3\xa9 \"1\";"), FALSE, NO_ENTRIES,
	 "line 1, column 4: expected '!', '?', a quoted value or ';' after Caf, found "
	 "'\xc3\xa9'"},
	{"binary", TEXT,
	 IN("\x7f"
	    "ELF\x02\x01\x01\0\0\0"),
	 FALSE, NO_ENTRIES, "line 1, column 1: unexpected control character 0x7F"},
	{"nul-byte", TEXT, IN("A \"1\";\nB \"x\0\";"), FALSE, NO_ENTRIES,
	 "line 2, column 5: unexpected NUL byte"},
	{"latin1", TEXT, IN("A \"\xc3\xa9\";\nB \"caf\xe9\";"), FALSE, NO_ENTRIES,
	 "line 2, column 7: invalid UTF-8 (byte 0xE9)"},
	{"control-character", TEXT, IN("A \"\x0c\";"), FALSE, NO_ENTRIES,
	 "line 1, column 4: unexpected control character 0x0C"},
	{"import-not-allowed", TEXT, IN("A \"1\";\nimport base.txt\n"), FALSE, NO_ENTRIES,
	 "line 2, column 1: import is not allowed here"},
	{"import-without-file", TEXT, IN("import ;"), FALSE, NO_ENTRIES,
	 "line 1, column 8: expected a file name after import, found ';'"},
	{"import-unterminated-file", TEXT, IN("import \"a.txt;\n"), FALSE, NO_ENTRIES,
	 "line 1, column 8: unterminated quoted value"},
	/* names are cut in messages */
	{"long-name-in-message", TEXT, IN(NAME_80 "[x];"), FALSE, NO_ENTRIES,
	 "line 1, column 82: expected a number in the index of " NAME_64 "..., found 'x'"},
	{"import-empty-quoted-file", TEXT, IN("import \"\";"), FALSE, NO_ENTRIES,
	 "line 1, column 8: empty file name after import"},

	/* the guess between the formats */
	{"xml", GUESS, IN(" \n<flat-profile><A>1</A></flat-profile>"), TRUE,
	 ENTRIES(E("A", "1", NULL, 2, 15))},
	{"xml-after-byte-order-mark", GUESS, IN("\xef\xbb\xbf<flat-profile><A/></flat-profile>"),
	 TRUE, ENTRIES(E("A", KEEP, NULL))},
	{"text", GUESS, IN("A \"1\";"), TRUE, ENTRIES(E("A", "1", "na"))},
	{"text-with-angle-in-comment", GUESS, IN("# <flat-profile>\nA \"<b>\";"), TRUE,
	 ENTRIES(E("A", "<b>", "na"))},
	{"text-import-not-allowed", GUESS, IN("import a.txt"), FALSE, NO_ENTRIES,
	 "line 1, column 1: import is not allowed here"},
	{"empty", GUESS, IN(""), TRUE, NO_ENTRIES},
	{"binary", GUESS, IN("\xff\xfe<\0f\0"), FALSE, NO_ENTRIES,
	 "line 1, column 1: invalid UTF-8 (byte 0xFF)"},
};

static TrProfile *
parse_case(Format format, const gchar *input, gsize len, GError **error)
{
	switch (format) {
	case XML:
		return tr_profile_parse_xml((const guint8 *)input, len, error);
	case TEXT:
		return tr_profile_parse_text((const guint8 *)input, len, NULL, NULL, NULL, error);
	default:
		return tr_profile_parse((const guint8 *)input, len, NULL, NULL, NULL, error);
	}
}

static void
assert_entries(const TrProfile *profile, const Expected *expected)
{
	guint n = 0;

	while (n < 6 && expected[n].name != NULL)
		n++;
	g_assert_cmpuint(profile->entries->len, ==, n);
	for (guint i = 0; i < n; i++) {
		const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);
		const Expected *e = &expected[i];

		g_assert_cmpstr(entry->name, ==, e->name);
		if (g_strcmp0(e->value, KEEP) == 0)
			g_assert_null(entry->value);
		else
			g_assert_cmpstr(entry->value, ==, e->value);
		g_assert_cmpstr(entry->access, ==, e->access);
		if (e->line != 0) {
			g_assert_cmpuint(entry->line, ==, e->line);
			g_assert_cmpuint(entry->column, ==, e->column);
		}
		g_assert_cmpuint(entry->line, >=, 1);
		g_assert_cmpuint(entry->column, >=, 1);
	}
}

/* a syntax error, or a bad ua= */
static void
assert_located_error(const GError *error, const gchar *substring)
{
	g_assert_nonnull(error);
	if (!g_error_matches(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER))
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_true(g_utf8_validate(error->message, -1, NULL));
	if (!g_str_has_prefix(error->message, "line ") && strstr(error->message, ": line ") == NULL)
		g_error("'%s' does not say where", error->message);
	if (substring != NULL && strstr(error->message, substring) == NULL)
		g_error("'%s' does not contain '%s'", error->message, substring);
}

static void
test_profile_case(gconstpointer user_data)
{
	const typeof(cases[0]) *tc = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = parse_case(tc->format, tc->input, tc->len, &error);

	if (!tc->ok) {
		g_assert_null(profile);
		assert_located_error(error, tc->error_substring);
		if (tc->bad_value)
			g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
		else
			g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
		g_assert_true(g_str_has_prefix(error->message, "line "));
		return;
	}
	g_assert_no_error(error);
	g_assert_nonnull(profile);
	assert_entries(profile, tc->entries);
	for (guint i = 0; i < profile->entries->len; i++) {
		const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);

		/* the main input has no file name */
		g_assert_null(entry->file);
		/* text entries always say who may see them */
		if (tc->format == TEXT)
			g_assert_nonnull(entry->access);
	}
}

static GBytes *
compress(const gchar *data, gsize len)
{
	g_autoptr(GZlibCompressor) compressor =
		g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
	g_autoptr(GInputStream) base = g_memory_input_stream_new_from_data(data, len, NULL);
	g_autoptr(GInputStream) in = g_converter_input_stream_new(base, G_CONVERTER(compressor));
	g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_output_stream_splice(out, in,
					       G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
						       G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
					       NULL, &error),
			>=, 0);
	g_assert_no_error(error);
	return g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
}

static void
test_profile_gzip(void)
{
	const gchar *xml = "<?xml version=\"1.0\"?>\n<flat-profile>\n"
			   "  <SIP_Transport_1_ ua=\"na\">TLS</SIP_Transport_1_>\n"
			   "  <GPP_B/>\n</flat-profile>\n";
	const gchar *text = "SIP_Transport[1] \"TLS\";\nGPP_B ! ;\n";
	g_autoptr(GBytes) xml_gz = compress(xml, strlen(xml));
	g_autoptr(GBytes) text_gz = compress(text, strlen(text));
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(xml_gz, &len);
	const Expected xml_expected[] = {
		{"SIP_Transport_1_", "TLS", "na", 3, 3}, {"GPP_B", KEEP, NULL, 4, 3}, {NULL}};
	const Expected text_expected[] = {
		{"SIP_Transport_1_", "TLS", "na", 1, 1}, {"GPP_B", KEEP, "rw", 2, 1}, {NULL}};

	g_assert_cmphex(data[0], ==, 0x1f);
	g_assert_cmphex(data[1], ==, 0x8b);
	{
		g_autoptr(TrProfile) profile = tr_profile_parse_xml(data, len, &error);

		g_assert_no_error(error);
		assert_entries(profile, xml_expected);
	}
	{
		g_autoptr(TrProfile) profile =
			tr_profile_parse(data, len, NULL, NULL, NULL, &error);

		g_assert_no_error(error);
		assert_entries(profile, xml_expected);
	}
	data = g_bytes_get_data(text_gz, &len);
	{
		g_autoptr(TrProfile) profile =
			tr_profile_parse_text(data, len, NULL, NULL, NULL, &error);

		g_assert_no_error(error);
		assert_entries(profile, text_expected);
	}
	{
		g_autoptr(TrProfile) profile =
			tr_profile_parse(data, len, NULL, NULL, NULL, &error);

		g_assert_no_error(error);
		assert_entries(profile, text_expected);
	}
}

static void
test_profile_gzip_damaged(void)
{
	const gchar *xml = "<flat-profile><A>1</A></flat-profile>";
	g_autoptr(GBytes) gz = compress(xml, strlen(xml));
	gsize len = 0;
	const guint8 *data = g_bytes_get_data(gz, &len);
	g_autofree guint8 *corrupt = g_memdup2(data, len);

	/* cut short */
	for (gsize cut = 2; cut < len; cut += 3) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrProfile) profile = tr_profile_parse_xml(data, cut, &error);

		g_assert_null(profile);
		assert_located_error(error, "line 1, column 1: ");
		g_assert_true(strstr(error->message, "gzip") != NULL);
	}
	/* a flipped bit in the deflate data or the CRC */
	for (gsize i = 12; i < len; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrProfile) profile = NULL;

		corrupt[i] ^= 0x10;
		profile = tr_profile_parse_xml(corrupt, len, &error);
		corrupt[i] ^= 0x10;
		if (profile == NULL)
			assert_located_error(error, NULL);
	}
}

/* a small gzip file that inflates past the limit is stopped at the limit */
static void
test_profile_gzip_bomb(void)
{
	gsize big = TR_PROFILE_MAX_SIZE + 1;
	g_autofree gchar *spaces = g_malloc(big);
	g_autoptr(GBytes) gz = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	gsize len = 0;
	const guint8 *data;

	memset(spaces, ' ', big);
	gz = compress(spaces, big);
	data = g_bytes_get_data(gz, &len);
	g_test_message("%" G_GSIZE_FORMAT " bytes of gzip inflate to %" G_GSIZE_FORMAT, len, big);
	g_assert_cmpuint(len, <, 100 * 1024);
	profile = tr_profile_parse_text(data, len, NULL, NULL, NULL, &error);
	g_assert_null(profile);
	assert_located_error(error, "line 1, column 1: the gzip data inflates to more than the "
				    "limit of 16777216 bytes");
}

static void
test_profile_size_limit(void)
{
	gsize len = 50 * 1024 * 1024;
	g_autofree gchar *huge = g_malloc(len);
	gint64 start;
	gint64 elapsed;

	/* a valid profile, only too big: nothing is parsed */
	memset(huge, ' ', len);
	memcpy(huge, "<flat-profile><A>", strlen("<flat-profile><A>"));
	memcpy(huge + len - strlen("</A></flat-profile>"), "</A></flat-profile>",
	       strlen("</A></flat-profile>"));
	for (guint i = 0; i < 3; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(TrProfile) profile = NULL;

		start = g_get_monotonic_time();
		if (i == 0)
			profile = tr_profile_parse_xml((const guint8 *)huge, len, &error);
		else if (i == 1)
			profile = tr_profile_parse_text((const guint8 *)huge, len, NULL, NULL, NULL,
							&error);
		else
			profile = tr_profile_parse((const guint8 *)huge, len, NULL, NULL, NULL,
						   &error);
		elapsed = g_get_monotonic_time() - start;
		g_test_message("a 50 MB input refused in %" G_GINT64_FORMAT " us", elapsed);
		g_assert_null(profile);
		assert_located_error(error, "line 1, column 1: the profile is 52428800 bytes, more "
					    "than the limit of 16777216 bytes");
		/* refused before anything is read: far below what a scan would take */
		g_assert_cmpint(elapsed, <, G_USEC_PER_SEC / 10);
	}
}

/* the limit itself is allowed */
static void
test_profile_size_at_limit(void)
{
	gsize len = TR_PROFILE_MAX_SIZE;
	g_autofree gchar *text = g_malloc(len);
	const gchar *tail = "\nA \"1\";";
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	const Expected expected[] = {{"A", "1", "na", 2, 1}, {NULL}};

	memset(text, '#', len);
	memcpy(text + len - strlen(tail), tail, strlen(tail));
	profile = tr_profile_parse_text((const guint8 *)text, len, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	assert_entries(profile, expected);
}

static void
test_profile_entry_limit(void)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;

	for (guint i = 0; i <= 200000; i++)
		g_string_append(text, "A;");
	profile = tr_profile_parse_text((const guint8 *)text->str, text->len, NULL, NULL, NULL,
					&error);
	g_assert_null(profile);
	assert_located_error(error, "line 1, column 400001: the profile has more than 200000 "
				    "entries");
}

/* imports: an in-memory file system */

typedef struct {
	GHashTable *files;   /* name -> GBytes */
	GPtrArray *calls;    /* "name<from" */
	const gchar *prefix; /* added to the resolved names, or NULL */
} Files;

static GBytes *
files_import(const gchar *name, const gchar *from_file, gchar **resolved, gpointer user_data,
	     GError **error)
{
	Files *files = user_data;
	GBytes *bytes = g_hash_table_lookup(files->files, name);

	g_ptr_array_add(files->calls, g_strdup_printf("%s<%s", name, from_file));
	if (bytes == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no file named %s", name);
		return NULL;
	}
	if (files->prefix != NULL)
		*resolved = g_strconcat(files->prefix, name, NULL);
	return g_bytes_ref(bytes);
}

static void
files_add(Files *files, const gchar *name, const gchar *text)
{
	g_hash_table_insert(files->files, g_strdup(name), g_bytes_new(text, strlen(text)));
}

static Files *
files_new(const gchar *first_name, ...)
{
	Files *files = g_new0(Files, 1);
	va_list args;

	files->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify)g_bytes_unref);
	files->calls = g_ptr_array_new_with_free_func(g_free);
	va_start(args, first_name);
	for (const gchar *name = first_name; name != NULL; name = va_arg(args, const gchar *))
		files_add(files, name, va_arg(args, const gchar *));
	va_end(args);
	return files;
}

static void
files_free(Files *files)
{
	g_hash_table_unref(files->files);
	g_ptr_array_unref(files->calls);
	g_free(files);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Files, files_free)

static TrProfile *
files_parse(Files *files, const gchar *main_name, GError **error)
{
	GBytes *bytes = g_hash_table_lookup(files->files, main_name);
	gsize len = 0;
	const guint8 *data;

	g_assert_nonnull(bytes);
	data = g_bytes_get_data(bytes, &len);
	return tr_profile_parse_text(data, len, main_name, files_import, files, error);
}

static void
assert_entry_file(const TrProfile *profile, guint i, const gchar *file, guint line, guint column)
{
	const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);

	g_assert_cmpstr(entry->file, ==, file);
	g_assert_cmpuint(entry->line, ==, line);
	g_assert_cmpuint(entry->column, ==, column);
}

static void
test_import_nested(void)
{
	g_autoptr(Files) files =
		files_new("main.txt", "A \"1\";\n  import a.txt\nC \"3\";\n", "a.txt",
			  "B ! \"2\";\nimport \"b.txt\";\nE ;", "b.txt", "# b\n D ? ;", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);
	const Expected expected[] = {
		{"A", "1", "na"},  {"B", "2", "rw"}, {"D", KEEP, "ro"},
		{"E", KEEP, "na"}, {"C", "3", "na"}, {NULL},
	};

	g_assert_no_error(error);
	assert_entries(profile, expected);
	assert_entry_file(profile, 0, NULL, 1, 1);
	assert_entry_file(profile, 1, "a.txt", 1, 1);
	assert_entry_file(profile, 2, "b.txt", 2, 2);
	assert_entry_file(profile, 3, "a.txt", 3, 1);
	assert_entry_file(profile, 4, NULL, 3, 1);
	/* each import is asked of the file that holds it */
	g_assert_cmpuint(files->calls->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(files->calls, 0), ==, "a.txt<main.txt");
	g_assert_cmpstr(g_ptr_array_index(files->calls, 1), ==, "b.txt<a.txt");
}

static void
test_import_resolved_names(void)
{
	g_autoptr(Files) files = files_new("main.txt", "import a.txt", "a.txt", "import b.txt\nA;",
					   "b.txt", "B;", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;

	files->prefix = "/srv/prov/";
	profile = files_parse(files, "main.txt", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(profile->entries->len, ==, 2);
	assert_entry_file(profile, 0, "/srv/prov/b.txt", 1, 1);
	assert_entry_file(profile, 1, "/srv/prov/a.txt", 2, 1);
	g_assert_cmpstr(g_ptr_array_index(files->calls, 1), ==, "b.txt</srv/prov/a.txt");
}

/* the same file twice is no loop */
static void
test_import_twice(void)
{
	g_autoptr(Files) files =
		files_new("main.txt", "import a.txt; import a.txt;", "a.txt", "A \"1\";", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);

	g_assert_no_error(error);
	g_assert_cmpuint(profile->entries->len, ==, 2);
}

static void
test_import_loop(void)
{
	g_autoptr(Files) files =
		files_new("main.txt", "X;\nimport a.txt\n", "a.txt", "A;\nimport b.txt", "b.txt",
			  "B;\n\n  import a.txt;", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);

	g_assert_null(profile);
	assert_located_error(error, NULL);
	g_assert_cmpstr(error->message, ==,
			"b.txt: line 3, column 3: import loop: a.txt -> b.txt -> a.txt");
}

static void
test_import_self(void)
{
	g_autoptr(Files) files = files_new("main.txt", "A;\nimport main.txt\n", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);

	g_assert_null(profile);
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_cmpstr(error->message, ==, "line 2, column 1: import loop: main.txt -> main.txt");
}

static void
test_import_missing(void)
{
	g_autoptr(Files) files = files_new("main.txt", "A;\nimport a.txt\n", "a.txt",
					   "\n\timport \"no such.txt\"\n", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);

	g_assert_null(profile);
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_cmpstr(error->message, ==,
			"a.txt: line 2, column 2: cannot import no such.txt: no file named no "
			"such.txt");
}

static void
test_import_error_inside(void)
{
	g_autoptr(Files) files = files_new("main.txt", "A;\nimport a.txt\n", "a.txt",
					   "B \"ok\";\nC \"bad \\q\";", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = files_parse(files, "main.txt", &error);

	g_assert_null(profile);
	assert_located_error(error, "a.txt: line 2, column 8: unknown escape \\q");
	g_assert_true(g_str_has_prefix(error->message, "a.txt: line 2, column 8: "));

	/* binary files are refused with the file's name */
	files_add(files, "a.txt", "B;\n\x01\x02");
	g_clear_error(&error);
	g_assert_null(files_parse(files, "main.txt", &error));
	g_assert_cmpstr(error->message, ==,
			"a.txt: line 2, column 1: unexpected control character 0x01");
}

/* a chain of imports: TR_PROFILE_MAX_DEPTH of them are fine, one more is not */
static void
test_import_depth(void)
{
	g_autoptr(Files) files = files_new("f0", "A;\nimport f1\n", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	g_autofree gchar *last = g_strdup_printf("f%u", TR_PROFILE_MAX_DEPTH);
	g_autofree gchar *expected_error = NULL;

	for (guint i = 1; i <= TR_PROFILE_MAX_DEPTH; i++) {
		g_autofree gchar *name = g_strdup_printf("f%u", i);
		g_autofree gchar *text = i < TR_PROFILE_MAX_DEPTH
						 ? g_strdup_printf("A%u;\nimport f%u\n", i, i + 1)
						 : g_strdup_printf("A%u;\n", i);

		files_add(files, name, text);
	}
	profile = files_parse(files, "f0", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(profile->entries->len, ==, TR_PROFILE_MAX_DEPTH + 1);
	assert_entry_file(profile, TR_PROFILE_MAX_DEPTH, last, 1, 1);

	{
		g_autofree gchar *text = g_strdup_printf("import f%u\n", TR_PROFILE_MAX_DEPTH + 1);

		files_add(files, last, text);
	}
	g_clear_pointer(&profile, tr_profile_free);
	profile = files_parse(files, "f0", &error);
	g_assert_null(profile);
	expected_error = g_strdup_printf("%s: line 1, column 1: cannot import f%u: imports are "
					 "nested more than %u levels deep",
					 last, TR_PROFILE_MAX_DEPTH + 1, TR_PROFILE_MAX_DEPTH);
	g_assert_cmpstr(error->message, ==, expected_error);
}

/* a few files that import each other twice per level add up: a limit on the sum */
static void
test_import_total_size(void)
{
	g_autoptr(Files) files = files_new("main.txt", "import l1\nimport l1\n", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	g_autofree gchar *padding = g_strnfill(1024 * 1024, '#');

	for (guint level = 1; level <= 6; level++) {
		g_autofree gchar *name = g_strdup_printf("l%u", level);
		g_autofree gchar *text = g_strdup_printf("%s\nimport l%u\nimport l%u\n", padding,
							 level + 1, level + 1);

		files_add(files, name, text);
	}
	files_add(files, "l7", "A;");
	profile = files_parse(files, "main.txt", &error);
	g_assert_null(profile);
	assert_located_error(error, "the imported files add up to more than the limit of "
				    "16777216 bytes");
}

/* an imported file may be gzip-compressed too */
static void
test_import_gzip(void)
{
	const gchar *text = "B \"2\";\n";
	g_autoptr(Files) files = files_new("main.txt", "A;\nimport b.gz\nC;", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	const Expected expected[] = {
		{"A", KEEP, "na"}, {"B", "2", "na"}, {"C", KEEP, "na"}, {NULL}};

	g_hash_table_insert(files->files, g_strdup("b.gz"), compress(text, strlen(text)));
	profile = files_parse(files, "main.txt", &error);
	g_assert_no_error(error);
	assert_entries(profile, expected);
	assert_entry_file(profile, 1, "b.gz", 1, 1);
}

static void
test_profile_free_null(void)
{
	g_autoptr(TrProfile) profile = tr_profile_new();

	tr_profile_free(NULL);
	g_assert_nonnull(profile->entries);
	g_assert_cmpuint(profile->entries->len, ==, 0);
}

/* random edits of valid profiles never crash, and every error says where */
static void
test_profile_mutations(void)
{
	static const gchar *const seeds[] = {
		"<?xml version=\"1.0\"?>\n<r><flat-profile>\n<A ua=\"rw\">x&amp;y</A>\n<B/>"
		"<C></C><!-- c --></flat-profile></r>",
		"# c\nA[1] ! \"x\\\"y\";\nB ? ;\nC \"\\n\";\nD{2} \"1\";",
	};
	static const gchar alphabet[] = "<>/=\"'&;#!?[]{}\\ \n\taA1:\x01\xc3\xa9\xff";

	for (guint n = 0; n < 20000; n++) {
		guint which = g_test_rand_int_range(0, G_N_ELEMENTS(seeds));
		g_autoptr(GString) str = g_string_new(seeds[which]);
		g_autoptr(GError) error = NULL;
		g_autoptr(TrProfile) profile = NULL;
		guint n_edits = g_test_rand_int_range(1, 5);

		for (guint i = 0; i < n_edits; i++) {
			gint pos = g_test_rand_int_range(0, str->len + 1);
			gchar c = alphabet[g_test_rand_int_range(0, sizeof(alphabet) - 1)];

			switch (g_test_rand_int_range(0, 3)) {
			case 0:
				g_string_insert_c(str, pos, c);
				break;
			case 1:
				if (pos < (gint)str->len)
					str->str[pos] = c;
				break;
			default:
				if (pos < (gint)str->len)
					g_string_erase(str, pos, 1);
				break;
			}
		}
		profile = tr_profile_parse((const guint8 *)str->str, str->len, NULL, NULL, NULL,
					   &error);
		if (profile == NULL) {
			assert_located_error(error, NULL);
			continue;
		}
		for (guint i = 0; i < profile->entries->len; i++) {
			const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);

			g_assert_true(g_utf8_validate(entry->name, -1, NULL));
			g_assert_true(entry->value == NULL ||
				      g_utf8_validate(entry->value, -1, NULL));
			g_assert_cmpuint(entry->line, >=, 1);
		}
	}
}

/* in German: under LANGUAGE=de every message is German, with one position in front */

/* GLib's own messages, once our position is in front: none of their English words */
#define NO_ENGLISH "line", "Line", "column", "char ", "Error"

static const struct {
	const gchar *name;
	Format format;
	const gchar *input;
	gsize len;
	/* the message when every word is ours: always for our own errors, and
	 * for GMarkup's when GLib's catalogue has no German */
	const gchar *message;
	/* GMarkup's errors, with GLib's German: our position, GLib's words
	 * (not these English ones of it), and what we add */
	const gchar *english;
	const gchar *suffix;
} german_cases[] = {
	{"text/unknown-escape", TEXT, IN("A \"x\\q\";"),
	 "Zeile 1, Spalte 5: unbekannte Escape-Sequenz \\q, erwartet wird \\\", \\\\, \\n oder "
	 "\\t"},
	{"text/escape-at-end-of-line", TEXT, IN("A \"x\\\n\";"),
	 "Zeile 1, Spalte 5: unbekannte Escape-Sequenz: auf '\\' folgt das Zeilenende, erwartet "
	 "wird \\\", \\\\, \\n oder \\t"},
	{"text/missing-semicolon-at-end", TEXT, IN("A \"1\";\nB \"2\""),
	 "Zeile 2, Spalte 6: ';' nach dem Wert von B erwartet, stattdessen das Dateiende"},
	{"text/unterminated-string", TEXT, IN("A \"1\";\nB \"abc;\nC;"),
	 "Zeile 2, Spalte 3: nicht abgeschlossener Wert in Anführungszeichen (kein schließendes "
	 "'\"')"},
	{"text/nul-byte", TEXT, IN("A \"1\";\nB \"x\0\";"),
	 "Zeile 2, Spalte 5: unerwartetes NUL-Byte"},
	{"text/import-not-allowed", TEXT, IN("A \"1\";\nimport base.txt\n"),
	 "Zeile 2, Spalte 1: import ist hier nicht erlaubt"},
	{"xml/bad-ua", XML, IN("<flat-profile>\n <A ua=\"xx\">1</A></flat-profile>"),
	 "Zeile 2, Spalte 2: ungültiges ua=\"xx\" bei <A>, erwartet wird \"na\", \"ro\" oder "
	 "\"rw\""},
	{"xml/no-flat-profile", XML, IN("<root><A>1</A></root>"),
	 "Zeile 1, Spalte 1: kein <flat-profile>-Element"},
	{"xml/nesting-100", XML, IN(OPEN_100),
	 "Zeile 1, Spalte 97: Elemente sind mehr als 32 Ebenen tief verschachtelt"},
	{"xml/latin1", XML, IN("<flat-profile><A>caf\xe9</A></flat-profile>"),
	 "Zeile 1, Spalte 21: ungültiges UTF-8 (Byte 0xE9)"},
	/* GMarkup's errors: "Error on line 2 char 8: " and "Error on line 2: " cut off */
	{"xml/mismatched-close-tag", XML, IN("<flat-profile>\n<A>1</B>\n</flat-profile>"),
	 "Zeile 2, Spalte 8: fehlerhaftes XML", "was closed"},
	{"xml/unknown-entity", XML, IN("<flat-profile>\n<A>&nbsp;</A></flat-profile>"),
	 "Zeile 2, Spalte 10: fehlerhaftes XML", "Entity name"},
	{"xml/unclosed-at-end", XML, IN("<flat-profile>\n  <A>1</A>\n  <B>"),
	 "Zeile 3, Spalte 6: das Dokument endet unerwartet (das Element in Zeile 3, Spalte 3 ist "
	 "nicht geschlossen)",
	 "ended unexpectedly", " (das Element in Zeile 3, Spalte 3 ist nicht geschlossen)"},
	{"xml/empty-document", XML, IN(""), "Zeile 1, Spalte 1: das Dokument ist leer",
	 "Document was empty"},
};

/* this process speaks German from here on, with the catalogue of the build */
static void
speak_german(void)
{
	tr_test_speak_german();
	g_assert_cmpstr(_("line %u, column %u"), ==, "Zeile %u, Spalte %u");
}

static gboolean
glib_speaks_german(void)
{
	const gchar *msgid = "Error on line %d char %d: ";

	return g_strcmp0(g_dgettext("glib20", msgid), msgid) != 0;
}

static guint
count_positions(const gchar *message)
{
	g_autoptr(GRegex) position = g_regex_new("Zeile [0-9]+, Spalte [0-9]+", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	guint n = 0;

	g_regex_match(position, message, 0, &match);
	while (g_match_info_matches(match)) {
		n++;
		g_match_info_next(match, NULL);
	}
	return n;
}

static void
assert_german_case(guint i)
{
	static const gchar *const english[] = {NO_ENGLISH};
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = parse_case(german_cases[i].format, german_cases[i].input,
						  german_cases[i].len, &error);
	const gchar *msg;
	g_autofree gchar *prefix = NULL;

	g_assert_null(profile);
	g_assert_nonnull(error);
	if (g_str_equal(german_cases[i].name, "xml/bad-ua"))
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER);
	else
		g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	msg = error->message;
	g_test_message("%s", msg);
	g_assert_true(g_utf8_validate(msg, -1, NULL));
	if (german_cases[i].english == NULL || !glib_speaks_german()) {
		g_assert_cmpstr(msg, ==, german_cases[i].message);
		return;
	}

	/* GLib's German after our position, once; then what we add */
	prefix = g_strndup(german_cases[i].message,
			   strstr(german_cases[i].message, ": ") + 2 - german_cases[i].message);
	g_assert_true(g_str_has_prefix(msg, prefix));
	if (german_cases[i].suffix != NULL)
		g_assert_true(g_str_has_suffix(msg, german_cases[i].suffix));
	g_assert_cmpuint(count_positions(msg), ==, count_positions(german_cases[i].message));
	g_assert_null(strstr(msg, german_cases[i].english));
	for (guint j = 0; j < G_N_ELEMENTS(english); j++)
		g_assert_null(strstr(msg, english[j]));
	/* GLib's own position, "Fehler in Zeile 2, Zeichen 8: ", is gone */
	g_assert_null(strstr(msg, "Fehler in Zeile"));
	g_assert_null(strstr(msg, "Zeichen"));
}

static void
test_profile_german(gconstpointer user_data)
{
	if (g_test_subprocess()) {
		speak_german();
		assert_german_case(GPOINTER_TO_UINT(user_data));
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
	g_test_trap_assert_passed();
}

/* GLib without its catalogue speaks English: GMarkup's errors in our words then */
static void
test_profile_german_glib_english(gconstpointer user_data)
{
	const gchar *msgid = "Error on line %d char %d: ";

	if (g_test_subprocess()) {
		g_autoptr(GError) error = NULL;

		speak_german();
		/* GLib binds its text domain at its first message: after that, elsewhere */
		g_assert_null(tr_profile_parse_xml((const guint8 *)"<", 1, &error));
		bindtextdomain("glib20", "/nonexistent");
		g_assert_cmpstr(g_dgettext("glib20", msgid), ==, msgid);
		assert_german_case(GPOINTER_TO_UINT(user_data));
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
	g_test_trap_assert_passed();
}

int
main(int argc, char **argv)
{
	static const gchar *const format_names[] = {"xml", "text", "guess"};

	g_test_init(&argc, &argv, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/profile-parser/%s/%s/%s", format_names[cases[i].format],
					cases[i].ok ? "valid" : "invalid", cases[i].name);
		g_test_add_data_func(path, &cases[i], test_profile_case);
	}
	g_test_add_func("/profile-parser/gzip/xml-and-text", test_profile_gzip);
	g_test_add_func("/profile-parser/gzip/damaged", test_profile_gzip_damaged);
	g_test_add_func("/profile-parser/gzip/bomb", test_profile_gzip_bomb);
	g_test_add_func("/profile-parser/limits/50mb", test_profile_size_limit);
	g_test_add_func("/profile-parser/limits/size-at-limit", test_profile_size_at_limit);
	g_test_add_func("/profile-parser/limits/entries", test_profile_entry_limit);
	g_test_add_func("/profile-parser/import/nested", test_import_nested);
	g_test_add_func("/profile-parser/import/resolved-names", test_import_resolved_names);
	g_test_add_func("/profile-parser/import/twice", test_import_twice);
	g_test_add_func("/profile-parser/import/loop", test_import_loop);
	g_test_add_func("/profile-parser/import/self", test_import_self);
	g_test_add_func("/profile-parser/import/missing", test_import_missing);
	g_test_add_func("/profile-parser/import/error-inside", test_import_error_inside);
	g_test_add_func("/profile-parser/import/depth", test_import_depth);
	g_test_add_func("/profile-parser/import/total-size", test_import_total_size);
	g_test_add_func("/profile-parser/import/gzip", test_import_gzip);
	g_test_add_func("/profile-parser/free-null", test_profile_free_null);
	g_test_add_func("/profile-parser/mutations", test_profile_mutations);
	for (guint i = 0; i < G_N_ELEMENTS(german_cases); i++) {
		g_autofree gchar *path =
			g_strdup_printf("/profile-parser/german/%s", german_cases[i].name);

		g_test_add_data_func(path, GUINT_TO_POINTER(i), test_profile_german);
		if (german_cases[i].english == NULL)
			continue;
		g_clear_pointer(&path, g_free);
		path = g_strdup_printf("/profile-parser/german-glib-english/%s",
				       german_cases[i].name);
		g_test_add_data_func(path, GUINT_TO_POINTER(i), test_profile_german_glib_english);
	}
	return g_test_run();
}
