/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The break-even of a poller (cost.c): the IPI rate at which the exits a
 * row saves against native, at a cost per exit, equal its poller's CPU.
 */
#ifndef VIPI_BENCH_COST_H
#define VIPI_BENCH_COST_H

#include <stdbool.h>

#include "bench/report.h"

/*
 * The per-exit cost where the run's timings are emulated (the lab): a
 * published figure, ../shared/notes/anchors.md and docs/measuring.md.
 */
#define COST_PAPER_EXIT_NS 710.0
#define COST_PAPER_EXIT_SOURCE                                                                     \
	"0.71 us per exit, a receiver exit for a host interrupt, KVM commit 0c5f81dad46c"

/*
 * The nanoseconds one sender exit costs, from ROW against NATIVE in the
 * same run: NAN when native does not exit at least half an exit per kick
 * more or spends no more cycles.
 */
double cost_exit_ns_measured(const struct bench_row *row, const struct bench_row *native);

/*
 * ROW's exits saved per kick against NATIVE and its break-even rate; REAL:
 * the timings are real, so the per-exit cost may come from this run.
 * Nothing when ROW has no poller figure.
 */
void cost_breakeven(struct bench_row *row, const struct bench_row *native, bool real);

/* cost_breakeven() for every row of R against its VMM's native row. */
void cost_report(struct bench_report *r);

#endif
