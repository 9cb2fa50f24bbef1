# SPDX-License-Identifier: GPL-2.0-only
# The lab's acceptance line: /dev/kvm exists inside, the exit status comes back.
# The job runs on CPUs 1-2 of a machine with CPUs 0-2: CPU 0 is kept free of
# nested guests (docs/lab.md, "A lab machine that dies"), even for a process
# of the job that asks for CPU 0 (a cpuset: libvirt sets its QEMUs to every
# CPU), and the job sees no cgroup mount.
# And the lab holds on every kvm tracepoint a vipi command enables, so that no
# job patches kernel text (docs/lab.md, "A lab machine that stalls"): the
# events named in the two files that set triggers, each enabled in both of
# lab-guest's pin instances. It also holds the static keys a VM's creation
# and release flip (preempt_notifier_key; apic_sw_disabled, a LAPIC until its
# guest enables it; kvm_has_noapic_vcpu, a vCPU without an in-kernel LAPIC,
# such as vipi's probe guest): each key's enable count, read from the running
# kernel (`tests/lab/kcore word`), must be above 0 while no job has a VM.
. "$(dirname "$0")/lib.sh"
events=$(kvm_events)
[ -n "$events" ] || fail "no kvm events found in vmm/kvm/trace.c and vmm/watch/tracefs.c"
keys="preempt_notifier_key apic_sw_disabled kvm_has_noapic_vcpu"
before=$(lab_leftovers)
out=$("$VIPI" lab -- sh -c 'test -c /dev/kvm && echo kvm-ok &&
	echo "cpus $(sed -n "s/^Cpus_allowed_list:\t*//p" /proc/self/status) of $(cat /sys/devices/system/cpu/online)" &&
	echo "asked for 0-2: $(taskset -c 0-2 sed -n "s/^Cpus_allowed_list:\t*//p" /proc/self/status)" &&
	echo "asked for 0 alone: $(taskset -c 0 true 2>/dev/null && echo ran || echo refused)" &&
	echo "cgroup mounts: $(grep -c cgroup /proc/mounts)" &&
	for e in '"$events"'; do
		for i in 0 1; do
			f=/sys/kernel/tracing/instances/vipi-lab-pin$i/events/kvm/$e/enable
			[ "$(cat $f 2>/dev/null)" = 1 ] || echo "not pinned: $e in pin$i"
		done
	done &&
	'"$VIPI_BUILD"'/tests/lab/kcore word '"$keys"' | while IFS== read -r k n; do
		[ "$n" != "?" ] && [ "$n" -gt 0 ] && echo "held: $k" || echo "not held: $k ($n)"
	done &&
	exit 3')
rc=$?
expect_eq "stdout" "$out" "kvm-ok
cpus 1-2 of 0-2
asked for 0-2: 1-2
asked for 0 alone: refused
cgroup mounts: 0
held: preempt_notifier_key
held: apic_sw_disabled
held: kvm_has_noapic_vcpu"
expect_eq "exit status" "$rc" 3
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
echo "ok: pinned in the lab: $events"
echo "ok: held in the lab: $keys"
