#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# watch-check.py JSON RATE MODE TLOG: the acceptance checks of watch.sh on
# one `vipi watch --json` file, over its summary. TLOG has the guest's
# status lines ("sent=N skipped=N busy=N ms=N cal=N": its module's count,
# clock, and vCPU 1's call-function interrupts, CAL in /proc/interrupts)
# with the lab machine's wall clock in front; the known rate is the
# guest's own: the CAL count over the watch's exact window (start_unix_s,
# seconds), read between the guest's samples around its two ends
# (guest_count).
#   MODE rate: IPIs/s from vCPU 0 to vCPU 1 within 5% of that known rate;
#   MODE vipi: vCPU 0's IPI sender exits/s about 0 (under 1% of RATE, the
#              rate the guest aims at), while vCPU 1 took at least half of
#              RATE: the IPIs went through the device, not nowhere;
# both: every vCPU's exits by reason add up to KVM's exits counter within
# the two snapshots' read skews plus one exit in flight at each.
import json
import sys

path, nominal, mode, tlog = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
w = json.load(open(path))
s = w["summary"]
secs = s["seconds"]
bad = []


def guest_lines():
    """(lab clock seen, the line's guest ms, its samples [(ms, cal)], has a
    trail, missed) for every status line in TLOG. A line with a trail
    (vipi_pace.c) has a sample for every wake-up of the sender since the
    line before; a line without (a shell reading the module's status) only
    its own."""
    out = []
    for line in open(tlog, errors="replace"):
        f = line.replace("\r", "").split()
        kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
        if not f or "sent" not in kv or "ms" not in kv or "cal" not in kv:
            continue
        samples = [(int(kv["ms"]), int(kv["cal"]))]
        if "trail" in kv:
            steps = [tuple(map(int, x.split(":"))) for x in kv["trail"].split(",")]
            samples = [steps[0]]
            for dms, dcal in steps[1:]:
                samples.append((samples[-1][0] + dms, samples[-1][1] + dcal))
        out.append((float(f[0]), int(kv["ms"]), samples, "trail" in kv,
                    int(kv.get("skipped", 0)) + int(kv.get("busy", 0))))
    return out


def guest_count(t0, t1):
    """vCPU 1's call-function interrupts between the lab-clock times t0 and t1.

    The samples carry the guest's own clock (ms) and count (cal). The
    follower stamps a line when it sees it, a poll (0.1 s) or more after it
    was printed; the line seen soonest after its print returned fixes the
    guest clock's offset to the lab's (kvmclock runs at the host's rate).
    The count at t0 and t1 is read between the two samples around each:
    one period apart (20 ms at 50/s), or further across a stall of the
    vCPU, in which it sent nothing, so the count stays at the earlier
    sample's. The bounds (at least, at most) are
    the counts with each end moved to the sample on its far or near side."""
    lines = [x for x in guest_lines() if t0 - 10 <= x[0] <= t1 + 10]
    if len(lines) < 2:
        return None, lines
    # A line is whole (and can be seen) only once its print returns, which in
    # the lab takes 0.1-0.5 s of serial port exits; the sender's first wake-up
    # after it, the next trail's first sample, is that moment.
    done = [nxt[2][0][0] if nxt[3] else ms for (_, ms, _, _, _), nxt in zip(lines, lines[1:])]
    off = min(seen - d / 1000.0 for (seen, _, _, _, _), d in zip(lines, done))
    g = [(ms / 1000.0 + off, cal, tr) for _, _, smp, tr, _ in lines for ms, cal in smp]
    step = 1.0 / nominal

    def at(t):
        # Without a trail (a status read by a shell), only a straight line.
        for (ta, ca, _), (tb, cb, trail) in zip(g, g[1:]):
            if ta <= t <= tb:
                gap = tb - ta > 3 * step and trail
                return (ca if gap else ca + (cb - ca) * (t - ta) / (tb - ta)), ca, cb
        return None

    a, b = at(t0), at(t1)
    if a is None or b is None:
        return None, lines
    # Over the lines seen in the window: the follower's first read stamps a backlog late.
    lat = sorted(seen - (d / 1000.0 + off) for (seen, _, _, _, _), d in zip(lines, done)
                 if t0 <= seen <= t1 + 1.5) or [float("nan")]
    missed = [m for seen, _, _, _, m in lines if t0 <= seen <= t1 + 1.5]
    print(f"{mode}: guest clock to lab clock: offset {off:.3f} s from the soonest of {len(lines)} "
          f"status lines ({len(g)} samples), those in the window seen a median "
          f"{lat[len(lat) // 2]:.3f} s after printed")
    print(f"{mode}: vCPU 1 took {b[0] - a[0]:.1f} call-function IPIs in the window (at least "
          f"{b[1] - a[2]}, at most {b[2] - a[1]}); missed or late "
          f"{missed[-1] - missed[0] if missed else '-'} in it")
    return b[0] - a[0], lines


start = w["start_unix_s"]
n, pts = guest_count(start, start + secs)
if n is None:
    bad.append(f"no guest status lines around the watch's window: {pts}")
    rate = nominal
else:
    rate = n / secs
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
if mode == "vipi" and rate < 0.5 * nominal:
    bad.append(f"vCPU 1 took {rate:.1f} call-function IPIs/s, under half of {nominal:.0f}")
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
