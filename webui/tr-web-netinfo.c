/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tr-web-netinfo.h"

/*
 * What the SPA's Info tab shows under System Information, read from the
 * machine the emulator runs on: its host name, the interface of the default
 * route with its addresses (getifaddrs()), the gateways (/proc/net/route and
 * /proc/net/ipv6_route on Linux) and the name servers (/etc/resolv.conf).
 * The parsers take the files' text, for the unit tests; nothing is invented
 * where a file is missing: that row stays empty.
 */

#define ROUTE_UP     0x0001 /* RTF_UP */
#define ROUTE_GW     0x0002 /* RTF_GATEWAY */
#define ROUTE_REJECT 0x0200 /* RTF_REJECT: an unreachable route */

void
tr_web_route_clear(TrWebRoute *route)
{
	g_clear_pointer(&route->interface, g_free);
	g_clear_pointer(&route->gateway, g_free);
	route->metric = 0;
}

static gboolean
parse_hex32(const gchar *text, guint32 *value)
{
	guint64 v = 0;

	if (!g_ascii_string_to_unsigned(text, 16, 0, G_MAXUINT32, &v, NULL))
		return FALSE;
	*value = (guint32)v;
	return TRUE;
}

/* the fields of a line, however many blanks apart */
static GStrv
split_fields(const gchar *line)
{
	g_auto(GStrv) parts = g_strsplit_set(line, " \t", -1);
	g_autoptr(GStrvBuilder) fields = g_strv_builder_new();

	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] != '\0')
			g_strv_builder_add(fields, parts[i]);
	}
	return g_strv_builder_end(fields);
}

/* a default route better than the one in @route (a lower metric) replaces it */
static void
take_route(TrWebRoute *route, const gchar *interface, gchar *gateway, guint metric)
{
	if (route->interface != NULL && metric >= route->metric) {
		g_free(gateway);
		return;
	}
	tr_web_route_clear(route);
	route->interface = g_strdup(interface);
	route->gateway = gateway;
	route->metric = metric;
}

/**
 * tr_web_parse_route:
 * @text: /proc/net/route
 * @route: (out caller-allocates): the IPv4 default route of the lowest metric
 *
 * The kernel writes each address as the 32-bit number it holds in memory
 * (network order read as a host integer): "010200C0" is 192.0.2.1 on a
 * little-endian machine, which is what the number means on this machine.
 *
 * Returns: whether there is a default route that is up
 */
gboolean
tr_web_parse_route(const gchar *text, TrWebRoute *route)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	memset(route, 0, sizeof(*route));
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = split_fields(lines[i]);
		guint32 destination, gateway, flags, mask;
		guint64 metric = 0;
		gchar *gateway_text = NULL;

		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
		if (g_strv_length(f) < 8 || !parse_hex32(f[1], &destination) ||
		    !parse_hex32(f[2], &gateway) || !parse_hex32(f[3], &flags) ||
		    !g_ascii_string_to_unsigned(f[6], 10, 0, G_MAXUINT32, &metric, NULL) ||
		    !parse_hex32(f[7], &mask))
			continue;
		if (destination != 0 || mask != 0 || (flags & ROUTE_UP) == 0 ||
		    (flags & ROUTE_REJECT) != 0)
			continue;
		if ((flags & ROUTE_GW) != 0 && gateway != 0) {
			struct in_addr address = {.s_addr = gateway};
			gchar buffer[INET_ADDRSTRLEN];
			if (inet_ntop(AF_INET, &address, buffer, sizeof(buffer)) != NULL)
				gateway_text = g_strdup(buffer);
		}
		take_route(route, f[0], gateway_text, (guint)metric);
	}
	return route->interface != NULL;
}

static gboolean
parse_hex_bytes(const gchar *text, guint8 *bytes, gsize len)
{
	if (strlen(text) != len * 2)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		gint high = g_ascii_xdigit_value(text[2 * i]);
		gint low = g_ascii_xdigit_value(text[2 * i + 1]);
		if (high < 0 || low < 0)
			return FALSE;
		bytes[i] = (guint8)(high << 4 | low);
	}
	return TRUE;
}

/**
 * tr_web_parse_ipv6_route:
 * @text: /proc/net/ipv6_route
 * @route: (out caller-allocates): the IPv6 default route of the lowest metric
 *
 * Returns: whether there is a default route that is up
 */
gboolean
tr_web_parse_ipv6_route(const gchar *text, TrWebRoute *route)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	static const guint8 any[16] = {0};

	memset(route, 0, sizeof(*route));
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = split_fields(lines[i]);
		guint8 destination[16], next_hop[16];
		guint32 prefix, metric, flags;
		gchar *gateway_text = NULL;

		/* destination, its prefix length, source, its prefix length,
		 * next hop, metric, references, use, flags, interface */
		if (g_strv_length(f) < 10 || !parse_hex_bytes(f[0], destination, 16) ||
		    !parse_hex32(f[1], &prefix) || !parse_hex_bytes(f[4], next_hop, 16) ||
		    !parse_hex32(f[5], &metric) || !parse_hex32(f[8], &flags))
			continue;
		if (memcmp(destination, any, 16) != 0 || prefix != 0 || (flags & ROUTE_UP) == 0 ||
		    (flags & ROUTE_REJECT) != 0)
			continue;
		if (memcmp(next_hop, any, 16) != 0) {
			gchar buffer[INET6_ADDRSTRLEN];
			if (inet_ntop(AF_INET6, next_hop, buffer, sizeof(buffer)) != NULL)
				gateway_text = g_strdup(buffer);
		}
		take_route(route, f[9], gateway_text, metric);
	}
	return route->interface != NULL;
}

/**
 * tr_web_parse_resolv_conf:
 * @text: resolv.conf
 * @domain: (out) (optional) (nullable): its "domain", or the first name of
 *   its "search" (the last of the two lines wins, as in the resolver)
 *
 * Returns: (transfer full): the addresses of its nameserver lines, in order
 */
GStrv
tr_web_parse_resolv_conf(const gchar *text, gchar **domain)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GStrvBuilder) servers = g_strv_builder_new();
	g_autofree gchar *found = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = NULL;
		gchar *comment = strpbrk(lines[i], "#;");

		if (comment != NULL)
			*comment = '\0';
		f = split_fields(lines[i]);
		if (f[0] == NULL || f[1] == NULL)
			continue;
		if (g_strcmp0(f[0], "nameserver") == 0) {
			/* an IPv6 address may name its interface: fe80::1%eth0 */
			g_autofree gchar *address = g_strdup(f[1]);
			gchar *zone = strchr(address, '%');
			if (zone != NULL)
				*zone = '\0';
			if (g_hostname_is_ip_address(address))
				g_strv_builder_add(servers, f[1]);
		} else if (g_strcmp0(f[0], "domain") == 0 || g_strcmp0(f[0], "search") == 0) {
			g_free(found);
			found = g_strdup(f[1]);
		}
	}
	if (domain != NULL)
		*domain = g_steal_pointer(&found);
	return g_strv_builder_end(servers);
}

/* the length of a network mask's prefix: its leading one bits */
guint
tr_web_prefix_length(const guint8 *mask, gsize len)
{
	guint bits = 0;

	for (gsize i = 0; i < len; i++) {
		for (gint b = 7; b >= 0; b--) {
			if ((mask[i] & (1 << b)) == 0)
				return bits;
			bits++;
		}
	}
	return bits;
}

static gchar *
read_text(const gchar *path)
{
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return text;
}

/* getifaddrs() names an IPv4 alias "eth0:1" */
static gboolean
is_interface(const gchar *name, const gchar *interface)
{
	gsize len = strlen(interface);

	return strncmp(name, interface, len) == 0 && (name[len] == '\0' || name[len] == ':');
}

static void
add_addresses(TrWebNetInfo *info)
{
	struct ifaddrs *list = NULL;

	if (info->interface == NULL || getifaddrs(&list) != 0)
		return;
	for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !is_interface(i->ifa_name, info->interface))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *address = (const struct sockaddr_in *)i->ifa_addr;
			const struct sockaddr_in *mask = (const struct sockaddr_in *)i->ifa_netmask;
			gchar text[INET_ADDRSTRLEN], mask_text[INET_ADDRSTRLEN];
			if (inet_ntop(AF_INET, &address->sin_addr, text, sizeof(text)) == NULL)
				continue;
			if (mask == NULL || inet_ntop(AF_INET, &mask->sin_addr, mask_text,
						      sizeof(mask_text)) == NULL)
				mask_text[0] = '\0';
			g_ptr_array_add(info->ipv4, g_strdup(text));
			g_ptr_array_add(info->netmasks, g_strdup(mask_text));
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *address =
				(const struct sockaddr_in6 *)i->ifa_addr;
			const struct sockaddr_in6 *mask =
				(const struct sockaddr_in6 *)i->ifa_netmask;
			gchar text[INET6_ADDRSTRLEN];
			/* the link-local address is no address to reach the device at */
			if (IN6_IS_ADDR_LINKLOCAL(&address->sin6_addr) ||
			    inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof(text)) == NULL)
				continue;
			g_ptr_array_add(
				info->ipv6,
				mask != NULL ? g_strdup_printf("%s/%u", text,
							       tr_web_prefix_length(
								       mask->sin6_addr.s6_addr, 16))
					     : g_strdup(text));
		}
	}
	freeifaddrs(list);
}

/**
 * tr_web_net_info_collect:
 *
 * Returns: (transfer full): the network of this machine, as it is now
 */
TrWebNetInfo *
tr_web_net_info_collect(void)
{
	TrWebNetInfo *info = g_new0(TrWebNetInfo, 1);
	g_autofree gchar *route_text = read_text("/proc/net/route");
	g_autofree gchar *route6_text = read_text("/proc/net/ipv6_route");
	g_autofree gchar *resolv = read_text("/etc/resolv.conf");
	g_auto(TrWebRoute) route = {0};
	g_auto(TrWebRoute) route6 = {0};
	gboolean has_route = route_text != NULL && tr_web_parse_route(route_text, &route);
	gboolean has_route6 = route6_text != NULL && tr_web_parse_ipv6_route(route6_text, &route6);

	info->host_name = g_strdup(g_get_host_name());
	info->ipv4 = g_ptr_array_new_with_free_func(g_free);
	info->netmasks = g_ptr_array_new_with_free_func(g_free);
	info->ipv6 = g_ptr_array_new_with_free_func(g_free);
	info->gateways = g_ptr_array_new_with_free_func(g_free);
	if (has_route)
		info->interface = g_strdup(route.interface);
	else if (has_route6)
		info->interface = g_strdup(route6.interface);
	if (has_route && route.gateway != NULL)
		g_ptr_array_add(info->gateways, g_strdup(route.gateway));
	if (has_route6 && route6.gateway != NULL &&
	    g_strcmp0(route6.interface, info->interface) == 0)
		g_ptr_array_add(info->gateways, g_strdup(route6.gateway));
	add_addresses(info);
	info->dns = resolv != NULL ? tr_web_parse_resolv_conf(resolv, &info->domain)
				   : g_new0(gchar *, 1);
	return info;
}

void
tr_web_net_info_free(TrWebNetInfo *info)
{
	if (info == NULL)
		return;
	g_free(info->host_name);
	g_free(info->interface);
	g_ptr_array_unref(info->ipv4);
	g_ptr_array_unref(info->netmasks);
	g_ptr_array_unref(info->ipv6);
	g_ptr_array_unref(info->gateways);
	g_strfreev(info->dns);
	g_free(info->domain);
	g_free(info);
}
