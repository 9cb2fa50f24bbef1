/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exits by reason and x2APIC ICR writes, per vCPU thread, counted by KVM's
 * own tracepoints (kvm:kvm_exit, kvm:kvm_msr) through hist triggers in a
 * tracefs instance private to this process. KVM's binary stats have
 * neither; these counts are exact and cost a hash update per exit, so they
 * are opt-in (vipi run --trace-exits).
 */
#ifndef VIPI_KVM_TRACE_H
#define VIPI_KVM_TRACE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct vm_trace;

/*
 * Creates the instance and its triggers. NULL, with *why set to one line
 * (not root, no tracefs, no hist triggers), where that cannot be done.
 */
struct vm_trace *trace_open(char **why);
/* Removes the triggers and the instance. NULL is fine. */
void trace_close(struct vm_trace *t);

/*
 * The counts now, for the threads TIDS[0..N-1] (the vCPUs): N tables of
 * name -> guint64 ("exits_<reason>", "icr_writes"). NULL when the
 * histograms cannot be read or dropped entries (then they are not exact).
 * Free with trace_counts_free(counts, n).
 */
GHashTable **trace_read(struct vm_trace *t, const pid_t *tids, unsigned int n);
void trace_counts_free(GHashTable **counts, unsigned int n);

/*
 * A snapshot reads KVM's exit counter, then the histograms, then the
 * counter again: a vCPU that runs meanwhile exits in between. Each vCPU's
 * counts carry that second reading minus the first under this name
 * (JSON "trace_read_skew"), so the histograms' sum can be checked against
 * KVM's own count exactly: it lies within the skews of the two snapshots
 * that bound a phase, plus one exit in flight at each (the tracepoint fires
 * before KVM counts the exit).
 */
#define TRACE_READ_SKEW "read_skew"

/* Adds to COUNTS' vCPU table the skew AFTER - BEFORE (TRACE_READ_SKEW). */
void trace_set_skew(GHashTable *counts, uint64_t before, uint64_t after);

/* "exits_msr", "exits_hlt", ... for a kvm_exit (isa, exit_reason): for
 * unit tests and the report. Returns a new string. */
char *trace_exit_name(unsigned int isa, unsigned int reason);

/*
 * Parses one histogram (a hist file's text) and adds each entry's hitcount
 * to COUNTS[i] under NAME_OF(entry), for the entry whose common_pid is
 * TIDS[i]. Returns false on a malformed file or dropped entries. Exposed
 * for unit tests.
 */
typedef char *(*trace_name_fn)(GHashTable *keys);
bool trace_parse_hist(const char *text, const pid_t *tids, unsigned int n, GHashTable **counts,
		      trace_name_fn name_of);

#endif
