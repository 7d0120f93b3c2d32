/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TrError:
 * @TR_ERROR_FAILED: a generic failure
 * @TR_ERROR_INVALID_PARAMETER: a parameter value is not allowed by the schema
 * @TR_ERROR_UNKNOWN_PARAMETER: no parameter of that name on this device
 * @TR_ERROR_INVALID_ARGUMENT: a malformed argument that is not a parameter value
 * @TR_ERROR_NOT_SUPPORTED: the request is valid but this build or model cannot do it
 * @TR_ERROR_ACCESS_DENIED: the caller may not do this
 * @TR_ERROR_PLUGIN: a plugin could not be loaded or started
 * @TR_ERROR_SCHEMA: the parameter schema itself is malformed
 * @TR_ERROR_STORAGE: the configuration could not be read or written
 * @TR_ERROR_NOT_FOUND: no such device, line or object
 *
 * Errors of the tipring core. Registered with D-Bus as
 * `org.tipring.Tipring1.Error.<Name>`, so clients see e.g.
 * `org.tipring.Tipring1.Error.InvalidParameter`.
 */
typedef enum {
	TR_ERROR_FAILED,
	TR_ERROR_INVALID_PARAMETER,
	TR_ERROR_UNKNOWN_PARAMETER,
	TR_ERROR_INVALID_ARGUMENT,
	TR_ERROR_NOT_SUPPORTED,
	TR_ERROR_ACCESS_DENIED,
	TR_ERROR_PLUGIN,
	TR_ERROR_SCHEMA,
	TR_ERROR_STORAGE,
	TR_ERROR_NOT_FOUND,
	TR_ERROR_LAST /*< skip >*/
} TrError;

#define TR_ERROR (tr_error_quark())
GQuark tr_error_quark(void);

G_END_DECLS
