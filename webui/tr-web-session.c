/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "tr-web-session.h"

/*
 * Web sessions and the login rate limiter. Times are in seconds (the callers
 * pass g_get_monotonic_time() / G_USEC_PER_SEC, tests pass what they like).
 */

#define TOKEN_BYTES 32

/**
 * tr_web_random_token:
 *
 * Returns: 256 bits from GnuTLS's key-grade generator, as 64 hex digits
 */
gchar *
tr_web_random_token(void)
{
	guint8 bytes[TOKEN_BYTES];
	GString *hex = g_string_sized_new(2 * TOKEN_BYTES);

	if (gnutls_rnd(GNUTLS_RND_KEY, bytes, sizeof(bytes)) != 0)
		g_error("the random number generator failed");
	for (guint i = 0; i < sizeof(bytes); i++)
		g_string_append_printf(hex, "%02x", bytes[i]);
	return g_string_free(hex, FALSE);
}

/**
 * tr_web_token_equal:
 *
 * Compares two tokens in a time that depends only on their lengths.
 */
gboolean
tr_web_token_equal(const gchar *a, const gchar *b)
{
	gsize len;
	guint8 diff = 0;

	if (a == NULL || b == NULL)
		return FALSE;
	len = strlen(a);
	if (len != strlen(b) || len == 0)
		return FALSE;
	for (gsize i = 0; i < len; i++)
		diff |= (guint8)a[i] ^ (guint8)b[i];
	return diff == 0;
}

struct _TrWebSessions {
	GHashTable *by_id; /* id -> TrWebSession */
	guint max_sessions;
	gint64 idle_timeout;
};

static void
session_free(TrWebSession *session)
{
	g_free(session->id);
	g_free(session->csrf);
	g_free(session);
}

TrWebSessions *
tr_web_sessions_new(guint max_sessions, gint64 idle_timeout)
{
	TrWebSessions *self = g_new0(TrWebSessions, 1);

	self->by_id =
		g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)session_free);
	self->max_sessions = MAX(max_sessions, 1);
	self->idle_timeout = idle_timeout;
	return self;
}

void
tr_web_sessions_free(TrWebSessions *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->by_id);
	g_free(self);
}

static void
expire(TrWebSessions *self, gint64 now)
{
	GHashTableIter iter;
	TrWebSession *session;

	g_hash_table_iter_init(&iter, self->by_id);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&session)) {
		if (now - session->last_used > self->idle_timeout)
			g_hash_table_iter_remove(&iter);
	}
}

static guint
eviction_rank(const TrWebSession *session)
{
	if (session->level == TR_WEB_LEVEL_NONE)
		return 2;
	return session->automatic ? 1 : 0;
}

/**
 * tr_web_sessions_create:
 *
 * Makes a session with fresh tokens. When the table is full, the session
 * unused for longest goes: a flood of anonymous visitors costs memory
 * bounded by @max_sessions, and logs nobody out but the idlest.
 *
 * Returns: (transfer none): the session
 */
TrWebSession *
tr_web_sessions_create(TrWebSessions *self, TrWebLevel level, gint64 now)
{
	TrWebSession *session;

	expire(self, now);
	while (g_hash_table_size(self->by_id) >= self->max_sessions) {
		GHashTableIter iter;
		TrWebSession *candidate, *oldest = NULL;
		g_hash_table_iter_init(&iter, self->by_id);
		while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&candidate)) {
			/* anonymous sessions go first, then those made without a
			 * password, then the least recently used login: nobody
			 * can push a logged-in admin out by asking for pages */
			if (oldest == NULL || eviction_rank(candidate) > eviction_rank(oldest) ||
			    (eviction_rank(candidate) == eviction_rank(oldest) &&
			     candidate->last_used < oldest->last_used))
				oldest = candidate;
		}
		g_hash_table_remove(self->by_id, oldest->id);
	}
	session = g_new0(TrWebSession, 1);
	session->id = tr_web_random_token();
	session->csrf = tr_web_random_token();
	session->level = level;
	session->created = now;
	session->last_used = now;
	g_hash_table_insert(self->by_id, session->id, session);
	return session;
}

/**
 * tr_web_sessions_lookup:
 *
 * Returns: (transfer none) (nullable): the live session of that id, its
 *   idle time reset; %NULL for an unknown or expired id
 */
TrWebSession *
tr_web_sessions_lookup(TrWebSessions *self, const gchar *id, gint64 now)
{
	TrWebSession *session;

	if (id == NULL)
		return NULL;
	session = g_hash_table_lookup(self->by_id, id);
	if (session == NULL)
		return NULL;
	if (now - session->last_used > self->idle_timeout) {
		g_hash_table_remove(self->by_id, id);
		return NULL;
	}
	session->last_used = now;
	return session;
}

void
tr_web_sessions_remove(TrWebSessions *self, const gchar *id)
{
	if (id != NULL)
		g_hash_table_remove(self->by_id, id);
}

/**
 * tr_web_sessions_drop_level:
 *
 * Logs out every session of @level (when its password changed).
 *
 * Returns: how many went
 */
guint
tr_web_sessions_drop_level(TrWebSessions *self, TrWebLevel level)
{
	GHashTableIter iter;
	TrWebSession *session;
	guint n = 0;

	g_hash_table_iter_init(&iter, self->by_id);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&session)) {
		if (session->level == level) {
			g_hash_table_iter_remove(&iter);
			n++;
		}
	}
	return n;
}

guint
tr_web_sessions_count(TrWebSessions *self)
{
	return g_hash_table_size(self->by_id);
}

/*
 * The login limiter: per client address, the first @free_tries tries go
 * ahead at once; the @free_tries-th failure in a row makes the next try wait
 * 1 s, and each further one doubles the wait (2 s, 4 s ... up to
 * @max_delay). A success forgets the address. At most LIMITER_MAX addresses
 * are remembered; the stalest goes first.
 */
#define LIMITER_MAX 4096

typedef struct {
	guint failures;
	gint64 last_failure;
	gint64 locked_until;
} Tries;

struct _TrWebLimiter {
	GHashTable *by_who; /* address -> Tries */
	guint free_tries;
	guint max_delay;
};

TrWebLimiter *
tr_web_limiter_new(guint free_tries, guint max_delay)
{
	TrWebLimiter *self = g_new0(TrWebLimiter, 1);

	self->by_who = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->free_tries = MAX(free_tries, 1);
	self->max_delay = MAX(max_delay, 1);
	return self;
}

void
tr_web_limiter_free(TrWebLimiter *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->by_who);
	g_free(self);
}

/**
 * tr_web_limiter_wait:
 *
 * Returns: seconds @who must wait before the next login try; 0: go ahead
 */
guint
tr_web_limiter_wait(TrWebLimiter *self, const gchar *who, gint64 now)
{
	Tries *tries = g_hash_table_lookup(self->by_who, who);

	if (tries == NULL || tries->locked_until <= now)
		return 0;
	return (guint)(tries->locked_until - now);
}

/**
 * tr_web_limiter_fail:
 *
 * Counts a failed login of @who.
 *
 * Returns: the failures in a row so far
 */
guint
tr_web_limiter_fail(TrWebLimiter *self, const gchar *who, gint64 now)
{
	Tries *tries = g_hash_table_lookup(self->by_who, who);

	if (tries == NULL) {
		if (g_hash_table_size(self->by_who) >= LIMITER_MAX) {
			GHashTableIter iter;
			gpointer key, value;
			const gchar *stalest = NULL;
			gint64 oldest = G_MAXINT64;
			g_hash_table_iter_init(&iter, self->by_who);
			while (g_hash_table_iter_next(&iter, &key, &value)) {
				if (((Tries *)value)->last_failure < oldest) {
					oldest = ((Tries *)value)->last_failure;
					stalest = key;
				}
			}
			g_hash_table_remove(self->by_who, stalest);
		}
		tries = g_new0(Tries, 1);
		g_hash_table_insert(self->by_who, g_strdup(who), tries);
	}
	tries->failures++;
	tries->last_failure = now;
	if (tries->failures >= self->free_tries) {
		guint shift = MIN(tries->failures - self->free_tries, 20);
		guint delay = MIN((guint)1 << shift, self->max_delay);
		tries->locked_until = now + delay;
	}
	return tries->failures;
}

void
tr_web_limiter_succeed(TrWebLimiter *self, const gchar *who)
{
	g_hash_table_remove(self->by_who, who);
}
