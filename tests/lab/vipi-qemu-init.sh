#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the QEMU/KVM guest of vipi-qemu-fallback.sh: there is no vipi
# device under QEMU, so the module must load, stay unbound and fall back.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "result: cpus=$(grep -c ^processor /proc/cpuinfo)"
insmod /lib/vipi/vipi.ko && insmod /lib/vipi/vipi_bench.ko && insmod /lib/vipi/vipi_stress.ko &&
	echo "result: loaded=1"
echo "result: bound=$(cut -d' ' -f1 /sys/kernel/vipi/bound) takeover=$(cat /sys/kernel/vipi/takeover)"
echo 1000 0 1 auto 0 busy 100 >/sys/kernel/vipi/stream && echo "result: $(cat /sys/kernel/vipi/stream)"
echo 3 >/sys/kernel/vipi_stress/storm && echo "result: $(cat /sys/kernel/vipi_stress/storm)"
rmmod vipi_stress && rmmod vipi_bench && rmmod vipi && echo "result: unloaded=1"
poweroff -f
