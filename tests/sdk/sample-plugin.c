/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * A plugin as one built out of tree would be: the installed SDK only, found
 * through pkg-config (check-sdk.sh builds it with cc, not meson), its own
 * text domain. Never part of the build: no config.h, no source-tree include.
 */
#include <tipring-plugin.h>

#if TR_PLUGIN_ABI_VERSION != SAMPLE_EXPECTED_ABI_VERSION
#error "tipring-plugin.pc's abi_version is not the headers' TR_PLUGIN_ABI_VERSION"
#endif

#define SAMPLE_TYPE_TRANSPORT (sample_transport_get_type())
G_DECLARE_FINAL_TYPE(SampleTransport, sample_transport, SAMPLE, TRANSPORT, TrTransport)

struct _SampleTransport {
	TrTransport parent_instance;
};

G_DEFINE_TYPE(SampleTransport, sample_transport, TR_TYPE_TRANSPORT)

static gboolean
sample_transport_start(TrPlugin *plugin, GError **error)
{
	/* the plugin's own catalogues, never the daemon's domain */
	bindtextdomain(GETTEXT_PACKAGE, SAMPLE_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

	/* what load-sample looks for: the SDK resolved against the host */
	g_object_set_data(G_OBJECT(tr_plugin_get_engine(plugin)), "sdk-sample-started",
			  GINT_TO_POINTER(TRUE));
	return TRUE;
}

static gboolean
sample_transport_line_attach(TrTransport *transport, TrLine *line, GError **error)
{
	g_set_error_literal(error, TR_ERROR, TR_ERROR_NOT_SUPPORTED,
			    /* TRANSLATORS: a line asked for the sample transport */
			    _("The sample transport carries no calls"));
	return FALSE;
}

static void
sample_transport_class_init(SampleTransportClass *klass)
{
	TR_PLUGIN_CLASS(klass)->start = sample_transport_start;
	TR_TRANSPORT_CLASS(klass)->protocol = "SDK";
	TR_TRANSPORT_CLASS(klass)->line_attach = sample_transport_line_attach;
}

static void
sample_transport_init(SampleTransport *self)
{
}

TR_PLUGIN_DEFINE("sdk-sample", "A transport built out of tree against the installed SDK",
		 sample_transport_get_type)
