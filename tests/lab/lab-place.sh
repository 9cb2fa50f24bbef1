# SPDX-License-Identifier: GPL-2.0-only
# Where vipi runs its guests (docs/lab.md, "Which /dev/kvm is usable"):
# - on this host, whatever its /dev/kvm: `run --lab never` fails within
#   seconds with one line naming the reason where that /dev/kvm cannot run
#   a PC guest (PVM's, or none), and runs where it can;
# - `bench --lab always` starts one lab machine and no more: at no moment
#   more than 3 vipi processes on this host;
# - inside the lab machine (kvm-amd): the probe guest passes, and --lab
#   always keeps the run there (no lab inside the lab).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vipi-lib.sh"

if [ -n "${VIPI_IN_LAB:-}" ]; then
	"$VIPI_BUILD/tests/unit/test-hostkvm" --verbose >"$tmp/probe" 2>&1
	rc=$?
	cat "$tmp/probe"
	expect_eq "hostkvm unit tests in the lab: status" "$rc" 0
	grep -q "^ok [0-9]* /hostkvm/probe-real$" "$tmp/probe" || fail "the probe test did not pass (skipped?)"
	grep -q 'probe: 0 (passed)' "$tmp/probe" || fail "the probe guest did not pass"
	"$VIPI" run --lab always --cpus 1 -- sh -c 'exit 5'
	expect_eq "run --lab always inside the lab" "$?" 5
	"$VIPI" lab -- sh -c 'exit 6'
	expect_eq "vipi lab inside the lab" "$?" 6
	exit 0
fi

# What this host's /dev/kvm is, from the facts vipi also reads.
kind=kvm
if [ ! -c /dev/kvm ]; then
	kind=none
elif [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
	kind=pvm
fi
echo "this host: $kind"
t0=$(date +%s)
timeout 30 "$VIPI" run --lab never -- true >"$tmp/out" 2>"$tmp/err"
rc=$? dt=$(($(date +%s) - t0))
cat "$tmp/err"
expect_cmp "run --lab never: seconds" "$dt" -lt 30
case $kind in
pvm | none)
	expect_eq "run --lab never: status" "$rc" 69
	expect_cmp "run --lab never: stderr lines" "$(wc -l <"$tmp/err")" -le 2
	pat="no /dev/kvm here"
	[ $kind = pvm ] && pat="PVM's (kvm_pvm"
	grep -q -- "--lab never: .*$pat" "$tmp/err" || fail "the reason lacks '$pat'"
	;;
kvm) expect_eq "run --lab never: status" "$rc" 0 ;;
esac

# Sample this host's vipi processes while a bench runs with --lab always.
"$VIPI" bench --lab always --vmm vipi --methods native --scenarios busy --kicks 200 \
	--roundtrips 10 --timeout 400 --json "$tmp/b.json" >"$tmp/bench.out" 2>"$tmp/bench.err" &
bench=$!
max=0
while kill -0 $bench 2>/dev/null; do
	n=$(pgrep -c -x vipi)
	[ "$n" -gt "$max" ] && max=$n
	[ "$n" -gt 3 ] && break
	sleep 0.1
done
wait $bench
rc=$?
[ "$max" -gt 3 ] && { pkill -x vipi; fail "$max vipi processes at once"; }
sed 's/^/[bench] /' "$tmp/bench.out" "$tmp/bench.err"
expect_eq "bench --lab always: status" "$rc" 0
expect_cmp "most vipi processes at once" "$max" -le 3
grep -q -- "--lab always: running in the lab" "$tmp/bench.err" || fail "no line saying why the lab"

"$VIPI" lab -q -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" \
	${VIPI_KIT:+VIPI_KIT="$VIPI_KIT"} sh "$(realpath "$0")" || fail "in the lab"
