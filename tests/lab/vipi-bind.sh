# SPDX-License-Identifier: GPL-2.0-only
# In a 4-vCPU guest the module binds the device (PCI 1234:5650, driver vipi),
# kicks go through it (no fallback, no userspace exit); with --vipi off the
# device is absent and the module falls back to native IPIs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

script="$VIPI_LOAD
$VIPI_LOAD_BENCH
for d in /sys/bus/pci/devices/*; do
	echo \"pci=\$(basename \$d):\$(cat \$d/vendor):\$(cat \$d/device):\$(basename \$(readlink \$d/driver) 2>/dev/null)\"
done
echo \"bound=\$(cut -d' ' -f1 /sys/kernel/vipi/bound)\"
echo 1000 0 3 vipi 0 busy 100 > /sys/kernel/vipi/stream || exit 92
cat /sys/kernel/vipi/stream
echo \"kicks_total=\$(cat /sys/kernel/vipi/kicks) fallbacks_total=\$(cat /sys/kernel/vipi/fallbacks)\""

vipi_guest on 4 "$script" || fail "guest with the device failed ($?)"
grep -q '^pci=0000:00:01.0:0x1234:0x5650:vipi$' "$tmp/on.out" || fail "vipi does not drive 1234:5650"
grep -q '^pci=0000:00:00.0:0x1234:0x5651:$' "$tmp/on.out" || fail "no host bridge"
expect_eq "bound" "$(field bound "$tmp/on.out")" 1
expect_eq "stream kicks sent" "$(field sent "$tmp/on.out")" 1000
expect_eq "stream fallbacks" "$(field fallbacks "$tmp/on.out")" 0
expect_eq "round trips (on time + late)" \
	"$(($(field roundtrips "$tmp/on.out") + $(field roundtrip_late "$tmp/on.out")))" 100
expect_eq "round trips lost" "$(field roundtrip_lost "$tmp/on.out")" 0
expect_cmp "kicks through the device" "$(field kicks_total "$tmp/on.out")" -ge 1000
grep -q 'vipi-dev at exit:' "$tmp/on.err" || fail "no device report"
expect_eq "userspace doorbells" "$(field userspace_doorbells "$tmp/on.err")" 0
expect_eq "invalid requests" "$(field invalid "$tmp/on.err")" 0
expect_cmp "injections" "$(field injected "$tmp/on.err")" -gt 0

script="$VIPI_LOAD
$VIPI_LOAD_BENCH
echo \"bound=\$(cut -d' ' -f1 /sys/kernel/vipi/bound)\"
echo 1000 0 1 vipi > /sys/kernel/vipi/stream 2>/dev/null && echo vipi-mode-worked
echo 1000 0 1 auto 0 busy 100 > /sys/kernel/vipi/stream || exit 92
cat /sys/kernel/vipi/stream"
vipi_guest off 2 "$script" --vipi off || fail "guest without the device failed ($?)"
expect_eq "bound" "$(field bound "$tmp/off.out")" 0
grep -q vipi-mode-worked "$tmp/off.out" && fail "vipi mode must be refused without a device"
expect_eq "kick_cpu_async stream sent" "$(field sent "$tmp/off.out")" 1000
expect_cmp "kick_cpu_async fell back" "$(field fallbacks "$tmp/off.out")" -ge 1000
expect_cmp "the target took them" "$(field delivered "$tmp/off.out")" -gt 0
expect_eq "round trips lost" "$(field roundtrip_lost "$tmp/off.out")" 0
