/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the bench's suites share. Every function of vmm/bench that can fail
 * returns 0 or -errno, after one error line where the user must see why;
 * vmm/cli/bench.c alone turns that into an exit status.
 */
#ifndef VIPI_BENCH_SUITE_H
#define VIPI_BENCH_SUITE_H

#include <glib.h>

/* The errno behind a GLib file error (GFileError), else EIO; negated. */
int bench_errno(const GError *err);

#endif
