/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "tr-registration"

#include "config.h"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
#include <string.h>

#include "tr-device.h"
#include "tr-engine.h"
#include "tr-error.h"
#include "tr-i18n.h"
#include "tr-registration.h"

/*
 * One line's registration, as the SPA does it: one Sofia-SIP agent (nua)
 * per line with exactly one transport, made from the line's parameters and
 * made again whenever one of them changes (the old binding unregistered
 * first). Sofia refreshes a registration by itself; when a REGISTER fails
 * the line waits a jittered, exponentially growing delay bounded by the
 * Reg_Retry_* parameters, so a dead SBC sees no storm and the daemon no
 * busy loop.
 */

#define MAX_AUTH_TRIES	     2
#define UNREGISTER_TIMEOUT_S 2

typedef struct _Agent Agent;

struct _TrRegistration {
	GObject parent_instance;
	TrEngine *engine; /* the engine owns the registration */
	TrLine *line;
	TrStore *store;
	gulong changed_id;
	gboolean started;
	gboolean wanted; /* Unregister() clears it until Register() */

	Agent *agent;	  /* the running one */
	GPtrArray *dying; /* agents unregistering and shutting down */
	gboolean pending; /* bring_up() once the dying agents free the SIP port */
	gchar *config_key;
	guint retry_source;
	guint failures;
	guint attempts;
	TrRegistration *line_1; /* watched while this line waits for it */
	gulong line_1_handler;

	TrRegistrationState state;
	gint64 registered_until;
	gint64 last_registered; /* when the last 2xx to a REGISTER came */
	gint64 next_registration;
	guint last_code;
	gchar *last_phrase;
	gchar *last_error;

	guint keepalives_sent; /* UDP lines: NAT keepalive requests sent */
	guint keepalive_code;  /* and the last answer to one (0: none yet) */
	gchar *keepalive_phrase;
};

struct _Agent {
	TrRegistration *self; /* a reference while the agent lives */
	su_root_t *root;      /* the agent's own, on the engine's main context */
	nua_t *nua;
	nua_handle_t *nh;
	TrTransport *transport;
	guint expires;
	guint auth_tries;
	gboolean registered;
	gboolean dying;
	guint timeout_source;
	gchar *aor;
	gchar *registrar;
	/* UDP lines with NAT_Keep_Alive_Enable: the SPA's keepalive requests */
	guint keepalive_source;
	nua_handle_t *keepalive_nh;
	guint keepalive_auth_tries;
};

G_DEFINE_TYPE(TrRegistration, tr_registration, G_TYPE_OBJECT)

enum {
	PROP_0,
	PROP_STATE,
	PROP_REGISTERED_UNTIL,
	PROP_NEXT_REGISTRATION,
	PROP_LAST_CODE,
	PROP_LAST_PHRASE,
	PROP_LAST_ERROR,
	PROP_LAST_REGISTERED,
	PROP_KEEPALIVES_SENT,
	PROP_KEEPALIVE_CODE,
	PROP_KEEPALIVE_PHRASE,
	N_PROPS
};
static GParamSpec *props[N_PROPS] = {NULL};

static const gchar *state_names[] = {"unregistered", "registering", "registered", "failed",
				     "backoff"};

const gchar *
tr_registration_state_to_string(TrRegistrationState state)
{
	if ((guint)state >= G_N_ELEMENTS(state_names))
		return "unknown";
	return state_names[state];
}

/* the line's own parameter, `Name_N_` */
static const gchar *
line_param(TrRegistration *self, const gchar *base)
{
	g_autofree gchar *name = tr_line_param_name(self->line, base);
	return tr_store_get(self->store, name);
}

static gboolean
line_bool(TrRegistration *self, const gchar *base)
{
	return g_strcmp0(line_param(self, base), "yes") == 0;
}

static void
set_state(TrRegistration *self, TrRegistrationState state)
{
	if (self->state == state)
		return;
	g_debug("line %u: %s -> %s", tr_line_get_index(self->line), state_names[self->state],
		state_names[state]);
	self->state = state;
	if (state != TR_REGISTRATION_REGISTERED && self->registered_until != 0) {
		self->registered_until = 0;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_REGISTERED_UNTIL]);
	}
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
}

static void
set_next(TrRegistration *self, gint64 when)
{
	if (self->next_registration == when)
		return;
	self->next_registration = when;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NEXT_REGISTRATION]);
}

static void
set_response(TrRegistration *self, guint code, const gchar *phrase)
{
	self->last_code = code;
	g_free(self->last_phrase);
	self->last_phrase = g_strdup(phrase != NULL ? phrase : "");
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_CODE]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_PHRASE]);
}

static void
set_error(TrRegistration *self, const gchar *error)
{
	if (g_strcmp0(self->last_error, error) == 0)
		return;
	g_free(self->last_error);
	self->last_error = g_strdup(error != NULL ? error : "");
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_ERROR]);
}

/**
 * tr_registration_backoff_delay:
 * @failures: failed attempts in a row, 1 for the first
 * @retry_intvl: Reg_Retry_Intvl
 * @long_intvl: Reg_Retry_Long_Intvl
 * @cap: Reg_Retry_Intvl_Cap, 0 for none
 * @random_delay: Reg_Retry_Random_Delay
 * @random: a random number
 *
 * Reg_Retry_Intvl, doubled at each failure, never above the cap (or, without
 * one, Reg_Retry_Long_Intvl). Jitter keeps lines and devices from retrying
 * in step: up to Reg_Retry_Random_Delay more, or without it up to a quarter
 * less.
 *
 * Returns: seconds to wait, at least 1
 */
guint
tr_registration_backoff_delay(guint failures, guint retry_intvl, guint long_intvl, guint cap,
			      guint random_delay, guint32 random)
{
	guint64 delay = MAX(retry_intvl, 1);
	guint64 limit = cap > 0 ? cap : MAX(long_intvl, retry_intvl);

	for (guint i = 1; i < failures && delay < limit; i++)
		delay *= 2;
	delay = MIN(delay, MAX(limit, 1));
	if (random_delay > 0)
		delay += random % ((guint64)random_delay + 1);
	else
		delay -= random % (delay / 4 + 1);
	return (guint)MAX(delay, 1);
}

static void agent_free(Agent *agent);
static void apply(TrRegistration *self);
static void bring_up(TrRegistration *self);

static gboolean
destroy_agent_cb(gpointer user_data)
{
	Agent *agent = user_data;
	/* the agent may hold the last reference to the registration */
	g_autoptr(TrRegistration) self = g_object_ref(agent->self);

	g_ptr_array_remove(self->dying, agent);
	/* the old agent's SIP port is free now */
	if (self->pending && self->dying->len == 0) {
		self->pending = FALSE;
		if (self->started && self->agent == NULL)
			bring_up(self);
	}
	return G_SOURCE_REMOVE;
}

static void
stop_keepalives(Agent *agent)
{
	g_clear_handle_id(&agent->keepalive_source, g_source_remove);
	if (agent->keepalive_nh != NULL) {
		nua_handle_destroy(agent->keepalive_nh);
		agent->keepalive_nh = NULL;
	}
}

static void
shutdown_agent(Agent *agent)
{
	g_clear_handle_id(&agent->timeout_source, g_source_remove);
	stop_keepalives(agent);
	if (agent->nh != NULL) {
		nua_handle_destroy(agent->nh);
		agent->nh = NULL;
	}
	nua_shutdown(agent->nua);
}

static gboolean
unregister_timeout_cb(gpointer user_data)
{
	Agent *agent = user_data;
	agent->timeout_source = 0;
	g_debug("line %u: no answer to the un-REGISTER; shutting down",
		tr_line_get_index(agent->self->line));
	shutdown_agent(agent);
	return G_SOURCE_REMOVE;
}

/* the old binding goes first: unregister, then shut the agent down */
static void
retire_agent(TrRegistration *self)
{
	Agent *agent = self->agent;

	g_clear_handle_id(&self->retry_source, g_source_remove);
	if (agent == NULL)
		return;
	self->agent = NULL;
	agent->dying = TRUE;
	stop_keepalives(agent);
	g_ptr_array_add(self->dying, agent);
	if (agent->registered && agent->nh != NULL) {
		nua_unregister(agent->nh, TAG_END());
		agent->timeout_source =
			g_timeout_add_seconds(UNREGISTER_TIMEOUT_S, unregister_timeout_cb, agent);
	} else {
		shutdown_agent(agent);
	}
}

static void
fail(TrRegistration *self, guint retry_after, const gchar *why)
{
	guint delay;

	self->failures++;
	set_error(self, why);
	g_info("line %u: registration failed: %s", tr_line_get_index(self->line), why);
	delay = tr_registration_backoff_delay(
		self->failures, (guint)tr_store_get_int(self->store, "Reg_Retry_Intvl"),
		(guint)tr_store_get_int(self->store, "Reg_Retry_Long_Intvl"),
		(guint)tr_store_get_int(self->store, "Reg_Retry_Intvl_Cap"),
		(guint)tr_store_get_int(self->store, "Reg_Retry_Random_Delay"), g_random_int());
	delay = MAX(delay, retry_after);
	set_state(self, TR_REGISTRATION_BACKOFF);
	set_next(self, g_get_real_time() / G_USEC_PER_SEC + delay);
}

/* a handle Sofia challenged in vain sends nothing more: each attempt gets a
 * new one (on the same agent, so a TLS session is kept) */
static void
register_fresh(Agent *agent)
{
	g_autofree gchar *expires = g_strdup_printf("%u", agent->expires);

	if (agent->nh != NULL)
		nua_handle_destroy(agent->nh);
	agent->nh = nua_handle(agent->nua, NULL, SIPTAG_TO_STR(agent->aor), TAG_END());
	nua_register(agent->nh, NUTAG_REGISTRAR(URL_STRING_MAKE(agent->registrar)),
		     SIPTAG_EXPIRES_STR(expires), TAG_END());
}

static gboolean
retry_cb(gpointer user_data)
{
	TrRegistration *self = user_data;

	self->retry_source = 0;
	if (self->agent == NULL || self->agent->nh == NULL)
		return G_SOURCE_REMOVE;
	self->agent->auth_tries = 0;
	self->attempts++;
	set_state(self, TR_REGISTRATION_REGISTERING);
	register_fresh(self->agent);
	return G_SOURCE_REMOVE;
}

static void
schedule_retry(TrRegistration *self)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gint64 delay = MAX(self->next_registration - now, 1);

	g_clear_handle_id(&self->retry_source, g_source_remove);
	self->retry_source = g_timeout_add_seconds((guint)delay, retry_cb, self);
}

/* the realm of a 401/407 challenge, for nua_authenticate() */
static gchar *
challenge_auth(const sip_t *sip, const gchar *user, const gchar *password)
{
	const msg_auth_t *auth = sip->sip_www_authenticate != NULL ? sip->sip_www_authenticate
								   : sip->sip_proxy_authenticate;
	const gchar *realm = NULL;

	if (auth == NULL || auth->au_scheme == NULL)
		return NULL;
	for (guint i = 0; auth->au_params != NULL && auth->au_params[i] != NULL; i++) {
		if (g_ascii_strncasecmp(auth->au_params[i], "realm=", 6) == 0)
			realm = auth->au_params[i] + 6;
	}
	if (realm == NULL)
		return NULL;
	/* realm keeps its quotes: Sofia's "scheme:"realm":user:password" */
	return g_strdup_printf("%s:%s:%s:%s", auth->au_scheme, realm, user, password);
}

static guint
granted_expires(const sip_t *sip, guint asked)
{
	if (sip != NULL && sip->sip_contact != NULL && sip->sip_contact->m_expires != NULL)
		return (guint)g_ascii_strtoull(sip->sip_contact->m_expires, NULL, 10);
	if (sip != NULL && sip->sip_expires != NULL)
		return (guint)sip->sip_expires->ex_delta;
	return asked;
}

/* a transport that keeps a session (TLS) knows why Sofia's own 503 came */
static gchar *
transport_failure(TrRegistration *self)
{
	GObject *session = g_object_get_data(G_OBJECT(self->line), TR_TRANSPORT_SESSION_KEY);
	g_autofree gchar *state = NULL;
	g_autofree gchar *error = NULL;

	if (session == NULL || g_strcmp0(tr_line_get_transport(self->line), "TLS") != 0)
		return NULL;
	g_object_get(session, "state", &state, "last-error", &error, NULL);
	if (g_strcmp0(state, "failed") != 0 || error == NULL || error[0] == '\0')
		return NULL;
	return g_steal_pointer(&error);
}

/*
 * NAT keepalives of UDP lines, as the SPA sends them: while the line is
 * registered, every NAT_Keep_Alive_Intvl seconds a request from the line's
 * own SIP port, so that a NAT keeps the mapping the registration made.
 * NAT_Keep_Alive_Msg "$NOTIFY" (the default) is a NOTIFY with
 * "Event: keep-alive"; "$REGISTER" a REGISTER without Contact (a query that
 * leaves the binding as it is). NAT_Keep_Alive_Dest "$PROXY" sends to the
 * proxy (through the outbound proxy when the line uses one); another
 * host[:port] gets them directly. TCP and TLS lines send RFC 5626 CRLF
 * keepalives instead (Sofia-SIP's own, and the TLS plugin's).
 */
static void
set_keepalive_response(TrRegistration *self, guint code, const gchar *phrase)
{
	if (self->keepalive_code == code && g_strcmp0(self->keepalive_phrase, phrase) == 0)
		return;
	self->keepalive_code = code;
	g_free(self->keepalive_phrase);
	self->keepalive_phrase = g_strdup(phrase != NULL ? phrase : "");
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_KEEPALIVE_CODE]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_KEEPALIVE_PHRASE]);
}

static void
send_keepalive(Agent *agent)
{
	TrRegistration *self = agent->self;
	const gchar *message = line_param(self, "NAT_Keep_Alive_Msg");
	const gchar *dest = line_param(self, "NAT_Keep_Alive_Dest");
	gboolean notify = message[0] == '\0' || g_ascii_strcasecmp(message, "$NOTIFY") == 0;
	g_autofree gchar *target = NULL;

	if (!notify && g_ascii_strcasecmp(message, "$REGISTER") != 0) {
		g_autofree gchar *why =
			/* TRANSLATORS: %s is the value of NAT_Keep_Alive_Msg */
			g_strdup_printf(_("NAT_Keep_Alive_Msg \"%s\" is not supported: use $NOTIFY "
					  "or $REGISTER"),
					message);
		if (g_strcmp0(why, self->keepalive_phrase) != 0)
			g_message("line %u: %s", tr_line_get_index(self->line), why);
		set_keepalive_response(self, 0, why);
		return;
	}
	if (dest[0] == '\0' || g_ascii_strcasecmp(dest, "$PROXY") == 0)
		target = g_strdup(agent->registrar);
	else
		target = tr_transport_proxy_uri(agent->transport, self->line, dest);

	/* a fresh handle each time: an unanswered one is dropped with it */
	if (agent->keepalive_nh != NULL)
		nua_handle_destroy(agent->keepalive_nh);
	agent->keepalive_nh = nua_handle(agent->nua, NULL, SIPTAG_TO_STR(agent->aor), TAG_END());
	agent->keepalive_auth_tries = 0;
	if (notify)
		nua_method(agent->keepalive_nh, NUTAG_METHOD("NOTIFY"),
			   NUTAG_URL(URL_STRING_MAKE(target)), SIPTAG_EVENT_STR("keep-alive"),
			   TAG_END());
	else
		/* SIP_NONE: no Contact at all, so the binding is only queried */
		nua_method(agent->keepalive_nh, NUTAG_METHOD("REGISTER"),
			   NUTAG_URL(URL_STRING_MAKE(target)), SIPTAG_CONTACT(SIP_NONE), TAG_END());
	self->keepalives_sent++;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_KEEPALIVES_SENT]);
	g_debug("line %u: NAT keepalive %s to %s", tr_line_get_index(self->line),
		notify ? "NOTIFY" : "REGISTER", target);
}

static gboolean
keepalive_cb(gpointer user_data)
{
	Agent *agent = user_data;

	if (agent->registered && !agent->dying)
		send_keepalive(agent);
	return G_SOURCE_CONTINUE;
}

static void
start_keepalives(Agent *agent)
{
	TrRegistration *self = agent->self;
	gint64 interval = tr_store_get_int(self->store, "NAT_Keep_Alive_Intvl");

	if (agent->keepalive_source != 0 || interval <= 0 ||
	    !line_bool(self, "NAT_Keep_Alive_Enable") ||
	    g_strcmp0(tr_transport_get_protocol(agent->transport), "UDP") != 0)
		return;
	agent->keepalive_source =
		g_timeout_add_seconds((guint)MIN(interval, 3600), keepalive_cb, agent);
}

static void
on_keepalive_response(TrRegistration *self, Agent *agent, int status, const char *phrase,
		      const sip_t *sip)
{
	if (status < 200)
		return;
	if ((status == 401 || status == 407) && agent->keepalive_auth_tries == 0) {
		const gchar *user = line_bool(self, "Use_Auth_ID") ? line_param(self, "Auth_ID")
								   : line_param(self, "User_ID");
		g_autofree gchar *auth = challenge_auth(sip, user, line_param(self, "Password"));
		if (auth != NULL) {
			agent->keepalive_auth_tries++;
			nua_authenticate(agent->keepalive_nh, NUTAG_AUTH(auth), TAG_END());
			return;
		}
	}
	set_keepalive_response(self, (guint)status, phrase);
}

static void
on_register(TrRegistration *self, Agent *agent, int status, const char *phrase, const sip_t *sip)
{
	if (status < 200)
		return;
	set_response(self, status, phrase);

	if (status >= 200 && status < 300) {
		guint expires = granted_expires(sip, agent->expires);
		gint64 now = g_get_real_time() / G_USEC_PER_SEC;
		agent->registered = TRUE;
		agent->auth_tries = 0;
		self->failures = 0;
		set_error(self, "");
		set_state(self, TR_REGISTRATION_REGISTERED);
		self->registered_until = now + expires;
		self->last_registered = now;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_REGISTERED_UNTIL]);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_REGISTERED]);
		/* Sofia refreshes a little before the end */
		set_next(self, now + (expires > 60 ? expires - expires / 10 : expires / 2));
		g_info("line %u: registered for %u s", tr_line_get_index(self->line), expires);
		start_keepalives(agent);
		return;
	}
	agent->registered = FALSE;
	if ((status == 401 || status == 407) && agent->auth_tries < MAX_AUTH_TRIES) {
		const gchar *user = line_bool(self, "Use_Auth_ID") ? line_param(self, "Auth_ID")
								   : line_param(self, "User_ID");
		g_autofree gchar *auth = challenge_auth(sip, user, line_param(self, "Password"));
		if (auth != NULL && agent->auth_tries == 0) {
			agent->auth_tries++;
			nua_authenticate(agent->nh, NUTAG_AUTH(auth), TAG_END());
			return;
		}
	}
	if (status == 401 || status == 407) {
		/* TRANSLATORS: the registrar refused the credentials */
		fail(self, 0, _("authentication failed: check User_ID, Auth_ID and Password"));
	} else if (status == 423 && sip != NULL && sip->sip_min_expires != NULL) {
		/* the registrar wants a longer registration: ask again at once */
		agent->expires = (guint)sip->sip_min_expires->me_delta;
		g_info("line %u: 423, registering for %u s", tr_line_get_index(self->line),
		       agent->expires);
		{
			g_autofree gchar *expires = g_strdup_printf("%u", agent->expires);
			nua_register(agent->nh, SIPTAG_EXPIRES_STR(expires), TAG_END());
		}
		return;
	} else {
		guint retry_after = sip != NULL && sip->sip_retry_after != NULL
					    ? (guint)sip->sip_retry_after->af_delta
					    : 0;
		g_autofree gchar *why = NULL;
		g_autofree gchar *transport_error = transport_failure(self);
		if (transport_error != NULL)
			/* TRANSLATORS: %s is the transport's reason, e.g. "issuer is unknown" */
			why = g_strdup_printf(_("no connection to the proxy: %s"), transport_error);
		else if (status >= 900 || (status == 503 && sip == NULL))
			/* TRANSLATORS: %s is Sofia-SIP's reason, e.g. a TLS error */
			why = g_strdup_printf(_("no connection to the proxy: %s"), phrase);
		else
			/* TRANSLATORS: a SIP response code and its phrase */
			why = g_strdup_printf(_("the registrar answered %d %s"), status, phrase);
		fail(self, retry_after, why);
	}
	schedule_retry(self);
}

static void
agent_callback(nua_event_t event, int status, char const *phrase, nua_t *nua, nua_magic_t *magic,
	       nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
	Agent *agent = (Agent *)magic;
	TrRegistration *self = agent->self;

	switch (event) {
	case nua_r_register:
		if (!agent->dying)
			on_register(self, agent, status, phrase, sip);
		break;
	case nua_r_method:
		if (nh == agent->keepalive_nh && !agent->dying)
			on_keepalive_response(self, agent, status, phrase, sip);
		break;
	case nua_r_unregister:
		if (status >= 200) {
			agent->registered = FALSE;
			if (agent->dying)
				shutdown_agent(agent);
			else if (self->agent == agent)
				set_response(self, status, phrase);
		}
		break;
	case nua_r_shutdown:
		if (status >= 200) {
			/* never from inside Sofia's own callback */
			g_idle_add(destroy_agent_cb, agent);
		}
		break;
	case nua_i_error:
		g_info("line %u: Sofia-SIP error %d %s", tr_line_get_index(self->line), status,
		       phrase);
		break;
	default:
		break;
	}
}

static void
agent_free(Agent *agent)
{
	g_clear_handle_id(&agent->timeout_source, g_source_remove);
	stop_keepalives(agent);
	if (agent->nh != NULL)
		nua_handle_destroy(agent->nh);
	if (agent->nua != NULL)
		nua_destroy(agent->nua);
	agent->nh = NULL;
	tr_engine_free_su_root(agent->root);
	if (agent->transport != NULL) {
		tr_transport_line_detach(agent->transport, agent->self->line);
		g_object_unref(agent->transport);
	}
	g_object_unref(agent->self);
	g_free(agent->aor);
	g_free(agent->registrar);
	g_free(agent);
}

/* what the agent is made of: a change rebuilds it */
static gchar *
config_key(TrRegistration *self)
{
	const gchar *names[] = {"SIP_Transport",
				"SIP_Port",
				"Proxy",
				"Outbound_Proxy",
				"Use_Outbound_Proxy",
				"User_ID",
				"Use_Auth_ID",
				"Auth_ID",
				"Password",
				"Display_Name",
				"Register_Expires",
				"TLS_Minimum_Version",
				"TLS_Verify_Server",
				"TLS_Server_Name",
				"TLS_Client_Certificate",
				"NAT_Keep_Alive_Enable"};
	/* the device's own, that TLS lines use */
	const gchar *globals[] = {"Custom_CA_File", "Device_Certificate_File",
				  "Device_Private_Key_File", "NAT_Keep_Alive_Intvl"};
	GString *key = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_string_append(key, line_param(self, names[i]));
		g_string_append_c(key, '\n');
	}
	for (guint i = 0; i < G_N_ELEMENTS(globals); i++) {
		g_string_append(key, tr_store_get(self->store, globals[i]));
		g_string_append_c(key, '\n');
	}
	return g_string_free(key, FALSE);
}

static gboolean
should_register(TrRegistration *self)
{
	const gchar *proxy = line_param(self, "Proxy");
	return self->wanted && line_bool(self, "Line_Enable") && line_bool(self, "Register") &&
	       proxy != NULL && proxy[0] != '\0';
}

/* Proxy "host[:port]": the address-of-record's host has no port */
static gchar *
proxy_host(const gchar *proxy)
{
	if (proxy[0] == '[') {
		const gchar *close = strchr(proxy, ']');
		return close != NULL ? g_strndup(proxy, close - proxy + 1) : g_strdup(proxy);
	}
	return g_strndup(proxy, strcspn(proxy, ":"));
}

/* a transport plugin that loaded but would not start says why */
static const gchar *
disabled_transport_reason(TrRegistration *self, const gchar *protocol)
{
	GPtrArray *records = tr_engine_get_plugin_records(self->engine);

	for (guint i = 0; i < records->len; i++) {
		TrPluginRecord *record = g_ptr_array_index(records, i);
		if (record->state == TR_PLUGIN_STATE_DISABLED && record->plugin != NULL &&
		    TR_IS_TRANSPORT(record->plugin) &&
		    g_ascii_strcasecmp(tr_transport_get_protocol(TR_TRANSPORT(record->plugin)),
				       protocol) == 0)
			return record->error;
	}
	return NULL;
}

static void
bring_up(TrRegistration *self)
{
	const gchar *protocol = line_param(self, "SIP_Transport");
	const gchar *user = line_param(self, "User_ID");
	const gchar *display = line_param(self, "Display_Name");
	const gchar *proxy = line_param(self, "Proxy");
	TrTransport *transport = tr_engine_find_transport(self->engine, protocol);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *bind = NULL;
	g_autofree gchar *registrar = NULL;
	g_autofree gchar *outbound = NULL;
	g_autofree gchar *host = proxy_host(proxy);
	g_autofree gchar *aor = NULL;
	g_autofree gchar *from = NULL;
	Agent *agent;
	guint keepalive_ms =
		(guint)MIN(tr_store_get_int(self->store, "NAT_Keep_Alive_Intvl"), 3600) * 1000;

	self->attempts++;
	set_state(self, TR_REGISTRATION_REGISTERING);
	if (transport == NULL) {
		const gchar *disabled = disabled_transport_reason(self, protocol);
		g_autofree gchar *why =
			disabled != NULL
				/* TRANSLATORS: UDP, TCP or TLS, then why the plugin is off */
				? g_strdup_printf(_("the transport plugin for %s is disabled: %s"),
						  protocol, disabled)
				/* TRANSLATORS: %s is UDP, TCP or TLS */
				: g_strdup_printf(_("no transport plugin for %s is loaded"),
						  protocol);
		set_error(self, why);
		set_state(self, TR_REGISTRATION_FAILED);
		set_next(self, 0);
		g_message("line %u: %s", tr_line_get_index(self->line), why);
		return;
	}
	if (!tr_transport_line_attach(transport, self->line, &error)) {
		set_error(self, error->message);
		set_state(self, TR_REGISTRATION_FAILED);
		set_next(self, 0);
		g_message("line %u: %s: %s", tr_line_get_index(self->line),
			  tr_plugin_get_name(TR_PLUGIN(transport)), error->message);
		return;
	}

	agent = g_new0(Agent, 1);
	agent->self = g_object_ref(self);
	agent->transport = g_object_ref(transport);
	agent->expires = (guint)g_ascii_strtoull(line_param(self, "Register_Expires"), NULL, 10);
	bind = tr_transport_bind_url(
		transport, self->line,
		(guint)g_ascii_strtoull(line_param(self, "SIP_Port"), NULL, 10));
	registrar = tr_transport_proxy_uri(transport, self->line, proxy);
	if (line_bool(self, "Use_Outbound_Proxy") && line_param(self, "Outbound_Proxy")[0] != '\0')
		outbound = tr_transport_proxy_uri(transport, self->line,
						  line_param(self, "Outbound_Proxy"));
	aor = g_strdup_printf("%s:%s@%s", g_str_has_prefix(registrar, "sips:") ? "sips" : "sip",
			      user, host);
	from = display[0] != '\0' ? g_strdup_printf("\"%s\" <%s>", display, aor) : g_strdup(aor);

	/* a root (and GSource) per agent: Sofia's costs per descriptor grow with
	 * the descriptors of its root, not with those of every line */
	agent->root = tr_engine_new_su_root(self->engine, (su_root_magic_t *)agent);
	if (agent->root != NULL)
		agent->nua = nua_create(
			agent->root, agent_callback, (nua_magic_t *)agent, NUTAG_URL(bind),
			SIPTAG_FROM_STR(from), NUTAG_M_USERNAME(user),
			/* no SDP engine until the media plugin brings calls */
			NUTAG_MEDIA_ENABLE(0),
			/* no OPTIONS of Sofia's own to the registrar's port 5060 */
			NUTAG_OUTBOUND("no-options-keepalive, no-validate"),
			/* a 5xx with Retry-After is a failure to back off from, not
			 * something Sofia retries by itself while the line says
			 * "registering" */
			NUTAG_MAX_RETRY_AFTER(0),
			NUTAG_M_DISPLAY(display[0] != '\0' ? display : NULL),
			TAG_IF(outbound != NULL, NUTAG_PROXY(URL_STRING_MAKE(outbound))),
			/* RFC 5626 CRLF keepalives on the TCP connection (TLS: the plugin's own) */
			TAG_IF(g_strcmp0(protocol, "TCP") == 0 &&
				       line_bool(self, "NAT_Keep_Alive_Enable"),
			       TPTAG_KEEPALIVE(keepalive_ms)),
			/* what the transport adds for this line (TLS: its session) */
			TAG_NEXT(g_object_get_data(G_OBJECT(self->line),
						   TR_TRANSPORT_NUA_TAGS_KEY)));
	if (agent->nua == NULL) {
		g_autofree gchar *why =
			/* TRANSLATORS: %s is a SIP URL such as sip:*:5060;transport=udp */
			g_strdup_printf(_("cannot listen on %s (is the SIP_Port in use?)"), bind);
		agent_free(agent);
		set_error(self, why);
		set_state(self, TR_REGISTRATION_FAILED);
		set_next(self, 0);
		g_message("line %u: %s", tr_line_get_index(self->line), why);
		return;
	}
	self->agent = agent;
	agent->aor = g_strdup(aor);
	agent->registrar = g_strdup(registrar);
	g_info("line %u: registering %s at %s over %s", tr_line_get_index(self->line), aor,
	       registrar, protocol);
	register_fresh(agent);
}

static void
line_1_changed_cb(TrRegistration *line_1, GParamSpec *pspec, TrRegistration *self)
{
	apply(self);
}

/*
 * The SPA's rule: with two TLS lines, line 2 starts its session only once
 * line 1's is up. On the ATAs it is TLS_Wait_For_Line_1, on by default.
 */
static gboolean
must_wait_for_line_1(TrRegistration *self)
{
	TrDevice *device = tr_line_get_device(self->line);
	TrLine *first = tr_device_get_line(device, 1);
	TrStore *store = self->store;
	gboolean wait;

	wait = tr_line_get_index(self->line) > 1 && first != NULL &&
	       tr_store_get_bool(store, "TLS_Wait_For_Line_1") &&
	       g_strcmp0(line_param(self, "SIP_Transport"), "TLS") == 0 &&
	       g_strcmp0(tr_store_get(store, "SIP_Transport_1_"), "TLS") == 0 &&
	       tr_store_get_bool(store, "Line_Enable_1_") &&
	       tr_store_get_bool(store, "Register_1_") &&
	       tr_store_get(store, "Proxy_1_")[0] != '\0';
	if (wait && self->line_1 == NULL) {
		self->line_1 = tr_engine_get_registration(self->engine, first);
		if (self->line_1 != NULL)
			self->line_1_handler = g_signal_connect(
				self->line_1, "notify::state", G_CALLBACK(line_1_changed_cb), self);
	}
	return wait && self->line_1 != NULL &&
	       tr_registration_get_state(self->line_1) != TR_REGISTRATION_REGISTERED;
}

/* follow the parameters: keep, rebuild or retire the agent */
static void
apply(TrRegistration *self)
{
	g_autofree gchar *key = NULL;

	if (!self->started)
		return;
	if (!should_register(self)) {
		g_clear_pointer(&self->config_key, g_free);
		self->pending = FALSE;
		retire_agent(self);
		set_next(self, 0);
		set_state(self, TR_REGISTRATION_UNREGISTERED);
		return;
	}
	key = config_key(self);
	if (self->agent != NULL && g_strcmp0(key, self->config_key) == 0)
		return;
	if (must_wait_for_line_1(self)) {
		g_clear_pointer(&self->config_key, g_free);
		retire_agent(self);
		set_next(self, 0);
		/* TRANSLATORS: the SPA's rule for TLS lines; see TLS_Wait_For_Line_1 */
		set_error(self, _("waiting for line 1's TLS session (TLS_Wait_For_Line_1)"));
		set_state(self, TR_REGISTRATION_REGISTERING);
		return;
	}
	retire_agent(self);
	g_free(self->config_key);
	self->config_key = g_steal_pointer(&key);
	self->failures = 0;
	if (self->dying->len > 0) {
		/* an old agent still holds the SIP port until it has shut down */
		self->pending = TRUE;
		set_next(self, 0);
		set_state(self, TR_REGISTRATION_REGISTERING);
		return;
	}
	bring_up(self);
}

static void
store_changed_cb(TrStore *store, const gchar *const *names, TrRegistration *self)
{
	apply(self);
}

TrRegistration *
tr_registration_new(TrEngine *engine, TrLine *line)
{
	TrRegistration *self;

	g_return_val_if_fail(TR_IS_LINE(line), NULL);

	self = g_object_new(TR_TYPE_REGISTRATION, NULL);
	self->engine = engine;
	self->line = g_object_ref(line);
	self->store = g_object_ref(tr_device_get_store(tr_line_get_device(line)));
	return self;
}

void
tr_registration_start(TrRegistration *self)
{
	g_return_if_fail(TR_IS_REGISTRATION(self));
	if (self->started)
		return;
	self->started = TRUE;
	self->changed_id =
		g_signal_connect(self->store, "changed", G_CALLBACK(store_changed_cb), self);
	apply(self);
}

/**
 * tr_registration_stop:
 *
 * Unregisters and shuts the agent down; tr_registration_is_stopped() says
 * when that is done.
 */
void
tr_registration_stop(TrRegistration *self)
{
	g_return_if_fail(TR_IS_REGISTRATION(self));
	if (self->changed_id != 0)
		g_signal_handler_disconnect(self->store, self->changed_id);
	self->changed_id = 0;
	self->started = FALSE;
	self->pending = FALSE;
	if (self->line_1 != NULL && self->line_1_handler != 0)
		g_signal_handler_disconnect(self->line_1, self->line_1_handler);
	self->line_1 = NULL;
	self->line_1_handler = 0;
	g_clear_pointer(&self->config_key, g_free);
	retire_agent(self);
	set_state(self, TR_REGISTRATION_UNREGISTERED);
	set_next(self, 0);
}

gboolean
tr_registration_is_stopped(TrRegistration *self)
{
	g_return_val_if_fail(TR_IS_REGISTRATION(self), TRUE);
	return self->agent == NULL && self->dying->len == 0;
}

/* D-Bus Register(): now, whatever the back-off says */
void
tr_registration_register(TrRegistration *self)
{
	g_return_if_fail(TR_IS_REGISTRATION(self));
	self->wanted = TRUE;
	g_clear_pointer(&self->config_key, g_free);
	apply(self);
}

/* D-Bus Unregister(): until Register() or the next restart */
void
tr_registration_unregister(TrRegistration *self)
{
	g_return_if_fail(TR_IS_REGISTRATION(self));
	self->wanted = FALSE;
	apply(self);
}

TrLine *
tr_registration_get_line(TrRegistration *self)
{
	return self->line;
}

TrRegistrationState
tr_registration_get_state(TrRegistration *self)
{
	return self->state;
}

gint64
tr_registration_get_registered_until(TrRegistration *self)
{
	return self->registered_until;
}

/**
 * tr_registration_get_last_registered:
 *
 * Returns: when the SBC last accepted a REGISTER of this line (Unix seconds),
 *   0 if it never did
 */
gint64
tr_registration_get_last_registered(TrRegistration *self)
{
	return self->last_registered;
}

gint64
tr_registration_get_next_registration(TrRegistration *self)
{
	return self->next_registration;
}

guint
tr_registration_get_last_code(TrRegistration *self)
{
	return self->last_code;
}

const gchar *
tr_registration_get_last_phrase(TrRegistration *self)
{
	return self->last_phrase;
}

const gchar *
tr_registration_get_last_error(TrRegistration *self)
{
	return self->last_error;
}

guint
tr_registration_get_attempts(TrRegistration *self)
{
	return self->attempts;
}

/**
 * tr_registration_get_keepalives_sent:
 *
 * Returns: the NAT keepalive requests a UDP line has sent (NAT_Keep_Alive_Msg)
 */
guint
tr_registration_get_keepalives_sent(TrRegistration *self)
{
	return self->keepalives_sent;
}

/**
 * tr_registration_get_keepalive_code:
 * @phrase: (out) (optional) (transfer none): its phrase, or why no keepalive
 *   could be sent when the code is 0
 *
 * Returns: the status code of the last answer to a NAT keepalive, 0 if none
 */
guint
tr_registration_get_keepalive_code(TrRegistration *self, const gchar **phrase)
{
	if (phrase != NULL)
		*phrase = self->keepalive_phrase;
	return self->keepalive_code;
}

static void
tr_registration_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	TrRegistration *self = TR_REGISTRATION(object);
	switch (prop_id) {
	case PROP_STATE:
		g_value_set_uint(value, self->state);
		break;
	case PROP_REGISTERED_UNTIL:
		g_value_set_int64(value, self->registered_until);
		break;
	case PROP_NEXT_REGISTRATION:
		g_value_set_int64(value, self->next_registration);
		break;
	case PROP_LAST_CODE:
		g_value_set_uint(value, self->last_code);
		break;
	case PROP_LAST_PHRASE:
		g_value_set_string(value, self->last_phrase);
		break;
	case PROP_LAST_ERROR:
		g_value_set_string(value, self->last_error);
		break;
	case PROP_LAST_REGISTERED:
		g_value_set_int64(value, self->last_registered);
		break;
	case PROP_KEEPALIVES_SENT:
		g_value_set_uint(value, self->keepalives_sent);
		break;
	case PROP_KEEPALIVE_CODE:
		g_value_set_uint(value, self->keepalive_code);
		break;
	case PROP_KEEPALIVE_PHRASE:
		g_value_set_string(value, self->keepalive_phrase);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
tr_registration_finalize(GObject *object)
{
	TrRegistration *self = TR_REGISTRATION(object);

	g_clear_handle_id(&self->retry_source, g_source_remove);
	g_ptr_array_unref(self->dying);
	g_object_unref(self->store);
	g_object_unref(self->line);
	g_free(self->config_key);
	g_free(self->last_phrase);
	g_free(self->last_error);
	g_free(self->keepalive_phrase);
	G_OBJECT_CLASS(tr_registration_parent_class)->finalize(object);
}

static void
tr_registration_class_init(TrRegistrationClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = tr_registration_get_property;
	object_class->finalize = tr_registration_finalize;

	props[PROP_STATE] = g_param_spec_uint("state", NULL, NULL, 0, TR_REGISTRATION_BACKOFF, 0,
					      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_REGISTERED_UNTIL] =
		g_param_spec_int64("registered-until", NULL, NULL, 0, G_MAXINT64, 0,
				   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_NEXT_REGISTRATION] =
		g_param_spec_int64("next-registration", NULL, NULL, 0, G_MAXINT64, 0,
				   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_CODE] = g_param_spec_uint("last-code", NULL, NULL, 0, 999, 0,
						  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_PHRASE] = g_param_spec_string("last-phrase", NULL, NULL, "",
						      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_ERROR] = g_param_spec_string("last-error", NULL, NULL, "",
						     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_REGISTERED] =
		g_param_spec_int64("last-registered", NULL, NULL, 0, G_MAXINT64, 0,
				   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_KEEPALIVES_SENT] =
		g_param_spec_uint("keepalives-sent", NULL, NULL, 0, G_MAXUINT, 0,
				  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_KEEPALIVE_CODE] = g_param_spec_uint("keepalive-code", NULL, NULL, 0, 999, 0,
						       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_KEEPALIVE_PHRASE] = g_param_spec_string(
		"keepalive-phrase", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, props);
}

static void
tr_registration_init(TrRegistration *self)
{
	self->wanted = TRUE;
	self->last_phrase = g_strdup("");
	self->last_error = g_strdup("");
	self->keepalive_phrase = g_strdup("");
	self->dying = g_ptr_array_new_with_free_func((GDestroyNotify)agent_free);
}
