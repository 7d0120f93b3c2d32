/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"

/*
 * SIP over TCP: Sofia-SIP's own TCP transport, chosen by SIP_Transport_N_ = TCP.
 * The core's defaults bind "sip:*:PORT;transport=tcp" and address proxies as
 * "sip:HOST;transport=tcp"; nothing else is needed.
 */
#define TR_TYPE_TRANSPORT_TCP (tr_transport_tcp_get_type())
G_DECLARE_FINAL_TYPE(TrTransportTcp, tr_transport_tcp, TR, TRANSPORT_TCP, TrTransport)

struct _TrTransportTcp {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(TrTransportTcp, tr_transport_tcp, TR_TYPE_TRANSPORT)

static void
tr_transport_tcp_class_init(TrTransportTcpClass *klass)
{
	TR_TRANSPORT_CLASS(klass)->protocol = "TCP";
}

static void
tr_transport_tcp_init(TrTransportTcp *self)
{
}

TR_PLUGIN_DEFINE("transport-tcp", "SIP over TCP", tr_transport_tcp_get_type)
