/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tr-error.h"
#include "tr-tone.h"

#define TR_TONE_FREQUENCY_MIN 1
#define TR_TONE_FREQUENCY_MAX 4000
#define TR_TONE_LEVEL_MIN     -90.0
#define TR_TONE_LEVEL_MAX     10.0

/* a time of '*' */
#define TR_TONE_FOREVER -1.0

typedef struct {
	const gchar *text;
	gsize pos;
} TrToneParser;

static gchar
tr_tone_parser_peek(const TrToneParser *parser)
{
	return parser->text[parser->pos];
}

static gboolean
tr_tone_parser_accept(TrToneParser *parser, gchar c)
{
	if (tr_tone_parser_peek(parser) != c)
		return FALSE;
	parser->pos++;
	return TRUE;
}

/* every message starts with the 1-based column it is about */
G_GNUC_PRINTF(3, 4)
static void
tr_tone_set_error(GError **error, gsize pos, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *msg = NULL;

	va_start(args, format);
	msg = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT, "at column %" G_GSIZE_FORMAT ": %s",
		    pos + 1, msg);
}

static void
tr_tone_parser_expected(const TrToneParser *parser, const gchar *what, GError **error)
{
	gchar c = tr_tone_parser_peek(parser);

	if (c == '\0') {
		tr_tone_set_error(error, parser->pos, "expected %s, found the end of the script",
				  what);
		return;
	}
	tr_tone_set_error(error, parser->pos, "expected %s, found '%c'", what, c);
}

/*
 * a tone script is digits and a few punctuation marks, so anything else gets a
 * precise message before parsing; as this stops at the first non-ASCII byte,
 * byte and character columns agree in every message
 */
static gboolean
tr_tone_check_characters(const gchar *text, GError **error)
{
	for (gsize i = 0; text[i] != '\0'; i++) {
		guchar c = (guchar)text[i];

		if (i >= TR_TONE_SCRIPT_MAX_LENGTH) {
			tr_tone_set_error(error, i, "a tone script has at most %u characters",
					  (guint)TR_TONE_SCRIPT_MAX_LENGTH);
			return FALSE;
		}
		if (g_ascii_isdigit(c) || strchr("@,;()/*+-.", c) != NULL)
			continue;
		if (c >= 0x80) {
			tr_tone_set_error(
				error, i,
				"unexpected non-ASCII byte 0x%02X, a tone script is plain ASCII",
				c);
			return FALSE;
		}
		if (g_ascii_isspace(c)) {
			tr_tone_set_error(error, i, "whitespace is not allowed in a tone script");
			return FALSE;
		}
		if (g_ascii_iscntrl(c)) {
			tr_tone_set_error(error, i, "unexpected control character 0x%02X", c);
			return FALSE;
		}
		tr_tone_set_error(error, i, "unexpected character '%c'", c);
		return FALSE;
	}
	return TRUE;
}

/* digits, saturating at G_MAXUINT; FALSE without consuming if there are none */
static gboolean
tr_tone_parser_uint(TrToneParser *parser, guint *value)
{
	guint64 acc = 0;

	if (!g_ascii_isdigit(tr_tone_parser_peek(parser)))
		return FALSE;
	while (g_ascii_isdigit(tr_tone_parser_peek(parser))) {
		acc = MIN(acc * 10 + (guint)(tr_tone_parser_peek(parser) - '0'), G_MAXUINT);
		parser->pos++;
	}
	*value = (guint)acc;
	return TRUE;
}

/* digits with an optional single '.', at least one digit: `10`, `.5`, `0.380`, `5.` */
static gboolean
tr_tone_parser_decimal(TrToneParser *parser, gdouble *value)
{
	gsize start = parser->pos;
	guint n_digits = 0;
	g_autofree gchar *str = NULL;

	while (g_ascii_isdigit(tr_tone_parser_peek(parser))) {
		parser->pos++;
		n_digits++;
	}
	if (tr_tone_parser_accept(parser, '.')) {
		while (g_ascii_isdigit(tr_tone_parser_peek(parser))) {
			parser->pos++;
			n_digits++;
		}
	}
	if (n_digits == 0) {
		parser->pos = start;
		return FALSE;
	}
	str = g_strndup(parser->text + start, parser->pos - start);
	*value = g_ascii_strtod(str, NULL);
	return TRUE;
}

/* seconds or '*' */
static gboolean
tr_tone_parser_time(TrToneParser *parser, const gchar *what, gdouble *value, GError **error)
{
	if (tr_tone_parser_accept(parser, '*')) {
		*value = TR_TONE_FOREVER;
		return TRUE;
	}
	if (!tr_tone_parser_decimal(parser, value)) {
		g_autofree gchar *expected = g_strdup_printf("%s in seconds or '*'", what);
		tr_tone_parser_expected(parser, expected, error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
tr_tone_parser_frequency(TrToneParser *parser, TrToneFrequency *freq, GError **error)
{
	gsize start = parser->pos;
	gboolean negative = FALSE;
	gdouble level = 0;

	if (!tr_tone_parser_uint(parser, &freq->frequency)) {
		tr_tone_parser_expected(parser, "a frequency in Hz", error);
		return FALSE;
	}
	if (freq->frequency < TR_TONE_FREQUENCY_MIN || freq->frequency > TR_TONE_FREQUENCY_MAX) {
		tr_tone_set_error(error, start,
				  "frequency %.*s Hz is out of range, expected %u to %u",
				  (gint)(parser->pos - start), parser->text + start,
				  (guint)TR_TONE_FREQUENCY_MIN, (guint)TR_TONE_FREQUENCY_MAX);
		return FALSE;
	}
	if (!tr_tone_parser_accept(parser, '@')) {
		tr_tone_parser_expected(parser, "'@' and a level after the frequency", error);
		return FALSE;
	}

	start = parser->pos;
	if (tr_tone_parser_accept(parser, '-'))
		negative = TRUE;
	else
		tr_tone_parser_accept(parser, '+');
	if (!tr_tone_parser_decimal(parser, &level)) {
		tr_tone_parser_expected(parser, "a level in dBm after '@'", error);
		return FALSE;
	}
	if (negative)
		level = -level;
	if (level < TR_TONE_LEVEL_MIN || level > TR_TONE_LEVEL_MAX) {
		tr_tone_set_error(error, start, "level %.*s dBm is out of range, expected %g to %g",
				  (gint)(parser->pos - start), parser->text + start,
				  TR_TONE_LEVEL_MIN, TR_TONE_LEVEL_MAX);
		return FALSE;
	}
	/* -0 is 0, so that equal scripts compare equal */
	freq->level = level == 0 ? 0 : level;
	return TRUE;
}

/* `0` for silence, or `N[+N...]` with each N a 1-based index into the frequencies */
static gboolean
tr_tone_parser_components(TrToneParser *parser, guint n_frequencies, guint *components,
			  GError **error)
{
	gsize start = parser->pos;
	guint index = 0;

	*components = 0;
	if (!tr_tone_parser_uint(parser, &index)) {
		tr_tone_parser_expected(
			parser, "frequency numbers such as '1+2', or '0' for silence", error);
		return FALSE;
	}
	if (index == 0) {
		if (tr_tone_parser_peek(parser) == '+') {
			tr_tone_set_error(error, parser->pos,
					  "silence '0' cannot be combined with frequencies");
			return FALSE;
		}
		return TRUE;
	}
	for (;;) {
		guint bit;

		if (index < 1 || index > n_frequencies) {
			tr_tone_set_error(error, start,
					  "frequency number %.*s is out of range, expected 1 to %u",
					  (gint)(parser->pos - start), parser->text + start,
					  n_frequencies);
			return FALSE;
		}
		bit = 1u << (index - 1);
		if ((*components & bit) != 0) {
			tr_tone_set_error(error, start, "frequency number %u is repeated", index);
			return FALSE;
		}
		*components |= bit;

		if (!tr_tone_parser_accept(parser, '+'))
			return TRUE;
		start = parser->pos;
		if (!tr_tone_parser_uint(parser, &index)) {
			tr_tone_parser_expected(parser, "a frequency number after '+'", error);
			return FALSE;
		}
	}
}

static gboolean
tr_tone_parser_element(TrToneParser *parser, guint n_frequencies, TrToneElement *element,
		       GError **error)
{
	if (!tr_tone_parser_time(parser, "an on time", &element->on, error))
		return FALSE;
	if (!tr_tone_parser_accept(parser, '/')) {
		tr_tone_parser_expected(parser, "'/' after the on time", error);
		return FALSE;
	}
	if (!tr_tone_parser_time(parser, "an off time", &element->off, error))
		return FALSE;
	if (!tr_tone_parser_accept(parser, '/')) {
		tr_tone_parser_expected(parser, "'/' after the off time", error);
		return FALSE;
	}
	return tr_tone_parser_components(parser, n_frequencies, &element->components, error);
}

static gboolean
tr_tone_parser_segment(TrToneParser *parser, guint n_frequencies, TrToneSegment *segment,
		       GError **error)
{
	if (!tr_tone_parser_time(parser, "a segment duration", &segment->duration, error))
		return FALSE;
	if (!tr_tone_parser_accept(parser, '(')) {
		tr_tone_parser_expected(parser, "'(' after the segment duration", error);
		return FALSE;
	}
	do {
		if (segment->n_elements == G_N_ELEMENTS(segment->elements)) {
			tr_tone_set_error(error, parser->pos, "a segment has at most %u elements",
					  (guint)G_N_ELEMENTS(segment->elements));
			return FALSE;
		}
		if (!tr_tone_parser_element(parser, n_frequencies,
					    &segment->elements[segment->n_elements], error))
			return FALSE;
		segment->n_elements++;
	} while (tr_tone_parser_accept(parser, ','));
	if (!tr_tone_parser_accept(parser, ')')) {
		tr_tone_parser_expected(parser, "',' or ')' after the frequency numbers", error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
tr_tone_parser_script(TrToneParser *parser, TrToneScript *script, GError **error)
{
	do {
		if (script->n_frequencies == G_N_ELEMENTS(script->frequencies)) {
			tr_tone_set_error(error, parser->pos,
					  "a tone script has at most %u frequencies",
					  (guint)G_N_ELEMENTS(script->frequencies));
			return FALSE;
		}
		if (!tr_tone_parser_frequency(parser, &script->frequencies[script->n_frequencies],
					      error))
			return FALSE;
		script->n_frequencies++;
	} while (tr_tone_parser_accept(parser, ','));
	if (!tr_tone_parser_accept(parser, ';')) {
		tr_tone_parser_expected(parser, "',' or ';' after the level", error);
		return FALSE;
	}

	do {
		if (script->n_segments == G_N_ELEMENTS(script->segments)) {
			/* point at the ';' that starts the extra segment */
			tr_tone_set_error(error, parser->pos - 1,
					  "a tone script has at most %u segments",
					  (guint)G_N_ELEMENTS(script->segments));
			return FALSE;
		}
		if (!tr_tone_parser_segment(parser, script->n_frequencies,
					    &script->segments[script->n_segments], error))
			return FALSE;
		script->n_segments++;
	} while (tr_tone_parser_accept(parser, ';'));
	if (tr_tone_parser_peek(parser) != '\0') {
		tr_tone_parser_expected(parser, "';' or the end of the script after ')'", error);
		return FALSE;
	}
	return TRUE;
}

/**
 * tr_tone_script_parse:
 * @text: a tone script such as `480@-19,620@-19;10(.5/.5/1+2)`
 * @script: (out) (optional): where to store the result, or %NULL to validate only
 * @error: (nullable): return location for a #GError
 *
 * Parses an SPA call-progress tone script: `FREQS;SEGMENT[;SEGMENT]`, where
 * FREQS is 1 to 6 comma-separated `F@L` (F in Hz, 1 to 4000; L in dBm,
 * -90 to 10) and SEGMENT is `D(ON/OFF/N[+N...],...)` with 1 to 6 elements.
 * Times are seconds or `*` for forever; N counts the frequencies from 1, and
 * `0` stands for silence.
 *
 * Unlike SPA firmware, whitespace is rejected. Error messages are English and
 * start with the 1-based column they are about. On error, @script is unchanged.
 *
 * Returns: %TRUE if @text is a valid tone script
 */
gboolean
tr_tone_script_parse(const gchar *text, TrToneScript *script, GError **error)
{
	TrToneParser parser = {.text = text, .pos = 0};
	TrToneScript result = {0};

	g_return_val_if_fail(text != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!tr_tone_check_characters(text, error))
		return FALSE;
	if (!tr_tone_parser_script(&parser, &result, error))
		return FALSE;
	if (script != NULL)
		*script = result;
	return TRUE;
}

/*
 * the SPA way: no fraction for integers, no leading zero before a fraction
 * (`10`, `.5`, `-19.5`), with as few digits as give back the same double
 */
static void
tr_tone_append_decimal(GString *str, gdouble value)
{
	gchar buf[1024];
	const gchar *digits = buf;

	if (value == 0 || !isfinite(value)) {
		g_string_append_c(str, '0');
		return;
	}
	for (guint precision = 0; precision <= 400; precision++) {
		gchar format[16];

		g_snprintf(format, sizeof(format), "%%.%uf", precision);
		g_ascii_formatd(buf, sizeof(buf), format, value);
		if (g_ascii_strtod(buf, NULL) == value)
			break;
	}
	if (digits[0] == '-') {
		g_string_append_c(str, '-');
		digits++;
	}
	if (digits[0] == '0' && digits[1] == '.')
		digits++;
	g_string_append(str, digits);
}

static void
tr_tone_append_time(GString *str, gdouble value)
{
	if (value < 0) {
		g_string_append_c(str, '*');
		return;
	}
	tr_tone_append_decimal(str, value);
}

static void
tr_tone_append_components(GString *str, guint components)
{
	gboolean first = TRUE;

	if (components == 0) {
		g_string_append_c(str, '0');
		return;
	}
	for (guint i = 0; i < sizeof(components) * 8; i++) {
		if ((components & (1u << i)) == 0)
			continue;
		if (!first)
			g_string_append_c(str, '+');
		g_string_append_printf(str, "%u", i + 1);
		first = FALSE;
	}
}

/**
 * tr_tone_script_to_string:
 * @script: a tone script
 *
 * Writes @script in the compact form SPA firmware uses, e.g. `.38` rather
 * than `0.380`. For a script from tr_tone_script_parse(), parsing the result
 * gives an equal script.
 *
 * Returns: (transfer full): the canonical tone script text
 */
gchar *
tr_tone_script_to_string(const TrToneScript *script)
{
	g_autoptr(GString) str = g_string_new(NULL);

	g_return_val_if_fail(script != NULL, NULL);
	g_return_val_if_fail(script->n_frequencies <= G_N_ELEMENTS(script->frequencies), NULL);
	g_return_val_if_fail(script->n_segments <= G_N_ELEMENTS(script->segments), NULL);

	for (guint i = 0; i < script->n_frequencies; i++) {
		const TrToneFrequency *freq = &script->frequencies[i];

		if (i > 0)
			g_string_append_c(str, ',');
		g_string_append_printf(str, "%u@", freq->frequency);
		tr_tone_append_decimal(str, freq->level);
	}
	for (guint i = 0; i < script->n_segments; i++) {
		const TrToneSegment *segment = &script->segments[i];

		g_return_val_if_fail(segment->n_elements <= G_N_ELEMENTS(segment->elements), NULL);
		g_string_append_c(str, ';');
		tr_tone_append_time(str, segment->duration);
		g_string_append_c(str, '(');
		for (guint j = 0; j < segment->n_elements; j++) {
			const TrToneElement *element = &segment->elements[j];

			if (j > 0)
				g_string_append_c(str, ',');
			tr_tone_append_time(str, element->on);
			g_string_append_c(str, '/');
			tr_tone_append_time(str, element->off);
			g_string_append_c(str, '/');
			tr_tone_append_components(str, element->components);
		}
		g_string_append_c(str, ')');
	}
	return g_string_free(g_steal_pointer(&str), FALSE);
}
