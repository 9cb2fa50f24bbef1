# SPDX-License-Identifier: GPL-2.0-only
# The QEMU/KVM baseline of `vipi bench` for a small kick count: rows for
# native and kvm-pv (busy), no kick lost, and native costs the sender about
# one exit per kick (the x2APIC ICR write exits; no IPIv in the lab). Issue
# #13: delivered and coalesced from the same module, and exits by reason from
# tracefs on QEMU's vCPU threads, as for the vipi rows.
. "$(dirname "$0")/lib.sh"
"$VIPI" bench --suite ipi --vmm qemu --methods native,kvm-pv --scenarios busy \
	--kicks 2000 --roundtrips 100 --timeout 500 --json "$tmp/b.json" --svg "$tmp/b.svg" >"$tmp/out" ||
	fail "vipi bench exited $?: $(cat "$tmp/out")"
cat "$tmp/out"
python3 - "$tmp/b.json" <<'PY' || fail "report check"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["host"]["kvm"] in ("lab", "native"), r["host"]
rows = {(x["vmm"], x["method"], x["scenario"]): x for x in r["results"]}
for m in ("native", "kvm-pv"):
    row = rows.get(("qemu", m, "busy"))
    assert row, "no qemu/%s/busy row" % m
    assert row["lost"] == 0, row
    assert row["kicks"] == 2000, row
    assert row["receiver_exits_per_kick"] is not None, row
print("ok: qemu native and kvm-pv rows, lost 0")
n = rows[("qemu", "native", "busy")]["sender_exits_per_kick"]
assert n >= 0.9, "native/busy sender exits per kick %s < 0.9" % n
print("ok: native/busy sender exits per kick = %.4f" % n)
# Issue #13: the same module's deliveries, and the same instruments as the
# vipi rows. No mailbox under QEMU: a kick counted as merged is one that
# shared an interrupt with one of the kernel's own IPIs to the target
# (coalesced_kernel; next to none in busy rows).
for m in ("native", "kvm-pv"):
    row = rows[("qemu", m, "busy")]
    for f in ("delivered", "coalesced", "kernel_ipis", "target_interrupts", "coalesced_kernel"):
        assert isinstance(row[f], int), (m, f, row[f])
    # busy is paced: every kick waits for an interrupt before the next and
    # is counted once, delivered or coalesced (bench-vipi.sh).
    total = row["delivered"] + row["coalesced"]
    assert total == row["kicks"], (m, row["delivered"], row["coalesced"], row["kicks"])
    assert row["delivered"] <= row["target_interrupts"], (m, row["delivered"], row["target_interrupts"])
    assert row["delivered"] >= 0.9 * row["kicks"], (m, row["delivered"], row["kicks"])
    assert row["coalesced"] == row["coalesced_kernel"] <= row["kernel_ipis"], \
        (m, row["coalesced"], row["coalesced_kernel"], row["kernel_ipis"])
    assert row["deliveries_per_second"] is not None and row["receiver_exits_per_delivered"] is not None, row
    assert row["poller_cpu_per_s"] is None, "qemu has no poller"
    # Exits by reason from tracefs on QEMU's vCPU threads: they add up to
    # KVM's exits, within what the vCPU exited while each snapshot was read
    # (query-stats, the tables, query-stats again: trace_read_skew) plus one
    # exit in flight at each end (vmm/kvm/trace.h).
    for side in ("sender_stats", "receiver_stats"):
        st = row[side]
        why = sum(v for k, v in st.items() if k.startswith("trace_exits_"))
        assert why > 0, (m, side, "no exits by reason")
        assert abs(why - st["exits"]) <= st["trace_read_skew"] + 2, \
            (m, side, why, st["exits"], st["trace_read_skew"])
    print("ok: qemu %s/busy delivered %d + coalesced %d of %d kicks (%.0f/s; kernel_ipis %d, "
          "target_interrupts %d), exits by reason %d/%d (sender), %d/%d (receiver)"
          % (m, row["delivered"], row["coalesced"], row["kicks"], row["deliveries_per_second"],
             row["kernel_ipis"], row["target_interrupts"],
             sum(v for k, v in row["sender_stats"].items() if k.startswith("trace_exits_")),
             row["sender_stats"]["exits"],
             sum(v for k, v in row["receiver_stats"].items() if k.startswith("trace_exits_")),
             row["receiver_stats"]["exits"]))
icr = rows[("qemu", "native", "busy")]["sender_stats"]["trace_icr_writes"]
assert icr >= 2000, "qemu native/busy: %d ICR writes for 2000 kicks" % icr
print("ok: qemu native/busy ICR writes %d for 2000 kicks" % icr)
PY
rsvg-convert -o "$tmp/b.png" "$tmp/b.svg" || fail "the SVG does not render"
echo "ok: SVG renders"
