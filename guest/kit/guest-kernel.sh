#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-kernel.sh BUILDDIR SRCDIR NAME
# guest-kernel.sh BUILDDIR SRCDIR --kdir KBUILD_TREE BZIMAGE [nohz]
#
# A guest kernel for `vipi run|bench --guest-kernel NAME`, cached per release
# in BUILDDIR/kernels/RELEASE/ (the layout of the kit, BUILDDIR/guest):
#   version  vmlinuz  config  vipi.ko  bench/vipi_bench.ko  bench/vipi_nohz.ko
#   guest.cpio.gz  bench.cpio.gz
# NAME is a Debian kernel release (6.1.0-57-rt-amd64, 6.12.95+deb12-amd64) or
# a short name resolved to today's release: amd64, cloud, rt (bookworm) and
# 6.12, 6.12-cloud, 6.12-rt (bookworm-backports). The packages are fetched
# with apt-get download and unpacked with dpkg-deb: no kernel is installed on
# the host. With --kdir, a kernel the user built: BZIMAGE, and the modules
# built against KBUILD_TREE (its .config and Module.symvers), cached in
# BUILDDIR/kernels/kdir-RELEASE-HASH/ (HASH: of the bzImage, .config and
# Module.symvers, so that a rebuilt tree is not taken for the old one);
# "nohz" also asks for what `vipi bench --suite nohz` needs. The release
# directory appears whole (built in a temporary one, then renamed) or not at
# all, also on failure or ^C.
#
# Prints progress on stderr and the release directory on stdout. Exit status:
# 0; 2 for a NAME that names no kernel (one line listing what exists); 3 for
# a kernel that lacks what vipi's guests need (one line naming the CONFIG
# options, guest/kit/kernel-needs.sh) or a --kdir tree that cannot serve (one
# line); 1 for anything else (download, build).
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

usage="usage: guest-kernel.sh BUILDDIR SRCDIR NAME|--kdir KBUILD_TREE BZIMAGE [nohz]"
build=${1:?$usage}
src=${2:?$usage}
name=${3:?$usage}
kernels=$(realpath -m "$build")/kernels
src=$(realpath "$src")
shorts="amd64, cloud, rt, 6.12, 6.12-cloud, 6.12-rt"

say() {
	echo "vipi kernels: $*" >&2
}

die() {
	say "$*"
	exit 1
}

# The host's package lists know bookworm; bookworm-backports gets a private
# apt configuration under BUILDDIR/kernels/.apt, the host's sources untouched.
bpo=$kernels/.apt
bpo_opts="-o Dir::Etc::SourceList=$bpo/sources.list -o Dir::Etc::SourceParts=$bpo/parts
-o Dir::State::Lists=$bpo/lists -o Dir::Cache=$bpo/cache"

bpo_update() {
	# apt dates the lists by the archive's Release, not by the update: a stamp.
	[ -n "$(find "$bpo/updated" -mmin -1440 2>/dev/null)" ] && return 0
	say "updating the bookworm-backports package list"
	mkdir -p "$bpo/parts" "$bpo/lists/partial" "$bpo/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian bookworm-backports main" >"$bpo/sources.list"
	# shellcheck disable=SC2086
	apt-get $bpo_opts update -q >/dev/null 2>&1 || die "apt-get update (bookworm-backports) failed"
	touch "$bpo/updated"
}

# depends OPTS PACKAGE: the versioned package PACKAGE depends on first.
depends() {
	# shellcheck disable=SC2086
	apt-cache $1 depends "$2" 2>/dev/null | sed -n 's/^ *Depends: \(linux-[a-z]*-[0-9].*\)$/\1/p' |
		head -n1
}

# The release NAME stands for today (apt options OPTS); empty for none.
resolve() {
	case "$name" in
	amd64 | 6.12) depends "$opts" linux-image-amd64 | sed 's/^linux-image-//' ;;
	cloud | rt | 6.12-cloud | 6.12-rt)
		depends "$opts" "linux-image-${name#6.12-}-amd64" | sed 's/^linux-image-//'
		;;
	*)
		# shellcheck disable=SC2086
		apt-cache $opts show "linux-image-$name" >/dev/null 2>&1 && echo "$name"
		;;
	esac
}

unknown() {
	example=$(depends "" linux-image-amd64 | sed 's/^linux-image-//')
	echo "vipi: no guest kernel '$name': one of $shorts, or a Debian release such as" \
		"${example:-6.1.0-57-amd64} (apt-cache search linux-image-)" >&2
	exit 2
}

# build_kit KDIR: the modules against KDIR and the images into $out (a
# kit's layout), then $out renamed to $dir.
build_kit() {
	say "building vipi.ko and the bench modules for $rel"
	kit=$src/guest/kit
	sh "$kit/build-module.sh" "$1" "$src" guest "$out" >&2
	sh "$kit/build-module.sh" "$1" "$src" guest/bench "$out/bench" "$out/Module.symvers" >&2
	rm -rf "$out/kbuild" "$out/bench/kbuild"

	say "building the initramfs images"
	init=$src/guest/init/init.sh
	sh "$kit/mkinitramfs.sh" "$out/guest.cpio.gz" "$out" "$init" "$out/vipi.ko"
	sh "$kit/mkinitramfs.sh" "$out/bench.cpio.gz" "$out" "$init" "$out/vipi.ko" \
		"$out/bench/vipi_bench.ko" "$out/bench/vipi_nohz.ko"

	# The virtio-fs modules `vipi run --rootfs/--rwdir` appends (guest/meson.build).
	echo "$rel" >"$tmp/version"
	sh "$kit/mkmodules.sh" "$out/virtiofs.cpio.gz" "$tmp" $(cat "$kit/virtiofs.modules") ||
		say "no virtio-fs modules for $rel: its --rootfs runs will say so"

	# Another run may have finished the same release meanwhile: keep the first.
	mv -T "$out" "$dir" 2>/dev/null || [ -s "$dir/bench.cpio.gz" ] || die "cannot create $dir"
	say "$rel in $dir"
	echo "$dir"
}

# tmpdir: a temporary directory under $kernels, removed on any exit.
tmpdir() {
	mkdir -p "$kernels"
	tmp=$(mktemp -d "$kernels/.$1.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	out=$tmp/kit
	mkdir "$out"
}

# unsuitable WHAT: one line, status 3.
unsuitable() {
	say "$*"
	exit 3
}

# The kernel release a bzImage names (its kernel_version string), or empty.
bzimage_release() {
	off=$(od -An -tu2 -j526 -N2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 512)) count=256 2>/dev/null | tr '\0' '\n' | head -n1 |
		cut -d' ' -f1
}

# --kdir: a kernel the user built.
if [ "$name" = --kdir ]; then
	tree=${4:?$usage}
	bz=${5:?$usage}
	[ -f "$bz" ] || unsuitable "$bz: no such bzImage"
	[ -f "$tree/Makefile" ] || unsuitable "$tree: not a Kbuild tree (no Makefile)"
	[ -f "$tree/.config" ] || unsuitable "$tree: no .config (configure and build the kernel there)"
	[ -f "$tree/Module.symvers" ] || unsuitable "$tree: no Module.symvers (build the kernel there: make, not only make modules_prepare)"
	# The release the modules' vermagic will carry (Debian's kernel.release differs).
	rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$tree/include/generated/utsrelease.h" \
		2>/dev/null || true)
	[ -n "$rel" ] || unsuitable "$tree: no include/generated/utsrelease.h (build the kernel there)"
	bzrel=$(bzimage_release "$bz")
	[ "$bzrel" = "$rel" ] || unsuitable "$bz is kernel ${bzrel:-unknown}, the tree $tree is $rel"
	# shellcheck disable=SC2086 # no sixth argument: none
	sh "$src/guest/kit/kernel-needs.sh" "$tree/.config" "$rel" ${6:-} || exit 3
	key=$(cat "$bz" "$tree/.config" "$tree/Module.symvers" | sha256sum | cut -c1-12)
	dir=$kernels/kdir-$rel-$key
	if [ -s "$dir/bench.cpio.gz" ]; then
		echo "$dir"
		exit 0
	fi
	tmpdir "kdir-$rel"
	cp "$bz" "$out/vmlinuz"
	cp "$tree/.config" "$out/config"
	echo "$rel" >"$out/version"
	build_kit "$(realpath "$tree")"
	exit 0
fi

# A name that cannot be a release is refused before anything is fetched or written.
case "$name" in
amd64 | cloud | rt | 6.12 | 6.12-cloud | 6.12-rt | [0-9]*-amd64) ;;
*) unknown ;;
esac
case "$name" in
amd64 | cloud | rt | 6.1.*) opts="" ;;
*)
	bpo_update
	opts=$bpo_opts
	;;
esac
rel=$(resolve || true)
[ -n "$rel" ] || unknown
[ "$rel" = "$name" ] || say "$name is $rel"

dir=$kernels/$rel
if [ -s "$dir/bench.cpio.gz" ]; then
	echo "$dir"
	exit 0
fi

tmpdir "$rel"

# The image, its headers, their -common companion and the Kbuild tools.
hdr=linux-headers-$rel
pkgs="linux-image-$rel $hdr"
# shellcheck disable=SC2086
for dep in $(apt-cache $opts depends "$hdr" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[0-9].*\)$/\1/p'); do
	pkgs="$pkgs $dep"
done
say "fetching $pkgs"
mkdir "$tmp/deb" "$tmp/root"
# apt drops privileges to _apt for downloads: let it write there.
chmod 755 "$tmp" && chmod 777 "$tmp/deb"
# shellcheck disable=SC2086
(cd "$tmp/deb" && apt-get $opts download -q $pkgs >/dev/null 2>&1) ||
	die "apt-get download $pkgs failed"
for deb in "$tmp"/deb/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root"
done
rm -rf "$tmp/deb"

cp "$tmp/root/boot/vmlinuz-$rel" "$out/vmlinuz" || die "linux-image-$rel has no vmlinuz"
cp "$tmp/root/boot/config-$rel" "$out/config"
echo "$rel" >"$out/version"

# What vipi's guests need (guest/kit/kernel-needs.sh); Debian's flavours have it all.
sh "$src/guest/kit/kernel-needs.sh" "$out/config" "$rel" || exit 3

# The headers' Makefile includes its -common tree by absolute path: point it
# at the unpacked one (the scripts and tools links are already relative).
kdir=$tmp/root/usr/src/linux-headers-$rel
sed -i "s|^include /usr/src/|include $tmp/root/usr/src/|" "$kdir/Makefile"
build_kit "$kdir"
