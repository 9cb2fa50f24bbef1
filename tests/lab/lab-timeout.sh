# SPDX-License-Identifier: GPL-2.0-only
# A timeout stops the lab machine, says so in one line with two looks at its
# CPUs through QEMU's monitor (vmm/lab/monitor.c), and exits 124; nothing
# of the job is left behind.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
start=$(date +%s)
# 15 s: past the machine's boot (about 7 s), so its IDT is there to read.
"$VIPI" lab -q --timeout 15 -- sleep 600 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - start))
expect_eq "exit status" "$rc" 124
grep -q 'timed out after 15 s' "$tmp/err" || fail "no timeout message: $(cat "$tmp/err")"
expect_eq "lines on stderr" "$(wc -l <"$tmp/err")" 1
# Every CPU of the machine (2 for the job and its own CPU 0), in both looks.
cpu='[0-9] rip=[0-9a-f]* cpl=[0-3] hlt=[01]'
grep -q "its CPUs then: 0 rip=.*, 2 rip=.*; 1 s later: 0 rip=.*, 2 rip=.* (asm_exc_divide_error at ffffffff[0-9a-f]*)$" \
	"$tmp/err" || fail "no look at the CPUs: $(cat "$tmp/err")"
[ "$(grep -o "$cpu" "$tmp/err" | wc -l)" -eq 6 ] || fail "not 3 CPUs twice: $(cat "$tmp/err")"
echo "ok: message '$(cat "$tmp/err")'"
[ "$took" -lt 30 ] || fail "took $took s to time out"
echo "ok: stopped after $took s"
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
"$VIPI" lab --timeout 0 -- true 2>"$tmp/err"
expect_eq "status of --timeout 0" "$?" 64
