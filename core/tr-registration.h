/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-line.h"

G_BEGIN_DECLS

typedef struct _TrEngine TrEngine;

typedef enum {
	TR_REGISTRATION_UNREGISTERED,
	TR_REGISTRATION_REGISTERING,
	TR_REGISTRATION_REGISTERED,
	TR_REGISTRATION_FAILED,
	TR_REGISTRATION_BACKOFF,
} TrRegistrationState;

#define TR_TYPE_REGISTRATION (tr_registration_get_type())
G_DECLARE_FINAL_TYPE(TrRegistration, tr_registration, TR, REGISTRATION, GObject)

TrRegistration *tr_registration_new(TrEngine *engine, TrLine *line);
void tr_registration_start(TrRegistration *self);
void tr_registration_stop(TrRegistration *self);
gboolean tr_registration_is_stopped(TrRegistration *self);
void tr_registration_register(TrRegistration *self);
void tr_registration_unregister(TrRegistration *self);

TrLine *tr_registration_get_line(TrRegistration *self);
TrRegistrationState tr_registration_get_state(TrRegistration *self);
const gchar *tr_registration_state_to_string(TrRegistrationState state);
gint64 tr_registration_get_registered_until(TrRegistration *self);
gint64 tr_registration_get_next_registration(TrRegistration *self);
gint64 tr_registration_get_last_registered(TrRegistration *self);
guint tr_registration_get_last_code(TrRegistration *self);
const gchar *tr_registration_get_last_phrase(TrRegistration *self);
const gchar *tr_registration_get_last_error(TrRegistration *self);
guint tr_registration_get_attempts(TrRegistration *self);
guint tr_registration_get_keepalives_sent(TrRegistration *self);
guint tr_registration_get_keepalive_code(TrRegistration *self, const gchar **phrase);

/* what a retry waits: exported for the table-driven test */
guint tr_registration_backoff_delay(guint failures, guint retry_intvl, guint long_intvl, guint cap,
				    guint random_delay, guint32 random);

G_END_DECLS
