#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# build-module.sh OUTDIR KITDIR SRCDIR
#
# Builds the guest modules (vipi.ko, vipi_stress.ko, vipi_nohz.ko,
# vipi_hostile.ko: every obj-m of guest/Kbuild) for the kit's kernel
# (KITDIR/version) out of tree: copies guest/*.c, *.h, Kbuild and
# include/vipi into OUTDIR/vipi-module, runs Kbuild there and copies the
# modules to OUTDIR. The copy keeps the source tree free of build litter.
set -eu

out=${1:?usage: build-module.sh OUTDIR KITDIR SRCDIR}
kit=${2:?usage}
src=${3:?usage}

[ -s "$kit/version" ] || { echo "vipi kit: no kernel in $kit; run 'make kit'" >&2; exit 1; }
ver=$(cat "$kit/version")
kdir=/lib/modules/$ver/build
[ -e "$kdir/Makefile" ] ||
	{ echo "vipi kit: no Kbuild tree at $kdir (apt-get install linux-headers-$ver)" >&2; exit 1; }

stage=$out/vipi-module
mkdir -p "$stage/include/vipi"
for f in "$src"/guest/*.c "$src"/guest/*.h "$src"/guest/Kbuild; do
	cmp -s "$f" "$stage/$(basename "$f")" || cp "$f" "$stage/"
done
for f in "$src"/include/vipi/*.h; do
	cmp -s "$f" "$stage/include/vipi/$(basename "$f")" || cp "$f" "$stage/include/vipi/"
done
# Kbuild's chatter (BTF skipped: no vmlinux) goes to a log shown on failure.
make -s -C "$kdir" M="$(realpath "$stage")" modules >"$stage/build.log" 2>&1 ||
	{ cat "$stage/build.log" >&2; exit 1; }
for ko in "$stage"/*.ko; do
	m=$(basename "$ko")
	cp "$ko" "$out/$m.tmp" && mv "$out/$m.tmp" "$out/$m"
done
