#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The installed plugin SDK on its own, as an out-of-tree plugin sees it:
# installs the headers and tipring-plugin.pc of the build (meson install
# --tags devel) into a temporary destdir, compiles each installed header
# alone and a sample plugin (sample-plugin.c) with plain cc and nothing but
# pkg-config's flags, puts it in the .pc's plugindir and has load-sample load
# and start it. A header the SDK reaches but does not install fails here.
#
# check-sdk.sh BUILD-ROOT PREFIX PLUGINDIR SAMPLE-C LOAD-SAMPLE
# with MESON, CC (a command, may be several words), PKG_CONFIG and NM set.
set -euo pipefail

build=$1 prefix=$2 want_plugindir=$3 sample=$4 load_sample=$5

fail() {
  echo "check-sdk: $*" >&2
  exit 1
}

for var in MESON CC PKG_CONFIG NM; do
  [ -n "${!var:-}" ] || fail "$var is empty: the program was not found when configuring"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-sdk-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# exactly what `meson install` puts there for developers, nothing from the
# source or build tree afterwards
"$MESON" install -C "$build" --destdir "$root" --no-rebuild --quiet --tags devel ||
  fail "meson install --tags devel failed"

pcs=$(find "$root" -name tipring-plugin.pc)
[ -n "$pcs" ] || fail "no tipring-plugin.pc installed"
[ "$(echo "$pcs" | wc -l)" -eq 1 ] || fail "more than one tipring-plugin.pc: $pcs"
pc=$pcs

# the .pc names the real prefix; --define-variable=prefix would move every
# package's (glib's too), so the copy in the destdir is moved by itself
[ "$(sed -n 's/^prefix=//p' "$pc")" = "$prefix" ] || fail "$pc: prefix is not $prefix"
sed -i "s|^prefix=.*|prefix=$root$prefix|" "$pc"
PKG_CONFIG_PATH="${pc%/*}${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
unset CPATH C_INCLUDE_PATH CFLAGS LDFLAGS

pkgvar() {
  "$PKG_CONFIG" --variable="$1" tipring-plugin
}
"$PKG_CONFIG" --exists --print-errors tipring-plugin || fail "pkg-config cannot use $pc"
sdkdir=$(pkgvar includedir)/tipring-1
case $sdkdir in
"$root"/*) ;;
*) fail "includedir $sdkdir is not relative to the prefix" ;;
esac
[ -f "$sdkdir/tipring-plugin.h" ] || fail "no tipring-plugin.h in $sdkdir"
plugindir=$(pkgvar plugindir)
[ "$plugindir" = "$root$want_plugindir" ] ||
  fail "plugindir is $plugindir, tipringd looks in $want_plugindir"
abi=$(pkgvar abi_version)
[[ $abi =~ ^[0-9]+$ ]] || fail "abi_version '$abi' is not a number"
read -r -a cflags <<<"$("$PKG_CONFIG" --cflags tipring-plugin)"
read -r -a libs <<<"$("$PKG_CONFIG" --libs tipring-plugin)"
read -r -a cc <<<"$CC"
warn=(-std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror)

# each header alone, without GETTEXT_PACKAGE, with only the installed ones
n=0
for h in "$sdkdir"/*.h; do
  n=$((n + 1))
  name=${h##*/}
  printf '#include <%s>\n' "$name" >"$tmp/one.c"
  "${cc[@]}" "${warn[@]}" -fsyntax-only "${cflags[@]}" "$tmp/one.c" ||
    fail "installed $name does not compile on its own"
done
echo "check-sdk: $n headers in $sdkdir compile on their own"

# the sample plugin, built as docs/architecture.md says (Out of tree), in plugindir
mkdir -p "$plugindir"
module=$plugindir/libtipring-sdk-sample.so
"${cc[@]}" "${warn[@]}" -fPIC -shared -fvisibility=hidden \
  -DG_LOG_DOMAIN='"sdk-sample"' -DGETTEXT_PACKAGE='"tipring-sdk-sample"' \
  -DSAMPLE_LOCALEDIR="\"$root$prefix/share/locale\"" -DSAMPLE_EXPECTED_ABI_VERSION="$abi" \
  "${cflags[@]}" -o "$module" "$sample" "${libs[@]}" ||
  fail "the sample plugin does not build against the installed SDK"
# as an installed plugin is, else the loader refuses it
chmod 0755 "$module"
exported=$("$NM" -D --defined-only "$module" | awk '$2 == "T" { print $3 }' | grep -v '^_init$\|^_fini$' || true)
[ "$exported" = tr_plugin_describe ] ||
  fail "the sample exports more than tr_plugin_describe:" "${exported//$'\n'/ }"
echo "check-sdk: sample plugin built into $plugindir (ABI $abi)"

"$load_sample" "$tmp/state" "$plugindir" || fail "load-sample refused the sample plugin"
echo "check-sdk: the sample plugin loaded and started"
