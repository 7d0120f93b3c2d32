/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * SIP over UDP: Sofia-SIP's own UDP transport, chosen by SIP_Transport_N_ = UDP.
 * The core's defaults bind "sip:*:PORT;transport=udp" and address proxies as
 * "sip:HOST;transport=udp"; nothing else is needed.
 */
#define TR_TYPE_TRANSPORT_UDP (tr_transport_udp_get_type())
G_DECLARE_FINAL_TYPE(TrTransportUdp, tr_transport_udp, TR, TRANSPORT_UDP, TrTransport)

struct _TrTransportUdp {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TrTransportUdp, tr_transport_udp, TR_TYPE_TRANSPORT)

static void
tr_transport_udp_class_init(TrTransportUdpClass *klass)
{
	TR_TRANSPORT_CLASS(klass)->protocol = "UDP";
}

static void
tr_transport_udp_init(TrTransportUdp *self)
{
}

TR_PLUGIN_DEFINE("transport-udp", "SIP over UDP", tr_transport_udp_get_type)
