#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# watch-follow.py LOG OUT: appends each new line of LOG (a guest's console,
# written by QEMU or vipi) to OUT with this machine's wall clock in front,
# polling every 0.1 s, until killed: watch.sh finds the guest's status
# lines inside a watch's window with it. No process per line: a shell loop
# fell minutes behind under the lab's emulator.
import sys
import time

log, out = sys.argv[1], sys.argv[2]
pos, buf = 0, b""
with open(out, "w") as o:
    while True:
        try:
            with open(log, "rb") as f:
                f.seek(pos)
                data = f.read()
        except FileNotFoundError:
            data = b""
        pos += len(data)
        buf += data
        *lines, buf = buf.split(b"\n")
        now = time.time()
        for line in lines:
            o.write(f"{now:.3f} {line.decode(errors='replace')}\n")
        o.flush()
        time.sleep(0.1)
