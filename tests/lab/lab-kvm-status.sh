# SPDX-License-Identifier: GPL-2.0-only
# The lab's acceptance line: /dev/kvm exists inside, the exit status comes back.
# The job runs on CPUs 1-2 of a machine with CPUs 0-2: CPU 0 is kept free of
# nested guests (docs/lab.md, "A lab machine that dies").
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
out=$("$VIPI" lab -- sh -c 'test -c /dev/kvm && echo kvm-ok &&
	echo "cpus $(sed -n "s/^Cpus_allowed_list:\t*//p" /proc/self/status) of $(cat /sys/devices/system/cpu/online)" &&
	exit 3')
rc=$?
expect_eq "stdout" "$out" "kvm-ok
cpus 1-2 of 0-2"
expect_eq "exit status" "$rc" 3
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
