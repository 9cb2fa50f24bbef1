# SPDX-License-Identifier: GPL-2.0-only
# A hostile guest: for 60 s vipi_hostile.ko writes random values to every
# BAR0 register and mailbox field (random class and reserved bits, APIC IDs
# no vCPU has, random mailbox GPAs) from one thread, while vipi_stress's
# storm kicks between all 4 vCPUs. The VMM keeps running and logs the
# invalid requests rate-limited; every valid kick arrives (lost 0, every
# call run) and the device is still enabled at the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

script="$VIPI_LOAD
$VIPI_LOAD_STRESS
insmod /lib/vipi/vipi_hostile.ko || exit 92
k0=\$(cat /sys/kernel/vipi/kicks)
(echo 60 > /sys/kernel/vipi_hostile/run) &
hpid=\$!
echo 60 > /sys/kernel/vipi_stress/storm || exit 93
wait \$hpid || exit 94
cat /sys/kernel/vipi_stress/storm
cat /sys/kernel/vipi_hostile/run
echo \"device_kicks=\$((\$(cat /sys/kernel/vipi/kicks) - k0))\""

vipi_guest hostile 4 "$script" || fail "hostile guest failed ($?)"
out=$tmp/hostile.out err=$tmp/hostile.err
# The valid kicks: all of them arrived.
expect_eq "lost" "$(field lost "$out")" 0
expect_eq "errors" "$(field errors "$out")" 0
expect_eq "async calls run" "$(field async_done "$out")" "$(field async_issued "$out")"
expect_eq "sync calls run" "$(field sync_done "$out")" "$(field sync_issued "$out")"
expect_cmp "kick_cpu_async calls" "$(field kicks "$out")" -gt 0
expect_cmp "kicks through the device" "$(field device_kicks "$out")" -ge "$(field kicks "$out")"
# The hostile side did its work, and the device survived it enabled.
expect_eq "hostile seconds" "$(field seconds "$out")" 60
expect_cmp "hostile register writes" "$(field reg_writes "$out")" -gt 1000
expect_cmp "hostile mailbox requests" "$(field mbox_bits "$out")" -gt 1000
expect_eq "device status after (enabled)" "$(field status "$out")" 0x1
bad=$(field device_errors "$out")
expect_cmp "invalid requests the device counted" "$bad" -gt 1000
# Invalid requests are logged rate-limited (util/log.h: 10 lines per call
# site per 5 s): far fewer warning lines than invalid requests, and a bound
# that does not grow with how fast the guest writes. The hostile guest's
# phase marks are valid requests: their lines (two per mark) are bounded by
# count (VIPI_PHASE_LOG_MAX, STATS_MAX_SNAPSHOTS: 4096 marks), not by time,
# so they are checked against that bound, not counted as warnings.
lines=$(grep -c 'warning: vipi-dev' "$err")
expect_cmp "vipi-dev warning lines" "$lines" -le 2000
expect_cmp "warning lines below invalid requests" "$lines" -lt "$bad"
expect_cmp "phase mark lines" "$(grep -c 'vipi-dev phase' "$err")" -le $((2 * 4096))
expect_eq "MSI errors" "$(field inject_errors "$err")" 0
