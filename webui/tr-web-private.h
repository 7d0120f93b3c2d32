/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tipring-plugin.h"
#include "tr-web-session.h"

G_BEGIN_DECLS

/* one request, as the page builders see it */
typedef struct {
	TrEngine *engine;
	TrDevice *device;
	TrStore *store;
	SoupServerMessage *msg;
	TrWebSession *session;
	TrWebLevel level;   /* the pages' level: "/" is the user's even for an admin */
	gboolean advanced;  /* the advanced view */
	TrCatalog *catalog; /* the language of the answer */
	const gchar *path;  /* the page's own path, where its form posts */
	gboolean no_admin_password;
	guint http_port;
	guint https_port;
} TrWebRequest;

/* a tab of the pages: "Info", "SIP", "Line_2", "User_1", "PSTN" */
typedef struct {
	gchar *key;
	gchar *id;
	guint index;
	GPtrArray *sections; /* TrWebSection */
} TrWebTab;

typedef struct {
	gchar *id;
	gchar *label;
	GPtrArray *params; /* TrParam */
} TrWebSection;

/* translate a string marked with N_() into the request's language */
#define W(r, s) tr_catalog_gettext((r)->catalog, (s))

GPtrArray *tr_web_tabs_build(TrDevice *device);
gboolean tr_web_param_visible(TrWebRequest *r, const TrParam *param);
gboolean tr_web_param_writable(TrWebRequest *r, const TrParam *param);
gboolean tr_web_tab_visible(TrWebRequest *r, const TrWebTab *tab);

gchar *tr_web_page_config(TrWebRequest *r, GPtrArray *tabs, GHashTable *typed, GHashTable *errors,
			  const gchar *notice, gboolean notice_is_error);
gchar *tr_web_page_message(TrWebRequest *r, const gchar *title, const gchar *message);
gchar *tr_web_page_login(TrWebRequest *r, const gchar *account, const gchar *next,
			 const gchar *error);
gchar *tr_web_status_json(TrWebRequest *r);
gchar *tr_web_field_reason(TrWebRequest *r, const TrParam *param, const gchar *value);

G_END_DECLS
