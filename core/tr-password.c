/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-password"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "tr-password.h"

/*
 * The web login passwords (the parameters marked hash="pbkdf2" in the
 * schema) are kept only as PBKDF2-HMAC-SHA256 hashes:
 *
 *   $pbkdf2-sha256$ITERATIONS$SALT$HASH
 *
 * ITERATIONS in decimal, SALT and HASH in standard base64 (A-Z a-z 0-9 + /)
 * without padding, HASH always 32 bytes. The SPA kept them in clear text;
 * the SIP and PPPoE passwords still are, as the protocols need them.
 *
 * 600000 iterations, OWASP's figure for PBKDF2-HMAC-SHA256: one hash took
 * 63 ms (mean of 5) with gnutls_pbkdf2() of GnuTLS 3.7.9 on the machine it
 * was measured on (AMD EPYC with the SHA extensions), well below the 150 ms
 * a login may cost. Hashes made with other counts still verify: the count
 * is part of the hash.
 */
#define HASH_ITERATIONS 600000
#define SALT_LEN	16
#define HASH_LEN	32

/* what a well-formed hash may carry, from this or another implementation */
#define MIN_ITERATIONS 1000
#define MAX_ITERATIONS 10000000
#define MAX_SALT_LEN   64

static gchar *
base64_encode_unpadded(const guchar *data, gsize len)
{
	gchar *text = g_base64_encode(data, len);
	gsize n = strlen(text);

	while (n > 0 && text[n - 1] == '=')
		text[--n] = '\0';
	return text;
}

/* strict: the alphabet only, no padding, and the canonical spelling (the
 * unused low bits of the last character zero), so that a hash has exactly
 * one text form */
static guchar *
base64_decode_unpadded(const gchar *text, gsize text_len, gsize *out_len)
{
	g_autofree gchar *padded = NULL;
	g_autofree gchar *again = NULL;
	guchar *data;
	gsize len = 0;

	if (text_len == 0 || text_len % 4 == 1)
		return NULL;
	for (gsize i = 0; i < text_len; i++) {
		if (!g_ascii_isalnum(text[i]) && text[i] != '+' && text[i] != '/')
			return NULL;
	}
	padded = g_malloc0(text_len + 4);
	memcpy(padded, text, text_len);
	for (gsize i = text_len; i % 4 != 0; i++)
		padded[i] = '=';
	data = g_base64_decode_inplace(padded, &len);
	again = base64_encode_unpadded(data, len);
	if (strlen(again) != text_len || memcmp(again, text, text_len) != 0)
		return NULL;
	*out_len = len;
	return g_memdup2(data, len);
}

typedef struct {
	guint iterations;
	guchar *salt;
	gsize salt_len;
	guchar *hash;
	gsize hash_len;
} ParsedHash;

static void
parsed_hash_clear(ParsedHash *parsed)
{
	g_clear_pointer(&parsed->salt, g_free);
	g_clear_pointer(&parsed->hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ParsedHash, parsed_hash_clear)

static gboolean
parse_hash(const gchar *value, ParsedHash *parsed)
{
	const gchar *iterations;
	const gchar *salt;
	const gchar *hash;
	guint64 n = 0;

	if (value == NULL || !g_str_has_prefix(value, TR_PASSWORD_HASH_PREFIX))
		return FALSE;
	iterations = value + strlen(TR_PASSWORD_HASH_PREFIX);
	salt = strchr(iterations, '$');
	if (salt == NULL)
		return FALSE;
	salt++;
	hash = strchr(salt, '$');
	if (hash == NULL)
		return FALSE;
	hash++;
	if (strchr(hash, '$') != NULL)
		return FALSE;

	/* decimal digits, no sign, no leading zero */
	if (iterations[0] < '1' || iterations[0] > '9' || salt - iterations - 1 > 8)
		return FALSE;
	for (const gchar *p = iterations; p < salt - 1; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
		n = n * 10 + (guint64)(*p - '0');
	}
	if (n < MIN_ITERATIONS || n > MAX_ITERATIONS)
		return FALSE;
	parsed->iterations = (guint)n;

	parsed->salt = base64_decode_unpadded(salt, hash - salt - 1, &parsed->salt_len);
	if (parsed->salt == NULL || parsed->salt_len > MAX_SALT_LEN)
		return FALSE;
	parsed->hash = base64_decode_unpadded(hash, strlen(hash), &parsed->hash_len);
	return parsed->hash != NULL && parsed->hash_len == HASH_LEN;
}

static gboolean
derive(const gchar *password, const guchar *salt, gsize salt_len, guint iterations,
       guchar out[HASH_LEN])
{
	gnutls_datum_t key = {(guchar *)password, (guint)strlen(password)};
	gnutls_datum_t salt_datum = {(guchar *)salt, (guint)salt_len};
	gint rc = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, HASH_LEN);

	if (rc < 0) {
		g_warning("PBKDF2 failed: %s", gnutls_strerror(rc));
		return FALSE;
	}
	return TRUE;
}

/**
 * tr_password_hash:
 * @password: the password in clear text
 *
 * Hashes @password with PBKDF2-HMAC-SHA256 and a fresh random salt.
 *
 * Returns: (transfer full) (nullable): `$pbkdf2-sha256$ITERATIONS$SALT$HASH`,
 * or %NULL if the random generator or the KDF failed
 */
gchar *
tr_password_hash(const gchar *password)
{
	guchar salt[SALT_LEN];
	guchar hash[HASH_LEN];
	g_autofree gchar *salt_text = NULL;
	g_autofree gchar *hash_text = NULL;
	gint rc;

	g_return_val_if_fail(password != NULL, NULL);

	rc = gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt));
	if (rc < 0) {
		g_warning("no random salt: %s", gnutls_strerror(rc));
		return NULL;
	}
	if (!derive(password, salt, sizeof(salt), HASH_ITERATIONS, hash))
		return NULL;
	salt_text = base64_encode_unpadded(salt, sizeof(salt));
	hash_text = base64_encode_unpadded(hash, sizeof(hash));
	gnutls_memset(hash, 0, sizeof(hash));
	return g_strdup_printf(TR_PASSWORD_HASH_PREFIX "%u$%s$%s", (guint)HASH_ITERATIONS,
			       salt_text, hash_text);
}

/**
 * tr_password_is_hash:
 * @value: (nullable): a stored value
 *
 * Returns: whether @value is a well-formed `$pbkdf2-sha256$` hash: 1000 to
 * 10000000 iterations, a salt of 1 to 64 bytes, a hash of 32 bytes
 */
gboolean
tr_password_is_hash(const gchar *value)
{
	g_auto(ParsedHash) parsed = {0};
	return parse_hash(value, &parsed);
}

/**
 * tr_password_verify:
 * @stored: (nullable): the stored value: a hash, or empty for no password
 * @password: the password to check, in clear text
 *
 * Checks a login password against the stored hash, comparing in constant
 * time. An empty @stored matches only the empty password; a @stored value
 * that is no well-formed hash matches nothing.
 *
 * Returns: %TRUE if @password is the one @stored was made from
 */
gboolean
tr_password_verify(const gchar *stored, const gchar *password)
{
	g_auto(ParsedHash) parsed = {0};
	guchar hash[HASH_LEN];
	volatile guchar diff = 0;

	g_return_val_if_fail(password != NULL, FALSE);

	if (stored == NULL || stored[0] == '\0')
		return password[0] == '\0';
	if (!parse_hash(stored, &parsed))
		return FALSE;
	if (!derive(password, parsed.salt, parsed.salt_len, parsed.iterations, hash))
		return FALSE;
	for (gsize i = 0; i < HASH_LEN; i++)
		diff |= hash[i] ^ parsed.hash[i];
	gnutls_memset(hash, 0, sizeof(hash));
	return diff == 0;
}
