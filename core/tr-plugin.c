/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-plugin"

#include "config.h"

#include "tr-device-backend.h"
#include "tr-frontend.h"
#include "tr-media.h"
#include "tr-plugin.h"
#include "tr-transport.h"

typedef struct {
	gchar *name;
	TrEngine *engine; /* not a reference: the engine owns its plugins */
	gboolean started;
} TrPluginPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(TrPlugin, tr_plugin, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_ENGINE, N_PROPS };
static GParamSpec *props[N_PROPS] = {NULL};

#define GET_PRIVATE(o) ((TrPluginPrivate *)tr_plugin_get_instance_private(o))

const gchar *
tr_plugin_get_name(TrPlugin *self)
{
	g_return_val_if_fail(TR_IS_PLUGIN(self), NULL);
	return GET_PRIVATE(self)->name;
}

/**
 * tr_plugin_get_kind:
 *
 * Returns: "transport", "device", "frontend" or "media"
 */
const gchar *
tr_plugin_get_kind(TrPlugin *self)
{
	g_return_val_if_fail(TR_IS_PLUGIN(self), NULL);
	if (TR_IS_TRANSPORT(self))
		return "transport";
	if (TR_IS_DEVICE_BACKEND(self))
		return "device";
	if (TR_IS_FRONTEND(self))
		return "frontend";
	if (TR_IS_MEDIA(self))
		return "media";
	return "unknown";
}

/**
 * tr_plugin_get_engine:
 *
 * Returns: (transfer none): the engine that loaded the plugin
 */
TrEngine *
tr_plugin_get_engine(TrPlugin *self)
{
	g_return_val_if_fail(TR_IS_PLUGIN(self), NULL);
	return GET_PRIVATE(self)->engine;
}

gboolean
tr_plugin_start(TrPlugin *self, GError **error)
{
	TrPluginClass *klass;
	TrPluginPrivate *priv;

	g_return_val_if_fail(TR_IS_PLUGIN(self), FALSE);

	klass = TR_PLUGIN_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	if (priv->started)
		return TRUE;
	if (klass->start != NULL && !klass->start(self, error))
		return FALSE;
	priv->started = TRUE;
	return TRUE;
}

void
tr_plugin_stop(TrPlugin *self)
{
	TrPluginClass *klass;
	TrPluginPrivate *priv;

	g_return_if_fail(TR_IS_PLUGIN(self));

	klass = TR_PLUGIN_GET_CLASS(self);
	priv = GET_PRIVATE(self);
	if (!priv->started)
		return;
	if (klass->stop != NULL)
		klass->stop(self);
	priv->started = FALSE;
}

static void
tr_plugin_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	TrPluginPrivate *priv = GET_PRIVATE(TR_PLUGIN(object));
	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, priv->name);
		break;
	case PROP_ENGINE:
		g_value_set_pointer(value, priv->engine);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_plugin_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
	TrPluginPrivate *priv = GET_PRIVATE(TR_PLUGIN(object));
	switch (prop_id) {
	case PROP_NAME:
		priv->name = g_value_dup_string(value);
		break;
	case PROP_ENGINE:
		priv->engine = g_value_get_pointer(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_plugin_finalize(GObject *object)
{
	TrPluginPrivate *priv = GET_PRIVATE(TR_PLUGIN(object));
	g_free(priv->name);
	G_OBJECT_CLASS(tr_plugin_parent_class)->finalize(object);
}

static void
tr_plugin_class_init(TrPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = tr_plugin_get_property;
	object_class->set_property = tr_plugin_set_property;
	object_class->finalize = tr_plugin_finalize;

	props[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL,
					       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
						       G_PARAM_STATIC_STRINGS);
	props[PROP_ENGINE] = g_param_spec_pointer("engine", NULL, NULL,
						  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
							  G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, props);
}

static void
tr_plugin_init(TrPlugin *self)
{
}
