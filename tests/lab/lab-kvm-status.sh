# SPDX-License-Identifier: GPL-2.0-only
# The lab's acceptance line: /dev/kvm exists inside, the exit status comes back.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
out=$("$VIPI" lab -- sh -c 'test -c /dev/kvm && echo kvm-ok && exit 3')
rc=$?
expect_eq "stdout" "$out" "kvm-ok"
expect_eq "exit status" "$rc" 3
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
