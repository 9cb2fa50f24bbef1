# SPDX-License-Identifier: GPL-2.0-only
# `vipi run --rootfs/--rwdir` (virtio-fs, docs/run.md). On this host, before
# any boot: a missing or non-directory DIR, a read-only --rwdir and a
# missing virtiofsd each give one line, their status and leave nothing.
# Then ONE lab boot: the host's / as the guest's root runs python3 there;
# a --rwdir share carries a file back and the command's status; vipi.ko
# loads from the kit and binds under --rootfs /, and the bench's module
# streams kicks through it with none lost; a virtiofsd killed mid-run
# ends the run with one line; a vipi killed with SIGKILL leaves no
# virtiofsd and no socket behind.
. "$(dirname "$0")/lib.sh"

# check NAME WANT_STATUS PATTERN -- ARGS...: one line, the status, nothing left.
check() {
	name=$1 want=$2 pat=$3
	shift 4
	mkdir -p "$tmp/t"
	TMPDIR=$tmp/t "$@" >"$tmp/out" 2>"$tmp/err"
	expect_eq "$name: status" "$?" "$want"
	expect_eq "$name: stderr lines" "$(wc -l <"$tmp/err")" 1
	grep -q "$pat" "$tmp/err" || fail "$name: message '$(cat "$tmp/err")' lacks '$pat'"
	expect_eq "$name: files left in TMPDIR" "$(ls -A "$tmp/t" | wc -l)" 0
}

if [ -n "${VIPI_IN_LAB:-}" ]; then
	r="$VIPI run --lab never --timeout 300"
	before=$(fs_leftovers)
	expect_eq "no virtiofsd or socket in the lab machine yet" "$before" "0 0"

	# What --rootfs costs at boot (docs/run.md): printed, not asserted (emulated time).
	for opt in "" "--rootfs /"; do
		$r --timing $opt -- true 2>&1 | sed -n "s|^vipi: timing: |boot ${opt:-(initramfs)}: |p"
	done

	out=$($r --rootfs / -- python3 -c 'print(6*7)')
	expect_eq "--rootfs /: python3 status" "$?" 0
	expect_eq "--rootfs /: python3 output" "$out" 42

	# Not under /tmp: the guest has its own /tmp over the shared root's.
	w=$(mktemp -d "$VIPI_BUILD/rootfs-test.XXXXXX")
	mkdir "$w/out"
	# The guest's view on the test's log: where it runs, what it mounted.
	(cd "$w" && $r --rootfs / --rwdir "$w/out" -- sh -c 'echo "guest cwd: $(pwd)";
		grep -E " (virtiofs|overlay) " /proc/mounts | sed "s/^/guest mount: /";
		echo ok >out/f; exit 3')
	expect_eq "--rwdir: the command's status" "$?" 3
	expect_eq "--rwdir: out/f on the host" "$(cat "$w/out/f" 2>/dev/null)" ok
	rm -rf "$w"

	# The bench's image under --rootfs /: vipi.ko binds, and vipi_bench.ko
	# streams 1000 paced kicks from CPU 0 to CPU 1 through the device.
	out=$($r --rootfs / --cpus 2 --initrd "$VIPI_BUILD/guest/bench.cpio.gz" -- sh -c '
		insmod /lib/vipi/vipi.ko && insmod /lib/vipi/vipi_bench.ko && sleep 1 &&
		echo "bound=$(cat /sys/kernel/vipi/bound) kicks=$(cat /sys/kernel/vipi/kicks)" &&
		echo 1000 0 1 vipi 0 busy 0 paced >/sys/kernel/vipi/stream &&
		cat /sys/kernel/vipi/stream')
	expect_eq "--rootfs /: vipi.ko and vipi_bench.ko from the kit, status" "$?" 0
	dev=$(echo "$out" | grep '^bound=')
	expect_eq "--rootfs /: vipi.ko bound" "$(echo "$dev" | sed -n 's/^bound=\([0-9]*\).*/\1/p')" 1
	kicks=$(echo "$dev" | sed -n 's/.* kicks=\([0-9]*\).*/\1/p')
	[ "${kicks:-0}" -gt 0 ] || fail "--rootfs /: no kicks through vipi ($out)"
	echo "ok: --rootfs /: $kicks kicks through vipi"
	res=$(echo "$out" | grep 'mode=vipi ')
	echo "bench under --rootfs /: $res"
	expect_eq "--rootfs /: bench stream sent" "$(echo "$res" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')" 1000
	expect_eq "--rootfs /: bench stream lost" "$(echo "$res" | sed -n 's/.* lost=\([0-9]*\).*/\1/p')" 0

	# virtiofsd dies mid-run: one line, the crash status (125).
	$r --rootfs / -- sleep 100 >"$tmp/die.out" 2>"$tmp/die.err" &
	pid=$!
	for i in $(seq 1 200); do
		d=$(pgrep -P $pid -x virtiofsd) && break
		sleep 0.1
	done
	[ -n "$d" ] || fail "no virtiofsd under vipi"
	sleep 2
	kill -9 $d
	wait $pid
	expect_eq "virtiofsd killed: status" "$?" 125
	grep -v '^vipi: [0-9]* vCPUs, ' "$tmp/die.err" >"$tmp/die.lines"
	expect_eq "virtiofsd killed: lines" "$(wc -l <"$tmp/die.lines")" 1
	grep -q "virtiofsd serving / died (killed by signal 9" "$tmp/die.lines" ||
		fail "virtiofsd killed: '$(cat "$tmp/die.lines")'"

	# vipi itself killed: its virtiofsd dies with it (PR_SET_PDEATHSIG).
	$r --rootfs / -- sleep 100 >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 1 200); do
		pgrep -P $pid -x virtiofsd >/dev/null && break
		sleep 0.1
	done
	kill -9 $pid
	wait $pid 2>/dev/null
	for i in $(seq 1 50); do
		[ "$(fs_leftovers)" = "0 0" ] && break
		sleep 0.1
	done
	expect_eq "vipi killed: virtiofsd and sockets left" "$(fs_leftovers)" "0 0"
	exit 0
fi

r="$VIPI run"
check "--rootfs missing" 66 "rootfs /nonexistent: No such file or directory" -- \
	$r --rootfs /nonexistent -- true
check "--rootfs a file" 66 "Not a directory" -- $r --rootfs "$VIPI" -- true
mkdir -p "$tmp/ro"
check "--rwdir read-only" 66 "rwdir $tmp/ro: Read-only file system" -- \
	unshare -m sh -c 'mount --bind -o ro "$1" "$1" && exec "$2" run --rwdir "$1" -- true' \
	sh "$tmp/ro" "$VIPI"
check "no virtiofsd" 69 "apt-get install qemu-system-common" -- \
	env VIPI_VIRTIOFSD=/nonexistent $r --rootfs / -- true
expect_eq "no virtiofsd or socket left on the host" "$(fs_leftovers)" "0 0"

"$VIPI" lab -q --cpus 3 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" \
	${VIPI_KIT:+VIPI_KIT="$VIPI_KIT"} sh "$(realpath "$0")" || fail "in the lab"
