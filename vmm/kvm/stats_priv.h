/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by stats.c (counters, snapshots) and stats_json.c (the report). */
#ifndef VIPI_KVM_STATS_PRIV_H
#define VIPI_KVM_STATS_PRIV_H

#include <glib.h>
#include <stdint.h>

struct vcpu;
struct vm;

struct stat_desc {
	char *name;
	uint32_t flags;
	uint16_t size; /* in u64 elements */
	uint32_t offset;
};

struct vcpu_stats {
	unsigned int n;
	struct stat_desc *d;
	uint64_t data_offset;
	size_t data_len; /* bytes of the values block */
};

struct snapshot {
	char *label;
	double t_s;
	unsigned int nr_vcpus;
	uint64_t **values;  /* per vCPU: the raw values block */
	GHashTable **trace; /* per vCPU: trace.c's counts, or NULL */
};

/* One vCPU's raw values block now (g_free it), NULL if it cannot be read. */
uint64_t *stats_read_values(struct vcpu *v);
/* The tracefs counts of every vCPU now; NULL without --trace-exits. */
GHashTable **stats_trace_read(struct vm *vm);

#endif
