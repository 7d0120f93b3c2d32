#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fails if a C source of the project differs from what .clang-format makes of it.
set -eu
cd "$1"
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h')
else
  files=$(find core devices plugins webui tests -name '*.[ch]')
fi
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
