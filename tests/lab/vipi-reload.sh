# SPDX-License-Identifier: GPL-2.0-only
# vipi.ko is unloaded and reloaded again and again while a storm runs (4
# vCPUs, takeover on): smp_ops are handed back and taken over under load,
# pending words are drained, and no cross-call is lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

script="$VIPI_LOAD
$VIPI_LOAD_STRESS
(echo 15 > /sys/kernel/vipi_stress/storm) &
pid=\$!
sleep 1
reloads=0
while kill -0 \$pid 2>/dev/null && [ \$reloads -lt 6 ]; do
	if rmmod vipi 2>/dev/null; then
		insmod /lib/vipi/vipi.ko || { echo insmod-failed; break; }
		reloads=\$((reloads + 1))
	fi
	sleep 0.1
done
wait \$pid || exit 93
echo \"reloads=\$reloads\"
cat /sys/kernel/vipi_stress/storm
echo \"bound=\$(cut -d' ' -f1 /sys/kernel/vipi/bound)\"
dmesg | grep -c 'vipi: loaded' | sed 's/^/loads=/'"

vipi_guest reload 4 "$script" || fail "reload guest failed ($?)"
out=$tmp/reload.out
grep -q insmod-failed "$out" && fail "a reload failed"
expect_cmp "reloads during the storm" "$(field reloads "$out")" -ge 2
expect_eq "loads seen by the kernel" "$(field loads "$out")" $(($(field reloads "$out") + 1))
expect_eq "bound after the last reload" "$(field bound "$out")" 1
expect_eq "lost" "$(field lost "$out")" 0
expect_eq "async calls run" "$(field async_done "$out")" "$(field async_issued "$out")"
expect_eq "sync calls run" "$(field sync_done "$out")" "$(field sync_issued "$out")"
expect_cmp "async calls issued" "$(field async_issued "$out")" -gt 0
expect_eq "invalid requests" "$(field invalid "$tmp/reload.err")" 0
