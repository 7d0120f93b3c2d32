/*
 * Copyright (C) 2026 The tipring authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the SPA stores a tone script in a field of at most this many characters */
#define TR_TONE_SCRIPT_MAX_LENGTH 127

/**
 * TrToneFrequency:
 * @frequency: the frequency in Hz, 1 to 4000
 * @level: the level in dBm, -90 to 10
 *
 * One `F@L` entry of the frequency list of a tone script.
 */
typedef struct {
	guint frequency; /* Hz */
	gdouble level;	 /* dBm */
} TrToneFrequency;

/**
 * TrToneElement:
 * @on: seconds on, < 0 means forever (`*`)
 * @off: seconds off, < 0 means forever (`*`)
 * @components: bit i set means frequency i (0-based) sounds; 0 is silence
 *
 * One `ON/OFF/COMPONENTS` element of a segment.
 */
typedef struct {
	gdouble on;	  /* seconds, < 0 means forever ('*') */
	gdouble off;	  /* seconds, < 0 means forever */
	guint components; /* bit i set: frequency i (0-based) is on; 0: silence */
} TrToneElement;

/**
 * TrToneSegment:
 * @duration: seconds, < 0 means forever (`*`)
 * @n_elements: the number of used entries in @elements, 1 to 6
 * @elements: the on/off elements, repeated for @duration
 *
 * One `D(ELEMENT,...)` segment (a "cadence section" in SPA manuals).
 */
typedef struct {
	gdouble duration; /* seconds, < 0 means forever */
	guint n_elements;
	TrToneElement elements[6];
} TrToneSegment;

/**
 * TrToneScript:
 * @n_frequencies: the number of used entries in @frequencies, 1 to 6
 * @frequencies: the frequency components
 * @n_segments: the number of used entries in @segments, 1 or 2
 * @segments: the segments, played one after the other
 *
 * A parsed SPA call-progress tone script such as the busy tone
 * `480@-19,620@-19;10(.5/.5/1+2)`.
 */
typedef struct {
	guint n_frequencies;
	TrToneFrequency frequencies[6];
	guint n_segments;
	TrToneSegment segments[2];
} TrToneScript;

gboolean tr_tone_script_parse(const gchar *text, TrToneScript *script, GError **error);
gchar *tr_tone_script_to_string(const TrToneScript *script);

G_END_DECLS
