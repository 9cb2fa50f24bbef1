# SPDX-License-Identifier: GPL-2.0-only
#
# The guest command of `vipi bench --suite nohz` (vmm/bench/nohz.c), run under
# `vipi run` with nohz_full= and rcu_nocbs= on every vCPU but the first, as:
#   sh -c "$(this file)" vipi-nohz SECONDS RATE "CONFIGS" LABEL0
# CONFIGS is a list of absent, takeover-off, takeover-on. A busy user task is
# pinned to each isolated CPU for the whole run. For each configuration it
# runs vipi_nohz.ko twice from the housekeeping CPU: a dry window (same loop
# and timers, no events) and a load window; the module marks each window's
# start and end through the device (labels L, L+1), so the VMM snapshots
# KVM's per-vCPU stats around exactly that window.
#
# Prints, on stdout (the host reads it):
#   WINDOW CONFIG dry|load LABEL key=value...   (generator counts)
#   CPU CONFIG dry|load CPU loc=N cal=N res=N run_ns=N wall_ns=N
#   SKIP CONFIG why
#   DONE
secs=$1 rate=$2 configs=$3 label=$4

nproc=$(nproc)
[ "$nproc" -ge 2 ] || { echo "SKIP all needs 2 vCPUs or more"; exit 90; }
isolated=$(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)
[ -n "$isolated" ] && [ "$isolated" != "(null)" ] ||
	{ echo "SKIP all no nohz_full CPUs (kernel arguments)"; exit 90; }

# One busy user task per isolated CPU; their pids, in CPU order.
pids=""
cpu=1
while [ "$cpu" -lt "$nproc" ]; do
	taskset -c "$cpu" sh -c 'while :; do :; done' &
	pids="$pids $!"
	cpu=$((cpu + 1))
done
sleep 1

# irq_counts ROW: that /proc/interrupts row's per-CPU counts.
irq_counts() {
	awk -v row="$1:" -v n="$nproc" '$1 == row { for (i = 2; i <= n + 1; i++) printf "%s ", $i }' \
		/proc/interrupts
}

# snapshot: per isolated CPU "loc cal res run_ns" lines, then the uptime in ns.
snapshot() {
	loc=$(irq_counts LOC) cal=$(irq_counts CAL) res=$(irq_counts RES)
	cpu=1
	for pid in $pids; do
		set -- $loc; shift "$cpu"; l=$1
		set -- $cal; shift "$cpu"; c=$1
		set -- $res; shift "$cpu"; r=$1
		set -- $(cat /proc/"$pid"/schedstat)
		echo "$cpu $l $c $r $1"
		cpu=$((cpu + 1))
	done
	awk '{ printf "uptime %.0f\n", $1 * 1e9 }' /proc/uptime
}

# drain: returns once our stdout has left the guest: the guest's 8250 driver
# sends ttyS1's bytes after echo returns, a port exit on the housekeeping
# vCPU per byte, which a window opened meanwhile would count. busybox stty
# applies a setting with TCSETSW, which waits for the drain (docs/measuring.md).
drain() { stty -F /dev/ttyS1 raw -echo 2>/dev/null; }

# window CONFIG KIND LABEL DRY
window() {
	drain
	before=$(snapshot)
	if ! insmod /lib/vipi/vipi_nohz.ko seconds="$secs" rate="$rate" label="$3" dry="$4"; then
		echo "SKIP $1 vipi_nohz.ko failed ($2 window)"
		return 1
	fi
	after=$(snapshot)
	p=/sys/module/vipi_nohz/parameters
	echo "WINDOW $1 $2 $3 dep_kicks=$(cat $p/dep_kicks) csd_sent=$(cat $p/csd_sent)" \
		"csd_done=$(cat $p/csd_done) wakeups=$(cat $p/wakeups) rounds=$(cat $p/rounds)"
	rmmod vipi_nohz
	t0=$(echo "$before" | awk '$1 == "uptime" { print $2 }')
	t1=$(echo "$after" | awk '$1 == "uptime" { print $2 }')
	echo "$before" | grep -v uptime | while read -r c l0 c0 r0 n0; do
		set -- $(echo "$after" | awk -v c="$c" '$1 == c { print $2, $3, $4, $5 }')
		echo "CPU $cfg $kind $c loc=$(($1 - l0)) cal=$(($2 - c0)) res=$(($3 - r0))" \
			"run_ns=$(($4 - n0)) wall_ns=$((t1 - t0))"
	done
}

for cfg in $configs; do
	rmmod vipi 2>/dev/null
	case "$cfg" in
	absent) ;;
	takeover-off) insmod /lib/vipi/vipi.ko takeover=0 || { echo "SKIP $cfg insmod"; continue; } ;;
	takeover-on) insmod /lib/vipi/vipi.ko takeover=1 || { echo "SKIP $cfg insmod"; continue; } ;;
	*) echo "SKIP $cfg unknown configuration"; continue ;;
	esac
	for kind in dry load; do
		dry=0
		[ "$kind" = dry ] && dry=1
		window "$cfg" "$kind" "$label" "$dry"
		label=$((label + 10))
	done
done
rmmod vipi 2>/dev/null
kill $pids 2>/dev/null
echo DONE
