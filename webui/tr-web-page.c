/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <sofia-sip/sip_status.h>
#include <string.h>

#include "tr-web-netinfo.h"
#include "tr-web-private.h"
#include "tr-web-template.h"

/*
 * The pages. Every text goes through the request's catalogue; every value
 * through tr_web_append_escaped(). What a page shows follows the store's user
 * access of each parameter, and the server checks the same rules again on
 * every POST (tr-web-server.c): hiding is not the protection.
 */

#define esc tr_web_append_escaped

static void
tr_web_section_free(TrWebSection *section)
{
	g_free(section->id);
	g_free(section->label);
	g_ptr_array_unref(section->params);
	g_free(section);
}

static void
tr_web_tab_free(TrWebTab *tab)
{
	g_free(tab->key);
	g_free(tab->id);
	g_ptr_array_unref(tab->sections);
	g_free(tab);
}

static TrWebTab *
find_tab(GPtrArray *tabs, const gchar *key)
{
	for (guint i = 0; i < tabs->len; i++) {
		TrWebTab *tab = g_ptr_array_index(tabs, i);
		if (g_strcmp0(tab->key, key) == 0)
			return tab;
	}
	return NULL;
}

/**
 * tr_web_tabs_build:
 *
 * The device's tabs in the order of its model's web_tabs, each with the
 * sections of the schema in schema order. A tab of per-line parameters
 * becomes one tab per line ("Line_1", "User_1"...).
 *
 * Returns: (transfer full) (element-type TrWebTab): the tabs
 */
GPtrArray *
tr_web_tabs_build(TrDevice *device)
{
	const TrModel *model = tr_device_get_model(device);
	GPtrArray *params = tr_schema_get_params(tr_store_get_schema(tr_device_get_store(device)));
	GPtrArray *tabs = g_ptr_array_new_with_free_func((GDestroyNotify)tr_web_tab_free);

	for (guint t = 0; model->web_tabs != NULL && model->web_tabs[t] != NULL; t++) {
		const gchar *id = model->web_tabs[t];
		if (g_strcmp0(id, "Info") == 0) {
			TrWebTab *tab = g_new0(TrWebTab, 1);
			tab->key = g_strdup("Info");
			tab->id = g_strdup("Info");
			tab->sections =
				g_ptr_array_new_with_free_func((GDestroyNotify)tr_web_section_free);
			g_ptr_array_add(tabs, tab);
			continue;
		}
		/* lines in order (the schema may list them per parameter); the
		 * PSTN line of the SPA3102 is numbered after the last line */
		guint max_index = 0;
		for (guint i = 0; i < params->len; i++) {
			TrParam *param = g_ptr_array_index(params, i);
			if (g_strcmp0(param->tab, id) == 0)
				max_index = MAX(max_index, param->index);
		}
		for (guint index = 0; index <= max_index; index++) {
			for (guint i = 0; i < params->len; i++) {
				TrParam *param = g_ptr_array_index(params, i);
				g_autofree gchar *key = NULL;
				TrWebTab *tab;
				TrWebSection *section = NULL;

				if (g_strcmp0(param->tab, id) != 0 || param->index != index)
					continue;
				key = index > 0 && g_strcmp0(id, "PSTN") != 0
					      ? g_strdup_printf("%s_%u", id, index)
					      : g_strdup(id);
				tab = find_tab(tabs, key);
				if (tab == NULL) {
					tab = g_new0(TrWebTab, 1);
					tab->key = g_steal_pointer(&key);
					tab->id = g_strdup(id);
					tab->index = index;
					tab->sections = g_ptr_array_new_with_free_func(
						(GDestroyNotify)tr_web_section_free);
					g_ptr_array_add(tabs, tab);
				}
				for (guint s = 0; s < tab->sections->len; s++) {
					TrWebSection *candidate =
						g_ptr_array_index(tab->sections, s);
					if (g_strcmp0(candidate->id, param->section) == 0)
						section = candidate;
				}
				if (section == NULL) {
					section = g_new0(TrWebSection, 1);
					section->id = g_strdup(param->section);
					section->label = g_strdup(param->section_label);
					section->params = g_ptr_array_new_with_free_func(
						(GDestroyNotify)tr_param_unref);
					g_ptr_array_add(tab->sections, section);
				}
				g_ptr_array_add(section->params, tr_param_ref(param));
			}
		}
	}
	return tabs;
}

gboolean
tr_web_param_visible(TrWebRequest *r, const TrParam *param)
{
	if (!r->advanced && param->view != TR_VIEW_BASIC)
		return FALSE;
	if (r->level == TR_WEB_LEVEL_ADMIN)
		return TRUE;
	return r->level == TR_WEB_LEVEL_USER &&
	       tr_store_get_access(r->store, param->name) != TR_ACCESS_NA;
}

/* what a POST may change: the server's rule, whatever the page showed */
gboolean
tr_web_param_writable(TrWebRequest *r, const TrParam *param)
{
	if (r->level == TR_WEB_LEVEL_ADMIN)
		return TRUE;
	return r->level == TR_WEB_LEVEL_USER &&
	       tr_store_get_access(r->store, param->name) == TR_ACCESS_RW;
}

gboolean
tr_web_tab_visible(TrWebRequest *r, const TrWebTab *tab)
{
	if (g_strcmp0(tab->id, "Info") == 0)
		return TRUE;
	/* the Provisioning tab only in the admin's advanced view, as on the SPA */
	if (g_strcmp0(tab->id, "Provisioning") == 0 &&
	    !(r->level == TR_WEB_LEVEL_ADMIN && r->advanced))
		return FALSE;
	for (guint s = 0; s < tab->sections->len; s++) {
		TrWebSection *section = g_ptr_array_index(tab->sections, s);
		for (guint i = 0; i < section->params->len; i++) {
			if (tr_web_param_visible(r, g_ptr_array_index(section->params, i)))
				return TRUE;
		}
	}
	return FALSE;
}

static gchar *
tab_title(TrWebRequest *r, const TrWebTab *tab)
{
	const TrModel *model = tr_device_get_model(r->device);
	/* the line tabs are "Ext N" on the phones */
	const gchar *id =
		g_strcmp0(tab->id, "Line") == 0 ? tr_model_get_line_label(model) : tab->id;
	const gchar *label = tr_catalog_get_tab_label(r->catalog, id);

	if (tab->index > 0 && g_strcmp0(tab->id, "PSTN") != 0)
		return g_strdup_printf("%s %u", label, tab->index);
	return g_strdup(label);
}

static GBytes *
resource(const gchar *name)
{
	g_autofree gchar *path = g_strconcat("/org/tipring/webui/", name, NULL);
	g_autoptr(GError) error = NULL;
	GBytes *bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

	if (bytes == NULL)
		g_error("webui resource %s: %s", path, error->message);
	return bytes;
}

/* the header's links: views, the other account, log out */
static void
append_links(TrWebRequest *r, GString *out)
{
	gboolean admin = r->level == TR_WEB_LEVEL_ADMIN;
	const gchar *base = admin ? "/admin/" : "/";
	const gchar *advanced = admin ? "/admin/advanced" : "/advanced";

	g_string_append_printf(out, "<a href=\"%s\"%s>", base,
			       r->advanced ? "" : " aria-current=\"page\"");
	esc(out, W(r, N_("basic")));
	g_string_append_printf(out, "</a><a href=\"%s\"%s>", advanced,
			       r->advanced ? " aria-current=\"page\"" : "");
	esc(out, W(r, N_("advanced")));
	g_string_append(out, "</a>");
	if (admin) {
		g_string_append(out, "<a href=\"/\">");
		esc(out, W(r, N_("User Login")));
	} else {
		g_string_append(out, "<a href=\"/admin/\">");
		esc(out, W(r, N_("Admin Login")));
	}
	g_string_append(out, "</a>");
	if (r->session != NULL && r->session->level != TR_WEB_LEVEL_NONE) {
		g_string_append(out, "<form method=\"post\" action=\"/logout\" class=\"inline\">"
				     "<input type=\"hidden\" name=\"csrf\" value=\"");
		esc(out, r->session->csrf);
		g_string_append(out, "\"><button type=\"submit\" class=\"link\">");
		esc(out, W(r, N_("Log out")));
		g_string_append(out, "</button></form>");
	}
}

static gchar *
render_layout(TrWebRequest *r, const gchar *title, const gchar *notice, const gchar *body,
	      gboolean with_links)
{
	g_autoptr(GBytes) layout = resource("layout.html");
	g_autoptr(GHashTable) vars = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GString) links = g_string_new(NULL);
	g_autofree gchar *tmpl =
		g_strndup(g_bytes_get_data(layout, NULL), g_bytes_get_size(layout));
	const TrModel *model = tr_device_get_model(r->device);
	const gchar *level = r->level == TR_WEB_LEVEL_ADMIN  ? W(r, N_("Admin"))
			     : r->level == TR_WEB_LEVEL_USER ? W(r, N_("User"))
							     : "";

	/* before a login (the login page, a refusal) the product only: which
	 * device this is, its serial number, its software are for its users */
	gboolean known = r->session != NULL && r->session->level >= TR_WEB_LEVEL_USER;

	if (with_links)
		append_links(r, links);
	/* a BCP 47 tag: "pt-BR", not "pt_BR" */
	g_hash_table_insert(vars, "lang",
			    g_strdelimit(g_strdup(tr_catalog_get_language(r->catalog)), "_", '-'));
	g_hash_table_insert(vars, "title",
			    known ? g_strdup_printf("%s %s — %s", model->name, title,
						    tr_device_get_name(r->device))
				  : g_strdup_printf("%s %s", model->name, title));
	g_hash_table_insert(vars, "product", g_strdup(model->name));
	g_hash_table_insert(vars, "description", g_strdup(W(r, model->description)));
	g_hash_table_insert(vars, "device", g_strdup(known ? tr_device_get_name(r->device) : ""));
	g_hash_table_insert(
		vars, "level",
		with_links ? g_strdup_printf("%s · %s", level,
					     r->advanced ? W(r, N_("advanced")) : W(r, N_("basic")))
			   : g_strdup(""));
	g_hash_table_insert(vars, "links", g_string_free(g_steal_pointer(&links), FALSE));
	g_hash_table_insert(vars, "notice", g_strdup(notice != NULL ? notice : ""));
	g_hash_table_insert(vars, "body", g_strdup(body));
	g_hash_table_insert(vars, "footer",
			    known ? g_strdup_printf("tipring %s · %s %s", PACKAGE_VERSION,
						    W(r, N_("Serial Number")),
						    tr_device_get_serial(r->device))
				  : g_strdup(""));
	return tr_web_template_render(tmpl, vars);
}

static void
append_notice(GString *out, const gchar *text, gboolean is_error)
{
	g_string_append_printf(out, "<div class=\"notice %s\" role=\"%s\">",
			       is_error ? "error" : "ok", is_error ? "alert" : "status");
	esc(out, text);
	g_string_append(out, "</div>");
}

/* --- the Info tab --- */

static void
info_row(TrWebRequest *r, GString *out, const gchar *label, const gchar *live, const gchar *value)
{
	g_string_append(out, "<div class=\"row\"><dt>");
	esc(out, label);
	g_string_append(out, "</dt><dd");
	if (live != NULL) {
		g_string_append(out, " data-live=\"");
		esc(out, live);
		g_string_append(out, "\"");
	}
	g_string_append(out, ">");
	tr_web_append_escaped_breakable(out, value);
	g_string_append(out, "</dd></div>");
}

/* a row of the items of @list, ", " between them; "—" for none */
static void
info_row_list(TrWebRequest *r, GString *out, const gchar *label, GPtrArray *list)
{
	g_autoptr(GString) joined = g_string_new(NULL);

	for (guint i = 0; i < list->len; i++)
		g_string_append_printf(joined, "%s%s", i > 0 ? ", " : "",
				       (const gchar *)g_ptr_array_index(list, i));
	info_row(r, out, label, NULL, joined->len > 0 ? joined->str : "—");
}

/* System Information: the network of the machine the emulator runs on, as
 * the SPA shows its own */
static void
append_system_information(TrWebRequest *r, GString *out, const gchar *current_ip)
{
	g_autoptr(TrWebNetInfo) net = tr_web_net_info_collect();
	g_autoptr(GPtrArray) dns = g_ptr_array_new();

	for (guint i = 0; net->dns[i] != NULL; i++)
		g_ptr_array_add(dns, net->dns[i]);
	g_string_append(out, "<section class=\"card\" id=\"system-information\"><h2>");
	/* TRANSLATORS: the Info tab's card of the host's network, as on the SPA */
	esc(out, W(r, N_("System Information")));
	g_string_append(out, "</h2><dl>");
	info_row(r, out, W(r, N_("Host Name")), NULL, net->host_name);
	/* TRANSLATORS: the DNS domain of the host (resolv.conf) */
	info_row(r, out, W(r, N_("Domain")), NULL, net->domain != NULL ? net->domain : "—");
	/* the address this page was asked on */
	info_row(r, out, W(r, N_("Current IP")), NULL, current_ip != NULL ? current_ip : "");
	/* TRANSLATORS: the interface of the default route, e.g. eth0 */
	info_row(r, out, W(r, N_("Network Interface")), NULL,
		 net->interface != NULL ? net->interface : "—");
	info_row_list(r, out, W(r, N_("IP Address")), net->ipv4);
	info_row_list(r, out, W(r, N_("Netmask")), net->netmasks);
	if (net->ipv6->len > 0)
		info_row_list(r, out, W(r, N_("IPv6 Address")), net->ipv6);
	info_row_list(r, out, W(r, N_("Default Gateway")), net->gateways);
	info_row_list(r, out, W(r, N_("DNS Servers")), dns);
	g_string_append(out, "</dl></section>");
}

static gchar *
format_time(TrWebRequest *r, gint64 when)
{
	g_autoptr(GDateTime) dt = NULL;

	if (when <= 0)
		return g_strdup(W(r, N_("never")));
	dt = g_date_time_new_from_unix_local(when);
	return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
}

static const gchar *
state_text(TrWebRequest *r, TrRegistrationState state)
{
	switch (state) {
	case TR_REGISTRATION_UNREGISTERED:
		return W(r, N_("Not registered"));
	case TR_REGISTRATION_REGISTERING:
		return W(r, N_("Registering"));
	case TR_REGISTRATION_REGISTERED:
		return W(r, N_("Registered"));
	case TR_REGISTRATION_FAILED:
		return W(r, N_("Failed"));
	case TR_REGISTRATION_BACKOFF:
		return W(r, N_("Waiting to retry"));
	}
	return "";
}

static const gchar *
tls_state_text(TrWebRequest *r, const gchar *state)
{
	if (g_strcmp0(state, "idle") == 0)
		return W(r, N_("idle"));
	if (g_strcmp0(state, "connecting") == 0)
		return W(r, N_("connecting"));
	if (g_strcmp0(state, "handshaking") == 0)
		return W(r, N_("handshaking"));
	if (g_strcmp0(state, "established") == 0)
		return W(r, N_("established"));
	if (g_strcmp0(state, "failed") == 0)
		return W(r, N_("failed"));
	if (g_strcmp0(state, "closed") == 0)
		return W(r, N_("closed"));
	return state != NULL ? state : "";
}

typedef struct {
	const gchar *key;
	const gchar *value;
} LiveItem;

/*
 * May this request read what names line @n's SIP peer? The TLS session's
 * verify result ("verified for HOST"), peer subject and errors ("TLS
 * handshake with HOST:PORT failed"), and the registration's errors and
 * response phrases name the proxy, or what it resolved to. They come from the
 * line's Proxy_N_, its Outbound_Proxy_N_ when used, its TLS_Server_Name_N_
 * when set: a viewer who may not read one of those (access na) reads none of
 * them, whatever their wording.
 */
static gboolean
peer_readable(TrWebRequest *r, guint n)
{
	const gchar *const sources[] = {"Proxy", "Outbound_Proxy", "TLS_Server_Name"};
	TrSchema *schema = tr_store_get_schema(r->store);

	if (r->level == TR_WEB_LEVEL_ADMIN)
		return TRUE;
	if (r->level != TR_WEB_LEVEL_USER)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
		g_autofree gchar *name = g_strdup_printf("%s_%u_", sources[i], n);
		const gchar *value;

		if (tr_schema_lookup(schema, name) == NULL)
			continue;
		value = tr_store_get(r->store, name);
		if (g_strcmp0(sources[i], "Proxy") != 0 && (value == NULL || *value == '\0'))
			continue;
		if (g_strcmp0(sources[i], "Outbound_Proxy") == 0) {
			g_autofree gchar *use = g_strdup_printf("Use_Outbound_Proxy_%u_", n);
			if (tr_schema_lookup(schema, use) != NULL &&
			    !tr_store_get_bool(r->store, use))
				continue;
		}
		if (tr_store_get_access(r->store, name) == TR_ACCESS_NA)
			return FALSE;
	}
	return TRUE;
}

/* what stands for a text that would name the peer */
static const gchar *
peer_hidden(TrWebRequest *r, const gchar *text)
{
	/* TRANSLATORS: in place of a TLS or registration detail that names the
	 * line's proxy, for an account that may not see the proxy */
	return text != NULL && *text != '\0' ? W(r, N_("not shown to this account")) : "";
}

/* a TLS session's verify result without the name it was checked for */
static const gchar *
verify_words(TrWebRequest *r, const gchar *verify, gboolean verified)
{
	if (verify == NULL || *verify == '\0')
		return "";
	if (verified)
		/* TRANSLATORS: a TLS session's verify result, for an account
		 * that may not see the name it was checked for */
		return W(r, N_("verified"));
	/* TRANSLATORS: the same, when the server's certificate was refused or
	 * not checked */
	return W(r, N_("not verified"));
}

/* the live values of the Info tab, as (key, display text) pairs */
static GPtrArray *
live_values(TrWebRequest *r)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *lines = tr_device_get_lines(r->device);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

#define ADD(k, v)                                                                                  \
	do {                                                                                       \
		g_ptr_array_add(items, g_strdup(k));                                               \
		g_ptr_array_add(items, g_strdup(v));                                               \
	} while (0)

	for (guint i = 0; i < lines->len; i++) {
		TrLine *line = g_ptr_array_index(lines, i);
		TrRegistration *reg = tr_engine_get_registration(r->engine, line);
		guint n = tr_line_get_index(line);
		GObject *session = g_object_get_data(G_OBJECT(line), TR_TRANSPORT_SESSION_KEY);
		gboolean tls =
			session != NULL && g_strcmp0(tr_line_get_transport(line), "TLS") == 0;
		gint64 next = reg != NULL ? tr_registration_get_next_registration(reg) : 0;
		gboolean readable = peer_readable(r, n);
		const gchar *last_error;
		g_autofree gchar *k = NULL;
		g_autofree gchar *v = NULL;

#define KEY(field) (g_free(k), k = g_strdup_printf("line%u.%s", n, field))
		if (!tr_line_get_enabled(line)) {
			ADD(KEY("state"), W(r, N_("Disabled")));
		} else {
			ADD(KEY("state"),
			    reg != NULL ? state_text(r, tr_registration_get_state(reg)) : "");
		}
		ADD(KEY("transport"), tr_line_get_transport(line));
		g_free(v);
		v = format_time(r, reg != NULL ? tr_registration_get_last_registered(reg) : 0);
		ADD(KEY("last-registration"), v);
		g_free(v);
		v = next > now ? g_strdup_printf("%" G_GINT64_FORMAT, next) : g_strdup("");
		ADD(KEY("next-registration-at"), v);
		g_free(v);
		v = next > now ? g_strdup_printf(W(r, N_("in %u s")), (guint)(next - now))
			       : g_strdup("—");
		ADD(KEY("next-registration"), v);
		g_free(v);
		if (reg != NULL && tr_registration_get_last_code(reg) != 0) {
			guint code = tr_registration_get_last_code(reg);
			/* the standard phrase for a code, not the one that came:
			 * the peer (or Sofia, for a transport error) chose that */
			const gchar *standard = sip_status_phrase((int)code);
			v = readable	       ? g_strdup_printf("%u %s", code,
								 tr_registration_get_last_phrase(reg))
			    : standard != NULL ? g_strdup_printf("%u %s", code, standard)
					       : g_strdup_printf("%u", code);
		} else {
			v = g_strdup("—");
		}
		ADD(KEY("last-response"), v);
		last_error = reg != NULL ? tr_registration_get_last_error(reg) : "";
		ADD(KEY("last-error"), readable ? last_error : peer_hidden(r, last_error));
		ADD(KEY("tls"), tls ? "1" : "");
		if (tls) {
			g_autofree gchar *state = NULL, *version = NULL, *cipher = NULL;
			g_autofree gchar *subject = NULL, *verify = NULL, *error = NULL;
			gboolean verified = FALSE;
			guint handshake = 0, reconnects = 0;
			gint64 established = 0;
			g_object_get(session, "state", &state, "protocol-version", &version,
				     "cipher-suite", &cipher, "peer-subject", &subject, "verified",
				     &verified, "verify-result", &verify, "handshake-ms",
				     &handshake, "reconnect-count", &reconnects, "established-at",
				     &established, "last-error", &error, NULL);
			ADD(KEY("tls-state"), tls_state_text(r, state));
			ADD(KEY("tls-version"), version);
			ADD(KEY("tls-cipher"), cipher);
			ADD(KEY("tls-peer"), readable ? subject : peer_hidden(r, subject));
			ADD(KEY("tls-verified"), verified ? W(r, N_("yes")) : W(r, N_("no")));
			ADD(KEY("tls-verify-result"),
			    readable ? verify : verify_words(r, verify, verified));
			g_free(v);
			v = g_strdup_printf(W(r, N_("%u ms")), handshake);
			ADD(KEY("tls-handshake"), v);
			g_free(v);
			v = format_time(r, established);
			ADD(KEY("tls-established"), v);
			g_free(v);
			v = g_strdup_printf("%u", reconnects);
			ADD(KEY("tls-reconnects"), v);
			ADD(KEY("tls-error"), readable ? error : peer_hidden(r, error));
		}
#undef KEY
	}
	{
		/* the provisioning result is the admin's: its error may name the server */
		TrProvisioner *prov = r->level == TR_WEB_LEVEL_ADMIN
					      ? tr_engine_get_provisioner(r->engine, r->device)
					      : NULL;
		if (prov != NULL) {
			g_autofree gchar *when =
				format_time(r, tr_provisioner_get_last_resync_time(prov));
			const gchar *result = tr_provisioner_get_last_resync_result(prov);
			ADD("resync.last", when);
			ADD("resync.result", g_strcmp0(result, TR_PROVISIONER_RESULT_SUCCESS) == 0
						     ? W(r, N_("success"))
					     : g_strcmp0(result, TR_PROVISIONER_RESULT_FAILED) == 0
						     ? W(r, N_("failed"))
						     : W(r, N_("never")));
			ADD("resync.error", tr_provisioner_get_last_resync_error(prov));
		}
	}
#undef ADD
	return items;
}

/**
 * tr_web_status_json:
 *
 * Returns: the live values of the Info tab as one JSON object of key: text
 */
gchar *
tr_web_status_json(TrWebRequest *r)
{
	g_autoptr(GPtrArray) items = live_values(r);
	GString *out = g_string_new("{");

	for (guint i = 0; i + 1 < items->len; i += 2) {
		if (i > 0)
			g_string_append_c(out, ',');
		tr_web_append_json_string(out, g_ptr_array_index(items, i));
		g_string_append_c(out, ':');
		tr_web_append_json_string(out, g_ptr_array_index(items, i + 1));
	}
	g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}

static const gchar *
live_lookup(GPtrArray *items, const gchar *key)
{
	for (guint i = 0; i + 1 < items->len; i += 2) {
		if (g_strcmp0(g_ptr_array_index(items, i), key) == 0)
			return g_ptr_array_index(items, i + 1);
	}
	return "";
}

static void
append_info(TrWebRequest *r, GString *out)
{
	const TrModel *model = tr_device_get_model(r->device);
	g_autoptr(GPtrArray) items = live_values(r);
	GPtrArray *lines = tr_device_get_lines(r->device);
	GSocketAddress *local = soup_server_message_get_local_address(r->msg);
	g_autofree gchar *ip = NULL;
	g_autofree gchar *ports = NULL;
	const gchar *cert = tr_store_get(r->store, "Device_Certificate_File");

	if (G_IS_INET_SOCKET_ADDRESS(local))
		ip = g_inet_address_to_string(
			g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(local)));

	g_string_append(out, "<div class=\"cards\"><section class=\"card\"><h2>");
	esc(out, W(r, N_("Product Information")));
	g_string_append(out, "</h2><dl>");
	info_row(r, out, W(r, N_("Product Name")), NULL, model->name);
	info_row(r, out, W(r, N_("Serial Number")), NULL, tr_device_get_serial(r->device));
	info_row(r, out, W(r, N_("Software Version")), NULL,
		 tr_device_get_firmware_version(r->device));
	info_row(r, out, W(r, N_("Hardware Version")), NULL, model->hardware_version);
	info_row(r, out, W(r, N_("MAC Address")), NULL, tr_device_get_mac_address(r->device));
	info_row(r, out, W(r, N_("Client Certificate")), NULL,
		 cert != NULL && *cert != '\0' ? W(r, N_("Installed")) : W(r, N_("Not Installed")));
	g_string_append(out, "</dl></section>");
	append_system_information(r, out, ip);
	g_string_append(out, "<section class=\"card\"><h2>");
	esc(out, W(r, N_("System Status")));
	g_string_append(out, "</h2><dl>");
	info_row(r, out, W(r, N_("Device Name")), NULL, tr_device_get_name(r->device));
	ports = r->https_port != 0
			? g_strdup_printf("HTTP %u, HTTPS %u", r->http_port, r->https_port)
			: g_strdup_printf("HTTP %u", r->http_port);
	info_row(r, out, W(r, N_("Web Server")), NULL, ports);
	if (r->level == TR_WEB_LEVEL_ADMIN) {
		info_row(r, out, W(r, N_("Last Resync")), "resync.last",
			 live_lookup(items, "resync.last"));
		info_row(r, out, W(r, N_("Last Resync Result")), "resync.result",
			 live_lookup(items, "resync.result"));
		info_row(r, out, W(r, N_("Last Resync Error")), "resync.error",
			 live_lookup(items, "resync.error"));
	}
	g_string_append(out, "</dl></section>");

	for (guint i = 0; i < lines->len; i++) {
		guint n = tr_line_get_index(g_ptr_array_index(lines, i));
		g_autofree gchar *title = g_strdup_printf(W(r, N_("%s %u Status")),
							  W(r, tr_model_get_line_label(model)), n);
#define LIVE(field, label)                                                                         \
	do {                                                                                       \
		g_autofree gchar *key_ = g_strdup_printf("line%u.%s", n, field);                   \
		info_row(r, out, label, key_, live_lookup(items, key_));                           \
	} while (0)
		g_string_append_printf(out, "<section class=\"card\" id=\"status-line%u\"><h2>", n);
		esc(out, title);
		g_string_append(out, "</h2><dl>");
		LIVE("state", W(r, N_("Registration State")));
		LIVE("transport", W(r, N_("SIP Transport")));
		LIVE("last-registration", W(r, N_("Last Registration At")));
		{
			g_autofree gchar *key = g_strdup_printf("line%u.next-registration", n);
			g_autofree gchar *at = g_strdup_printf("line%u.next-registration-at", n);
			g_string_append(out, "<div class=\"row\"><dt>");
			esc(out, W(r, N_("Next Registration In")));
			g_string_append_printf(out,
					       "</dt><dd data-live=\"%s\" data-deadline=\"%s\" "
					       "data-unit=\"",
					       key, live_lookup(items, at));
			esc(out, W(r, N_("in %u s")));
			g_string_append(out, "\">");
			tr_web_append_escaped_breakable(out, live_lookup(items, key));
			g_string_append(out, "</dd></div>");
		}
		LIVE("last-response", W(r, N_("Last Response")));
		LIVE("last-error", W(r, N_("Last Error")));
		{
			g_autofree gchar *key = g_strdup_printf("line%u.tls", n);
			g_string_append_printf(
				out, "</dl><div class=\"tls\" data-live-show=\"%s\"%s>", key,
				*live_lookup(items, key) != '\0' ? "" : " hidden");
		}
		g_string_append(out, "<h3>");
		esc(out, W(r, N_("TLS Session")));
		g_string_append(out, "</h3><dl>");
		LIVE("tls-state", W(r, N_("State")));
		LIVE("tls-version", W(r, N_("Protocol Version")));
		LIVE("tls-cipher", W(r, N_("Cipher Suite")));
		LIVE("tls-peer", W(r, N_("Peer Subject")));
		LIVE("tls-verified", W(r, N_("Verified")));
		LIVE("tls-verify-result", W(r, N_("Verify Result")));
		LIVE("tls-handshake", W(r, N_("Handshake Time")));
		LIVE("tls-established", W(r, N_("Established At")));
		LIVE("tls-reconnects", W(r, N_("Reconnects")));
		LIVE("tls-error", W(r, N_("Last TLS Error")));
		g_string_append(out, "</dl></div></section>");
#undef LIVE
	}

	/* profiles: download what this level may see; admins may upload */
	g_string_append(out, "<section class=\"card\" id=\"profiles\"><h2>");
	esc(out, W(r, N_("Configuration Profile")));
	g_string_append(out, "</h2><p>");
	g_string_append_printf(out, "<a class=\"button\" href=\"%s\" download>",
			       r->level == TR_WEB_LEVEL_ADMIN ? "/admin/config.xml"
							      : "/config.xml");
	esc(out, W(r, N_("Download XML profile")));
	g_string_append(out, "</a></p>");
	if (r->level == TR_WEB_LEVEL_ADMIN && r->session != NULL) {
		g_string_append(out, "<form method=\"post\" action=\"/admin/profile\" "
				     "enctype=\"multipart/form-data\" class=\"upload\">"
				     "<input type=\"hidden\" name=\"csrf\" value=\"");
		esc(out, r->session->csrf);
		g_string_append(out, "\"><input type=\"hidden\" name=\"next\" value=\"");
		esc(out, r->path);
		g_string_append(out, "\"><label for=\"profile-file\">");
		esc(out, W(r, N_("Upload a profile (XML or text)")));
		g_string_append(out, "</label><input type=\"file\" id=\"profile-file\" "
				     "name=\"profile\" required><button type=\"submit\">");
		esc(out, W(r, N_("Upload")));
		g_string_append(out, "</button></form>");
	}
	g_string_append(out, "</section></div>");
}

/* --- the parameter tabs --- */

/**
 * tr_web_field_reason:
 * @value: what was typed, which tr_param_validate_in() refused
 *
 * Why a field is refused, to be shown right under it: the reason alone, in
 * the request's language, without the parameter's internal name (D-Bus and
 * tipringctl give that, for scripts) nor the value, which the field shows.
 *
 * Returns: (transfer full): the reason
 */
gchar *
tr_web_field_reason(TrWebRequest *r, const TrParam *param, const gchar *value)
{
	g_autofree gchar *trimmed = g_strstrip(g_strdup(value));
	g_autofree gchar *allowed = NULL;

	if (param->hashed && g_str_has_prefix(trimmed, TR_PASSWORD_HASH_PREFIX))
		/* TRANSLATORS: under a password field; keep
		 * $pbkdf2-sha256$ITERATIONS$SALT$HASH as it is */
		return g_strdup(W(r, N_("A password hash must be "
					"$pbkdf2-sha256$ITERATIONS$SALT$HASH, and a password may "
					"not start with $pbkdf2-sha256$.")));
	allowed = tr_param_describe_allowed_in(param, r->catalog);
	/* TRANSLATORS: under a refused field; %s is what it accepts, e.g. "an
	 * integer from 1 to 65535" */
	return g_strdup_printf(W(r, N_("The device expects %s.")), allowed);
}

/* the end of a control's tag: the stored value (for Undo All Changes and
 * the changed marks) and, when refused, the reason's place */
static void
append_control_state(GString *out, const gchar *name, const gchar *stored, const gchar *error)
{
	g_string_append(out, " data-stored=\"");
	esc(out, stored);
	g_string_append(out, "\"");
	if (error != NULL)
		g_string_append_printf(out, " aria-invalid=\"true\" aria-describedby=\"e-%s\"",
				       name);
	g_string_append(out, ">");
}

static void
append_field(TrWebRequest *r, GString *out, const TrParam *param, GHashTable *typed,
	     GHashTable *errors)
{
	const gchar *stored = tr_store_get(r->store, param->name);
	const gchar *typed_value = typed != NULL ? g_hash_table_lookup(typed, param->name) : NULL;
	const gchar *error = errors != NULL ? g_hash_table_lookup(errors, param->name) : NULL;
	gboolean secret = param->type == TR_PARAM_TYPE_PASSWORD;
	/* a set secret shows as the mask; posting the mask back changes nothing */
	const gchar *shown_stored =
		secret ? (stored != NULL && *stored != '\0' ? TR_PARAM_SECRET_MASK : "") : stored;
	const gchar *value = typed_value != NULL ? typed_value : shown_stored;
	gboolean writable = tr_web_param_writable(r, param);
	const gchar *name = param->name;

	g_string_append_printf(
		out, "<div class=\"field%s%s\"><label for=\"f-%s\"",
		error != NULL ? " invalid" : "",
		param->max_length > 127 && param->type == TR_PARAM_TYPE_STRING ? " wide" : "",
		name);
	if (param->description != NULL) {
		g_string_append(out, " title=\"");
		esc(out, W(r, param->description));
		g_string_append(out, "\"");
	}
	g_string_append(out, ">");
	esc(out, W(r, param->label));
	g_string_append(out, "</label>");

	if (!writable) {
		g_string_append_printf(out, "<output id=\"f-%s\" class=\"ro\">", name);
		esc(out, shown_stored);
		g_string_append(out, "</output></div>");
		return;
	}

	if (param->type == TR_PARAM_TYPE_ENUM || param->type == TR_PARAM_TYPE_BOOL) {
		const gchar *const yesno[] = {"yes", "no", NULL};
		const gchar *const *values = param->type == TR_PARAM_TYPE_BOOL
						     ? yesno
						     : (const gchar *const *)param->values;
		gboolean found = FALSE;
		g_string_append_printf(out, "<select id=\"f-%s\" name=\"%s\"", name, name);
		append_control_state(out, name, shown_stored, error);
		for (guint i = 0; values[i] != NULL; i++) {
			gboolean sel =
				g_ascii_strcasecmp(values[i], value != NULL ? value : "") == 0;
			found |= sel;
			g_string_append(out, "<option value=\"");
			esc(out, values[i]);
			g_string_append_printf(out, "\"%s>", sel ? " selected" : "");
			/* the device stores the schema's spelling; the page shows it
			 * translated (data/schema/choices.h lists them for xgettext) */
			esc(out,
			    param->type == TR_PARAM_TYPE_BOOL
				    ? W(r, values[i])
				    : tr_catalog_pgettext(r->catalog, "web choice", values[i]));
			g_string_append(out, "</option>");
		}
		/* what the user typed stays, even when it is not a choice */
		if (!found && value != NULL) {
			g_string_append(out, "<option selected value=\"");
			esc(out, value);
			g_string_append(out, "\">");
			esc(out, value);
			g_string_append(out, "</option>");
		}
		g_string_append(out, "</select>");
	} else {
		const gchar *type = secret ? "password" : "text";
		g_string_append_printf(out, "<input type=\"%s\" id=\"f-%s\" name=\"%s\"", type,
				       name, name);
		if (secret)
			g_string_append(out, " autocomplete=\"new-password\"");
		else
			g_string_append(out, " autocomplete=\"off\" spellcheck=\"false\"");
		if (param->type == TR_PARAM_TYPE_INT || param->type == TR_PARAM_TYPE_FLOAT)
			g_string_append(out, " inputmode=\"decimal\"");
		g_string_append(out, " value=\"");
		esc(out, value);
		g_string_append(out, "\"");
		append_control_state(out, name, shown_stored, error);
	}
	if (error != NULL) {
		g_string_append_printf(out, "<p class=\"reason\" id=\"e-%s\">", name);
		esc(out, error);
		g_string_append(out, "</p>");
	}
	g_string_append(out, "</div>");
}

/**
 * tr_web_page_config:
 * @typed: (nullable): what the user typed, shown instead of the stored values
 * @errors: (nullable): parameter name -> reason, marked on the fields
 *
 * The tabbed page of the request's level and view.
 */
gchar *
tr_web_page_config(TrWebRequest *r, GPtrArray *tabs, GHashTable *typed, GHashTable *errors,
		   const gchar *notice, gboolean notice_is_error)
{
	g_autoptr(GString) body = g_string_new(NULL);
	g_autoptr(GString) note = g_string_new(NULL);
	const gchar *first_error_tab = NULL;

	if (notice != NULL)
		append_notice(note, notice, notice_is_error);
	if (r->no_admin_password && r->level == TR_WEB_LEVEL_ADMIN)
		append_notice(note,
			      W(r, N_("No admin password is set: the admin pages answer only on "
				      "this device's loopback address until you set Admin Passwd "
				      "on the System tab.")),
			      TRUE);

	g_string_append(body, "<nav class=\"tabs\" aria-label=\"tabs\"><ul>");
	for (guint i = 0; i < tabs->len; i++) {
		TrWebTab *tab = g_ptr_array_index(tabs, i);
		g_autofree gchar *title = NULL;
		if (!tr_web_tab_visible(r, tab))
			continue;
		title = tab_title(r, tab);
		g_string_append_printf(body, "<li><a href=\"#tab-%s\" data-tab=\"%s\">", tab->key,
				       tab->key);
		esc(body, title);
		g_string_append(body, "</a></li>");
	}
	g_string_append(body, "</ul></nav>");

	g_string_append(body, "<section class=\"tab-panel\" id=\"tab-Info\" data-tab=\"Info\">");
	append_info(r, body);
	g_string_append(body, "</section>");

	g_string_append(body, "<form method=\"post\" action=\"");
	esc(body, r->path);
	g_string_append(body, "\" id=\"config\" novalidate>");
	g_string_append(body, "<input type=\"hidden\" name=\"csrf\" value=\"");
	esc(body, r->session != NULL ? r->session->csrf : "");
	/* the script keeps the open tab here, to come back to it */
	g_string_append(body, "\"><input type=\"hidden\" name=\"tab\" id=\"open-tab\" value=\"\">");
	for (guint i = 0; i < tabs->len; i++) {
		TrWebTab *tab = g_ptr_array_index(tabs, i);
		if (g_strcmp0(tab->id, "Info") == 0 || !tr_web_tab_visible(r, tab))
			continue;
		g_string_append_printf(
			body, "<section class=\"tab-panel\" id=\"tab-%s\" data-tab=\"%s\">",
			tab->key, tab->key);
		for (guint s = 0; s < tab->sections->len; s++) {
			TrWebSection *section = g_ptr_array_index(tab->sections, s);
			gboolean any = FALSE;
			for (guint p = 0; p < section->params->len; p++)
				any |= tr_web_param_visible(r,
							    g_ptr_array_index(section->params, p));
			if (!any)
				continue;
			g_string_append(body, "<fieldset class=\"card\"><legend>");
			esc(body, W(r, section->label));
			g_string_append(body, "</legend><div class=\"grid\">");
			for (guint p = 0; p < section->params->len; p++) {
				TrParam *param = g_ptr_array_index(section->params, p);
				if (!tr_web_param_visible(r, param))
					continue;
				if (errors != NULL && first_error_tab == NULL &&
				    g_hash_table_contains(errors, param->name))
					first_error_tab = tab->key;
				append_field(r, body, param, typed, errors);
			}
			g_string_append(body, "</div></fieldset>");
		}
		g_string_append(body, "</section>");
	}
	g_string_append(body, "<div class=\"actions\" id=\"actions\">"
			      "<button type=\"submit\" class=\"primary\" id=\"submit-all\">");
	esc(body, W(r, N_("Submit All Changes")));
	g_string_append(body, "</button><button type=\"reset\" id=\"undo-all\">");
	esc(body, W(r, N_("Undo All Changes")));
	g_string_append(body, "</button></div></form>");
	if (first_error_tab != NULL)
		g_string_append_printf(body,
				       "<span hidden id=\"first-error-tab\" data-tab=\"%s\">"
				       "</span>",
				       first_error_tab);

	return render_layout(r,
			     r->level == TR_WEB_LEVEL_ADMIN ? W(r, N_("Admin")) : W(r, N_("User")),
			     note->str, body->str, TRUE);
}

/**
 * tr_web_page_message:
 *
 * A page that only says something: refused, locked, disabled.
 */
gchar *
tr_web_page_message(TrWebRequest *r, const gchar *title, const gchar *message)
{
	g_autoptr(GString) body = g_string_new("<section class=\"card narrow\"><h1>");

	esc(body, title);
	g_string_append(body, "</h1><p class=\"message\">");
	esc(body, message);
	g_string_append(body, "</p><p><a href=\"/\">");
	esc(body, W(r, N_("Back to the user pages")));
	g_string_append(body, "</a></p></section>");
	return render_layout(r, title, NULL, body->str, FALSE);
}

/**
 * tr_web_page_login:
 * @account: "admin" or "user", preselected
 * @next: where to go after the login
 * @error: (nullable): why the last try failed
 */
gchar *
tr_web_page_login(TrWebRequest *r, const gchar *account, const gchar *next, const gchar *error)
{
	g_autoptr(GString) body = g_string_new("<section class=\"card narrow\"><h1>");
	gboolean admin = g_strcmp0(account, "admin") == 0;

	esc(body, W(r, N_("Log in")));
	g_string_append(body, "</h1>");
	if (error != NULL)
		append_notice(body, error, TRUE);
	g_string_append(body, "<form method=\"post\" action=\"/login\" class=\"login\">"
			      "<input type=\"hidden\" name=\"csrf\" value=\"");
	esc(body, r->session != NULL ? r->session->csrf : "");
	g_string_append(body, "\"><input type=\"hidden\" name=\"next\" value=\"");
	esc(body, next);
	g_string_append(body, "\"><label for=\"account\">");
	esc(body, W(r, N_("Account")));
	g_string_append_printf(body,
			       "</label><select id=\"account\" name=\"account\">"
			       "<option value=\"admin\"%s>",
			       admin ? " selected" : "");
	esc(body, W(r, N_("Admin")));
	g_string_append_printf(body, "</option><option value=\"user\"%s>",
			       admin ? "" : " selected");
	esc(body, W(r, N_("User")));
	g_string_append(body, "</option></select><label for=\"password\">");
	esc(body, W(r, N_("Password")));
	g_string_append(body, "</label><input type=\"password\" id=\"password\" name=\"password\" "
			      "autocomplete=\"current-password\" autofocus>"
			      "<button type=\"submit\" class=\"primary\">");
	esc(body, W(r, N_("Log in")));
	g_string_append(body, "</button></form></section>");
	return render_layout(r, W(r, N_("Log in")), NULL, body->str, FALSE);
}
