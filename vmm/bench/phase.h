/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From what a phase left behind to a report row: KVM per-vCPU stat
 * snapshots taken at the guest's begin and end marks, the same for the
 * one-kick calibration phase, and the module's stream result line. Shared
 * by both VMMs' drivers, so that vipi and QEMU rows mean the same thing.
 */
#ifndef VIPI_BENCH_PHASE_H
#define VIPI_BENCH_PHASE_H

#include <glib.h>

#include "bench/report.h"

#define PHASE_SENDER   0 /* the stream's source vCPU */
#define PHASE_RECEIVER 1 /* its target */

/* A snapshot's TRACE_READ_SKEW (kvm/trace.h) as its JSON names it. */
#define PHASE_TRACE_SKEW "trace_read_skew"

/*
 * Per-vCPU deltas END - BEGIN: arrays of GHashTable (name -> guint64 *) in,
 * one out. NULL when the two do not have the same vCPUs.
 */
GPtrArray *phase_delta(GPtrArray *begin, GPtrArray *end);

/* "k=v k=v ..." (the module's result line) as a name -> string table. */
GHashTable *phase_parse_result(const char *line);

/* A numeric field of the result line, NAN when absent or not a number. */
double phase_field(GHashTable *result, const char *name);

/*
 * A row for VMM/METHOD/SCENARIO from the stream's DELTA and RESULT and the
 * calibration phase's CALIB delta (may be NULL). TSC_MHZ (0: unknown)
 * turns cycles into kicks per second when the module gives no time.
 * USERSPACE_STATS names the counters that are exits to userspace for this
 * VMM. NULL when RESULT lacks the kick counts.
 */
struct bench_row *phase_row(const char *vmm, const char *method, const char *scenario,
			    GPtrArray *delta, GPtrArray *calib, GHashTable *result, double tsc_mhz,
			    const char *const *userspace_stats);

#endif
