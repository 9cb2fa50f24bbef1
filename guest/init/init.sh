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

if [ -f /vipi/cmd.sh ]; then
	out=$(tty_or_console /dev/ttyS1)
	err=$(tty_or_console /dev/ttyS2)
	ctl $CTL_MARK 1
	cd /root 2>/dev/null || cd /
	sh /vipi/cmd.sh </dev/null >"$out" 2>"$err"
	status=$?
	ctl $CTL_STATUS $status
else
	cd /root 2>/dev/null || cd /
	setsid cttyhack sh -l
	ctl $CTL_STATUS $?
fi
# Not reached under vipi (the status ends the run); elsewhere, reboot=k.
reboot -f
