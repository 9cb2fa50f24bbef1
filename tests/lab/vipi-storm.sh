# SPDX-License-Identifier: GPL-2.0-only
# A 10 s storm of smp_call_function_single[_async]() and kick_cpu_async()
# from every vCPU to every other one, takeover on, 4 vCPUs: every call
# issued runs (lost 0), the device carried the kicks, and a shell loop kept
# running during the storm (the guest stayed responsive).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

script="$VIPI_LOAD
$VIPI_LOAD_STRESS
echo \"bound=\$(cut -d' ' -f1 /sys/kernel/vipi/bound) takeover=\$(cat /sys/kernel/vipi/takeover)\"
k0=\$(cat /sys/kernel/vipi/kicks)
(echo 10 > /sys/kernel/vipi_stress/storm) &
pid=\$!
ticks=0
while kill -0 \$pid 2>/dev/null; do ticks=\$((ticks + 1)); sleep 0.5; done
wait \$pid || exit 93
echo \"ticks=\$ticks\"
cat /sys/kernel/vipi_stress/storm
echo \"device_kicks=\$((\$(cat /sys/kernel/vipi/kicks) - k0))\""

vipi_guest storm 4 "$script" || fail "storm guest failed ($?)"
out=$tmp/storm.out
expect_eq "bound" "$(field bound "$out")" 1
expect_eq "takeover" "$(field takeover "$out")" 1
expect_eq "cpus in the storm" "$(field cpus "$out")" 4
expect_eq "lost" "$(field lost "$out")" 0
expect_eq "errors" "$(field errors "$out")" 0
expect_eq "async calls run" "$(field async_done "$out")" "$(field async_issued "$out")"
expect_eq "sync calls run" "$(field sync_done "$out")" "$(field sync_issued "$out")"
expect_cmp "async calls issued" "$(field async_issued "$out")" -gt 0
expect_cmp "kick_cpu_async calls" "$(field kicks "$out")" -gt 0
expect_cmp "kicks through the device" "$(field device_kicks "$out")" -ge "$(field kicks "$out")"
# The shell polls every 0.5 s: over a 10 s storm it must have run repeatedly.
expect_cmp "shell loop ran during the storm" "$(field ticks "$out")" -ge 4
expect_eq "userspace doorbells" "$(field userspace_doorbells "$tmp/storm.err")" 0
expect_eq "MSI errors" "$(field inject_errors "$tmp/storm.err")" 0
