#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""matrix.py OUT_PREFIX DIR: one table of the guest-kernel matrix (make matrix).

DIR holds, for each short-named guest kernel K, the reports of
`vipi bench --suite ipi --guest-kernel K --json DIR/ipi-K.json` and
`vipi bench --suite nohz --guest-kernel K --json DIR/nohz-K.json`
(scripts/matrix.sh). Writes OUT_PREFIX.json, .csv and .svg: per kernel, the
ipi suite's rows (sender exits per kick, lost kicks) and the nohz suite's
housekeeping exits per kick (absent, takeover-on) and their reduction. A
kernel with a missing or partial report gets its row marked so, never
silently dropped.
"""
import json
import os
import sys

KERNELS = ["amd64", "cloud", "rt", "6.12", "6.12-cloud", "6.12-rt"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def kernel_row(d, k):
    ipi, nohz = load(f"{d}/ipi-{k}.json"), load(f"{d}/nohz-{k}.json")
    row = {"name": k, "release": None, "ipi": [], "nohz": None, "note": []}
    for what, r in (("ipi", ipi), ("nohz", nohz)):
        if r is None:
            row["note"].append(f"no {what} report")
            continue
        row["release"] = row["release"] or r.get("guest_kernel")
        row["host"] = r["host"]
        if r.get("partial"):
            row["note"].append(f"{what} report partial")
    for x in (ipi or {}).get("results", []):
        row["ipi"].append({f: x[f] for f in ("vmm", "method", "scenario", "kicks", "lost",
                                               "sender_exits_per_kick",
                                               "receiver_exits_per_kick")})
    hk = {h["config"]: h for h in (nohz or {}).get("housekeeping", [])
          if h.get("exits_disabled") == "none"}
    if "absent" in hk and "takeover-on" in hk:
        row["nohz"] = {"absent_exits_per_kick": hk["absent"]["send_exits_per_kick"],
                       "takeover_on_exits_per_kick": hk["takeover-on"]["send_exits_per_kick"],
                       "reduction_vs_absent": hk["takeover-on"]["reduction_vs_absent"],
                       "lost": sum(h["lost"] or 0 for h in hk.values())}
    row["note"] = "; ".join(row["note"]) or None
    return row


def num(v, fmt):
    return "" if v is None else fmt % v


def write_csv(rows, path):
    lines = ["kernel,release,vmm,method,scenario,kicks,lost,sender_exits_per_kick,"
             "receiver_exits_per_kick,nohz_absent_exits_per_kick,"
             "nohz_takeover_on_exits_per_kick,nohz_reduction_vs_absent,note"]
    for r in rows:
        n = r["nohz"] or {}
        tail = ",".join([num(n.get("absent_exits_per_kick"), "%.4f"),
                         num(n.get("takeover_on_exits_per_kick"), "%.4f"),
                         num(n.get("reduction_vs_absent"), "%.4f"),
                         (r["note"] or "").replace(",", ";")])
        for x in r["ipi"] or [{}]:
            lines.append(",".join([r["name"], r["release"] or "", x.get("vmm", ""),
                                   x.get("method", ""), x.get("scenario", ""),
                                   num(x.get("kicks"), "%d"), num(x.get("lost"), "%d"),
                                   num(x.get("sender_exits_per_kick"), "%.5f"),
                                   num(x.get("receiver_exits_per_kick"), "%.5f"), tail]))
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.rename(path + ".tmp", path)


def bars(x0, y0, title, groups, series, scale_max):
    """One panel: per kernel, one bar per series, 0..scale_max exits per kick."""
    h, bw, gap = 160, 14, 26
    out = [f'<text x="{x0}" y="{y0 - 8}" font-size="13">{title}</text>',
           f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + len(groups) * (len(series) * bw + gap)}" '
           f'y2="{y0 + h}" stroke="#000"/>']
    for gi, (name, vals) in enumerate(groups):
        gx = x0 + gi * (len(series) * bw + gap)
        for si, (label, colour) in enumerate(series):
            v = vals.get(label)
            if v is None:
                continue
            bh = min(v, scale_max) / scale_max * h
            out.append(f'<rect x="{gx + si * bw}" y="{y0 + h - bh:.1f}" width="{bw - 2}" '
                       f'height="{bh:.1f}" fill="{colour}"><title>{name} {label}: {v:.4f}'
                       f'</title></rect>')
        out.append(f'<text x="{gx}" y="{y0 + h + 14}" font-size="10">{name}</text>')
    for si, (label, colour) in enumerate(series):
        out.append(f'<rect x="{x0 + si * 120}" y="{y0 + h + 22}" width="10" height="10" '
                   f'fill="{colour}"/><text x="{x0 + si * 120 + 14}" y="{y0 + h + 31}" '
                   f'font-size="10">{label}</text>')
    return out


def write_svg(rows, path):
    ipi, nohz = [], []
    for r in rows:
        v = {x["method"]: x["sender_exits_per_kick"] for x in r["ipi"]
             if x["vmm"] == "vipi" and x["scenario"] == "busy"}
        ipi.append((r["name"], v))
        n = r["nohz"] or {}
        nohz.append((r["name"], {"absent": n.get("absent_exits_per_kick"),
                                 "takeover-on": n.get("takeover_on_exits_per_kick")}))
    methods = [("native", "#c44"), ("kvm-pv", "#c94"), ("vipi-doorbell", "#49c"),
               ("vipi", "#2a4")]
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="760" height="520" '
           'font-family="sans-serif">',
           '<rect width="100%" height="100%" fill="#fff"/>',
           '<text x="20" y="22" font-size="14">vipi guest-kernel matrix (lab: exit counts '
           'exact, timings emulated)</text>']
    out += bars(30, 60, "ipi suite: sender exits per kick, vipi VMM, busy target (0..1.2)",
                ipi, methods, 1.2)
    out += bars(30, 310, "nohz suite: housekeeping exits per kick (0..1.2)", nohz,
                [("absent", "#c44"), ("takeover-on", "#2a4")], 1.2)
    out.append("</svg>")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.rename(path + ".tmp", path)


def main():
    prefix, d = sys.argv[1], sys.argv[2]
    rows = [kernel_row(d, k) for k in KERNELS]
    with open(prefix + ".json.tmp", "w") as f:
        json.dump({"matrix": "guest-kernels", "kernels": rows}, f, indent=1, sort_keys=True)
    os.rename(prefix + ".json.tmp", prefix + ".json")
    write_csv(rows, prefix + ".csv")
    write_svg(rows, prefix + ".svg")
    for r in rows:
        n = r["nohz"] or {}
        v = [x for x in r["ipi"] if (x["vmm"], x["method"], x["scenario"]) ==
             ("vipi", "vipi", "busy")]
        print("%-10s %-26s vipi/busy s-exit/k %-9s nohz reduction %s%s" % (
            r["name"], r["release"] or "-",
            num(v[0]["sender_exits_per_kick"], "%.5f") if v else "-",
            num(n.get("reduction_vs_absent"), "%.3f") or "-",
            "  (" + r["note"] + ")" if r["note"] else ""))
    return 0 if all(not r["note"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
