/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The harness of the tests that run the real tipringd: each test in a
 * subprocess of its own with a fresh directory (and, if asked, a fresh
 * private session bus) that the parent removes however the test ended;
 * tipringd and sipp spawned with PR_SET_PDEATHSIG, so that they die with the
 * test process and a failed assertion leaves nothing running.
 *
 * Everything here runs in the test's main thread and turns its default main
 * context while it waits; waits give up after TR_TEST_DEADLINE_S.
 */

#define TR_TEST_DEADLINE_S 10
#define TR_TEST_BUS_NAME   "org.tipring.Tipring1"

/* waiting */

typedef gboolean (*TrTestCondition)(gconstpointer data);

/* turns the main context until COND holds or the deadline passes; COND's value */
gboolean tr_test_wait_until(TrTestCondition cond, gconstpointer data);

/* the test's own directory and daemons */

typedef struct {
	gchar *dir;	    /* created and removed by the parent process */
	gchar *state_dir;   /* DIR/state, not created */
	gchar *socket_path; /* DIR/sock */
	gchar *address;	    /* unix:path=DIR/sock */
	GPtrArray *daemons; /* TrTestDaemon, killed after the test's body */
} TrTest;

/*
 * A tipringd. Its stdout and stderr are read to the end by a thread of its
 * own, so that a daemon that writes a lot never blocks on a full pipe while
 * the test waits in a synchronous D-Bus call; the end is reported to the main
 * context, which sets done.
 */
typedef struct {
	GSubprocess *proc;
	gboolean done; /* exited, and its output read to the end */
	gchar *out;    /* what it wrote, once done */
	gchar *err;
	GThread *reader; /* private */
} TrTestDaemon;

/*
 * tipringd -v ARGS..., owned by T; ENV: "NAME=VALUE" sets, "NAME" unsets, or
 * NULL (LC_ALL=C and no LANGUAGE before them). $TIPRINGD names the program.
 */
TrTestDaemon *tr_test_daemon_spawn(TrTest *t, const gchar *const *env, const gchar *const *args);
/* its stderr once done, else "" */
const gchar *tr_test_daemon_stderr(TrTestDaemon *d);
/* whether stdout or stderr has NEEDLE; the daemon must be done */
gboolean tr_test_daemon_output_contains(TrTestDaemon *d, const gchar *needle);
/* waits for the daemon to exit by itself and returns its exit status */
gint tr_test_daemon_wait_exit(TrTestDaemon *d);
/* SIGTERM must end the daemon cleanly */
void tr_test_daemon_stop(TrTestDaemon *d);
/* fails, with what the daemon said, if it has exited */
void tr_test_daemon_assert_alive(TrTestDaemon *d);

/*
 * tipringd -v ARGS..., as tr_test_daemon_spawn(), once it owns
 * TR_TEST_BUS_NAME on BUS (NULL: the session bus); fails if it exits first
 */
TrTestDaemon *tr_test_daemon_spawn_on_bus(TrTest *t, GDBusConnection *bus, const gchar *const *env,
					  const gchar *const *args);
/* tipringd --session --state-dir T's --device D..., once it owns the name; ENV as above */
TrTestDaemon *tr_test_start_session_daemon(TrTest *t, const gchar *const *env,
					   const gchar *const *devices);
/* tipringd --p2p T's address --state-dir T's --device D..., once it listens */
TrTestDaemon *tr_test_start_p2p_daemon(TrTest *t, const gchar *const *devices);
/* the same at ADDRESS with STATE_DIR */
TrTestDaemon *tr_test_start_p2p_daemon_at(TrTest *t, const gchar *address, const gchar *state_dir,
					  const gchar *const *devices);
/* a peer connection to ADDRESS, tried until D listens; fails if D exits */
GDBusConnection *tr_test_connect_p2p(const gchar *address, TrTestDaemon *d);
/* returns once D accepts connections on ADDRESS */
void tr_test_wait_listening(const gchar *address, TrTestDaemon *d);

/* sets LC_ALL=C, unsets LANGUAGE, then applies ENV as tr_test_daemon_spawn() does */
void tr_test_launcher_apply_env(GSubprocessLauncher *launcher, const gchar *const *env);
/* what LAUNCHER spawns dies with this process (PR_SET_PDEATHSIG, SIGTERM) */
void tr_test_launcher_die_with_test(GSubprocessLauncher *launcher);
/* sets *EXITED, from the main context, once PROC has exited */
void tr_test_watch_exit(GSubprocess *proc, gboolean *exited);

/* the runner: every test in a subprocess of its own */

typedef struct {
	const gchar *path;
	void (*body)(TrTest *t);
	const gchar *(*missing)(void); /* what the test needs that is missing here, or NULL */
} TrTestCase;

typedef enum {
	TR_TEST_NO_BUS,
	TR_TEST_SESSION_BUS, /* a GTestDBus of its own for every test */
} TrTestBus;

/*
 * g_test_add() for each case (the program exits with 1 if $TIPRINGD does
 * not name the tipringd to test): the parent makes a directory from
 * DIR_TEMPLATE (g_dir_make_tmp()) and, with TR_TEST_SESSION_BUS, a private
 * session bus, runs the case's body in a subprocess (30 s at most), then
 * takes both down; in the subprocess the body runs, then every daemon left
 * is killed. Call once, after g_test_init().
 */
void tr_test_run_body(void (*body)(TrTest *t));
void tr_test_add_isolated(const TrTestCase *cases, guint n_cases, const gchar *dir_template,
			  TrTestBus bus);

/* removes PATH and everything below it; links are not followed */
void tr_test_remove_tree(const gchar *path);

/*
 * The runner of cases that report: the subprocess's stdout is not shown, so
 * what the body measures (tr_test_note()) and a known bug that it meets
 * (tr_test_incomplete()) go to a report file in its directory, which the
 * parent replays as g_test_message() and g_test_incomplete().
 */

/*
 * A case's test function: in the subprocess, tr_test_run_body(BODY); in the
 * parent, a directory from DIR_TEMPLATE, the subprocess (TIMEOUT_S at most),
 * the report replayed, the directory removed. Its stderr is the test's.
 */
void tr_test_run_reported(void (*body)(TrTest *t), const gchar *dir_template, guint timeout_s);
/* in the body: "# TEXT" to stderr, and TEXT a message of the case */
void tr_test_note(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
/* in the body: "# INCOMPLETE: TEXT" to stderr; the case ends incomplete, saying TEXT */
void tr_test_incomplete(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
/* milliseconds since START_US (g_get_monotonic_time()) */
gdouble tr_test_ms_since(gint64 start_us);

/* ports */

/* a free UDP port on ADDRESS, as the kernel picks them */
guint tr_test_free_udp_port(const gchar *address);
/* a TCP port on ADDRESS that nobody listens on: connections are refused */
guint tr_test_free_tcp_port(const gchar *address);

/* sipp, a SIP registrar that follows a scenario */

/* a scenario's answer: STATUS, then EXTRA headers ("Name: value\n"...) */
#define TR_TEST_SIPP_ANSWER(status, extra)                                                         \
	"  <send>\n"                                                                               \
	"    <![CDATA[\n"                                                                          \
	"SIP/2.0 " status "\n"                                                                     \
	"[last_Via:]\n"                                                                            \
	"[last_From:]\n"                                                                           \
	"[last_To:];tag=[pid]SIPpTag01[call_number]\n"                                             \
	"[last_Call-ID:]\n"                                                                        \
	"[last_CSeq:]\n" extra "Content-Length: 0\n"                                               \
	"\n"                                                                                       \
	"    ]]>\n"                                                                                \
	"  </send>\n"

/* a REGISTER whose Expires header must be EXPIRES, else sipp fails */
#define TR_TEST_SIPP_REGISTER(var, expires)                                                        \
	"  <recv request=\"REGISTER\">\n"                                                          \
	"    <action>\n"                                                                           \
	"      <ereg regexp=\"^ *" expires " *$\" search_in=\"hdr\" header=\"Expires:\"\n"         \
	"            check_it=\"true\" assign_to=\"" var "\"/>\n"                                  \
	"    </action>\n"                                                                          \
	"  </recv>\n"                                                                              \
	"  <Reference variables=\"" var "\"/>\n"

#define TR_TEST_SIPP_SCENARIO(body)                                                                \
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"                                       \
	"<scenario name=\"tipring\">\n" body "</scenario>\n"

/* 200 for 120 s, then 200 for the un-REGISTER */
extern const gchar tr_test_sipp_ok[];

typedef struct {
	GSubprocess *proc;
	gboolean exited;
	gchar *name;
	gchar *messages; /* its log of what it sent and received */
	gchar *screen;	 /* its log of its screen and errors */
} TrTestSipp;

/*
 * sipp as a registrar on 127.0.0.1:PORT for one SCENARIO, once it listens;
 * its scenario and logs in T's directory. It quits by itself after 10 s,
 * failing, if the scenario has not ended by then.
 */
TrTestSipp *tr_test_sipp_start(TrTest *t, const gchar *name, const gchar *scenario, guint port);
/* sipp ends by itself, its scenario played to the end; else its logs are printed */
void tr_test_sipp_assert_passed(TrTestSipp *s);
/* killed if it still runs */
void tr_test_sipp_free(TrTestSipp *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrTestSipp, tr_test_sipp_free)
/* a TrTestCase's missing: sipp */
const gchar *tr_test_missing_sipp(void);

/* string checks that show the text when they fail */
void tr_test_assert_contains(const gchar *haystack, const gchar *needle);
void tr_test_assert_lacks(const gchar *haystack, const gchar *needle);
/* how often NEEDLE stands in HAYSTACK, overlaps counted */
guint tr_test_count_occurrences(const gchar *haystack, const gchar *needle);

G_END_DECLS
