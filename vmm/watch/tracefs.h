/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tracefs side of vipi watch: one private instance (vipi-watch-PID)
 * with hist triggers on KVM's tracepoints, filtered to the VM's threads.
 * Each read gives, per thread, cumulative counts under these names:
 *   exits_<reason>     kvm:kvm_exit by isa and exit_reason (kvm/trace.c's names)
 *   "ipi ICR DEST"     kvm:kvm_apic_ipi by icr_low and dest_id (an ICR write)
 *   "pvdest MIN MAP"   kvm:kvm_hypercall nr 10 (PV send-IPI) by a2 (lowest
 *                      APIC ID) and a0 (the bitmap of IDs from it)
 *   "pvvec ICR"        the same hypercalls by a3 (their ICR: the vector)
 *   "wake WAITED"      kvm:kvm_vcpu_wakeup: woke from a sleep (1) or a poll (0)
 *   "entry ID"         kvm:kvm_entry by vcpu_id: which thread runs which vCPU
 */
#ifndef VIPI_WATCH_TRACEFS_H
#define VIPI_WATCH_TRACEFS_H

#include <glib.h>
#include <sys/types.h>

struct watch_trace;

/*
 * Creates the instance and its triggers for the threads TIDS[0..N-1].
 * NULL with *WHY (one line) and *ERR (-errno: -EACCES no permission,
 * -ENOENT no tracefs or KVM tracepoints) where that cannot be done.
 */
struct watch_trace *watch_trace_open(const pid_t *tids, unsigned int n, char **why, int *err);
/* Removes the triggers and the instance; NULL is fine. */
void watch_trace_close(struct watch_trace *t);
/* The instance's directory, for a signal-time check. */
const char *watch_trace_dir(const struct watch_trace *t);

/*
 * The counts now: N tables (by TIDS' order) of name -> guint64 *. NULL when
 * a histogram is unreadable or dropped entries. trace_counts_free() frees.
 */
GHashTable **watch_trace_read(struct watch_trace *t, const pid_t *tids, unsigned int n);

/* Parses one hist file of EVENT (its text) into COUNTS: for unit tests. */
gboolean watch_trace_parse(const char *event, const char *text, const pid_t *tids, unsigned int n,
			   GHashTable **counts);

#endif
