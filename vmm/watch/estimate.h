/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "What vipi would save", an estimate: the IPI sender exits per second
 * watched (ICR writes and PV send-IPI hypercalls: vipi's mailbox makes
 * neither while its poller is awake) times a per-exit cost, against the
 * poller CPU it would take, both from a bench JSON of this host (--costs,
 * docs/measuring.md "The cost side"). Without it the cost is absent.
 */
#ifndef VIPI_WATCH_ESTIMATE_H
#define VIPI_WATCH_ESTIMATE_H

#include <stdbool.h>

#include "watch/interval.h"

struct watch_costs {
	char *file;
	char *timing;		    /* the bench's host.timing: "real" or "emulated" */
	double exit_ns;		    /* breakeven_exit_ns of its vipi row */
	double poller_cpu_per_s;    /* poller_cpu_per_s of that row */
	double breakeven_ipi_per_s; /* breakeven_ipi_per_s of that row (NAN if none) */
	char *basis;		    /* breakeven_basis */
	char *row;		    /* "vmm method scenario" */
};

/* Reads PATH: 0, or -ENOENT / -EINVAL after one line. */
int estimate_load(const char *path, struct watch_costs *c);
void estimate_clear(struct watch_costs *c);

struct watch_estimate {
	double sender_exits_per_s; /* the whole VM */
	bool has_cost;
	double saved_cpu_per_s; /* sender_exits_per_s * exit_ns */
	double poller_cpu_per_s;
	double net_cpu_per_s; /* saved - poller: > 0 pays */
};

void estimate_compute(const struct watch_interval *iv, const struct watch_costs *c,
		      struct watch_estimate *e);

#endif
