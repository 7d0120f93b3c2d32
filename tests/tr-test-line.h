/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tr-dbus-generated.h"
#include "tr-test-daemon.h"
#include "tr-test-sbc.h"

G_BEGIN_DECLS

/* a device's parameters over D-Bus (SetParameters, GetParameters) */

/* SetParameters of NAME, VALUE, ..., NULL; its result */
gboolean tr_test_try_set_parameters(TrDbusDevice *device, GError **error, const gchar *name,
				    ...) G_GNUC_NULL_TERMINATED;
/* the same, which must succeed */
void tr_test_set_parameters(TrDbusDevice *device, const gchar *name, ...) G_GNUC_NULL_TERMINATED;
/* SetParameters of PAIRS, strings "Name=Value", which must succeed */
void tr_test_set_parameter_pairs(TrDbusDevice *device, GPtrArray *pairs);
/* GetParameters of NAME: its value, the only one returned */
gchar *tr_test_get_parameter(TrDbusDevice *device, const gchar *name);
/* GetParameters of NAME gives EXPECTED; else it says what it gave */
void tr_test_assert_parameter(TrDbusDevice *device, const gchar *name, const gchar *expected);

/*
 * Line 1 of an SPA2102 in a real tipringd, peer to peer at the test's
 * address, watched over D-Bus through the object manager, typically
 * registering through the test SBC (tr-test-sbc.h). The daemon is spawned
 * here, not with tr_test_daemon_spawn(): its stdout and stderr go to a file
 * in the test's directory, so it never blocks on a pipe, and a test can read
 * what it said while it runs. It dies with the test process. For bodies run
 * by tr_test_run_body() (tr_test_run_reported()).
 */
typedef struct {
	TrTest *t;	   /* set by the test before tr_test_line_start_daemon() */
	TrTestSbc *sbc;	   /* the test's SBC, or NULL; freed by tr_test_line_teardown() */
	GSubprocess *d;	   /* tipringd */
	gboolean exited;   /* tipringd has exited */
	gboolean stopping; /* its exit is expected */
	gchar *daemon_log; /* what it wrote */
	guint deadline_ms; /* for its start and its stop */
	GDBusConnection *connection;
	GDBusObjectManager *objects;
	GDBusObject *line_object; /* line 1 of device 0 */
	TrDbusDevice *device;	  /* device 0 */
	TrDbusLine *line;
	guint sip_port; /* line 1's SIP_Port_1_, as the test chooses it */
} TrTestLine;

typedef gboolean (*TrTestLineCondition)(TrTestLine *l, gconstpointer arg);

/*
 * Turns the main context until COND holds or TIMEOUT_MS pass (COND NULL:
 * for the whole time, an observation window), looking every 20 ms; fails,
 * with tipringd's log, if tipringd exits unexpectedly meanwhile. COND's last
 * value.
 */
gboolean tr_test_line_wait(TrTestLine *l, TrTestLineCondition cond, gconstpointer arg,
			   guint timeout_ms);

/*
 * tipringd -v --p2p ADDRESS --state-dir STATE --device SPA2102 ARGS... (ARGS
 * NULL: none) in L's test directory, once it answers on D-Bus (DEADLINE_MS at
 * most): device 0 and its line 1 in L
 */
void tr_test_line_start_daemon(TrTestLine *l, guint deadline_ms, const gchar *const *args);
/* what tipringd wrote so far, to stderr */
void tr_test_line_print_daemon_log(TrTestLine *l);
/* a port free for UDP and TCP on every address, not one of the SBC's nor EXCEPT */
guint tr_test_line_free_sip_port(TrTestLine *l, guint except);
/* SetParameters of "Name=Value" pairs, NULL-terminated, which must succeed */
void tr_test_line_set_params(TrTestLine *l, const gchar *first, ...) G_GNUC_NULL_TERMINATED;
/* D-Bus closed; tipringd stopped with SIGTERM, which must end it cleanly; the SBC freed */
void tr_test_line_stop_daemon(TrTestLine *l, gint signum);
void tr_test_line_teardown(TrTestLine *l);

G_END_DECLS
