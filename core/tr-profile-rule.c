/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-profile-rule"

#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-profile-rule.h"

/*
 * The SPA's Profile_Rule: `[ [options] ] [scheme://][server[:port]]/path`,
 * with `$` macros expanded first. Pure functions, no I/O: the provisioner
 * does the fetching.
 */

void
tr_profile_rule_clear(TrProfileRule *rule)
{
	g_return_if_fail(rule != NULL);

	g_clear_pointer(&rule->scheme, g_free);
	g_clear_pointer(&rule->host, g_free);
	g_clear_pointer(&rule->path, g_free);
	g_clear_pointer(&rule->url, g_free);
	rule->port = 0;
	rule->enabled = FALSE;
}

/**
 * tr_profile_rule_is_disabled:
 * @rule: (nullable): a rule as stored, before macro expansion
 *
 * Returns: %TRUE if the rule is empty, only white space, or starts with `#`
 *   after white space: such a rule is skipped, its macros never expanded
 */
gboolean
tr_profile_rule_is_disabled(const gchar *rule)
{
	if (rule == NULL)
		return TRUE;
	while (g_ascii_isspace(*rule))
		rule++;
	return *rule == '\0' || *rule == '#';
}

static guint
scheme_default_port(const gchar *scheme)
{
	if (g_strcmp0(scheme, "http") == 0)
		return 80;
	if (g_strcmp0(scheme, "https") == 0)
		return 443;
	return 69;
}

static gboolean
host_is_valid(const gchar *host)
{
	if (host[0] == '\0')
		return FALSE;
	for (const gchar *p = host; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != '_')
			return FALSE;
	}
	return TRUE;
}

static gboolean
parse_port(const gchar *str, guint *port, GError **error)
{
	guint64 value = 0;

	if (str[0] == '\0' || strlen(str) > 5 ||
	    !g_ascii_string_to_unsigned(str, 10, 1, 65535, &value, NULL)) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    /* TRANSLATORS: the port of a URL in a profile rule */
			    _("Invalid port '%s' in the profile rule: expected 1 to 65535"), str);
		return FALSE;
	}
	*port = (guint)value;
	return TRUE;
}

/* the options in `[ ... ]`; none is implemented, so any is refused */
static gboolean
check_options(const gchar *options, GError **error)
{
	g_auto(GStrv) words = g_strsplit_set(options, " \t\r\n", -1);

	for (guint i = 0; words[i] != NULL; i++) {
		if (g_str_has_prefix(words[i], "--key")) {
			g_set_error_literal(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED,
					    /* TRANSLATORS: --key is the SPA's option, keep it */
					    _("Encrypted profiles (--key) are not supported"));
			return FALSE;
		}
	}
	for (guint i = 0; words[i] != NULL; i++) {
		if (words[i][0] != '\0') {
			g_set_error(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED,
				    /* TRANSLATORS: %s is an option such as --post */
				    _("The profile rule option '%s' is not supported"), words[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* host and port from `server[:port]` or `[v6]:port` */
static gboolean
parse_authority(const gchar *authority, gchar **host, guint *port, GError **error)
{
	const gchar *port_str = NULL;
	g_autofree gchar *name = NULL;

	if (strchr(authority, '@') != NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    /* TRANSLATORS: user:password@host in a URL */
			    _("Invalid server '%s' in the profile rule: user names and passwords "
			      "are not supported there"),
			    authority);
		return FALSE;
	}
	if (authority[0] == '[') {
		const gchar *end = strchr(authority, ']');
		if (end == NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: an IPv6 address in a URL lacks its ']' */
				    _("Unclosed '[' in the server '%s' of the profile rule"),
				    authority);
			return FALSE;
		}
		name = g_strndup(authority + 1, end - authority - 1);
		if (!g_hostname_is_ip_address(name) || strchr(name, ':') == NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: brackets hold an IPv6 address */
				    _("Invalid IPv6 address '%s' in the profile rule"), name);
			return FALSE;
		}
		if (end[1] == ':') {
			port_str = end + 2;
		} else if (end[1] != '\0') {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: text follows an IPv6 address in a URL */
				    _("Unexpected text after the server '%s' in the profile rule"),
				    authority);
			return FALSE;
		}
	} else {
		const gchar *colon = strchr(authority, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: IPv6 URLs are written http://[::1]:80/ */
				    _("Invalid server '%s' in the profile rule: write an IPv6 "
				      "address in brackets"),
				    authority);
			return FALSE;
		}
		name = colon != NULL ? g_strndup(authority, colon - authority)
				     : g_strdup(authority);
		if (colon != NULL)
			port_str = colon + 1;
		if (name[0] == '\0') {
			g_set_error_literal(
				error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				/* TRANSLATORS: DHCP option 66 names a TFTP server */
				_("The rule names no server, and there is no DHCP option "
				  "66 server"));
			return FALSE;
		}
		if (!host_is_valid(name)) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: the server of a URL in a profile rule */
				    _("Invalid server name '%s' in the profile rule"), name);
			return FALSE;
		}
	}
	if (port_str != NULL && !parse_port(port_str, port, error))
		return FALSE;
	*host = g_steal_pointer(&name);
	return TRUE;
}

/**
 * tr_profile_rule_parse:
 * @rule: a rule whose macros are expanded
 * @out: (out caller-allocates): the rule's parts; cleared first, to clear
 *   with tr_profile_rule_clear()
 * @error: a #GError, or %NULL
 *
 * Parses `[ [options] ] [scheme://][server[:port]]/path`. The scheme
 * defaults to tftp; tftp, http and https are accepted. A rule that is empty
 * or starts with `#` is disabled: @out->enabled is %FALSE and this returns
 * %TRUE. Options in brackets (`[--key ...]`) and the SPA's assignment
 * expressions (`( ... )!`) are not supported. A rule without a server
 * fails with %TR_ERROR_INVALID_ARGUMENT: the SPA would use the TFTP server of
 * DHCP option 66, which tipring does not learn.
 *
 * Returns: %TRUE on success
 */
gboolean
tr_profile_rule_parse(const gchar *rule, TrProfileRule *out, GError **error)
{
	const gchar *p = rule;
	const gchar *sep;
	const gchar *rest;
	const gchar *path_start;
	g_autofree gchar *text = NULL;
	g_autofree gchar *url = NULL;
	g_autofree gchar *scheme = NULL;
	g_autofree gchar *authority = NULL;
	g_autofree gchar *host = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *escaped = NULL;
	g_autofree gchar *host_part = NULL;
	g_autofree gchar *port_part = NULL;
	guint port = 0;

	g_return_val_if_fail(rule != NULL, FALSE);
	g_return_val_if_fail(out != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	memset(out, 0, sizeof(*out));
	if (tr_profile_rule_is_disabled(rule))
		return TRUE;

	while (g_ascii_isspace(*p))
		p++;
	if (*p == '[') {
		const gchar *end = strchr(p, ']');
		g_autofree gchar *options = NULL;
		if (end == NULL) {
			g_set_error_literal(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
					    /* TRANSLATORS: the options of a rule are in [ ] */
					    _("Unclosed '[' before the URL of the profile rule"));
			return FALSE;
		}
		options = g_strndup(p + 1, end - p - 1);
		if (!check_options(options, error))
			return FALSE;
		p = end + 1;
		while (g_ascii_isspace(*p))
			p++;
	}
	if (*p == '(') {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED,
				    /* TRANSLATORS: the SPA's `( Name = "value" ; )!` syntax */
				    _("Assignment expressions in profile rules are not supported"));
		return FALSE;
	}

	text = g_strchomp(g_strdup(p));
	if (text[0] == '\0') {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: a rule with options but nothing after them */
				    _("The profile rule names no URL"));
		return FALSE;
	}
	for (const gchar *q = text; *q != '\0'; q++) {
		if (g_ascii_isspace(*q) || g_ascii_iscntrl(*q)) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: %s is the URL of a profile rule */
				    _("Unexpected white space in the URL '%s' of the profile rule"),
				    text);
			return FALSE;
		}
	}

	/* the scheme, tftp by default */
	sep = strstr(text, "://");
	if (sep != NULL) {
		scheme = g_ascii_strdown(text, sep - text);
		rest = sep + 3;
		if (g_strcmp0(scheme, "tftp") != 0 && g_strcmp0(scheme, "http") != 0 &&
		    g_strcmp0(scheme, "https") != 0) {
			g_set_error(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED,
				    /* TRANSLATORS: keep tftp, http and https as they are */
				    _("The scheme '%s' is not supported in profile rules: use "
				      "tftp, http or https"),
				    scheme);
			return FALSE;
		}
	} else {
		scheme = g_strdup("tftp");
		rest = text;
	}

	/* the server */
	path_start = rest + strcspn(rest, "/?");
	authority = g_strndup(rest, path_start - rest);
	port = scheme_default_port(scheme);
	if (!parse_authority(authority, &host, &port, error))
		return FALSE;

	/* the path, query included */
	if (*path_start == '?')
		path = g_strconcat("/", path_start, NULL);
	else if (*path_start == '\0')
		path = g_strdup("/");
	else
		path = g_strdup(path_start);
	if (g_strcmp0(scheme, "tftp") == 0 && g_strcmp0(path, "/") == 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    /* TRANSLATORS: %s is the URL of a profile rule */
			    _("The profile rule '%s' names no file"), text);
		return FALSE;
	}

	escaped = g_uri_escape_string(path, "!$&'()*+,;=:@/?%", FALSE);
	host_part = strchr(host, ':') != NULL ? g_strdup_printf("[%s]", host) : g_strdup(host);
	port_part =
		port != scheme_default_port(scheme) ? g_strdup_printf(":%u", port) : g_strdup("");
	url = g_strdup_printf("%s://%s%s%s", scheme, host_part, port_part, escaped);
	if (!g_uri_is_valid(url, G_URI_FLAGS_ENCODED, NULL)) {
		g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
			    /* TRANSLATORS: %s is the path of a URL in a profile rule */
			    _("Invalid path '%s' in the profile rule"), path);
		return FALSE;
	}

	out->enabled = TRUE;
	out->scheme = g_steal_pointer(&scheme);
	out->host = g_steal_pointer(&host);
	out->port = port;
	out->path = g_steal_pointer(&path);
	out->url = g_steal_pointer(&url);
	return TRUE;
}

static gboolean
is_name_char(gchar c)
{
	return g_ascii_isalpha(c);
}

/**
 * tr_profile_rule_expand:
 * @text: a rule or a log message with `$` macros
 * @lookup: gives the value of each macro
 * @user_data: for @lookup
 * @error: a #GError, or %NULL
 *
 * Expands the SPA macros: `$NAME` (NAME the longest run of ASCII letters
 * after the `$`), `$(NAME)` (when letters follow: `$(MA)abc`), and `$$`
 * for a dollar sign. A name that @lookup does not know, a lone `$` and an
 * unclosed `$(` are errors that give the position (1-based, in characters).
 * Values are inserted as they are, not expanded again.
 *
 * Returns: (transfer full): the expanded text, or %NULL with @error set
 */
gchar *
tr_profile_rule_expand(const gchar *text, TrMacroLookup lookup, gpointer user_data, GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);
	const gchar *p = text;

	g_return_val_if_fail(text != NULL, NULL);
	g_return_val_if_fail(lookup != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: the text of a profile rule is not UTF-8 */
				    _("The profile rule is not valid UTF-8"));
		return NULL;
	}

	while (*p != '\0') {
		const gchar *dollar = strchr(p, '$');
		const gchar *name_start;
		const gchar *name_end;
		const gchar *next;
		g_autofree gchar *name = NULL;
		g_autofree gchar *value = NULL;
		glong position;

		if (dollar == NULL) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, dollar - p);
		position = g_utf8_pointer_to_offset(text, dollar) + 1;

		if (dollar[1] == '$') {
			g_string_append_c(out, '$');
			p = dollar + 2;
			continue;
		}
		if (dollar[1] == '(') {
			name_start = dollar + 2;
			name_end = name_start;
			while (is_name_char(*name_end))
				name_end++;
			if (*name_end != ')' || name_end == name_start) {
				g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
					    /* TRANSLATORS: $(NAME) is a macro; %ld a position */
					    _("Malformed macro at position %ld: expected $(NAME) "
					      "with a name of letters"),
					    position);
				return NULL;
			}
			next = name_end + 1;
		} else {
			name_start = dollar + 1;
			name_end = name_start;
			while (is_name_char(*name_end))
				name_end++;
			if (name_end == name_start) {
				g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
					    /* TRANSLATORS: %ld is a position in the text */
					    _("A '$' at position %ld is not followed by a macro "
					      "name; write $$ for a dollar sign"),
					    position);
				return NULL;
			}
			next = name_end;
		}

		name = g_strndup(name_start, name_end - name_start);
		value = lookup(name, user_data);
		if (value == NULL) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: $%s is a macro name, %ld its position */
				    _("Unknown macro $%s at position %ld"), name, position);
			return NULL;
		}
		g_string_append(out, value);
		p = next;
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* 12 hex digits from "02:0e:08:aa:bb:cc", "02-0E-...", "020e08aabbcc" */
static gchar *
mac_digits(const gchar *mac)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = mac != NULL ? mac : ""; *p != '\0'; p++) {
		if (g_ascii_isxdigit(*p))
			g_string_append_c(out, g_ascii_tolower(*p));
	}
	return g_string_free(out, FALSE);
}

/**
 * tr_profile_macros_lookup:
 * @name: a macro name
 * @macros: a #TrProfileMacros
 *
 * A #TrMacroLookup for the macros listed at #TrProfileMacros.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL for an unknown name
 */
gchar *
tr_profile_macros_lookup(const gchar *name, gpointer macros)
{
	TrProfileMacros *m = macros;

	g_return_val_if_fail(name != NULL, NULL);
	g_return_val_if_fail(macros != NULL, NULL);

	if (strcmp(name, "MA") == 0)
		return mac_digits(m->mac);
	if (strcmp(name, "MAU") == 0) {
		g_autofree gchar *digits = mac_digits(m->mac);
		return g_ascii_strup(digits, -1);
	}
	if (strcmp(name, "MAC") == 0) {
		g_autofree gchar *digits = mac_digits(m->mac);
		GString *out = g_string_new(NULL);
		for (guint i = 0; digits[i] != '\0'; i++) {
			if (i > 0 && i % 2 == 0)
				g_string_append_c(out, ':');
			g_string_append_c(out, digits[i]);
		}
		return g_string_free(out, FALSE);
	}
	if (strcmp(name, "SN") == 0)
		return g_strdup(m->serial != NULL ? m->serial : "");
	if (strcmp(name, "PN") == 0)
		return g_strdup(m->product != NULL ? m->product : "");
	if (strcmp(name, "PSN") == 0) {
		const gchar *p = m->product != NULL ? m->product : "";
		/* "SPA2102" -> "2102", "WRP400" -> "400" */
		while (*p != '\0' && !g_ascii_isdigit(*p))
			p++;
		return g_strdup(*p != '\0' ? p : (m->product != NULL ? m->product : ""));
	}
	if (strcmp(name, "SWVER") == 0)
		return g_strdup(m->sw_version != NULL ? m->sw_version : "");
	if (strcmp(name, "HWVER") == 0)
		return g_strdup(m->hw_version != NULL ? m->hw_version : "");
	if (name[0] != '\0' && name[1] == '\0') {
		gchar c = g_ascii_toupper(name[0]);
		if (c >= 'A' && c <= 'P') {
			const gchar *value = m->gpp[c - 'A'];
			return g_strdup(value != NULL ? value : "");
		}
	}
	return NULL;
}
