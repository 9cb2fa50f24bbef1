#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the QEMU and libvirt guests of watch.sh: call-function-single
# IPIs from CPU 0 to CPU 1 at vipi_pace.rate per second (vipi_pace.ko),
# until the VM is stopped; the module prints its counts every second on the
# console (loglevel 6 lets its KERN_NOTICE lines through).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
taskset -p 1 $$ >/dev/null 2>&1
rate=50
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vipi_pace.rate=*) rate=${arg#*=} ;;
	esac
done
echo "pace: started rate=$rate cpus=$(grep -c ^processor /proc/cpuinfo)"
# The module prints its status itself (report_ms): nothing else runs here.
insmod /lib/vipi/vipi_pace.ko rate="$rate" report_ms=1000 || { echo "pace: insmod failed"; poweroff -f; }
exec sleep 1000000
