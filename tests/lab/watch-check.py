#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# watch-check.py JSON RATE MODE: the acceptance checks of watch.sh on one
# `vipi watch --json` file, over its summary.
#   MODE rate: IPIs/s from vCPU 0 to vCPU 1 within 5% of RATE (the rate the
#              guest counted itself sending);
#   MODE vipi: vCPU 0's IPI sender exits/s about 0 (under 1% of RATE, the
#              rate the guest aims at);
# both: every vCPU's exits by reason add up to KVM's exits counter within
# the two snapshots' read skews plus one exit in flight at each.
import json
import sys

path, rate, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
w = json.load(open(path))
s = w["summary"]
secs = s["seconds"]
bad = []
if secs < 4.5:
    bad.append(f"summary covers {secs:.2f} s, not about 5")
pair = sum(p["count"] for p in s["ipis"] if p["src"] == 0 and p["dst"] == 1) / secs
sender = next(v for v in s["vcpus"] if v["id"] == 0)["ipi_sender_exits"] / secs
print(f"{mode}: kvm exits from {w['kvm_exits_source']}, {secs:.3f} s")
print(f"{mode}: IPIs/s 0->1 {pair:.1f} (known rate {rate:.1f}), "
      f"vCPU 0 IPI sender exits/s {sender:.1f}")
for p in s["ipis"]:
    print(f"{mode}:   ipi {p['src']}->{p['dst']} {p['class']} {p['count']}")
if mode == "rate" and abs(pair - rate) > 0.05 * rate:
    bad.append(f"IPIs/s 0->1 {pair:.1f} not within 5% of {rate:.0f}")
if mode == "vipi" and sender > 0.01 * rate:
    bad.append(f"vCPU 0 IPI sender exits/s {sender:.1f}, not about 0")
if w["kvm_exits_source"] is None:
    bad.append("no KVM exit counter")
for v in s["vcpus"]:
    k = v["kvm_exits"]
    if k is None:
        continue
    slack = v["read_skew"] + 2
    print(f"{mode}: vCPU {v['id']}: traced exits {v['exits']}, KVM's {k}, "
          f"read skew {v['read_skew']}, halt wake-ups {v['halt_wakeups']}")
    if abs(v["exits"] - k) > slack:
        bad.append(f"vCPU {v['id']}: exits by reason {v['exits']} vs KVM's {k} "
                   f"differ by more than {slack}")
for b in bad:
    print(f"FAIL: {mode}: {b}", file=sys.stderr)
sys.exit(1 if bad else 0)
