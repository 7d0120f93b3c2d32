/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gmodule.h>
#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TrEngine TrEngine;

/*
 * Bumped whenever a class or struct of the plugin SDK changes layout. The
 * loader refuses a plugin built against another value.
 */
#define TR_PLUGIN_ABI_VERSION 3

/* the one symbol a plugin module exports */
#define TR_PLUGIN_ENTRY_POINT "tr_plugin_describe"

/**
 * TrPluginDescriptor:
 * @abi_version: %TR_PLUGIN_ABI_VERSION as the plugin was built
 * @name: the plugin's name, e.g. "transport-udp"
 * @description: one line saying what the plugin is, for its README and logs
 * @get_type: returns the plugin's #GType, a subclass of one of the four kinds
 *
 * What the entry point returns. @abi_version comes first and never moves,
 * so the loader can read it from a plugin of any version.
 */
typedef struct {
	guint32 abi_version;
	const gchar *name;
	const gchar *description;
	GType (*get_type)(void);
} TrPluginDescriptor;

typedef const TrPluginDescriptor *(*TrPluginDescribeFunc)(void);

/**
 * TR_PLUGIN_DEFINE:
 * @plugin_name: the plugin's name, a string literal
 * @plugin_description: a string literal
 * @type_func: the `*_get_type` function of the plugin's class
 *
 * Declares the module entry point. Use once per plugin, after
 * G_DEFINE_TYPE().
 */
#define TR_PLUGIN_DEFINE(plugin_name, plugin_description, type_func)                               \
	G_MODULE_EXPORT const TrPluginDescriptor *tr_plugin_describe(void);                        \
	const TrPluginDescriptor *tr_plugin_describe(void)                                         \
	{                                                                                          \
		static const TrPluginDescriptor descriptor = {TR_PLUGIN_ABI_VERSION, plugin_name,  \
							      plugin_description, type_func};      \
		return &descriptor;                                                                \
	}

#define TR_TYPE_PLUGIN (tr_plugin_get_type())
G_DECLARE_DERIVABLE_TYPE(TrPlugin, tr_plugin, TR, PLUGIN, GObject)

/**
 * TrPluginClass:
 * @start: called once after loading, on the main context; a plugin that
 *   returns %FALSE is disabled and the daemon goes on without it
 * @stop: called once before the daemon exits (or the plugin is disabled)
 *
 * The base of the four plugin kinds (#TrTransport, #TrDeviceBackend,
 * #TrFrontend, #TrMedia). A plugin derives from one of them, never from
 * this class directly.
 */
struct _TrPluginClass {
	GObjectClass parent_class;
	gboolean (*start)(TrPlugin *self, GError **error);
	void (*stop)(TrPlugin *self);
	/*< private >*/
	gpointer padding[8];
};

const gchar *tr_plugin_get_name(TrPlugin *self);
const gchar *tr_plugin_get_kind(TrPlugin *self);
TrEngine *tr_plugin_get_engine(TrPlugin *self);
gboolean tr_plugin_start(TrPlugin *self, GError **error);
void tr_plugin_stop(TrPlugin *self);

G_END_DECLS
