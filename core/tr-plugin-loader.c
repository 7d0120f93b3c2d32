/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-plugin-loader"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tr-device-backend.h"
#include "tr-error.h"
#include "tr-frontend.h"
#include "tr-i18n.h"
#include "tr-media.h"
#include "tr-plugin-loader.h"
#include "tr-transport.h"

/*
 * Code that others could replace is code that others could plant: the file
 * must belong to root or to the daemon's own user and be writable by no one
 * else, as ModemManager requires of its plugins.
 */
static gboolean
check_file(const gchar *path, GError **error)
{
	GStatBuf st;

	if (g_stat(path, &st) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: why a plugin module could not be loaded; %s is
			     * the system's reason, e.g. "Permission denied" */
			    _("cannot stat: %s"), g_strerror(errno));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: why a plugin module was refused */
				    _("not a regular file"));
		return FALSE;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: why a plugin module was refused: the user
			     * that owns the file */
			    _("owned by uid %u, neither root nor the daemon's user"),
			    (guint)st.st_uid);
		return FALSE;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: why a plugin module was refused: its file
				     * mode */
				    _("writable by group or others"));
		return FALSE;
	}
	return TRUE;
}

static gboolean
type_is_a_kind(GType type)
{
	return g_type_is_a(type, TR_TYPE_TRANSPORT) || g_type_is_a(type, TR_TYPE_DEVICE_BACKEND) ||
	       g_type_is_a(type, TR_TYPE_FRONTEND) || g_type_is_a(type, TR_TYPE_MEDIA);
}

/**
 * tr_plugin_loader_open:
 * @path: a plugin module
 * @error: a #GError, or %NULL
 *
 * Opens one plugin module: file checks, the single entry point and the ABI
 * version. No code of the plugin but its entry point has run yet, so the
 * caller can still refuse it (a second plugin of the same name) before its
 * types are registered.
 *
 * Returns: (transfer none): the plugin's descriptor; the module stays loaded
 */
const TrPluginDescriptor *
tr_plugin_loader_open(const gchar *path, GError **error)
{
	GModule *module;
	TrPluginDescribeFunc describe = NULL;
	const TrPluginDescriptor *desc;

	g_return_val_if_fail(path != NULL, NULL);

	if (!check_file(path, error))
		return NULL;
	module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
	if (module == NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: %s is the dynamic linker's reason */
			    _("cannot load: %s"), g_module_error());
		return NULL;
	}
	if (!g_module_symbol(module, TR_PLUGIN_ENTRY_POINT, (gpointer *)&describe) ||
	    describe == NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: %s is a C function name, tr_plugin_describe */
			    _("no entry point %s"), TR_PLUGIN_ENTRY_POINT);
		g_module_close(module);
		return NULL;
	}
	desc = describe();
	if (desc == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: a plugin module's function that says what
				     * the plugin is */
				    _("the entry point returned nothing"));
		g_module_close(module);
		return NULL;
	}
	if (desc->abi_version != TR_PLUGIN_ABI_VERSION) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: ABI: the binary interface between tipringd and its
			     * plugins, numbered; the plugin's number, then the daemon's */
			    _("built for plugin ABI %u, but this tipringd has ABI %u"),
			    desc->abi_version, (guint)TR_PLUGIN_ABI_VERSION);
		g_module_close(module);
		return NULL;
	}
	if (desc->name == NULL || desc->get_type == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: what a plugin module says about itself */
				    _("the descriptor has no name or no type"));
		g_module_close(module);
		return NULL;
	}
	/* the descriptor lives in the module, and the module will register
	 * types, which can never be unloaded */
	g_module_make_resident(module);
	return desc;
}

/* what a kind needs its class to declare, so the core can route to it */
static gboolean
check_declarations(TrPlugin *plugin, GError **error)
{
	if (TR_IS_TRANSPORT(plugin) && tr_transport_get_protocol(TR_TRANSPORT(plugin)) == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    /* TRANSLATORS: why a plugin was refused */
				    _("a transport plugin that declares no protocol"));
		return FALSE;
	}
	if (TR_IS_DEVICE_BACKEND(plugin)) {
		const TrModel *const *models =
			tr_device_backend_get_models(TR_DEVICE_BACKEND(plugin));
		if (models == NULL || models[0] == NULL) {
			g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
					    /* TRANSLATORS: why a plugin was refused */
					    _("a device backend that declares no model"));
			return FALSE;
		}
		for (guint i = 0; models[i] != NULL; i++) {
			if (models[i]->name == NULL || models[i]->n_lines == 0) {
				g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
						    /* TRANSLATORS: why a plugin was refused: a
						     * device model it declares */
						    _("a model without a name or without lines"));
				return FALSE;
			}
		}
	}
	return TRUE;
}

/**
 * tr_plugin_loader_instantiate:
 * @descriptor: from tr_plugin_loader_open()
 * @engine: the engine the plugin will serve
 * @error: a #GError, or %NULL
 *
 * Registers the plugin's type, which must be a concrete class of one of the
 * four kinds declaring what the core routes by, and makes the instance. The
 * plugin is not started.
 *
 * Returns: (transfer full): the plugin
 */
TrPlugin *
tr_plugin_loader_instantiate(const TrPluginDescriptor *descriptor, TrEngine *engine, GError **error)
{
	g_autoptr(TrPlugin) plugin = NULL;
	GType type;

	g_return_val_if_fail(descriptor != NULL, NULL);

	type = descriptor->get_type();
	if (!type_is_a_kind(type) || G_TYPE_IS_ABSTRACT(type)) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    /* TRANSLATORS: %s is a GObject type name; transport, device,
			     * frontend and media are the kinds of plugins */
			    _("type %s is not a concrete transport, device, frontend or media "
			      "plugin"),
			    g_type_name(type));
		return NULL;
	}
	plugin = g_object_new(type, "name", descriptor->name, "engine", engine, NULL);
	if (!check_declarations(plugin, error))
		return NULL;
	return g_steal_pointer(&plugin);
}
