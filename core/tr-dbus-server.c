/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-dbus"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "tr-dbus-exporter.h"
#include "tr-dbus-server.h"
#include "tr-error.h"
#include "tr-i18n.h"

/*
 * tipringd's side of D-Bus: the well-known name on a bus, or a private
 * GDBusServer for systems without a bus daemon, where every peer that
 * connects gets its own exporter.
 */
struct _TrDbusServer {
	GObject parent_instance;
	TrEngine *engine;
	TrBusKind kind;
	gchar *address;
	gchar *socket_path;
	guint owner_id;
	GDBusServer *p2p;
	GPtrArray *exporters;
};

G_DEFINE_TYPE(TrDbusServer, tr_dbus_server, G_TYPE_OBJECT)

enum { SIGNAL_READY, SIGNAL_LOST, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

TrDbusServer *
tr_dbus_server_new(TrEngine *engine)
{
	TrDbusServer *self;

	g_return_val_if_fail(TR_IS_ENGINE(engine), NULL);
	self = g_object_new(TR_TYPE_DBUS_SERVER, NULL);
	self->engine = g_object_ref(engine);
	return self;
}

static void
name_acquired_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	TrDbusServer *self = user_data;
	g_info("owning %s", name);
	g_signal_emit(self, signals[SIGNAL_READY], 0);
}

static void
name_lost_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	TrDbusServer *self = user_data;
	g_autofree gchar *why = NULL;

	if (connection == NULL)
		/* TRANSLATORS: the D-Bus connection went away */
		why = g_strdup(_("the bus connection was lost"));
	else
		/* TRANSLATORS: %s is the D-Bus name org.tipring.Tipring1 */
		why = g_strdup_printf(_("another process owns %s on this bus"), name);
	g_signal_emit(self, signals[SIGNAL_LOST], 0, why);
}

static gboolean
start_bus(TrDbusServer *self, GBusType type, GError **error)
{
	g_autoptr(GDBusConnection) connection = NULL;
	TrDbusExporter *exporter;

	connection = g_bus_get_sync(type, NULL, error);
	if (connection == NULL)
		return FALSE;
	exporter = tr_dbus_exporter_new(self->engine, connection, error);
	if (exporter == NULL)
		return FALSE;
	g_ptr_array_add(self->exporters, exporter);
	self->owner_id = g_bus_own_name_on_connection(connection, TR_DBUS_NAME,
						      G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
						      name_acquired_cb, name_lost_cb, self, NULL);
	return TRUE;
}

static void
peer_closed_cb(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
	       TrDbusServer *self)
{
	for (guint i = 0; i < self->exporters->len; i++) {
		TrDbusExporter *exporter = g_ptr_array_index(self->exporters, i);
		if (tr_dbus_exporter_get_connection(exporter) == connection) {
			g_debug("peer went away");
			g_ptr_array_remove_index(self->exporters, i);
			return;
		}
	}
}

static gboolean
new_connection_cb(GDBusServer *server, GDBusConnection *connection, TrDbusServer *self)
{
	g_autoptr(GError) error = NULL;
	TrDbusExporter *exporter = tr_dbus_exporter_new(self->engine, connection, &error);

	if (exporter == NULL) {
		g_warning("cannot serve a peer: %s", error->message);
		return FALSE;
	}
	g_signal_connect_object(connection, "closed", G_CALLBACK(peer_closed_cb), self, 0);
	g_ptr_array_add(self->exporters, exporter);
	g_debug("peer connected (%u now)", self->exporters->len);
	return TRUE;
}

/* a socket left by a daemon that died may be replaced; a live one may not */
static gboolean
claim_socket(const gchar *address, const gchar *path, GError **error)
{
	g_autoptr(GDBusConnection) probe = NULL;
	g_autofree gchar *dir = g_path_get_dirname(path);

	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_FAILED, "cannot create %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	probe = g_dbus_connection_new_for_address_sync(
		address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, NULL);
	if (probe != NULL) {
		g_dbus_connection_close_sync(probe, NULL, NULL);
		g_set_error(error, TR_ERROR, TR_ERROR_FAILED,
			    /* TRANSLATORS: %s is a socket address */
			    _("another tipringd is already listening on %s"), address);
		return FALSE;
	}
	g_debug("removing the stale socket %s", path);
	g_unlink(path);
	return TRUE;
}

static gboolean
start_p2p(TrDbusServer *self, const gchar *address, GError **error)
{
	g_autofree gchar *guid = g_dbus_generate_guid();

	self->socket_path = tr_bus_p2p_socket_path(address);
	if (self->socket_path != NULL && !claim_socket(address, self->socket_path, error))
		return FALSE;
	self->p2p = g_dbus_server_new_sync(address,
					   G_DBUS_SERVER_FLAGS_AUTHENTICATION_REQUIRE_SAME_USER,
					   guid, NULL, NULL, error);
	if (self->p2p == NULL)
		return FALSE;
	g_signal_connect(self->p2p, "new-connection", G_CALLBACK(new_connection_cb), self);
	g_dbus_server_start(self->p2p);
	g_info("listening on %s", g_dbus_server_get_client_address(self->p2p));
	g_signal_emit(self, signals[SIGNAL_READY], 0);
	return TRUE;
}

/**
 * tr_dbus_server_start:
 * @kind: the bus, or %TR_BUS_P2P
 * @address: (nullable): the listening address for %TR_BUS_P2P; %NULL for
 *   the default under $XDG_RUNTIME_DIR
 * @error: a #GError, or %NULL
 *
 * ::ready is emitted once the name is owned or the socket listens; ::lost
 * if the name is taken or the bus goes away.
 */
gboolean
tr_dbus_server_start(TrDbusServer *self, TrBusKind kind, const gchar *address, GError **error)
{
	g_return_val_if_fail(TR_IS_DBUS_SERVER(self), FALSE);

	self->kind = tr_bus_resolve(kind);
	switch (self->kind) {
	case TR_BUS_SESSION:
		self->address = g_strdup("session");
		return start_bus(self, G_BUS_TYPE_SESSION, error);
	case TR_BUS_SYSTEM:
		self->address = g_strdup("system");
		return start_bus(self, G_BUS_TYPE_SYSTEM, error);
	case TR_BUS_P2P:
	default:
		self->address = address != NULL ? g_strdup(address) : tr_bus_default_p2p_address();
		return start_p2p(self, self->address, error);
	}
}

/**
 * tr_dbus_server_get_address:
 *
 * Returns: "session", "system", or the p2p address
 */
const gchar *
tr_dbus_server_get_address(TrDbusServer *self)
{
	g_return_val_if_fail(TR_IS_DBUS_SERVER(self), NULL);
	return self->address;
}

void
tr_dbus_server_stop(TrDbusServer *self)
{
	g_return_if_fail(TR_IS_DBUS_SERVER(self));

	if (self->owner_id != 0) {
		g_bus_unown_name(self->owner_id);
		self->owner_id = 0;
	}
	if (self->p2p != NULL) {
		g_dbus_server_stop(self->p2p);
		g_clear_object(&self->p2p);
		if (self->socket_path != NULL)
			g_unlink(self->socket_path);
	}
	g_ptr_array_set_size(self->exporters, 0);
}

static void
tr_dbus_server_dispose(GObject *object)
{
	TrDbusServer *self = TR_DBUS_SERVER(object);

	tr_dbus_server_stop(self);
	g_clear_object(&self->engine);
	G_OBJECT_CLASS(tr_dbus_server_parent_class)->dispose(object);
}

static void
tr_dbus_server_finalize(GObject *object)
{
	TrDbusServer *self = TR_DBUS_SERVER(object);

	g_ptr_array_unref(self->exporters);
	g_free(self->address);
	g_free(self->socket_path);
	G_OBJECT_CLASS(tr_dbus_server_parent_class)->finalize(object);
}

static void
tr_dbus_server_class_init(TrDbusServerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = tr_dbus_server_dispose;
	object_class->finalize = tr_dbus_server_finalize;

	signals[SIGNAL_READY] = g_signal_new("ready", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
					     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
	/**
	 * TrDbusServer::lost:
	 * @why: a translated sentence
	 */
	signals[SIGNAL_LOST] = g_signal_new("lost", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
					    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tr_dbus_server_init(TrDbusServer *self)
{
	self->exporters = g_ptr_array_new_with_free_func(g_object_unref);
}
