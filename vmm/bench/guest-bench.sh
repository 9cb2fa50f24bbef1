#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the QEMU baseline's guest (vipi bench, vmm/bench/qemu.c). Loads
# vipi.ko (it falls back to the native and PV paths without the device)
# and the bench's vipi_bench.ko, then for each method and scenario on the
# kernel command line (vipi_bench.kicks=N vipi_bench.roundtrips=R
# vipi_bench.methods=a,b vipi_bench.scenarios=c,d) runs the stream
# microbench between two phase marks.
#
# Phase handshake on /dev/ttyS1 (a socket chardev the host reads):
#   guest: "MARK begin|end METHOD SCENARIO"   host: snapshot via QMP, "ACK"
#   guest: "RESULT METHOD SCENARIO <the module's result line>"
#   guest: "BOOTED" first, "TSC_MHZ X", "SKIP METHOD SCENARIO why", "DONE"
# Each method and scenario runs twice: one kick (calibration), then N.
# The guest waits for each ACK, so a snapshot never races the stream.
PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev

kicks=1000 roundtrips=1000 methods=native scenarios=busy
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vipi_bench.kicks=*) kicks=${arg#*=} ;;
	vipi_bench.roundtrips=*) roundtrips=${arg#*=} ;;
	vipi_bench.methods=*) methods=$(echo "${arg#*=}" | tr , ' ') ;;
	vipi_bench.scenarios=*) scenarios=$(echo "${arg#*=}" | tr , ' ') ;;
	esac
done

# All handshake I/O from vCPU 0, the sender: its cost lands in the sender's
# counts, where the host measures it with a one-kick phase (calibration).
taskset -p 1 $$ >/dev/null 2>&1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3<>/dev/ttyS1

say() { echo "$*" >&3; }
# The host's boot watchdog waits for this first line (vmm/util/life.h).
say "BOOTED"
mark() {
	say "MARK $*"
	read -r ack <&3
}

insmod /lib/vipi/vipi.ko 2>/dev/null || say "SKIP all all insmod vipi.ko failed"
insmod /lib/vipi/vipi_bench.ko 2>/dev/null || say "SKIP all all insmod vipi_bench.ko failed"
say "TSC_MHZ $(grep -m1 'cpu MHz' /proc/cpuinfo | sed 's/.*: //')"
say "NCPU $(grep -c ^processor /proc/cpuinfo)"

# The module's names for the bench's methods.
mode_of() {
	case "$1" in
	kvm-pv) echo pv ;;
	vipi-doorbell) echo doorbell ;;
	*) echo "$1" ;;
	esac
}

# field KEY LINE: the value of KEY=... in the module's result LINE.
field() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# run METHOD SCENARIO N RT: N kicks between the marks, with no round trips
# (RT 0), so the counts cover the kicks only, as under vipi; then, outside
# the marks, one kick and RT round trips, both paced (flood aside). The result line is the
# stream's with the round trips' fields appended (later keys win on the
# host) and lost= the sum of both runs' lost.
run() {
	mode=$(mode_of "$1")
	mark begin "$1" "$2"
	echo "$3 0 1 $mode 0 $2 0 paced" >/sys/kernel/vipi/stream 2>/dev/null
	rc=$?
	mark end "$1" "$2"
	if [ $rc -ne 0 ]; then
		say "SKIP $1 $2 stream write failed"
		return
	fi
	r1=$(cat /sys/kernel/vipi/stream)
	if ! echo "1 0 1 $mode 0 $2 $4 paced" >/sys/kernel/vipi/stream 2>/dev/null; then
		say "SKIP $1 $2 round trips failed"
		return
	fi
	r2=$(cat /sys/kernel/vipi/stream)
	rts=$(echo "$r2" | tr ' ' '\n' | grep '^roundtrip' | tr '\n' ' ')
	say "RESULT $1 $2 $r1 $rts lost=$(($(field lost "$r1") + $(field lost "$r2")))"
}

if [ -w /sys/kernel/vipi/stream ]; then
	for m in $methods; do
		for s in $scenarios; do
			# The module's stream has only the busy target so far
			# (docs/bench-needs.md); never pass idle off as busy.
			if [ "$s" != busy ] && ! grep -qw "$s" /sys/kernel/vipi/scenarios 2>/dev/null; then
				say "SKIP $m $s the module's stream has no $s scenario"
				continue
			fi
			# First one kick: the host takes that phase as the
			# calibration of the handshake's own exits.
			run "$m" "$s" 1 0
			run "$m" "$s" "$kicks" "$roundtrips"
		done
	done
else
	say "SKIP all all no /sys/kernel/vipi/stream"
fi
say "DONE"
poweroff -f
