/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TrProfileRule:
 * @enabled: %FALSE for an empty rule or one that starts with `#`; the other
 *   fields are then %NULL / 0
 * @scheme: "tftp", "http" or "https", lower case
 * @host: the server: a name, an IPv4 literal or an IPv6 literal (without
 *   brackets)
 * @port: the port, the scheme's default (69, 80, 443) when the rule names none
 * @path: the path as written, query included, starting with '/'; a TFTP
 *   client sends it as the file name
 * @url: the whole URL, with the path percent-encoded where a URI needs it
 *   and the port left out when it is the scheme's default
 *
 * One `Profile_Rule` after macro expansion.
 */
typedef struct {
	gboolean enabled;
	gchar *scheme;
	gchar *host;
	guint port;
	gchar *path;
	gchar *url;
} TrProfileRule;

void tr_profile_rule_clear(TrProfileRule *rule);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TrProfileRule, tr_profile_rule_clear)

gboolean tr_profile_rule_is_disabled(const gchar *rule);
gboolean tr_profile_rule_parse(const gchar *rule, TrProfileRule *out, GError **error);

/**
 * TrMacroLookup:
 * @name: the macro's name, without `$` or parentheses
 * @user_data: the data given to tr_profile_rule_expand()
 *
 * Returns: (transfer full) (nullable): the macro's value, or %NULL if no
 *   macro has that name
 */
typedef gchar *(*TrMacroLookup)(const gchar *name, gpointer user_data);

gchar *tr_profile_rule_expand(const gchar *text, TrMacroLookup lookup, gpointer user_data,
			      GError **error);

/**
 * TrProfileMacros:
 * @mac: the MAC address, `02:0e:08:aa:bb:cc` (any case, `:` or `-` or no
 *   separators)
 * @serial: the serial number
 * @product: the model name, e.g. "SPA2102"
 * @sw_version: the firmware version
 * @hw_version: the hardware version
 * @gpp: the values of GPP_A to GPP_P (%NULL entries count as empty)
 *
 * The device's side of the SPA macros, for tr_profile_macros_lookup().
 *
 * The macros it knows:
 *
 * | macro | value |
 * |---|---|
 * | `MA` | the MAC address, 12 lower-case hex digits: `020e08aabbcc` |
 * | `MAU` | the same in upper case: `020E08AABBCC` |
 * | `MAC` | lower case with colons: `02:0e:08:aa:bb:cc` |
 * | `SN` | the serial number |
 * | `PN` | the product name: `SPA2102` |
 * | `PSN` | the product series number, the digits of the product name: `2102` |
 * | `SWVER` | the firmware version |
 * | `HWVER` | the hardware version |
 * | `A` .. `P`, `a` .. `p` | the values of `GPP_A` .. `GPP_P` |
 *
 * Not supported (the device has no such value, or the SPA feature is not
 * implemented): `IP`, `EXTIP`, `UPGERR`, `CCERT`, `M`, `U`, `SA`, `SCHEME`
 * and the others of the SPA's list; they are errors like any unknown name.
 * The resync log messages add `SCHEME`, `SERVIP`, `PORT`, `PATH` and `ERR`.
 */
typedef struct {
	const gchar *mac;
	const gchar *serial;
	const gchar *product;
	const gchar *sw_version;
	const gchar *hw_version;
	const gchar *gpp[16];
} TrProfileMacros;

gchar *tr_profile_macros_lookup(const gchar *name, gpointer macros);

G_END_DECLS
