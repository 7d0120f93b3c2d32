/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "tr-device-backend.h"

G_DEFINE_ABSTRACT_TYPE(TrDeviceBackend, tr_device_backend, TR_TYPE_PLUGIN)

const gchar *
tr_model_get_line_label(const TrModel *model)
{
	g_return_val_if_fail(model != NULL, NULL);
	return model->kind == TR_MODEL_KIND_PHONE ? "Ext" : "Line";
}

gboolean
tr_model_has_tag(const TrModel *model, const gchar *tag)
{
	g_return_val_if_fail(model != NULL, FALSE);
	return model->tags != NULL && g_strv_contains(model->tags, tag);
}

const TrModel *const *
tr_device_backend_get_models(TrDeviceBackend *self)
{
	g_return_val_if_fail(TR_IS_DEVICE_BACKEND(self), NULL);
	return TR_DEVICE_BACKEND_GET_CLASS(self)->models;
}

/**
 * tr_device_backend_find_model:
 * @name: a model name, matched case-insensitively
 *
 * Returns: (nullable): the model, or %NULL if the backend does not serve it
 */
const TrModel *
tr_device_backend_find_model(TrDeviceBackend *self, const gchar *name)
{
	const TrModel *const *models = tr_device_backend_get_models(self);

	g_return_val_if_fail(name != NULL, NULL);
	for (guint i = 0; models != NULL && models[i] != NULL; i++) {
		if (g_ascii_strcasecmp(models[i]->name, name) == 0)
			return models[i];
	}
	return NULL;
}

gboolean
tr_device_backend_setup_device(TrDeviceBackend *self, TrDevice *device, GError **error)
{
	TrDeviceBackendClass *klass;

	g_return_val_if_fail(TR_IS_DEVICE_BACKEND(self), FALSE);
	klass = TR_DEVICE_BACKEND_GET_CLASS(self);
	if (klass->setup_device == NULL)
		return TRUE;
	return klass->setup_device(self, device, error);
}

static void
tr_device_backend_class_init(TrDeviceBackendClass *klass)
{
}

static void
tr_device_backend_init(TrDeviceBackend *self)
{
}
