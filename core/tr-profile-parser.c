/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-profile-parser"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-param.h"
#include "tr-profile-parser.h"

/*
 * a real SPA profile has a few thousand entries; the cap keeps a 16 MiB input
 * of "A;A;A;..." from costing a gigabyte of heap
 */
#define TR_PROFILE_MAX_ENTRIES 200000

/* names and values quoted in messages are cut to this many characters */
#define TR_PROFILE_QUOTE_MAX 64

static const gchar *const tr_profile_access_names[] = {"na", "ro", "rw", NULL};

static void
tr_profile_entry_free(TrProfileEntry *entry)
{
	g_free(entry->name);
	g_free(entry->value);
	g_free(entry->access);
	g_free(entry->file);
	g_free(entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrProfileEntry, tr_profile_entry_free)

/**
 * tr_profile_new:
 *
 * Returns: (transfer full): an empty profile
 */
TrProfile *
tr_profile_new(void)
{
	TrProfile *profile = g_new0(TrProfile, 1);

	profile->entries = g_ptr_array_new_with_free_func((GDestroyNotify)tr_profile_entry_free);
	return profile;
}

void
tr_profile_free(TrProfile *profile)
{
	if (profile == NULL)
		return;
	g_ptr_array_unref(profile->entries);
	g_free(profile);
}

/* input is valid UTF-8 once checked, so a cut on a character boundary stays valid */
static gchar *
tr_profile_quote(const gchar *str)
{
	const gchar *p = str;

	for (guint i = 0; i < TR_PROFILE_QUOTE_MAX && *p != '\0'; i++)
		p = g_utf8_next_char(p);
	if (*p == '\0')
		return g_strdup(str);
	return g_strdup_printf("%.*s...", (gint)(p - str), str);
}

/**
 * tr_profile_format_position:
 * @file: (nullable): the imported file, or %NULL for the main input
 * @line: a line, from 1
 * @column: a column, from 1, in characters
 *
 * Returns: (transfer full): where in a profile, in the words of every
 * message about profiles: "[file: ]line L, column C", translated
 */
gchar *
tr_profile_format_position(const gchar *file, guint line, guint column)
{
	if (file != NULL)
		/* TRANSLATORS: a place in a profile: a file name, then a line and a
		 * column, both counted from 1; it starts many messages */
		return g_strdup_printf(_("%s: line %u, column %u"), file, line, column);
	/* TRANSLATORS: a place in a profile, a line and a column counted from 1;
	 * it starts many messages */
	return g_strdup_printf(_("line %u, column %u"), line, column);
}

/* "16777216 bytes", for limits in messages */
static gchar *
tr_profile_format_bytes(gulong bytes)
{
	return g_strdup_printf(
		/* TRANSLATORS: a size in messages such as "the profile is %s, more
		 * than the limit of %s" */
		g_dngettext(GETTEXT_PACKAGE, "%lu byte", "%lu bytes", bytes), bytes);
}

/*
 * every message starts with where it is: "[file: ]line L, column C: "; and is
 * UTF-8 for D-Bus, whatever GMarkup, an import function or a file name put in
 */
G_GNUC_PRINTF(6, 0)
static void
tr_profile_set_error_valist(GError **error, TrError code, const gchar *file, guint line,
			    guint column, const gchar *format, va_list args)
{
	g_autofree gchar *msg = g_strdup_vprintf(format, args);
	g_autofree gchar *where = tr_profile_format_position(file, line, column);
	g_autofree gchar *full = g_strdup_printf("%s: %s", where, msg);

	if (!g_utf8_validate(full, -1, NULL)) {
		gchar *valid = g_utf8_make_valid(full, -1);

		g_free(full);
		full = valid;
	}
	g_set_error_literal(error, TR_ERROR, code, full);
}

/* for what concerns a whole input: its first position */
G_GNUC_PRINTF(3, 4)
static void
tr_profile_set_error_start(GError **error, const gchar *file, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	tr_profile_set_error_valist(error, TR_ERROR_INVALID_ARGUMENT, file, 1, 1, format, args);
	va_end(args);
}

/* one input being parsed, and the way from byte offsets to lines and columns */
typedef struct {
	const gchar *file; /* put before positions in messages; NULL for the main input */
	const guint8 *data;
	gsize len;
	/* the last offset located; offsets mostly grow during a parse */
	gsize offset;
	guint line;
	guint column;
} TrProfileSource;

static void
tr_profile_source_init(TrProfileSource *src, const gchar *file, const guint8 *data, gsize len)
{
	src->file = file;
	src->data = data;
	src->len = len;
	src->offset = 0;
	src->line = 1;
	src->column = 1;
}

/* lines and columns from 1; a column counts characters, not bytes */
static void
tr_profile_source_locate(TrProfileSource *src, gsize offset, guint *line, guint *column)
{
	offset = MIN(offset, src->len);
	if (offset < src->offset) {
		src->offset = 0;
		src->line = 1;
		src->column = 1;
	}
	for (gsize i = src->offset; i < offset; i++) {
		guint8 c = src->data[i];

		if (c == '\n') {
			src->line++;
			src->column = 1;
		} else if ((c & 0xc0) != 0x80) {
			src->column++;
		}
	}
	src->offset = offset;
	*line = src->line;
	*column = src->column;
}

/* a syntax error */
G_GNUC_PRINTF(4, 5)
static void
tr_profile_source_set_error(TrProfileSource *src, gsize offset, GError **error, const gchar *format,
			    ...)
{
	va_list args;
	guint line;
	guint column;

	tr_profile_source_locate(src, offset, &line, &column);
	va_start(args, format);
	tr_profile_set_error_valist(error, TR_ERROR_INVALID_ARGUMENT, src->file, line, column,
				    format, args);
	va_end(args);
}

/* a well-formed entry with a value that is not allowed */
G_GNUC_PRINTF(4, 5)
static void
tr_profile_source_set_value_error(TrProfileSource *src, gsize offset, GError **error,
				  const gchar *format, ...)
{
	va_list args;
	guint line;
	guint column;

	tr_profile_source_locate(src, offset, &line, &column);
	va_start(args, format);
	tr_profile_set_error_valist(error, TR_ERROR_INVALID_PARAMETER, src->file, line, column,
				    format, args);
	va_end(args);
}

static gboolean
tr_profile_is_control(guint8 c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

/* a profile is text: UTF-8, no NUL, no control characters but tab and line ends */
static gboolean
tr_profile_check_bytes(TrProfileSource *src, GError **error)
{
	const gchar *end = NULL;
	gboolean valid = g_utf8_validate_len((const gchar *)src->data, src->len, &end);
	gsize bad = valid ? src->len : (gsize)((const guint8 *)end - src->data);

	for (gsize i = 0; i < bad; i++) {
		if (tr_profile_is_control(src->data[i])) {
			tr_profile_source_set_error(src, i, error,
						    /* TRANSLATORS: %02X is the character's
						     * code, e.g. 0x1B */
						    _("unexpected control character 0x%02X"),
						    src->data[i]);
			return FALSE;
		}
	}
	if (valid)
		return TRUE;
	if (src->data[bad] == '\0')
		tr_profile_source_set_error(src, bad, error, _("unexpected NUL byte"));
	else
		tr_profile_source_set_error(src, bad, error,
					    /* TRANSLATORS: the input is not UTF-8 text;
					     * %02X is the first bad byte */
					    _("invalid UTF-8 (byte 0x%02X)"), src->data[bad]);
	return FALSE;
}

/* the bytes the parsers read: the input, inflated if gzip, without a byte-order mark */
typedef struct {
	GByteArray *inflated;
	const guint8 *data;
	gsize len;
} TrProfileText;

static void
tr_profile_text_clear(TrProfileText *text)
{
	g_clear_pointer(&text->inflated, g_byte_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TrProfileText, tr_profile_text_clear)

static gboolean
tr_profile_inflate(const guint8 *data, gsize len, const gchar *file, GByteArray **out,
		   GError **error)
{
	g_autoptr(GZlibDecompressor) decompressor =
		g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	g_autoptr(GByteArray) inflated = g_byte_array_new();
	gsize in_pos = 0;
	guint8 buf[16384];

	for (;;) {
		g_autoptr(GError) error_local = NULL;
		gsize bytes_read = 0;
		gsize bytes_written = 0;
		GConverterResult result;

		result = g_converter_convert(G_CONVERTER(decompressor), data + in_pos, len - in_pos,
					     buf, sizeof(buf), G_CONVERTER_INPUT_AT_END,
					     &bytes_read, &bytes_written, &error_local);
		if (result == G_CONVERTER_ERROR) {
			tr_profile_set_error_start(error, file,
						   /* TRANSLATORS: %s says what zlib found wrong */
						   _("damaged gzip data: %s"),
						   error_local->message);
			return FALSE;
		}
		in_pos += bytes_read;
		if (bytes_written > TR_PROFILE_MAX_SIZE - inflated->len) {
			g_autofree gchar *limit = tr_profile_format_bytes(TR_PROFILE_MAX_SIZE);

			tr_profile_set_error_start(
				error, file,
				/* TRANSLATORS: %s is a size, "16777216 bytes" */
				_("the gzip data inflates to more than the limit of %s"), limit);
			return FALSE;
		}
		g_byte_array_append(inflated, buf, bytes_written);
		/* data after the end of the gzip stream is ignored, as gzip -d would */
		if (result == G_CONVERTER_FINISHED)
			break;
		if (bytes_read == 0 && bytes_written == 0) {
			tr_profile_set_error_start(error, file, _("truncated gzip data"));
			return FALSE;
		}
	}
	*out = g_steal_pointer(&inflated);
	return TRUE;
}

static gboolean
tr_profile_text_init(TrProfileText *text, const guint8 *data, gsize len, const gchar *file,
		     GError **error)
{
	TrProfileSource src;

	if (len > TR_PROFILE_MAX_SIZE) {
		g_autofree gchar *size = tr_profile_format_bytes(len);
		g_autofree gchar *limit = tr_profile_format_bytes(TR_PROFILE_MAX_SIZE);

		tr_profile_set_error_start(error, file,
					   /* TRANSLATORS: both are sizes, "52428800 bytes"
					    * and "16777216 bytes" */
					   _("the profile is %s, more than the limit of %s"), size,
					   limit);
		return FALSE;
	}
	text->data = data;
	text->len = len;
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		if (!tr_profile_inflate(data, len, file, &text->inflated, error))
			return FALSE;
		text->data = text->inflated->data;
		text->len = text->inflated->len;
	}
	if (text->len >= 3 && memcmp(text->data, "\xef\xbb\xbf", 3) == 0) {
		text->data += 3;
		text->len -= 3;
	}
	/* GMarkup wants a pointer even for nothing */
	if (text->data == NULL || text->len == 0)
		text->data = (const guint8 *)"";

	tr_profile_source_init(&src, file, text->data, text->len);
	return tr_profile_check_bytes(&src, error);
}

static gboolean
tr_profile_add_entry(TrProfile *profile, TrProfileSource *src, gsize offset, TrProfileEntry *entry,
		     GError **error)
{
	g_autoptr(TrProfileEntry) owned = entry;

	if (profile->entries->len >= TR_PROFILE_MAX_ENTRIES) {
		tr_profile_source_set_error(
			src, offset, error,
			g_dngettext(GETTEXT_PACKAGE, "the profile has more than %u entry",
				    "the profile has more than %u entries", TR_PROFILE_MAX_ENTRIES),
			(guint)TR_PROFILE_MAX_ENTRIES);
		return FALSE;
	}
	tr_profile_source_locate(src, offset, &owned->line, &owned->column);
	g_ptr_array_add(profile->entries, g_steal_pointer(&owned));
	return TRUE;
}

/* XML flat profile, with GMarkup */

typedef struct {
	TrProfileSource src;
	TrProfile *profile;
	/* GMarkup gives (line, byte) positions: the offset where its line starts */
	gint gm_line;
	gsize gm_line_start;
	/* where the previous callback left GMarkup: the next '<' after it opens the next tag */
	gsize last_event;
	guint depth;
	guint flat_depth; /* the depth of the open <flat-profile>, 0 outside */
	gboolean seen_flat;
	gsize open_tags[TR_PROFILE_MAX_DEPTH]; /* the offset of each open element's '<' */
	TrProfileEntry *param;		       /* the open parameter element */
	gchar *param_element;
	gsize param_start;
	gboolean param_elided;
	GString *text;
} TrXmlParser;

static void
tr_xml_parser_clear(TrXmlParser *self)
{
	g_clear_pointer(&self->profile, tr_profile_free);
	g_clear_pointer(&self->param, tr_profile_entry_free);
	g_clear_pointer(&self->param_element, g_free);
	if (self->text != NULL)
		g_string_free(g_steal_pointer(&self->text), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TrXmlParser, tr_xml_parser_clear)

/*
 * GMarkup counts lines and bytes: byte N of line 1 is offset N - 1; a later
 * line starts with its '\n' as byte 1
 */
static gsize
tr_xml_parser_offset(TrXmlParser *self, GMarkupParseContext *context)
{
	const guint8 *data = self->src.data;
	gsize len = self->src.len;
	gint line = 1;
	gint byte = 1;

	g_markup_parse_context_get_position(context, &line, &byte);
	if (line < self->gm_line) {
		self->gm_line = 1;
		self->gm_line_start = 0;
	}
	while (self->gm_line < line) {
		gsize from = self->gm_line == 1 ? 0 : self->gm_line_start + 1;
		const guint8 *nl = from < len ? memchr(data + from, '\n', len - from) : NULL;

		if (nl == NULL)
			break;
		self->gm_line_start = nl - data;
		self->gm_line++;
	}
	return MIN(self->gm_line_start + (gsize)MAX(byte, 1) - 1, len);
}

/* callbacks come at the end of a tag; text never holds a raw '<' */
static gsize
tr_xml_parser_tag_start(TrXmlParser *self, gsize end)
{
	const guint8 *lt = NULL;

	if (self->last_event < end)
		lt = memchr(self->src.data + self->last_event, '<', end - self->last_event);
	return lt != NULL ? (gsize)(lt - self->src.data) : end;
}

static const gchar *
tr_xml_local_name(const gchar *name)
{
	const gchar *colon = strrchr(name, ':');

	return colon != NULL ? colon + 1 : name;
}

static void
tr_xml_start_param(TrXmlParser *self, const gchar *element_name, const gchar **attribute_names,
		   const gchar **attribute_values, gsize start, gsize end, GError **error)
{
	const gchar *access = NULL;

	/* ua= is the user access; group= and everything else are for other tools */
	for (guint i = 0; attribute_names[i] != NULL; i++) {
		if (g_strcmp0(attribute_names[i], "ua") != 0)
			continue;
		if (!g_strv_contains(tr_profile_access_names, attribute_values[i])) {
			g_autofree gchar *element = tr_profile_quote(element_name);
			g_autofree gchar *value = tr_profile_quote(attribute_values[i]);

			tr_profile_source_set_value_error(&self->src, start, error,
							  /* TRANSLATORS: ua="..." is a user
							   * access level in an XML profile, the
							   * first %s the value found, the second
							   * the parameter's element; keep ua,
							   * na, ro and rw as they are */
							  _("invalid ua=\"%s\" on <%s>, expected "
							    "\"na\", \"ro\" or \"rw\""),
							  value, element);
			return;
		}
		access = attribute_values[i];
	}
	self->param = g_new0(TrProfileEntry, 1);
	self->param->name = tr_param_name_normalize(tr_xml_local_name(element_name));
	self->param->access = g_strdup(access);
	self->param_element = g_strdup(element_name);
	self->param_start = start;
	/* <GPP_B/> leaves the value alone, <GPP_A></GPP_A> empties it */
	self->param_elided = end > 0 && self->src.data[end - 1] == '/';
	g_string_truncate(self->text, 0);
}

static void
tr_xml_start_element(GMarkupParseContext *context, const gchar *element_name,
		     const gchar **attribute_names, const gchar **attribute_values,
		     gpointer user_data, GError **error)
{
	TrXmlParser *self = user_data;
	gsize end = tr_xml_parser_offset(self, context);
	gsize start = tr_xml_parser_tag_start(self, end);

	self->last_event = end;
	if (self->depth >= TR_PROFILE_MAX_DEPTH) {
		tr_profile_source_set_error(
			&self->src, start, error,
			g_dngettext(GETTEXT_PACKAGE, "elements are nested more than %u level deep",
				    "elements are nested more than %u levels deep",
				    TR_PROFILE_MAX_DEPTH),
			(guint)TR_PROFILE_MAX_DEPTH);
		return;
	}
	self->open_tags[self->depth++] = start;

	/* outside a flat profile every element is a wrapper to look into */
	if (self->flat_depth == 0) {
		if (g_strcmp0(tr_xml_local_name(element_name), "flat-profile") == 0) {
			self->flat_depth = self->depth;
			self->seen_flat = TRUE;
		}
		return;
	}
	if (self->depth > self->flat_depth + 1) {
		g_autofree gchar *element = tr_profile_quote(element_name);
		g_autofree gchar *param = tr_profile_quote(self->param_element);

		tr_profile_source_set_error(&self->src, start, error,
					    /* TRANSLATORS: both %s are XML element names,
					     * the second one a parameter's */
					    _("element <%s> inside parameter <%s>, "
					      "a parameter holds text only"),
					    element, param);
		return;
	}
	tr_xml_start_param(self, element_name, attribute_names, attribute_values, start, end,
			   error);
}

static gboolean
tr_xml_end_param(TrXmlParser *self, GError **error)
{
	g_autoptr(TrProfileEntry) entry = g_steal_pointer(&self->param);
	g_autofree gchar *element = g_steal_pointer(&self->param_element);

	if (!self->param_elided) {
		g_autofree gchar *value = g_strstrip(g_strndup(self->text->str, self->text->len));

		/* character references can make what the raw-byte check let through */
		for (const gchar *p = value; *p != '\0'; p++) {
			if (tr_profile_is_control((guint8)*p)) {
				g_autofree gchar *quoted = tr_profile_quote(element);

				tr_profile_source_set_error(
					&self->src, self->param_start, error,
					/* TRANSLATORS: %s is a parameter's XML element,
					 * %02X the character's code */
					_("the value of <%s> holds control character 0x%02X"),
					quoted, (guint8)*p);
				return FALSE;
			}
		}
		entry->value = g_steal_pointer(&value);
	}
	return tr_profile_add_entry(self->profile, &self->src, self->param_start,
				    g_steal_pointer(&entry), error);
}

static void
tr_xml_end_element(GMarkupParseContext *context, const gchar *element_name, gpointer user_data,
		   GError **error)
{
	TrXmlParser *self = user_data;

	self->last_event = tr_xml_parser_offset(self, context);
	if (self->param != NULL && self->depth == self->flat_depth + 1) {
		if (!tr_xml_end_param(self, error))
			return;
	} else if (self->depth == self->flat_depth) {
		self->flat_depth = 0;
	}
	self->depth--;
}

static void
tr_xml_text(GMarkupParseContext *context, const gchar *text, gsize text_len, gpointer user_data,
	    GError **error)
{
	TrXmlParser *self = user_data;

	self->last_event = tr_xml_parser_offset(self, context);
	if (self->param != NULL)
		g_string_append_len(self->text, text, text_len);
}

/* comments, processing instructions and <!DOCTYPE> */
static void
tr_xml_passthrough(GMarkupParseContext *context, const gchar *passthrough_text, gsize text_len,
		   gpointer user_data, GError **error)
{
	TrXmlParser *self = user_data;

	self->last_event = tr_xml_parser_offset(self, context);
}

/*
 * does @msg start with @format, one of GMarkup's position prefixes in any
 * language, "%d" (or "%1$d") standing for a number and a final "%s" for the
 * rest? Returns the rest, or NULL
 */
static const gchar *
tr_xml_match_glib_prefix(const gchar *msg, const gchar *format)
{
	const gchar *m = msg;
	const gchar *f = format;

	while (*f != '\0') {
		const gchar *conv = f + 1;

		if (*f != '%' || f[1] == '%') {
			if (*m != *f)
				return NULL;
			m++;
			f += *f == '%' ? 2 : 1;
			continue;
		}
		while (g_ascii_isdigit(*conv))
			conv++;
		conv = *conv == '$' ? conv + 1 : f + 1;
		if (*conv == 's' && conv[1] == '\0')
			return m;
		if (*conv != 'd')
			return NULL;
		if (*m == '-')
			m++;
		if (!g_ascii_isdigit(*m))
			return NULL;
		while (g_ascii_isdigit(*m))
			m++;
		f = conv + 1;
	}
	return m;
}

/*
 * GMarkup puts its own position in front of its messages ("Error on line 3
 * char 5: "), in GLib's language: the same prefixes, from GLib's catalogue or
 * untranslated, are cut off. NULL if none fits, or if GLib does not speak the
 * language of our messages (one of the two catalogues missing): the caller
 * says it in its own words then.
 */
static const gchar *
tr_xml_glib_detail(const gchar *msg)
{
	/* GLib's msgids, as gmarkup.c writes them; a variable, so that xgettext
	 * does not take them for ours */
	static const gchar *const prefixes[] = {
		"Error on line %d char %d: ",
		"Error on line %d: %s",
	};
	/* our position's msgid, for whether we are translated */
	static const gchar *const ours = "line %u, column %u";
	gboolean glib_translated = FALSE;

	for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		if (g_strcmp0(g_dgettext("glib20", prefixes[i]), prefixes[i]) != 0)
			glib_translated = TRUE;
	}
	if (glib_translated != (g_strcmp0(_(ours), ours) != 0))
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		const gchar *rest =
			tr_xml_match_glib_prefix(msg, g_dgettext("glib20", prefixes[i]));

		if (rest == NULL)
			rest = tr_xml_match_glib_prefix(msg, prefixes[i]);
		if (rest != NULL)
			return rest;
	}
	return NULL;
}

/* what GMarkup found, in our words: its error code says enough */
static const gchar *
tr_xml_markup_words(const GError *markup_error, gboolean at_end)
{
	if (g_error_matches(markup_error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY))
		return _("the document is empty");
	if (g_error_matches(markup_error, G_MARKUP_ERROR, G_MARKUP_ERROR_BAD_UTF8))
		return _("invalid UTF-8");
	if (at_end)
		return _("the document ended unexpectedly");
	return _("malformed XML");
}

/* GMarkup's own errors: our position, then what it found, in one language */
static void
tr_xml_parser_markup_error(TrXmlParser *self, GMarkupParseContext *context, gboolean at_end,
			   const GError *markup_error, GError **error)
{
	const gchar *msg = tr_xml_glib_detail(markup_error->message);
	g_autofree gchar *unclosed = NULL;
	gsize offset;

	if (msg == NULL) {
		g_debug("GMarkup: %s", markup_error->message);
		msg = tr_xml_markup_words(markup_error, at_end);
	}
	if (at_end && self->depth > 0) {
		g_autofree gchar *where = NULL;
		guint line;
		guint column;

		tr_profile_source_locate(&self->src, self->open_tags[self->depth - 1], &line,
					 &column);
		where = tr_profile_format_position(NULL, line, column);
		unclosed = g_strdup_printf(
			/* TRANSLATORS: the first %s says what is wrong, the second is a
			 * place in the profile, "line 3, column 3" */
			_("%s (the element at %s is not closed)"), msg, where);
		msg = unclosed;
	}
	offset = tr_xml_parser_offset(self, context);
	tr_profile_source_set_error(&self->src, offset, error, "%s", msg);
}

static TrProfile *
tr_profile_parse_xml_text(const TrProfileText *text, GError **error)
{
	static const GMarkupParser funcs = {
		tr_xml_start_element, tr_xml_end_element, tr_xml_text, tr_xml_passthrough, NULL,
	};
	g_auto(TrXmlParser) self = {0};
	g_autoptr(GMarkupParseContext) context = NULL;
	g_autoptr(GError) error_local = NULL;

	tr_profile_source_init(&self.src, NULL, text->data, text->len);
	self.profile = tr_profile_new();
	self.gm_line = 1;
	self.text = g_string_new(NULL);
	context = g_markup_parse_context_new(&funcs, G_MARKUP_TREAT_CDATA_AS_TEXT, &self, NULL);

	if (!g_markup_parse_context_parse(context, (const gchar *)text->data, text->len,
					  &error_local)) {
		if (error_local->domain != G_MARKUP_ERROR) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return NULL;
		}
		tr_xml_parser_markup_error(&self, context, FALSE, error_local, error);
		return NULL;
	}
	if (!g_markup_parse_context_end_parse(context, &error_local)) {
		tr_xml_parser_markup_error(&self, context, TRUE, error_local, error);
		return NULL;
	}
	if (!self.seen_flat) {
		tr_profile_set_error_start(error, NULL,
					   /* TRANSLATORS: <flat-profile> is an XML
					    * element: keep it */
					   _("no <flat-profile> element"));
		return NULL;
	}
	return g_steal_pointer(&self.profile);
}

/**
 * tr_profile_parse_xml:
 * @data: the profile, gzip-compressed or not
 * @len: the size of @data
 * @error: return location for an error
 *
 * Parses an XML flat profile: every direct child of a `<flat-profile>`
 * element (found at any depth, with or without a namespace prefix) is an
 * entry. `ua="na|ro|rw"` sets its access; an empty-element tag leaves its
 * value %NULL.
 *
 * Returns: (transfer full): the entries, or %NULL with @error saying where
 */
TrProfile *
tr_profile_parse_xml(const guint8 *data, gsize len, GError **error)
{
	g_auto(TrProfileText) text = {NULL};

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!tr_profile_text_init(&text, data != NULL ? data : (const guint8 *)"", len, NULL,
				  error))
		return NULL;
	return tr_profile_parse_xml_text(&text, error);
}

/* legacy text profile */

typedef struct {
	TrProfile *profile;
	TrProfileImportFunc import_func;
	gpointer user_data;
	GPtrArray *chain; /* the names of the files being parsed, outermost first */
	gsize total;	  /* the bytes of every file so far */
} TrTextContext;

typedef struct {
	TrTextContext *ctx;
	TrProfileSource src;
	const gchar *name; /* the file as import_func knows it; may be NULL for the main input */
	guint depth;
	gsize pos;
} TrTextParser;

static guint8
tr_text_peek(const TrTextParser *self)
{
	return self->pos < self->src.len ? self->src.data[self->pos] : '\0';
}

static gboolean
tr_text_is_name_char(guint8 c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '-';
}

static gboolean
tr_text_is_blank(guint8 c)
{
	return c == ' ' || c == '\t';
}

/* white space, line ends and '#' comments */
static void
tr_text_skip_blank(TrTextParser *self)
{
	while (self->pos < self->src.len) {
		const guint8 *p = self->src.data + self->pos;

		if (*p == '#') {
			const guint8 *nl = memchr(p, '\n', self->src.len - self->pos);

			self->pos = nl != NULL ? (gsize)(nl - self->src.data) : self->src.len;
		} else if (g_ascii_isspace(*p)) {
			self->pos++;
		} else {
			break;
		}
	}
}

/* what was found instead of what was expected */
static gchar *
tr_text_describe(const TrTextParser *self, gsize offset)
{
	guint8 c;

	/* what was found instead of what a profile needs, in "expected ';' after
	 * the value of A, found the end of the file" */
	if (offset >= self->src.len)
		return g_strdup(_("the end of the file"));
	c = self->src.data[offset];
	if (c == '\n' || c == '\r')
		return g_strdup(_("the end of the line"));
	if (c == '\t')
		return g_strdup(_("a tab"));
	if (c == '\'')
		return g_strdup("\"'\"");
	/* the input is valid UTF-8: the whole character is there */
	return g_strdup_printf("'%.*s'", (gint)g_utf8_skip[c], self->src.data + offset);
}

G_GNUC_PRINTF(4, 5)
static void
tr_text_set_error_found(TrTextParser *self, gsize offset, GError **error, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *msg = NULL;
	g_autofree gchar *found = tr_text_describe(self, offset);

	va_start(args, format);
	msg = g_strdup_vprintf(format, args);
	va_end(args);
	tr_profile_source_set_error(&self->src, offset, error,
				    /* TRANSLATORS: what a profile needs at a place,
				     * then what is there instead, e.g. "expected ';'
				     * after the value of A, found 'B'" */
				    _("%s, found %s"), msg, found);
}

/* a quoted value with the escapes \" \\ \n \t, trimmed; pos is on the opening quote */
static gboolean
tr_text_parse_string(TrTextParser *self, gchar **value, GError **error)
{
	const guint8 *data = self->src.data;
	gsize start = self->pos++;
	g_autoptr(GString) str = g_string_new(NULL);

	while (self->pos < self->src.len) {
		guint8 c = data[self->pos];

		if (c == '"') {
			self->pos++;
			*value = g_strstrip(g_string_free(g_steal_pointer(&str), FALSE));
			return TRUE;
		}
		if (c != '\\') {
			g_string_append_c(str, c);
			self->pos++;
			continue;
		}
		if (self->pos + 1 >= self->src.len)
			break;
		switch (data[self->pos + 1]) {
		case '"':
		case '\\':
			g_string_append_c(str, data[self->pos + 1]);
			break;
		case 'n':
			g_string_append_c(str, '\n');
			break;
		case 't':
			g_string_append_c(str, '\t');
			break;
		default:
			if (g_ascii_isgraph(data[self->pos + 1])) {
				tr_profile_source_set_error(&self->src, self->pos, error,
							    /* TRANSLATORS: a backslash escape
							     * in a quoted value of a text
							     * profile; keep the escapes */
							    _("unknown escape \\%c, expected \\\", "
							      "\\\\, \\n or \\t"),
							    data[self->pos + 1]);
			} else {
				g_autofree gchar *found = tr_text_describe(self, self->pos + 1);

				tr_profile_source_set_error(
					&self->src, self->pos, error,
					/* TRANSLATORS: %s is what follows
					 * the backslash, e.g. "the end of
					 * the line" */
					_("unknown escape: '\\' followed by %s, "
					  "expected \\\", \\\\, \\n or \\t"),
					found);
			}
			return FALSE;
		}
		self->pos += 2;
	}
	tr_profile_source_set_error(&self->src, start, error,
				    _("unterminated quoted value (no closing '\"')"));
	return FALSE;
}

/* Name[n] or Name{n}, optionally a marker, optionally a quoted value, and ';' */
static gboolean
tr_text_parse_entry(TrTextParser *self, GError **error)
{
	const guint8 *data = self->src.data;
	gsize len = self->src.len;
	gsize start = self->pos;
	g_autoptr(TrProfileEntry) entry = g_new0(TrProfileEntry, 1);
	g_autofree gchar *raw = NULL;
	g_autofree gchar *quoted = NULL;
	guint8 marker = '\0';
	guint8 c;

	/* words, blanks between them as in the web labels: `SIP Transport{1}` */
	for (;;) {
		gsize next;

		while (self->pos < len && tr_text_is_name_char(data[self->pos]))
			self->pos++;
		next = self->pos;
		while (next < len && tr_text_is_blank(data[next]))
			next++;
		if (next == self->pos || next >= len || !tr_text_is_name_char(data[next]))
			break;
		self->pos = next;
	}
	c = tr_text_peek(self);
	if (c == '[' || c == '{') {
		guint8 close = c == '[' ? ']' : '}';
		g_autofree gchar *name = g_strndup((const gchar *)data + start, self->pos - start);
		g_autofree gchar *shown = tr_profile_quote(name);
		gsize digits;

		self->pos++;
		digits = self->pos;
		while (self->pos < len && g_ascii_isdigit(data[self->pos]))
			self->pos++;
		if (self->pos == digits) {
			tr_text_set_error_found(self, self->pos, error,
						/* TRANSLATORS: %s is a parameter name */
						_("expected a number in the index of %s"), shown);
			return FALSE;
		}
		if (tr_text_peek(self) != close) {
			tr_text_set_error_found(self, self->pos, error,
						/* TRANSLATORS: %c is ']' or '}', %s a
						 * parameter name */
						_("expected '%c' to close the index of %s"), close,
						shown);
			return FALSE;
		}
		self->pos++;
	}
	raw = g_strndup((const gchar *)data + start, self->pos - start);
	quoted = tr_profile_quote(raw);

	tr_text_skip_blank(self);
	c = tr_text_peek(self);
	if (c == '!' || c == '?') {
		marker = c;
		self->pos++;
		tr_text_skip_blank(self);
	}
	if (tr_text_peek(self) == '"') {
		if (!tr_text_parse_string(self, &entry->value, error))
			return FALSE;
		tr_text_skip_blank(self);
	}
	if (tr_text_peek(self) != ';') {
		if (entry->value != NULL)
			tr_text_set_error_found(self, self->pos, error,
						/* TRANSLATORS: %s is a parameter name */
						_("expected ';' after the value of %s"), quoted);
		else if (marker != '\0')
			tr_text_set_error_found(self, self->pos, error,
						/* TRANSLATORS: %c is '!' or '?', the
						 * access marker of a text profile */
						_("expected a quoted value or ';' after '%c'"),
						marker);
		else
			tr_text_set_error_found(
				self, self->pos, error,
				/* TRANSLATORS: '!' and '?' are the access
				 * markers of a text profile, %s is a
				 * parameter name */
				_("expected '!', '?', a quoted value or ';' after %s"), quoted);
		return FALSE;
	}
	self->pos++;

	entry->name = tr_param_name_normalize(raw);
	/* no marker: hidden from the user */
	entry->access = g_strdup(marker == '!' ? "rw" : marker == '?' ? "ro" : "na");
	entry->file = g_strdup(self->src.file);
	return tr_profile_add_entry(self->ctx->profile, &self->src, start, g_steal_pointer(&entry),
				    error);
}

static gboolean tr_text_parse_statements(TrTextParser *self, GError **error);

/* splices the entries of @file at @start */
static gboolean
tr_text_import(TrTextParser *self, gsize start, const gchar *file, GError **error)
{
	TrTextContext *ctx = self->ctx;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) bytes = NULL;
	g_autofree gchar *resolved = NULL;
	g_autofree gchar *shown = NULL;
	g_autofree gchar *quoted = tr_profile_quote(file);
	g_auto(TrProfileText) text = {NULL};
	TrTextParser child = {0};
	const guint8 *data;
	gsize size = 0;
	gboolean ok;

	if (ctx->import_func == NULL) {
		tr_profile_source_set_error(&self->src, start, error,
					    /* TRANSLATORS: import is a keyword of text
					     * profiles: keep it */
					    _("import is not allowed here"));
		return FALSE;
	}
	if (self->depth >= TR_PROFILE_MAX_DEPTH) {
		tr_profile_source_set_error(
			&self->src, start, error,
			/* TRANSLATORS: %s is a file name */
			g_dngettext(GETTEXT_PACKAGE,
				    "cannot import %s: imports are nested more than %u level deep",
				    "cannot import %s: imports are nested more than %u levels deep",
				    TR_PROFILE_MAX_DEPTH),
			quoted, (guint)TR_PROFILE_MAX_DEPTH);
		return FALSE;
	}
	bytes = ctx->import_func(file, self->name, &resolved, ctx->user_data, &error_local);
	if (bytes == NULL) {
		tr_profile_source_set_error(
			&self->src, start, error,
			/* TRANSLATORS: a file name, then why it could not be read */
			_("cannot import %s: %s"), quoted,
			error_local != NULL ? error_local->message : _("no such file"));
		return FALSE;
	}
	if (resolved == NULL)
		resolved = g_strdup(file);
	for (guint i = 0; i < ctx->chain->len; i++) {
		g_autoptr(GString) loop = NULL;

		if (g_strcmp0(g_ptr_array_index(ctx->chain, i), resolved) != 0)
			continue;
		loop = g_string_new(NULL);
		for (guint j = i; j < ctx->chain->len; j++) {
			g_string_append(loop, g_ptr_array_index(ctx->chain, j));
			g_string_append(loop, " -> ");
		}
		g_string_append(loop, resolved);
		tr_profile_source_set_error(&self->src, start, error,
					    /* TRANSLATORS: %s is the files that import
					     * each other, "a.txt -> b.txt -> a.txt" */
					    _("import loop: %s"), loop->str);
		return FALSE;
	}
	data = g_bytes_get_data(bytes, &size);
	/* file names in entries and messages: UTF-8, whatever the file system says */
	shown = g_utf8_make_valid(resolved, -1);
	if (!tr_profile_text_init(&text, data != NULL ? data : (const guint8 *)"", size, shown,
				  error))
		return FALSE;
	/* the same file may be imported twice per level: bound the sum, inflated */
	if (text.len > TR_PROFILE_MAX_SIZE - ctx->total) {
		g_autofree gchar *limit = tr_profile_format_bytes(TR_PROFILE_MAX_SIZE);

		tr_profile_source_set_error(&self->src, start, error,
					    /* TRANSLATORS: a file name, then a size,
					     * "16777216 bytes" */
					    _("cannot import %s: the imported files add up to more "
					      "than the limit of %s"),
					    quoted, limit);
		return FALSE;
	}
	ctx->total += text.len;
	child.ctx = ctx;
	child.name = resolved;
	child.depth = self->depth + 1;
	tr_profile_source_init(&child.src, shown, text.data, text.len);
	g_ptr_array_add(ctx->chain, g_strdup(resolved));
	ok = tr_text_parse_statements(&child, error);
	g_ptr_array_remove_index(ctx->chain, ctx->chain->len - 1);
	return ok;
}

/* `import FILE` or `import "FILE"`, then an optional ';' */
static gboolean
tr_text_parse_import(TrTextParser *self, GError **error)
{
	const guint8 *data = self->src.data;
	gsize start = self->pos;
	g_autofree gchar *file = NULL;

	self->pos += strlen("import");
	while (self->pos < self->src.len && tr_text_is_blank(data[self->pos]))
		self->pos++;
	if (tr_text_peek(self) == '"') {
		gsize quote = self->pos;

		if (!tr_text_parse_string(self, &file, error))
			return FALSE;
		if (*file == '\0') {
			tr_profile_source_set_error(&self->src, quote, error,
						    _("empty file name after import"));
			return FALSE;
		}
	} else {
		gsize from = self->pos;

		while (self->pos < self->src.len && !g_ascii_isspace(data[self->pos]) &&
		       data[self->pos] != ';' && data[self->pos] != '#')
			self->pos++;
		if (self->pos == from) {
			tr_text_set_error_found(self, self->pos, error,
						_("expected a file name after import"));
			return FALSE;
		}
		file = g_strndup((const gchar *)data + from, self->pos - from);
	}
	tr_text_skip_blank(self);
	if (tr_text_peek(self) == ';')
		self->pos++;
	return tr_text_import(self, start, file, error);
}

/* the keyword, then white space or a quote: `import;` would be a parameter */
static gboolean
tr_text_at_import(const TrTextParser *self)
{
	const guint8 *p = self->src.data + self->pos;
	gsize left = self->src.len - self->pos;

	return left > 6 && memcmp(p, "import", 6) == 0 && (g_ascii_isspace(p[6]) || p[6] == '"');
}

static gboolean
tr_text_parse_statements(TrTextParser *self, GError **error)
{
	for (;;) {
		tr_text_skip_blank(self);
		if (self->pos >= self->src.len)
			return TRUE;
		if (tr_text_at_import(self)) {
			if (!tr_text_parse_import(self, error))
				return FALSE;
			continue;
		}
		if (!tr_text_is_name_char(tr_text_peek(self))) {
			tr_text_set_error_found(self, self->pos, error,
						_("expected a parameter name"));
			return FALSE;
		}
		if (!tr_text_parse_entry(self, error))
			return FALSE;
	}
}

static TrProfile *
tr_profile_parse_text_text(const TrProfileText *text, const gchar *filename,
			   TrProfileImportFunc import_func, gpointer user_data, GError **error)
{
	g_autoptr(TrProfile) profile = tr_profile_new();
	g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func(g_free);
	TrTextContext ctx = {
		.profile = profile,
		.import_func = import_func,
		.user_data = user_data,
		.chain = chain,
		.total = text->len,
	};
	TrTextParser self = {
		.ctx = &ctx,
		.name = filename,
	};

	tr_profile_source_init(&self.src, NULL, text->data, text->len);
	if (filename != NULL)
		g_ptr_array_add(chain, g_strdup(filename));
	if (!tr_text_parse_statements(&self, error))
		return NULL;
	return g_steal_pointer(&profile);
}

/**
 * tr_profile_parse_text:
 * @data: the profile, gzip-compressed or not
 * @len: the size of @data
 * @filename: (nullable): the name of the profile, for @import_func and loop detection
 * @import_func: (nullable): loads the files named by `import`; %NULL forbids `import`
 * @user_data: data for @import_func
 * @error: return location for an error
 *
 * Parses a legacy text profile: `Name[n] ! "value" ;` statements, `#`
 * comments and `import FILE`, whose entries are spliced in place.
 *
 * Returns: (transfer full): the entries, or %NULL with @error saying where
 */
TrProfile *
tr_profile_parse_text(const guint8 *data, gsize len, const gchar *filename,
		      TrProfileImportFunc import_func, gpointer user_data, GError **error)
{
	g_auto(TrProfileText) text = {NULL};

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!tr_profile_text_init(&text, data != NULL ? data : (const guint8 *)"", len, NULL,
				  error))
		return NULL;
	return tr_profile_parse_text_text(&text, filename, import_func, user_data, error);
}

/**
 * tr_profile_parse:
 * @data: the profile, gzip-compressed or not
 * @len: the size of @data
 * @filename: (nullable): as for tr_profile_parse_text()
 * @import_func: (nullable): as for tr_profile_parse_text()
 * @user_data: data for @import_func
 * @error: return location for an error
 *
 * Parses either format: XML if the first non-blank character (after gzip
 * inflation and a byte-order mark) is '<', text otherwise.
 *
 * Returns: (transfer full): the entries, or %NULL with @error saying where
 */
TrProfile *
tr_profile_parse(const guint8 *data, gsize len, const gchar *filename,
		 TrProfileImportFunc import_func, gpointer user_data, GError **error)
{
	g_auto(TrProfileText) text = {NULL};
	gsize i = 0;

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!tr_profile_text_init(&text, data != NULL ? data : (const guint8 *)"", len, NULL,
				  error))
		return NULL;
	while (i < text.len && g_ascii_isspace(text.data[i]))
		i++;
	if (i < text.len && text.data[i] == '<')
		return tr_profile_parse_xml_text(&text, error);
	return tr_profile_parse_text_text(&text, filename, import_func, user_data, error);
}
