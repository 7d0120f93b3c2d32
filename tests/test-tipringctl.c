/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "tr-dbus-generated.h"
#include "tr-test-daemon.h"
#include "tr-test-http.h"

/*
 * tipringctl against the real tipringd, served peer to peer on a socket in
 * the test's own directory. Each test runs in a subprocess of its own; this
 * process removes the directory however the test ended, and the daemons die
 * with the test process (PR_SET_PDEATHSIG).
 */

#define ROOT_PATH    "/org/tipring/Tipring1"
#define DEVICE0_PATH ROOT_PATH "/Device/0"
#define SECRET	     "s3cret"
#define NOTHING_DE   "tipringctl: Es wurde nichts ge\xc3\xa4ndert\n"
#define NOTHING_PO                                                                                 \
	"msgid \"tipringctl: nothing was changed\\n\"\n"                                           \
	"msgstr \"tipringctl: Es wurde nichts ge\xc3\xa4ndert\\n\"\n"

typedef struct {
	gint status;
	gchar *out;
	gchar *err;
} Run;

static const gchar *const spa2102[] = {"SPA2102", NULL};
static const gchar *const two_devices[] = {"SPA2102", "SPA942:desk", NULL};

/* tipringctl */

static void
run_free(Run *r)
{
	g_free(r->out);
	g_free(r->err);
	g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Run, run_free)

static Run *
ctl_runv(const gchar *const *env, const gchar *const *args)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	Run *r = g_new0(Run, 1);

	tr_test_launcher_apply_env(launcher, env);
	g_ptr_array_add(argv, (gpointer)g_getenv("TIPRINGCTL"));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);

	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	g_subprocess_communicate_utf8(proc, NULL, NULL, &r->out, &r->err, &error);
	g_assert_no_error(error);
	if (!g_subprocess_get_if_exited(proc))
		g_printerr("tipringctl died of signal %d; it said:\n%s\n",
			   g_subprocess_get_term_sig(proc), r->err);
	g_assert_true(g_subprocess_get_if_exited(proc));
	r->status = g_subprocess_get_exit_status(proc);
	return r;
}

static Run *
ctl_va(const gchar *const *env, const gchar *address, const gchar *first, va_list ap)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();

	if (address != NULL) {
		g_ptr_array_add(args, "--address");
		g_ptr_array_add(args, (gpointer)address);
	}
	for (const gchar *arg = first; arg != NULL; arg = va_arg(ap, const gchar *))
		g_ptr_array_add(args, (gpointer)arg);
	g_ptr_array_add(args, NULL);
	return ctl_runv(env, (const gchar *const *)args->pdata);
}

/* tipringctl --address ADDRESS ARGS... */
static Run *ctl(TrTest *t, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl(TrTest *t, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(NULL, t->address, first, ap);
	va_end(ap);
	return r;
}

/* tipringctl ARGS... with ENV, no --address */
static Run *ctl_env(const gchar *const *env, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl_env(const gchar *const *env, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(env, NULL, first, ap);
	va_end(ap);
	return r;
}

static void
assert_run(Run *r, gint status)
{
	if (r->status != status)
		g_printerr("tipringctl exited with %d, not %d; stdout:\n%s\nstderr:\n%s\n",
			   r->status, status, r->out, r->err);
	g_assert_cmpint(r->status, ==, status);
}

/* `get NAME` prints exactly NAME=EXPECTED */
static void
assert_get(TrTest *t, const gchar *device, const gchar *name, const gchar *expected)
{
	g_autofree gchar *line = g_strdup_printf("%s=%s\n", name, expected);
	g_autoptr(Run) r = device != NULL ? ctl(t, "--device", device, "get", name, NULL)
					  : ctl(t, "get", name, NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, line);
	g_assert_cmpstr(r->err, ==, "");
}

/* the refused set of the brief; the message after it depends on the locale */
static Run *
refused_set(TrTest *t, const gchar *const *env)
{
	return ctl_env(env, "--address", t->address, "set", "SIP_Transport_1_=FOO",
		       "Proxy_1_=ok.example.com", NULL);
}

/* the tests */

static void
test_status(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(Run) changed = NULL;
	g_autoptr(Run) again = NULL;
	g_autofree gchar *first_line = g_strdup_printf("on %s\n", t->address);

	assert_run(r, 0);
	tr_test_assert_contains(r->out, "tipringd ");
	tr_test_assert_contains(r->out, first_line);
	tr_test_assert_contains(r->out, "Device 0: spa2102 (SPA2102), MAC ");
	tr_test_assert_contains(r->out, "  Line 1: enabled, transport UDP\n");
	tr_test_assert_contains(r->out, "  Line 2: enabled, transport UDP\n");
	g_assert_null(strstr(r->out, "Line 3"));
	g_assert_null(strstr(r->out, "disabled"));
	g_assert_cmpstr(r->err, ==, "");

	/* the lines follow the parameters */
	changed = ctl(t, "set", "SIP_Transport_2_=TLS", "Line_Enable_1_=no", NULL);
	assert_run(changed, 0);
	again = ctl(t, "status", NULL);
	assert_run(again, 0);
	tr_test_assert_contains(again->out, "  Line 1: disabled, transport UDP\n");
	tr_test_assert_contains(again->out, "  Line 2: enabled, transport TLS\n");
	tr_test_daemon_stop(d);
}

static void
test_devices(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, two_devices);
	g_autoptr(Run) r = ctl(t, "devices", NULL);
	g_autoptr(GRegex) ata = g_regex_new(
		"^0 +spa2102 +SPA2102 +[0-9a-f]{2}(:[0-9a-f]{2}){5} +TR[0-9A-F]+ +\\S+$", 0, 0,
		NULL);
	g_autoptr(GRegex) desk = g_regex_new(
		"^1 +desk +SPA942 +[0-9a-f]{2}(:[0-9a-f]{2}){5} +TR[0-9A-F]+ +\\S+$", 0, 0, NULL);
	g_auto(GStrv) lines = NULL;

	assert_run(r, 0);
	lines = g_strsplit(r->out, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 4); /* three lines and the end */
	g_assert_cmpstr(lines[0], ==,
			"DEVICE NAME             MODEL    MAC                SERIAL  "
			"       FIRMWARE");
	g_assert_true(g_regex_match(ata, lines[1], 0, NULL));
	g_assert_true(g_regex_match(desk, lines[2], 0, NULL));
	g_assert_cmpstr(lines[3], ==, "");
	tr_test_daemon_stop(d);
}

static void
test_get_all(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(GDBusConnection) connection = tr_test_connect_p2p(t->address, d);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObjectManager) objects = tr_dbus_object_manager_client_new_sync(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, NULL, ROOT_PATH, NULL, &error);
	g_autoptr(GDBusObject) object = NULL;
	g_autoptr(TrDbusDevice) device = NULL;
	g_autoptr(Run) r = ctl(t, "get", NULL);
	g_autoptr(GRegex) line_re = g_regex_new("^[A-Za-z0-9_-]+=[^\n]*$", 0, 0, NULL);
	g_auto(GStrv) lines = NULL;
	guint n;

	g_assert_no_error(error);
	object = g_dbus_object_manager_get_object(objects, DEVICE0_PATH);
	g_assert_nonnull(object);
	device = tr_dbus_object_get_device(TR_DBUS_OBJECT(object));

	assert_run(r, 0);
	g_assert_true(g_str_has_suffix(r->out, "\n"));
	lines = g_strsplit(r->out, "\n", -1);
	n = g_strv_length(lines) - 1;
	g_assert_cmpuint(n, ==, tr_dbus_device_get_parameter_count(device));
	for (guint i = 0; i < n; i++)
		g_assert_true(g_regex_match(line_re, lines[i], 0, NULL));
	tr_test_assert_contains(r->out, "\nSIP_Transport_1_=UDP\n");
	tr_test_assert_contains(r->out, "\nPassword_1_=\n");

	g_clear_object(&device);
	g_clear_object(&object);
	g_clear_object(&objects);
	g_dbus_connection_close_sync(connection, NULL, NULL);
	tr_test_daemon_stop(d);
}

static void
test_get_names(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "get", "SIP_Transport[1]", "Proxy_1_", NULL);
	g_autoptr(Run) reversed = ctl(t, "get", "Proxy_1_", "SIP_Transport[1]", NULL);
	g_autoptr(Run) unknown = ctl(t, "get", "SIP_Transport_1_", "No_Such_Thing", NULL);

	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "SIP_Transport_1_=UDP\nProxy_1_=\n");
	assert_run(reversed, 0);
	g_assert_cmpstr(reversed->out, ==, "Proxy_1_=\nSIP_Transport_1_=UDP\n");
	assert_run(unknown, 1);
	g_assert_cmpstr(unknown->out, ==, "");
	tr_test_assert_contains(unknown->err, "No_Such_Thing");
	tr_test_daemon_stop(d);
}

static void
test_set(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) r = ctl(t, "set", "SIP_Transport[1]=TLS", "Register_Expires_1_=600", NULL);
	g_autoptr(Run) get = NULL;

	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_cmpstr(r->err, ==, "");
	get = ctl(t, "get", "SIP_Transport_1_", "Register_Expires[1]", NULL);
	assert_run(get, 0);
	g_assert_cmpstr(get->out, ==, "SIP_Transport_1_=TLS\nRegister_Expires_1_=600\n");
	/* a value may hold '=' and spaces */
	g_clear_pointer(&r, run_free);
	r = ctl(t, "set", "Display_Name_1_=a=b c", NULL);
	assert_run(r, 0);
	assert_get(t, NULL, "Display_Name_1_", "a=b c");
	tr_test_daemon_stop(d);
}

static void
test_set_refused(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) r = refused_set(t, NULL);

	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	tr_test_assert_contains(r->err, "SIP_Transport_1_");
	tr_test_assert_contains(r->err, "'FOO'");
	tr_test_assert_contains(r->err, "UDP, TCP, TLS");
	tr_test_assert_contains(r->err, "tipringctl: nothing was changed\n");
	g_assert_null(strstr(r->err, "Proxy_1_"));
	assert_get(t, NULL, "Proxy_1_", "");
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	tr_test_daemon_stop(d);
}

static void
test_usage(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) no_equals = ctl(t, "set", "SIP_Transport_1_=TLS", "foo", NULL);
	g_autoptr(Run) no_name = ctl(t, "set", "=TLS", NULL);
	g_autoptr(Run) no_args = ctl(t, "set", NULL);
	g_autoptr(Run) unknown = ctl(t, "frobnicate", NULL);
	g_autoptr(Run) nothing = ctl_env(NULL, "--address", t->address, NULL);
	g_autoptr(Run) bad_option = ctl(t, "--frobnicate", "status", NULL);

	assert_run(no_equals, 2);
	tr_test_assert_contains(no_equals->err, "'foo'");
	tr_test_assert_contains(no_equals->err, "NAME=VALUE");
	assert_run(no_name, 2);
	assert_run(no_args, 2);
	assert_run(unknown, 2);
	tr_test_assert_contains(unknown->err, "'frobnicate'");
	assert_run(nothing, 2);
	tr_test_assert_contains(nothing->err, "status");
	assert_run(bad_option, 2);
	tr_test_assert_contains(bad_option->err, "--frobnicate");

	/* the valid half of the refused set was not applied */
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	tr_test_daemon_stop(d);
}

static void
test_passwords(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) set = ctl(t, "set", "Password_1_=" SECRET, NULL);
	g_autoptr(Run) all = NULL;

	assert_run(set, 0);
	assert_get(t, NULL, "Password_1_", "********");
	assert_get(t, NULL, "Password_2_", "");
	all = ctl(t, "get", NULL);
	assert_run(all, 0);
	tr_test_assert_contains(all->out, "\nPassword_1_=********\n");
	g_assert_null(strstr(all->out, SECRET));
	tr_test_daemon_stop(d);
	g_assert_null(strstr(d->out, SECRET));
	g_assert_null(strstr(d->err, SECRET));
}

static void
test_several_devices(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, two_devices);
	g_autoptr(Run) ambiguous = ctl(t, "get", "SIP_Transport_1_", NULL);
	g_autoptr(Run) set_ambiguous = ctl(t, "set", "SIP_Transport_1_=TCP", NULL);
	g_autoptr(Run) missing = ctl(t, "--device", "nosuch", "get", "SIP_Transport_1_", NULL);
	g_autoptr(Run) set = ctl(t, "--device", "desk", "set", "SIP_Transport_4_=TCP", NULL);
	g_autoptr(Run) status = ctl(t, "status", NULL);

	assert_run(ambiguous, 1);
	g_assert_cmpstr(ambiguous->out, ==, "");
	tr_test_assert_contains(ambiguous->err, "--device");
	assert_run(set_ambiguous, 1);
	tr_test_assert_contains(set_ambiguous->err, "--device");
	assert_run(missing, 1);
	tr_test_assert_contains(missing->err, "'nosuch'");

	assert_run(set, 0);
	assert_get(t, "1", "SIP_Transport_4_", "TCP");
	assert_get(t, "desk", "SIP_Transport_4_", "TCP");
	assert_get(t, "0", "SIP_Transport_1_", "UDP");
	assert_get(t, "spa2102", "SIP_Transport_2_", "UDP");

	assert_run(status, 0);
	tr_test_assert_contains(status->out, "Device 1: desk (SPA942)");
	tr_test_assert_contains(status->out, "  Ext 4: enabled, transport TCP\n");
	tr_test_daemon_stop(d);
}

static void
test_factory_reset(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) set = ctl(t, "set", "SIP_Transport_1_=TLS", "Password_1_=" SECRET, NULL);
	g_autoptr(Run) reset = NULL;

	assert_run(set, 0);
	reset = ctl(t, "factory-reset", NULL);
	assert_run(reset, 0);
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	assert_get(t, NULL, "Password_1_", "");
	tr_test_daemon_stop(d);
}

static void
test_not_running(TrTest *t)
{
	g_autofree gchar *absent = g_build_filename(t->dir, "absent", NULL);
	g_autofree gchar *address = g_strdup_printf("unix:path=%s", absent);
	g_autoptr(Run) r = ctl_env(NULL, "--address", address, "status", NULL);
	g_autoptr(Run) get = ctl_env(NULL, "--address", address, "get", NULL);
	g_autoptr(Run) after = NULL;
	TrTestDaemon *d;

	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	tr_test_assert_contains(r->err, "cannot reach tipringd on ");
	tr_test_assert_contains(r->err, absent);
	assert_run(get, 1);
	tr_test_assert_contains(get->err, "cannot reach tipringd");

	/* and once a daemon that ran has stopped */
	d = tr_test_start_p2p_daemon(t, spa2102);
	tr_test_daemon_stop(d);
	after = ctl(t, "status", NULL);
	assert_run(after, 1);
	tr_test_assert_contains(after->err, "cannot reach tipringd");
}

/* without bus options both find the same socket under $XDG_RUNTIME_DIR */
static void
test_default_address(TrTest *t)
{
	g_autofree gchar *runtime = g_build_filename(t->dir, "run", NULL);
	g_autofree gchar *runtime_env = g_strconcat("XDG_RUNTIME_DIR=", runtime, NULL);
	g_autofree gchar *socket = g_build_filename(runtime, "tipring", "tipringd.socket", NULL);
	g_autofree gchar *address = g_strdup_printf("unix:path=%s", socket);
	const gchar *const env[] = {runtime_env, "DBUS_SESSION_BUS_ADDRESS", NULL};
	const gchar *const args[] = {"--state-dir", t->state_dir, "--device", "SPA2102", NULL};
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) after = NULL;
	TrTestDaemon *d;

	g_assert_cmpint(g_mkdir(runtime, 0700), ==, 0);
	d = tr_test_daemon_spawn(t, env, args);
	tr_test_wait_listening(address, d);

	r = ctl_env(env, "status", NULL);
	assert_run(r, 0);
	tr_test_assert_contains(r->out, "Device 0: spa2102 (SPA2102)");
	tr_test_assert_contains(r->out, socket);
	tr_test_daemon_stop(d);
	g_assert_false(g_file_test(socket, G_FILE_TEST_EXISTS));

	after = ctl_env(env, "status", NULL);
	assert_run(after, 1);
	tr_test_assert_contains(after->err, "cannot reach tipringd");
}

/* the mechanism, with a catalogue of our own: TIPRING_LOCALEDIR, LC_ALL=C.UTF-8, LANGUAGE */
static void
test_translation_mechanism(TrTest *t)
{
	g_autofree gchar *localedir = g_build_filename(t->dir, "locale", NULL);
	g_autofree gchar *modir = g_build_filename(localedir, "de", "LC_MESSAGES", NULL);
	g_autofree gchar *po = g_build_filename(t->dir, "de.po", NULL);
	g_autofree gchar *mo = g_build_filename(modir, "tipring.mo", NULL);
	g_autofree gchar *localedir_env = g_strconcat("TIPRING_LOCALEDIR=", localedir, NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	const gchar *const english[] = {"LC_ALL=C.UTF-8", localedir_env, NULL};
	const gchar *const msgfmt[] = {"msgfmt", "-o", mo, po, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) compile = NULL;
	g_autoptr(Run) de = NULL;
	g_autoptr(Run) en = NULL;
	TrTestDaemon *d;

	g_assert_cmpint(g_mkdir_with_parents(modir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(po,
					  "msgid \"\"\n"
					  "msgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
					  "\n" NOTHING_PO,
					  -1, &error));
	g_assert_no_error(error);
	compile = g_subprocess_newv(msgfmt, G_SUBPROCESS_FLAGS_NONE, &error);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_wait_check(compile, NULL, &error));
	g_assert_no_error(error);

	d = tr_test_start_p2p_daemon(t, spa2102);
	de = refused_set(t, german);
	assert_run(de, 1);
	tr_test_assert_contains(de->err, NOTHING_DE);
	en = refused_set(t, english);
	assert_run(en, 1);
	tr_test_assert_contains(en->err, "tipringctl: nothing was changed\n");
	tr_test_daemon_stop(d);
}

/* the project's German catalogue, as built */
static void
test_translation_german(TrTest *t)
{
	g_autofree gchar *localedir_env =
		g_strconcat("TIPRING_LOCALEDIR=", g_getenv("TIPRING_LOCALEDIR"), NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(Run) r = refused_set(t, german);

	assert_run(r, 1);
	tr_test_assert_contains(r->err, NOTHING_DE);
	tr_test_daemon_stop(d);
}

/* profiles */

#define SECRET2 "us3r-pw"

static const gchar *const utf8[] = {"LC_ALL=C.UTF-8", NULL};

/* DIR/NAME with CONTENTS; returns the path */
static gchar *
write_file(TrTest *t, const gchar *name, const gchar *contents)
{
	gchar *path = g_build_filename(t->dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_set_contents(path, contents, -1, &error));
	g_assert_no_error(error);
	return path;
}

/* every parameter as `get` prints it, at ADDRESS, of the only device or of DEVICE */
static gchar *
get_all_at(const gchar *address, const gchar *device)
{
	g_autoptr(Run) r = device != NULL ? ctl_env(NULL, "--address", address, "--device", device,
						    "get", NULL)
					  : ctl_env(NULL, "--address", address, "get", NULL);

	assert_run(r, 0);
	g_assert_cmpstr(r->err, ==, "");
	return g_steal_pointer(&r->out);
}

static const gchar provider_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<prov:config xmlns:prov=\"urn:example:prov\">\n"
	" <flat-profile xmlns=\"http://www.sipura.net/xmlns/flat-profile\">\n"
	"  <SIP_Transport_1_ ua=\"rw\" group=\"Ext_1/SIP_Settings\">TLS</SIP_Transport_1_>\n"
	"  <No_Such_Thing>1</No_Such_Thing>\n" /* line 5 */
	"  <Display_Name_1_> Caf&#xE9; &amp; Bar </Display_Name_1_>\n"
	"  <GPP_B/>\n"
	"  <GPP_A></GPP_A>\n"
	" </flat-profile>\n"
	"</prov:config>\n";

static void
test_profile_import(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "provider.xml", provider_xml);
	g_autofree gchar *base = write_file(t, "base.txt",
					    "# shared by every site\n"
					    "Proxy[1] ! \"base.example.com\" ;\n"
					    "Not_A_Param[2] \"x\" ;\n"
					    "GPP_C ? \"from base\" ;\n");
	g_autofree gchar *site = write_file(t, "site.cfg",
					    "import base.txt\n"
					    "GPP_C \"from site\" ; # the last one wins\n"
					    "Register_Expires[1] ! \"600\" ;\n"
					    "Display_Name[1] \"say \\\"hi\\\"\" ;\n");
	g_autofree gchar *xml_warning =
		g_strdup_printf("tipringctl: warning: %s: line 5, column 3: ", xml);
	g_autofree gchar *text_warning =
		g_strdup_printf("tipringctl: warning: %s: line 3, column 1: ", base);
	g_autoptr(Run) set = ctl(t, "set", "GPP_A=keep-a", "GPP_B=keep-b", NULL);
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) text = NULL;
	g_autoptr(Run) status = NULL;
	g_autoptr(Run) utf8_get = NULL;
	g_auto(GStrv) lines = NULL;

	assert_run(set, 0);
	r = ctl(t, "profile", "import", xml, NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	/* the unknown parameter: a warning with where it is, and nothing else */
	tr_test_assert_contains(r->err, xml_warning);
	tr_test_assert_contains(r->err, "No_Such_Thing");
	lines = g_strsplit(r->err, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 2);
	assert_get(t, NULL, "SIP_Transport_1_", "TLS");
	/* tipringctl prints UTF-8 as such only in a UTF-8 locale */
	utf8_get = ctl_env(utf8, "--address", t->address, "get", "Display_Name_1_", NULL);
	assert_run(utf8_get, 0);
	g_assert_cmpstr(utf8_get->out, ==, "Display_Name_1_=Caf\xc3\xa9 & Bar\n");
	assert_get(t, NULL, "GPP_A", "");
	assert_get(t, NULL, "GPP_B", "keep-b");
	status = ctl(t, "status", NULL);
	assert_run(status, 0);
	tr_test_assert_contains(status->out, "  Line 1: enabled, transport TLS\n");

	/* text, with an import read from beside it */
	text = ctl(t, "profile", "import", site, NULL);
	assert_run(text, 0);
	g_assert_cmpstr(text->out, ==, "");
	tr_test_assert_contains(text->err, text_warning);
	tr_test_assert_contains(text->err, "Not_A_Param_2_");
	assert_get(t, NULL, "Proxy_1_", "base.example.com");
	assert_get(t, NULL, "GPP_C", "from site");
	assert_get(t, NULL, "Register_Expires_1_", "600");
	assert_get(t, NULL, "Display_Name_1_", "say \"hi\"");
	tr_test_daemon_stop(d);
}

static void
test_profile_refused(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autofree gchar *unclosed = write_file(t, "unclosed.xml",
						"<flat-profile>\n"
						"  <Proxy_1_>ok.example.com</Proxy_1_>\n"
						"  <GPP_A>never closed\n"
						"</flat-profile>\n");
	g_autofree gchar *bad_value = write_file(t, "bad-value.xml",
						 "<flat-profile>\n"
						 "  <Proxy_1_>ok.example.com</Proxy_1_>\n"
						 "  <SIP_Transport_1_>FOO</SIP_Transport_1_>\n"
						 "</flat-profile>\n");
	g_autofree gchar *bad_escape = write_file(t, "bad-escape.cfg",
						  "Proxy[1] \"ok.example.com\" ;\n"
						  "GPP_A \"oops \\x\" ;\n");
	g_autofree gchar *missing = g_build_filename(t->dir, "missing.txt", NULL);
	g_autofree gchar *importer = write_file(t, "importer.cfg",
						"Proxy[1] \"ok.example.com\" ;\n"
						"import missing.txt\n");
	g_autofree gchar *absent = g_build_filename(t->dir, "absent.xml", NULL);
	g_autofree gchar *value_where = g_strdup_printf("%s: line 3, column 3: ", bad_value);
	g_autoptr(Run) set = ctl(t, "set", "Display_Name_1_=Front desk", NULL);
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	struct {
		const gchar *path;
		const gchar *needles[4];
	} cases[] = {
		{unclosed, {unclosed, "line 4, column", NULL}},
		{bad_value, {value_where, "SIP_Transport_1_", "'FOO'", "UDP, TCP, TLS"}},
		{bad_escape, {bad_escape, "line 2, column 13", "\\x", NULL}},
		{importer, {importer, "line 2, column 1", missing, NULL}},
	};

	assert_run(set, 0);
	before = get_all_at(t->address, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(Run) r = ctl(t, "profile", "import", cases[i].path, NULL);

		assert_run(r, 1);
		g_assert_cmpstr(r->out, ==, "");
		for (guint j = 0; j < G_N_ELEMENTS(cases[i].needles) && cases[i].needles[j]; j++)
			tr_test_assert_contains(r->err, cases[i].needles[j]);
		g_assert_true(g_str_has_suffix(r->err, "tipringctl: nothing was changed\n"));
		tr_test_assert_lacks(r->err, "warning");
		tr_test_assert_lacks(r->err, "Proxy_1_");
	}
	{
		g_autoptr(Run) r = ctl(t, "profile", "import", absent, NULL);
		assert_run(r, 1);
		tr_test_assert_contains(r->err, absent);
	}
	after = get_all_at(t->address, NULL);
	g_assert_cmpstr(after, ==, before);
	assert_get(t, NULL, "Proxy_1_", "");
	assert_get(t, NULL, "Display_Name_1_", "Front desk");
	tr_test_daemon_stop(d);
}

static void
test_profile_export(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "access.xml",
					   "<flat-profile>\n"
					   "  <SIP_Transport_1_ ua=\"rw\">TCP</SIP_Transport_1_>\n"
					   "  <Connection_Type ua=\"na\"/>\n"
					   "</flat-profile>\n");
	g_autoptr(Run) set = ctl(t, "set", "Password_1_=" SECRET, "User_Password=" SECRET2,
				 "Display_Name_1_=A & B <c>", NULL);
	g_autoptr(Run) import = ctl(t, "profile", "import", xml, NULL);
	g_autoptr(Run) plain = ctl(t, "profile", "export", NULL);
	g_autoptr(Run) admin_xml =
		ctl(t, "--format", "xml", "--level", "admin", "profile", "export", NULL);
	g_autoptr(Run) user_text =
		ctl(t, "profile", "export", "--format", "text", "--level", "user", NULL);
	g_autoptr(Run) admin_text = ctl(t, "profile", "export", "--format", "text", NULL);
	g_autoptr(Run) bad_format = ctl(t, "profile", "export", "--format", "json", NULL);
	g_autoptr(Run) bad_level = ctl(t, "profile", "export", "--level", "root", NULL);

	assert_run(set, 0);
	assert_run(import, 0);
	g_assert_cmpstr(import->err, ==, "");

	/* the default: admin, XML */
	assert_run(plain, 0);
	g_assert_cmpstr(plain->err, ==, "");
	g_assert_true(g_str_has_prefix(plain->out, "<?xml"));
	tr_test_assert_contains(plain->out, "\n<flat-profile>\n");
	tr_test_assert_contains(plain->out, "<Password_1_ ua=\"na\">" SECRET "</Password_1_>\n");
	/* the web login password only as its hash */
	tr_test_assert_contains(plain->out, "<User_Password ua=\"rw\">$pbkdf2-sha256$");
	tr_test_assert_lacks(plain->out, SECRET2);
	tr_test_assert_contains(plain->out, "<SIP_Transport_1_ ua=\"rw\">TCP</SIP_Transport_1_>\n");
	tr_test_assert_contains(plain->out, "<Display_Name_1_ ua=\"na\">A &amp; B &lt;c&gt;</");
	g_assert_true(g_str_has_suffix(plain->out, "</flat-profile>\n"));
	assert_run(admin_xml, 0);
	g_assert_cmpstr(admin_xml->out, ==, plain->out);

	/* user, text: what the user may see, no password text, no hidden parameter */
	assert_run(user_text, 0);
	g_assert_cmpstr(user_text->err, ==, "");
	g_assert_true(g_str_has_prefix(user_text->out, "# "));
	tr_test_assert_lacks(user_text->out, "<");
	tr_test_assert_lacks(user_text->out, SECRET);
	tr_test_assert_lacks(user_text->out, SECRET2);
	tr_test_assert_lacks(user_text->out, "\nPassword[1]");
	tr_test_assert_lacks(user_text->out, "\nConnection_Type");
	tr_test_assert_lacks(user_text->out, "\nDisplay_Name[1]");
	tr_test_assert_contains(user_text->out, "\nUser_Password ! ;\n");
	tr_test_assert_contains(user_text->out, "\nSIP_Transport[1] ! \"TCP\" ;\n");

	assert_run(admin_text, 0);
	tr_test_assert_contains(admin_text->out, "\nPassword[1] \"" SECRET "\" ;\n");
	tr_test_assert_contains(admin_text->out, "\nConnection_Type \"DHCP\" ;\n");
	tr_test_assert_contains(admin_text->out, "\nDisplay_Name[1] \"A & B <c>\" ;\n");

	/* the daemon refuses what it does not know */
	assert_run(bad_format, 1);
	g_assert_cmpstr(bad_format->out, ==, "");
	tr_test_assert_contains(bad_format->err, "'json'");
	assert_run(bad_level, 1);
	g_assert_cmpstr(bad_level->out, ==, "");
	tr_test_assert_contains(bad_level->err, "'root'");
	tr_test_daemon_stop(d);
}

static void
test_profile_usage(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autofree gchar *xml = write_file(t, "p.xml",
					   "<flat-profile><SIP_Transport_1_>TLS</SIP_Transport_1_>"
					   "</flat-profile>\n");
	const gchar *const *wrong[] = {
		(const gchar *const[]){"profile", NULL},
		(const gchar *const[]){"profile", "frobnicate", NULL},
		(const gchar *const[]){"profile", "import", NULL},
		(const gchar *const[]){"profile", "import", xml, xml, NULL},
		(const gchar *const[]){"profile", "export", "xml", NULL},
		(const gchar *const[]){"profile", "export", "import", xml, NULL},
		(const gchar *const[]){"profile", xml, NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(wrong); i++) {
		g_autoptr(GPtrArray) args = g_ptr_array_new();
		g_autoptr(Run) r = NULL;

		g_ptr_array_add(args, "--address");
		g_ptr_array_add(args, t->address);
		for (guint j = 0; wrong[i][j] != NULL; j++)
			g_ptr_array_add(args, (gpointer)wrong[i][j]);
		g_ptr_array_add(args, NULL);
		r = ctl_runv(NULL, (const gchar *const *)args->pdata);
		assert_run(r, 2);
		g_assert_cmpstr(r->out, ==, "");
		tr_test_assert_contains(r->err, "profile import FILE");
		tr_test_assert_contains(r->err, "profile export");
	}
	/* nothing was sent */
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	tr_test_daemon_stop(d);
}

/* tipringctl --address ADDRESS ARGS... in a UTF-8 locale */
static Run *ctl_utf8(const gchar *address, const gchar *first, ...) G_GNUC_NULL_TERMINATED;

static Run *
ctl_utf8(const gchar *address, const gchar *first, ...)
{
	va_list ap;
	Run *r;

	va_start(ap, first);
	r = ctl_va(utf8, address, first, ap);
	va_end(ap);
	return r;
}

/*
 * What one daemon exports, another imports: the same configuration, in
 * both formats, for an ATA and a phone. In a UTF-8 locale, where tipringctl
 * passes UTF-8 through.
 */
static void
test_profile_round_trip(TrTest *t)
{
	g_autofree gchar *other_state = g_build_filename(t->dir, "other", NULL);
	g_autofree gchar *other_socket = g_build_filename(t->dir, "other-sock", NULL);
	g_autofree gchar *other = g_strdup_printf("unix:path=%s", other_socket);
	g_autofree gchar *setup = write_file(
		t, "setup.cfg",
		"SIP_Transport[2] ! \"TLS\" ;\n"
		"Display_Name[1] ? \"a \\\"quoted\\\" \\\\ Caf\xc3\xa9 \xe2\x98\xba\" ;\n"
		"GPP_D ! \"<x & y>\" ;\n"
		"Line_Enable[1] ? \"no\" ;\n"
		"Register_Expires[2] \"90\" ;\n");
	TrTestDaemon *a = tr_test_start_p2p_daemon(t, two_devices);
	TrTestDaemon *b = tr_test_start_p2p_daemon_at(t, other, other_state, two_devices);
	const gchar *const formats[] = {"xml", "text", NULL};
	const gchar *const devices[] = {"0", "desk", NULL};
	g_autoptr(Run) import =
		ctl_utf8(t->address, "--device", "0", "profile", "import", setup, NULL);
	g_autoptr(Run) set = ctl_utf8(t->address, "--device", "desk", "set", "Password_3_=" SECRET,
				      "SIP_Transport_4_=TCP", "GPP_P=Fl\xc3\xbcr", NULL);
	g_autoptr(Run) check = NULL;
	g_autofree gchar *fresh = NULL;
	g_autofree gchar *now = NULL;

	assert_run(import, 0);
	g_assert_cmpstr(import->err, ==, "");
	assert_run(set, 0);
	fresh = get_all_at(other, "0");

	for (guint f = 0; formats[f] != NULL; f++) {
		for (guint i = 0; devices[i] != NULL; i++) {
			g_autofree gchar *name =
				g_strdup_printf("%s-%s.profile", devices[i], formats[f]);
			g_autoptr(Run) exported =
				ctl_utf8(t->address, "--device", devices[i], "profile", "export",
					 "--format", formats[f], NULL);
			g_autoptr(Run) want =
				ctl_utf8(t->address, "--device", devices[i], "get", NULL);
			g_autoptr(Run) reset =
				ctl_utf8(other, "--device", devices[i], "factory-reset", NULL);
			g_autoptr(Run) imported = NULL;
			g_autoptr(Run) got = NULL;
			g_autoptr(Run) again = NULL;
			g_autofree gchar *path = NULL;

			assert_run(exported, 0);
			assert_run(want, 0);
			assert_run(reset, 0);
			path = write_file(t, name, exported->out);
			imported = ctl_utf8(other, "--device", devices[i], "profile", "import",
					    path, NULL);
			assert_run(imported, 0);
			g_assert_cmpstr(imported->err, ==, "");
			got = ctl_utf8(other, "--device", devices[i], "get", NULL);
			assert_run(got, 0);
			g_assert_cmpstr(got->out, ==, want->out);
			/* passwords and user access too: the same profile comes back */
			again = ctl_utf8(other, "--device", devices[i], "profile", "export",
					 "--format", formats[f], NULL);
			assert_run(again, 0);
			g_assert_cmpstr(again->out, ==, exported->out);
		}
	}
	check = ctl_utf8(other, "--device", "0", "get", "Display_Name_1_", NULL);
	assert_run(check, 0);
	g_assert_cmpstr(check->out, ==,
			"Display_Name_1_=a \"quoted\" \\ Caf\xc3\xa9 \xe2\x98\xba\n");
	now = get_all_at(other, "0");
	g_assert_cmpstr(now, !=, fresh);
	tr_test_daemon_stop(b);
	tr_test_daemon_stop(a);
}

/* the refused import, in German: refused here (syntax) and by the daemon (a value) */
static void
test_translation_profile(TrTest *t)
{
	g_autofree gchar *localedir_env =
		g_strconcat("TIPRING_LOCALEDIR=", g_getenv("TIPRING_LOCALEDIR"), NULL);
	const gchar *const german[] = {"LC_ALL=C.UTF-8", "LANGUAGE=de", localedir_env, NULL};
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autofree gchar *syntax = write_file(t, "syntax.xml", "<flat-profile>\n<GPP_A>\n");
	g_autofree gchar *value = write_file(t, "value.cfg", "SIP_Transport[1] \"FOO\" ;\n");
	const gchar *const files[] = {syntax, value, NULL};

	for (guint i = 0; files[i] != NULL; i++) {
		g_autoptr(Run) r = ctl_env(german, "--address", t->address, "profile", "import",
					   files[i], NULL);
		assert_run(r, 1);
		tr_test_assert_contains(r->err, files[i]);
		tr_test_assert_contains(r->err, NOTHING_DE);
		tr_test_assert_lacks(r->err, "nothing was changed\n");
	}
	assert_get(t, NULL, "SIP_Transport_1_", "UDP");
	tr_test_daemon_stop(d);
}

/* remote provisioning: `resync` against an HTTP server of the test's own */

#define RESYNC_FAILED "tipringctl: resync failed: "

static const gchar resync_profile[] = "<flat-profile>\n"
				      "  <GPP_A>from the server</GPP_A>\n"
				      "  <Display_Name_1_>Provisioned</Display_Name_1_>\n"
				      "</flat-profile>\n";

/* the device's MAC, as `status` shows it */
static gchar *
status_mac(TrTest *t)
{
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(GRegex) re = g_regex_new(", MAC ([0-9a-f]{2}(:[0-9a-f]{2}){5}),", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;

	assert_run(r, 0);
	if (!g_regex_match(re, r->out, 0, &match))
		g_printerr("no MAC in:\n%s\n", r->out);
	g_assert_true(g_match_info_matches(match));
	return g_match_info_fetch(match, 1);
}

/*
 * `status`'s provisioning line: "last resync STAMP, OUTCOME\n", STAMP
 * within the last minute; returns what follows the stamp
 */
static gchar *
status_resync(TrTest *t)
{
	g_autoptr(Run) r = ctl(t, "status", NULL);
	g_autoptr(GRegex) re =
		g_regex_new("\n  Provisioning: last resync ([0-9]{4})-([0-9]{2})-([0-9]{2}) "
			    "([0-9]{2}):([0-9]{2}):([0-9]{2}), ([^\n]*)\n",
			    0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	g_autoptr(GDateTime) when = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	gint fields[6];
	GTimeSpan age;

	assert_run(r, 0);
	if (!g_regex_match(re, r->out, 0, &match))
		g_printerr("no resync in:\n%s\n", r->out);
	g_assert_true(g_match_info_matches(match));
	for (guint i = 0; i < 6; i++) {
		g_autofree gchar *field = g_match_info_fetch(match, i + 1);
		fields[i] = atoi(field);
	}
	when = g_date_time_new_local(fields[0], fields[1], fields[2], fields[3], fields[4],
				     fields[5]);
	g_assert_nonnull(when);
	age = g_date_time_difference(now, when);
	g_assert_cmpint(age, >=, 0);
	g_assert_cmpint(age, <, 60 * G_TIME_SPAN_SECOND);
	return g_match_info_fetch(match, 7);
}

static void
test_resync(TrTest *t)
{
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(TrTestHttp) server = tr_test_http_new(NULL);
	g_autofree gchar *mac = status_mac(t);
	g_autofree gchar *digits = tr_test_mac_digits(mac);
	g_autofree gchar *path = g_strdup_printf("/spa%s.xml", digits);
	g_autofree gchar *url = tr_test_http_url(server, "/spa$MA.xml");
	g_autofree gchar *rule = g_strconcat("Profile_Rule=", url, NULL);
	g_autofree gchar *missing = tr_test_http_url(server, "/missing.xml");
	g_autofree gchar *missing_rule = g_strconcat("Profile_Rule=", missing, NULL);
	g_autofree gchar *prefix = g_strdup_printf(RESYNC_FAILED "Profile_Rule %s: ", missing);
	g_autofree gchar *outcome = NULL;
	g_autofree gchar *failed = NULL;
	g_autoptr(Run) set = NULL;
	g_autoptr(Run) r = NULL;
	g_autoptr(Run) refused = NULL;

	tr_test_http_serve(server, path, SOUP_STATUS_OK, resync_profile);
	set = ctl(t, "set", rule, "GPP_A=before", NULL);
	assert_run(set, 0);

	/* success: silent, exit 0, the profile applied */
	r = ctl(t, "resync", NULL);
	assert_run(r, 0);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_cmpstr(r->err, ==, "");
	g_assert_cmpuint(tr_test_http_hits(server, path), >=, 1);
	assert_get(t, NULL, "GPP_A", "from the server");
	assert_get(t, NULL, "Display_Name_1_", "Provisioned");
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, "succeeded");
	g_clear_pointer(&outcome, g_free);

	/* a 404: exit 1, the reason on stderr, nothing changed */
	g_clear_pointer(&set, run_free);
	set = ctl(t, "set", missing_rule, "GPP_A=before", NULL);
	assert_run(set, 0);
	g_clear_pointer(&r, run_free);
	r = ctl(t, "resync", NULL);
	assert_run(r, 1);
	g_assert_cmpstr(r->out, ==, "");
	g_assert_true(g_str_has_prefix(r->err, prefix));
	tr_test_assert_contains(r->err, "404");
	/* one line */
	g_assert_true(strchr(r->err, '\n') == r->err + strlen(r->err) - 1);
	assert_get(t, NULL, "GPP_A", "before");
	/* status says the same */
	failed = g_strdup_printf("failed: %.*s", (int)(strlen(r->err) - strlen(RESYNC_FAILED) - 1),
				 r->err + strlen(RESYNC_FAILED));
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, failed);
	g_clear_pointer(&outcome, g_free);

	/* provisioning disabled: refused, the last outcome kept */
	g_clear_pointer(&set, run_free);
	set = ctl(t, "set", "Provision_Enable=no", rule, NULL);
	assert_run(set, 0);
	refused = ctl(t, "resync", NULL);
	assert_run(refused, 1);
	g_assert_cmpstr(refused->out, ==, "");
	g_assert_true(g_str_has_prefix(refused->err, RESYNC_FAILED));
	tr_test_assert_contains(refused->err, "Provision_Enable");
	assert_get(t, NULL, "GPP_A", "before");
	outcome = status_resync(t);
	g_assert_cmpstr(outcome, ==, failed);
	tr_test_daemon_stop(d);
}

static gboolean
line_registered(gconstpointer data)
{
	TrDbusLine *line = (TrDbusLine *)data;
	const gchar *state = tr_dbus_line_get_registration_state(line);

	/* "failed" stays until the parameters change */
	return g_strcmp0(state, "registered") == 0 || g_strcmp0(state, "failed") == 0;
}

/* as tipringctl prints times */
static gchar *
format_local(gint64 when)
{
	g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(when);
	return g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
}

/* `status` per line: "not registered", then "registered until ..." against sipp */
static void
test_status_registration(TrTest *t)
{
	guint registrar = tr_test_free_udp_port("127.0.0.1");
	guint sip_port = tr_test_free_udp_port("0.0.0.0");
	TrTestDaemon *d = tr_test_start_p2p_daemon(t, spa2102);
	g_autoptr(GDBusConnection) connection = tr_test_connect_p2p(t->address, d);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObjectManager) objects = tr_dbus_object_manager_client_new_sync(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, NULL, ROOT_PATH, NULL, &error);
	g_autoptr(GDBusObject) object = NULL;
	g_autoptr(TrDbusLine) line = NULL;
	g_autoptr(TrTestSipp) ok = NULL;
	g_autoptr(Run) before = ctl(t, "status", NULL);
	g_autoptr(Run) set = NULL;
	g_autoptr(Run) after = NULL;
	g_autofree gchar *proxy = NULL;
	g_autofree gchar *port = NULL;
	g_autofree gchar *until = NULL;
	g_autofree gchar *expected = NULL;

	g_assert_no_error(error);
	object = g_dbus_object_manager_get_object(objects, DEVICE0_PATH "/Line/1");
	g_assert_nonnull(object);
	line = tr_dbus_object_get_line(TR_DBUS_OBJECT(object));
	while (sip_port == registrar)
		sip_port = tr_test_free_udp_port("0.0.0.0");
	proxy = g_strdup_printf("Proxy_1_=127.0.0.1:%u", registrar);
	port = g_strdup_printf("SIP_Port_1_=%u", sip_port);

	assert_run(before, 0);
	tr_test_assert_contains(before->out,
				"  Line 1: enabled, transport UDP\n    not registered\n"
				"  Line 2: enabled, transport UDP\n    not registered\n");
	tr_test_assert_lacks(before->out, "last response");

	/* registered for 120 s; the daemon unregisters when it stops */
	ok = tr_test_sipp_start(t, "ok", tr_test_sipp_ok, registrar);
	set = ctl(t, "set", proxy, "User_ID_1_=1001", port, "Register_Expires_1_=120",
		  "Line_Enable_2_=no", NULL);
	assert_run(set, 0);
	tr_test_wait_until(line_registered, line);
	if (g_strcmp0(tr_dbus_line_get_registration_state(line), "registered") != 0)
		g_printerr("line 1: '%s': %s\n", tr_dbus_line_get_registration_state(line),
			   tr_dbus_line_get_last_error(line));
	g_assert_cmpstr(tr_dbus_line_get_registration_state(line), ==, "registered");
	until = format_local(tr_dbus_line_get_registered_until(line));
	expected = g_strdup_printf("  Line 1: enabled, transport UDP\n"
				   "    registered until %s\n"
				   "    last response: 200 OK\n"
				   "  Line 2: disabled, transport UDP\n"
				   "    not registered\n",
				   until);
	after = ctl(t, "status", NULL);
	assert_run(after, 0);
	g_test_message("status:\n%s", after->out);
	g_assert_cmpstr(after->err, ==, "");
	tr_test_assert_contains(after->out, expected);

	g_clear_object(&line);
	g_clear_object(&object);
	g_clear_object(&objects);
	g_dbus_connection_close_sync(connection, NULL, NULL);
	tr_test_daemon_stop(d);
	tr_test_sipp_assert_passed(ok);
}

/* what some tests need: missing, they fail */

static const gchar *
missing_msgfmt(void)
{
	g_autofree gchar *msgfmt = g_find_program_in_path("msgfmt");
	return msgfmt == NULL ? "msgfmt is not installed" : NULL;
}

static const gchar *
missing_catalogue(void)
{
	const gchar *localedir = g_getenv("TIPRING_LOCALEDIR");
	g_autofree gchar *mo = NULL;

	if (localedir == NULL)
		return "TIPRING_LOCALEDIR is not set";
	mo = g_build_filename(localedir, "de", "LC_MESSAGES", "tipring.mo", NULL);
	return g_file_test(mo, G_FILE_TEST_IS_REGULAR) ? NULL : "no German catalogue was built";
}

static const TrTestCase tests[] = {
	{"/tipringctl/status", test_status, NULL},
	{"/tipringctl/devices", test_devices, NULL},
	{"/tipringctl/get/all", test_get_all, NULL},
	{"/tipringctl/get/names", test_get_names, NULL},
	{"/tipringctl/set/ok", test_set, NULL},
	{"/tipringctl/set/refused", test_set_refused, NULL},
	{"/tipringctl/usage", test_usage, NULL},
	{"/tipringctl/passwords", test_passwords, NULL},
	{"/tipringctl/several-devices", test_several_devices, NULL},
	{"/tipringctl/factory-reset", test_factory_reset, NULL},
	{"/tipringctl/not-running", test_not_running, NULL},
	{"/tipringctl/default-address", test_default_address, NULL},
	{"/tipringctl/translation/mechanism", test_translation_mechanism, missing_msgfmt},
	{"/tipringctl/translation/german", test_translation_german, missing_catalogue},
	{"/tipringctl/profile/import", test_profile_import, NULL},
	{"/tipringctl/profile/refused", test_profile_refused, NULL},
	{"/tipringctl/profile/export", test_profile_export, NULL},
	{"/tipringctl/profile/usage", test_profile_usage, NULL},
	{"/tipringctl/profile/round-trip", test_profile_round_trip, NULL},
	{"/tipringctl/translation/profile", test_translation_profile, missing_catalogue},
	{"/tipringctl/resync", test_resync, NULL},
	{"/tipringctl/registration/status", test_status_registration, tr_test_missing_sipp},
};

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	if (g_getenv("TIPRINGD") == NULL || g_getenv("TIPRINGCTL") == NULL) {
		g_printerr("TIPRINGD and TIPRINGCTL must name the programs to test\n");
		return 1;
	}
	tr_test_add_isolated(tests, G_N_ELEMENTS(tests), "tipring-test-ctl-XXXXXX", TR_TEST_NO_BUS);
	return g_test_run();
}
