# SPDX-License-Identifier: GPL-2.0-only
"""Drives `vipi run` (no command: the guest's shell) through a pseudo-terminal,
as a user in tmux or xterm would: the terminal is vipi's controlling tty, so a
^C that vipi left to the line discipline would stop vipi itself.

usage: run-console.py PROMPT VIPI-RUN-ARGV...

PROMPT is a Python regular expression for the guest shell's prompt: busybox's
"/root # " in the kit's initramfs, dash's "# " at a line's start under
--rootfs /.

Prints one "ok: ..." line per check, "FAIL: ..." and status 1 on the first
that fails. Checks: the shell prompt; the host terminal is raw (no echo, no
signals) while the guest runs; `echo $((6*7))` prints 42; ^C during
`sleep 30` returns to the prompt (the guest's shell got it, vipi did not);
a pasted line longer than the UART FIFOs arrives whole;
`exit 5` ends vipi with status 5; the terminal's modes are restored after.
"""
import fcntl
import hashlib
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time

BOOT_S = 150  # lab boot + nested guest boot: 30 s quiet, 5x for a loaded host
STEP_S = 60  # one command's round trip through the lab, loaded
buf = b""


def fail(msg):
    print(f"FAIL: {msg}\n--- terminal output (last 2000 bytes) ---\n"
          f"{buf[-2000:].decode(errors='replace')}", flush=True)
    sys.exit(1)


def read_some(master, timeout):
    global buf
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return False
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: every slave closed
        data = b""
    if not data:
        return None
    buf += data
    return True


def expect(master, pattern, start, timeout, what):
    """Waits for PATTERN in the output after offset START; returns its end."""
    end_by = time.monotonic() + timeout
    rx = re.compile(pattern)  # a compiled pattern comes back as it is
    while True:
        m = rx.search(buf, start)
        if m:
            return m.end()
        left = end_by - time.monotonic()
        if left <= 0:
            fail(f"no {what} within {timeout} s")
        if read_some(master, left) is None:
            fail(f"vipi closed the terminal before {what}")


def send(master, text):
    os.write(master, text)


def modes(fd):
    return termios.tcgetattr(fd)


def main():
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    before = modes(slave)

    def ctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    prompt = re.compile(sys.argv[1].encode())
    proc = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=ctty, close_fds=True)
    t0 = time.monotonic()
    pos = expect(master, prompt, 0, BOOT_S, "shell prompt")
    print(f"ok: shell prompt after {time.monotonic() - t0:.1f} s", flush=True)

    raw = modes(slave)
    if raw[3] & (termios.ECHO | termios.ICANON | termios.ISIG):
        fail(f"terminal not raw while the guest runs: lflag {raw[3]:#x}")
    print("ok: terminal raw while the guest runs (no ECHO, ICANON, ISIG)", flush=True)

    send(master, b"echo $((6*7))\r")
    pos = expect(master, rb"\n42\r*\n", pos, STEP_S, "42 from `echo $((6*7))`")
    pos = expect(master, prompt, pos, STEP_S, "prompt after echo")
    print("ok: echo $((6*7)) printed 42", flush=True)

    # A pasted line, longer than both UARTs' 16-byte FIFOs: every byte, in order.
    word = "".join(chr(ord("a") + i % 26) for i in range(150))
    line = f"s={word}; echo len=${{#s}} $(echo $s | md5sum)"
    digest = hashlib.md5((word + "\n").encode()).hexdigest()
    send(master, line.encode() + b"\r")
    pos = expect(master, rb"\nlen=150 " + digest.encode(), pos, STEP_S,
                 "length and md5 of a 150-byte pasted word")
    # The next line only once the shell reads again: typed ahead, the guest's
    # tty echoes it before the prompt, and the prompt after that echo would
    # look like the end of the command.
    pos = expect(master, prompt, pos, STEP_S, "prompt after the pasted line")
    print(f"ok: a pasted {len(line)}-byte line arrived whole", flush=True)

    send(master, b"sleep 30\r")
    pos = expect(master, rb"sleep 30\r*\n", pos, STEP_S, "echo of `sleep 30`")
    end_by = time.monotonic() + 2  # let the shell start it
    while time.monotonic() < end_by and read_some(master, end_by - time.monotonic()):
        pass
    if prompt.search(buf, pos):
        fail("prompt back before ^C: `sleep 30` did not run")
    t_int = time.monotonic()
    send(master, b"\x03")
    pos = expect(master, prompt, pos, STEP_S, "prompt after ^C")
    took = time.monotonic() - t_int
    if proc.poll() is not None:
        fail(f"vipi ended on ^C (status {proc.returncode}): ^C went to vipi")
    if took >= 20:
        fail(f"^C took {took:.1f} s to return to the prompt: sleep 30 ran out")
    print(f"ok: ^C interrupted sleep 30, prompt back after {took:.1f} s", flush=True)

    send(master, b"exit 5\r")
    try:
        status = proc.wait(STEP_S)
    except subprocess.TimeoutExpired:
        fail(f"vipi still running {STEP_S} s after `exit 5`")
    while read_some(master, 0.2):
        pass
    if status != 5:
        fail(f"vipi returned {status} after `exit 5`, want 5")
    print("ok: exit 5 -> vipi status 5", flush=True)

    after = modes(slave)
    if after != before:
        fail(f"terminal modes not restored: {before} -> {after}")
    print("ok: terminal modes restored", flush=True)


main()
