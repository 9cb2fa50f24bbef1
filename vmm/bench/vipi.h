/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vipi VMM's rows of the ipi suite: one `vipi run` guest runs every
 * method and scenario in turn; KVM's per-vCPU counters come from the phase
 * marks the guest module makes through the vipi device.
 */
#ifndef VIPI_BENCH_VIPI_H
#define VIPI_BENCH_VIPI_H

#include <stdbool.h>

#include "bench/suite.h"
#include "bench/report.h"

/*
 * Adds a row per method and scenario in O to R. False when the guest
 * failed or was stopped; rows collected so far stay in R.
 */
bool vipi_bench_ipi(const struct bench_opts *o, struct bench_report *r);

#endif
