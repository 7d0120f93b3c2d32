/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Benchmark, not a test: K lines registering over TLS from one tipringd to
 * one Kamailio (tests/tr-test-sbc.c), against K accounts of Debian's
 * baresip registering over TLS to the same Kamailio, side by side.
 *
 *   bench-register [--k 1,100,1000] [--deadline S] [--only tipringd|baresip] [--keep]
 *
 * K defaults to 1,100, or to $TR_BENCH_K. Nothing is asserted on time: the
 * run fails (exit 1) only when a side has not registered all K within the
 * deadline (120 s; sooner if every tipringd line has failed for good), and
 * says so. Without baresip ($BARESIP, else PATH) the tipringd column is
 * still measured and the run ends as skipped (77).
 *
 * For each K, one SBC with users bench0001..benchK:
 *
 * tipringd: one daemon hosting SPA962s (6 lines each) and one SPA922,
 * SPA942 or SPA962 for the rest (its spare lines off), so that exactly K
 * lines are used; every line has a SIP_Port of its own, below the kernel's
 * ephemeral range, and goes over TLS to the SBC's TLS port, verifying it
 * against the SBC's CA (Custom_CA_File); Reg_Retry_* are left at their
 * defaults. Everything is configured with Line_Enable_N_=no first; then one
 * SetParameters per device enables its lines (all sent at once,
 * asynchronously), and the clock starts. The ATAs are left out: their
 * line-1-first rule would serialise each device's lines.
 *
 * baresip, on the same SBC restarted (no binding or connection left):
 * `baresip -f DIR` with K accounts
 *   <sip:benchNNNN@127.0.0.1;transport=tls>;auth_pass=...;outbound="sip:127.0.0.1:PORT;transport=tls"
 * sip_cafile naming the SBC's CA, only account.so loaded (no audio, no
 * console), standard input closed. It registers every account as it starts,
 * so its clock starts when it is spawned. A first baresip with no account
 * gives its idle figures (start-up CPU, RSS). Note that baresip 1.0 (libre)
 * sends every account's REGISTER over one TLS connection to the SBC, where
 * tipringd has a connection (and handshake) per line, as K devices would.
 *
 * Figures, the same way for both:
 * - time to all registered: until Kamailio has logged "TR-SBC: REGISTERED"
 *   for each of the K users (its log polled every 2 ms); for tipringd also
 *   until D-Bus says "registered" for every line (PropertiesChanged);
 * - REGISTER/s: "TR-SBC: REQ REGISTER" lines of that log in the interval
 *   (what tr_test_sbc_count_registers() counts), over the time;
 * - CPU time: user + system time of the process over the interval, as
 *   /proc/PID/stat gives it (exact, in clock ticks) or, when finer and in
 *   agreement, the sum of its threads' /proc/PID/task/TID/schedstat;
 *   baresip's minus its start-up without accounts;
 * - RSS per line: (VmRSS once all registered - VmRSS idle) / K, idle being
 *   tipringd with every line configured but disabled, baresip with no account;
 * - TLS connections open to the SBC's TLS port (/proc/net/tcp) once all
 *   registered; connections Kamailio accepted (tls_accept) and dropped
 *   ("send_fd failed": its TCP main process could not hand one to its
 *   single TCP worker) meanwhile; tipringd lines that went to backoff or
 *   failed; the time from SIGTERM to exit (30 s at most, then SIGKILL).
 */

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "tr-test-daemon.h"
#include "tr-test-sbc.h"

#define ROOT_PATH	   "/org/tipring/Tipring1"
#define DEVICE_IFACE	   "org.tipring.Tipring1.Device"
#define LINE_IFACE	   "org.tipring.Tipring1.Line"
#define POLL_MS		   2
#define START_TIMEOUT_S	   30
#define STOP_TIMEOUT_S	   30
#define DEFAULT_DEADLINE_S 120

/* the devices that host K lines */

typedef struct {
	const gchar *model;
	guint n_lines; /* the model's */
	guint used;    /* lines 1..used carry an account, the rest stay off */
} Device;

static GArray *
devices_for(guint k)
{
	GArray *devices = g_array_new(FALSE, FALSE, sizeof(Device));
	guint rest = k % 6;

	for (guint i = 0; i < k / 6; i++)
		g_array_append_val(devices, ((Device){"SPA962", 6, 6}));
	if (rest == 1)
		g_array_append_val(devices, ((Device){"SPA922", 1, 1}));
	else if (rest >= 2 && rest <= 4)
		g_array_append_val(devices, ((Device){"SPA942", 4, rest}));
	else if (rest == 5)
		g_array_append_val(devices, ((Device){"SPA962", 6, 5}));
	return devices;
}

static gchar *
user_name(guint i)
{
	return g_strdup_printf("bench%04u", i + 1);
}

static gchar *
user_password(guint i)
{
	return g_strdup_printf("pw-%04u-bench", i + 1);
}

/* waiting: the default main context turns, so D-Bus replies and signals
 * arrive while we poll */

static gboolean
wake_cb(gpointer data)
{
	gboolean *fired = data;
	*fired = TRUE;
	return G_SOURCE_REMOVE;
}

static void
spin(guint ms)
{
	gboolean fired = FALSE;

	g_timeout_add(ms, wake_cb, &fired);
	while (!fired)
		g_main_context_iteration(NULL, TRUE);
}

static gdouble
seconds_since(gint64 start_us)
{
	return (g_get_monotonic_time() - start_us) / (gdouble)G_USEC_PER_SEC;
}

/* the process figures */

/* user + system time of the whole process, in seconds, from /proc/PID/stat:
 * exact but in clock ticks */
static gdouble
proc_stat_cpu(GPid pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/stat", pid);
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) fields = NULL;
	const gchar *p;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return -1;
	p = strrchr(contents, ')');
	if (p == NULL)
		return -1;
	/* after ") ": state is field 3; utime 14, stime 15 */
	fields = g_strsplit(p + 2, " ", -1);
	if (g_strv_length(fields) < 13)
		return -1;
	return (g_ascii_strtod(fields[11], NULL) + g_ascii_strtod(fields[12], NULL)) /
	       sysconf(_SC_CLK_TCK);
}

/* the time on CPU of its threads alive now, in seconds: to the nanosecond,
 * but threads that have ended are missing */
static gdouble
proc_sched_cpu(GPid pid)
{
	g_autofree gchar *dir_path = g_strdup_printf("/proc/%d/task", pid);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const gchar *name;
	gdouble ns = 0;

	if (dir == NULL)
		return -1;
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir_path, name, "schedstat", NULL);
		g_autofree gchar *contents = NULL;

		if (g_file_get_contents(path, &contents, NULL, NULL))
			ns += g_ascii_strtod(contents, NULL);
	}
	return ns / 1e9;
}

typedef struct {
	gdouble stat;
	gdouble sched;
} Cpu;

static Cpu
proc_cpu(GPid pid)
{
	return (Cpu){proc_stat_cpu(pid), proc_sched_cpu(pid)};
}

/* the ticks are exact: the finer figure only while it agrees with them */
static gdouble
cpu_delta(Cpu before, Cpu after)
{
	gdouble stat = after.stat - before.stat;
	gdouble sched = after.sched - before.sched;
	gdouble tick = 1.0 / sysconf(_SC_CLK_TCK);

	if (sched >= 0 && sched <= stat + 2 * tick && sched >= stat - 2 * tick)
		return sched;
	return stat;
}

/* VmRSS in KiB, or -1 */
static gint64
proc_rss_kib(GPid pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/status", pid);
	g_autofree gchar *contents = NULL;
	const gchar *p;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return -1;
	p = strstr(contents, "\nVmRSS:");
	if (p == NULL)
		return -1;
	return g_ascii_strtoll(p + strlen("\nVmRSS:"), NULL, 10);
}

/* established TCP connections to 127.0.0.1:PORT, from /proc/net/tcp */
static guint
connections_to(guint16 port)
{
	g_autofree gchar *contents = NULL;
	g_auto(GStrv) lines = NULL;
	g_autofree gchar *remote = g_strdup_printf("0100007F:%04X", port);
	guint n = 0;

	if (!g_file_get_contents("/proc/net/tcp", &contents, NULL, NULL))
		return 0;
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 1; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " ", -1);
		guint col = 0;
		const gchar *cols[4] = {NULL};

		for (guint j = 0; f[j] != NULL && col < 4; j++) {
			if (f[j][0] != '\0')
				cols[col++] = f[j];
		}
		/* sl local rem st; 01 is ESTABLISHED */
		if (col == 4 && g_str_equal(cols[2], remote) && g_str_equal(cols[3], "01"))
			n++;
	}
	return n;
}

/* ports: N distinct ones, free for TCP and UDP on every address, below the
 * ephemeral range so that no outgoing connection takes one meanwhile */

static gboolean
port_bindable(int family, int type, guint16 port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (fd < 0)
		return family == AF_INET6; /* no IPv6 here: nothing to collide with */
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = htonl(INADDR_ANY);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		int only = 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof(only));
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		in6->sin6_addr = in6addr_any;
		len = sizeof(*in6);
	}
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

static gboolean
port_free(guint16 port)
{
	return port_bindable(AF_INET, SOCK_STREAM, port) &&
	       port_bindable(AF_INET, SOCK_DGRAM, port) &&
	       port_bindable(AF_INET6, SOCK_STREAM, port) &&
	       port_bindable(AF_INET6, SOCK_DGRAM, port);
}

static guint
ephemeral_low(void)
{
	g_autofree gchar *range = NULL;
	guint low = 32768;

	if (g_file_get_contents("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL))
		low = (guint)g_ascii_strtoull(range, NULL, 10);
	return low;
}

/* N ports; CONSECUTIVE: port, port + 1 ... (baresip's TLS is its port + 1) */
static GArray *
pick_ports(guint n, gboolean consecutive, GError **error)
{
	GArray *ports = g_array_new(FALSE, FALSE, sizeof(guint16));
	guint high = ephemeral_low();
	guint low = 10000;
	guint span = high > low + n + 1000 ? high - low - n - 1000 : 0;
	guint start = low + (span > 0 ? g_random_int_range(0, span) : 0);

	for (guint p = start; p < high && ports->len < n; p++) {
		guint16 port = (guint16)p;

		if (port_free(port)) {
			g_array_append_val(ports, port);
		} else if (consecutive) {
			g_array_set_size(ports, 0);
		}
	}
	if (ports->len < n) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "only %u free ports between %u and %u, %u needed", ports->len, start,
			    high, n);
		g_array_unref(ports);
		return NULL;
	}
	return ports;
}

/* Kamailio's log, read as it grows */

typedef struct {
	gchar *path;
	goffset offset;
	GString *partial;
	GHashTable *users; /* registered, distinct */
	guint registers;   /* "TR-SBC: REQ REGISTER" */
	guint auth_failed;
	guint handshakes; /* TLS connections accepted */
	guint dropped;	  /* connections the TCP main process could not hand on */
	guint ninety;	  /* users for 90 % */
	gdouble ninety_at;
} LogWatch;

static void
watch_line(LogWatch *w, const gchar *line)
{
	const gchar *p;

	if (strstr(line, "TR-SBC: REQ REGISTER ") != NULL) {
		w->registers++;
	} else if ((p = strstr(line, "TR-SBC: REGISTERED user=")) != NULL) {
		p += strlen("TR-SBC: REGISTERED user=");
		g_hash_table_add(w->users, g_strndup(p, strcspn(p, " ")));
	} else if (strstr(line, "TR-SBC: AUTH-FAILED") != NULL) {
		w->auth_failed++;
	} else if (strstr(line, "tls_accept: new connection from") != NULL) {
		w->handshakes++;
	} else if (strstr(line, "send_fd failed") != NULL) {
		/* Kamailio gave up handing the connection to its TCP worker */
		w->dropped++;
	}
}

static void
watch_poll(LogWatch *w)
{
	gchar buf[65536];
	ssize_t r;
	int fd = g_open(w->path, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (lseek(fd, w->offset, SEEK_SET) == w->offset) {
		while ((r = read(fd, buf, sizeof(buf))) > 0) {
			w->offset += r;
			g_string_append_len(w->partial, buf, r);
		}
	}
	close(fd);
	for (;;) {
		gchar *nl = memchr(w->partial->str, '\n', w->partial->len);

		if (nl == NULL)
			break;
		*nl = '\0';
		watch_line(w, w->partial->str);
		g_string_erase(w->partial, 0, nl - w->partial->str + 1);
	}
}

/* from now on */
static void
watch_start(LogWatch *w, const gchar *path)
{
	GStatBuf st;

	w->path = g_strdup(path);
	w->offset = g_stat(path, &st) == 0 ? st.st_size : 0;
	w->partial = g_string_new(NULL);
	w->users = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void
watch_clear(LogWatch *w)
{
	g_free(w->path);
	if (w->partial != NULL)
		g_string_free(w->partial, TRUE);
	g_clear_pointer(&w->users, g_hash_table_unref);
}

/* a child: tipringd or baresip */

typedef struct {
	GSubprocess *proc;
	GPid pid;
	gboolean exited;
	gchar *log;
	pid_t parent;
} Child;

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
child_setup(gpointer data)
{
	Child *c = data;

	/* it dies with the benchmark */
	/* SIGKILL: a graceful stop of a thousand lines takes minutes */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != c->parent)
		_exit(127);
	raise_nofile();
}

static gboolean
child_spawn(Child *c, const gchar *log, const gchar *const *argv, GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE);

	c->log = g_strdup(log);
	c->parent = getpid();
	c->exited = FALSE;
	tr_test_launcher_apply_env(launcher, NULL);
	g_subprocess_launcher_set_stdout_file_path(launcher, log);
	g_subprocess_launcher_set_stderr_file_path(launcher, log);
	g_subprocess_launcher_set_child_setup(launcher, child_setup, c, NULL);
	c->proc = g_subprocess_launcher_spawnv(launcher, argv, error);
	if (c->proc == NULL)
		return FALSE;
	/* standard input closed at once: no console to read */
	g_output_stream_close(g_subprocess_get_stdin_pipe(c->proc), NULL, NULL);
	c->pid = (GPid)g_ascii_strtoll(g_subprocess_get_identifier(c->proc), NULL, 10);
	tr_test_watch_exit(c->proc, &c->exited);
	return TRUE;
}

static gboolean
child_log_contains(Child *c, const gchar *needle)
{
	g_autofree gchar *text = NULL;

	return g_file_get_contents(c->log, &text, NULL, NULL) && strstr(text, needle) != NULL;
}

static void
child_print_log_tail(Child *c, const gchar *what)
{
	g_autofree gchar *text = NULL;
	gsize len = 0;
	const gchar *p;
	guint lines = 0;

	if (!g_file_get_contents(c->log, &text, &len, NULL))
		return;
	p = text + len;
	while (p > text && lines <= 20) {
		p--;
		if (*p == '\n')
			lines++;
	}
	g_printerr("# %s's log %s ends:\n%s\n", what, c->log, p);
}

/* SIGTERM, then SIGKILL after STOP_TIMEOUT_S; the seconds it took to end
 * by itself, or -1 */
static gdouble
child_stop(Child *c)
{
	gint64 start = g_get_monotonic_time();
	gint64 deadline = start + (gint64)STOP_TIMEOUT_S * G_USEC_PER_SEC;
	gdouble took = -1;

	if (c->proc == NULL)
		return -1;
	if (!c->exited)
		g_subprocess_send_signal(c->proc, SIGTERM);
	while (!c->exited && g_get_monotonic_time() < deadline)
		spin(5);
	if (c->exited) {
		took = seconds_since(start);
	} else {
		g_printerr("# %s: no end within %d s of SIGTERM: killed\n", c->log, STOP_TIMEOUT_S);
		g_subprocess_force_exit(c->proc);
		while (!c->exited)
			spin(10);
	}
	g_clear_object(&c->proc);
	g_clear_pointer(&c->log, g_free);
	return took;
}

/* one side's figures */

typedef struct {
	gboolean ran;
	gchar *why_not; /* not run, or not complete: why */
	guint k;
	guint registered; /* distinct users the SBC registered */
	gdouble seconds;  /* to all registered, at the SBC */
	gdouble dbus_seconds;
	gdouble ninety_seconds;
	guint registers; /* REGISTER requests the SBC received meanwhile */
	guint auth_failed;
	guint handshakes;
	guint dropped;
	gint backed_off; /* lines that went to backoff or failed; -1: unknown */
	gdouble stop_seconds;
	gdouble cpu;
	gint64 rss_idle;
	gint64 rss_after;
	guint connections;
	gchar *note;
} Result;

static void
result_clear(Result *r)
{
	g_free(r->why_not);
	g_free(r->note);
}

/* polls the log until every user registered, the deadline, the child's
 * end, or (FAILED not NULL) every line of it failed for good; TRUE if all
 * registered */
static gboolean
wait_registered(LogWatch *w, Child *c, Result *r, gint64 start, guint deadline_s,
		GHashTable *failed)
{
	gint64 deadline = start + (gint64)deadline_s * G_USEC_PER_SEC;
	guint reported = 0;

	w->ninety = (r->k * 9 + 9) / 10;
	w->ninety_at = -1;
	for (;;) {
		watch_poll(w);
		if (w->ninety_at < 0 && g_hash_table_size(w->users) >= w->ninety)
			r->ninety_seconds = w->ninety_at = seconds_since(start);
		if (g_hash_table_size(w->users) >= r->k) {
			r->seconds = seconds_since(start);
			return TRUE;
		}
		if (c->exited || g_get_monotonic_time() > deadline)
			return FALSE;
		if (failed != NULL && g_hash_table_size(failed) >= r->k)
			return FALSE;
		/* progress on long runs, every 10 s */
		if (seconds_since(start) >= (reported + 1) * 10.0) {
			reported++;
			g_printerr("#   %u of %u registered after %u s\n",
				   g_hash_table_size(w->users), r->k, reported * 10);
		}
		spin(POLL_MS);
	}
}

/* tipringd */

typedef struct {
	GHashTable *registered; /* line paths whose RegistrationState is "registered" */
	GHashTable *backed_off; /* line paths that were in "backoff" or "failed" */
	GHashTable *failed;	/* line paths in "failed" now */
	gchar *last_error;	/* the first LastError a line reported */
	guint k;
	gint64 start;
	gdouble all_at; /* seconds; < 0 until then */
	guint sent;
	guint replies;
	guint errors;
	gchar *first_error;
} DbusWatch;

static void
properties_changed_cb(GDBusConnection *connection, const gchar *sender, const gchar *path,
		      const gchar *iface, const gchar *signal, GVariant *params, gpointer data)
{
	DbusWatch *dw = data;
	const gchar *interface = NULL;
	g_autoptr(GVariant) changed = NULL;
	const gchar *state = NULL;

	const gchar *last_error = NULL;

	g_variant_get(params, "(&s@a{sv}@as)", &interface, &changed, NULL);
	if (!g_str_equal(interface, LINE_IFACE))
		return;
	if (dw->last_error == NULL && g_variant_lookup(changed, "LastError", "&s", &last_error) &&
	    last_error[0] != '\0')
		dw->last_error = g_strdup(last_error);
	if (!g_variant_lookup(changed, "RegistrationState", "&s", &state))
		return;
	if (g_str_equal(state, "failed"))
		g_hash_table_add(dw->failed, g_strdup(path));
	else
		g_hash_table_remove(dw->failed, path);
	if (g_str_equal(state, "registered"))
		g_hash_table_add(dw->registered, g_strdup(path));
	else
		g_hash_table_remove(dw->registered, path);
	if (g_str_equal(state, "backoff") || g_str_equal(state, "failed"))
		g_hash_table_add(dw->backed_off, g_strdup(path));
	if (dw->all_at < 0 && g_hash_table_size(dw->registered) >= dw->k)
		dw->all_at = seconds_since(dw->start);
}

static void
set_parameters_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	DbusWatch *dw = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	dw->replies++;
	if (reply == NULL) {
		dw->errors++;
		if (dw->first_error == NULL)
			dw->first_error = g_strdup(error->message);
	}
}

static GVariant *
params_variant(GPtrArray *pairs)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
	for (guint i = 0; i + 1 < pairs->len; i += 2)
		g_variant_builder_add(&b, "{ss}", g_ptr_array_index(pairs, i),
				      g_ptr_array_index(pairs, i + 1));
	return g_variant_new("(@a{ss})", g_variant_builder_end(&b));
}

static void
add_pair(GPtrArray *pairs, gchar *name, gchar *value)
{
	g_ptr_array_add(pairs, name);
	g_ptr_array_add(pairs, value);
}

/* lines whose RegistrationState is "registered", by GetManagedObjects */
static guint
count_registered_lines(GDBusConnection *connection, GError **error)
{
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		connection, NULL, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
		"GetManagedObjects", NULL, G_VARIANT_TYPE("(a{oa{sa{sv}}})"),
		G_DBUS_CALL_FLAGS_NONE, 60000, NULL, error);
	g_autoptr(GVariantIter) objects = NULL;
	GVariant *ifaces;
	guint n = 0;

	if (reply == NULL)
		return 0;
	g_variant_get(reply, "(a{oa{sa{sv}}})", &objects);
	while (g_variant_iter_next(objects, "{&o@a{sa{sv}}}", NULL, &ifaces)) {
		g_autoptr(GVariant) props = g_variant_lookup_value(ifaces, LINE_IFACE, NULL);
		const gchar *state = NULL;

		if (props != NULL && g_variant_lookup(props, "RegistrationState", "&s", &state) &&
		    g_str_equal(state, "registered"))
			n++;
		g_variant_unref(ifaces);
	}
	return n;
}

static void
run_tipringd(TrTestSbc *sbc, const gchar *dir, guint k, guint deadline_s, Result *r)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) devices = devices_for(k);
	g_autoptr(GArray) ports = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *run_dir = g_build_filename(dir, "tipringd", NULL);
	g_autofree gchar *state_dir = g_build_filename(run_dir, "state", NULL);
	g_autofree gchar *address = NULL;
	g_autofree gchar *log = g_build_filename(run_dir, "tipringd.log", NULL);
	g_autofree gchar *proxy = g_strdup_printf("127.0.0.1:%u", tr_test_sbc_get_tls_port(sbc));
	const gchar *tipringd = g_getenv("TIPRINGD");
	g_autoptr(GDBusConnection) connection = NULL;
	DbusWatch dw = {0};
	LogWatch w = {0};
	Child c = {0};
	Cpu cpu_before, cpu_after;
	guint subscription = 0;
	guint line_index = 0;
	gint64 start;

	r->k = k;
	r->dbus_seconds = -1;
	r->backed_off = -1;
	r->ninety_seconds = -1;
	r->stop_seconds = -1;
	if (tipringd == NULL || !g_file_test(tipringd, G_FILE_TEST_IS_EXECUTABLE)) {
		r->why_not = g_strdup("$TIPRINGD names no program (run through meson)");
		return;
	}
	g_mkdir_with_parents(run_dir, 0700);
	address = g_strdup_printf("unix:path=%s/sock", run_dir);
	ports = pick_ports(k, FALSE, &error);
	if (ports == NULL) {
		r->why_not = g_strdup(error->message);
		return;
	}

	g_ptr_array_add(argv, g_strdup(tipringd));
	g_ptr_array_add(argv, g_strdup("--p2p"));
	g_ptr_array_add(argv, g_strdup(address));
	g_ptr_array_add(argv, g_strdup("--state-dir"));
	g_ptr_array_add(argv, g_strdup(state_dir));
	for (guint i = 0; i < devices->len; i++) {
		g_ptr_array_add(argv, g_strdup("--device"));
		g_ptr_array_add(argv, g_strdup(g_array_index(devices, Device, i).model));
	}
	g_ptr_array_add(argv, NULL);
	if (!child_spawn(&c, log, (const gchar *const *)argv->pdata, &error)) {
		r->why_not = g_strdup_printf("tipringd: %s", error->message);
		return;
	}
	r->ran = TRUE;

	/* until it listens */
	start = g_get_monotonic_time();
	while (connection == NULL) {
		g_clear_error(&error);
		connection = g_dbus_connection_new_for_address_sync(
			address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
		if (connection != NULL)
			break;
		if (c.exited || seconds_since(start) > START_TIMEOUT_S) {
			child_print_log_tail(&c, "tipringd");
			r->why_not = g_strdup_printf("tipringd %s", c.exited ? "exited at start"
									     : "never listened");
			goto out;
		}
		spin(20);
	}

	/* everything configured, every line off */
	for (guint d = 0; d < devices->len; d++) {
		const Device *dev = &g_array_index(devices, Device, d);
		g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
		g_autofree gchar *path = g_strdup_printf(ROOT_PATH "/Device/%u", d);
		g_autoptr(GVariant) reply = NULL;

		add_pair(pairs, g_strdup("Custom_CA_File"),
			 g_strdup(tr_test_sbc_get_server_ca(sbc)));
		for (guint n = 1; n <= dev->n_lines; n++) {
			add_pair(pairs, g_strdup_printf("Line_Enable_%u_", n), g_strdup("no"));
			if (n > dev->used)
				continue;
			add_pair(pairs, g_strdup_printf("Proxy_%u_", n), g_strdup(proxy));
			add_pair(pairs, g_strdup_printf("User_ID_%u_", n), user_name(line_index));
			add_pair(pairs, g_strdup_printf("Password_%u_", n),
				 user_password(line_index));
			add_pair(pairs, g_strdup_printf("SIP_Transport_%u_", n), g_strdup("TLS"));
			add_pair(pairs, g_strdup_printf("SIP_Port_%u_", n),
				 g_strdup_printf("%u", g_array_index(ports, guint16, line_index)));
			line_index++;
		}
		reply = g_dbus_connection_call_sync(connection, NULL, path, DEVICE_IFACE,
						    "SetParameters", params_variant(pairs), NULL,
						    G_DBUS_CALL_FLAGS_NONE, 60000, NULL, &error);
		if (reply == NULL) {
			r->why_not =
				g_strdup_printf("SetParameters on %s: %s", path, error->message);
			goto out;
		}
	}
	g_assert_cmpuint(line_index, ==, k);

	/* idle: every reply is in, so every change has been applied */
	r->rss_idle = proc_rss_kib(c.pid);
	cpu_before = proc_cpu(c.pid);

	dw.registered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dw.backed_off = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dw.failed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dw.k = k;
	dw.all_at = -1;
	subscription = g_dbus_connection_signal_subscribe(
		connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
		LINE_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, properties_changed_cb, &dw, NULL);
	watch_start(&w, tr_test_sbc_get_log_path(sbc));

	/* go: every device's lines on, one SetParameters each, all at once */
	start = dw.start = g_get_monotonic_time();
	for (guint d = 0; d < devices->len; d++) {
		const Device *dev = &g_array_index(devices, Device, d);
		g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
		g_autofree gchar *path = g_strdup_printf(ROOT_PATH "/Device/%u", d);

		for (guint n = 1; n <= dev->used; n++)
			add_pair(pairs, g_strdup_printf("Line_Enable_%u_", n), g_strdup("yes"));
		g_dbus_connection_call(connection, NULL, path, DEVICE_IFACE, "SetParameters",
				       params_variant(pairs), NULL, G_DBUS_CALL_FLAGS_NONE, 60000,
				       NULL, set_parameters_cb, &dw);
		dw.sent++;
	}

	if (wait_registered(&w, &c, r, start, deadline_s, dw.failed)) {
		cpu_after = proc_cpu(c.pid);
		r->rss_after = proc_rss_kib(c.pid);
		r->cpu = cpu_delta(cpu_before, cpu_after);
		r->connections = connections_to(tr_test_sbc_get_tls_port(sbc));
	} else {
		const gchar *why = c.exited			       ? "tipringd exited"
				   : g_hash_table_size(dw.failed) >= k ? "every line failed"
								       : "deadline passed";

		r->why_not = g_strdup_printf(
			"%s after %.1f s: %u of %u lines registered at the SBC (deadline %u s)%s%s",
			why, seconds_since(start), g_hash_table_size(w.users), k, deadline_s,
			dw.last_error != NULL ? "; first LastError: " : "",
			dw.last_error != NULL ? dw.last_error : "");
		child_print_log_tail(&c, "tipringd");
	}
	r->registered = g_hash_table_size(w.users);
	r->registers = w.registers;
	r->auth_failed = w.auth_failed;
	r->handshakes = w.handshakes;
	r->dropped = w.dropped;

	/* what D-Bus says: the signals, and then the object manager once */
	if (r->why_not == NULL) {
		guint on_dbus;

		while (dw.all_at < 0 && !c.exited && seconds_since(start) < deadline_s)
			spin(POLL_MS);
		r->dbus_seconds = dw.all_at;
		while (dw.replies < devices->len && !c.exited && seconds_since(start) < deadline_s)
			spin(POLL_MS);
		g_clear_error(&error);
		on_dbus = count_registered_lines(connection, &error);
		if (dw.errors > 0)
			r->note = g_strdup_printf("%u SetParameters failed: %s", dw.errors,
						  dw.first_error);
		else if (on_dbus != k)
			r->note = g_strdup_printf(
				"GetManagedObjects: %u of %u lines registered%s%s", on_dbus, k,
				error != NULL ? ": " : "", error != NULL ? error->message : "");
	}

out:
	if (subscription != 0)
		g_dbus_connection_signal_unsubscribe(connection, subscription);
	if (connection != NULL)
		g_dbus_connection_close_sync(connection, NULL, NULL);
	/* the calls still pending fail now that it is closed: their replies
	 * must come in while DW is alive */
	while (dw.replies < dw.sent)
		spin(POLL_MS);
	if (dw.backed_off != NULL)
		r->backed_off = g_hash_table_size(dw.backed_off);
	/* SIGTERM: tipringd unregisters its lines as it ends */
	r->stop_seconds = child_stop(&c);
	watch_clear(&w);
	g_clear_pointer(&dw.registered, g_hash_table_unref);
	g_clear_pointer(&dw.backed_off, g_hash_table_unref);
	g_clear_pointer(&dw.failed, g_hash_table_unref);
	g_free(dw.last_error);
	g_free(dw.first_error);
}

/* baresip */

static gchar *
find_baresip(void)
{
	const gchar *env = g_getenv("BARESIP");

	if (env != NULL && env[0] != '\0')
		return g_file_test(env, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup(env) : NULL;
	return g_find_program_in_path("baresip");
}

static gboolean
write_baresip_config(const gchar *conf_dir, TrTestSbc *sbc, guint16 port, guint k, GError **error)
{
	g_autofree gchar *config_path = g_build_filename(conf_dir, "config", NULL);
	g_autofree gchar *accounts_path = g_build_filename(conf_dir, "accounts", NULL);
	g_autofree gchar *contacts_path = g_build_filename(conf_dir, "contacts", NULL);
	g_autoptr(GString) accounts = g_string_new(NULL);
	g_autofree gchar *config = NULL;

	g_mkdir_with_parents(conf_dir, 0700);
	/* UDP, TCP on PORT and TLS on PORT + 1 (baresip's rule), loopback only;
	 * no DNS server but loopback; only account.so: no audio, no console */
	config = g_strdup_printf("poll_method\t\tepoll\n"
				 "sip_listen\t\t127.0.0.1:%u\n"
				 "sip_cafile\t\t%s\n"
				 "dns_server\t\t127.0.0.1:53\n"
				 "call_max_calls\t\t1\n"
				 "audio_player\t\tnone,none\n"
				 "audio_source\t\tnone,none\n"
				 "audio_alert\t\tnone,none\n"
				 "module_path\t\t/usr/lib/baresip/modules\n"
				 "module_tmp\t\taccount.so\n",
				 port, tr_test_sbc_get_server_ca(sbc));
	for (guint i = 0; i < k; i++) {
		g_autofree gchar *user = user_name(i);
		g_autofree gchar *password = user_password(i);

		g_string_append_printf(accounts,
				       "<sip:%s@127.0.0.1;transport=tls>;auth_pass=%s;"
				       "outbound=\"sip:127.0.0.1:%u;transport=tls\";regint=3600\n",
				       user, password, tr_test_sbc_get_tls_port(sbc));
	}
	return g_file_set_contents(config_path, config, -1, error) &&
	       g_file_set_contents(accounts_path, accounts->str, -1, error) &&
	       g_file_set_contents(contacts_path, "", -1, error);
}

/* baresip -f CONF_DIR, until "baresip is ready" */
static gboolean
spawn_baresip(Child *c, const gchar *baresip, const gchar *conf_dir, guint deadline_s,
	      GError **error)
{
	g_autofree gchar *log = g_build_filename(conf_dir, "baresip.log", NULL);
	/* it quits by itself after that */
	g_autofree gchar *quit = g_strdup_printf("%u", deadline_s + START_TIMEOUT_S + 60);
	const gchar *argv[] = {baresip, "-f", conf_dir, "-t", quit, NULL};

	return child_spawn(c, log, argv, error);
}

static void
run_baresip(TrTestSbc *sbc, const gchar *dir, guint k, guint deadline_s, Result *r)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *baresip = find_baresip();
	g_autofree gchar *idle_dir = g_build_filename(dir, "baresip-idle", NULL);
	g_autofree gchar *conf_dir = g_build_filename(dir, "baresip", NULL);
	g_autoptr(GArray) ports = NULL;
	LogWatch w = {0};
	Child idle = {0};
	Child c = {0};
	Cpu cpu_idle = {0, 0}, cpu_after;
	gdouble idle_start_s = 0;
	gint64 start;

	r->k = k;
	r->dbus_seconds = -1;
	r->backed_off = -1;
	r->ninety_seconds = -1;
	r->stop_seconds = -1;
	if (baresip == NULL) {
		r->why_not =
			g_strdup("baresip not found: apt-get install baresip (or set BARESIP)");
		return;
	}

	/* idle: no account */
	ports = pick_ports(2, TRUE, &error);
	if (ports == NULL ||
	    !write_baresip_config(idle_dir, sbc, g_array_index(ports, guint16, 0), 0, &error)) {
		r->why_not = g_strdup(error->message);
		return;
	}
	start = g_get_monotonic_time();
	if (!spawn_baresip(&idle, baresip, idle_dir, deadline_s, &error)) {
		r->why_not = g_strdup_printf("baresip: %s", error->message);
		return;
	}
	while (!child_log_contains(&idle, "baresip is ready") && !idle.exited &&
	       seconds_since(start) < START_TIMEOUT_S)
		spin(POLL_MS);
	if (!child_log_contains(&idle, "baresip is ready")) {
		child_print_log_tail(&idle, "baresip");
		r->why_not = g_strdup("baresip without accounts never said it was ready");
		child_stop(&idle);
		return;
	}
	idle_start_s = seconds_since(start);
	cpu_idle = proc_cpu(idle.pid);
	r->rss_idle = proc_rss_kib(idle.pid);
	child_stop(&idle);

	/* K accounts: they register as it starts */
	g_clear_pointer(&ports, g_array_unref);
	ports = pick_ports(2, TRUE, &error);
	if (ports == NULL ||
	    !write_baresip_config(conf_dir, sbc, g_array_index(ports, guint16, 0), k, &error)) {
		r->why_not = g_strdup(error->message);
		return;
	}
	watch_start(&w, tr_test_sbc_get_log_path(sbc));
	start = g_get_monotonic_time();
	if (!spawn_baresip(&c, baresip, conf_dir, deadline_s, &error)) {
		r->why_not = g_strdup_printf("baresip: %s", error->message);
		watch_clear(&w);
		return;
	}
	r->ran = TRUE;
	if (wait_registered(&w, &c, r, start, deadline_s, NULL)) {
		cpu_after = proc_cpu(c.pid);
		r->rss_after = proc_rss_kib(c.pid);
		r->cpu = cpu_delta(cpu_idle, cpu_after);
		r->connections = connections_to(tr_test_sbc_get_tls_port(sbc));
		r->note = g_strdup_printf(
			"baresip's clock starts at its spawn; without accounts it is ready after "
			"%.3f s, having used %.3f s of CPU (subtracted above)",
			idle_start_s, cpu_delta((Cpu){0, 0}, cpu_idle));
	} else {
		r->why_not = g_strdup_printf(
			"%s after %.1f s: %u of %u accounts registered at the SBC (deadline %u s)",
			c.exited ? "baresip exited" : "deadline passed", seconds_since(start),
			g_hash_table_size(w.users), k, deadline_s);
		child_print_log_tail(&c, "baresip");
	}
	r->registered = g_hash_table_size(w.users);
	r->registers = w.registers;
	r->auth_failed = w.auth_failed;
	r->handshakes = w.handshakes;
	r->dropped = w.dropped;
	r->stop_seconds = child_stop(&c);
	watch_clear(&w);
}

/* the table */

enum {
	ROW_TIME,
	ROW_TIME_DBUS,
	ROW_TIME_90,
	ROW_RATE,
	ROW_REGISTERS,
	ROW_CPU,
	ROW_CPU_PER_LINE,
	ROW_RSS_PER_LINE,
	ROW_RSS_IDLE,
	ROW_RSS_AFTER,
	ROW_CONNECTIONS,
	ROW_HANDSHAKES,
	ROW_BACKED_OFF,
	ROW_STOP,
	N_ROWS
};

static const gchar *const row_names[N_ROWS] = {
	[ROW_TIME] = "time to all registered",
	[ROW_TIME_DBUS] = "  as D-Bus says",
	[ROW_TIME_90] = "time to 90 % registered",
	[ROW_RATE] = "REGISTER/s at the SBC",
	[ROW_REGISTERS] = "REGISTERs at the SBC",
	[ROW_CPU] = "CPU time",
	[ROW_CPU_PER_LINE] = "CPU time per line",
	[ROW_RSS_PER_LINE] = "RSS per line",
	[ROW_RSS_IDLE] = "RSS idle",
	[ROW_RSS_AFTER] = "RSS all registered",
	[ROW_CONNECTIONS] = "TLS connections open",
	[ROW_HANDSHAKES] = "TLS accepted by the SBC",
	[ROW_BACKED_OFF] = "lines that backed off",
	[ROW_STOP] = "SIGTERM to exit",
};

static gchar *
cell(const Result *r, guint row)
{
	if (row == ROW_STOP && r->ran)
		return r->stop_seconds >= 0 ? g_strdup_printf("%.3f s", r->stop_seconds)
					    : g_strdup_printf("> %d s (killed)", STOP_TIMEOUT_S);
	if (!r->ran)
		return g_strdup(row == ROW_TIME ? "not run" : "-");
	if (r->why_not != NULL) {
		/* what was counted until it gave up */
		switch (row) {
		case ROW_TIME:
			return g_strdup_printf("FAILED (%u of %u)", r->registered, r->k);
		case ROW_TIME_90:
			return r->ninety_seconds >= 0 ? g_strdup_printf("%.3f s", r->ninety_seconds)
						      : g_strdup("-");
		case ROW_REGISTERS:
		case ROW_HANDSHAKES:
		case ROW_BACKED_OFF:
			break;
		default:
			return g_strdup("-");
		}
	}
	switch (row) {
	case ROW_TIME:
		return g_strdup_printf("%.3f s", r->seconds);
	case ROW_TIME_DBUS:
		return r->dbus_seconds >= 0 ? g_strdup_printf("%.3f s", r->dbus_seconds)
					    : g_strdup("-");
	case ROW_TIME_90:
		return g_strdup_printf("%.3f s", r->ninety_seconds);
	case ROW_RATE:
		return g_strdup_printf("%.0f", r->registers / r->seconds);
	case ROW_REGISTERS:
		return g_strdup_printf("%u (%u failed auth)", r->registers, r->auth_failed);
	case ROW_CPU:
		return g_strdup_printf("%.3f s", r->cpu);
	case ROW_CPU_PER_LINE:
		return g_strdup_printf("%.2f ms", 1000.0 * r->cpu / r->k);
	case ROW_RSS_PER_LINE:
		return g_strdup_printf("%.1f KiB", (gdouble)(r->rss_after - r->rss_idle) / r->k);
	case ROW_RSS_IDLE:
		return g_strdup_printf("%" G_GINT64_FORMAT " KiB", r->rss_idle);
	case ROW_RSS_AFTER:
		return g_strdup_printf("%" G_GINT64_FORMAT " KiB", r->rss_after);
	case ROW_CONNECTIONS:
		return g_strdup_printf("%u", r->connections);
	case ROW_HANDSHAKES:
		return r->dropped > 0
			       ? g_strdup_printf("%u (%u dropped)", r->handshakes, r->dropped)
			       : g_strdup_printf("%u", r->handshakes);
	case ROW_BACKED_OFF:
		return r->backed_off >= 0 ? g_strdup_printf("%d", r->backed_off) : g_strdup("-");
	default:
		return g_strdup("");
	}
}

static gchar *
load_average(void)
{
	g_autofree gchar *text = NULL;

	if (!g_file_get_contents("/proc/loadavg", &text, NULL, NULL))
		return g_strdup("?");
	return g_strndup(text, strcspn(text, " "));
}

static void
print_table(guint k, const gchar *kamailio_version, const gchar *load, const Result *t,
	    const Result *b)
{
	printf("\nK=%u line%s/account%s over TLS to Kamailio %s (%ld CPUs, load %s before)\n", k,
	       k == 1 ? "" : "s", k == 1 ? "" : "s", kamailio_version,
	       sysconf(_SC_NPROCESSORS_ONLN), load);
	printf("%-26s%-24s%s\n", "", "tipringd", "baresip");
	for (guint i = 0; i < N_ROWS; i++) {
		g_autofree gchar *a = cell(t, i);
		g_autofree gchar *c = cell(b, i);

		printf("%-26s%-24s%s\n", row_names[i], a, c);
	}
	if (t->why_not != NULL)
		printf("tipringd: %s\n", t->why_not);
	if (t->note != NULL)
		printf("tipringd: %s\n", t->note);
	if (b->why_not != NULL)
		printf("baresip: %s\n", b->why_not);
	if (b->note != NULL)
		printf("baresip: %s\n", b->note);
	fflush(stdout);
}

static gchar *
kamailio_version(void)
{
	const gchar *kamailio = g_getenv("KAMAILIO");
	const gchar *argv[] = {kamailio != NULL && kamailio[0] != '\0' ? kamailio : "kamailio",
			       "-v", NULL};
	g_autofree gchar *out = NULL;
	const gchar *p;

	if (!g_spawn_sync(NULL, (gchar **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
			  NULL, NULL) ||
	    (p = strstr(out, "kamailio ")) == NULL)
		return g_strdup("?");
	p += strlen("kamailio ");
	return g_strndup(p, strcspn(p, " \n"));
}

static void
remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			remove_tree(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

/* K lists: "1,100,1000" */
static gboolean
parse_k_list(const gchar *text, GArray *ks, GError **error)
{
	g_auto(GStrv) parts = g_strsplit_set(text, ", ", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		guint64 k;

		if (parts[i][0] == '\0')
			continue;
		if (!g_ascii_string_to_unsigned(parts[i], 10, 1, 65535, &k, error))
			return FALSE;
		g_array_append_val(ks, (guint){(guint)k});
	}
	return TRUE;
}

/* the options */
static GArray *opt_ks;
static gint opt_deadline_s = DEFAULT_DEADLINE_S;
static gboolean opt_keep;
static gchar *opt_only;
/* a side could not be measured (baresip missing): the run ends as skipped */
static gboolean bench_skipped;

/*
 * The benchmark, as the one case of a GTest program: the SBC helper shows
 * Kamailio's log when g_test_failed(), which outside a case it always is.
 */
static void
bench_register(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *version = kamailio_version();
	gboolean run_t = opt_only == NULL || g_str_equal(opt_only, "tipringd");
	gboolean run_b = opt_only == NULL || g_str_equal(opt_only, "baresip");
	GString *failures = g_string_new(NULL);
	g_autofree gchar *skip = NULL;

	for (guint i = 0; i < opt_ks->len; i++) {
		guint k = g_array_index(opt_ks, guint, i);
		g_autoptr(TrTestSbc) sbc = NULL;
		g_autofree gchar *dir = NULL;
		g_autofree gchar *load = load_average();
		Result t = {0}, b = {0};

		g_printerr("# K=%u: starting the SBC with %u users\n", k, k);
		sbc = tr_test_sbc_new(&error);
		g_assert_no_error(error);
		for (guint u = 0; u < k; u++) {
			g_autofree gchar *user = user_name(u);
			g_autofree gchar *password = user_password(u);

			tr_test_sbc_add_user(sbc, user, password);
		}
		tr_test_sbc_start(sbc, &error);
		g_assert_no_error(error);
		dir = g_dir_make_tmp("tr-bench-XXXXXX", &error);
		g_assert_no_error(error);

		if (run_t) {
			g_printerr("# K=%u: tipringd\n", k);
			run_tipringd(sbc, dir, k, opt_deadline_s, &t);
		} else {
			t.why_not = g_strdup("left out (--only)");
		}
		if (run_b) {
			/* a fresh SBC for baresip: no binding, connection or TLS state left */
			if (run_t) {
				tr_test_sbc_restart(sbc, &error);
				g_assert_no_error(error);
			}
			g_printerr("# K=%u: baresip\n", k);
			run_baresip(sbc, dir, k, opt_deadline_s, &b);
		} else {
			b.why_not = g_strdup("left out (--only)");
		}

		print_table(k, version, load, &t, &b);
		if (t.ran && t.why_not != NULL)
			g_string_append_printf(failures, "K=%u tipringd: %s; ", k, t.why_not);
		if (b.ran && b.why_not != NULL)
			g_string_append_printf(failures, "K=%u baresip: %s; ", k, b.why_not);
		if ((run_t && !t.ran) || (run_b && !b.ran)) {
			g_free(skip);
			skip = g_strdup_printf("K=%u: %s", k,
					       !t.ran && run_t ? t.why_not : b.why_not);
		}
		result_clear(&t);
		result_clear(&b);
		if (opt_keep) {
			g_printerr("# kept %s and the SBC's %s\n", dir, tr_test_sbc_get_dir(sbc));
		} else {
			remove_tree(dir);
		}
	}
	if (failures->len > 0) {
		printf("\nFAILED: %s\n", failures->str);
		g_test_fail_printf("%s", failures->str);
	} else if (skip != NULL) {
		g_test_skip_printf("not measured: %s", skip);
		bench_skipped = TRUE;
	}
	g_string_free(failures, TRUE);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) context = NULL;
	g_auto(GStrv) k_args = NULL;
	const GOptionEntry entries[] = {
		{"k", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &k_args,
		 "Lines/accounts per run, e.g. 1,100,1000 (default $TR_BENCH_K, else 1,100)",
		 "LIST"},
		{"deadline", 0, 0, G_OPTION_ARG_INT, &opt_deadline_s,
		 "Seconds each side has to register all (default 120)", "S"},
		{"only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Run one side only",
		 "tipringd|baresip"},
		{"keep", 0, 0, G_OPTION_ARG_NONE, &opt_keep, "Keep the directories and logs", NULL},
		{NULL}};

	g_autoptr(GPtrArray) args = g_ptr_array_new();
	gint rc;

	/* a failure is reported and the run goes on to its end (no abort) */
	g_ptr_array_add(args, argv[0]);
	g_ptr_array_add(args, "--keep-going");
	for (gint i = 1; i < argc; i++)
		g_ptr_array_add(args, argv[i]);
	g_ptr_array_add(args, NULL);
	argc = (gint)args->len - 1;
	argv = (gchar **)args->pdata;
	g_test_init(&argc, &argv, NULL);
	context = g_option_context_new("- tipringd against baresip: K lines over TLS");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("bench-register: %s\n", error->message);
		return 2;
	}
	opt_ks = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; k_args != NULL && k_args[i] != NULL; i++) {
		if (!parse_k_list(k_args[i], opt_ks, &error)) {
			g_printerr("bench-register: --k: %s\n", error->message);
			return 2;
		}
	}
	if (opt_ks->len == 0 &&
	    !parse_k_list(g_getenv("TR_BENCH_K") != NULL ? g_getenv("TR_BENCH_K") : "1,100", opt_ks,
			  &error)) {
		g_printerr("bench-register: TR_BENCH_K: %s\n", error->message);
		return 2;
	}
	if (opt_only != NULL && !g_str_equal(opt_only, "tipringd") &&
	    !g_str_equal(opt_only, "baresip")) {
		g_printerr("bench-register: --only tipringd or --only baresip\n");
		return 2;
	}
	if (opt_deadline_s <= 0)
		opt_deadline_s = DEFAULT_DEADLINE_S;
	/* a thousand TLS lines need more descriptors than the usual 1024; the
	 * children inherit the limit (and raise their own too) */
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	/* before any thread: the SBC helper reads it as it ends */
	if (opt_keep)
		g_setenv("TR_TEST_SBC_KEEP", "1", TRUE);

	g_test_add_func("/bench/register-tls", bench_register);
	rc = g_test_run();
	/* 77: skipped, for meson */
	return rc == 0 && bench_skipped ? 77 : rc;
}
