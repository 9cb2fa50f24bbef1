# SPDX-License-Identifier: GPL-2.0-only
# The boot watchdog (vmm/util/life.h): a guest that makes no port I/O
# fails at VIPI_LIFE_S (60 s) with one line, not at --timeout; a QEMU
# guest that does not reach its init fails at VIPI_INIT_S (120 s). The
# guest here is the kit's kernel with its 64-bit entry patched to `jmp .`:
# it spins without a single I/O, as an unmodified kernel does on PVM.
# Under `vipi run`, and as the vipi and QEMU rows of `vipi bench`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

if [ -z "${VIPI_IN_LAB:-}" ]; then
	exec "$VIPI" lab -q --cpus 3 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" \
		${VIPI_KIT:+VIPI_KIT="$VIPI_KIT"} sh "$(realpath "$0")"
fi

kit=${VIPI_KIT:-$VIPI_BUILD/guest}
mkdir "$tmp/kit"
cp "$kit/vmlinuz" "$tmp/kit/vmlinuz"
# The product image for vipi run, the bench image (vipi.ko and the bench
# modules) for vipi bench.
for img in guest.cpio.gz bench.cpio.gz; do
	ln -s "$(realpath "$kit/$img")" "$tmp/kit/$img"
done
setup=$(od -An -tu1 -j 497 -N1 "$tmp/kit/vmlinuz" | tr -d ' ')
[ "$setup" = 0 ] && setup=4
# The protected-mode kernel starts at (setup_sects + 1) * 512; its 64-bit entry 0x200 in.
printf '\353\376' | dd of="$tmp/kit/vmlinuz" bs=1 seek=$(((setup + 1) * 512 + 512)) \
	conv=notrunc status=none

# The three silent guests fail at wall-clock bounds, not emulated ones: they
# run side by side, each in the background, and are checked after.
# timed NAME CMD...: CMD's stdout, stderr, status and seconds in $tmp/NAME.*
timed() {
	name=$1
	shift
	(
		t0=$(date +%s)
		"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
		echo $? >"$tmp/$name.rc"
		echo $(($(date +%s) - t0)) >"$tmp/$name.dt"
	) &
}

timed run "$VIPI" run --lab never --kernel "$tmp/kit/vmlinuz" --timeout 400 -- true
# The ipi suite: its vipi row fails at 60 s (vipi run's watchdog); its QEMU
# row passes the port I/O check (SeaBIOS makes some) and fails at 120 s
# without its init's first line. One bench per VMM, side by side: one bench
# with both rows runs them one after the other (180 s).
for vmm in vipi qemu; do
	timed ipi-$vmm env VIPI_KIT="$tmp/kit" "$VIPI" bench --lab never --suite ipi --vmm $vmm \
		--methods native --scenarios busy --kicks 100 --roundtrips 10 --timeout 400 \
		--json "$tmp/b-$vmm.json"
done
# The boot suite's QEMU row: the same bound, on the guest's end.
timed boot env VIPI_KIT="$tmp/kit" "$VIPI" bench --lab never --suite boot --vmm qemu \
	--timeout 400 --json "$tmp/c.json"
wait

cat "$tmp/run.err"
expect_eq "run: status (guest failed)" "$(cat "$tmp/run.rc")" 125
grep -q "no sign of life from the guest in 60 s" "$tmp/run.err" || fail "run: no watchdog line"
expect_cmp "run: seconds to fail" "$(cat "$tmp/run.dt")" -ge 60
expect_cmp "run: seconds to fail" "$(cat "$tmp/run.dt")" -lt 120

cat "$tmp/ipi-vipi.err" "$tmp/ipi-qemu.err"
[ "$(cat "$tmp/ipi-vipi.rc")" != 0 ] || fail "bench (vipi row) of a silent guest succeeded"
[ "$(cat "$tmp/ipi-qemu.rc")" != 0 ] || fail "bench (qemu row) of a silent guest succeeded"
grep -q "bench: vipi: .*no sign of life from the guest in 60 s" "$tmp/ipi-vipi.err" ||
	fail "bench: no watchdog line for the vipi row"
grep -q "bench: qemu: the guest did not reach its init in 120 s" "$tmp/ipi-qemu.err" ||
	fail "bench: no watchdog line for the qemu row"
expect_cmp "bench ipi vipi: seconds to fail" "$(cat "$tmp/ipi-vipi.dt")" -lt 120
expect_cmp "bench ipi qemu: seconds to fail" "$(cat "$tmp/ipi-qemu.dt")" -lt 200

cat "$tmp/boot.err"
[ "$(cat "$tmp/boot.rc")" != 0 ] || fail "boot bench of a silent guest succeeded"
grep -q "boot qemu: the guest did not reach its init in 120 s" "$tmp/boot.err" ||
	fail "bench: no watchdog line for the qemu boot row"
expect_cmp "bench boot: seconds to fail" "$(cat "$tmp/boot.dt")" -lt 200
