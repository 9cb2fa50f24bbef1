#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of a `vipi run` guest (busybox). Runs the command that vipi appended
# to the initramfs as /vipi/cmd.sh, as root, with stdout on ttyS1 and stderr
# on ttyS2 (clean of kernel messages), then reports its exit status through
# the guest-control port (vmm/devices/devices.h), which ends the run. Without
# a command: a shell on the console.
export PATH=/bin:/sbin HOME=/root TERM=${TERM:-linux}
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp

# Ports of the control device, in decimal for dd: status 0x500, mark 0x501.
CTL_STATUS=1280
CTL_MARK=1281

# ctl PORT BYTE: one outb, by ioperm() (/bin/vipi-ctl: kernels without
# /dev/port, such as Debian's cloud flavour) or else through /dev/port.
ctl() {
	vipi-ctl "$1" "$2" 2>/dev/null ||
		printf "\\$(printf %o "$2")" | dd of=/dev/port bs=1 seek="$1" count=1 2>/dev/null
}

# Under another VMM (QEMU in the boot-time comparison) there may be no
# ttyS1/ttyS2: fall back to the console.
tty_or_console() {
	if stty -F "$1" raw -echo 2>/dev/null; then echo "$1"; else echo /dev/console; fi
}

# --- virtio-fs shares (vipi run --rootfs/--rwdir; vmm/devices/virtio_fs.c) ---
# /vipi/shares has one "TAG ro|rw GUESTDIR" line per share. The root share
# (GUESTDIR /) is mounted read-only, the kit's /lib/vipi and /vipi are laid
# over it (a read-only overlayfs, so vipi.ko loads as documented), the guest
# gets its own /proc, /sys, /dev, /run and /tmp there, and the command runs
# chrooted in it, in /vipi/cwd (the caller's directory). --rwdir shares are
# mounted writable at their GUESTDIR. Failing that: one line on the
# command's stderr and status 78 (the guest cannot do what was asked).
NEWROOT=
ROOT_EXEC=
ROOT_SH=sh
run_cd() { cd /root 2>/dev/null || cd /; }
shares_fail() {
	echo "vipi: $*" >"$(tty_or_console /dev/ttyS2)"
	ctl $CTL_STATUS 78
	reboot -f
}
shares_modules() {
	grep -qw virtiofs /proc/filesystems && return 0
	for m in $(cat /lib/modules/virtiofs/order 2>/dev/null); do
		insmod "/lib/modules/virtiofs/$m.ko" 2>/dev/null
	done
	grep -qw virtiofs /proc/filesystems ||
		shares_fail "this guest kernel has no virtiofs (CONFIG_VIRTIO_FS, CONFIG_VIRTIO_PCI; the kit's kernel has them as modules): --rootfs and --rwdir need it"
}
shares_root() {
	mkdir -p /mnt/share /kit /newroot
	mount -t virtiofs -o ro "$1" /mnt/share || shares_fail "cannot mount the root share ($1)"
	# Where /lib really is in the share (usr/lib on a merged-/usr Debian): a
	# kit "lib" directory would hide the share's lib symlink, and the dynamic
	# loader behind it.
	lib=lib
	[ ! -L /mnt/share/lib ] || lib=$(readlink /mnt/share/lib)
	lib=${lib#/}
	mkdir -p "/kit/$lib"
	cp -a /lib/vipi "/kit/$lib/" && cp -a /vipi /kit/
	# chroot(1) starts in the new root's /: the command's directory is
	# entered inside it.
	printf '%s\n' 'cd "$(cat /vipi/cwd 2>/dev/null)" 2>/dev/null || cd /' 'exec "$@"' \
		>/kit/vipi/enter
	mount -t overlay -o ro,lowerdir=/kit:/mnt/share kit /newroot ||
		shares_fail "cannot lay the kit's files over the root share (overlayfs)"
	for fs in proc:proc sysfs:sys devtmpfs:dev tmpfs:run tmpfs:tmp; do
		mount -t "${fs%%:*}" none "/newroot/${fs#*:}" 2>/dev/null ||
			shares_fail "the shared root has no /${fs#*:} to mount the guest's own on"
	done
	mkdir -p /newroot/dev/pts /newroot/dev/shm
	mount -t devpts devpts /newroot/dev/pts
	NEWROOT=/newroot
	# By path: busybox-static prefers its own applets, "sh" would be its own.
	ROOT_EXEC="chroot /newroot /bin/sh /vipi/enter"
	ROOT_SH=/bin/sh
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	run_cd() { cd /newroot; }
}
if [ -f /vipi/shares ]; then
	shares_modules
	while read -r tag mode dir; do
		[ "$dir" = / ] && shares_root "$tag"
	done </vipi/shares
	while read -r tag mode dir; do
		[ "$dir" = / ] && continue
		# Made where the guest can (its busybox root, its own /tmp or /run).
		mkdir -p "$NEWROOT$dir" 2>/dev/null
		[ -d "$NEWROOT$dir" ] || shares_fail "--rwdir: no directory $dir in the guest's root to mount it on"
		mount -t virtiofs "$tag" "$NEWROOT$dir" || shares_fail "cannot mount the share $tag at $dir"
	done </vipi/shares
fi
# --- end of virtio-fs shares ---

if [ -f /vipi/cmd.sh ]; then
	out=$(tty_or_console /dev/ttyS1)
	err=$(tty_or_console /dev/ttyS2)
	ctl $CTL_MARK 1
	run_cd
	$ROOT_EXEC $ROOT_SH /vipi/cmd.sh </dev/null >"$out" 2>"$err"
	status=$?
	[ ! -f /vipi/shares ] || sync
	ctl $CTL_STATUS $status
else
	run_cd
	setsid cttyhack $ROOT_EXEC $ROOT_SH -l
	ctl $CTL_STATUS $?
fi
# Not reached under vipi (the status ends the run); elsewhere, reboot=k.
reboot -f
