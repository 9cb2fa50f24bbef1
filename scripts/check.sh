#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh BUILDDIR [meson test args]: runs every test suite and closes with
# the one line CI reads, "N passed, N failed" (meson's own summary is not it).
set -u
build=${1:?usage: check.sh BUILDDIR}
shift
# Unit tests in parallel; lab tests one at a time (each boots an emulated
# machine that wants both cores).
meson test -C "$build" --no-rebuild --print-errorlogs --suite unit "$@"
meson test -C "$build" --no-rebuild --print-errorlogs --no-suite unit --num-processes 1 \
	--logbase lablog "$@"
exec python3 "$(dirname "$0")/test-summary.py" "$build/meson-logs/testlog.json" \
	"$build/meson-logs/lablog.json"
