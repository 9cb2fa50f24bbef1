#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-kernel.sh KITDIR [VERSION]
#
# Puts a Debian kernel into KITDIR without installing it on the host:
#   KITDIR/version   the kernel release, e.g. 6.1.0-57-amd64
#   KITDIR/vmlinuz   the bzImage
#   KITDIR/root/     the unpacked package (modules under lib/modules/VERSION)
# and makes sure its Kbuild tree (linux-headers-VERSION) is installed, for the
# guest module. VERSION defaults to what Debian's linux-image-amd64 depends on
# today (resolved, never hard-coded).
#
# This kernel is the lab machine's, and the default guest's. The lab needs
# one known to host it: its kvm-amd needs ccp, which the cloud flavour lacks,
# and with the rt flavour as the kit the bench ended in a lab machine's
# reboot (issue 12). Other guest kernels do not change it: `vipi run|bench
# --guest-kernel K` builds theirs apart, under build/kernels/ (guest-kernel.sh).
set -eu
export DEBIAN_FRONTEND=noninteractive

kit=${1:?usage: fetch-kernel.sh KITDIR [VERSION]}
ver=${2:-}

die() {
	echo "vipi kit: $*" >&2
	exit 1
}

# VIPI_KERNEL once chose the kit's kernel, and so the lab's too.
[ -z "${VIPI_KERNEL:-}" ] ||
	echo "vipi kit: VIPI_KERNEL is no longer read (the kit is the lab's kernel);" \
		"choose the guest's with vipi run|bench --guest-kernel $VIPI_KERNEL" >&2

if [ -z "$ver" ]; then
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*\)$/\1/p' | head -n1)
	if [ -z "$dep" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null
		dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\([0-9].*\)$/\1/p' | head -n1)
	fi
	[ -n "$dep" ] || die "cannot resolve the kernel behind linux-image-amd64 (apt-get update?)"
	ver=$dep
fi

mkdir -p "$kit"
if [ "$(cat "$kit/version" 2>/dev/null)" != "$ver" ] || [ ! -s "$kit/vmlinuz" ]; then
	tmp=$(mktemp -d "$kit/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "linux-image-$ver" >/dev/null 2>&1) ||
		die "apt-get download linux-image-$ver failed (unknown version, or no package lists)"
	dpkg -x "$tmp"/linux-image-"$ver"_*.deb "$tmp/root"
	[ -s "$tmp/root/boot/vmlinuz-$ver" ] || die "linux-image-$ver has no vmlinuz"
	rm -rf "$kit/root"
	mv "$tmp/root" "$kit/root"
	ln -sf "root/boot/vmlinuz-$ver" "$kit/vmlinuz"
	echo "$ver" >"$kit/version.tmp" && mv "$kit/version.tmp" "$kit/version"
	echo "vipi kit: kernel $ver in $kit" >&2
fi

if [ ! -e "/lib/modules/$ver/build/Makefile" ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing Kbuild tree; as root run: apt-get install linux-headers-$ver"
	fi
	apt-get install -y -q "linux-headers-$ver" >/dev/null 2>&1 || {
		apt-get update -q >/dev/null
		apt-get install -y -q "linux-headers-$ver" >/dev/null
	}
fi
exit 0
