# SPDX-License-Identifier: GPL-2.0-only
# A timeout stops the lab machine, says so in one line and exits 124;
# nothing of the job is left behind.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
start=$(date +%s)
"$VIPI" lab -q --timeout 5 -- sleep 600 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - start))
expect_eq "exit status" "$rc" 124
grep -q 'timed out after 5 s' "$tmp/err" || fail "no timeout message: $(cat "$tmp/err")"
echo "ok: message '$(cat "$tmp/err")'"
[ "$took" -lt 20 ] || fail "took $took s to time out"
echo "ok: stopped after $took s"
expect_eq "job dirs left in /tmp" "$(lab_leftovers)" "$before"
"$VIPI" lab --timeout 0 -- true 2>"$tmp/err"
expect_eq "status of --timeout 0" "$?" 64
