# SPDX-License-Identifier: GPL-2.0-only
# stdout and stderr come back separately and byte for byte; the command runs
# in the caller's working directory with the caller's environment, and can
# write files there; a command that cannot run gives 127.
. "$(dirname "$0")/lib.sh"
cd "$tmp" || fail "cd"
VIPI_LAB_TEST_VAR='a b;c' "$VIPI" lab -q -- sh -c '
	printf "one\000two\r\nthree"; printf "to-stderr\n" >&2
	echo "$VIPI_LAB_TEST_VAR" > env.txt; pwd > cwd.txt; head -c 300000 /dev/zero | tr "\0" x > big.txt
	cat big.txt; exit 0' >out.bin 2>err.txt
rc=$?
expect_eq "exit status" "$rc" 0
printf 'one\000two\r\nthree' >want.bin
head -c 300000 /dev/zero | tr '\0' x >>want.bin
cmp out.bin want.bin || fail "stdout differs from what the command wrote"
echo "ok: stdout is byte-identical ($(wc -c <out.bin) bytes, NUL and CR included)"
expect_eq "stderr" "$(cat err.txt)" "to-stderr"
expect_eq "environment" "$(cat env.txt)" "a b;c"
expect_eq "working directory" "$(cat cwd.txt)" "$tmp"
"$VIPI" lab -q -- /nonexistent/cmd 2>err2.txt
expect_eq "status of a missing command" "$?" 127
grep -q 'cannot run /nonexistent/cmd' err2.txt || fail "no message for a missing command"
echo "ok: missing command reported"
