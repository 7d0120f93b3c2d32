/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-device-cert"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "tr-device-cert.h"
#include "tr-error.h"
#include "tr-i18n.h"

/*
 * The device's client certificate, the one an SBC can demand: a key made
 * here, signed by a CA the SBC trusts. The SPA had Cisco's; an emulator
 * makes its own, signed by the operator's device CA or, without one, by a
 * local device CA kept in the state directory.
 */

#define VALIDITY_S (10 * 365 * 24 * 3600)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC(gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

static gboolean
gnutls_failed(int rc, const gchar *what, GError **error)
{
	if (rc >= 0)
		return FALSE;
	g_set_error(error, TR_ERROR, TR_ERROR_FAILED, "%s: %s", what, gnutls_strerror(rc));
	return TRUE;
}

static gboolean
write_pem(const gchar *path, const gchar *data, gsize len, gint mode, GError **error)
{
	g_autoptr(GError) error_local = NULL;

	if (!g_file_set_contents_full(path, data, len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      mode, &error_local)) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "%s", error_local->message);
		return FALSE;
	}
	return TRUE;
}

static gchar *
export_crt(gnutls_x509_crt_t crt, GError **error)
{
	gnutls_datum_t out = {NULL, 0};
	gchar *pem;

	if (gnutls_failed(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out), "export", error))
		return NULL;
	pem = g_strndup((const gchar *)out.data, out.size);
	gnutls_free(out.data);
	return pem;
}

static gchar *
export_key(gnutls_x509_privkey_t key, GError **error)
{
	gnutls_datum_t out = {NULL, 0};
	gchar *pem;

	if (gnutls_failed(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out), "export",
			  error))
		return NULL;
	pem = g_strndup((const gchar *)out.data, out.size);
	gnutls_free(out.data);
	return pem;
}

static gboolean
new_key(gnutls_x509_privkey_t *key, GError **error)
{
	if (gnutls_failed(gnutls_x509_privkey_init(key), "key", error))
		return FALSE;
	return !gnutls_failed(
		gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
					     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
		"key", error);
}

/* what both the CA and the device certificate need */
static gboolean
init_crt(gnutls_x509_crt_t *crt, gnutls_x509_privkey_t key, const gchar *cn, GError **error)
{
	guint8 serial[16];
	time_t now = time(NULL);

	for (guint i = 0; i < sizeof(serial); i++)
		serial[i] = (guint8)g_random_int_range(0, 256);
	serial[0] &= 0x7f;
	return !gnutls_failed(gnutls_x509_crt_init(crt), "certificate", error) &&
	       !gnutls_failed(gnutls_x509_crt_set_version(*crt, 3), "version", error) &&
	       !gnutls_failed(gnutls_x509_crt_set_serial(*crt, serial, sizeof(serial)), "serial",
			      error) &&
	       !gnutls_failed(gnutls_x509_crt_set_activation_time(*crt, now - 3600), "validity",
			      error) &&
	       !gnutls_failed(gnutls_x509_crt_set_expiration_time(*crt, now + VALIDITY_S),
			      "validity", error) &&
	       !gnutls_failed(gnutls_x509_crt_set_dn_by_oid(*crt, GNUTLS_OID_X520_ORGANIZATION_NAME,
							    0, "tipring", 7),
			      "subject", error) &&
	       !gnutls_failed(gnutls_x509_crt_set_dn_by_oid(*crt, GNUTLS_OID_X520_COMMON_NAME, 0,
							    cn, strlen(cn)),
			      "subject", error) &&
	       !gnutls_failed(gnutls_x509_crt_set_key(*crt, key), "key", error);
}

static gboolean
load_file(const gchar *path, gnutls_datum_t *datum, gchar **contents, GError **error)
{
	gsize len = 0;
	g_autoptr(GError) error_local = NULL;

	if (!g_file_get_contents(path, contents, &len, &error_local)) {
		g_set_error(error, TR_ERROR, TR_ERROR_NOT_FOUND, "%s", error_local->message);
		return FALSE;
	}
	datum->data = (unsigned char *)*contents;
	datum->size = (unsigned int)len;
	return TRUE;
}

static gboolean
load_ca(const gchar *cert_file, const gchar *key_file, gnutls_x509_crt_t *crt,
	gnutls_x509_privkey_t *key, GError **error)
{
	g_autofree gchar *cert_pem = NULL;
	g_autofree gchar *key_pem = NULL;
	gnutls_datum_t datum;

	if (!load_file(cert_file, &datum, &cert_pem, error))
		return FALSE;
	if (gnutls_failed(gnutls_x509_crt_init(crt), "CA certificate", error) ||
	    gnutls_failed(gnutls_x509_crt_import(*crt, &datum, GNUTLS_X509_FMT_PEM), cert_file,
			  error))
		return FALSE;
	if (!load_file(key_file, &datum, &key_pem, error))
		return FALSE;
	if (gnutls_failed(gnutls_x509_privkey_init(key), "CA key", error) ||
	    gnutls_failed(gnutls_x509_privkey_import(*key, &datum, GNUTLS_X509_FMT_PEM), key_file,
			  error))
		return FALSE;
	return TRUE;
}

/* the local device CA, made once beside the devices' directories */
static gboolean
local_ca(TrDevice *device, gchar **cert_file, gchar **key_file, GError **error)
{
	g_autofree gchar *parent = g_path_get_dirname(tr_device_get_state_dir(device));
	g_autofree gchar *dir = g_build_filename(parent, "device-ca", NULL);
	g_auto(gnutls_x509_crt_t) crt = NULL;
	g_auto(gnutls_x509_privkey_t) key = NULL;
	g_autofree gchar *cert_pem = NULL;
	g_autofree gchar *key_pem = NULL;
	g_autofree gchar *cn = NULL;

	*cert_file = g_build_filename(dir, "ca-cert.pem", NULL);
	*key_file = g_build_filename(dir, "ca-key.pem", NULL);
	if (g_file_test(*cert_file, G_FILE_TEST_EXISTS) &&
	    g_file_test(*key_file, G_FILE_TEST_EXISTS))
		return TRUE;
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, TR_ERROR, TR_ERROR_STORAGE, "%s: %s", dir, g_strerror(errno));
		return FALSE;
	}
	cn = g_strdup_printf("tipring device CA (%s)", g_get_host_name());
	if (!new_key(&key, error) || !init_crt(&crt, key, cn, error) ||
	    gnutls_failed(gnutls_x509_crt_set_basic_constraints(crt, 1, 0), "CA", error) ||
	    gnutls_failed(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN |
								     GNUTLS_KEY_CRL_SIGN),
			  "CA", error))
		return FALSE;
	if (gnutls_failed(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0),
			  "CA signature", error))
		return FALSE;
	cert_pem = export_crt(crt, error);
	key_pem = cert_pem != NULL ? export_key(key, error) : NULL;
	if (key_pem == NULL)
		return FALSE;
	g_info("made a local device CA in %s", dir);
	return write_pem(*key_file, key_pem, strlen(key_pem), 0600, error) &&
	       write_pem(*cert_file, cert_pem, strlen(cert_pem), 0644, error);
}

/**
 * tr_device_create_certificate:
 * @device: the device
 * @ca_cert_file: (nullable): the CA that signs, PEM; %NULL or "" for the
 *   local device CA
 * @ca_key_file: (nullable): its private key, PEM
 * @error: a #GError, or %NULL
 *
 * Makes a new key and a client certificate for the device, signed by the
 * CA, keeps them in the device's directory (the key readable by tipringd
 * only) and points Device_Certificate_File and Device_Private_Key_File at
 * them, so that TLS lines show it when an SBC asks.
 *
 * Returns: (transfer full): the certificate, PEM
 */
gchar *
tr_device_create_certificate(TrDevice *device, const gchar *ca_cert_file, const gchar *ca_key_file,
			     GError **error)
{
	g_autofree gchar *local_cert = NULL;
	g_autofree gchar *local_key = NULL;
	g_auto(gnutls_x509_crt_t) ca_crt = NULL;
	g_auto(gnutls_x509_privkey_t) ca_key = NULL;
	g_auto(gnutls_x509_crt_t) crt = NULL;
	g_auto(gnutls_x509_privkey_t) key = NULL;
	g_autofree gchar *cn = NULL;
	g_autofree gchar *cert_pem = NULL;
	g_autofree gchar *key_pem = NULL;
	g_autofree gchar *cert_path = NULL;
	g_autofree gchar *key_path = NULL;
	g_autoptr(GHashTable) values = g_hash_table_new(g_str_hash, g_str_equal);

	g_return_val_if_fail(TR_IS_DEVICE(device), NULL);

	if ((ca_cert_file == NULL || ca_cert_file[0] == '\0') !=
	    (ca_key_file == NULL || ca_key_file[0] == '\0')) {
		g_set_error_literal(error, TR_ERROR, TR_ERROR_INVALID_ARGUMENT,
				    /* TRANSLATORS: the two files of a certificate authority */
				    _("Give both the CA certificate and its key, or neither"));
		return NULL;
	}
	if (ca_cert_file == NULL || ca_cert_file[0] == '\0') {
		if (!local_ca(device, &local_cert, &local_key, error))
			return NULL;
		ca_cert_file = local_cert;
		ca_key_file = local_key;
	}
	if (!load_ca(ca_cert_file, ca_key_file, &ca_crt, &ca_key, error))
		return NULL;

	cn = g_strdup_printf("%s %s", tr_device_get_model(device)->name,
			     tr_device_get_serial(device));
	if (!new_key(&key, error) || !init_crt(&crt, key, cn, error) ||
	    gnutls_failed(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "constraints",
			  error) ||
	    gnutls_failed(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE),
			  "key usage", error) ||
	    gnutls_failed(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0),
			  "key purpose", error) ||
	    gnutls_failed(gnutls_x509_crt_sign2(crt, ca_crt, ca_key, GNUTLS_DIG_SHA256, 0),
			  "signature", error))
		return NULL;
	cert_pem = export_crt(crt, error);
	key_pem = cert_pem != NULL ? export_key(key, error) : NULL;
	if (key_pem == NULL)
		return NULL;

	cert_path = g_build_filename(tr_device_get_state_dir(device), "device-cert.pem", NULL);
	key_path = g_build_filename(tr_device_get_state_dir(device), "device-key.pem", NULL);
	if (!write_pem(key_path, key_pem, strlen(key_pem), 0600, error) ||
	    !write_pem(cert_path, cert_pem, strlen(cert_pem), 0644, error))
		return NULL;
	g_hash_table_insert(values, "Device_Certificate_File", cert_path);
	g_hash_table_insert(values, "Device_Private_Key_File", key_path);
	if (!tr_store_set_many(tr_device_get_store(device), values, error))
		return NULL;
	g_info("device %u: new client certificate \"%s\", signed by %s",
	       tr_device_get_index(device), cn, ca_cert_file);
	return g_steal_pointer(&cert_pem);
}
