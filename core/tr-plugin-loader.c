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
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN, "cannot stat: %s", g_strerror(errno));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN, "not a regular file");
		return FALSE;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    "owned by uid %u, neither root nor the daemon's user",
			    (guint)st.st_uid);
		return FALSE;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    "writable by group or others");
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
 * tr_plugin_loader_load:
 * @engine: the engine the plugin will serve
 * @path: a plugin module
 * @error: a #GError, or %NULL
 *
 * Loads one plugin: file checks, the single entry point, the ABI version,
 * and a concrete class of one of the four kinds. The plugin is not started.
 *
 * Returns: (transfer full): the plugin instance
 */
TrPlugin *
tr_plugin_loader_load(TrEngine *engine, const gchar *path, GError **error)
{
	GModule *module;
	TrPluginDescribeFunc describe = NULL;
	const TrPluginDescriptor *desc;
	GType type;

	g_return_val_if_fail(path != NULL, NULL);

	if (!check_file(path, error))
		return NULL;
	module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
	if (module == NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN, "cannot load: %s", g_module_error());
		return NULL;
	}
	if (!g_module_symbol(module, TR_PLUGIN_ENTRY_POINT, (gpointer *)&describe) ||
	    describe == NULL) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN, "no entry point %s",
			    TR_PLUGIN_ENTRY_POINT);
		g_module_close(module);
		return NULL;
	}
	desc = describe();
	if (desc == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    "the entry point returned nothing");
		g_module_close(module);
		return NULL;
	}
	if (desc->abi_version != TR_PLUGIN_ABI_VERSION) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    "built for plugin ABI %u, but this tipringd has ABI %u",
			    desc->abi_version, (guint)TR_PLUGIN_ABI_VERSION);
		g_module_close(module);
		return NULL;
	}
	if (desc->name == NULL || desc->get_type == NULL) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_PLUGIN,
				    "the descriptor has no name or no type");
		g_module_close(module);
		return NULL;
	}

	/* from here the module registers types, which can never be unloaded */
	g_module_make_resident(module);
	type = desc->get_type();
	if (!type_is_a_kind(type) || G_TYPE_IS_ABSTRACT(type)) {
		g_set_error(error, TR_ERROR, TR_ERROR_PLUGIN,
			    "type %s is not a concrete transport, device, frontend or media plugin",
			    g_type_name(type));
		return NULL;
	}
	return g_object_new(type, "name", desc->name, "engine", engine, NULL);
}
