#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Reads meson's testlog.json files and prints 'N passed, N failed[, N skipped]'.

Every meson test counts once. Exits 1 when any failed (or none ran at all).
"""
import json
import sys

passed = failed = skipped = 0
bad = []
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        res = t.get("result")
        if res in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif res == "SKIP":
            skipped += 1
        else:
            failed += 1
            bad.append(f"{t.get('name')} ({res}, {t.get('duration', 0):.1f} s)")
for b in bad:
    print(f"FAILED: {b}")
tail = f", {skipped} skipped" if skipped else ""
print(f"{passed} passed, {failed} failed{tail}")
sys.exit(1 if failed or passed == 0 else 0)
