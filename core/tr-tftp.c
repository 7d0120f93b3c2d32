/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-tftp"

#include "config.h"

#include <string.h>

#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-tftp.h"

/*
 * A TFTP client for downloads (RFC 1350, octet mode), asking for a larger
 * block and the file's size with the options of RFC 2347, 2348 and 2349; a
 * server that ignores them gets 512-byte blocks. One UDP socket on the
 * thread-default main context; every packet that expects an answer is sent
 * again after a second, five times at most.
 */

#define TFTP_TIMEOUT_MS	   1000
#define TFTP_MAX_TRIES	   5
#define TFTP_BLKSIZE	   1428 /* fits an Ethernet frame with IPv4 and UDP headers */
#define TFTP_MIN_BLKSIZE   8
#define TFTP_DEFAULT_BLOCK 512
#define TFTP_MAX_PACKET	   65536

enum {
	TFTP_OP_RRQ = 1,
	TFTP_OP_WRQ = 2,
	TFTP_OP_DATA = 3,
	TFTP_OP_ACK = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK = 6,
};

enum {
	TFTP_ERR_UNDEFINED = 0,
	TFTP_ERR_NOT_FOUND = 1,
	TFTP_ERR_ACCESS = 2,
	TFTP_ERR_DISK_FULL = 3,
	TFTP_ERR_ILLEGAL_OP = 4,
	TFTP_ERR_UNKNOWN_TID = 5,
	TFTP_ERR_OPTION = 8,
};

typedef struct {
	gchar *host;
	guint16 port;
	gchar *path;
	gsize max_size;
	GMainContext *context;
	GSocket *socket;
	GSocketAddress *server; /* the server's port 69, then its transfer ID */
	gboolean tid_known;
	GSource *recv_source;
	GSource *timeout_source;
	GByteArray *last_packet; /* sent again on a timeout */
	guint tries;
	guint16 expected_block;
	gsize blksize;
	GByteArray *data;
	GList *addresses; /* resolved: tried in order while none answers */
	GList *current;
	gboolean done;
} TftpTransfer;

static void
tftp_transfer_stop(TftpTransfer *t)
{
	if (t->recv_source != NULL) {
		g_source_destroy(t->recv_source);
		g_clear_pointer(&t->recv_source, g_source_unref);
	}
	if (t->timeout_source != NULL) {
		g_source_destroy(t->timeout_source);
		g_clear_pointer(&t->timeout_source, g_source_unref);
	}
}

static void
tftp_transfer_free(TftpTransfer *t)
{
	tftp_transfer_stop(t);
	g_free(t->host);
	g_free(t->path);
	g_clear_pointer(&t->context, g_main_context_unref);
	g_clear_object(&t->socket);
	g_clear_object(&t->server);
	g_clear_pointer(&t->last_packet, g_byte_array_unref);
	g_clear_pointer(&t->data, g_byte_array_unref);
	g_resolver_free_addresses(t->addresses);
	g_free(t);
}

/* the operation holds the one reference to @task until here */
static void
tftp_finish(GTask *task, GError *error)
{
	TftpTransfer *t = g_task_get_task_data(task);

	if (t->done) {
		g_clear_error(&error);
		return;
	}
	t->done = TRUE;
	tftp_transfer_stop(t);
	if (error != NULL) {
		g_task_return_error(task, error);
	} else {
		GBytes *bytes = g_byte_array_free_to_bytes(g_steal_pointer(&t->data));
		g_task_return_pointer(task, bytes, (GDestroyNotify)g_bytes_unref);
	}
	g_object_unref(task);
}

static void tftp_fail(GTask *task, TrError code, const gchar *format, ...) G_GNUC_PRINTF(3, 4);

static void
tftp_fail(GTask *task, TrError code, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *msg = NULL;

	va_start(args, format);
	msg = g_strdup_vprintf(format, args);
	va_end(args);
	tftp_finish(task, g_error_new_literal(TR_ERROR, code, msg));
}

static void
put_u16(GByteArray *buf, guint16 value)
{
	guint8 be[2] = {value >> 8, value & 0xff};
	g_byte_array_append(buf, be, 2);
}

static void
put_str(GByteArray *buf, const gchar *str)
{
	g_byte_array_append(buf, (const guint8 *)str, strlen(str) + 1);
}

static gboolean
tftp_send_to(TftpTransfer *t, GSocketAddress *to, const guint8 *buf, gsize len, GError **error)
{
	gssize sent = g_socket_send_to(t->socket, to, (const gchar *)buf, len, NULL, error);
	return sent >= 0;
}

static void
tftp_send_error_to(TftpTransfer *t, GSocketAddress *to, guint16 code, const gchar *msg)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();

	put_u16(buf, TFTP_OP_ERROR);
	put_u16(buf, code);
	put_str(buf, msg);
	/* best effort: the transfer is over either way */
	tftp_send_to(t, to, buf->data, buf->len, NULL);
}

static gboolean tftp_timeout_cb(gpointer user_data);
static void tftp_start(GTask *task, GInetAddress *address);

static void
tftp_arm_timeout(GTask *task)
{
	TftpTransfer *t = g_task_get_task_data(task);

	if (t->timeout_source != NULL) {
		g_source_destroy(t->timeout_source);
		g_source_unref(t->timeout_source);
	}
	t->timeout_source = g_timeout_source_new(TFTP_TIMEOUT_MS);
	g_source_set_callback(t->timeout_source, tftp_timeout_cb, task, NULL);
	g_source_set_static_name(t->timeout_source, "[tipring] tftp timeout");
	g_source_attach(t->timeout_source, t->context);
}

/* sends a packet that expects an answer, to be sent again on a timeout */
static gboolean
tftp_send_packet(GTask *task, GByteArray *packet)
{
	TftpTransfer *t = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;

	g_clear_pointer(&t->last_packet, g_byte_array_unref);
	t->last_packet = packet;
	t->tries = 1;
	if (!tftp_send_to(t, t->server, packet->data, packet->len, &error)) {
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: the TFTP server, then why the packet was not sent */
			  _("Cannot send to the TFTP server %s: %s"), t->host, error->message);
		return FALSE;
	}
	tftp_arm_timeout(task);
	return TRUE;
}

static gboolean
tftp_timeout_cb(gpointer user_data)
{
	GTask *task = user_data;
	TftpTransfer *t = g_task_get_task_data(task);
	g_autoptr(GTask) hold = g_object_ref(task);
	g_autoptr(GError) error = NULL;

	g_clear_pointer(&t->timeout_source, g_source_unref);
	if (t->tries >= TFTP_MAX_TRIES && !t->tid_known && t->current != NULL &&
	    t->current->next != NULL) {
		/* a name with IPv6 and IPv4 addresses, the server on one only */
		g_autofree gchar *tried = g_inet_address_to_string(t->current->data);
		g_debug("no answer from %s at %s, trying its next address", t->host, tried);
		t->current = t->current->next;
		tftp_transfer_stop(t);
		g_clear_object(&t->socket);
		g_clear_object(&t->server);
		tftp_start(task, t->current->data);
		return G_SOURCE_REMOVE;
	}
	if (t->tries >= TFTP_MAX_TRIES) {
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: the TFTP server, its port, a number of seconds */
			  _("The TFTP server %s (port %u) did not answer within %u seconds"),
			  t->host, t->port, TFTP_MAX_TRIES * TFTP_TIMEOUT_MS / 1000);
		return G_SOURCE_REMOVE;
	}
	t->tries++;
	g_debug("no answer from %s, sending again (try %u)", t->host, t->tries);
	if (!tftp_send_to(t, t->server, t->last_packet->data, t->last_packet->len, &error)) {
		tftp_fail(task, TR_ERROR_FAILED, _("Cannot send to the TFTP server %s: %s"),
			  t->host, error->message);
		return G_SOURCE_REMOVE;
	}
	tftp_arm_timeout(task);
	return G_SOURCE_REMOVE;
}

static gboolean
socket_address_equal(GSocketAddress *a, GSocketAddress *b)
{
	GInetSocketAddress *ia = G_INET_SOCKET_ADDRESS(a);
	GInetSocketAddress *ib = G_INET_SOCKET_ADDRESS(b);

	return g_inet_socket_address_get_port(ia) == g_inet_socket_address_get_port(ib) &&
	       g_inet_address_equal(g_inet_socket_address_get_address(ia),
				    g_inet_socket_address_get_address(ib));
}

/* a server's message, printable and bounded, for our error message */
static gchar *
tftp_sanitize(const guint8 *data, gsize len)
{
	GString *out = g_string_new(NULL);

	for (gsize i = 0; i < len && data[i] != '\0' && out->len < 200; i++)
		g_string_append_c(out, g_ascii_isprint(data[i]) ? (gchar)data[i] : '?');
	return g_string_free(out, FALSE);
}

static void
tftp_fail_too_large(GTask *task)
{
	TftpTransfer *t = g_task_get_task_data(task);
	g_autofree gchar *limit = g_format_size_full(t->max_size, G_FORMAT_SIZE_IEC_UNITS);

	tftp_fail(task, TR_ERROR_FAILED,
		  /* TRANSLATORS: a file name, then a size such as "16.0 MiB" */
		  _("%s is larger than the limit of %s"), t->path, limit);
}

static void
tftp_send_ack(GTask *task, guint16 block)
{
	g_autoptr(GByteArray) ack = g_byte_array_new();

	put_u16(ack, TFTP_OP_ACK);
	put_u16(ack, block);
	tftp_send_packet(task, g_steal_pointer(&ack));
}

/* RFC 2347: OACK is the server's answer to our options */
static void
tftp_handle_oack(GTask *task, const guint8 *buf, gsize len)
{
	TftpTransfer *t = g_task_get_task_data(task);
	gsize pos = 2;

	if (t->expected_block != 1 || t->data->len > 0) {
		tftp_send_error_to(t, t->server, TFTP_ERR_ILLEGAL_OP, "unexpected OACK");
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: the TFTP server broke the protocol */
			  _("The TFTP server %s sent an unexpected packet"), t->host);
		return;
	}
	while (pos < len) {
		const guint8 *name = buf + pos;
		const guint8 *name_end = memchr(name, '\0', len - pos);
		const guint8 *value;
		const guint8 *value_end;
		guint64 number = 0;

		if (name_end == NULL)
			break;
		value = name_end + 1;
		if (value >= buf + len)
			break;
		value_end = memchr(value, '\0', buf + len - value);
		if (value_end == NULL)
			break;
		pos = value_end + 1 - buf;
		if (!g_ascii_string_to_unsigned((const gchar *)value, 10, 0, G_MAXUINT32, &number,
						NULL))
			continue;
		if (g_ascii_strcasecmp((const gchar *)name, "blksize") == 0) {
			if (number < TFTP_MIN_BLKSIZE || number > TFTP_BLKSIZE) {
				tftp_send_error_to(t, t->server, TFTP_ERR_OPTION, "bad blksize");
				tftp_fail(task, TR_ERROR_FAILED,
					  /* TRANSLATORS: the TFTP server broke the protocol */
					  _("The TFTP server %s sent an unexpected packet"),
					  t->host);
				return;
			}
			t->blksize = number;
		} else if (g_ascii_strcasecmp((const gchar *)name, "tsize") == 0) {
			if (number > t->max_size) {
				tftp_send_error_to(t, t->server, TFTP_ERR_OPTION, "file too large");
				tftp_fail_too_large(task);
				return;
			}
		}
	}
	g_debug("%s: options accepted, %" G_GSIZE_FORMAT "-byte blocks", t->path, t->blksize);
	tftp_send_ack(task, 0);
}

static void
tftp_handle_data(GTask *task, const guint8 *buf, gsize len)
{
	TftpTransfer *t = g_task_get_task_data(task);
	guint16 block = (buf[2] << 8) | buf[3];
	gsize payload = len - 4;

	if (t->expected_block > 1 && block == (guint16)(t->expected_block - 1) &&
	    t->last_packet != NULL) {
		/* our ACK was lost: the server sends the block again */
		tftp_send_to(t, t->server, t->last_packet->data, t->last_packet->len, NULL);
		return;
	}
	if (block != t->expected_block)
		return;
	if (payload > t->blksize) {
		tftp_send_error_to(t, t->server, TFTP_ERR_ILLEGAL_OP, "block too large");
		tftp_fail(task, TR_ERROR_FAILED, _("The TFTP server %s sent an unexpected packet"),
			  t->host);
		return;
	}
	if (t->data->len + payload > t->max_size) {
		tftp_send_error_to(t, t->server, TFTP_ERR_DISK_FULL, "file too large");
		tftp_fail_too_large(task);
		return;
	}
	g_byte_array_append(t->data, buf + 4, payload);
	t->expected_block++;
	if (payload < t->blksize) {
		/* the last block; the server sends it again if this ACK is lost */
		g_autoptr(GByteArray) ack = g_byte_array_new();
		put_u16(ack, TFTP_OP_ACK);
		put_u16(ack, block);
		tftp_send_to(t, t->server, ack->data, ack->len, NULL);
		tftp_finish(task, NULL);
		return;
	}
	tftp_send_ack(task, block);
}

static void
tftp_handle_error(GTask *task, const guint8 *buf, gsize len)
{
	TftpTransfer *t = g_task_get_task_data(task);
	guint16 code = (buf[2] << 8) | buf[3];
	g_autofree gchar *msg = tftp_sanitize(buf + 4, len - 4);

	switch (code) {
	case TFTP_ERR_NOT_FOUND:
		tftp_fail(task, TR_ERROR_NOT_FOUND,
			  /* TRANSLATORS: a file name, the TFTP server, the server's words */
			  _("%s was not found on the TFTP server %s (%s)"), t->path, t->host, msg);
		break;
	case TFTP_ERR_ACCESS:
		tftp_fail(task, TR_ERROR_ACCESS_DENIED,
			  /* TRANSLATORS: a file name, the TFTP server, the server's words */
			  _("The TFTP server %s refused access to %s (%s)"), t->host, t->path, msg);
		break;
	default:
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: the TFTP server, an error number, the server's words */
			  _("The TFTP server %s answered with error %u: %s"), t->host, code, msg);
		break;
	}
}

static gboolean
tftp_receive_cb(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	GTask *task = user_data;
	TftpTransfer *t = g_task_get_task_data(task);
	/* tftp_finish() drops the operation's reference; t lives until we return */
	g_autoptr(GTask) hold = g_object_ref(task);
	g_autofree guint8 *buf = g_malloc(TFTP_MAX_PACKET);

	while (!t->done) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GSocketAddress) from = NULL;
		gssize len;
		guint16 opcode;

		len = g_socket_receive_from(socket, &from, (gchar *)buf, TFTP_MAX_PACKET,
					    g_task_get_cancellable(task), &error);
		if (len < 0) {
			if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
				break;
			if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
				tftp_finish(task, g_steal_pointer(&error));
				return G_SOURCE_REMOVE;
			}
			/* an ICMP error from an earlier packet: wait for the timeout */
			g_debug("receiving from %s: %s", t->host, error->message);
			continue;
		}
		if (from == NULL || !G_IS_INET_SOCKET_ADDRESS(from))
			continue;
		if (t->tid_known) {
			if (!socket_address_equal(from, t->server)) {
				tftp_send_error_to(t, from, TFTP_ERR_UNKNOWN_TID,
						   "unknown transfer ID");
				continue;
			}
		} else {
			GInetAddress *server_addr =
				g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(t->server));
			GInetAddress *from_addr =
				g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(from));
			if (!g_inet_address_equal(server_addr, from_addr))
				continue;
		}
		if (len < 4)
			continue;
		if (!t->tid_known) {
			g_set_object(&t->server, from);
			t->tid_known = TRUE;
		}

		opcode = (buf[0] << 8) | buf[1];
		switch (opcode) {
		case TFTP_OP_DATA:
			tftp_handle_data(task, buf, len);
			break;
		case TFTP_OP_OACK:
			tftp_handle_oack(task, buf, len);
			break;
		case TFTP_OP_ERROR:
			tftp_handle_error(task, buf, len);
			break;
		default:
			tftp_send_error_to(t, from, TFTP_ERR_ILLEGAL_OP, "illegal operation");
			tftp_fail(task, TR_ERROR_FAILED,
				  _("The TFTP server %s sent an unexpected packet"), t->host);
			break;
		}
	}
	/* tftp_finish() destroyed this source already */
	return t->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
tftp_start(GTask *task, GInetAddress *address)
{
	TftpTransfer *t = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GInetAddress) any = NULL;
	g_autoptr(GSocketAddress) local = NULL;
	g_autoptr(GByteArray) rrq = g_byte_array_new();
	g_autofree gchar *blksize = g_strdup_printf("%u", TFTP_BLKSIZE);
	GSocketFamily family = g_inet_address_get_family(address);

	t->socket = g_socket_new(family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
	if (t->socket == NULL) {
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: why no UDP socket could be made */
			  _("Cannot make a socket for TFTP: %s"), error->message);
		return;
	}
	any = g_inet_address_new_any(family);
	local = g_inet_socket_address_new(any, 0);
	if (!g_socket_bind(t->socket, local, FALSE, &error)) {
		tftp_fail(task, TR_ERROR_FAILED, _("Cannot make a socket for TFTP: %s"),
			  error->message);
		return;
	}
	t->server = g_inet_socket_address_new(address, t->port);

	t->recv_source = g_socket_create_source(t->socket, G_IO_IN, g_task_get_cancellable(task));
	g_source_set_callback(t->recv_source, G_SOURCE_FUNC(tftp_receive_cb), task, NULL);
	g_source_set_static_name(t->recv_source, "[tipring] tftp receive");
	g_source_attach(t->recv_source, t->context);

	put_u16(rrq, TFTP_OP_RRQ);
	put_str(rrq, t->path);
	put_str(rrq, "octet");
	put_str(rrq, "blksize");
	put_str(rrq, blksize);
	put_str(rrq, "tsize");
	put_str(rrq, "0");
	/* until the server accepts the options, blocks are 512 bytes */
	t->blksize = TFTP_DEFAULT_BLOCK;
	t->expected_block = 1;
	tftp_send_packet(task, g_steal_pointer(&rrq));
}

static void
tftp_resolved_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	TftpTransfer *t = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	GList *addresses;

	addresses = g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &error);
	if (addresses == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			tftp_finish(task, g_steal_pointer(&error));
			return;
		}
		tftp_fail(task, TR_ERROR_FAILED,
			  /* TRANSLATORS: a host name, then why it could not be resolved */
			  _("Cannot resolve the TFTP server %s: %s"), t->host, error->message);
		return;
	}
	t->addresses = addresses;
	t->current = addresses;
	tftp_start(task, addresses->data);
}

/**
 * tr_tftp_get_async:
 * @host: the server: an IP address or a name
 * @port: the server's port, normally %TR_TFTP_DEFAULT_PORT
 * @path: the file name to ask for
 * @max_size: the largest file accepted, in bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is there or the transfer failed
 * @user_data: for @callback
 *
 * Downloads a file over TFTP on the thread-default main context.
 */
void
tr_tftp_get_async(const gchar *host, guint16 port, const gchar *path, gsize max_size,
		  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task;
	TftpTransfer *t;
	g_autoptr(GInetAddress) address = NULL;
	g_autoptr(GResolver) resolver = NULL;

	g_return_if_fail(host != NULL);
	g_return_if_fail(path != NULL);
	g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

	task = g_task_new(NULL, cancellable, callback, user_data);
	g_task_set_source_tag(task, tr_tftp_get_async);
	g_task_set_name(task, "[tipring] tftp get");
	t = g_new0(TftpTransfer, 1);
	t->host = g_strdup(host);
	t->port = port;
	t->path = g_strdup(path);
	t->max_size = max_size;
	t->context = g_main_context_ref_thread_default();
	t->data = g_byte_array_new();
	g_task_set_task_data(task, t, (GDestroyNotify)tftp_transfer_free);

	if (path[0] == '\0' || strlen(path) > 255) {
		tftp_fail(task, TR_ERROR_INVALID_ARGUMENT,
			  /* TRANSLATORS: TFTP file names are 1 to 255 bytes long */
			  _("Invalid TFTP file name '%s'"), path);
		return;
	}
	address = g_inet_address_new_from_string(host);
	if (address != NULL) {
		tftp_start(task, address);
		return;
	}
	resolver = g_resolver_get_default();
	g_resolver_lookup_by_name_async(resolver, host, cancellable, tftp_resolved_cb, task);
}

/**
 * tr_tftp_get_finish:
 * @result: the result given to the callback
 * @error: a #GError, or %NULL
 *
 * Errors: %TR_ERROR_NOT_FOUND when the server has no such file,
 * %TR_ERROR_ACCESS_DENIED when it refuses it, %TR_ERROR_FAILED for a
 * server that does not answer, a file larger than the limit or a protocol
 * error, %G_IO_ERROR_CANCELLED when cancelled.
 *
 * Returns: (transfer full): the file's contents, or %NULL with @error set
 */
GBytes *
tr_tftp_get_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == tr_tftp_get_async, NULL);

	return g_task_propagate_pointer(G_TASK(result), error);
}
