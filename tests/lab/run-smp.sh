# SPDX-License-Identifier: GPL-2.0-only
# vipi run boots 1, 2 and 4 vCPUs: the guest's nproc says so. One lab boot.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/inner.sh" <<'INNER'
for n in 1 2 4; do
	echo "cpus$n=$("$1" run --lab never --cpus "$n" --mem 256 -- nproc)"
done
INNER
out=$("$VIPI" lab -q --cpus 5 -- sh "$tmp/inner.sh" "$VIPI")
echo "$out"
for n in 1 2 4; do
	expect_eq "nproc with --cpus $n" "$(echo "$out" | sed -n "s/^cpus$n=//p")" "$n"
done
