/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-frontend.h"

G_DEFINE_ABSTRACT_TYPE(TrFrontend, tr_frontend, TR_TYPE_PLUGIN)

gboolean
tr_frontend_wants_model(TrFrontend *self, const TrModel *model)
{
	const gchar *const *tags;

	g_return_val_if_fail(TR_IS_FRONTEND(self), FALSE);
	g_return_val_if_fail(model != NULL, FALSE);

	tags = TR_FRONTEND_GET_CLASS(self)->required_tags;
	for (guint i = 0; tags != NULL && tags[i] != NULL; i++) {
		if (!tr_model_has_tag(model, tags[i]))
			return FALSE;
	}
	return TRUE;
}

gboolean
tr_frontend_device_added(TrFrontend *self, TrDevice *device, GError **error)
{
	TrFrontendClass *klass;

	g_return_val_if_fail(TR_IS_FRONTEND(self), FALSE);
	klass = TR_FRONTEND_GET_CLASS(self);
	if (klass->device_added == NULL)
		return TRUE;
	return klass->device_added(self, device, error);
}

void
tr_frontend_device_removed(TrFrontend *self, TrDevice *device)
{
	TrFrontendClass *klass;

	g_return_if_fail(TR_IS_FRONTEND(self));
	klass = TR_FRONTEND_GET_CLASS(self);
	if (klass->device_removed != NULL)
		klass->device_removed(self, device);
}

static void
tr_frontend_class_init(TrFrontendClass *klass)
{
}

static void
tr_frontend_init(TrFrontend *self)
{
}
