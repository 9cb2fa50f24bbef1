/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM binary statistics (KVM_GET_STATS_FD) of each vCPU, snapshots of them
 * at phase marks, and the run's JSON report.
 */
#ifndef VIPI_KVM_STATS_H
#define VIPI_KVM_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/*
 * Phase marks come from the guest: at most this many snapshots are kept
 * (a hostile guest's mark storm costs it marks, not the VMM's memory).
 */
#define STATS_MAX_SNAPSHOTS 4096

/*
 * Records every vCPU's counters now under LABEL (e.g. "bench-start"); they
 * appear in the JSON report's "snapshots", in call order. Safe from any
 * thread. Returns 0 or -errno (-ENOSPC once STATS_MAX_SNAPSHOTS are kept).
 */
int stats_snapshot(struct vm *vm, const char *label);

/* The current value of vCPU INDEX's stat NAME (first element of a histogram);
 * false when there is no such stat. */
bool stats_vcpu_get(struct vm *vm, unsigned int index, const char *name, uint64_t *value);

/* Stat NAME (its first element) from a KVM_GET_STATS_FD fd: 0 or -errno. */
int stats_fd_get(int stats_fd, const char *name, uint64_t *value);

/* Whether the host's KVM runs APICv / IPIv / AVIC: 1 yes, 0 no, -1 unknown. */
struct host_accel {
	int apicv;
	int ipiv;
	int avic;
};
void host_accel_read(struct host_accel *h);
const char *host_accel_str(int v);

/* What the run report says besides the counters. */
struct stats_run_info {
	const char *end;    /* how the run ended */
	const char *reason; /* one line, or NULL */
	int exit_status;
	double wall_s;
	double command_start_s; /* < 0: never started */
};

/* Writes the JSON report to PATH (via a temporary file and rename): 0, or -EIO after one line. */
int stats_write_json(struct vm *vm, const char *path, const struct stats_run_info *info);
/* The one-line counter summary. */
char *stats_summary(struct vm *vm, double wall_s);

#endif
