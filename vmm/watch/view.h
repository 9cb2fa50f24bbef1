/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vipi watch prints: a table that refreshes in place on a terminal
 * (like top), one plain line per vCPU per interval otherwise, and the same
 * table over the whole watch as the summary.
 */
#ifndef VIPI_WATCH_VIEW_H
#define VIPI_WATCH_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "watch/estimate.h"
#include "watch/interval.h"

/* The table for IV (rates per second); TITLE is its first line. */
void view_table(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
		const struct watch_costs *costs, const char *title);
/* The live view: clears the terminal, then the table. */
void view_live(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
	       const struct watch_costs *costs, double elapsed_s);
/* Plain lines: one per vCPU, ELAPSED_S the interval's end. */
void view_lines(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
		double elapsed_s);
/* "exits_msr 1200 exits_hlt 30 ..." of vCPU I, most first, at most MAX; g_free. */
char *view_top_exits(const struct watch_interval *iv, unsigned int i, unsigned int max);

#endif
