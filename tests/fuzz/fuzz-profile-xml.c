/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tr-profile-parser.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* a critical (a g_return_if_fail() hit) is a bug the fuzzer must report */
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = tr_profile_parse_xml(data, size, &error);

	/* a profile or an error that says where, never both */
	if (profile == NULL) {
		g_assert_nonnull(error);
		g_assert_true(g_str_has_prefix(error->message, "line "));
		g_assert_true(g_utf8_validate(error->message, -1, NULL));
		return 0;
	}
	g_assert_null(error);
	for (guint i = 0; i < profile->entries->len; i++) {
		const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);

		g_assert_true(g_utf8_validate(entry->name, -1, NULL));
		g_assert_true(entry->value == NULL || g_utf8_validate(entry->value, -1, NULL));
		g_assert_true(entry->access == NULL || strlen(entry->access) == 2);
		g_assert_null(entry->file);
		g_assert_cmpuint(entry->line, >=, 1);
		g_assert_cmpuint(entry->column, >=, 1);
	}
	return 0;
}
