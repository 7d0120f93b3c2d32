/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-catalog.h"
#include "tr-param.h"
#include "tr-password.h"
#include "tr-tone.h"

G_DEFINE_BOXED_TYPE(TrParam, tr_param, tr_param_ref, tr_param_unref)

TrParam *
tr_param_new(void)
{
	TrParam *param = g_new0(TrParam, 1);
	param->ref_count = 1;
	param->min = G_MININT64;
	param->max = G_MAXINT64;
	param->fmin = -G_MAXDOUBLE;
	param->fmax = G_MAXDOUBLE;
	param->max_length = 511;
	param->access = TR_ACCESS_NA;
	param->view = TR_VIEW_ADVANCED;
	return param;
}

TrParam *
tr_param_ref(TrParam *param)
{
	g_return_val_if_fail(param != NULL, NULL);
	g_atomic_int_inc(&param->ref_count);
	return param;
}

void
tr_param_unref(TrParam *param)
{
	g_return_if_fail(param != NULL);
	if (!g_atomic_int_dec_and_test(&param->ref_count))
		return;
	g_free(param->name);
	g_free(param->base_name);
	g_free(param->label);
	g_free(param->tab);
	g_free(param->section);
	g_free(param->section_label);
	g_free(param->description);
	g_free(param->default_value);
	g_strfreev(param->values);
	g_free(param);
}

/* a per-line template becomes `Name_N_`; index 0 keeps the global name */
TrParam *
tr_param_copy_for_index(const TrParam *tmpl, guint index)
{
	TrParam *param = tr_param_new();

	g_return_val_if_fail(tmpl != NULL, NULL);

	param->base_name = g_strdup(tmpl->base_name);
	param->index = index;
	param->name = index > 0 ? g_strdup_printf("%s_%u_", tmpl->base_name, index)
				: g_strdup(tmpl->base_name);
	param->label = g_strdup(tmpl->label);
	param->tab = g_strdup(tmpl->tab);
	param->section = g_strdup(tmpl->section);
	param->section_label = g_strdup(tmpl->section_label);
	param->description = g_strdup(tmpl->description);
	param->type = tmpl->type;
	param->access = tmpl->access;
	param->view = tmpl->view;
	param->default_value = g_strdup(tmpl->default_value);
	param->min = tmpl->min;
	param->max = tmpl->max;
	param->fmin = tmpl->fmin;
	param->fmax = tmpl->fmax;
	param->hex = tmpl->hex;
	param->max_length = tmpl->max_length;
	param->values = g_strdupv(tmpl->values);
	param->hashed = tmpl->hashed;
	return param;
}

gboolean
tr_param_is_secret(const TrParam *param)
{
	g_return_val_if_fail(param != NULL, TRUE);
	return param->type == TR_PARAM_TYPE_PASSWORD;
}

static const gchar *type_names[] = {
	[TR_PARAM_TYPE_STRING] = "string", [TR_PARAM_TYPE_PASSWORD] = "password",
	[TR_PARAM_TYPE_BOOL] = "bool",	   [TR_PARAM_TYPE_INT] = "int",
	[TR_PARAM_TYPE_FLOAT] = "float",   [TR_PARAM_TYPE_ENUM] = "enum",
	[TR_PARAM_TYPE_HOST] = "host",	   [TR_PARAM_TYPE_IP] = "ip",
	[TR_PARAM_TYPE_URI] = "uri",	   [TR_PARAM_TYPE_TONE] = "tone",
};

const gchar *
tr_param_type_to_string(TrParamType type)
{
	if ((guint)type >= G_N_ELEMENTS(type_names))
		return NULL;
	return type_names[type];
}

gboolean
tr_param_type_from_string(const gchar *str, TrParamType *type)
{
	for (guint i = 0; i < G_N_ELEMENTS(type_names); i++) {
		if (g_strcmp0(str, type_names[i]) == 0) {
			*type = (TrParamType)i;
			return TRUE;
		}
	}
	return FALSE;
}

const gchar *
tr_access_to_string(TrAccess access)
{
	switch (access) {
	case TR_ACCESS_NA:
		return "na";
	case TR_ACCESS_RO:
		return "ro";
	case TR_ACCESS_RW:
		return "rw";
	default:
		return NULL;
	}
}

gboolean
tr_access_from_string(const gchar *str, TrAccess *access)
{
	if (g_strcmp0(str, "na") == 0)
		*access = TR_ACCESS_NA;
	else if (g_strcmp0(str, "ro") == 0)
		*access = TR_ACCESS_RO;
	else if (g_strcmp0(str, "rw") == 0)
		*access = TR_ACCESS_RW;
	else
		return FALSE;
	return TRUE;
}

/*
 * The SPA's rule from web label to element name: spaces and [ ] ( ) /
 * become '_'. `SIP_Transport[1]` and the Cisco note's `SIP Transport{1}`
 * both become `SIP_Transport_1_`.
 */
gchar *
tr_param_name_normalize(const gchar *name)
{
	g_autofree gchar *copy = NULL;

	g_return_val_if_fail(name != NULL, NULL);

	copy = g_strstrip(g_strdup(name));
	for (gchar *p = copy; *p != '\0'; p++) {
		if (strchr(" []()/{}", *p) != NULL)
			*p = '_';
	}
	return g_steal_pointer(&copy);
}

gchar *
tr_param_name_to_bracket(const TrParam *param)
{
	g_return_val_if_fail(param != NULL, NULL);
	if (param->index == 0)
		return g_strdup(param->name);
	return g_strdup_printf("%s[%u]", param->base_name, param->index);
}

/* a message of this file in @catalog's language, or the process's */
static const gchar *l10n(TrCatalog *catalog, const gchar *msgid) G_GNUC_FORMAT(2);

static const gchar *
l10n(TrCatalog *catalog, const gchar *msgid)
{
	return catalog != NULL ? tr_catalog_gettext(catalog, msgid) : _(msgid);
}

gchar *
tr_param_describe_allowed(const TrParam *param)
{
	return tr_param_describe_allowed_in(param, NULL);
}

/**
 * tr_param_describe_allowed_in:
 * @catalog: (nullable): the language of the text; %NULL: the process's
 *
 * Returns: what @param accepts, in words
 */
gchar *
tr_param_describe_allowed_in(const TrParam *param, TrCatalog *catalog)
{
	g_return_val_if_fail(param != NULL, NULL);

	switch (param->type) {
	case TR_PARAM_TYPE_BOOL:
		/* TRANSLATORS: what a yes/no parameter accepts */
		return g_strdup(l10n(catalog, N_("yes or no")));
	case TR_PARAM_TYPE_INT: {
		/* the numbers are formatted first: xgettext cannot see through G_GINT64_FORMAT */
		g_autofree gchar *min = NULL;
		g_autofree gchar *max = NULL;
		if (param->hex) {
			min = g_strdup_printf("0x%02" G_GINT64_MODIFIER "x", param->min);
			max = g_strdup_printf("0x%02" G_GINT64_MODIFIER "x", param->max);
		} else {
			min = g_strdup_printf("%" G_GINT64_FORMAT, param->min);
			max = g_strdup_printf("%" G_GINT64_FORMAT, param->max);
		}
		/* TRANSLATORS: the range of a number, e.g. "an integer from 1 to 65535" */
		return g_strdup_printf(l10n(catalog, N_("an integer from %s to %s")), min, max);
	}
	case TR_PARAM_TYPE_FLOAT:
		/* TRANSLATORS: the range of a decimal number */
		return g_strdup_printf(l10n(catalog, N_("a number from %g to %g")), param->fmin,
				       param->fmax);
	case TR_PARAM_TYPE_ENUM: {
		g_autofree gchar *list = g_strjoinv(", ", param->values);
		/* TRANSLATORS: %s is a list of choices, e.g. "UDP, TCP, TLS" */
		return g_strdup_printf(l10n(catalog, N_("one of %s")), list);
	}
	case TR_PARAM_TYPE_HOST:
		return g_strdup_printf(
			/* TRANSLATORS: what a host parameter accepts */
			l10n(catalog,
			     N_("a host name or IP address with an optional :port, at most %u "
				"characters")),
			param->max_length);
	case TR_PARAM_TYPE_IP:
		/* TRANSLATORS: what an IP address parameter accepts */
		return g_strdup(
			l10n(catalog, N_("an IPv4 address such as 192.168.0.1, or nothing")));
	case TR_PARAM_TYPE_URI:
		return g_strdup_printf(
			/* TRANSLATORS: what a URL parameter accepts */
			l10n(catalog, N_("a URL such as http://host/path without spaces, at most "
					 "%u characters")),
			param->max_length);
	case TR_PARAM_TYPE_TONE:
		/* TRANSLATORS: what a call progress tone parameter accepts */
		return g_strdup(
			l10n(catalog, N_("a tone script such as 350@-19,440@-19;10(*/0/1+2)")));
	case TR_PARAM_TYPE_STRING:
	case TR_PARAM_TYPE_PASSWORD:
	default:
		/* TRANSLATORS: what a text parameter accepts */
		return g_strdup_printf(l10n(catalog, N_("text of at most %u printable characters")),
				       param->max_length);
	}
}

static gboolean
text_is_printable(const gchar *value)
{
	if (!g_utf8_validate(value, -1, NULL))
		return FALSE;
	for (const gchar *p = value; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c))
			return FALSE;
	}
	return TRUE;
}

static gboolean
parse_bool(const gchar *value, const gchar **canonical)
{
	const gchar *yes[] = {"yes", "1", "true", "on", "enable", "enabled"};
	const gchar *no[] = {"no", "0", "false", "off", "disable", "disabled"};

	for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_ascii_strcasecmp(value, yes[i]) == 0) {
			*canonical = "yes";
			return TRUE;
		}
		if (g_ascii_strcasecmp(value, no[i]) == 0) {
			*canonical = "no";
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
parse_int(const TrParam *param, const gchar *value, gchar **canonical)
{
	gint64 v = 0;
	guint base = 10;
	const gchar *digits = value;
	gboolean negative = FALSE;

	if (param->hex && (g_str_has_prefix(value, "0x") || g_str_has_prefix(value, "0X"))) {
		base = 16;
		digits = value + 2;
	} else if (value[0] == '-' || value[0] == '+') {
		negative = value[0] == '-';
		digits = value + 1;
	}
	/* g_ascii_string_to_signed() takes a sign but not "0x"; digits only here */
	if (digits[0] == '\0' || !g_ascii_isxdigit(digits[0]))
		return FALSE;
	if (!g_ascii_string_to_signed(digits, base, G_MININT64, G_MAXINT64, &v, NULL))
		return FALSE;
	if (negative)
		v = -v;
	if (v < param->min || v > param->max)
		return FALSE;
	if (param->hex)
		*canonical = g_strdup_printf("0x%02" G_GINT64_MODIFIER "x", v);
	else
		*canonical = g_strdup_printf("%" G_GINT64_FORMAT, v);
	return TRUE;
}

/* the SPA writes ".5" and "16": no leading zero, no trailing zeros */
static gchar *
format_float(gdouble v)
{
	/* "%.6f" writes every integer digit: up to 309 of them for G_MAXDOUBLE */
	gchar buf[G_ASCII_DTOSTR_BUF_SIZE + DBL_MAX_10_EXP + 1];
	g_ascii_formatd(buf, sizeof(buf), "%.6f", v);
	if (strchr(buf, '.') != NULL) {
		gsize len = strlen(buf);
		while (len > 0 && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '.')
			buf[--len] = '\0';
	}
	if (g_str_has_prefix(buf, "0.") && buf[2] != '\0')
		return g_strdup(buf + 1);
	if (g_str_has_prefix(buf, "-0.") && buf[3] != '\0')
		return g_strdup_printf("-%s", buf + 2);
	if (g_strcmp0(buf, "-0") == 0)
		return g_strdup("0");
	return g_strdup(buf);
}

static gboolean
parse_float(const TrParam *param, const gchar *value, gchar **canonical)
{
	gchar *end = NULL;
	gdouble v;

	for (const gchar *p = value; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p) && *p != '.' && *p != '-' && *p != '+')
			return FALSE;
	}
	v = g_ascii_strtod(value, &end);
	if (end == value || *end != '\0' || !isfinite(v))
		return FALSE;
	if (v < param->fmin || v > param->fmax)
		return FALSE;
	*canonical = format_float(v);
	return TRUE;
}

static gboolean
is_hostname(const gchar *host)
{
	gchar **labels;
	gboolean ok = TRUE;

	if (host[0] == '\0' || strlen(host) > 253)
		return FALSE;
	if (g_hostname_is_ip_address(host))
		return TRUE;
	labels = g_strsplit(host, ".", -1);
	for (guint i = 0; labels[i] != NULL && ok; i++) {
		const gchar *l = labels[i];
		gsize len = strlen(l);
		/* a trailing dot (absolute name) leaves one empty last label */
		if (len == 0) {
			ok = labels[i + 1] == NULL && i > 0;
			continue;
		}
		if (len > 63 || l[0] == '-' || l[len - 1] == '-')
			ok = FALSE;
		for (guint j = 0; j < len && ok; j++) {
			if (!g_ascii_isalnum(l[j]) && l[j] != '-' && l[j] != '_')
				ok = FALSE;
		}
	}
	g_strfreev(labels);
	return ok;
}

static gboolean
parse_port(const gchar *str)
{
	guint64 port = 0;
	return g_ascii_string_to_unsigned(str, 10, 1, 65535, &port, NULL);
}

static gboolean
parse_host(const gchar *value)
{
	g_autofree gchar *host = NULL;
	const gchar *colon;

	if (value[0] == '[') {
		const gchar *close = strchr(value, ']');
		if (close == NULL)
			return FALSE;
		host = g_strndup(value + 1, close - value - 1);
		if (!g_hostname_is_ip_address(host) || strchr(host, ':') == NULL)
			return FALSE;
		if (close[1] == '\0')
			return TRUE;
		return close[1] == ':' && parse_port(close + 2);
	}
	colon = strchr(value, ':');
	if (colon != NULL) {
		/* a bare IPv6 literal without brackets and without a port */
		if (strchr(colon + 1, ':') != NULL)
			return g_hostname_is_ip_address(value);
		host = g_strndup(value, colon - value);
		return is_hostname(host) && parse_port(colon + 1);
	}
	return is_hostname(value);
}

static gboolean
parse_ipv4(const gchar *value)
{
	guint dots = 0;
	for (const gchar *p = value; *p != '\0'; p++) {
		if (*p == '.')
			dots++;
		else if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return dots == 3 && g_hostname_is_ip_address(value);
}

static gboolean
parse_uri(const gchar *value)
{
	const gchar *sep = strstr(value, "://");

	for (const gchar *p = value; *p != '\0'; p++) {
		if ((guchar)*p <= ' ' || (guchar)*p >= 0x7f)
			return FALSE;
	}
	if (sep != NULL) {
		if (sep == value || !g_ascii_isalpha(value[0]))
			return FALSE;
		for (const gchar *p = value; p < sep; p++) {
			if (!g_ascii_isalnum(*p) && *p != '+' && *p != '-' && *p != '.')
				return FALSE;
		}
	}
	return TRUE;
}

/**
 * tr_param_validate:
 * @param: the parameter
 * @value: the proposed value
 * @canonical: (out) (optional): the value as it will be stored
 * @error: a #GError, or %NULL
 *
 * Checks @value against the parameter's type. The error names the
 * parameter, the value (unless it is a secret) and what is allowed.
 */
gboolean
tr_param_validate(const TrParam *param, const gchar *value, gchar **canonical, GError **error)
{
	return tr_param_validate_in(param, value, canonical, NULL, error);
}

/**
 * tr_param_validate_in:
 * @catalog: (nullable): the language of the error; %NULL: the process's
 *
 * tr_param_validate(), with the error in @catalog's language: for a
 * front-end that answers each request in the language of its asker.
 */
gboolean
tr_param_validate_in(const TrParam *param, const gchar *value, gchar **canonical,
		     TrCatalog *catalog, GError **error)
{
	g_autofree gchar *result = NULL;
	g_autofree gchar *trimmed = NULL;
	gboolean ok = FALSE;

	g_return_val_if_fail(param != NULL, FALSE);
	g_return_val_if_fail(value != NULL, FALSE);

	/* every value is trimmed, as SPA profiles trim them: a value that profiles
	 * could not carry would not survive an export and import */
	trimmed = g_strstrip(g_strdup(value));

	/* a hashed password comes as clear text or as the hash an export
	 * carries, which is longer than max-length; what looks like a hash
	 * must be a well-formed one */
	if (param->hashed && g_str_has_prefix(trimmed, TR_PASSWORD_HASH_PREFIX)) {
		if (!tr_password_is_hash(trimmed)) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER,
				    /* TRANSLATORS: %s is a parameter name; keep
				     * $pbkdf2-sha256$ITERATIONS$SALT$HASH as it is */
				    l10n(catalog, N_("Invalid value for %s (value hidden): a "
						     "password hash must be "
						     "$pbkdf2-sha256$ITERATIONS$SALT$HASH, and a "
						     "password may not "
						     "start with $pbkdf2-sha256$")),
				    param->name);
			return FALSE;
		}
		if (canonical != NULL)
			*canonical = g_steal_pointer(&trimmed);
		return TRUE;
	}

	if (!text_is_printable(trimmed) || strlen(trimmed) > param->max_length) {
		ok = FALSE;
	} else {
		switch (param->type) {
		case TR_PARAM_TYPE_BOOL: {
			const gchar *b = NULL;
			ok = parse_bool(trimmed, &b);
			if (ok)
				result = g_strdup(b);
			break;
		}
		case TR_PARAM_TYPE_INT:
			ok = parse_int(param, trimmed, &result);
			break;
		case TR_PARAM_TYPE_FLOAT:
			ok = parse_float(param, trimmed, &result);
			break;
		case TR_PARAM_TYPE_ENUM:
			for (guint i = 0; param->values != NULL && param->values[i] != NULL; i++) {
				if (g_ascii_strcasecmp(trimmed, param->values[i]) == 0) {
					result = g_strdup(param->values[i]);
					ok = TRUE;
					break;
				}
			}
			break;
		case TR_PARAM_TYPE_HOST:
			ok = trimmed[0] == '\0' || parse_host(trimmed);
			break;
		case TR_PARAM_TYPE_IP:
			ok = trimmed[0] == '\0' || parse_ipv4(trimmed);
			break;
		case TR_PARAM_TYPE_URI:
			ok = parse_uri(trimmed);
			break;
		case TR_PARAM_TYPE_TONE:
			ok = trimmed[0] == '\0' || tr_tone_script_parse(trimmed, NULL, NULL);
			break;
		case TR_PARAM_TYPE_STRING:
		case TR_PARAM_TYPE_PASSWORD:
		default:
			ok = TRUE;
			break;
		}
	}

	if (!ok) {
		g_autofree gchar *allowed = tr_param_describe_allowed_in(param, catalog);
		if (tr_param_is_secret(param)) {
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER,
				    /* TRANSLATORS: the value of a password is never shown */
				    l10n(catalog,
					 N_("Invalid value for %s (value hidden): expected %s")),
				    param->name, allowed);
		} else {
			g_autofree gchar *head = g_strndup(value, 64);
			g_autofree gchar *escaped = g_strescape(head, NULL);
			g_autofree gchar *shown = strlen(value) > 64
							  ? g_strconcat(escaped, "...", NULL)
							  : g_steal_pointer(&escaped);
			g_set_error(error, TR_ERROR, TR_ERROR_INVALID_PARAMETER,
				    /* TRANSLATORS: parameter name, its value, what is allowed */
				    l10n(catalog, N_("Invalid value '%s' for %s: expected %s")),
				    shown, param->name, allowed);
		}
		return FALSE;
	}
	if (canonical != NULL)
		*canonical = result != NULL ? g_steal_pointer(&result) : g_steal_pointer(&trimmed);
	return TRUE;
}
