// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cost side of a row: what its poller's CPU buys. A row with a poller
 * saves exits against its VMM's native row of the same scenario (the ICR
 * write the sender no longer makes, the receiver's exit to take it); at a
 * cost per exit, those exits saved per second equal the poller's CPU per
 * second at one IPI rate, the break-even: above it the poller pays for
 * itself. docs/measuring.md, "The cost side".
 */
#include <math.h>
#include <string.h>

#include "bench/cost.h"

/* The row of VMM's native method in SCENARIO, or NULL. */
static const struct bench_row *cost_native(const struct bench_report *r, const char *vmm,
					   const char *scenario)
{
	for (guint i = 0; i < r->rows->len; i++) {
		const struct bench_row *row = g_ptr_array_index(r->rows, i);

		if (!strcmp(row->vmm, vmm) && !strcmp(row->scenario, scenario) &&
		    !strcmp(row->method, "native"))
			return row;
	}
	return NULL;
}

double cost_exit_ns_measured(const struct bench_row *row, const struct bench_row *native)
{
	double dexits = native->sender_exits_per_kick - row->sender_exits_per_kick;
	double dcycles = native->sender_cycles_per_kick - row->sender_cycles_per_kick;
	/* Cycles per kick times kicks per second: the guest TSC's rate in the loop. */
	double tsc_hz = native->sender_cycles_per_kick * native->kicks_per_second;

	if (!(dexits > 0.5) || !(dcycles > 0) || !(tsc_hz > 0))
		return NAN;
	return dcycles / dexits / tsc_hz * 1e9;
}

/* Where the per-exit cost comes from: this run on real KVM, else on paper. */
static void cost_exit_ns(struct bench_row *row, const struct bench_row *native, bool real)
{
	double ns = real ? cost_exit_ns_measured(row, native) : NAN;

	if (!isnan(ns)) {
		row->breakeven_exit_ns = ns;
		row->breakeven_basis = g_strdup("measured: the sender cycles per kick native saves "
						"per sender exit saved, this run");
		return;
	}
	row->breakeven_exit_ns = COST_PAPER_EXIT_NS;
	row->breakeven_basis = g_strdup_printf("on paper: %s", COST_PAPER_EXIT_SOURCE);
}

void cost_breakeven(struct bench_row *row, const struct bench_row *native, bool real)
{
	double mine = row->sender_exits_per_kick + row->receiver_exits_per_kick;
	double theirs = native->sender_exits_per_kick + native->receiver_exits_per_kick;

	if (isnan(row->poller_cpu_per_s) || isnan(mine) || isnan(theirs))
		return;
	row->exits_saved_per_kick = theirs - mine;
	cost_exit_ns(row, native, real);
	/* Saving no exit, the poller never pays: no rate, and the basis says why. */
	if (row->exits_saved_per_kick > 0)
		row->breakeven_ipi_per_s = row->poller_cpu_per_s / (row->exits_saved_per_kick *
								    row->breakeven_exit_ns * 1e-9);
}

void cost_report(struct bench_report *r)
{
	bool real = !g_strcmp0(r->head.host.timing, "real");

	for (guint i = 0; i < r->rows->len; i++) {
		struct bench_row *row = g_ptr_array_index(r->rows, i);
		const struct bench_row *native = cost_native(r, row->vmm, row->scenario);

		if (native && native != row)
			cost_breakeven(row, native, real);
	}
}
