/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tipring-plugin.h"
#include "tr-web-server.h"

/*
 * The web admin front-end: one TrWebServer per device (tr-web-server.c), on
 * its own port: the device's Web_Server_Port, or tipringd --web-port PORT plus
 * the device's index.
 */

#define TR_TYPE_WEBUI (tr_webui_get_type())
G_DECLARE_FINAL_TYPE(TrWebui, tr_webui, TR, WEBUI, TrFrontend)

struct _TrWebui {
	TrFrontend parent_instance;
	GHashTable *servers; /* TrDevice -> TrWebServer */
};

G_DEFINE_TYPE(TrWebui, tr_webui, TR_TYPE_FRONTEND)

static gboolean
tr_webui_device_added(TrFrontend *frontend, TrDevice *device, GError **error)
{
	TrWebui *self = TR_WEBUI(frontend);
	TrWebServer *server = tr_web_server_new(tr_plugin_get_engine(TR_PLUGIN(frontend)), device);

	g_hash_table_insert(self->servers, device, server);
	tr_web_server_start(server);
	return TRUE;
}

static void
tr_webui_device_removed(TrFrontend *frontend, TrDevice *device)
{
	TrWebui *self = TR_WEBUI(frontend);
	TrWebServer *server = g_hash_table_lookup(self->servers, device);

	if (server != NULL)
		tr_web_server_stop(server);
	g_hash_table_remove(self->servers, device);
}

static void
tr_webui_stop(TrPlugin *plugin)
{
	TrWebui *self = TR_WEBUI(plugin);
	GHashTableIter iter;
	gpointer server;

	g_hash_table_iter_init(&iter, self->servers);
	while (g_hash_table_iter_next(&iter, NULL, &server))
		tr_web_server_stop(server);
	g_hash_table_remove_all(self->servers);
}

static void
tr_webui_finalize(GObject *object)
{
	TrWebui *self = TR_WEBUI(object);

	g_hash_table_unref(self->servers);
	G_OBJECT_CLASS(tr_webui_parent_class)->finalize(object);
}

static void
tr_webui_class_init(TrWebuiClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = tr_webui_finalize;
	TR_PLUGIN_CLASS(klass)->stop = tr_webui_stop;
	TR_FRONTEND_CLASS(klass)->device_added = tr_webui_device_added;
	TR_FRONTEND_CLASS(klass)->device_removed = tr_webui_device_removed;
}

static void
tr_webui_init(TrWebui *self)
{
	self->servers = g_hash_table_new_full(NULL, NULL, NULL, g_object_unref);
}

TR_PLUGIN_DEFINE("webui", "The web admin pages (libsoup3)", tr_webui_get_type)
