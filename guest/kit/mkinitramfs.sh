#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh OUT.cpio.gz KITDIR INIT [FILE...] [-- MODULE...]
#
# A busybox initramfs: /init is INIT, /bin/vipi-ctl its control-port helper
# (guest/init/vipi-ctl.c, built here), each FILE is copied to /lib/vipi/,
# each MODULE (path relative to the kit kernel's lib/modules/VERSION/kernel,
# without .ko) to /lib/modules/NAME.ko, so that INIT can insmod them in order.
# The archive is written to a temporary name and renamed: never half-written.
set -eu

out=${1:?usage}
kit=${2:?usage}
init=${3:?usage}
shift 3

busybox=$(command -v busybox || echo /bin/busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	{ echo "vipi kit: need busybox-static (apt-get install busybox-static)" >&2; exit 1; }
[ -s "$kit/version" ] || { echo "vipi kit: no kernel in $kit; run 'make kit'" >&2; exit 1; }
ver=$(cat "$kit/version")
moddir="$kit/root/lib/modules/$ver/kernel"

stage=$(mktemp -d)
trap 'rm -rf "$stage" "$out.tmp"' EXIT
mkdir -p "$stage/bin" "$stage/lib/modules" "$stage/lib/vipi" "$stage/proc" "$stage/sys" \
	"$stage/dev" "$stage/tmp" "$stage/mnt" "$stage/root"
cp "$busybox" "$stage/bin/busybox"
for app in $("$busybox" --list); do
	[ "$app" = busybox ] || ln -s busybox "$stage/bin/$app"
done
ln -s bin "$stage/sbin"
cp "$init" "$stage/init"
chmod 755 "$stage/init"
# No libc, static: a few KiB (kernels without /dev/port: guest/init/init.sh).
${CC:-cc} -Os -static -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -fno-pie \
	-no-pie -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -Wl,--build-id=none -s \
	-o "$stage/bin/vipi-ctl" "$(dirname "$0")/../init/vipi-ctl.c" ||
	{ echo "vipi kit: cannot build guest/init/vipi-ctl.c" >&2; exit 1; }

while [ $# -gt 0 ]; do
	[ "$1" = "--" ] && { shift; break; }
	cp "$1" "$stage/lib/vipi/"
	shift
done
for m in "$@"; do
	src=$(ls "$moddir/$m.ko"* 2>/dev/null | head -n1)
	[ -n "$src" ] || { echo "vipi kit: module $m not in kernel $ver" >&2; exit 1; }
	case "$src" in
	*.ko.xz) xz -dc "$src" >"$stage/lib/modules/$(basename "$m").ko" ;;
	*.ko.zst) zstd -dqc "$src" >"$stage/lib/modules/$(basename "$m").ko" ;;
	*) cp "$src" "$stage/lib/modules/" ;;
	esac
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
