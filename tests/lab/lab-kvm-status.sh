# SPDX-License-Identifier: GPL-2.0-only
# The lab's acceptance line: /dev/kvm exists inside, the exit status comes back.
# The job runs on CPUs 1-2 of a machine with CPUs 0-2: CPU 0 is kept free of
# nested guests (docs/lab.md, "A lab machine that dies"), even for a process
# of the job that asks for CPU 0 (a cpuset: libvirt sets its QEMUs to every
# CPU), and the job sees no cgroup mount.
# And the lab holds on every kvm tracepoint a vipi command enables, so that no
# job patches kernel text (docs/lab.md, "A lab machine that stalls"): the
# events named in the two files that set triggers, each enabled in both of
# lab-guest's pin instances.
. "$(dirname "$0")/lib.sh"
events=$(kvm_events)
[ -n "$events" ] || fail "no kvm events found in vmm/kvm/trace.c and vmm/watch/tracefs.c"
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
	exit 3')
rc=$?
expect_eq "stdout" "$out" "kvm-ok
cpus 1-2 of 0-2
asked for 0-2: 1-2
asked for 0 alone: refused
cgroup mounts: 0"
expect_eq "exit status" "$rc" 3
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
echo "ok: pinned in the lab: $events"
