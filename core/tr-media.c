/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-media.h"

G_DEFINE_ABSTRACT_TYPE(TrMedia, tr_media, TR_TYPE_PLUGIN)

const gchar *const *
tr_media_get_encodings(TrMedia *self)
{
	g_return_val_if_fail(TR_IS_MEDIA(self), NULL);
	return TR_MEDIA_GET_CLASS(self)->encodings;
}

gboolean
tr_media_supports(TrMedia *self, const gchar *encoding)
{
	const gchar *const *encodings = tr_media_get_encodings(self);

	g_return_val_if_fail(encoding != NULL, FALSE);
	for (guint i = 0; encodings != NULL && encodings[i] != NULL; i++) {
		if (g_ascii_strcasecmp(encodings[i], encoding) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
tr_media_class_init(TrMediaClass *klass)
{
}

static void
tr_media_init(TrMedia *self)
{
}
