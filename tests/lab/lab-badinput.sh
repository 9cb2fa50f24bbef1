# SPDX-License-Identifier: GPL-2.0-only
# Bad input to `vipi lab` gives one line naming the problem, a distinct
# status, and leaves nothing behind. None of these boots anything.
. "$(dirname "$0")/lib.sh"
before=$(lab_leftovers)

# check NAME WANT_STATUS PATTERN -- ARGS...
check() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	expect_eq "$name: status" "$rc" "$want"
	expect_eq "$name: stderr lines" "$(wc -l <"$tmp/err")" 1
	grep -q "$pat" "$tmp/err" || fail "$name: message '$(cat "$tmp/err")' lacks '$pat'"
	[ ! -s "$tmp/out" ] || fail "$name: wrote to stdout"
}

# Where this host's /dev/kvm runs PC guests, `vipi lab` runs CMD here and
# needs neither QEMU nor the kit. It fails in seconds where it cannot.
if "$VIPI" run --lab never --cpus 1 -- true >/dev/null 2>&1; then
	echo "skip: no QEMU, no kit: this host's KVM runs the command itself"
else
	check "no QEMU" 69 "apt-get install qemu-system-x86" -- env PATH=/nonexistent "$VIPI" lab -- true
	check "no kit" 69 "make kit" -- "$VIPI" lab --kit /nonexistent -- true
fi
check "no command" 64 "no command" -- "$VIPI" lab
check "--cpus 0" 64 "out of range" -- "$VIPI" lab --cpus 0 -- true
check "--cpus junk" 64 "whole number" -- "$VIPI" lab --cpus 2x -- true
check "--mem too small" 64 "out of range" -- "$VIPI" lab --mem 16 -- true
check "--mem too large" 64 "out of range" -- "$VIPI" lab --mem 99999999 -- true
check "unknown option" 64 "Unknown option" -- "$VIPI" lab --bogus -- true
check "unknown command" 64 "unknown command" -- "$VIPI" frobnicate
expect_eq "job dirs left" "$(lab_leftovers)" "$before"
