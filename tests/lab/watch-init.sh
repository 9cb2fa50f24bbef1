#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the QEMU and libvirt guests of watch.sh: call-function-single
# IPIs from CPU 0 to CPU 1 at vipi_pace.rate per second (vipi_pace.ko),
# until the VM is stopped; the module's counts every second on the console.
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
p=/sys/module/vipi_pace/parameters
insmod /lib/vipi/vipi_pace.ko rate="$rate" || { echo "pace: insmod failed"; poweroff -f; }
echo "pace: started rate=$rate cpus=$(grep -c ^processor /proc/cpuinfo)"
while sleep 1; do
	echo "pace: $(cat $p/status)"
done
