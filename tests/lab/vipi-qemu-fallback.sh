# SPDX-License-Identifier: GPL-2.0-only
# Under QEMU/KVM (inside the lab) there is no vipi device: the module loads
# with takeover on, stays unbound, kick_cpu_async() falls back to the native
# IPI, a storm loses nothing, and the module unloads.
. "$(dirname "$0")/lib.sh"

kit=$VIPI_BUILD/guest
sh "$VIPI_SRC/guest/kit/mkinitramfs.sh" "$tmp/q.cpio.gz" "$kit" \
	"$VIPI_SRC/tests/lab/vipi-qemu-init.sh" "$kit/vipi.ko" "$kit/bench/vipi_bench.ko" \
	"$VIPI_BUILD/tests/modules/vipi_stress.ko" ||
	fail "cannot build the initramfs"
"$VIPI" lab --cpus 3 -- qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 512M \
	-kernel "$kit/vmlinuz" -initrd "$tmp/q.cpio.gz" \
	-append 'console=ttyS0 quiet panic=-1' -nographic -no-reboot -nodefaults -serial stdio \
	>"$tmp/q.out" 2>&1
tr -d '\r' <"$tmp/q.out" | grep '^result: ' | sed 's/^result: //' >"$tmp/r"
sed 's/^/[qemu] /' "$tmp/r"
field() {
	tr ' ' '\n' <"$tmp/r" | sed -n "s/^$1=//p" | tail -n1
}
expect_eq "guest CPUs" "$(field cpus)" 2
expect_eq "loaded" "$(field loaded)" 1
expect_eq "bound" "$(field bound)" 0
expect_eq "takeover" "$(field takeover)" 1
expect_eq "kick_cpu_async sent" "$(field sent)" 1000
[ "$(field fallbacks)" -ge 1000 ] || fail "kick_cpu_async did not fall back: $(field fallbacks)"
echo "ok: fell back ($(field fallbacks))"
[ "$(field delivered)" -gt 0 ] || fail "no call-function-single interrupt on the target"
echo "ok: delivered $(field delivered)"
expect_eq "storm lost" "$(field lost)" 0
[ "$(field async_issued)" -gt 0 ] || fail "storm issued nothing"
expect_eq "storm async run" "$(field async_done)" "$(field async_issued)"
expect_eq "unloaded" "$(field unloaded)" 1
