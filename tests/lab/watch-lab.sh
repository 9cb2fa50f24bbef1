# SPDX-License-Identifier: GPL-2.0-only
# The lab side of watch.sh (one lab machine): see there. $WATCH_DIR is the
# host's directory (over 9p); libvirt's state lives in tmpfs mounts of this
# machine, its QEMU capabilities cache in build/ across runs.
. "$(dirname "$0")/lib.sh"
out=$WATCH_DIR
rate=$WATCH_RATE
kit=$VIPI_BUILD/guest
append="console=ttyS0 loglevel=6 panic=-1 vipi_pace.rate=$rate"
priv=$(mktemp -d)
# A soft lockup of this machine's kernel once stopped this test (docs/watch.md):
# its backtraces, of every CPU, go to the lab console (the lab boots quiet).
echo 8 >/proc/sys/kernel/printk
sysctl -q kernel.softlockup_all_cpu_backtrace=1
mount -t tmpfs none "$priv" || fail "tmpfs"
# The kernel's text, looked at every 2 s through the test (watch.sh checks it).
"$VIPI_BUILD/tests/lab/kcore" watch 2 "$out/text.log" &
twpid=$!

# follow LOG: LOG.t gets each new line of LOG with this machine's wall
# clock in front, to find the guest's status lines inside a watch's window.
# Its process is $fpid: one polling follower at a time, each stopped when
# its guest is, not left to load the lab.
follow() {
	python3 "$VIPI_SRC/tests/lab/watch-follow.py" "$1" "$1.t" &
	fpid=$!
}

# wait_end PID WHAT: waits (at most 60 s) for a watch told to end; its status in $rc.
wait_end() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "$2: the watch still runs 60 s after it was told to end"
		sleep 0.2
	done
	wait "$1"
	rc=$?
}

# No instance of ours may outlive a watch.
no_leftover() {
	left=$(ls /sys/kernel/tracing/instances | grep -c '^vipi-watch-')
	expect_eq "$1: tracefs instances left" "$left" 0
}

# check_status NAME WANT PATTERN -- CMD...: one line on stderr, the status.
check_status() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$out/cs.out" 2>"$out/cs.err"
	expect_eq "$name: status" "$?" "$want"
	grep -q "$pat" "$out/cs.err" || fail "$name: '$(cat "$out/cs.err")' lacks '$pat'"
	expect_eq "$name: stderr lines" "$(wc -l <"$out/cs.err")" 1
}

# watch5 NAME ARGS...: a 5 s watch and its files. watch.sh checks them
# (watch-check.py) on the host once this machine is down: Python under the
# lab's emulator took tens of seconds and stalled the guests.
watch5() {
	name=$1
	shift
	"$VIPI" watch "$@" --seconds 5 --json "$out/$name.json" --csv "$out/$name.csv" \
		>"$out/$name.summary" 2>"$out/$name.err"
	rc=$?
	sed "s/^/[$name stderr] /" "$out/$name.err"
	expect_eq "$name: watch status" "$rc" 0
	sleep 1.5 # the guest's status line after the window
	no_leftover "$name"
}

# 1. libvirt.
mkdir -p "$priv/etc" "$VIPI_BUILD/watch-libvirt-cache"
cp -a /etc/libvirt/. "$priv/etc/"
printf 'security_driver = "none"\nnamespaces = [ ]\ncgroup_controllers = [ ]\nuser = "root"\ngroup = "root"\n' \
	>>"$priv/etc/qemu.conf"
mount --bind "$priv/etc" /etc/libvirt
for d in /run/libvirt /var/lib/libvirt /var/log/libvirt; do
	mkdir -p "$d" && mount -t tmpfs none "$d" || fail "tmpfs on $d"
done
mount --bind "$VIPI_BUILD/watch-libvirt-cache" /var/cache/libvirt
virtlogd -d || fail "virtlogd"
libvirtd -d || fail "libvirtd"
t0=$(date +%s)
# <vcpu cpuset>, as a user's domain may have: --advise must show it (it read
# only <cputune> and said "(unset)"). It names every online CPU, 0 included,
# so that libvirt still asks for CPU 0 (below).
cpus_of() { sed -n 's/^Cpus_allowed_list:\t*//p' "$1"; }
job_cpus=$(cpus_of /proc/$$/status)
dom_cpus=$(cat /sys/devices/system/cpu/online)
cat >"$out/dom.xml" <<XML
<domain type='kvm'>
  <name>vipi-watch</name>
  <memory unit='MiB'>384</memory>
  <vcpu placement='static' cpuset='$dom_cpus'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$kit/vmlinuz</kernel>
    <initrd>$out/w.cpio.gz</initrd>
    <cmdline>$append</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='host-passthrough'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='$out/dom.log'/><target port='0'/></serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
virsh -q define "$out/dom.xml" >/dev/null || fail "virsh define"
virsh -q start vipi-watch >/dev/null || fail "virsh start"
# libvirt sets its QEMU to every online CPU (here by <vcpu cpuset>, without it
# by default); the lab's cpuset must still keep the domain's vCPUs off this
# machine's CPU 0 (docs/lab.md, "A lab machine that dies").
n=0
for t in /proc/$(cat /run/libvirt/qemu/vipi-watch.pid)/task/*; do
	grep -q '^CPU [0-9]*/KVM$' $t/comm || continue
	expect_eq "domain $(cat $t/comm): its CPUs" "$(cpus_of $t/status)" "$job_cpus"
	n=$((n + 1))
done
expect_eq "domain vCPU threads seen" $n 2
follow "$out/dom.log"
echo "libvirt: domain started $(($(date +%s) - t0)) s after libvirtd"
wait_for "$out/dom.log.t" "vipi_pace: sent=" 120 || fail "domain: no stream: $(tail -3 "$out/dom.log")"
watch5 domain --domain vipi-watch --advise
expect_eq "domain still running after the watch" "$(virsh domstate vipi-watch)" running
grep -q '^hint-dedicated' "$out/domain.summary" || fail "no --advise table"
expect_eq "--advise: vcpupin" "$(sed -n 's/^vcpupin  *\(all [^ ]* (<vcpu cpuset>)\) .*/\1/p' \
	"$out/domain.summary")" "all $dom_cpus (<vcpu cpuset>)"
grep -q "^emulatorpin  *$dom_cpus (<vcpu cpuset>) *QEMU's own threads share" "$out/domain.summary" ||
	fail "--advise: emulatorpin: $(grep '^emulatorpin' "$out/domain.summary")"
virsh -q destroy vipi-watch >/dev/null
kill $fpid
check_status "unknown domain" 66 "no libvirt domain 'nosuch'" -- "$VIPI" watch --domain nosuch
check_status "domain not running" 69 "is not running" -- "$VIPI" watch --domain vipi-watch
virsh -q undefine vipi-watch >/dev/null

# 2. QEMU without libvirt, once the domain is gone: a guest booting beside
# another starves it in the lab, and its rate would not hold.
qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 384M -kernel "$kit/vmlinuz" \
	-initrd "$out/w.cpio.gz" -append "$append" -display none -nodefaults -no-reboot \
	-serial "file:$out/qemu.log" -qmp "unix:$priv/qmp.sock,server=on,wait=off" &
qpid=$!
follow "$out/qemu.log"
wait_for "$out/qemu.log.t" "vipi_pace: sent=" 120 || fail "qemu: no stream: $(tail -3 "$out/qemu.log")"
watch5 pid --pid $qpid
# On a terminal the view refreshes in place (its title line only appears there).
script -qec "$VIPI watch --pid $qpid --seconds 2" /dev/null >"$out/live.out" 2>&1
grep -q "vipi watch: pid .* elapsed; Ctrl-C ends" "$out/live.out" ||
	fail "no live view on a terminal: $(head -c 300 "$out/live.out")"
echo "ok: live view on a terminal"
no_leftover "live view"
check_status "unprivileged" 77 "no permission" -- \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VIPI" watch --pid $qpid
check_status "not a VM" 69 "is no KVM VM" -- "$VIPI" watch --pid $$
# A signal ends a watch: SIGINT with 0, SIGTERM with 143. Sent once the watch
# shows its intervals, and a SIGINT as soon as it blocks its signals, while it
# still finds its target (seconds in the lab): then it ends before it traces
# if it has not begun yet. A shell starts a background job with SIGINT
# ignored: before vipi blocked its signals first, such a SIGINT was lost and
# the watch never ended. INT-pending takes the early way for certain: the
# SIGINT is blocked and raised before exec, which keeps it pending.
pending='import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
os.kill(os.getpid(), signal.SIGINT)
os.execv(sys.argv[1], sys.argv[1:])'
for how in INT TERM INT-early INT-pending; do
	sig=${how%-*}
	rm -f "$out/sig.json"
	set -- "$VIPI" watch --pid $qpid --json "$out/sig.json"
	[ $how != INT-pending ] || set -- python3 -c "$pending" "$@"
	"$@" >"$out/sig.out" 2>"$out/sig.err" &
	w=$!
	case $how in
	INT-early) wait_signals $w SigBlk "vipi watch" ;;
	INT-pending) ;;
	*) wait_for "$out/sig.out" "^t=" 60 || fail "SIG$sig: no interval: $(cat "$out/sig.err")" ;;
	esac
	[ $how = INT-pending ] || kill -$sig $w
	wait_end $w "SIG$how"
	if [ $sig = INT ]; then want=0 want_end=sigint; else want=143 want_end=sigterm; fi
	expect_eq "SIG$how ends a watch: status" $rc $want
	# Early, it ends before tracing, writing nothing; if it already traced
	# when the signal came, at its first wait, with its JSON.
	if grep -q "before the watch began" "$out/sig.err"; then
		[ ! -e "$out/sig.json" ] || fail "SIG$how: a file written before the watch began"
		expect_eq "SIG$how: stderr lines" "$(wc -l <"$out/sig.err")" 1
		echo "ok: SIG$how: ended before the watch began, no file"
	else
		[ $how != INT-pending ] || fail "SIG$how: did not end before it began: $(cat "$out/sig.err")"
		[ -e "$out/sig.json" ] || fail "SIG$how: no JSON: $(cat "$out/sig.err")"
		end=$(grep -o '"end" *: *"[a-z-]*"' "$out/sig.json" | sed 's/.*"\([a-z-]*\)"$/\1/')
		expect_eq "SIG$how: the JSON's end" "$end" $want_end
	fi
	no_leftover "SIG$how"
done
"$VIPI" watch --pid $qpid >"$out/end.out" 2>"$out/end.err" &
w=$!
wait_for "$out/end.out" "^t=" 60 || fail "VM end: no interval: $(cat "$out/end.err")"
kill $qpid
wait_end $w "VM end"
expect_eq "the VM ending mid-watch: status" $rc 69
grep -q "the VM ended mid-watch" "$out/end.err" || fail "VM end: '$(cat "$out/end.err")'"
no_leftover "VM end"
wait $qpid
kill $fpid

# 3. vipi run, the device and takeover on; a 1 s spin window keeps the poller awake.
# --verbose: its guest's console and, at its end, each vCPU's state go to
# vipi-run.err (the run once stopped delivering to vCPU 1; docs/watch.md). Not
# vipi.err: that is the watch's own (watch5), whose start truncated it. The
# "syms:" lines (this boot's addresses of the idle loop's halts and of the PV
# spinlock's wait, kvm_wait) tell where a halted vCPU's RIP is.
"$VIPI" run --cpus 2 --timeout 300 --verbose --initrd "$VIPI_BUILD/tests/modules/test.cpio.gz" \
	--vipi-spin-us 1000000 -- sh -c "insmod /lib/vipi/vipi.ko || exit 90
awk '\$3 == \"kvm_wait\" { print \"syms:\", \$3, \$1 }
\$3 == \"default_idle\" { n = 12 } n-- > 0 { print \"syms:\", \$3, \$1 }' /proc/kallsyms
insmod /lib/vipi/vipi_pace.ko rate=$rate || exit 91
echo pace: started takeover=\$(cat /sys/kernel/vipi/takeover)
while sleep 1; do echo pace: \$(cat /sys/module/vipi_pace/parameters/status); done" \
	>"$out/vipi.log" 2>"$out/vipi-run.err" &
vpid=$!
follow "$out/vipi.log"
wait_for "$out/vipi.log.t" "pace: sent=" 120 || fail "vipi: no stream: $(tail -3 "$out/vipi-run.err")"
grep -q "takeover=1" "$out/vipi.log" || fail "vipi: takeover is not on: $(grep started "$out/vipi.log")"
watch5 vipi --pid $vpid
# Where vipi's threads are (one run's vCPU 1 made no exit in the whole window),
# twice, 2 s apart (each look takes seconds more here: its uptime says), kept
# with the test's files: each thread's state, CPU and schedstat (ns run, ns
# waited runnable, slices), and this machine's interrupts per CPU. A thread
# runnable in both looks with the same run time was woken and not scheduled:
# this machine, not KVM's guest, lost it.
tasks() {
	echo "uptime=$(cut -d' ' -f1 /proc/uptime)"
	for t in /proc/$vpid/task/*; do
		echo "$(cat $t/comm) $(cut -d' ' -f3,39 $t/stat) wchan=$(cat $t/wchan)" \
			"schedstat=$(cat $t/schedstat)"
		cat $t/stack
	done
	grep -E '^ *(LOC|RES|CAL):' /proc/interrupts
}
{
	tasks
	sleep 2
	tasks
} >"$out/vipi.tasks" 2>&1
kill $vpid
wait $vpid
kill $fpid $twpid
umount /var/cache/libvirt /etc/libvirt
true
