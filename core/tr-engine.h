/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sofia-sip/su_wait.h>

#include "tr-device.h"
#include "tr-plugin.h"
#include "tr-provisioner.h"
#include "tr-registration.h"
#include "tr-schema.h"
#include "tr-transport.h"

G_BEGIN_DECLS

#define TR_TYPE_ENGINE (tr_engine_get_type())
G_DECLARE_FINAL_TYPE(TrEngine, tr_engine, TR, ENGINE, GObject)

typedef enum {
	TR_PLUGIN_STATE_LOADED,
	TR_PLUGIN_STATE_STARTED,
	TR_PLUGIN_STATE_DISABLED,
} TrPluginState;

/**
 * TrPluginRecord:
 * @name: the plugin's name, or its file name if it never said
 * @path: the module file
 * @kind: "transport", "device", "frontend", "media", or "" if not loaded
 * @state: loaded, started or disabled
 * @error: (nullable): why it is disabled
 * @plugin: (nullable): the instance, if it loaded
 *
 * What the engine knows of each plugin file it found.
 */
typedef struct {
	gchar *name;
	gchar *path;
	gchar *kind;
	TrPluginState state;
	gchar *error;
	TrPlugin *plugin;
} TrPluginRecord;

TrEngine *tr_engine_new(const gchar *state_dir, GError **error);
void tr_engine_load_plugins(TrEngine *self, const gchar *const *dirs);
void tr_engine_start_plugins(TrEngine *self);
void tr_engine_shutdown(TrEngine *self);

TrDevice *tr_engine_add_device(TrEngine *self, const gchar *model, const gchar *name,
			       GError **error);
GPtrArray *tr_engine_get_devices(TrEngine *self);
GPtrArray *tr_engine_get_plugin_records(TrEngine *self);
GStrv tr_engine_list_models(TrEngine *self);
TrTransport *tr_engine_find_transport(TrEngine *self, const gchar *protocol);
TrProvisioner *tr_engine_get_provisioner(TrEngine *self, TrDevice *device);
void tr_engine_start_provisioning(TrEngine *self);
TrRegistration *tr_engine_get_registration(TrEngine *self, TrLine *line);
void tr_engine_start_lines(TrEngine *self);
void tr_engine_stop_lines(TrEngine *self);
gboolean tr_engine_lines_stopped(TrEngine *self);

TrSchema *tr_engine_get_schema(TrEngine *self);
const gchar *tr_engine_get_state_dir(TrEngine *self);
su_root_t *tr_engine_get_su_root(TrEngine *self);
su_root_t *tr_engine_new_su_root(TrEngine *self, su_root_magic_t *magic);
void tr_engine_free_su_root(su_root_t *root);
void tr_engine_set_option(TrEngine *self, const gchar *name, const gchar *value);
const gchar *tr_engine_get_option(TrEngine *self, const gchar *name);

G_END_DECLS
