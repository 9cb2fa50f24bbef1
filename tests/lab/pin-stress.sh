# SPDX-License-Identifier: GPL-2.0-only
# The lab's pins under stress (docs/lab.md, "A lab machine that stalls").
# ONE lab boot: a 2-vCPU QEMU guest streams IPIs from vCPU 0 to the idle
# vCPU 1 (tests/modules/vipi_pace.ko, 50/s), so its vCPU threads halt and
# wake all the time, while for VIPI_PIN_STRESS_S seconds (default 300)
# VIPI_PIN_STRESS_WHAT (default events) flips what lab-guest holds on:
#   events: a loop turns each kvm tracepoint a vipi command enables on and
#           off in a tracefs instance of its own;
#   vms:    tests/lab/vm-churn creates and closes VMs with one vCPU, with an
#           in-kernel irqchip and without (vm-churn.sh, in make check).
# With lab-guest holding them, a toggle changes only a probe pointer or a
# reference count, never kernel text, and the machine must not stall: the
# loop reports its count to the host every second, and 60 s without a
# report is a stall. Before the pins covered vipi watch's events, the events
# loop stalled the machine (QEMU TCG's stale translations of patched text):
# docs/watch.md has the figures; before they covered kvm_has_noapic_vcpu,
# vm-churn stalled it in 10 to 40 s (docs/lab.md).
. "$(dirname "$0")/lib.sh"
SECS=${VIPI_PIN_STRESS_S:-300}
WHAT=${VIPI_PIN_STRESS_WHAT:-events}

# toggle_events: the events stress, its count to $out/progress once a second.
toggle_events() {
	inst=/sys/kernel/tracing/instances/vipi-pin-stress
	mkdir "$inst" || fail "cannot make $inst"
	echo 0 >"$inst/tracing_on"
	n=0 said=0
	end=$(($(date +%s) + SECS))
	while now=$(date +%s) && [ $now -lt $end ]; do
		for e in $EVENTS; do
			echo 1 >"$inst/events/kvm/$e/enable" && echo 0 >"$inst/events/kvm/$e/enable" ||
				fail "cannot toggle kvm:$e"
			n=$((n + 1))
		done
		# At most once a second: each report is a write over 9p.
		[ $now -eq $said ] || echo $n >"$out/progress"
		said=$now
	done
	echo $n >"$out/progress"
	rmdir "$inst" || fail "cannot remove $inst"
	echo "$n toggles in $SECS s"
}

if [ -n "${VIPI_IN_LAB:-}" ]; then
	out=$STRESS_DIR
	EVENTS=$(kvm_events)
	kit=$VIPI_BUILD/guest
	# A stall's soft lockups, with every CPU's backtrace, on the lab console.
	echo 8 >/proc/sys/kernel/printk
	sysctl -q kernel.softlockup_all_cpu_backtrace=1
	qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 384M -kernel "$kit/vmlinuz" \
		-initrd "$out/w.cpio.gz" -append "console=ttyS0 loglevel=6 panic=-1" \
		-display none -nodefaults -no-reboot -serial "file:$out/qemu.log" &
	qpid=$!
	wait_for "$out/qemu.log" "vipi_pace: sent=" 120 ||
		fail "the guest sends no IPIs: $(tail -3 "$out/qemu.log")"
	if [ "$WHAT" = vms ]; then
		"$VIPI_BUILD/tests/lab/vm-churn" $SECS "$out/progress" || fail "vm-churn failed"
	else
		toggle_events
	fi
	kill -0 $qpid || fail "the guest ended during the $WHAT stress"
	kill $qpid
	wait $qpid
	exit 0
fi

EVENTS=$(kvm_events)
[ -n "$EVENTS" ] || fail "no kvm events found in vmm/kvm/trace.c and vmm/watch/tracefs.c"
kit=$VIPI_BUILD/guest
sh "$VIPI_SRC/guest/kit/mkinitramfs.sh" "$tmp/w.cpio.gz" "$kit" \
	"$VIPI_SRC/tests/lab/watch-init.sh" "$VIPI_BUILD/tests/modules/vipi_pace.ko" ||
	fail "cannot build the initramfs"
chmod 755 "$tmp"
echo 0 >"$tmp/progress"
"$VIPI" lab -q --cpus 4 --mem 2048 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" \
	VIPI_SRC="$VIPI_SRC" VIPI_PIN_STRESS_S=$SECS VIPI_PIN_STRESS_WHAT=$WHAT STRESS_DIR="$tmp" \
	sh "$(realpath "$0")" &
lab=$!
last=0 still=0 t0=$(date +%s)
while kill -0 $lab 2>/dev/null; do
	sleep 5
	now=$(cat "$tmp/progress")
	if [ "$now" != "$last" ]; then
		last=$now still=0
		continue
	fi
	# Boot and the guest's start come before the first report.
	still=$((still + 5))
	[ "$now" -eq 0 ] && [ $still -lt 180 ] && continue
	if [ $still -ge 60 ]; then
		kill $lab
		wait $lab
		tail -40 "$tmp/qemu.log" >&2
		fail "the lab machine stalled: no progress ($WHAT) for $still s after $now, $(($(date +%s) - t0)) s in"
	fi
done
wait $lab
rc=$?
expect_eq "lab status" $rc 0
if [ "$WHAT" = vms ]; then
	echo "ok: $(cat "$tmp/progress") VMs created and closed in $SECS s, no stall"
else
	echo "ok: $(cat "$tmp/progress") toggles of $EVENTS in $SECS s, no stall"
fi
