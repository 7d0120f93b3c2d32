/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tr-catalog.h"

/*
 * The catalogues live in a locale dir made for this process (TIPRING_LOCALEDIR,
 * set before the first tr_catalog_get()):
 *
 *   de      po/de.po as msgfmt compiled it at build time (tests/meson.build)
 *   pt_BR   written here: Plural-Forms n > 1
 *   pl      written here: three plural forms
 *   nl      written here, big-endian
 *   tr      written here, with a Plural-Forms that does not parse
 *   it, es, sv, da, fi, nb, hu, ro   damaged, each its own way
 *
 * No fr, ja or ko: those stand for languages without a catalogue.
 */

static gchar *localedir = NULL;

/* a .mo file, written as msgfmt would (without the hash table) */

typedef struct {
	const gchar *id;
	gsize id_len;
	const gchar *str;
	gsize str_len;
} MoEntry;

#define S(literal) literal, sizeof(literal) - 1

static void
put_u32(GByteArray *mo, gsize offset, guint32 value, gboolean big_endian)
{
	guint32 v = big_endian ? GUINT32_TO_BE(value) : GUINT32_TO_LE(value);
	memcpy(mo->data + offset, &v, sizeof(v));
}

static guint32
get_u32(GByteArray *mo, gsize offset)
{
	guint32 v;
	memcpy(&v, mo->data + offset, sizeof(v));
	return GUINT32_FROM_LE(v);
}

static GByteArray *
mo_build(const MoEntry *entries, guint n, gboolean big_endian)
{
	GByteArray *mo = g_byte_array_new();
	const guint32 originals = 28;
	const guint32 translations = originals + 8 * n;
	const guint8 nul = 0;

	g_byte_array_set_size(mo, translations + 8 * n);
	put_u32(mo, 0, 0x950412de, big_endian);
	put_u32(mo, 4, 0, big_endian);
	put_u32(mo, 8, n, big_endian);
	put_u32(mo, 12, originals, big_endian);
	put_u32(mo, 16, translations, big_endian);
	put_u32(mo, 20, 0, big_endian);
	put_u32(mo, 24, translations + 8 * n, big_endian);
	for (guint i = 0; i < n; i++) {
		put_u32(mo, originals + 8 * i, entries[i].id_len, big_endian);
		put_u32(mo, originals + 8 * i + 4, mo->len, big_endian);
		g_byte_array_append(mo, (const guint8 *)entries[i].id, entries[i].id_len);
		g_byte_array_append(mo, &nul, 1);
	}
	for (guint i = 0; i < n; i++) {
		put_u32(mo, translations + 8 * i, entries[i].str_len, big_endian);
		put_u32(mo, translations + 8 * i + 4, mo->len, big_endian);
		g_byte_array_append(mo, (const guint8 *)entries[i].str, entries[i].str_len);
		g_byte_array_append(mo, &nul, 1);
	}
	return mo;
}

static void
install(const gchar *language, const guint8 *data, gsize len)
{
	g_autofree gchar *dir = g_build_filename(localedir, language, "LC_MESSAGES", NULL);
	g_autofree gchar *path = g_build_filename(dir, "tipring.mo", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(path, (const gchar *)data, len, &error));
	g_assert_no_error(error);
}

static void
install_mo(const gchar *language, GByteArray *mo)
{
	install(language, mo->data, mo->len);
}

#define HEADER(plural_forms)                                                                       \
	"Content-Type: text/plain; charset=UTF-8\n"                                                \
	"Plural-Forms: " plural_forms "\n"

static const MoEntry pt_br[] = {
	{S(""), S(HEADER("nplurals=2; plural=(n > 1);"))},
	{S("%u file\0%u files"), S("%u arquivo\0%u arquivos")},
	{S("Line"), S("Linha")},
};

static const MoEntry pl[] = {
	{S(""), S(HEADER("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
			 "(n%100<10 || n%100>=20) ? 1 : 2);"))},
	{S("%u file\0%u files"), S("%u plik\0%u pliki\0%u plików")},
	/* a catalogue that lacks a form: English for it */
	{S("%u line\0%u lines"), S("%u linia")},
};

static const MoEntry nl[] = {
	{S(""), S(HEADER("nplurals=2; plural=(n != 1);"))},
	{S("web tab\004Line"), S("Lijn")},
	{S("Proxy"), S("Proxy-server")},
};

static const MoEntry tr[] = {
	{S(""), S(HEADER("nplurals=2; plural=(n >;"))},
	{S("%u file\0%u files"), S("%u dosya\0%u dosyalar")},
};

static const MoEntry latin1[] = {
	{S(""), S("Content-Type: text/plain; charset=ISO-8859-1\n")},
	{S("Line"), S("Linje")},
};

static const MoEntry bad_utf8[] = {
	{S(""), S(HEADER("nplurals=2; plural=(n != 1);"))},
	{S("Line"), S("Linj\xe6")},
};

static void
make_localedir(void)
{
	g_autofree gchar *de_mo = g_test_build_filename(G_TEST_BUILT, "test-catalog-de.mo", NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *de = NULL;
	gsize de_len = 0;
	g_autoptr(GByteArray) mo = NULL;
	g_autoptr(GString) garbage = g_string_new(NULL);

	localedir = g_dir_make_tmp("tipring-catalog-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("TIPRING_LOCALEDIR", localedir, TRUE);

	g_assert_true(g_file_get_contents(de_mo, &de, &de_len, &error));
	g_assert_no_error(error);
	install("de", (const guint8 *)de, de_len);

	mo = mo_build(pt_br, G_N_ELEMENTS(pt_br), FALSE);
	install_mo("pt_BR", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	mo = mo_build(pl, G_N_ELEMENTS(pl), FALSE);
	install_mo("pl", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	mo = mo_build(nl, G_N_ELEMENTS(nl), TRUE);
	install_mo("nl", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	mo = mo_build(tr, G_N_ELEMENTS(tr), FALSE);
	install_mo("tr", mo);
	g_clear_pointer(&mo, g_byte_array_unref);

	/* damaged: the German catalogue cut in half */
	install("it", (const guint8 *)de, de_len / 2);
	/* not a catalogue at all */
	for (guint i = 0; i < 20; i++)
		g_string_append(garbage, "this is not a catalogue\n");
	install("es", (const guint8 *)garbage->str, garbage->len);
	/* an empty file */
	install("hu", (const guint8 *)"", 0);
	/* a string that points past the end of the file */
	mo = mo_build(pt_br, G_N_ELEMENTS(pt_br), FALSE);
	put_u32(mo, 28 + 8 * 1 + 4, 0x7ffffff0, FALSE);
	install_mo("sv", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	/* a length that misses the string's NUL */
	mo = mo_build(pt_br, G_N_ELEMENTS(pt_br), FALSE);
	put_u32(mo, 28 + 8 * 3 + 8 * 2, get_u32(mo, 28 + 8 * 3 + 8 * 2) - 1, FALSE);
	install_mo("da", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	/* more strings than the file can hold */
	mo = mo_build(pt_br, G_N_ELEMENTS(pt_br), FALSE);
	put_u32(mo, 8, 0x20000000, FALSE);
	install_mo("ro", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	/* a charset other than UTF-8 */
	mo = mo_build(latin1, G_N_ELEMENTS(latin1), FALSE);
	install_mo("fi", mo);
	g_clear_pointer(&mo, g_byte_array_unref);
	/* a translation that is not UTF-8 */
	mo = mo_build(bad_utf8, G_N_ELEMENTS(bad_utf8), FALSE);
	install_mo("nb", mo);
}

static void
remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			remove_tree(child);
		else
			g_assert_cmpint(g_unlink(child), ==, 0);
	}
	g_assert_cmpint(g_rmdir(path), ==, 0);
}

/* the tests */

static void
test_catalog_german(void)
{
	TrCatalog *de = tr_catalog_get("de");

	g_assert_cmpstr(tr_catalog_get_language(de), ==, "de");
	/* a message of the C sources and texts of the parameter schema */
	g_assert_cmpstr(tr_catalog_gettext(de, "tipringd hosts no device"), ==,
			"tipringd betreibt kein Gerät");
	g_assert_cmpstr(tr_catalog_gettext(de, "Enable Web Server"), ==, "Webserver aktivieren");
	g_assert_cmpstr(tr_catalog_gettext(de, "Proxy and Registration"), ==,
			"Proxy und Registrierung");
	g_assert_cmpstr(tr_catalog_gettext(de, "Run the built-in web server"), ==,
			"Den eingebauten Webserver betreiben");
	/* untranslated: the msgid itself, the very pointer */
	{
		const gchar *msgid = "no such message in any catalogue";
		g_assert_true(tr_catalog_gettext(de, msgid) == msgid);
	}
}

static void
test_catalog_names(void)
{
	TrCatalog *de = tr_catalog_get("de");
	TrCatalog *en = tr_catalog_get(NULL);
	const gchar *const german[] = {"de_DE.UTF-8", "de-DE",	    "de",      "DE",
				       "de_CH@euro",  "de-Latn-AT", "de.UTF-8"};
	const gchar *const english[] = {"",	 "C",	"C.UTF-8", "POSIX", "en",  "en_US",
					"en-GB", "fr",	"ja_JP",   "zz",    "de_", "d",
					"de DE", "@de", "../de",   "de/..", "x-de"};
	const gchar *msgid = "tipringd hosts no device";

	g_assert_nonnull(de);
	g_assert_true(de != en);
	for (guint i = 0; i < G_N_ELEMENTS(german); i++) {
		g_test_message("%s", german[i]);
		g_assert_true(tr_catalog_get(german[i]) == de);
	}
	g_assert_cmpstr(tr_catalog_get_language(en), ==, "en");
	for (guint i = 0; i < G_N_ELEMENTS(english); i++) {
		g_test_message("%s", english[i]);
		g_assert_true(tr_catalog_get(english[i]) == en);
	}
	g_assert_true(tr_catalog_gettext(en, msgid) == msgid);
	g_assert_true(tr_catalog_pgettext(en, "web tab", "Line") != NULL);
	g_assert_cmpstr(tr_catalog_pgettext(en, "web tab", "Line"), ==, "Line");
	g_assert_cmpstr(tr_catalog_get_tab_label(en, "PSTN"), ==, "PSTN Line");

	/* the most specific catalogue first, the territory then dropped */
	g_assert_cmpstr(tr_catalog_get_language(tr_catalog_get("pt_BR.UTF-8")), ==, "pt_BR");
	g_assert_cmpstr(tr_catalog_get_language(tr_catalog_get("pt-br")), ==, "pt_BR");
	g_assert_cmpstr(tr_catalog_get_language(tr_catalog_get("pt")), ==, "en");
	g_assert_cmpstr(tr_catalog_get_language(tr_catalog_get("pl_PL")), ==, "pl");
}

static void
test_catalog_context(void)
{
	TrCatalog *de = tr_catalog_get("de");
	TrCatalog *nl = tr_catalog_get("nl");

	g_assert_cmpstr(tr_catalog_pgettext(de, "web tab", "Line"), ==, "Leitung");
	g_assert_cmpstr(tr_catalog_pgettext(de, "web tab", "Regional"), ==, "Regional");
	/* another context, or none: not the tab */
	g_assert_cmpstr(tr_catalog_pgettext(de, "no such context", "Line"), ==, "Line");
	g_assert_cmpstr(tr_catalog_gettext(de, "web tab"), ==, "web tab");

	g_assert_cmpstr(tr_catalog_get_tab_label(de, "Line"), ==, "Leitung");
	g_assert_cmpstr(tr_catalog_get_tab_label(de, "PSTN"), ==, "PSTN-Leitung");
	g_assert_cmpstr(tr_catalog_get_tab_label(de, "Provisioning"), ==, "Provisionierung");
	g_assert_cmpstr(tr_catalog_get_tab_label(de, "User"), ==, "Benutzer");
	g_assert_cmpstr(tr_catalog_get_tab_label(de, "No_Such_Tab"), ==, "No_Such_Tab");

	/* a big-endian file */
	g_assert_cmpstr(tr_catalog_get_language(nl), ==, "nl");
	g_assert_cmpstr(tr_catalog_get_tab_label(nl, "Line"), ==, "Lijn");
	g_assert_cmpstr(tr_catalog_gettext(nl, "Proxy"), ==, "Proxy-server");
	g_assert_cmpstr(tr_catalog_gettext(nl, "Line"), ==, "Line");
}

static void
test_catalog_plural(void)
{
	TrCatalog *de = tr_catalog_get("de");
	TrCatalog *pt = tr_catalog_get("pt_BR");
	TrCatalog *pl = tr_catalog_get("pl");
	TrCatalog *en = tr_catalog_get("en");
	const struct {
		gulong n;
		const gchar *pt;
		const gchar *pl;
	} forms[] = {
		{0, "%u arquivo", "%u plików"},	    {1, "%u arquivo", "%u plik"},
		{2, "%u arquivos", "%u pliki"},	    {4, "%u arquivos", "%u pliki"},
		{5, "%u arquivos", "%u plików"},    {12, "%u arquivos", "%u plików"},
		{22, "%u arquivos", "%u pliki"},    {112, "%u arquivos", "%u plików"},
		{1001, "%u arquivos", "%u plików"}, {G_MAXULONG, "%u arquivos", "%u plików"},
	};

	/* German: n != 1 */
	g_assert_cmpstr(tr_catalog_ngettext(de, "... and %u more", "... and %u more", 1), ==,
			"... und %u weiterer Fehler");
	g_assert_cmpstr(tr_catalog_ngettext(de, "... and %u more", "... and %u more", 0), ==,
			"... und %u weitere Fehler");
	g_assert_cmpstr(tr_catalog_ngettext(de, "... and %u more", "... and %u more", 7), ==,
			"... und %u weitere Fehler");

	for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
		g_test_message("n = %lu", forms[i].n);
		g_assert_cmpstr(tr_catalog_ngettext(pt, "%u file", "%u files", forms[i].n), ==,
				forms[i].pt);
		g_assert_cmpstr(tr_catalog_ngettext(pl, "%u file", "%u files", forms[i].n), ==,
				forms[i].pl);
	}
	/* a form the catalogue lacks */
	g_assert_cmpstr(tr_catalog_ngettext(pl, "%u line", "%u lines", 1), ==, "%u linia");
	g_assert_cmpstr(tr_catalog_ngettext(pl, "%u line", "%u lines", 2), ==, "%u lines");
	g_assert_cmpstr(tr_catalog_ngettext(pl, "%u line", "%u lines", 5), ==, "%u lines");
	/* untranslated, and English */
	g_assert_cmpstr(tr_catalog_ngettext(pt, "%u bird", "%u birds", 1), ==, "%u bird");
	g_assert_cmpstr(tr_catalog_ngettext(pt, "%u bird", "%u birds", 0), ==, "%u birds");
	g_assert_cmpstr(tr_catalog_ngettext(en, "%u file", "%u files", 1), ==, "%u file");
	g_assert_cmpstr(tr_catalog_ngettext(en, "%u file", "%u files", 0), ==, "%u files");
	/* the singular of a plural entry is its msgid */
	g_assert_cmpstr(tr_catalog_gettext(pt, "%u file"), ==, "%u arquivo");
}

/* a Plural-Forms that does not parse: said once, then n != 1 */
static void
test_catalog_bad_plural(void)
{
	TrCatalog *catalog;

	g_test_expect_message("tr-catalog", G_LOG_LEVEL_WARNING, "*bad Plural-Forms in the tr*");
	catalog = tr_catalog_get("tr");
	g_test_assert_expected_messages();
	g_assert_cmpstr(tr_catalog_get_language(catalog), ==, "tr");
	g_assert_cmpstr(tr_catalog_ngettext(catalog, "%u file", "%u files", 1), ==, "%u dosya");
	g_assert_cmpstr(tr_catalog_ngettext(catalog, "%u file", "%u files", 2), ==, "%u dosyalar");
	g_assert_true(tr_catalog_get("tr_TR") == catalog);
}

/* each damaged file: one warning, then it is as if absent */
static void
test_catalog_damaged(void)
{
	const struct {
		const gchar *language;
		const gchar *problem;
	} damaged[] = {
		{"it", "string out of the file"}, {"es", "not a GNU .mo file"},
		{"hu", "truncated header"},	  {"sv", "string out of the file"},
		{"da", "string out of the file"}, {"ro", "string table out of the file"},
		{"fi", "charset is not UTF-8"},	  {"nb", "translation not in UTF-8"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(damaged); i++) {
		g_autofree gchar *pattern = g_strdup_printf(
			"*ignoring the %s catalogue*: %s", damaged[i].language, damaged[i].problem);
		g_autofree gchar *negotiated = NULL;
		TrCatalog *catalog;

		g_test_message("%s", damaged[i].language);
		g_test_expect_message("tr-catalog", G_LOG_LEVEL_WARNING, pattern);
		catalog = tr_catalog_get(damaged[i].language);
		g_test_assert_expected_messages();
		g_assert_cmpstr(tr_catalog_get_language(catalog), ==, "en");
		g_assert_cmpstr(tr_catalog_gettext(catalog, "Line"), ==, "Line");
		/* said once: warnings are fatal here */
		g_assert_true(tr_catalog_get(damaged[i].language) == tr_catalog_get("en"));
		negotiated = tr_catalog_negotiate(damaged[i].language, NULL);
		g_assert_cmpstr(negotiated, ==, "en");
	}
}

static void
test_catalog_negotiate(void)
{
	const struct {
		const gchar *accept;
		const gchar *configured;
		const gchar *language;
	} cases[] = {
		{"de-CH;q=0.9, en;q=0.8", NULL, "de"},
		{"de-CH;q=0.9, en;q=0.8", "", "de"},
		{"fr, *;q=0.1", NULL, "en"},
		{"", NULL, "en"},
		{NULL, NULL, "en"},
		{NULL, "", "en"},
		/* Language_Selection beats the browser */
		{"en", "German", "de"},
		{"en-US,en;q=0.9", "Deutsch", "de"},
		{"de", "English", "en"},
		{"de", "english", "en"},
		{"en", "de", "de"},
		{"en", "de_DE", "de"},
		{"en", " German ", "de"},
		{"en", "pt_BR", "pt_BR"},
		/* a setting without a catalogue: the browser decides */
		{"de", "French", "de"},
		{"de", "Klingon", "de"},
		{NULL, "French", "en"},
		/* q-values, then order */
		{"en;q=0.5, de", NULL, "de"},
		{"en, de", NULL, "en"},
		{"de, en", NULL, "de"},
		{"fr;q=1, ja;q=0.9, de;q=0.8", NULL, "de"},
		{"de;q=0.3, pl;q=0.4", NULL, "pl"},
		{"de;q=0.300, pl;q=0.3", NULL, "de"},
		{"pt-BR,pt;q=0.9", NULL, "pt_BR"},
		{"pt", NULL, "en"},
		{"DE-de", NULL, "de"},
		{"*", NULL, "en"},
		{"*;q=0.5, de;q=0.6", NULL, "de"},
		{"de;q=0", NULL, "en"},
		{"de;q=0.000", NULL, "en"},
		{"de;q=0.001", NULL, "de"},
		{"de ; q=0.5", NULL, "de"},
		{"de;Q=1.0", NULL, "de"},
		/* malformed elements are skipped */
		{"de;q=2", NULL, "en"},
		{"de;q=1.5, pl;q=0.1", NULL, "pl"},
		{"de;q=0.0001", NULL, "en"},
		{"de;q=", NULL, "en"},
		{"de;q=-1", NULL, "en"},
		{"de;q=abc, pl", NULL, "pl"},
		{"de_DE", NULL, "en"},
		{"deutschland", NULL, "en"},
		{"de-Latn-DE-1996", NULL, "de"},
		{",,, de ,", NULL, "de"},
		{";q=1, de", NULL, "de"},
		{"\xff\xfe, de", NULL, "de"},
		{"de;level=1;q=0.5", NULL, "de"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *language =
			tr_catalog_negotiate(cases[i].accept, cases[i].configured);
		g_autofree gchar *accept =
			cases[i].accept != NULL ? g_strescape(cases[i].accept, NULL) : NULL;

		g_test_message("Accept-Language: %s, Language_Selection: %s",
			       accept != NULL ? accept : "(none)",
			       cases[i].configured != NULL ? cases[i].configured : "(none)");
		g_assert_cmpstr(language, ==, cases[i].language);
	}
}

/* hostile headers: long, many elements; only the first 32 elements count */
static void
test_catalog_negotiate_long(void)
{
	g_autoptr(GString) many = g_string_new(NULL);
	g_autoptr(GString) late = g_string_new(NULL);
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *c = NULL;
	g_autofree gchar *long_range = g_strnfill(100000, 'a');

	for (guint i = 0; i < 10000; i++)
		g_string_append(many, "fr;q=0.5,");
	g_string_append(many, "de");
	a = tr_catalog_negotiate(many->str, NULL);
	g_assert_cmpstr(a, ==, "en");

	for (guint i = 0; i < 31; i++)
		g_string_append(late, "ja,");
	g_string_append(late, "de");
	b = tr_catalog_negotiate(late->str, NULL);
	g_assert_cmpstr(b, ==, "de");

	c = tr_catalog_negotiate(long_range, long_range);
	g_assert_cmpstr(c, ==, "en");
}

int
main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	make_localedir();

	g_test_add_func("/catalog/german", test_catalog_german);
	g_test_add_func("/catalog/names", test_catalog_names);
	g_test_add_func("/catalog/context", test_catalog_context);
	g_test_add_func("/catalog/plural", test_catalog_plural);
	g_test_add_func("/catalog/bad-plural", test_catalog_bad_plural);
	g_test_add_func("/catalog/damaged", test_catalog_damaged);
	g_test_add_func("/catalog/negotiate", test_catalog_negotiate);
	g_test_add_func("/catalog/negotiate-long", test_catalog_negotiate_long);
	ret = g_test_run();

	remove_tree(localedir);
	g_free(localedir);
	return ret;
}
