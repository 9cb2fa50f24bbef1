# SPDX-License-Identifier: GPL-2.0-only
# SIGINT, SIGTERM and SIGHUP (the terminal hung up) while the lab machine
# boots tear it down: exit 130/143/129, one line, no QEMU left running, no
# job directory left in /tmp.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)
for sig in INT TERM HUP; do
	"$VIPI" lab -q -- sleep 600 2>"$tmp/err" &
	pid=$!
	# Its handlers come with the lab machine's start; then 2 s into the boot.
	wait_signals "$pid" SigCgt "vipi lab (SIG$sig)"
	sleep 2
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	expect_eq "exit status after SIG$sig" "$rc" "$want"
	grep -q 'interrupted' "$tmp/err" || fail "no message after SIG$sig: $(cat "$tmp/err")"
	expect_eq "job dirs left after SIG$sig" "$(lab_leftovers)" "$before"
done
sleep 1
left=$(pgrep -f 'vipi-lab-' | wc -l)
expect_eq "lab QEMU processes left" "$left" 0
