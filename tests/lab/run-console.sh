# SPDX-License-Identifier: GPL-2.0-only
# The interactive console through the lab, in one lab boot: `vipi run`
# without a command, driven through a pseudo-terminal that is its
# controlling tty (run-console.py: 42 from `echo $((6*7))`, ^C reaches the
# guest's shell and not vipi, `exit 5` gives status 5, the terminal's modes
# are restored). Then no lab job directory is left.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
python3 "$(dirname "$0")/run-console.py" "$VIPI" run --cpus 2 || fail "console through a pty"
expect_eq "lab job directories left" "$(lab_leftovers)" "$before"
