#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# watch-stall.py DIR: what step 3's files in DIR (build/watch-last) say
# about a guest that stopped taking kicks (docs/watch.md, "3."). One line
# per vCPU from vipi-run.err's end-of-run lines, its RIP named by the
# guest's "syms:" lines in vipi.log. For a vCPU with no exit in the whole
# watch (vipi.json), a reading of it and of its thread in vipi.tasks:
#   - halted in native_halt with IF=0: a PV spinlock wait (kvm_wait); only
#     the lock holder's KVM_HC_KICK_CPU wakes it, so the kick was lost;
#   - a deadline overdue by more than a second: its host timer never fired;
#   - IF=1 and a vector in the IRR above the PPR: a wake-up lost (at a
#     normal end this is only the timer KVM moves into the IRR then);
#   - nothing pending: no interrupt reached its LAPIC;
# and the device's line: a request left in the mailbox with the poller
# asleep is a doorbell lost. It only reads; watch.sh runs it when step 3's
# checks fail, so that the failure says which of these it was.
import json
import re
import sys

d = sys.argv[1]


def read(name):
    try:
        return open(f"{d}/{name}", errors="replace").read()
    except OSError:
        return ""


syms = sorted(
    (int(a, 16), n) for n, a in re.findall(r"^syms: (\S+) ([0-9a-f]+)$", read("vipi.log"), re.M)
)


def name(rip):
    """SYMBOL+OFF for RIP from the guest's syms, or the bare address."""
    below = [(a, n) for a, n in syms if a <= rip]
    if not below or rip - below[-1][0] > 0x1000:
        return hex(rip)
    a, n = below[-1]
    return f"{n}+{rip - a:#x}"


def looks():
    """{thread: [(state, ns run)]} over vipi.tasks' looks."""
    out = {}
    for t, st, run in re.findall(r"^(\S+) (\S) \d+ wchan=\S* schedstat=(\d+)", read("vipi.tasks"), re.M):
        out.setdefault(t, []).append((st, int(run)))
    return out


def thread(cpu, tasks):
    """What vipi.tasks says of vCPU CPU's thread, '' if it was not looked at."""
    lk = tasks.get(f"vcpu{cpu}", [])
    if len(lk) < 2:
        return ""
    (s0, r0), (s1, r1) = lk[0], lk[-1]
    if r1 == r0 and s0 == s1 == "R":
        return "; its thread runnable in both looks and never run: the lab machine lost it"
    if r1 == r0:
        return f"; its thread {s0},{s1} and never run between the looks: never woken"
    return f"; its thread ran {(r1 - r0) // 1000} us between the looks"


def reading(f, where, tasks):
    """What a stalled vCPU's end-of-run fields say; WHERE names its RIP."""
    irr, ppr = int(f.get("irr-top", "-1")), int(f.get("ppr", "0"), 16)
    t = re.fullmatch(r"-(\d+)us", f.get("timer", ""))
    more = thread(f["id"], tasks)
    if f["state"] != "halted":
        return f"not halted{more}"
    if where.startswith("native_halt+") and f.get("if") == "0":
        return f"a PV spinlock wait (kvm_wait, IF=0): a KVM_HC_KICK_CPU lost{more}"
    if t and int(t.group(1)) > 1000000:
        return f"its deadline {int(t.group(1)) // 1000} ms overdue: its host timer never fired{more}"
    if f.get("if") == "1" and irr >= 0 and (irr & 0xF0) > (ppr & 0xF0):
        # At the end KVM moves a deadline reached into the IRR (docs/run.md):
        # with 0 exits for the whole window that is a wake-up never acted on.
        return f"vector {irr} pending with IF=1 and no exit for the whole window: a wake-up lost{more}"
    return f"nothing pending for it: no interrupt reached its LAPIC{more}"


def stalled():
    """The vCPU ids with no exit in the watch's window (vipi.json)."""
    try:
        vc = json.loads(read("vipi.json"))["summary"]["vcpus"]
    except (ValueError, KeyError):
        return None
    return {str(v["id"]) for v in vc if not v["exits"]}


err = read("vipi-run.err")
tasks, still, found = looks(), stalled(), False
for m in re.finditer(r"vCPU (\d+) at the end: (\S+) (.*)", err):
    f = dict(x.split("=", 1) for x in m.group(3).split() if "=" in x)
    f["id"], f["state"], found = m.group(1), m.group(2), True
    where = name(int(f.get("rip", "0"), 16))
    r = reading(f, where, tasks) if still and f["id"] in still else ""
    print(
        f"stall: vCPU {f['id']} {f['state']} at {where} "
        f"if={f.get('if')} irr-top={f.get('irr-top')} timer={f.get('timer')}"
        + (f": {r}" if r else "")
    )
if still is None:
    print("stall: no vipi.json: which vCPU made no exit is not known")
elif not still:
    print("stall: every vCPU made exits in the watch's window")
dev = re.search(r"vipi-dev at exit: .*", err)
if dev:
    pend = re.search(r"pending_slots=(\d+)", dev.group(0))
    if pend and int(pend.group(1)) and "poller=sleeping" in dev.group(0):
        print(f"stall: {pend.group(1)} mailbox slot(s) pending, poller asleep: a doorbell lost")
if not found:
    print("stall: no end-of-run vCPU lines in vipi-run.err (the run was stopped before its end)")
