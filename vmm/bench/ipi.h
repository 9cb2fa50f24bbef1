/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ipi suite's two drivers, one per VMM. Each boots one guest whose
 * module streams kicks for every method and scenario in O, and adds a row
 * per method and scenario to R: 0, or -errno when the guest failed or the
 * run was stopped; rows collected so far stay in R.
 */
#ifndef VIPI_BENCH_IPI_H
#define VIPI_BENCH_IPI_H

#include "bench/report.h"
#include "bench/suite.h"

/*
 * The vipi VMM (ipi_vipi.c): one `vipi run` guest; KVM's per-vCPU counters
 * come from the phase marks the guest module makes through the vipi device.
 */
int bench_ipi_vipi(const struct bench_opts *o, struct bench_report *r);

/*
 * QEMU/KVM (ipi_qemu.c), for the methods that need no vipi device (native,
 * kvm-pv); counters over QMP at the guest's marks on a serial port.
 */
int bench_ipi_qemu(const struct bench_opts *o, struct bench_report *r);

#endif
