#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# mkmodules.sh OUT.cpio.gz KITDIR MODULE...   (guest/kit/virtiofs.modules lists ours)
#
# An archive of kernel modules only, which vipi appends to the initramfs
# when a run needs them (--rootfs, --rwdir: virtio-fs): each MODULE (path
# relative to the kit kernel's lib/modules/VERSION/kernel, without .ko) at
# /lib/modules/virtiofs/NAME.ko, and their order, dependencies first, in
# /lib/modules/virtiofs/order for guest/init/init.sh to insmod.
# Written to a temporary name and renamed: never half-written.
set -eu

out=${1:?usage}
kit=${2:?usage}
shift 2

[ -s "$kit/version" ] || { echo "vipi kit: no kernel in $kit; run 'make kit'" >&2; exit 1; }
ver=$(cat "$kit/version")
moddir="$kit/root/lib/modules/$ver/kernel"

stage=$(mktemp -d)
trap 'rm -rf "$stage" "$out.tmp"' EXIT
mkdir -p "$stage/lib/modules/virtiofs"
for m in "$@"; do
	name=$(basename "$m")
	src=$(ls "$moddir/$m.ko"* 2>/dev/null | head -n1)
	# Built in (a flavour may have virtio so): nothing to load.
	if [ -z "$src" ] && grep -q "/$m.ko" "$kit/root/lib/modules/$ver/modules.builtin" 2>/dev/null; then
		continue
	fi
	[ -n "$src" ] || { echo "vipi kit: module $m not in kernel $ver" >&2; exit 1; }
	case "$src" in
	*.ko.xz) xz -dc "$src" >"$stage/lib/modules/virtiofs/$name.ko" ;;
	*.ko.zst) zstd -dqc "$src" >"$stage/lib/modules/virtiofs/$name.ko" ;;
	*) cp "$src" "$stage/lib/modules/virtiofs/$name.ko" ;;
	esac
	echo "$name" >>"$stage/lib/modules/virtiofs/order"
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
