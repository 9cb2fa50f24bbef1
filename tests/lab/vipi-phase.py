#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""vipi-phase.py STATS.json STDERR LABEL KICKS SRC DST

What happened between phase marks LABEL and LABEL+1 of a `vipi run --stats`
run: KVM's per-vCPU exits of the sender (SRC) and the receiver (DST) from the
snapshots, userspace exits and the poller's CPU time from the device's log
lines. Prints KEY=VALUE pairs, one per line; KICKS 0 leaves out the
per-kick figures."""
import json
import re
import sys


def marks(err_path, label):
    """The device's log values at mark LABEL (last occurrence)."""
    vals = {}
    pat = re.compile(r"vipi-dev phase %d: (.*)$" % label)
    with open(err_path) as f:
        for line in f:
            m = pat.search(line)
            if m:
                for kv in m.group(1).split():
                    k, _, v = kv.partition("=")
                    vals[k] = int(v)
    return vals


def main():
    stats, err, label, kicks, src, dst = sys.argv[1:7]
    label, kicks, src, dst = int(label), int(kicks), int(src), int(dst)
    with open(stats) as f:
        snaps = {s["label"]: s for s in json.load(f)["snapshots"]}
    a, b = snaps["phase-%d" % label], snaps["phase-%d" % (label + 1)]
    m0, m1 = marks(err, label), marks(err, label + 1)

    def delta(cpu, name):
        return b["vcpus"][cpu][name] - a["vcpus"][cpu][name]

    out = {
        "wall_s": "%.3f" % (b["t_s"] - a["t_s"]),
        "sender_exits": delta(src, "exits"),
        "sender_io_exits": delta(src, "io_exits"),
        "receiver_exits": delta(dst, "exits"),
        # The mark LABEL+1 is itself one userspace exit: not the kicks'.
        "userspace_exits": m1["userspace_exits"] - m0["userspace_exits"] - 1,
        "userspace_doorbells": m1["userspace_doorbells"] - m0["userspace_doorbells"],
        "poller_cpu_ms": "%.3f" % ((m1["poller_cpu_ns"] - m0["poller_cpu_ns"]) / 1e6),
        "poller_cpu_pct": "%.3f" % (100 * (m1["poller_cpu_ns"] - m0["poller_cpu_ns"]) /
                                    1e9 / (b["t_s"] - a["t_s"])),
        "poller_wakeups": m1["wakeups"] - m0["wakeups"],
    }
    if kicks:
        out["sender_exits_per_kick"] = "%.6f" % (out["sender_exits"] / kicks)
        out["receiver_exits_per_kick"] = "%.6f" % (out["receiver_exits"] / kicks)
        out["userspace_exits_per_kick"] = "%.6f" % (out["userspace_exits"] / kicks)
    for k, v in out.items():
        print("%s=%s" % (k, v))


if __name__ == "__main__":
    main()
