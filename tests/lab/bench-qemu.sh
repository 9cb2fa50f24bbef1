# SPDX-License-Identifier: GPL-2.0-only
# The QEMU/KVM baseline of `vipi bench` for a small kick count: rows for
# native and kvm-pv (busy), no kick lost, and native costs the sender about
# one exit per kick (the x2APIC ICR write exits; no IPIv in the lab).
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
PY
rsvg-convert -o "$tmp/b.png" "$tmp/b.svg" || fail "the SVG does not render"
echo "ok: SVG renders"
