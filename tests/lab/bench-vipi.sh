# SPDX-License-Identifier: GPL-2.0-only
# The vipi rows of `vipi bench` for a small kick count, one guest for every
# method and scenario: all rows present, no kick or round trip lost, the
# adaptive doorbell nearly exitless on the sender while the target is busy
# (<= 0.01 exits per kick), the native ICR write about one exit per kick
# (>= 0.9: no IPIv in the lab), exits by reason that add up to the exits,
# and the CSV and SVG written. Issue #13: delivered and coalesced in every
# row, the poller's CPU per second and vipi/busy's break-even against native.
. "$(dirname "$0")/lib.sh"
"$VIPI" bench --suite ipi --vmm vipi --kicks 5000 --roundtrips 100 --timeout 400 \
	--json "$tmp/b.json" --csv "$tmp/b.csv" --svg "$tmp/b.svg" >"$tmp/out" ||
	fail "vipi bench exited $?: $(cat "$tmp/out")"
cat "$tmp/out"
python3 - "$tmp/b.json" <<'PY' || fail "report check"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["host"]["kvm"] in ("lab", "native"), r["host"]
assert not r["partial"], "report marked partial"
rows = {(x["vmm"], x["method"], x["scenario"]): x for x in r["results"]}
for m in ("native", "kvm-pv", "vipi-doorbell", "vipi"):
    for s in ("busy", "idle"):
        row = rows.get(("vipi", m, s))
        assert row, "no vipi/%s/%s row" % (m, s)
        assert row["kicks"] == 5000, row
        assert row["lost"] == 0, "%s/%s lost %s" % (m, s, row["lost"])
        for f in ("sender_exits_per_kick", "receiver_exits_per_kick",
                  "userspace_exits_per_kick", "roundtrip_cycles", "poller_cpu_seconds"):
            assert row[f] is not None, "%s/%s: no %s" % (m, s, f)
print("ok: 8 vipi rows, lost 0, per-phase counters in each")
v = rows[("vipi", "vipi", "busy")]["sender_exits_per_kick"]
assert v <= 0.01, "vipi/busy sender exits per kick %s > 0.01" % v
print("ok: vipi/busy sender exits per kick = %.5f <= 0.01" % v)
n = rows[("vipi", "native", "busy")]["sender_exits_per_kick"]
assert n >= 0.9, "native/busy sender exits per kick %s < 0.9" % n
print("ok: native/busy sender exits per kick = %.4f >= 0.9" % n)
# Exits by reason (tracefs, on by default): per phase they add up to KVM's
# own count, and the native method's exits are its ICR writes. A snapshot
# reads KVM's exit counter, the tracefs tables, then the counter again: a
# vCPU that runs meanwhile exits in between. trace_read_skew is what it
# exited during the two snapshots' reads; plus one exit in flight at each
# end (vmm/kvm/trace.h), that bounds the difference exactly.
worst = 0
for (vmm, m, s), row in rows.items():
    for side in ("sender_stats", "receiver_stats"):
        st = row[side]
        why = sum(v for k, v in st.items() if k.startswith("trace_exits_"))
        assert abs(why - st["exits"]) <= st["trace_read_skew"] + 2, \
            (m, s, side, why, st["exits"], st["trace_read_skew"])
        worst = max(worst, abs(why - st["exits"]))
nat = rows[("vipi", "native", "busy")]["sender_stats"]
assert nat["trace_icr_writes"] >= 5000, nat["trace_icr_writes"]
print("ok: exits by reason sum to each phase's exits within its read skew + 2 (off by at most %d); "
      "native/busy ICR writes %d for 5000 kicks" % (worst, nat["trace_icr_writes"]))
# Issue #13: deliveries and the cost side in every row. Merges are counted
# on the device's path only (the mailbox bit, KVM_SIGNAL_MSI); a kick that
# lands on a vector already pending in the target's IRR merges uncounted,
# so delivered + coalesced is at most the kicks (a few foreign interrupts
# and merges aside: the module counts the target's call-function-single
# interrupts and every mailbox merge of the stream, and the kernel's own
# IPIs travel through vipi.ko too), and the native and PV rows, which never
# post a kick to the mailbox, count no more merges than those few.
for (vmm, m, s), row in rows.items():
    for f in ("delivered", "coalesced"):
        assert isinstance(row[f], int), (m, s, f, row[f])
    assert row["delivered"] > 0, "%s/%s: nothing delivered" % (m, s)
    assert row["delivered"] + row["coalesced"] <= row["kicks"] + 5, (m, s, row["delivered"], row["coalesced"])
    if m in ("native", "kvm-pv"):
        assert row["coalesced"] <= 5, (m, s, row["coalesced"])
    for f in ("deliveries_per_second", "sender_exits_per_delivered",
              "receiver_exits_per_delivered", "poller_cpu_per_s"):
        assert row[f] is not None, "%s/%s: no %s" % (m, s, f)
# The adaptive device with a busy target: the poller is awake, a kick is a
# bit in the mailbox, and nearly all of them merge into one pending word;
# every merge is counted there.
v = rows[("vipi", "vipi", "busy")]
assert v["delivered"] + v["coalesced"] >= 0.9 * v["kicks"], (v["delivered"], v["coalesced"])
print("ok: vipi/busy delivered %d + coalesced %d of %d kicks; native/busy delivered %d"
      % (v["delivered"], v["coalesced"], v["kicks"], rows[("vipi", "native", "busy")]["delivered"]))
# The break-even against native: the sender alone saves about one exit per kick.
assert v["exits_saved_per_kick"] >= 0.9, v["exits_saved_per_kick"]
assert v["breakeven_ipi_per_s"] > 0 and v["breakeven_exit_ns"] > 0, v
if r["host"]["timing"] == "emulated":
    assert v["breakeven_basis"].startswith("on paper"), v["breakeven_basis"]
print("ok: vipi/busy poller %.3f CPU-s/s, saves %.3f exits/kick, break-even %.0f IPIs/s (%s)"
      % (v["poller_cpu_per_s"], v["exits_saved_per_kick"], v["breakeven_ipi_per_s"],
         v["breakeven_basis"]))
PY
[ "$(wc -l <"$tmp/b.csv")" -eq 9 ] || fail "CSV: want a header and 8 rows"
rsvg-convert -o "$tmp/b.png" "$tmp/b.svg" || fail "the SVG does not render"
echo "ok: SVG renders"
