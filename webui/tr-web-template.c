/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "tr-web-template.h"

/**
 * tr_web_append_escaped:
 *
 * Appends @text escaped for HTML text and attribute values (& < > " ').
 */
void
tr_web_append_escaped(GString *out, const gchar *text)
{
	for (const gchar *p = text != NULL ? text : ""; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			g_string_append(out, "&amp;");
			break;
		case '<':
			g_string_append(out, "&lt;");
			break;
		case '>':
			g_string_append(out, "&gt;");
			break;
		case '"':
			g_string_append(out, "&quot;");
			break;
		case '\'':
			g_string_append(out, "&#39;");
			break;
		default:
			g_string_append_c(out, *p);
		}
	}
}

/**
 * tr_web_append_escaped_breakable:
 *
 * tr_web_append_escaped() for text shown in a narrow column: a line may break
 * after each "_" of a long token (TLS_AES_256_GCM_SHA384), not inside a word.
 * The page's script does the same when it replaces the text.
 */
void
tr_web_append_escaped_breakable(GString *out, const gchar *text)
{
	g_auto(GStrv) parts = g_strsplit(text != NULL ? text : "", "_", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		if (i > 0)
			g_string_append(out, "_<wbr>");
		tr_web_append_escaped(out, parts[i]);
	}
}

/**
 * tr_web_append_json_string:
 *
 * Appends @text as a JSON string literal; "<" and ">" are escaped too, so the
 * text is inert wherever it lands.
 */
void
tr_web_append_json_string(GString *out, const gchar *text)
{
	g_string_append_c(out, '"');
	for (const guchar *p = (const guchar *)(text != NULL ? text : ""); *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (gchar)*p);
	}
	g_string_append_c(out, '"');
}

/**
 * tr_web_template_render:
 * @tmpl: the template text
 * @vars: (element-type utf8 utf8): the values
 *
 * `{{name}}` is replaced by the value of name, HTML-escaped; `{{{name}}}` by the
 * value as it is (markup the caller built and escaped itself). A name without a
 * value becomes the empty string. Nothing else is special.
 *
 * Returns: (transfer full): the text
 */
gchar *
tr_web_template_render(const gchar *tmpl, GHashTable *vars)
{
	GString *out = g_string_sized_new(strlen(tmpl) + 1024);
	const gchar *p = tmpl;

	while (*p != '\0') {
		const gchar *open = strstr(p, "{{");
		gboolean raw;
		const gchar *name, *close;
		g_autofree gchar *key = NULL;

		if (open == NULL) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, open - p);
		raw = open[2] == '{';
		name = open + (raw ? 3 : 2);
		close = strstr(name, raw ? "}}}" : "}}");
		if (close == NULL) {
			g_string_append(out, open);
			break;
		}
		key = g_strstrip(g_strndup(name, close - name));
		if (raw)
			g_string_append(out, g_hash_table_lookup(vars, key) ?: "");
		else
			tr_web_append_escaped(out, g_hash_table_lookup(vars, key));
		p = close + (raw ? 3 : 2);
	}
	return g_string_free(out, FALSE);
}
