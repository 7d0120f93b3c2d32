/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-device.h"

G_BEGIN_DECLS

#define TR_TYPE_PROVISIONER (tr_provisioner_get_type())
G_DECLARE_FINAL_TYPE(TrProvisioner, tr_provisioner, TR, PROVISIONER, GObject)

/* the values of the TrProvisioner:last-resync-result property */
#define TR_PROVISIONER_RESULT_NEVER   "never"
#define TR_PROVISIONER_RESULT_SUCCESS "success"
#define TR_PROVISIONER_RESULT_FAILED  "failed"

TrProvisioner *tr_provisioner_new(TrDevice *device);
void tr_provisioner_start(TrProvisioner *self);
void tr_provisioner_stop(TrProvisioner *self);

void tr_provisioner_resync_async(TrProvisioner *self, GCancellable *cancellable,
				 GAsyncReadyCallback callback, gpointer user_data);
gboolean tr_provisioner_resync_finish(TrProvisioner *self, GAsyncResult *result, GError **error);

gint64 tr_provisioner_get_last_resync_time(TrProvisioner *self);
const gchar *tr_provisioner_get_last_resync_result(TrProvisioner *self);
const gchar *tr_provisioner_get_last_resync_error(TrProvisioner *self);
gboolean tr_provisioner_get_resyncing(TrProvisioner *self);
gint64 tr_provisioner_get_next_resync_time(TrProvisioner *self);

G_END_DECLS
