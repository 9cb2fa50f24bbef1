#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh BUILDDIR [SANDIR]: runs every test suite and closes with the one
# line CI reads, "N passed, N failed" (meson's own summary is not it).
#   BUILDDIR  unit tests (parallel), then lab tests one at a time: each boots
#             an emulated machine that wants both cores
#   SANDIR    the same unit tests built with clang, ASan and UBSan (any report
#             fails), and a bounded run of every fuzz target
set -u
build=${1:?usage: check.sh BUILDDIR [SANDIR]}
san=${2:-}
logs=""

meson test -C "$build" --no-rebuild --print-errorlogs --suite unit --logbase unitlog
logs="$logs $build/meson-logs/unitlog.json"
if [ -n "$san" ]; then
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	VIPI_KIT=$(realpath "$build/guest") meson test -C "$san" --no-rebuild --print-errorlogs \
		--suite unit --suite fuzz --logbase sanlog
	logs="$logs $san/meson-logs/sanlog.json"
fi
meson test -C "$build" --no-rebuild --print-errorlogs --suite lab --num-processes 1 \
	--logbase lablog
logs="$logs $build/meson-logs/lablog.json"
exec python3 "$(dirname "$0")/test-summary.py" $logs
