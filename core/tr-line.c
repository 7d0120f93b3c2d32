/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-line"

#include "config.h"

#include "tr-device.h"
#include "tr-line.h"

/*
 * One line (ATA) or extension (phone). It follows its own parameters in the
 * device's store; registration builds on it.
 */
struct _TrLine {
	GObject parent_instance;
	TrDevice *device; /* owner; not a reference */
	guint index;
	gboolean enabled;
	gchar *transport;
	gchar *enable_name;
	gchar *transport_name;
	gulong changed_id;
};

G_DEFINE_TYPE(TrLine, tr_line, G_TYPE_OBJECT)

enum { PROP_0, PROP_ENABLED, PROP_TRANSPORT, N_PROPS };
static GParamSpec *props[N_PROPS] = {NULL};

gchar *
tr_line_param_name(TrLine *self, const gchar *base_name)
{
	g_return_val_if_fail(TR_IS_LINE(self), NULL);
	return g_strdup_printf("%s_%u_", base_name, self->index);
}

static void
tr_line_sync(TrLine *self)
{
	TrStore *store = tr_device_get_store(self->device);
	gboolean enabled = tr_store_get_bool(store, self->enable_name);
	const gchar *transport = tr_store_get(store, self->transport_name);

	if (enabled != self->enabled) {
		self->enabled = enabled;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ENABLED]);
	}
	if (g_strcmp0(transport, self->transport) != 0) {
		g_free(self->transport);
		self->transport = g_strdup(transport);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_TRANSPORT]);
	}
}

static void
store_changed_cb(TrStore *store, const gchar *const *names, TrLine *self)
{
	if (g_strv_contains(names, self->enable_name) ||
	    g_strv_contains(names, self->transport_name))
		tr_line_sync(self);
}

TrLine *
tr_line_new(TrDevice *device, guint index)
{
	TrLine *self;

	g_return_val_if_fail(TR_IS_DEVICE(device), NULL);
	g_return_val_if_fail(index > 0, NULL);

	self = g_object_new(TR_TYPE_LINE, NULL);
	self->device = device;
	self->index = index;
	self->enable_name = tr_line_param_name(self, "Line_Enable");
	self->transport_name = tr_line_param_name(self, "SIP_Transport");
	self->changed_id = g_signal_connect(tr_device_get_store(device), "changed",
					    G_CALLBACK(store_changed_cb), self);
	self->enabled = tr_store_get_bool(tr_device_get_store(device), self->enable_name);
	self->transport = g_strdup(tr_store_get(tr_device_get_store(device), self->transport_name));
	return self;
}

TrDevice *
tr_line_get_device(TrLine *self)
{
	g_return_val_if_fail(TR_IS_LINE(self), NULL);
	return self->device;
}

guint
tr_line_get_index(TrLine *self)
{
	g_return_val_if_fail(TR_IS_LINE(self), 0);
	return self->index;
}

gboolean
tr_line_get_enabled(TrLine *self)
{
	g_return_val_if_fail(TR_IS_LINE(self), FALSE);
	return self->enabled;
}

const gchar *
tr_line_get_transport(TrLine *self)
{
	g_return_val_if_fail(TR_IS_LINE(self), NULL);
	return self->transport;
}

static void
tr_line_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	TrLine *self = TR_LINE(object);
	switch (prop_id) {
	case PROP_ENABLED:
		g_value_set_boolean(value, self->enabled);
		break;
	case PROP_TRANSPORT:
		g_value_set_string(value, self->transport);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_line_dispose(GObject *object)
{
	TrLine *self = TR_LINE(object);
	TrStore *store = self->device != NULL ? tr_device_get_store(self->device) : NULL;

	if (self->changed_id != 0 && store != NULL)
		g_signal_handler_disconnect(store, self->changed_id);
	self->changed_id = 0;
	G_OBJECT_CLASS(tr_line_parent_class)->dispose(object);
}

static void
tr_line_finalize(GObject *object)
{
	TrLine *self = TR_LINE(object);
	g_free(self->transport);
	g_free(self->enable_name);
	g_free(self->transport_name);
	G_OBJECT_CLASS(tr_line_parent_class)->finalize(object);
}

static void
tr_line_class_init(TrLineClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = tr_line_get_property;
	object_class->dispose = tr_line_dispose;
	object_class->finalize = tr_line_finalize;

	props[PROP_ENABLED] = g_param_spec_boolean("enabled", NULL, NULL, FALSE,
						   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_TRANSPORT] = g_param_spec_string("transport", NULL, NULL, NULL,
						    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, props);
}

static void
tr_line_init(TrLine *self)
{
}
