/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tr-error.h"
#include "tr-tone.h"

#define ZEROS_10 "0000000000"
#define ZEROS_130                                                                                  \
	ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10 ZEROS_10  \
		ZEROS_10 ZEROS_10 ZEROS_10

/* name is the last part of the test path */
static const struct {
	const gchar *name;
	const gchar *text;
	gboolean ok;
	const gchar *error_substring;
} cases[] = {
	/* the examples of the SPA manuals */
	{"dial", "350@-19,440@-19;10(*/0/1+2)", TRUE, NULL},
	{"busy", "480@-19,620@-19;10(.5/.5/1+2)", TRUE, NULL},
	{"ringback", "440@-19,480@-19;*(2/4/1+2)", TRUE, NULL},
	{"stutter", "350@-19,440@-19;2(.1/.1/1+2);10(*/0/1+2)", TRUE, NULL},
	{"sit", "985@-16,1428@-16,1777@-16;20(.380/0/1,.380/0/2,.380/0/3,0/4/0)", TRUE, NULL},
	{"three-elements", "600@-19;*(.2/.2/1,.2/.2/1,.2/3/1)", TRUE, NULL},
	/* limits and lenient number forms */
	{"six-frequencies", "100@-10,200@-10,300@-10,400@-10,500@-10,600@-10;1(1/1/1+2+3+4+5+6)",
	 TRUE, NULL},
	{"six-elements", "440@-19;*(.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1)", TRUE, NULL},
	{"range-limits", "1@-90,4000@10;1(1/1/1+2)", TRUE, NULL},
	{"plus-sign-and-fractions", "440@+5.5;0.5(0.250/1./1)", TRUE, NULL},
	{"on-off-forever", "440@-19;*(*/*/1)", TRUE, NULL},
	{"silence", "440@-19;1(0/1/0)", TRUE, NULL},
	{"zero-level", "440@-0;1(1/0/1)", TRUE, NULL},
	{"unordered-components", "350@-19,440@-19;1(1/1/2+1)", TRUE, NULL},
	{"leading-zeros", "0440@-019.50;010(00.1/0/01)", TRUE, NULL},
	/* structure */
	{"empty", "", FALSE,
	 "at column 1: expected a frequency in Hz, found the end of the script"},
	{"semicolon-only", ";", FALSE, "at column 1: expected a frequency in Hz, found ';'"},
	{"missing-frequency", "@-19;1(1/0/1)", FALSE, "at column 1: expected a frequency in Hz"},
	{"leading-comma", ",440@-19;1(1/0/1)", FALSE, "at column 1: expected a frequency in Hz"},
	{"missing-semicolon", "350@-19,440@-19", FALSE,
	 "at column 16: expected ',' or ';' after the level, found the end of the script"},
	{"missing-semicolon-before-segment", "350@-19(10/0/1)", FALSE,
	 "at column 8: expected ',' or ';' after the level, found '('"},
	{"missing-at", "350-19;10(*/0/1)", FALSE, "at column 4: expected '@'"},
	{"missing-level", "350@;1(1/0/1)", FALSE,
	 "at column 5: expected a level in dBm after '@', found ';'"},
	{"double-sign", "440@--19;1(1/0/1)", FALSE, "at column 6: expected a level in dBm"},
	{"fractional-frequency", "350.5@-19;1(1/0/1)", FALSE, "at column 4: expected '@'"},
	{"no-segment", "440@-19;", FALSE,
	 "at column 9: expected a segment duration in seconds or '*', found the end"},
	{"missing-open-paren", "440@-19;11/0/1)", FALSE,
	 "at column 11: expected '(' after the segment duration, found '/'"},
	{"missing-close-paren", "440@-19;1(1/0/1", FALSE,
	 "at column 16: expected ',' or ')' after the frequency numbers, found the end"},
	{"extra-close-paren", "440@-19;1(1/0/1))", FALSE,
	 "at column 17: expected ';' or the end of the script after ')', found ')'"},
	{"empty-parens", "440@-19;1()", FALSE, "at column 11: expected an on time in seconds"},
	{"trailing-semicolon", "440@-19;1(1/0/1);", FALSE,
	 "at column 18: expected a segment duration"},
	{"trailing-digit", "440@-19;1(1/0/1)5", FALSE, "at column 17: expected ';' or the end"},
	{"trailing-letter", "440@-19;1(1/0/1)x", FALSE, "at column 17: unexpected character 'x'"},
	{"letters", "abc", FALSE, "at column 1: unexpected character 'a'"},
	/* ranges and limits */
	{"level-too-low", "440@-91;1(1/0/1)", FALSE,
	 "at column 5: level -91 dBm is out of range, expected -90 to 10"},
	{"level-too-high", "440@10.5;1(1/0/1)", FALSE,
	 "at column 5: level 10.5 dBm is out of range"},
	{"frequency-zero", "0@-19;1(1/0/1)", FALSE,
	 "at column 1: frequency 0 Hz is out of range, expected 1 to 4000"},
	{"frequency-5000", "350@-19,5000@-19;1(1/0/1)", FALSE,
	 "at column 9: frequency 5000 Hz is out of range"},
	{"frequency-overflow", "99999999999999999999999@-19;1(1/0/1)", FALSE,
	 "at column 1: frequency 99999999999999999999999 Hz is out of range"},
	{"seven-frequencies", "1@0,2@0,3@0,4@0,5@0,6@0,7@0;1(1/0/1)", FALSE,
	 "at column 25: a tone script has at most 6 frequencies"},
	{"three-segments", "350@-19;1(1/0/1);1(1/0/1);1(1/0/1)", FALSE,
	 "at column 26: a tone script has at most 2 segments"},
	{"seven-elements", "440@-19;*(.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1,.1/.1/1)",
	 FALSE, "at column 59: a segment has at most 6 elements"},
	{"component-beyond-frequencies", "350@-19,440@-19;10(*/0/1+3)", FALSE,
	 "at column 26: frequency number 3 is out of range, expected 1 to 2"},
	{"component-7-of-6", "1@0,2@0,3@0,4@0,5@0,6@0;1(1/0/7)", FALSE,
	 "at column 31: frequency number 7 is out of range, expected 1 to 6"},
	{"component-zero-in-list", "350@-19,440@-19;1(1/0/1+0)", FALSE,
	 "at column 25: frequency number 0 is out of range"},
	{"component-repeated", "350@-19,440@-19;1(1/0/1+1)", FALSE,
	 "at column 25: frequency number 1 is repeated"},
	{"silence-combined", "440@-19;1(1/0/0+1)", FALSE,
	 "at column 16: silence '0' cannot be combined with frequencies"},
	/* times */
	{"dangling-plus", "350@-19,440@-19;10(*/0/1+)", FALSE,
	 "at column 26: expected a frequency number after '+', found ')'"},
	{"negative-duration", "440@-19;-1(1/0/1)", FALSE,
	 "at column 9: expected a segment duration in seconds or '*', found '-'"},
	{"negative-on-time", "440@-19;1(-1/0/1)", FALSE, "at column 11: expected an on time"},
	{"missing-on-time", "440@-19;1(/0/1)", FALSE, "at column 11: expected an on time"},
	{"double-slash", "440@-19;1(1//1)", FALSE,
	 "at column 13: expected an off time in seconds or '*', found '/'"},
	{"missing-components", "440@-19;1(1/0/)", FALSE,
	 "at column 15: expected frequency numbers such as '1+2', or '0' for silence"},
	{"missing-off-time", "440@-19;1(1/0)", FALSE,
	 "at column 14: expected '/' after the off time"},
	{"two-dots", "440@-19;1(1.2.3/0/1)", FALSE, "at column 14: expected '/' after the on time"},
	{"lone-dot", "440@-19;.(1/0/1)", FALSE, "at column 9: expected a segment duration"},
	/* characters */
	{"space-after-comma", "350@-19, 440@-19;10(*/0/1+2)", FALSE,
	 "at column 9: whitespace is not allowed"},
	{"leading-space", " 440@-19;1(1/0/1)", FALSE, "at column 1: whitespace is not allowed"},
	{"trailing-newline", "440@-19;1(1/0/1)\n", FALSE,
	 "at column 17: whitespace is not allowed"},
	{"tab", "440@-19;1(1/0/1)\t", FALSE, "at column 17: whitespace is not allowed"},
	{"unicode-minus",
	 "440@\xe2\x88\x92"
	 "19;1(1/0/1)",
	 FALSE, "at column 5: unexpected non-ASCII byte 0xE2"},
	{"latin1", "440@-19;1(1/0/1)\xe9", FALSE, "at column 17: unexpected non-ASCII byte 0xE9"},
	{"binary-garbage", "\x01\x02\x7f\xfe\x80\x1b[0m", FALSE,
	 "at column 1: unexpected control character 0x01"},
	{"binary-after-valid-prefix", "440@-19;\x7f\x7f", FALSE,
	 "at column 9: unexpected control character 0x7F"},
	{"too-long", "350@-19." ZEROS_130 ";10(*/0/1+2)", FALSE,
	 "at column 128: a tone script has at most 127 characters"},
};

static void
assert_script_equal(const TrToneScript *a, const TrToneScript *b)
{
	g_assert_cmpuint(a->n_frequencies, ==, b->n_frequencies);
	for (guint i = 0; i < a->n_frequencies; i++) {
		g_assert_cmpuint(a->frequencies[i].frequency, ==, b->frequencies[i].frequency);
		g_assert_cmpfloat(a->frequencies[i].level, ==, b->frequencies[i].level);
	}
	g_assert_cmpuint(a->n_segments, ==, b->n_segments);
	for (guint i = 0; i < a->n_segments; i++) {
		const TrToneSegment *sa = &a->segments[i];
		const TrToneSegment *sb = &b->segments[i];

		g_assert_cmpfloat(sa->duration, ==, sb->duration);
		g_assert_cmpuint(sa->n_elements, ==, sb->n_elements);
		for (guint j = 0; j < sa->n_elements; j++) {
			g_assert_cmpfloat(sa->elements[j].on, ==, sb->elements[j].on);
			g_assert_cmpfloat(sa->elements[j].off, ==, sb->elements[j].off);
			g_assert_cmpuint(sa->elements[j].components, ==,
					 sb->elements[j].components);
		}
	}
}

/* parse -> to_string -> parse gives an equal script, and to_string is stable */
static void
assert_round_trip(const TrToneScript *script)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = tr_tone_script_to_string(script);
	g_autofree gchar *text2 = NULL;
	TrToneScript again;

	g_assert_nonnull(text);
	g_assert_true(tr_tone_script_parse(text, &again, &error));
	g_assert_no_error(error);
	assert_script_equal(script, &again);
	text2 = tr_tone_script_to_string(&again);
	g_assert_cmpstr(text, ==, text2);
}

static void
test_tone_case(gconstpointer user_data)
{
	const typeof(cases[0]) *tc = user_data;
	g_autoptr(GError) error = NULL;
	TrToneScript script;
	gboolean ok;

	ok = tr_tone_script_parse(tc->text, &script, &error);
	if (tc->ok) {
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_true(tr_tone_script_parse(tc->text, NULL, NULL));
		assert_round_trip(&script);
		return;
	}
	g_assert_false(ok);
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_true(g_str_has_prefix(error->message, "at column "));
	if (strstr(error->message, tc->error_substring) == NULL)
		g_error("'%s' does not contain '%s'", error->message, tc->error_substring);
	g_assert_false(tr_tone_script_parse(tc->text, NULL, NULL));
}

static void
test_tone_dial(void)
{
	g_autoptr(GError) error = NULL;
	TrToneScript script;

	g_assert_true(tr_tone_script_parse("350@-19,440@-19;10(*/0/1+2)", &script, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(script.n_frequencies, ==, 2);
	g_assert_cmpuint(script.frequencies[0].frequency, ==, 350);
	g_assert_cmpfloat(script.frequencies[0].level, ==, -19);
	g_assert_cmpuint(script.frequencies[1].frequency, ==, 440);
	g_assert_cmpfloat(script.frequencies[1].level, ==, -19);
	g_assert_cmpuint(script.n_segments, ==, 1);
	g_assert_cmpfloat(script.segments[0].duration, ==, 10);
	g_assert_cmpuint(script.segments[0].n_elements, ==, 1);
	g_assert_cmpfloat(script.segments[0].elements[0].on, <, 0);
	g_assert_cmpfloat(script.segments[0].elements[0].off, ==, 0);
	g_assert_cmpuint(script.segments[0].elements[0].components, ==, 0x3);
}

static void
test_tone_sit(void)
{
	TrToneScript script;
	const TrToneSegment *segment = &script.segments[0];

	g_assert_true(tr_tone_script_parse(
		"985@-16,1428@-16,1777@-16;20(.380/0/1,.380/0/2,.380/0/3,0/4/0)", &script, NULL));
	g_assert_cmpuint(script.n_frequencies, ==, 3);
	g_assert_cmpuint(script.frequencies[2].frequency, ==, 1777);
	g_assert_cmpfloat(script.frequencies[2].level, ==, -16);
	g_assert_cmpuint(script.n_segments, ==, 1);
	g_assert_cmpfloat(segment->duration, ==, 20);
	g_assert_cmpuint(segment->n_elements, ==, 4);
	g_assert_cmpfloat(segment->elements[0].on, ==, 0.38);
	g_assert_cmpuint(segment->elements[0].components, ==, 1 << 0);
	g_assert_cmpuint(segment->elements[1].components, ==, 1 << 1);
	g_assert_cmpuint(segment->elements[2].components, ==, 1 << 2);
	g_assert_cmpfloat(segment->elements[3].on, ==, 0);
	g_assert_cmpfloat(segment->elements[3].off, ==, 4);
	g_assert_cmpuint(segment->elements[3].components, ==, 0);
}

static void
test_tone_canonical(void)
{
	static const struct {
		const gchar *text;
		const gchar *canonical;
	} canon[] = {
		{"350@-19,440@-19;10(*/0/1+2)", "350@-19,440@-19;10(*/0/1+2)"},
		{"985@-16,1428@-16,1777@-16;20(.380/0/1,.380/0/2,.380/0/3,0/4/0)",
		 "985@-16,1428@-16,1777@-16;20(.38/0/1,.38/0/2,.38/0/3,0/4/0)"},
		{"440@+5.50;0.5(00.250/1./1)", "440@5.5;.5(.25/1/1)"},
		{"440@-0;1(1/0/1)", "440@0;1(1/0/1)"},
		{"440@-19.5;1(1/0/1)", "440@-19.5;1(1/0/1)"},
		{"440@-.5;1(1/0/1)", "440@-.5;1(1/0/1)"},
		{"350@-19,440@-19;1(1/1/2+1)", "350@-19,440@-19;1(1/1/1+2)"},
		{"0440@-019.50;010(00.1/0/01)", "440@-19.5;10(.1/0/1)"},
		{"440@-19;*(*/*/0)", "440@-19;*(*/*/0)"},
		{"440@-19;.123456789(1.000000001/0/1)", "440@-19;.123456789(1.000000001/0/1)"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(canon); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *str = NULL;
		TrToneScript script;

		g_assert_true(tr_tone_script_parse(canon[i].text, &script, &error));
		g_assert_no_error(error);
		str = tr_tone_script_to_string(&script);
		g_assert_cmpstr(str, ==, canon[i].canonical);
	}
}

static void
test_tone_to_string_built(void)
{
	TrToneScript script = {
		.n_frequencies = 2,
		.frequencies = {{.frequency = 480, .level = -19}, {.frequency = 620, .level = -19}},
		.n_segments = 2,
		.segments = {{.duration = 2,
			      .n_elements = 1,
			      .elements = {{.on = 0.1, .off = 0.1, .components = 0x3}}},
			     {.duration = -1,
			      .n_elements = 2,
			      .elements = {{.on = 0.5, .off = 0.25, .components = 0x2},
					   {.on = 0, .off = -1, .components = 0}}}},
	};
	g_autofree gchar *str = tr_tone_script_to_string(&script);

	g_assert_cmpstr(str, ==, "480@-19,620@-19;2(.1/.1/1+2);*(.5/.25/2,0/*/0)");
	assert_round_trip(&script);
}

static void
test_tone_failure_keeps_script(void)
{
	g_autoptr(GError) error = NULL;
	TrToneScript script;
	TrToneScript before;

	g_assert_true(tr_tone_script_parse("440@-19;1(1/0/1)", &script, NULL));
	before = script;
	g_assert_false(tr_tone_script_parse("350@-19,440@-19;2(1/0/1+3)", &script, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	assert_script_equal(&script, &before);
}

static void
test_tone_max_length(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) str = g_string_new("350@-19.");
	g_autofree gchar *huge = NULL;
	const gchar *tail = ";10(*/0/1)";

	/* exactly the maximum is fine, one more is not */
	while (str->len + strlen(tail) < TR_TONE_SCRIPT_MAX_LENGTH)
		g_string_append_c(str, '0');
	g_string_append(str, tail);
	g_assert_cmpuint(str->len, ==, TR_TONE_SCRIPT_MAX_LENGTH);
	g_assert_true(tr_tone_script_parse(str->str, NULL, &error));
	g_assert_no_error(error);
	g_string_insert_c(str, 8, '0');
	g_assert_false(tr_tone_script_parse(str->str, NULL, &error));
	g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
	g_assert_nonnull(strstr(error->message, "at column 128:"));
	g_clear_error(&error);

	/* a megabyte of junk is refused at the limit, not scanned */
	huge = g_malloc(1024 * 1024 + 1);
	memset(huge, '9', 1024 * 1024);
	huge[1024 * 1024] = '\0';
	g_assert_false(tr_tone_script_parse(huge, NULL, &error));
	g_assert_nonnull(strstr(error->message, "at column 128:"));
}

/*
 * the critical is expected: not fatal and counted, without a subprocess whose
 * GLib helper thread valgrind would report
 */
static void
tone_count_null_text_handler(const gchar *log_domain, GLogLevelFlags log_level,
			     const gchar *message, gpointer user_data)
{
	guint *n_criticals = user_data;

	if ((log_level & G_LOG_LEVEL_CRITICAL) != 0 && strstr(message, "text != NULL") != NULL) {
		(*n_criticals)++;
		return;
	}
	g_log_default_handler(log_domain, log_level, message, NULL);
}

static void
test_tone_null_text(void)
{
	guint n_criticals = 0;
	GLogLevelFlags always_fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
	GLogFunc handler = g_log_set_default_handler(tone_count_null_text_handler, &n_criticals);

	g_assert_false(tr_tone_script_parse(NULL, NULL, NULL));
	g_log_set_default_handler(handler, NULL);
	g_log_set_always_fatal(always_fatal);
	g_assert_cmpuint(n_criticals, ==, 1);
}

/* random edits of valid scripts never crash, and every result is consistent */
static void
test_tone_fuzz(void)
{
	static const gchar alphabet[] = "0123456789@,;()/*+-. x\x01\xff";

	for (guint n = 0; n < 20000; n++) {
		const gchar *seed = cases[g_test_rand_int_range(0, 6)].text;
		g_autoptr(GString) str = g_string_new(seed);
		g_autoptr(GError) error = NULL;
		guint n_edits = g_test_rand_int_range(1, 4);
		TrToneScript script;

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
		if (tr_tone_script_parse(str->str, &script, &error)) {
			assert_round_trip(&script);
		} else {
			guint64 column = 0;

			g_assert_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT);
			g_assert_true(g_str_has_prefix(error->message, "at column "));
			column = g_ascii_strtoull(error->message + strlen("at column "), NULL, 10);
			g_assert_cmpuint(column, >=, 1);
			g_assert_cmpuint(column, <=, str->len + 1);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path = g_strdup_printf(
			"/tone/parse/%s/%s", cases[i].ok ? "valid" : "invalid", cases[i].name);
		g_test_add_data_func(path, &cases[i], test_tone_case);
	}
	g_test_add_func("/tone/dial", test_tone_dial);
	g_test_add_func("/tone/sit", test_tone_sit);
	g_test_add_func("/tone/canonical", test_tone_canonical);
	g_test_add_func("/tone/to-string-built", test_tone_to_string_built);
	g_test_add_func("/tone/failure-keeps-script", test_tone_failure_keeps_script);
	g_test_add_func("/tone/max-length", test_tone_max_length);
	g_test_add_func("/tone/null-text", test_tone_null_text);
	g_test_add_func("/tone/fuzz", test_tone_fuzz);
	return g_test_run();
}
