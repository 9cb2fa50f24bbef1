#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs the Debian packages vipi needs, once. Idempotent: does nothing when
# everything is present. A non-root user without them gets one line naming
# the packages to install.
set -eu
export DEBIAN_FRONTEND=noninteractive

# dwarves is pahole: Kbuild runs it for the BTF of modules built for the
# 6.12 guest kernels (vipi run|bench --guest-kernel, guest/kit/guest-kernel.sh).
PKGS="meson ninja-build pkg-config gcc make libglib2.0-dev libjson-glib-dev \
qemu-system-x86 busybox-static cpio gzip kmod python3 clang llvm librsvg2-bin \
dwarves libseccomp-dev libvirt-dev libvirt-daemon-system"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "vipi: missing Debian packages; as root run: apt-get install$missing" >&2
	exit 69
fi
echo "vipi: installing$missing" >&2
# The package lists may be empty on a fresh machine.
if [ -z "$(ls /var/lib/apt/lists/*_Packages 2>/dev/null | head -n1)" ] ||
	! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
