# SPDX-License-Identifier: GPL-2.0-only
# A guest kernel other than the kit's, the one most likely to break: Debian's
# PREEMPT_RT flavour (issue 12), where a spinlock_t sleeps and the module's
# kick path must not. `vipi bench --guest-kernel rt` resolves the short name
# and says to what, fetches and builds it once into build/kernels/RELEASE/
# (a fresh clone downloads 83 MB and builds in under a minute, outside the
# lab), and in one lab boot runs vipi.ko built for it: the native and vipi rows, busy target
# (paced: one kick per round trip) and flood (back to back), no kick lost, the adaptive
# device nearly exitless on the sender of a back-to-back stream (<= 0.01 exits per kick;
# paced, each kick finds the lab's poller asleep and rings: docs/measuring.md), the lab
# machine still the kit's kernel. And a name that names no
# kernel: one line, 64, build/kernels/ as it was.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || fail "cd"

before=$(ls -a "$VIPI_BUILD/kernels" 2>/dev/null)
"$VIPI" run --guest-kernel nosuch -- true >out.txt 2>err.txt
expect_eq "run --guest-kernel nosuch status" "$?" 64
expect_eq "its lines" "$(cat out.txt err.txt | wc -l)" 1
grep -q "amd64, cloud, rt, 6.12" err.txt || fail "the line lists no names: $(cat err.txt)"
expect_eq "build/kernels/ after it" "$(ls -a "$VIPI_BUILD/kernels" 2>/dev/null)" "$before"

"$VIPI" bench --guest-kernel rt --suite ipi --vmm vipi --methods native,vipi \
	--scenarios busy,flood --kicks 5000 --roundtrips 100 --timeout 400 --json b.json \
	>table.txt 2>err.txt
rc=$?
cat table.txt
expect_eq "bench status" "$rc" 0
rel=$(sed -n 's/^vipi kernels: rt is \(.*\)$/\1/p' err.txt)
case "$rel" in
*-rt-amd64) echo "ok: rt is $rel" ;;
*) fail "no resolved release on stderr: $(cat err.txt)" ;;
esac
python3 - b.json "$rel" "$(cat "${VIPI_KIT:-$VIPI_BUILD/guest}/version")" <<'PY' || fail "report check"
import json, sys
r = json.load(open(sys.argv[1]))
rel, kit = sys.argv[2], sys.argv[3]
assert not r["partial"], "report marked partial"
assert r["guest_kernel"] == rel, ("guest kernel", r["guest_kernel"], rel)
if r["host"]["kvm"] == "lab":
    assert r["host"]["kernel"] == kit, ("the lab machine is not the kit's", r["host"])
print("ok: guests on %s, the machine on %s" % (rel, r["host"]["kernel"]))
rows = {(x["method"], x["scenario"]): x for x in r["results"]}
for m in ("native", "vipi"):
    for sc in ("busy", "flood"):
        row = rows.get((m, sc))
        assert row, "no %s/%s row" % (m, sc)
        assert row["kicks"] == 5000 and row["lost"] == 0, (m, sc, row["kicks"], row["lost"])
v = rows[("vipi", "flood")]["sender_exits_per_kick"]
n = rows[("native", "busy")]["sender_exits_per_kick"]
d = rows[("native", "busy")]["delivered"]
assert v <= 0.01, "vipi/flood sender exits per kick %s > 0.01" % v
assert n >= 0.9, "native/busy sender exits per kick %s < 0.9" % n
assert d >= 0.9 * 5000, "native/busy delivered %s < 0.9 x 5000" % d
print("ok: lost 0; sender exits per kick vipi/flood %.5f <= 0.01, native/busy %.4f, "
      "delivered %d" % (v, n, d))
PY
