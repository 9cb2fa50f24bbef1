# SPDX-License-Identifier: GPL-2.0-only
# SIGINT, SIGTERM and SIGHUP (a terminal hung up) while `vipi run` boots its guest: everything is torn
# down, the --stats report is written whole and says how the run ended
# ("end": "signal"), the status is 130, 143 or 129, and no vipi or temp file is
# left. Needs /dev/kvm: run-badinput.sh runs this inside its lab boot (one
# boot for both); run alone, it boots the lab for itself.
. "$(dirname "$0")/lib.sh"

if [ ! -w /dev/kvm ] && [ -z "${VIPI_IN_LAB:-}" ]; then
	exec "$VIPI" lab -q --cpus 2 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" ${VIPI_KIT:+VIPI_KIT="$VIPI_KIT"} sh "$(realpath "$0")"
fi

mkdir "$tmp/t"
export TMPDIR="$tmp/t"
for sig in INT TERM HUP; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	"$VIPI" run --lab=never --stats "$tmp/stats-$sig.json" -- sleep 600 \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	# From run_signals_init() on, vipi takes the three on a signalfd (they
	# are blocked); then 2 s more: the guest kernel is still booting (~20 s).
	wait_signals "$pid" SigBlk "vipi run (SIG$sig)"
	sleep 2
	kill -"$sig" "$pid"
	wait "$pid"
	expect_eq "vipi run: status after SIG$sig during boot" "$?" "$want"
	kill -0 "$pid" 2>/dev/null && fail "vipi run still there after SIG$sig"
	python3 - "$tmp/stats-$sig.json" "$want" <<'PY' || fail "SIG$sig: bad --stats report"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["end"] == "signal", s["end"]
assert s["exit_status"] == int(sys.argv[2]), s["exit_status"]
assert s["command_start_s"] is None, "the command cannot have started"
PY
	echo "ok: SIG$sig: --stats written whole, end=signal"
	grep -v '^vipi: [0-9]* vCPUs' "$tmp/err" | grep . && fail "SIG$sig: unexpected stderr"
done
expect_eq "temp files left (TMPDIR)" "$(ls -A "$TMPDIR" | wc -l)" 0
