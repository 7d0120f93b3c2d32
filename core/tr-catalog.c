/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-catalog"

#include "config.h"

#include <string.h>

#include "tr-catalog.h"
#include "tr-i18n.h"

/*
 * A reader of GNU .mo files (the format msgfmt writes, see "The Format of GNU
 * MO Files" in the gettext manual) that does not go through setlocale(), so
 * that each web request can be answered in its own language. Every offset of
 * the file is checked before use: a damaged catalogue is ignored, never read
 * out of bounds.
 */

#define MO_MAGIC       0x950412deU
#define MO_HEADER_SIZE 28
/* larger than any catalogue tipring will ship: not a catalogue */
#define MO_MAX_SIZE	  (16 * 1024 * 1024)
#define PLURAL_MAX_DEPTH  32
#define PLURAL_MAX_FORMS  16
#define LANGUAGE_MAX_LEN  64
#define ACCEPT_MAX_RANGES 32
#define TAB_CONTEXT	  "web tab"
#define CONTEXT_SEPARATOR "\004"
#define ENGLISH		  "en"
#define GERMANIC_PLURAL	  "n != 1"

typedef struct {
	const gchar *str; /* the translation, plural forms separated by NULs */
	gsize len;	  /* of all forms, without the final NUL */
} TrMessage;

struct _TrCatalog {
	const gchar *language;	/* "de", "pt_BR"; "en" for the identity */
	gchar *data;		/* the .mo file; keys and messages point into it */
	GHashTable *messages;	/* msgid (or context \004 msgid) → TrMessage */
	TrMessage *message_arr; /* the values of @messages */
	gulong nplurals;
	gchar *plural; /* C expression of n */
};

/* the identity: msgids as written in the sources */
static TrCatalog english = {ENGLISH, NULL, NULL, NULL, 2, NULL};

static GMutex catalogs_lock;
/* name of each directory of the locale dir that holds a tipring.mo → its
 * catalogue once loaded (NULL before; &english when it could not be read) */
static GHashTable *catalogs = NULL;

/* plural expressions: the C subset of the gettext manual ("Plural forms") */

typedef struct {
	const gchar *p;
	gulong n;
	guint depth;
	gboolean ok;
} TrPluralParser;

static gulong tr_plural_ternary(TrPluralParser *pp);

static gboolean
tr_plural_accept(TrPluralParser *pp, const gchar *op)
{
	gsize len = strlen(op);

	while (g_ascii_isspace(*pp->p))
		pp->p++;
	if (strncmp(pp->p, op, len) != 0)
		return FALSE;
	pp->p += len;
	return TRUE;
}

static gulong
tr_plural_fail(TrPluralParser *pp)
{
	pp->ok = FALSE;
	return 0;
}

static gulong
tr_plural_primary(TrPluralParser *pp)
{
	gulong v;

	if (tr_plural_accept(pp, "n"))
		return pp->n;
	if (g_ascii_isdigit(*pp->p)) {
		gchar *end = NULL;
		guint64 value = g_ascii_strtoull(pp->p, &end, 10);

		pp->p = end;
		return (gulong)value;
	}
	if (!tr_plural_accept(pp, "("))
		return tr_plural_fail(pp);
	v = tr_plural_ternary(pp);
	if (!tr_plural_accept(pp, ")"))
		return tr_plural_fail(pp);
	return v;
}

static gulong
tr_plural_unary(TrPluralParser *pp)
{
	gulong v;

	if (!tr_plural_accept(pp, "!"))
		return tr_plural_primary(pp);
	if (++pp->depth > PLURAL_MAX_DEPTH)
		return tr_plural_fail(pp);
	v = !tr_plural_unary(pp);
	pp->depth--;
	return v;
}

static gulong
tr_plural_mul(TrPluralParser *pp)
{
	gulong v = tr_plural_unary(pp);

	while (pp->ok) {
		if (tr_plural_accept(pp, "*")) {
			v *= tr_plural_unary(pp);
		} else if (tr_plural_accept(pp, "/")) {
			gulong d = tr_plural_unary(pp);
			v = d != 0 ? v / d : 0;
		} else if (tr_plural_accept(pp, "%")) {
			gulong d = tr_plural_unary(pp);
			v = d != 0 ? v % d : 0;
		} else {
			break;
		}
	}
	return v;
}

static gulong
tr_plural_add(TrPluralParser *pp)
{
	gulong v = tr_plural_mul(pp);

	while (pp->ok) {
		if (tr_plural_accept(pp, "+"))
			v += tr_plural_mul(pp);
		else if (tr_plural_accept(pp, "-"))
			v -= tr_plural_mul(pp);
		else
			break;
	}
	return v;
}

static gulong
tr_plural_relation(TrPluralParser *pp)
{
	gulong v = tr_plural_add(pp);

	while (pp->ok) {
		if (tr_plural_accept(pp, "<="))
			v = v <= tr_plural_add(pp);
		else if (tr_plural_accept(pp, ">="))
			v = v >= tr_plural_add(pp);
		else if (tr_plural_accept(pp, "<"))
			v = v < tr_plural_add(pp);
		else if (tr_plural_accept(pp, ">"))
			v = v > tr_plural_add(pp);
		else
			break;
	}
	return v;
}

static gulong
tr_plural_equality(TrPluralParser *pp)
{
	gulong v = tr_plural_relation(pp);

	while (pp->ok) {
		if (tr_plural_accept(pp, "=="))
			v = v == tr_plural_relation(pp);
		else if (tr_plural_accept(pp, "!="))
			v = v != tr_plural_relation(pp);
		else
			break;
	}
	return v;
}

static gulong
tr_plural_and(TrPluralParser *pp)
{
	gulong v = tr_plural_equality(pp);

	while (pp->ok && tr_plural_accept(pp, "&&")) {
		gulong w = tr_plural_equality(pp);
		v = v && w;
	}
	return v;
}

static gulong
tr_plural_or(TrPluralParser *pp)
{
	gulong v = tr_plural_and(pp);

	while (pp->ok && tr_plural_accept(pp, "||")) {
		gulong w = tr_plural_and(pp);
		v = v || w;
	}
	return v;
}

static gulong
tr_plural_ternary(TrPluralParser *pp)
{
	gulong cond, then, otherwise;

	if (++pp->depth > PLURAL_MAX_DEPTH)
		return tr_plural_fail(pp);
	cond = tr_plural_or(pp);
	if (pp->ok && tr_plural_accept(pp, "?")) {
		then = tr_plural_ternary(pp);
		if (!tr_plural_accept(pp, ":"))
			return tr_plural_fail(pp);
		otherwise = tr_plural_ternary(pp);
		cond = cond ? then : otherwise;
	}
	pp->depth--;
	return cond;
}

/* FALSE when @expr is not a plural expression */
static gboolean
tr_plural_eval(const gchar *expr, gulong n, gulong *result)
{
	TrPluralParser pp = {expr, n, 0, TRUE};
	gulong v = tr_plural_ternary(&pp);

	while (g_ascii_isspace(*pp.p))
		pp.p++;
	if (!pp.ok || *pp.p != '\0')
		return FALSE;
	*result = v;
	return TRUE;
}

/* the .mo file */

static guint32
tr_mo_read_u32(const gchar *data, gsize offset, gboolean big_endian)
{
	guint32 v;

	memcpy(&v, data + offset, sizeof(v));
	return big_endian ? GUINT32_FROM_BE(v) : GUINT32_FROM_LE(v);
}

/* string @index of the table at @table: NULL when it leaves the file or is
 * not NUL-terminated (the length excludes the NUL) */
static const gchar *
tr_mo_string(const gchar *data, gsize size, guint32 table, guint32 index, gboolean big_endian,
	     gsize *len)
{
	gsize entry = (gsize)table + (gsize)index * 8;
	guint32 length = tr_mo_read_u32(data, entry, big_endian);
	guint32 offset = tr_mo_read_u32(data, entry + 4, big_endian);

	if (offset >= size || length >= size - offset || data[offset + length] != '\0')
		return NULL;
	*len = length;
	return data + offset;
}

/* every NUL-separated piece is UTF-8 */
static gboolean
tr_mo_validate_utf8(const gchar *str, gsize len)
{
	const gchar *end = str + len;

	while (str <= end) {
		gsize piece = strlen(str);

		if (!g_utf8_validate(str, piece, NULL))
			return FALSE;
		str += piece + 1;
	}
	return TRUE;
}

/* the value of "Field: " in the header, up to the end of its line */
static gchar *
tr_mo_header_field(const gchar *header, const gchar *field)
{
	gsize field_len = strlen(field);

	for (const gchar *line = header; line != NULL && *line != '\0';) {
		const gchar *eol = strchr(line, '\n');

		if (g_ascii_strncasecmp(line, field, field_len) == 0 && line[field_len] == ':') {
			const gchar *value = line + field_len + 1;
			return eol != NULL ? g_strndup(value, eol - value) : g_strdup(value);
		}
		line = eol != NULL ? eol + 1 : NULL;
	}
	return NULL;
}

static gboolean
tr_mo_charset_is_utf8(const gchar *header)
{
	g_autofree gchar *content_type = tr_mo_header_field(header, "Content-Type");
	const gchar *charset;
	g_autofree gchar *name = NULL;

	if (content_type == NULL)
		return TRUE;
	charset = strstr(content_type, "charset=");
	if (charset == NULL)
		return TRUE;
	charset += strlen("charset=");
	name = g_strndup(charset, strcspn(charset, " \t;"));
	return g_ascii_strcasecmp(name, "UTF-8") == 0 || g_ascii_strcasecmp(name, "UTF8") == 0 ||
	       g_ascii_strcasecmp(name, "ASCII") == 0 || g_ascii_strcasecmp(name, "US-ASCII") == 0;
}

/* "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);" */
static gboolean
tr_mo_parse_plural_forms(TrCatalog *self, const gchar *header)
{
	g_autofree gchar *field = tr_mo_header_field(header, "Plural-Forms");
	const gchar *nplurals;
	const gchar *plural;
	gchar *end = NULL;
	guint64 count;
	gulong probe;
	g_autofree gchar *expr = NULL;

	if (field == NULL)
		return TRUE;
	nplurals = strstr(field, "nplurals=");
	plural = strstr(field, "plural=");
	if (nplurals == NULL || plural == NULL)
		return FALSE;
	count = g_ascii_strtoull(nplurals + strlen("nplurals="), &end, 10);
	if (end == nplurals + strlen("nplurals=") || count < 1 || count > PLURAL_MAX_FORMS)
		return FALSE;
	plural += strlen("plural=");
	expr = g_strndup(plural, strcspn(plural, ";"));
	if (!tr_plural_eval(expr, 1, &probe))
		return FALSE;
	self->nplurals = count;
	g_free(self->plural);
	self->plural = g_steal_pointer(&expr);
	return TRUE;
}

/* NULL when @data is a usable catalogue, else why not */
static const gchar *
tr_catalog_parse(TrCatalog *self, const gchar *name, const gchar *data, gsize size)
{
	gboolean big_endian;
	guint32 n, originals, translations;
	const gchar *header = NULL;
	gboolean plural_ok = TRUE;

	if (size < MO_HEADER_SIZE)
		return "truncated header";
	if (tr_mo_read_u32(data, 0, FALSE) == MO_MAGIC)
		big_endian = FALSE;
	else if (tr_mo_read_u32(data, 0, TRUE) == MO_MAGIC)
		big_endian = TRUE;
	else
		return "not a GNU .mo file";
	/* major revisions 0 and 1 share the tables read here */
	if (tr_mo_read_u32(data, 4, big_endian) >> 16 > 1)
		return "unknown revision";
	n = tr_mo_read_u32(data, 8, big_endian);
	originals = tr_mo_read_u32(data, 12, big_endian);
	translations = tr_mo_read_u32(data, 16, big_endian);
	if (originals > size || n > (size - originals) / 8 || translations > size ||
	    n > (size - translations) / 8)
		return "string table out of the file";

	/* bounds first, and the header for its charset */
	for (guint32 i = 0; i < n; i++) {
		gsize olen, tlen;
		const gchar *original = tr_mo_string(data, size, originals, i, big_endian, &olen);
		const gchar *translation =
			tr_mo_string(data, size, translations, i, big_endian, &tlen);

		if (original == NULL || translation == NULL)
			return "string out of the file";
		if (olen == 0)
			header = translation;
	}
	if (header != NULL) {
		if (!g_utf8_validate(header, -1, NULL))
			return "header not in UTF-8";
		if (!tr_mo_charset_is_utf8(header))
			return "charset is not UTF-8";
		plural_ok = tr_mo_parse_plural_forms(self, header);
	}

	self->messages = g_hash_table_new(g_str_hash, g_str_equal);
	self->message_arr = g_new0(TrMessage, MAX(n, 1));
	for (guint32 i = 0; i < n; i++) {
		gsize olen, tlen;
		const gchar *original = tr_mo_string(data, size, originals, i, big_endian, &olen);
		const gchar *translation =
			tr_mo_string(data, size, translations, i, big_endian, &tlen);

		if (!tr_mo_validate_utf8(translation, tlen))
			return "translation not in UTF-8";
		/* the header, and entries msgfmt left empty */
		if (olen == 0 || tlen == 0)
			continue;
		self->message_arr[i].str = translation;
		self->message_arr[i].len = tlen;
		g_hash_table_insert(self->messages, (gpointer)original, &self->message_arr[i]);
	}
	/* as GNU gettext: a rule that does not parse is the Germanic one */
	if (!plural_ok)
		g_warning("bad Plural-Forms in the %s catalogue, using \"" GERMANIC_PLURAL "\"",
			  name);
	return NULL;
}

static void
tr_catalog_clear(TrCatalog *self)
{
	g_clear_pointer(&self->messages, g_hash_table_unref);
	g_clear_pointer(&self->message_arr, g_free);
	g_clear_pointer(&self->data, g_free);
	g_clear_pointer(&self->plural, g_free);
}

static const gchar *
tr_catalog_localedir(void)
{
	const gchar *localedir = g_getenv("TIPRING_LOCALEDIR");
	return localedir != NULL ? localedir : TR_LOCALEDIR;
}

/* the catalogue in directory @name of the locale dir; &english when unusable */
static TrCatalog *
tr_catalog_load(const gchar *name)
{
	g_autofree gchar *path = g_build_filename(tr_catalog_localedir(), name, "LC_MESSAGES",
						  GETTEXT_PACKAGE ".mo", NULL);
	g_autoptr(GError) error = NULL;
	TrCatalog *self = g_new0(TrCatalog, 1);
	gsize size = 0;
	const gchar *problem;

	self->nplurals = 2;
	self->plural = g_strdup(GERMANIC_PLURAL);
	if (!g_file_get_contents(path, &self->data, &size, &error)) {
		g_warning("ignoring the %s catalogue: %s", name, error->message);
		tr_catalog_clear(self);
		g_free(self);
		return &english;
	}
	problem = size > MO_MAX_SIZE ? "too large" : tr_catalog_parse(self, name, self->data, size);
	if (problem != NULL) {
		g_warning("ignoring the %s catalogue %s: %s", name, path, problem);
		tr_catalog_clear(self);
		g_free(self);
		return &english;
	}
	self->language = g_strdup(name);
	return self;
}

/* the directories of the locale dir that have a tipring catalogue, once */
static void
tr_catalog_scan_locked(void)
{
	const gchar *localedir = tr_catalog_localedir();
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	if (catalogs != NULL)
		return;
	catalogs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dir = g_dir_open(localedir, 0, NULL);
	if (dir == NULL)
		return;
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *mo = NULL;

		if (strlen(name) > LANGUAGE_MAX_LEN || g_str_equal(name, ENGLISH))
			continue;
		mo = g_build_filename(localedir, name, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
		if (g_file_test(mo, G_FILE_TEST_IS_REGULAR))
			g_hash_table_insert(catalogs, g_strdup(name), NULL);
	}
}

/* the catalogue named @name, if one is installed and readable */
static TrCatalog *
tr_catalog_lookup_locked(const gchar *name)
{
	gpointer catalog = NULL;

	if (!g_hash_table_lookup_extended(catalogs, name, NULL, &catalog))
		return NULL;
	if (catalog == NULL) {
		catalog = tr_catalog_load(name);
		g_hash_table_insert(catalogs, g_strdup(name), catalog);
	}
	return catalog != &english ? catalog : NULL;
}

/* a locale name ("de_DE.UTF-8@euro", POSIX) or language tag ("de-DE",
 * RFC 5646) split into language, territory and modifier; FALSE for English,
 * C, POSIX and what is neither */
static gboolean
tr_catalog_split_language(const gchar *language, gchar **ll, gchar **cc, gchar **modifier)
{
	g_autofree gchar *lang = NULL;
	g_autofree gchar *territory = NULL;
	const gchar *p = language;
	const gchar *at;
	gsize len;

	if (language == NULL || strlen(language) > LANGUAGE_MAX_LEN)
		return FALSE;
	len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (len < 2 || len > 3)
		return FALSE;
	lang = g_ascii_strdown(p, len);
	if (g_str_equal(lang, ENGLISH))
		return FALSE;
	p += len;

	/* subtags: a script (4 letters) is skipped, a region kept, the rest ignored */
	while (*p == '_' || *p == '-') {
		gsize alpha, digit;

		p++;
		len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		alpha = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
		digit = strspn(p, "0123456789");
		if (territory == NULL && len == 2 && alpha == 2)
			territory = g_ascii_strup(p, 2);
		else if (territory == NULL && len == 3 && digit == 3)
			territory = g_strndup(p, 3);
		else if (len == 0)
			return FALSE;
		p += len;
	}
	if (*p != '\0' && *p != '.' && *p != '@')
		return FALSE;
	at = strchr(p, '@');
	if (at != NULL) {
		at++;
		len = strspn(at, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (len == 0 || at[len] != '\0')
			return FALSE;
		*modifier = g_ascii_strdown(at, len);
	} else {
		*modifier = NULL;
	}
	*ll = g_steal_pointer(&lang);
	*cc = g_steal_pointer(&territory);
	return TRUE;
}

/* the catalogue for @language, or NULL for the identity; as glibc, most
 * specific first: ll_CC@mod, ll@mod, ll_CC, ll */
static TrCatalog *
tr_catalog_find(const gchar *language)
{
	g_autofree gchar *ll = NULL;
	g_autofree gchar *cc = NULL;
	g_autofree gchar *modifier = NULL;
	gchar *candidates[4] = {NULL};
	TrCatalog *found = NULL;

	if (!tr_catalog_split_language(language, &ll, &cc, &modifier))
		return NULL;
	if (cc != NULL && modifier != NULL)
		candidates[0] = g_strdup_printf("%s_%s@%s", ll, cc, modifier);
	if (modifier != NULL)
		candidates[1] = g_strdup_printf("%s@%s", ll, modifier);
	if (cc != NULL)
		candidates[2] = g_strdup_printf("%s_%s", ll, cc);
	candidates[3] = g_strdup(ll);

	g_mutex_lock(&catalogs_lock);
	tr_catalog_scan_locked();
	for (guint i = 0; i < G_N_ELEMENTS(candidates) && found == NULL; i++) {
		if (candidates[i] != NULL)
			found = tr_catalog_lookup_locked(candidates[i]);
	}
	g_mutex_unlock(&catalogs_lock);
	for (guint i = 0; i < G_N_ELEMENTS(candidates); i++)
		g_free(candidates[i]);
	return found;
}

/**
 * tr_catalog_get:
 * @language: (nullable): a locale name (`de_DE.UTF-8`) or language tag
 *   (`de-DE`, RFC 5646)
 *
 * The catalogue for @language: the most specific installed one of
 * `ll_CC@modifier`, `ll@modifier`, `ll_CC` and `ll` (`de-DE` finds `de`).
 * Catalogues are read from `$TIPRING_LOCALEDIR` if set, else from the
 * installed locale dir, as `<dir>/<name>/LC_MESSAGES/tipring.mo`; that
 * directory is listed once, at the first call.
 *
 * %NULL, English, `C`, `POSIX` and languages without a readable catalogue get
 * the identity catalogue, whose language is `en`. A damaged file is reported
 * once with a warning and then treated as absent.
 *
 * Returns: (transfer none): a catalogue that lives as long as the process
 */
TrCatalog *
tr_catalog_get(const gchar *language)
{
	TrCatalog *catalog = tr_catalog_find(language);
	return catalog != NULL ? catalog : &english;
}

/**
 * tr_catalog_get_language:
 * @self: a #TrCatalog
 *
 * Returns: the catalogue's language, as its directory is named (`de`,
 * `pt_BR`); `en` for the identity catalogue
 */
const gchar *
tr_catalog_get_language(TrCatalog *self)
{
	g_return_val_if_fail(self != NULL, ENGLISH);
	return self->language;
}

static const TrMessage *
tr_catalog_lookup(TrCatalog *self, const gchar *key)
{
	return self->messages != NULL ? g_hash_table_lookup(self->messages, key) : NULL;
}

/**
 * tr_catalog_gettext:
 * @self: a #TrCatalog
 * @msgid: the English text
 *
 * Returns: the translation of @msgid, or @msgid itself
 */
const gchar *
tr_catalog_gettext(TrCatalog *self, const gchar *msgid)
{
	const TrMessage *message;

	g_return_val_if_fail(self != NULL, msgid);
	g_return_val_if_fail(msgid != NULL, NULL);
	message = tr_catalog_lookup(self, msgid);
	return message != NULL ? message->str : msgid;
}

/**
 * tr_catalog_pgettext:
 * @self: a #TrCatalog
 * @context: the `msgctxt` (as in `C_()` and `NC_()`)
 * @msgid: the English text
 *
 * Returns: the translation of @msgid in @context, or @msgid itself
 */
const gchar *
tr_catalog_pgettext(TrCatalog *self, const gchar *context, const gchar *msgid)
{
	g_autofree gchar *key = NULL;
	const TrMessage *message;

	g_return_val_if_fail(self != NULL, msgid);
	g_return_val_if_fail(context != NULL, msgid);
	g_return_val_if_fail(msgid != NULL, NULL);
	if (self->messages == NULL)
		return msgid;
	key = g_strconcat(context, CONTEXT_SEPARATOR, msgid, NULL);
	message = tr_catalog_lookup(self, key);
	return message != NULL ? message->str : msgid;
}

/**
 * tr_catalog_ngettext:
 * @self: a #TrCatalog
 * @msgid: the English singular
 * @msgid_plural: the English plural
 * @n: the number the text is about
 *
 * The form for @n, chosen by the catalogue's `Plural-Forms` expression: any
 * expression of the C subset that the gettext manual allows (`?:`, `||`,
 * `&&`, comparisons, `+ - * / %`, `!`, parentheses, `n` and numbers), so
 * German `n != 1`, French `n>1` and the Slavic three-form rules all work.
 * A catalogue without a usable `Plural-Forms` uses `n != 1`; a form missing
 * from the catalogue falls back to English.
 *
 * Returns: the translation, or @msgid when @n is 1 and @msgid_plural otherwise
 */
const gchar *
tr_catalog_ngettext(TrCatalog *self, const gchar *msgid, const gchar *msgid_plural, gulong n)
{
	const gchar *english_form = n == 1 ? msgid : msgid_plural;
	const TrMessage *message;
	const gchar *form;
	gulong index = 0;

	g_return_val_if_fail(self != NULL, english_form);
	g_return_val_if_fail(msgid != NULL, NULL);
	g_return_val_if_fail(msgid_plural != NULL, NULL);
	message = tr_catalog_lookup(self, msgid);
	if (message == NULL)
		return english_form;
	if (!tr_plural_eval(self->plural, n, &index) || index >= self->nplurals)
		index = 0;
	form = message->str;
	for (gulong i = 0; i < index; i++) {
		form += strlen(form) + 1;
		if (form >= message->str + message->len)
			return english_form;
	}
	return *form != '\0' ? form : english_form;
}

/* the tabs of the device's web pages, by their schema id (data/schema/README.md) */
static const struct {
	const gchar *id;
	const gchar *label;
} tr_catalog_tabs[] = {
	/* TRANSLATORS: tabs of the device's web pages, named as on the SPA devices */
	{"Info", NC_("web tab", "Info")},
	{"System", NC_("web tab", "System")},
	{"SIP", NC_("web tab", "SIP")},
	{"Provisioning", NC_("web tab", "Provisioning")},
	{"Regional", NC_("web tab", "Regional")},
	{"Phone", NC_("web tab", "Phone")},
	{"User", NC_("web tab", "User")},
	/* TRANSLATORS: web tab of a line of an ATA, followed by its number: "Line 1" */
	{"Line", NC_("web tab", "Line")},
	/* TRANSLATORS: web tab of a line (extension) of a phone, followed by its
	 * number: "Ext 1"; keep it short */
	{"Ext", NC_("web tab", "Ext")},
	/* TRANSLATORS: web tab of the analogue telephone line port of the SPA3102 */
	{"PSTN", NC_("web tab", "PSTN Line")},
	/* TRANSLATORS: web page groups of the ATAs: telephony and the built-in router */
	{"Voice", NC_("web tab", "Voice")},
	{"Router", NC_("web tab", "Router")},
};

/**
 * tr_catalog_get_tab_label:
 * @self: a #TrCatalog
 * @tab_id: a tab of the parameter schema (`System`, `Line`, `PSTN`), or `Ext`
 *   for the line tabs of the phones, `Voice` or `Router`
 *
 * Returns: the tab's title in the catalogue's language; @tab_id itself for
 *   a tab this does not know
 */
const gchar *
tr_catalog_get_tab_label(TrCatalog *self, const gchar *tab_id)
{
	g_return_val_if_fail(self != NULL, tab_id);
	g_return_val_if_fail(tab_id != NULL, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(tr_catalog_tabs); i++) {
		if (g_str_equal(tr_catalog_tabs[i].id, tab_id))
			return tr_catalog_pgettext(self, TAB_CONTEXT, tr_catalog_tabs[i].label);
	}
	return tab_id;
}

/* Language_Selection values: the SPA names its dictionaries in English or
 * in their own language */
static const struct {
	const gchar *name;
	const gchar *language;
} tr_catalog_language_names[] = {
	{"English", "en"},    {"German", "de"},	    {"Deutsch", "de"},	 {"French", "fr"},
	{"Français", "fr"},   {"Francais", "fr"},   {"Spanish", "es"},	 {"Español", "es"},
	{"Espanol", "es"},    {"Italian", "it"},    {"Italiano", "it"},	 {"Dutch", "nl"},
	{"Nederlands", "nl"}, {"Portuguese", "pt"}, {"Português", "pt"}, {"Polish", "pl"},
	{"Polski", "pl"},     {"Swedish", "sv"},    {"Svenska", "sv"},	 {"Danish", "da"},
	{"Dansk", "da"},      {"Norwegian", "nb"},  {"Norsk", "nb"},	 {"Finnish", "fi"},
	{"Suomi", "fi"},      {"Czech", "cs"},	    {"Čeština", "cs"},	 {"Russian", "ru"},
	{"Japanese", "ja"},   {"Chinese", "zh_CN"},
};

/* the language a range or setting names: "en", a catalogue's, or NULL */
static const gchar *
tr_catalog_match(const gchar *language)
{
	g_autofree gchar *primary = NULL;
	TrCatalog *catalog;

	primary = g_ascii_strdown(language, strspn(language, "abcdefghijklmnopqrstuvwxyz"
							     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
	if (g_str_equal(primary, ENGLISH))
		return ENGLISH;
	catalog = tr_catalog_find(language);
	return catalog != NULL ? catalog->language : NULL;
}

static const gchar *
tr_catalog_match_configured(const gchar *configured)
{
	g_autofree gchar *value = g_strstrip(g_strdup(configured));

	if (*value == '\0')
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS(tr_catalog_language_names); i++) {
		if (g_ascii_strcasecmp(value, tr_catalog_language_names[i].name) == 0)
			return tr_catalog_match(tr_catalog_language_names[i].language);
	}
	return tr_catalog_match(value);
}

typedef struct {
	gchar *range;
	guint q; /* thousandths */
	guint order;
} TrLanguageRange;

static void
tr_language_range_clear(TrLanguageRange *range)
{
	g_free(range->range);
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), RFC 9110 §12.4.2 */
static gboolean
tr_catalog_parse_qvalue(const gchar *text, guint *q)
{
	guint value = 0;
	guint scale = 100;

	if (text[0] != '0' && text[0] != '1')
		return FALSE;
	value = text[0] == '1' ? 1000 : 0;
	text++;
	if (*text == '.') {
		text++;
		for (guint i = 0; i < 3 && g_ascii_isdigit(*text); i++, text++) {
			value += (guint)(*text - '0') * scale;
			scale /= 10;
		}
	}
	if (*text != '\0' || value > 1000)
		return FALSE;
	*q = value;
	return TRUE;
}

/* language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*", RFC 4647 §2.1 */
static gboolean
tr_catalog_range_is_valid(const gchar *range)
{
	const gchar *p = range;
	gboolean first = TRUE;

	if (g_str_equal(range, "*"))
		return TRUE;
	for (;;) {
		gsize len =
			first ? strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
			      : strspn(p, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (len < 1 || len > 8)
			return FALSE;
		p += len;
		if (*p == '\0')
			return TRUE;
		if (*p != '-')
			return FALSE;
		p++;
		first = FALSE;
	}
}

/* one element of Accept-Language: "de-CH;q=0.9" */
static gboolean
tr_catalog_parse_range(const gchar *element, guint order, TrLanguageRange *out)
{
	g_auto(GStrv) parts = g_strsplit(element, ";", 8);
	guint q = 1000;

	/* an empty element, which the list syntax allows */
	if (parts[0] == NULL)
		return FALSE;
	g_strstrip(parts[0]);
	if (!tr_catalog_range_is_valid(parts[0]))
		return FALSE;
	for (guint i = 1; parts[i] != NULL; i++) {
		gchar *param = g_strstrip(parts[i]);

		if ((param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
			if (!tr_catalog_parse_qvalue(param + 2, &q))
				return FALSE;
		}
		/* other parameters are not defined for Accept-Language: ignored */
	}
	out->range = g_strdup(parts[0]);
	out->q = q;
	out->order = order;
	return TRUE;
}

static gint
tr_language_range_compare(gconstpointer a, gconstpointer b)
{
	const TrLanguageRange *ra = a;
	const TrLanguageRange *rb = b;

	if (ra->q != rb->q)
		return ra->q > rb->q ? -1 : 1;
	return ra->order < rb->order ? -1 : ra->order > rb->order ? 1 : 0;
}

/**
 * tr_catalog_negotiate:
 * @accept_language: (nullable): the Accept-Language header of the request
 * @configured: (nullable): the device's `Language_Selection`
 *
 * The language to answer a request in, among `en` and the languages with a
 * readable catalogue. A non-empty @configured decides: a language name as
 * the SPA writes it (`German`, `Deutsch`, `English`) or a locale name (`de`,
 * `de_DE`); one without a catalogue is ignored. Otherwise the ranges of
 * @accept_language are tried by falling q-value, then in their order
 * (RFC 9110 §12.5.4); each is looked up as in RFC 4647 §3.4 (`de-CH` finds
 * `de`). `*` and anything unmatched give `en`, and so does a range with
 * q=0 or a malformed element, which are skipped. Only the first 32 elements
 * of the header are read.
 *
 * Returns: (transfer full): a language for tr_catalog_get(): `en`, `de`, ...
 */
gchar *
tr_catalog_negotiate(const gchar *accept_language, const gchar *configured)
{
	g_autoptr(GArray) ranges = NULL;
	g_auto(GStrv) elements = NULL;
	const gchar *language;

	if (configured != NULL && (language = tr_catalog_match_configured(configured)) != NULL)
		return g_strdup(language);
	if (accept_language == NULL)
		return g_strdup(ENGLISH);

	ranges = g_array_new(FALSE, FALSE, sizeof(TrLanguageRange));
	g_array_set_clear_func(ranges, (GDestroyNotify)tr_language_range_clear);
	elements = g_strsplit(accept_language, ",", ACCEPT_MAX_RANGES + 1);
	for (guint i = 0; elements[i] != NULL && i < ACCEPT_MAX_RANGES; i++) {
		TrLanguageRange range;

		if (tr_catalog_parse_range(elements[i], i, &range))
			g_array_append_val(ranges, range);
	}
	g_array_sort(ranges, tr_language_range_compare);
	for (guint i = 0; i < ranges->len; i++) {
		const TrLanguageRange *range = &g_array_index(ranges, TrLanguageRange, i);

		if (range->q == 0)
			break;
		if (g_str_equal(range->range, "*"))
			return g_strdup(ENGLISH);
		language = tr_catalog_match(range->range);
		if (language != NULL)
			return g_strdup(language);
	}
	return g_strdup(ENGLISH);
}
