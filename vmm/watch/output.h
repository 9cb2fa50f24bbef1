/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --json and --csv: every interval and the summary, the same figures the
 * view prints (as counts, with the interval's length), written whole at
 * the end through a temporary file and a rename, never half-written.
 */
#ifndef VIPI_WATCH_OUTPUT_H
#define VIPI_WATCH_OUTPUT_H

#include "watch/estimate.h"
#include "watch/interval.h"

struct watch_record {
	const struct watch_target *target;
	GPtrArray *intervals; /* struct watch_interval * */
	GArray *ends;	      /* double: each interval's end, seconds since the start */
	const struct watch_interval *summary;
	const struct watch_costs *costs;
	const char *kvm_source; /* KVM's exit counter came from; NULL: none */
	const char *end;	/* "seconds", "signal", "vm-ended" */
	double interval_s;
	double start_unix_s; /* the first snapshot, on the wall clock */
};

/* 0 or -errno after one line. */
int output_json(const struct watch_record *r, const char *path);
int output_csv(const struct watch_record *r, const char *path);

#endif
