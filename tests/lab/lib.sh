# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the lab tests. $VIPI is the binary under test (set by meson).
set -u
: "${VIPI:?run through meson test}"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1 = '$3'"
}

# wait_signals PID FIELD WHAT: waits (at most 60 s) until FIELD of
# /proc/PID/status (SigBlk: blocked, SigCgt: caught) holds SIGHUP, SIGINT and
# SIGTERM (bits 1, 2, 15: 0x4003). Before that a test's signal would meet its
# default action, so tests wait for this, not for a fixed time.
wait_signals() {
	n=0
	while :; do
		m=$(sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null)
		[ -n "$m" ] && [ $((0x$m & 0x4003)) -eq $((0x4003)) ] && break
		kill -0 "$1" 2>/dev/null || fail "$3 ended before it took signals"
		[ "$n" -lt 600 ] || fail "$3 did not take signals within 60 s"
		sleep 0.1
		n=$((n + 1))
	done
}

# fs_leftovers: "DIRS PROCS", the virtio-fs socket directories (vipi-fs.*,
# under /tmp, /dev/shm or a test's $tmp/t) and the virtiofsd processes here.
# After a run both must be 0.
fs_leftovers() {
	echo "$(ls -d /tmp/vipi-fs.* /dev/shm/vipi-fs.* "$tmp"/t/vipi-fs.* 2>/dev/null | wc -l)" \
		"$(pgrep -x virtiofsd | wc -l)"
}

# No job directory of ours may outlive a run.
lab_leftovers() {
	ls -d /tmp/vipi-lab-* 2>/dev/null | wc -l
}

# lab_keep STATUS: a failed test's files ($tmp: the guests' stdout, vipi's
# stderr with the guest console and the vCPUs' state, --stats JSON) stay in
# $VIPI_BUILD/lab-last/NAME, the last failure of each test, for a look
# after make check. A pass leaves nothing.
lab_keep() {
	[ "$1" -ne 0 ] || return 0
	keep=$VIPI_BUILD/lab-last/$(basename "$0" .sh)
	rm -rf "$keep" && mkdir -p "$keep" && cp -a "$tmp"/. "$keep"/ &&
		echo "kept for a look: $keep" >&2
}

tmp=$(mktemp -d)
trap 'rc=$?; lab_keep $rc; rm -rf "$tmp"' EXIT
# meson's timeout ends a test by SIGTERM: leave through the EXIT trap too.
trap 'exit 143' TERM INT

# wait_for FILE PATTERN SECONDS: 0 once FILE holds PATTERN, 1 after SECONDS.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $(($3 * 5)) ] || return 1
		sleep 0.2
	done
}

# kvm_events: every kvm tracepoint a vipi command enables, as named in the
# two files that set triggers on them; the lab must hold each on (pin.c).
kvm_events() {
	# Unquoted: echo joins the names with single spaces.
	echo $(grep -ho '"kvm_[a-z_]*"' "$VIPI_SRC/vmm/kvm/trace.c" "$VIPI_SRC/vmm/watch/tracefs.c" |
		tr -d '"' | sort -u)
}
