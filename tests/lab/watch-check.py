#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# watch-check.py JSON RATE MODE TLOG: the acceptance checks of watch.sh on
# one `vipi watch --json` file, over its summary. TLOG has the guest's
# status lines ("sent=N skipped=N busy=N ms=N", its module's count and
# clock) with the lab machine's wall clock in front; the known rate is the
# guest's own: the call-function IPIs its vCPU 1 took (CAL in
# /proc/interrupts) per second of its clock, between its first and last
# line inside the watch's window.
#   MODE rate: IPIs/s from vCPU 0 to vCPU 1 within 5% of that known rate;
#   MODE vipi: vCPU 0's IPI sender exits/s about 0 (under 1% of RATE, the
#              rate the guest aims at);
# both: every vCPU's exits by reason add up to KVM's exits counter within
# the two snapshots' read skews plus one exit in flight at each.
import json
import sys

path, nominal, mode, tlog = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
w = json.load(open(path))
s = w["summary"]
secs = s["seconds"]
bad = []


def guest_rate(t0, t1):
    """The guest's IPIs per second of its clock, from its lines in [t0, t1]."""
    pts = []
    for line in open(tlog, errors="replace"):
        f = line.replace("\r", "").split()
        kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
        if f and "sent" in kv and "ms" in kv and t0 <= float(f[0]) <= t1:
            pts.append((int(kv["cal"]), int(kv["ms"]),
                        int(kv.get("skipped", 0)) + int(kv.get("busy", 0))))
    if len(pts) < 2 or pts[-1][1] - pts[0][1] < 2000:
        return None, pts
    (s0, m0, x0), (s1, m1, x1) = pts[0], pts[-1]
    print(f"{mode}: vCPU 1 took {s1 - s0} call-function IPIs in {m1 - m0} ms of its clock inside "
          f"the window ({len(pts)} status lines), missed or late {x1 - x0}")
    return (s1 - s0) * 1000.0 / (m1 - m0), pts


# The guest's line is seen up to 0.2 s after it was printed.
start = w["start_unix_s"]
rate, pts = guest_rate(start + 0.3, start + secs + 0.2)
if rate is None:
    bad.append(f"not enough guest status lines inside the watch's window: {pts}")
    rate = nominal
if secs < 4.5:
    bad.append(f"summary covers {secs:.2f} s, not about 5")
# CAL counts the call-function and call-function-single handlers.
pair = sum(p["count"] for p in s["ipis"] if p["src"] == 0 and p["dst"] == 1 and
           p["class"] in ("call_function", "call_function_single")) / secs
sender = next(v for v in s["vcpus"] if v["id"] == 0)["ipi_sender_exits"] / secs
print(f"{mode}: kvm exits from {w['kvm_exits_source']}, {secs:.3f} s")
print(f"{mode}: IPIs/s 0->1 {pair:.1f} (known rate {rate:.1f}, aiming at {nominal:.0f}), "
      f"vCPU 0 IPI sender exits/s {sender:.1f}")
for p in s["ipis"]:
    print(f"{mode}:   ipi {p['src']}->{p['dst']} {p['class']} {p['count']}")
if mode == "rate" and abs(pair - rate) > 0.05 * rate:
    bad.append(f"IPIs/s 0->1 {pair:.1f} not within 5% of {rate:.0f}")
if mode == "vipi" and sender > 0.01 * nominal:
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
