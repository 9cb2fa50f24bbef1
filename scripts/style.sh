#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# style.sh SRCDIR CACHEDIR: the kernel modules' C (guest/, guest/bench/,
# tests/modules/) through the kernel's own scripts/checkpatch.pl, and every
# C file of the tree through clang-format with the committed .clang-format.
# Any checkpatch error or warning, or any reformatting, fails.
#
# checkpatch.pl is not packaged on its own: it comes from Debian's
# linux-source-6.1, fetched once with `apt-get download` (nothing installed)
# into CACHEDIR; a fetch cut short leaves nothing there.
set -eu
src=${1:?usage: style.sh SRCDIR CACHEDIR}
cache=${2:?usage: style.sh SRCDIR CACHEDIR}
pkg=linux-source-6.1

if [ ! -f "$cache/scripts/checkpatch.pl" ]; then
	mkdir -p "$(dirname "$cache")"
	tmp=$(mktemp -d "$cache.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		echo "style: cannot fetch $pkg for checkpatch.pl (apt-get download $pkg)"
		exit 1
	fi
	deb=$(ls "$tmp"/${pkg}_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$tmp/usr/src/$pkg.tar.xz" -C "$tmp" --strip-components=1 \
		"$pkg/scripts/checkpatch.pl" "$pkg/scripts/spelling.txt" \
		"$pkg/scripts/const_structs.checkpatch"
	dpkg-deb -f "$deb" Version >"$tmp/scripts/VERSION"
	rm -rf "$cache"
	mkdir "$cache"
	mv "$tmp/scripts" "$cache/"
fi

cd "$src"
# A pathspec's * matches across /: guest/bench/ too; guest/init/ is userspace.
mods=$(git ls-files 'guest/*.[ch]' 'tests/modules/*.c' | grep -v '^guest/init/')
all=$(git ls-files '*.c' '*.h')
bad=0
for f in $mods; do
	out=$(perl "$cache/scripts/checkpatch.pl" --no-tree --terse --no-summary -q -f "$f" || true)
	if [ -n "$out" ]; then
		echo "$out"
		bad=$((bad + 1))
	fi
done
# shellcheck disable=SC2086
fmt=$(clang-format --dry-run --Werror $all 2>&1 | grep ': error:' || true)
[ -z "$fmt" ] || echo "$fmt"
nmods=$(echo "$mods" | wc -w)
nall=$(echo "$all" | wc -w)
if [ "$bad" -ne 0 ] || [ -n "$fmt" ]; then
	echo "style: $bad of $nmods module files with checkpatch warnings;" \
		"$(echo "$fmt" | grep -c . || true) clang-format errors"
	exit 1
fi
echo "style: $nmods module files checkpatch-clean ($pkg $(cat "$cache/scripts/VERSION")), $nall C files clang-format-clean"
