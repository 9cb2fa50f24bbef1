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

# No job directory of ours may outlive a run.
lab_leftovers() {
	ls -d /tmp/vipi-lab-* 2>/dev/null | wc -l
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
