# SPDX-License-Identifier: GPL-2.0-only
# SIGTERM to `vipi bench` while it runs in the lab: the signal reaches the
# bench inside (not only the lab machine), which stops its guest and still
# writes the report, marked partial, with the rows measured so far; exit 143.
. "$(dirname "$0")/lib.sh"
"$VIPI" bench --suite ipi --vmm vipi --kicks 2000 --roundtrips 50 --timeout 300 --json "$tmp/b.json" \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
n=0
until grep -q '^vipi: bench: vipi: RESULT' "$tmp/err" 2>/dev/null; do
	kill -0 "$pid" 2>/dev/null || fail "bench ended before its first row: $(cat "$tmp/err")"
	n=$((n + 1))
	[ "$n" -lt 300 ] || { kill -KILL "$pid"; fail "no row after 300 s"; }
	sleep 1
done
kill -TERM "$pid"
wait "$pid"
expect_eq "exit status after SIGTERM" "$?" 143
cat "$tmp/out"
python3 - "$tmp/b.json" <<'PY' || fail "partial report check"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["partial"] is True, "report not marked partial"
assert r["results"], "no rows in the partial report"
assert all(x["partial"] for x in r["results"]), r["results"]
print("ok: partial report with %d row(s)" % len(r["results"]))
PY
