#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# run-fuzz.sh FUZZER SEEDDIR WORKDIR: runs one libFuzzer target from its
# committed seeds for $VIPI_FUZZ_SECONDS (default 10) or $VIPI_FUZZ_RUNS
# executions. New inputs go to WORKDIR, never into the committed seeds.
# Fails on any crash, leak, timeout or sanitizer report.
set -eu
fuzzer=$(realpath "$1") seeds=$(realpath "$2") work=$3
mkdir -p "$work"
if [ -n "${VIPI_FUZZ_RUNS:-}" ]; then
	limit="-runs=$VIPI_FUZZ_RUNS"
else
	limit="-max_total_time=${VIPI_FUZZ_SECONDS:-10}"
fi
cd "$work"
exec "$fuzzer" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work" "$seeds"
