#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fails if the D-Bus reference (the first argument, Markdown) does not name
# every interface, property, method and signal of the introspection XML files
# that follow. A name counts only inside backticks (`GetParameters`), alone or
# qualified by its interface (`Device.GetParameters`,
# `org.tipring.Tipring1.Device.GetParameters`). Plain grep/sed/awk: xmllint
# need not be installed.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 REFERENCE.md INTERFACE.xml..." >&2
  exit 2
fi
doc=$1
shift
for f in "$doc" "$@"; do
  if [ ! -r "$f" ]; then
    echo "$0: cannot read $f" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the words inside the reference's inline code spans, one per line; fenced
# blocks (```) are examples, not names
tr -d '\r' <"$doc" | awk '
  /^[[:space:]]*(```|~~~)/ { fenced = !fenced; next }
  fenced { next }
  {
    n = split($0, part, "`")
    for (i = 2; i <= n; i += 2)
      print part[i]
  }' | tr -c 'A-Za-z0-9_.\n' '\n' | sed -e 's/^\.*//' -e 's/\.*$//' | grep -v '^$' |
  sort -u >"$tmp/words"

# "KIND INTERFACE NAME" for every element of the XML files; comments go first,
# since they may quote elements
for xml in "$@"; do
  tr -d '\r' <"$xml" | tr '\n\t' '  ' |
    sed -E -e 's/<!--([^-]|-[^-])*-->//g' -e 's/</\n</g' |
    sed -n -E "s/^<(interface|property|method|signal)[[:space:]](.*[[:space:]])?name=[\"']([^\"']*)[\"'].*/\1 \3/p" |
    awk -v file="$xml" '
      $1 == "interface" { iface = $2; print "interface", $2, $2; next }
      iface == "" { printf "%s: <%s name=\"%s\"> outside an <interface>\n", file, $1, $2 > "/dev/stderr"; exit 1 }
      { print $1, iface, $2 }' >"$tmp/names.one"
  if [ ! -s "$tmp/names.one" ]; then
    echo "$0: no <interface> found in $xml" >&2
    exit 1
  fi
  cat "$tmp/names.one" >>"$tmp/names"
done

missing=0
while read -r kind iface name; do
  short=${iface##*.}
  if [ "$kind" = interface ]; then
    grep -qxF -- "$iface" "$tmp/words" && continue
  else
    grep -qxF -e "$name" -e "$short.$name" -e "$iface.$name" "$tmp/words" && continue
  fi
  if [ $missing -eq 0 ]; then
    echo "$doc does not name, in backticks:" >&2
  fi
  missing=$((missing + 1))
  if [ "$kind" = interface ]; then
    echo "  interface $iface" >&2
  else
    echo "  $kind $name (of $iface)" >&2
  fi
done <"$tmp/names"

if [ $missing -gt 0 ]; then
  echo "$missing name(s) missing" >&2
  exit 1
fi
echo "$doc names all $(wc -l <"$tmp/names") interfaces and members of $# file(s)"
