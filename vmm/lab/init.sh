#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the lab machine (QEMU TCG, nested SVM). Loads KVM and 9p, mounts
# the host's root over 9p, chroots into it and hands over to
# `vipi lab-guest JOBDIR`, which runs the user's command and powers off.
# JOBDIR comes on the kernel command line as vipi.job=.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "vipi-lab-init: $*" >/dev/ttyS0
	reboot -f
}

for m in irqbypass kvm ccp kvm-amd virtio_ring virtio virtio_pci_modern_dev \
	virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p; do
	insmod /lib/modules/$m.ko || fail "insmod $m failed"
done
[ -c /dev/kvm ] || fail "no /dev/kvm after loading kvm-amd"

job=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vipi.job=*) job=${arg#vipi.job=} ;;
	esac
done
[ -n "$job" ] || fail "no vipi.job= on the command line"

r=/mnt
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none host $r ||
	fail "cannot mount the host's root over 9p"
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm 2>/dev/null
mount -t devpts devpts $r/dev/pts
mount -t tmpfs shm $r/dev/shm
mount -t tracefs tracefs $r/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $r/sys/kernel/debug 2>/dev/null
exe=$(cat $r$job/exe) || fail "no $job/exe"
exec chroot $r "$exe" lab-guest "$job"
