/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the network of the machine the emulator runs on, as the Info tab shows it */
typedef struct {
	gchar *host_name;
	gchar *interface;    /* that of the default route, or NULL */
	GPtrArray *ipv4;     /* "192.0.2.10" of that interface */
	GPtrArray *netmasks; /* "255.255.255.0", one per ipv4 */
	GPtrArray *ipv6;     /* "2001:db8::10/64" of that interface */
	GPtrArray *gateways; /* of the default routes on that interface: IPv4, then IPv6 */
	GStrv dns;	     /* nameserver lines of resolv.conf */
	gchar *domain;	     /* its domain, or the first of its search list; or NULL */
} TrWebNetInfo;

typedef struct {
	gchar *interface;
	gchar *gateway; /* NULL: a default route without a gateway (point to point) */
	guint metric;
} TrWebRoute;

TrWebNetInfo *tr_web_net_info_collect(void);
void tr_web_net_info_free(TrWebNetInfo *info);

gboolean tr_web_parse_route(const gchar *text, TrWebRoute *route);
gboolean tr_web_parse_ipv6_route(const gchar *text, TrWebRoute *route);
void tr_web_route_clear(TrWebRoute *route);
GStrv tr_web_parse_resolv_conf(const gchar *text, gchar **domain);
guint tr_web_prefix_length(const guint8 *mask, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrWebNetInfo, tr_web_net_info_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TrWebRoute, tr_web_route_clear)

G_END_DECLS
