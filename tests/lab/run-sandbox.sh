# SPDX-License-Identifier: GPL-2.0-only
# The sandbox (vmm/util/sandbox.h) in one lab boot: while `vipi run --cpus
# 2` runs a guest that binds the vipi device (so that the poller runs) and
# sleeps 10 s (3 s proved too short on a loaded lab machine: the threads
# were leaving while listed), every vCPU thread, the poller and the main thread show
# "Seccomp: 2" (filter mode) in /proc/PID/task/*/status; and the hidden
# --sandbox-probe (vCPU 0 calls socket() before its first KVM_RUN) kills
# vipi with SIGSYS (status 159 in sh) after exactly one line naming the
# call and the thread. --verbose: the main thread reads each stopped
# vCPU's state at the end, its LAPIC timer with it (vmm/kvm/vcpu_dump.c),
# sandboxed too.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/inner.sh" <<'INNER'
vipi=$1 dir=$2
"$vipi" run --lab never --cpus 2 --verbose -- sh -c 'insmod /lib/vipi/vipi.ko && sleep 10' \
	>"$dir/run.out" 2>"$dir/run.err" &
pid=$!
# The poller starts when the guest binds the device, a few seconds in.
for i in $(seq 1 120); do
	grep -qx vipi-poller /proc/$pid/task/*/comm 2>/dev/null && break
	sleep 0.5
done
for t in /proc/$pid/task/*; do
	echo "task=$(cat "$t/comm"):$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")"
done
wait $pid
echo "run_status=$?"
# In a subshell: the shell's own "Bad system call" must not land in probe.err.
(exec "$vipi" run --lab never --sandbox-probe -- true >"$dir/probe.out" 2>"$dir/probe.err")
echo "probe_status=$?"
INNER
out=$("$VIPI" lab -q --cpus 3 -- sh "$tmp/inner.sh" "$VIPI" "$tmp")
echo "$out"
val() { echo "$out" | sed -n "s/^$1=//p"; }

expect_eq "status of the sandboxed run" "$(val run_status)" 0
for v in 0 1; do
	grep -Eq "^vipi: vCPU $v at the end: .* timer=(masked|none|unknown|[+-][0-9]+us|count:[0-9]+)\$" \
		"$tmp/run.err" || fail "no state of vCPU $v at the end: $(tail -3 "$tmp/run.err")"
done
grep ' at the end: ' "$tmp/run.err"
echo "ok: $(grep -c ' at the end: ' "$tmp/run.err") vCPU states read at the end, sandboxed"
tasks=$(val task)
for name in vipi vcpu0 vcpu1 vipi-poller; do
	echo "$tasks" | grep -qx "$name:2" || fail "thread $name not in seccomp filter mode: $tasks"
	echo "ok: thread $name: Seccomp: 2"
done
echo "$tasks" | grep -v ':2$' && fail "a thread without its filter: $tasks"

expect_eq "status after a forbidden call (128 + SIGSYS)" "$(val probe_status)" 159
want="vipi: sandbox: thread vcpu0 (vcpu) made a forbidden system call: socket (41); killed by SIGSYS"
expect_eq "its stderr" "$(cat "$tmp/probe.err")" "$want"
expect_eq "its stdout" "$(cat "$tmp/probe.out")" ""
