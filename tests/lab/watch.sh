# SPDX-License-Identifier: GPL-2.0-only
# vipi watch on real VMs, in ONE lab boot, each guest streaming
# call-function-single IPIs from vCPU 0 to vCPU 1 at a known rate
# (tests/modules/vipi_pace.ko) with vCPU 1 idle:
#   1. a libvirt domain (a real libvirtd, type='kvm', <vcpu cpuset>):
#      --domain, --advise (its cpuset shown);
#      IPIs/s 0->1 within 5% of the rate, exits by reason = KVM's count per
#      vCPU within the read skews; the domain still runs afterwards; then
#      an unknown domain (66) and a domain not running (69);
#   2. QEMU without libvirt: --pid, the same checks; ^C and SIGTERM end a
#      watch (0, 143), an unprivileged user gets 77, the VM ending
#      mid-watch 69; no instance is ever left in tracefs;
#   3. `vipi run` with the device and takeover on (poller awake): --pid
#      reports about 0 IPI sender exits on vCPU 0.
# Throughout, `tests/lab/kcore watch` looks at the lab kernel's text every 2 s:
# it must not change (vmm/lab/pin.c).
. "$(dirname "$0")/lib.sh"
RATE=50

if [ -n "${VIPI_IN_LAB:-}" ]; then
	exec sh "$(dirname "$0")/watch-lab.sh"
fi

kit=$VIPI_BUILD/guest
sh "$VIPI_SRC/guest/kit/mkinitramfs.sh" "$tmp/w.cpio.gz" "$kit" \
	"$VIPI_SRC/tests/lab/watch-init.sh" "$VIPI_BUILD/tests/modules/vipi_pace.ko" ||
	fail "cannot build the initramfs"
command -v libvirtd >/dev/null || fail "no libvirtd (apt-get install libvirt-daemon-system)"
chmod 755 "$tmp"
"$VIPI" lab -q --cpus 4 --mem 3072 -- env VIPI_IN_LAB=1 VIPI="$VIPI" VIPI_BUILD="$VIPI_BUILD" \
	VIPI_SRC="$VIPI_SRC" WATCH_DIR="$tmp" WATCH_RATE=$RATE sh "$(realpath "$0")"
rc=$?
# Kept for a look (and docs/watch.md): the consoles, the watches' output and files.
rm -rf "$VIPI_BUILD/watch-last"
cp -a "$tmp" "$VIPI_BUILD/watch-last"
# No job may make the lab kernel patch its text (vmm/lab/pin.c).
text=$(grep -v -e '^range ' -e ' tick$' "$tmp/text.log" 2>/dev/null)
[ -z "$text" ] || echo "the lab kernel's text changed during the test:
$text" >&2
[ $rc -eq 0 ] || fail "in the lab (its files: $VIPI_BUILD/watch-last)"
grep -q ' tick$' "$tmp/text.log" || fail "kcore watch did not look at the lab kernel's text"
[ -z "$text" ] || fail "the lab kernel's text changed (above)"
echo "ok: the lab kernel's text did not change in $(grep -c ' tick$' "$tmp/text.log") looks"
# The figures, against the guests' own counts over each watch's window.
check() {
	python3 "$VIPI_SRC/tests/lab/watch-check.py" "$tmp/$1.json" $RATE "$2" "$tmp/$3.log.t" && return
	# Step 3's guest once stopped taking kicks: say where its vCPUs stood.
	[ "$1" != vipi ] || python3 "$VIPI_SRC/tests/lab/watch-stall.py" "$tmp"
	fail "$1: checks (files: $VIPI_BUILD/watch-last)"
}
check domain rate dom
check pid rate qemu
check vipi vipi vipi
for case in domain pid vipi; do
	sed "s/^/[$case] /" "$tmp/$case.summary" 2>/dev/null
done
