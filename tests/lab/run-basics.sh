# SPDX-License-Identifier: GPL-2.0-only
# vipi run in one lab boot: exit status, kernel command line, the stats
# file (with --trace-exits: tracefs' exits by reason add up to KVM's own
# count, exactly, and the tracefs instance is gone after), a guest panic,
# and the VMM's peak RSS with --mem 128.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/inner.sh" <<'INNER'
vipi=$1 dir=$2
"$vipi" run --lab never -- sh -c 'exit 7'
echo "status=$?"
echo "cmdline=$("$vipi" run --lab never --append foo=bar -- cat /proc/cmdline)"
"$vipi" run --lab never --cpus 2 --trace-exits --stats "$dir/s.json" -- true
echo "stats_status=$?"
echo "trace_instances=$(ls /sys/kernel/tracing/instances | grep -c '^vipi-[0-9]')"
"$vipi" run --lab never --append rdinit=/nonexistent -- true 2>"$dir/panic.err"
echo "panic_status=$?"
/usr/bin/time -f "rss_kib=%M" -o "$dir/rss" "$vipi" run --lab never --mem 128 -- true
echo "rss_status=$?"
cat "$dir/rss"
INNER
out=$("$VIPI" lab -q --cpus 3 -- sh "$tmp/inner.sh" "$VIPI" "$tmp")
echo "$out"
val() { echo "$out" | sed -n "s/^$1=//p"; }

expect_eq "exit status of sh -c 'exit 7'" "$(val status)" 7

case " $(val cmdline) " in
*" foo=bar "*) echo "ok: --append reaches /proc/cmdline" ;;
*) fail "foo=bar not in the guest's /proc/cmdline: '$(val cmdline)'" ;;
esac

expect_eq "status with --stats" "$(val stats_status)" 0
python3 - "$tmp/s.json" <<'PY' || fail "stats file"
import json, sys
s = json.load(open(sys.argv[1]))
v = s["vcpus"]
assert len(v) == 2, f"{len(v)} vCPUs in the stats file"
assert s["trace"]["active"], s["trace"]
for i, c in enumerate(v):
    assert c["exits"] > 0, f"vCPU {i}: exits = {c['exits']}"
    print(f"ok: vCPU {i}: exits = {c['exits']}, io_exits = {c['io_exits']}, halt_exits = {c['halt_exits']}")
    by_reason = {k: n for k, n in c.items() if k.startswith("trace_exits_")}
    assert sum(by_reason.values()) == c["exits"], (i, sum(by_reason.values()), c["exits"])
    assert by_reason.get("trace_exits_io") == c["io_exits"], (i, by_reason.get("trace_exits_io"), c["io_exits"])
    assert c["trace_icr_writes"] > 0, f"vCPU {i}: no ICR writes"
    print(f"ok: vCPU {i}: tracefs exits by reason sum to {c['exits']}; ICR writes {c['trace_icr_writes']}")
assert s["userspace_exits"]["io"] > 0, "no userspace I/O exits counted"
assert s["end"] == "status" and s["exit_status"] == 0, (s["end"], s["exit_status"])
for k in ("apicv", "ipiv", "avic"):
    assert k in s["host"], f"host.{k} missing"
PY

expect_eq "tracefs instances left by vipi run" "$(val trace_instances)" 0

expect_eq "status after a guest panic" "$(val panic_status)" 125
grep -q "Kernel panic - not syncing" "$tmp/panic.err" || fail "no panic reason: $(cat "$tmp/panic.err")"
echo "ok: panic reported as: $(grep 'Kernel panic' "$tmp/panic.err")"

expect_eq "status under /usr/bin/time" "$(val rss_status)" 0
rss=$(val rss_kib)
[ -n "$rss" ] || fail "no RSS measured"
echo "peak RSS with --mem 128: $rss KiB"
[ "$rss" -lt $((144 * 1024)) ] || fail "peak RSS $rss KiB >= 144 MiB"
echo "ok: peak RSS < 144 MiB"
