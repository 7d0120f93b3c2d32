/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tr-plugin.h"

G_BEGIN_DECLS

#define TR_TYPE_MEDIA (tr_media_get_type())
G_DECLARE_DERIVABLE_TYPE(TrMedia, tr_media, TR, MEDIA, TrPlugin)

/**
 * TrMediaClass:
 * @encodings: (array zero-terminated=1): the RTP encodings the plugin
 *   handles, as SDP names ("PCMU/8000", "telephone-event/8000"); set in
 *   class_init
 *
 * A media plugin: RTP/SRTP streams, codecs, tones.
 */
struct _TrMediaClass {
	TrPluginClass parent_class;
	const gchar *const *encodings;
	/*< private >*/
	gpointer padding[12];
};

const gchar *const *tr_media_get_encodings(TrMedia *self);
gboolean tr_media_supports(TrMedia *self, const gchar *encoding);

G_END_DECLS
