# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the vipi device's lab tests, after lib.sh.

# The image these tests boot: the product's plus the bench's and the test
# modules at /lib/vipi/ (tests/modules/meson.build).
VIPI_INITRD=$VIPI_BUILD/tests/modules/test.cpio.gz

# vipi_guest NAME CPUS SCRIPT [RUN OPTION...]: runs SCRIPT (sh) in a `vipi run`
# guest booted from $VIPI_INITRD; its stdout goes to $tmp/NAME.out, vipi's
# stderr to $tmp/NAME.err, both are shown, and the guest's exit status is
# returned.
# --verbose puts the guest kernel's console (quiet: warnings only), the
# userspace exits by port and each vCPU's state at the end in NAME.err; it
# changes nothing in the guest. The guest's --timeout (VIPI_GUEST_TIMEOUT,
# 150 s after the lab machine's boot) ends a hung guest before meson's
# timeout (300 s and more) does, so a hang fails with vipi's own account of
# it; a lab machine that stalled itself is stopped 120 s after that, with a
# look at its CPUs (docs/lab.md, "A lab machine that stalls").
vipi_guest() {
	name=$1 cpus=$2 script=$3
	shift 3
	"$VIPI" run --cpus "$cpus" --timeout "${VIPI_GUEST_TIMEOUT:-150}" --verbose \
		--initrd "$VIPI_INITRD" "$@" -- sh -c "$script" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	sed "s/^/[$name] /" "$tmp/$name.out"
	sed "s/^/[$name stderr] /" "$tmp/$name.err"
	return $rc
}

# field KEY FILE: the value of the last KEY=VALUE in FILE ("" if none).
field() {
	tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | tail -n1
}

# expect_cmp WHAT A OP B: a numeric comparison (test(1) operators).
expect_cmp() {
	[ -n "$2" ] && [ -n "$4" ] && [ "$2" "$3" "$4" ] || fail "$1: want $2 $3 $4"
	echo "ok: $1: $2 $3 $4"
}

# The guest's side: load the module(s), fail loudly otherwise.
VIPI_LOAD='insmod /lib/vipi/vipi.ko || exit 90'
# The stream microbenchmark (/sys/kernel/vipi/stream), on top of vipi.ko.
VIPI_LOAD_BENCH='insmod /lib/vipi/vipi_bench.ko || exit 90'
VIPI_LOAD_STRESS='insmod /lib/vipi/vipi_stress.ko || exit 91'
