# SPDX-License-Identifier: GPL-2.0-only
# Bad host input to `vipi run` and `vipi bench`: each gives one line naming
# the problem, a distinct status (vmm/cli/status.h) and creates no file,
# neither a --stats/--json report nor a temp file (in its own TMPDIR). The file and
# option checks run on this host without booting anything; the two that
# need a KVM (/dev/kvm without permission, signals during boot:
# run-signals.sh) run in ONE lab boot.
. "$(dirname "$0")/lib.sh"

# check NAME WANT_STATUS PATTERN -- ARGS...
check() {
	name=$1 want=$2 pat=$3
	shift 4
	mkdir -p "$tmp/t"
	TMPDIR=$tmp/t "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	expect_eq "$name: status" "$rc" "$want"
	expect_eq "$name: stderr lines" "$(wc -l <"$tmp/err")" 1
	grep -q "$pat" "$tmp/err" || fail "$name: message '$(cat "$tmp/err")' lacks '$pat'"
	[ ! -s "$tmp/out" ] || fail "$name: wrote to stdout"
	[ ! -e "$tmp/report" ] || fail "$name: left a report file"
	expect_eq "$name: temp files left (TMPDIR)" "$(ls -A "$tmp/t" | wc -l)" 0
}

if [ -n "${VIPI_IN_LAB:-}" ]; then
	# Inside the lab: /dev/kvm exists. Take it away from an unprivileged
	# user in a private mount namespace (a 0600 root node bound over it),
	# so that nothing outside this command changes.
	mkdir "$tmp/dev"
	check "/dev/kvm without permission" 77 "/dev/kvm: Permission denied" -- \
		unshare -m sh -c 'mount -t tmpfs none "$1" && mknod -m 600 "$1/kvm" c 10 232 &&
			mount --bind "$1/kvm" /dev/kvm && exec setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$2" run --lab=never --stats "$3" -- true' sh "$tmp/dev" \
		"$VIPI" "$tmp/report"
	# More vCPUs than KVM allows: `vipi run` caps --cpus at 64 (checked on
	# the host below) and KVM allows more, so KVM's own limit (KVM_CAP_MAX_VCPUS,
	# checked in vm_create()) cannot be reached here; see docs/robustness.md.
	exec sh "$(dirname "$0")/run-signals.sh"
fi

kernel=$VIPI_BUILD/guest/vmlinuz
head -c 300000 "$kernel" >"$tmp/truncated"
head -c 65536 "$VIPI" >"$tmp/elf"
truncate -s 700M "$tmp/huge-initrd"
cp "$kernel" "$tmp/unreadable"
chmod 000 "$tmp/unreadable"
chmod 755 "$tmp"
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
r="$VIPI run --stats $tmp/report"

check "missing kernel" 66 "kernel /nonexistent: No such file" -- $r --kernel /nonexistent -- true
check "unreadable kernel" 66 "kernel $tmp/unreadable: Permission denied" -- \
	$nobody $r --kernel "$tmp/unreadable" -- true
check "kernel is a directory" 66 "not a regular file" -- $r --kernel /tmp -- true
check "not a bzImage" 65 "not a bzImage" -- $r --kernel "$tmp/elf" -- true
check "truncated bzImage" 65 "truncated" -- $r --kernel "$tmp/truncated" -- true
check "missing initrd" 66 "initrd /nonexistent: No such file" -- $r --initrd /nonexistent -- true
check "initrd larger than RAM" 78 "does not fit in 512 MiB" -- \
	$r --initrd "$tmp/huge-initrd" --mem 512 -- true
check "--cpus 0" 64 "cpus 0 is out of range" -- $r --cpus 0 -- true
check "--cpus 65" 64 "cpus 65 is out of range" -- $r --cpus 65 -- true
check "--mem too small" 64 "mem 16 is out of range" -- $r --mem 16 -- true
check "--mem too large" 64 "mem 99999 is out of range" -- $r --mem 99999 -- true
check "run: no QEMU for the lab" 69 "needs QEMU" -- env PATH=/nonexistent $r -- true
check "bench: no QEMU for the lab" 69 "needs QEMU" -- \
	env PATH=/nonexistent "$VIPI" bench --json "$tmp/report"
check "bench: --kicks 0" 64 "kicks 0 is out of range" -- \
	"$VIPI" bench --kicks 0 --json "$tmp/report"

# One lab boot for the rest.
"$VIPI" lab -q --cpus 2 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" ${VIPI_KIT:+VIPI_KIT="$VIPI_KIT"} sh "$(realpath "$0")" || fail "in the lab"
