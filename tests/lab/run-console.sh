# SPDX-License-Identifier: GPL-2.0-only
# The interactive console through the lab: `vipi run` without a command,
# driven through a pseudo-terminal that is its controlling tty
# (run-console.py: 42 from `echo $((6*7))`, a pasted line arrives whole, ^C
# reaches the guest's shell and not vipi, `exit 5` gives status 5, the
# terminal's modes are restored). Twice, one lab boot each: the kit's busybox
# shell, and the host's own /bin/sh (dash) under --rootfs /. Then no lab job
# directory, no virtiofsd and no socket directory is left.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
py="$(dirname "$0")/run-console.py"
echo "--- the kit's initramfs (busybox sh)"
python3 "$py" '/root # ' "$VIPI" run --cpus 2 || fail "console through a pty"
echo "--- --rootfs / (the host's /bin/sh)"
python3 "$py" '(?m)^# ' "$VIPI" run --cpus 2 --rootfs / ||
	fail "console through a pty under --rootfs /"
expect_eq "lab job directories left" "$(lab_leftovers)" "$before"
expect_eq "socket directories and virtiofsd left" "$(fs_leftovers)" "0 0"
