#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kdir.sh SRCDIR: guest/kit/guest-kernel.sh --kdir refuses what cannot work
# (`vipi run|bench --kernel BZIMAGE --kdir TREE`) with one line on stderr,
# status 3, nothing on stdout and nothing written under its BUILDDIR; and
# kernel-needs.sh accepts a tree that has what vipi's guests need. Fake
# trees and bzImages: no kernel is built.
set -eu
src=${1:?usage: kdir.sh SRCDIR}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0

# bzimage FILE RELEASE: a bzImage header whose kernel_version names RELEASE.
bzimage() {
	head -c 1024 /dev/zero >"$1"
	printf '\000\001' | dd of="$1" bs=1 seek=526 conv=notrunc 2>/dev/null # 0x100
	printf '%s (test@vipi) #1\000' "$2" | dd of="$1" bs=1 seek=768 conv=notrunc 2>/dev/null
}

# refused WHY ARGS...: status 3, one line containing WHY, nothing written.
refused() {
	why=$1
	shift
	st=0
	sh "$src/guest/kit/guest-kernel.sh" "$t/build" "$src" --kdir "$@" >"$t/out" 2>"$t/err" || st=$?
	if [ "$st" = 3 ] && [ "$(wc -l <"$t/err")" = 1 ] && grep -qF -- "$why" "$t/err" &&
		[ ! -s "$t/out" ] && [ ! -e "$t/build" ]; then
		echo "ok - refused: $(cat "$t/err")"
	else
		echo "not ok - wanted status 3 and one line with '$why'; got $st: $(cat "$t/err")"
		fails=$((fails + 1))
	fi
}

tree=$t/tree
good="CONFIG_PCI=y CONFIG_MODULES=y CONFIG_SMP=y CONFIG_ACPI=y CONFIG_PNPACPI=y
CONFIG_SERIAL_8250_PNP=y CONFIG_X86_IOPL_IOPERM=y CONFIG_NO_HZ_FULL=y"
mkdir -p "$tree/include/generated"
bzimage "$t/bz" 9.9.9-test
refused "no such bzImage" "$tree" "$t/none"
refused "not a Kbuild tree" "$tree" "$t/bz"
: >"$tree/Makefile"
refused "no .config" "$tree" "$t/bz"
echo "$good" | tr ' ' '\n' >"$tree/.config"
refused "no Module.symvers" "$tree" "$t/bz"
: >"$tree/Module.symvers"
refused "no include/generated/utsrelease.h" "$tree" "$t/bz"
echo '#define UTS_RELEASE "9.9.9-test"' >"$tree/include/generated/utsrelease.h"
bzimage "$t/other" 9.9.8-other
refused "is kernel 9.9.8-other, the tree $tree is 9.9.9-test" "$tree" "$t/other"
grep -v NO_HZ_FULL "$tree/.config" >"$t/c" && cp "$t/c" "$tree/.config"
refused "lacks CONFIG_NO_HZ_FULL" "$tree" "$t/bz" nohz
grep -v -e IOPL -e ACPI "$tree/.config" >"$t/c" && cp "$t/c" "$tree/.config"
refused "lacks CONFIG_X86_MPPARSE|CONFIG_ACPI CONFIG_DEVPORT|CONFIG_X86_IOPL_IOPERM" "$tree" "$t/bz"

echo "$good" | tr ' ' '\n' >"$t/good"
if sh "$src/guest/kit/kernel-needs.sh" "$t/good" good nohz 2>"$t/err"; then
	echo "ok - a tree with what vipi needs passes"
else
	echo "not ok - kernel-needs.sh refused a suitable config: $(cat "$t/err")"
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
