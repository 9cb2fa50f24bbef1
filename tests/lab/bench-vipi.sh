# SPDX-License-Identifier: GPL-2.0-only
# The vipi rows of `vipi bench` for 5000 kicks each, one guest for every
# method and scenario: all rows present, no kick or round trip lost, exits
# by reason that add up to the exits, and the CSV and SVG written. Issue
# #13: in the paced scenarios (busy, idle) every kick is counted once, as
# delivered or coalesced, so delivered + coalesced == kicks exactly, and
# native/busy delivers >= 0.9 x kicks; flood (the sender not paced) shows
# the adaptive doorbell nearly exitless on the sender (<= 0.01 exits per
# kick) with its merges counted;
# the poller's CPU per second, the break-even, and the round trip's split.
# 5000 kicks per row: a flood that follows an idle or paced spell starts
# with the poller's window shrunk to 0, and rings once per doubling of it
# (10 us up to 200 us, docs/abi.md) until the poller keeps up, besides its
# two marks and the lab's own exits. In 1000 kicks that fixed cost used up
# the 10 exits the line allows (2026-12-07: 11 in this row, in a fresh
# clone's make check; 24, 11 of them port writes, in a flood-only bench);
# 5000 kicks spread it as a longer burst does (flood-only: 7, 8, 19).
. "$(dirname "$0")/lib.sh"
KICKS=5000
"$VIPI" bench --suite ipi --vmm vipi --scenarios busy,idle,flood --kicks $KICKS --roundtrips 100 \
	--timeout 400 --json "$tmp/b.json" --csv "$tmp/b.csv" --svg "$tmp/b.svg" >"$tmp/out" ||
	fail "vipi bench exited $?: $(cat "$tmp/out")"
cat "$tmp/out"
python3 - "$tmp/b.json" $KICKS <<'PY' || fail "report check"
import json, sys
r = json.load(open(sys.argv[1]))
kicks = int(sys.argv[2])
assert r["host"]["kvm"] in ("lab", "native"), r["host"]
assert not r["partial"], "report marked partial"
rows = {(x["vmm"], x["method"], x["scenario"]): x for x in r["results"]}
for m in ("native", "kvm-pv", "vipi-doorbell", "vipi"):
    for s in ("busy", "idle", "flood"):
        row = rows.get(("vipi", m, s))
        assert row, "no vipi/%s/%s row" % (m, s)
        assert row["kicks"] == kicks, row
        assert row["lost"] == 0, "%s/%s lost %s" % (m, s, row["lost"])
        for f in ("sender_exits_per_kick", "receiver_exits_per_kick",
                  "userspace_exits_per_kick", "roundtrip_cycles", "poller_cpu_seconds"):
            assert row[f] is not None, "%s/%s: no %s" % (m, s, f)
print("ok: 12 vipi rows, lost 0, per-phase counters in each")
v = rows[("vipi", "vipi", "flood")]["sender_exits_per_kick"]
assert v <= 0.01, "vipi/flood sender exits per kick %s > 0.01" % v
print("ok: vipi/flood sender exits per kick = %.5f <= 0.01" % v)
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
assert nat["trace_icr_writes"] >= kicks, nat["trace_icr_writes"]
print("ok: exits by reason sum to each phase's exits within its read skew + 2 (off by at most %d); "
      "native/busy ICR writes %d for %d kicks" % (worst, nat["trace_icr_writes"], kicks))
# Issue #13: deliveries and the cost side in every row. In the paced
# scenarios each kick waits for an interrupt before the next and the module
# counts it once: delivered (an interrupt of its own), coalesced (merged in
# the mailbox, or sharing one interrupt with a kernel IPI to the target:
# coalesced_kernel, at most one kick per such IPI) or lost. So with nothing
# lost, delivered + coalesced == kicks exactly. target_interrupts (the
# target's raw count) also holds the kernel's own IPIs, minus whatever merged,
# so it is not a sum to assert; every kick delivered has an interrupt of its
# own in it. In flood a kick that lands on a vector already pending in the
# target's IRR merges uncounted, so the sum is at most the kicks (plus 5);
# delivered is the target's interrupts less the kernel's IPIs. Native and PV
# never post to the mailbox: whatever they count as merged is a kernel IPI's.
for (vmm, m, s), row in sorted(rows.items()):
    for f in ("delivered", "coalesced", "kernel_ipis", "target_interrupts", "coalesced_kernel"):
        assert isinstance(row[f], int), (m, s, f, row[f])
    assert row["delivered"] > 0, "%s/%s: nothing delivered" % (m, s)
    assert row["delivered"] <= row["target_interrupts"], (m, s, row["delivered"], row["target_interrupts"])
    total = row["delivered"] + row["coalesced"]
    if s == "flood":
        assert total <= row["kicks"] + 5, (m, s, row["delivered"], row["coalesced"])
    elif row["lost"] == 0:
        assert total == row["kicks"], (m, s, row["delivered"], row["coalesced"], row["kicks"])
        assert row["coalesced_kernel"] <= min(row["coalesced"], row["kernel_ipis"]), row
    if m in ("native", "kvm-pv"):
        assert row["coalesced"] == row["coalesced_kernel"], (m, s, row["coalesced"], row["coalesced_kernel"])
    for f in ("deliveries_per_second", "sender_exits_per_delivered",
              "receiver_exits_per_delivered", "poller_cpu_per_s"):
        assert row[f] is not None, "%s/%s: no %s" % (m, s, f)
    print("   %s/%s: kicks %d delivered %d coalesced %d (kernel %d) kernel_ipis %d target_interrupts %d lost %d"
          % (m, s, row["kicks"], row["delivered"], row["coalesced"], row["coalesced_kernel"],
             row["kernel_ipis"], row["target_interrupts"], row["lost"]))
nb = rows[("vipi", "native", "busy")]
assert nb["delivered"] >= 0.9 * nb["kicks"], (nb["delivered"], nb["kicks"])
# The adaptive device flooding a busy target: the poller is awake, a kick is
# a bit in the mailbox, and nearly all of them merge into one pending word;
# every merge is counted there.
v = rows[("vipi", "vipi", "flood")]
assert v["delivered"] + v["coalesced"] >= 0.9 * v["kicks"], (v["delivered"], v["coalesced"])
print("ok: paced rows delivered + coalesced == kicks; native/busy delivered %d of %d; "
      "vipi/flood delivered %d + coalesced %d of %d"
      % (nb["delivered"], nb["kicks"], v["delivered"], v["coalesced"], v["kicks"]))
# The break-even against native: flooding, the sender alone saves about one exit per kick.
assert v["exits_saved_per_kick"] >= 0.9, v["exits_saved_per_kick"]
assert v["breakeven_ipi_per_s"] > 0 and v["breakeven_exit_ns"] > 0, v
if r["host"]["timing"] == "emulated":
    assert v["breakeven_basis"].startswith("on paper"), v["breakeven_basis"]
print("ok: vipi/flood poller %.3f CPU-s/s, saves %.3f exits/kick, break-even %.0f IPIs/s (%s)"
      % (v["poller_cpu_per_s"], v["exits_saved_per_kick"], v["breakeven_ipi_per_s"],
         v["breakeven_basis"]))
# The round trip's split: the send is part of the round trip; the target's
# thread stamps when it has a thread (busy, flood), and the stamp is kept
# only where the host's TSC is its clocksource (not in the lab, whose kernel
# finds its TSCs unsynchronised); the forced doorbell rings once per round
# trip, the methods around the device never; the round trips' exits are
# counted between their own marks.
stable = r["host"]["clocksource"] == "tsc"
for (vmm, m, s), row in rows.items():
    rt, post, hand = row["roundtrip_cycles"], row["roundtrip_post_cycles"], row["roundtrip_handler_cycles"]
    assert rt and 0 < post < rt, (m, s, post, rt)
    assert (hand is None) == (s == "idle" or not stable), (m, s, hand, stable)
    assert hand is None or hand > post, (m, s, hand, post)
    if not stable and s != "idle":
        assert "roundtrip_handler_cycles dropped" in row["note"], (m, s, row["note"])
    for f in ("roundtrip_sender_exits", "roundtrip_receiver_exits", "roundtrip_poller_wakeups"):
        assert row[f] is not None and row[f] >= 0, (m, s, f, row[f])
    if m in ("native", "kvm-pv"):
        assert row["roundtrip_sender_exits"] >= 0.9, (m, s, row["roundtrip_sender_exits"])
        assert row["roundtrip_doorbells"] <= 0.05, (m, s, row["roundtrip_doorbells"])
    if m == "vipi-doorbell":
        assert row["roundtrip_doorbells"] >= 1, (m, s, row["roundtrip_doorbells"])
d = rows[("vipi", "vipi", "busy")]
print("ok: round trips split; vipi/busy %.0f cycles = send %.0f + ...; %.2f doorbells, %.2f poller wake-ups per round trip"
      % (d["roundtrip_cycles"], d["roundtrip_post_cycles"], d["roundtrip_doorbells"], d["roundtrip_poller_wakeups"]))
PY
[ "$(wc -l <"$tmp/b.csv")" -eq 13 ] || fail "CSV: want a header and 12 rows"
rsvg-convert -o "$tmp/b.png" "$tmp/b.svg" || fail "the SVG does not render"
echo "ok: SVG renders"
