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

/*
 * The input is the main profile and the files it may import, separated by
 * lines "%%": `import 1` reads the second part, `import 2` the third and so
 * on, so that nesting, loops, the limits and errors inside an imported file
 * are fuzzed too. Any other name is not found.
 */
#define PART_SEPARATOR "\n%%\n"

typedef struct {
	GPtrArray *parts; /* GBytes */
} Input;

static GBytes *
import_part(const gchar *name, const gchar *from_file, gchar **resolved, gpointer user_data,
	    GError **error)
{
	Input *input = user_data;
	guint64 index = 0;

	if (!g_ascii_string_to_unsigned(name, 10, 0, G_MAXUINT, &index, NULL) ||
	    index >= input->parts->len) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no part %s", name);
		return NULL;
	}
	if (resolved != NULL)
		*resolved = g_strdup_printf("%" G_GUINT64_FORMAT, index);
	return g_bytes_ref(g_ptr_array_index(input->parts, index));
}

static void
split_parts(Input *input, const uint8_t *data, size_t size)
{
	const uint8_t *start = data;
	const uint8_t *end = data + size;
	const size_t sep_len = strlen(PART_SEPARATOR);

	input->parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	while (start <= end) {
		const uint8_t *sep = NULL;

		for (const uint8_t *p = start; p + sep_len <= end; p++) {
			if (memcmp(p, PART_SEPARATOR, sep_len) == 0) {
				sep = p;
				break;
			}
		}
		g_ptr_array_add(input->parts,
				g_bytes_new(start, (sep != NULL ? sep : end) - start));
		if (sep == NULL)
			break;
		start = sep + sep_len;
	}
}

static gboolean
is_part_name(const gchar *file, const Input *input)
{
	guint64 index = 0;

	return file != NULL && g_ascii_string_to_unsigned(file, 10, 0, G_MAXUINT, &index, NULL) &&
	       index < input->parts->len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(TrProfile) profile = NULL;
	g_autoptr(GPtrArray) parts = NULL;
	Input input = {NULL};
	gsize main_size;
	gconstpointer main_data;

	split_parts(&input, data, size);
	parts = input.parts;
	main_data = g_bytes_get_data(g_ptr_array_index(parts, 0), &main_size);
	profile = tr_profile_parse_text(main_data, main_size, "fuzz.txt", import_part, &input,
					&error);

	/* a profile or an error that says where, never both */
	if (profile == NULL) {
		g_assert_nonnull(error);
		g_assert_true(g_str_has_prefix(error->message, "line ") ||
			      strstr(error->message, ": line ") != NULL);
		g_assert_true(g_utf8_validate(error->message, -1, NULL));
		return 0;
	}
	g_assert_null(error);
	for (guint i = 0; i < profile->entries->len; i++) {
		const TrProfileEntry *entry = g_ptr_array_index(profile->entries, i);

		g_assert_true(g_utf8_validate(entry->name, -1, NULL));
		g_assert_true(entry->value == NULL || g_utf8_validate(entry->value, -1, NULL));
		g_assert_nonnull(entry->access);
		g_assert_cmpuint(strlen(entry->access), ==, 2);
		/* the main file, or a part it imported */
		g_assert_true(entry->file == NULL || is_part_name(entry->file, &input));
		g_assert_cmpuint(entry->line, >=, 1);
		g_assert_cmpuint(entry->column, >=, 1);
	}
	return 0;
}
