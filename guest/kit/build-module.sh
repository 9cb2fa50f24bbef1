#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# build-module.sh KBUILD SRCDIR MODDIR OUTDIR [SYMVERS...]
#
# Builds the modules of one Kbuild directory out of tree:
#   KBUILD   a kernel's Kbuild tree (/lib/modules/VERSION/build), or a kit
#            directory (one with a version file: its kernel's tree is used)
#   SRCDIR   the repository
#   MODDIR   the directory with the Kbuild file, relative to SRCDIR
#            (guest, guest/bench, tests/modules)
#   OUTDIR   where the .ko files and Module.symvers go (one per kernel)
#   SYMVERS  Module.symvers of modules these build on (KBUILD_EXTRA_SYMBOLS)
#
# The sources are copied to OUTDIR/kbuild/ with the repository's layout
# (MODDIR, guest/*.h, include/vipi), so that a Kbuild's relative include
# paths hold there as in the repository, and the source tree stays free of
# build litter. Any compiler or modpost warning fails the build.
set -eu

usage="usage: build-module.sh KBUILD SRCDIR MODDIR OUTDIR [SYMVERS...]"
kbuild=${1:?$usage}
src=${2:?$usage}
moddir=${3:?$usage}
out=${4:?$usage}
shift 4

if [ -e "$kbuild/Makefile" ]; then
	kdir=$kbuild
elif [ -s "$kbuild/version" ]; then
	kdir=/lib/modules/$(cat "$kbuild/version")/build
	[ -e "$kdir/Makefile" ] || {
		echo "vipi kit: no Kbuild tree at $kdir (apt-get install linux-headers-$(cat "$kbuild/version"))" >&2
		exit 1
	}
else
	echo "vipi kit: $kbuild is neither a Kbuild tree nor a kit; run 'make kit'" >&2
	exit 1
fi
[ -e "$src/$moddir/Kbuild" ] || { echo "vipi kit: no $moddir/Kbuild in $src" >&2; exit 1; }

# sync FROM... TODIR: copies the files that changed (keeps Kbuild's timestamps).
sync() {
	eval "to=\${$#}"
	mkdir -p "$to"
	while [ $# -gt 1 ]; do
		[ -e "$1" ] && { cmp -s "$1" "$to/$(basename "$1")" || cp "$1" "$to/"; }
		shift
	done
}

mkdir -p "$out"
out=$(realpath "$out")
stage=$out/kbuild
sync "$src"/include/vipi/*.h "$stage/include/vipi"
sync "$src"/guest/*.h "$stage/guest"
sync "$src/$moddir"/*.c "$src/$moddir"/*.h "$src/$moddir/Kbuild" "$stage/$moddir"

extra=""
for s in "$@"; do
	extra="$extra $(realpath "$s")"
done
# Kbuild's chatter goes to a log, shown on failure or on any warning.
log=$stage/$moddir/build.log
if ! make -s -C "$kdir" M="$stage/$moddir" KBUILD_EXTRA_SYMBOLS="${extra# }" modules \
	>"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
if grep -qi 'warning' "$log"; then
	cat "$log" >&2
	echo "vipi kit: warnings building $moddir (see above)" >&2
	exit 1
fi
for f in "$stage/$moddir"/*.ko "$stage/$moddir/Module.symvers"; do
	[ -e "$f" ] || continue
	m=$(basename "$f")
	cp "$f" "$out/$m.tmp" && mv "$out/$m.tmp" "$out/$m"
done
