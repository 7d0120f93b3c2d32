/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* who a web session is logged in as */
typedef enum {
	TR_WEB_LEVEL_NONE, /* not logged in: may only log in */
	TR_WEB_LEVEL_USER,
	TR_WEB_LEVEL_ADMIN,
} TrWebLevel;

typedef struct {
	gchar *id;   /* the cookie's value: 256 random bits, hex */
	gchar *csrf; /* every form of the session carries it: 256 random bits, hex */
	TrWebLevel level;
	gboolean automatic; /* made without a password (none set): goes first when full */
	gint64 created;
	gint64 last_used;
} TrWebSession;

typedef struct _TrWebSessions TrWebSessions;

gchar *tr_web_random_token(void);
gboolean tr_web_token_equal(const gchar *a, const gchar *b);

TrWebSessions *tr_web_sessions_new(guint max_sessions, gint64 idle_timeout);
void tr_web_sessions_free(TrWebSessions *self);
TrWebSession *tr_web_sessions_create(TrWebSessions *self, TrWebLevel level, gint64 now);
TrWebSession *tr_web_sessions_lookup(TrWebSessions *self, const gchar *id, gint64 now);
void tr_web_sessions_remove(TrWebSessions *self, const gchar *id);
guint tr_web_sessions_drop_level(TrWebSessions *self, TrWebLevel level);
guint tr_web_sessions_count(TrWebSessions *self);

typedef struct _TrWebLimiter TrWebLimiter;

TrWebLimiter *tr_web_limiter_new(guint free_tries, guint max_delay);
void tr_web_limiter_free(TrWebLimiter *self);
guint tr_web_limiter_wait(TrWebLimiter *self, const gchar *who, gint64 now);
guint tr_web_limiter_fail(TrWebLimiter *self, const gchar *who, gint64 now);
void tr_web_limiter_succeed(TrWebLimiter *self, const gchar *who);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrWebSessions, tr_web_sessions_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrWebLimiter, tr_web_limiter_free)

G_END_DECLS
