# SPDX-License-Identifier: GPL-2.0-only
# Boot time to the guest command: vipi run beside QEMU/KVM (SeaBIOS), same
# kernel, same initramfs (with the same appended command archive), same
# kernel arguments, same vCPUs and RAM, in one lab session. Each time runs
# from the VMM's start to the command's output line reaching us; two runs
# of each in ABBA order, best of each.
# vipi must take at most 0.6 x QEMU's time. Timings are emulated (TCG).
. "$(dirname "$0")/lib.sh"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not installed"
kit=${VIPI_KIT:-$VIPI_BUILD/guest}
cat >"$tmp/inner.sh" <<'INNER'
set -u
vipi=$1 kit=$2 dir=$3
args="console=ttyS0 quiet reboot=k panic=-1" # vipi's own, see vmm/cli/run_options.c
# QEMU's initrd: the kit's, zero-padded to 4 bytes, plus /vipi/cmd.sh, as
# vipi builds it in memory.
mkdir -p "$dir/c/vipi"
echo "'echo' 'vipi-cmd-ran'" >"$dir/c/vipi/cmd.sh"
cp "$kit/guest.cpio.gz" "$dir/initrd"
pad=$(( (4 - $(stat -c %s "$dir/initrd") % 4) % 4 ))
head -c $pad /dev/zero >>"$dir/initrd"
(cd "$dir/c" && find vipi | cpio -o -H newc --quiet) >>"$dir/initrd"

# stamp CMD...: milliseconds from CMD's start to its "vipi-cmd-ran" line.
stamp() {
	start=$(date +%s%N)
	"$@" 2>/dev/null | while IFS= read -r line; do
		case $line in
		*vipi-cmd-ran*) echo $(( ($(date +%s%N) - start) / 1000000 )) ;;
		esac
	done
}
vipi_run() {
	stamp "$vipi" run --lab never --cpus 2 --mem 512 -- echo vipi-cmd-ran
}
qemu_run() {
	stamp qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 512 -nodefaults \
		-display none -serial stdio -no-reboot -kernel "$kit/vmlinuz" \
		-initrd "$dir/initrd" -append "$args"
}
# Two of each, in ABBA order, keeping each one's best: the lab's host is
# shared, and a neighbour's load would otherwise decide the ratio.
v1=$(vipi_run); q1=$(qemu_run); q2=$(qemu_run); v2=$(vipi_run)
echo "vipi runs: $v1 $v2 ms; QEMU runs: $q1 $q2 ms"
best() { [ -z "$1" ] && echo "$2" && return; [ -z "$2" ] && echo "$1" && return; [ "$1" -le "$2" ] && echo "$1" || echo "$2"; }
v=$(best "$v1" "$v2")
q=$(best "$q1" "$q2")
echo "vipi_ms=$v qemu_ms=$q"
INNER
out=$("$VIPI" lab -q --cpus 3 --mem 2048 -- sh "$tmp/inner.sh" "$VIPI" "$kit" "$tmp")
echo "$out"
v=$(echo "$out" | sed -n 's/.*vipi_ms=\([0-9]*\).*/\1/p')
q=$(echo "$out" | sed -n 's/.*qemu_ms=\([0-9]*\).*/\1/p')
[ -n "$v" ] || fail "vipi never ran the command"
[ -n "$q" ] || fail "QEMU never ran the command"
echo "boot to command: vipi $v ms, QEMU $q ms (emulated lab timings)"
awk -v v="$v" -v q="$q" 'BEGIN { printf "ratio vipi/QEMU = %.2f\n", v / q; exit !(v <= 0.6 * q) }' ||
	fail "vipi took more than 0.6 x QEMU's time"
echo "ok: vipi <= 0.6 x QEMU"
