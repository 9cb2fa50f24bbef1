#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# matrix.sh BUILDDIR: `make matrix`, the ipi bench and the nohz suite on every
# short-named guest kernel (docs/kernels.md), then one table of them all in
# BUILDDIR/matrix.json, .csv and .svg (scripts/matrix.py). Each report goes
# to BUILDDIR/matrix/ as it is made; MATRIX_KERNELS and MATRIX_IPI_ARGS
# narrow it (the defaults take hours in the lab).
set -u
build=${1:?usage: matrix.sh BUILDDIR}
kernels=${MATRIX_KERNELS:-amd64 cloud rt 6.12 6.12-cloud 6.12-rt}
ipi_args=${MATRIX_IPI_ARGS:-}
out=$build/matrix
mkdir -p "$out"
for k in $kernels; do
	echo "matrix: $k: ipi suite" >&2
	# shellcheck disable=SC2086
	"$build/vipi" bench --suite ipi --guest-kernel "$k" $ipi_args --json "$out/ipi-$k.json" ||
		echo "matrix: $k: ipi suite exited $?" >&2
	echo "matrix: $k: nohz suite" >&2
	"$build/vipi" bench --suite nohz --guest-kernel "$k" --json "$out/nohz-$k.json" ||
		echo "matrix: $k: nohz suite exited $?" >&2
done
exec python3 "$(dirname "$0")/matrix.py" "$build/matrix" "$out"
