/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Snapshots and intervals. A snapshot reads KVM's exit counter, then the
 * histograms, then the counter again (kvm/trace.h: TRACE_READ_SKEW), so an
 * interval's traced exits can be held against KVM's count within the two
 * snapshots' skews. An interval is the difference of two snapshots, per
 * vCPU; the summary is the interval from the first to the last.
 */
#ifndef VIPI_WATCH_INTERVAL_H
#define VIPI_WATCH_INTERVAL_H

#include <glib.h>
#include <stdbool.h>

#include "watch/watch.h"

struct watch_snap {
	gint64 t_us;	     /* CLOCK_MONOTONIC when the histograms were read */
	GHashTable **raw;    /* per thread of the session, tracefs.h's names */
	guint64 *kvm_before; /* per vCPU; NULL when KVM's counter is not available */
	guint64 *kvm_after;
};

/* One vCPU over an interval (counts, not rates). */
struct watch_fig {
	GHashTable *exits;  /* "exits_<reason>" -> guint64 * */
	guint64 traced;	    /* their sum */
	guint64 kvm_exits;  /* KVM's count (when has_kvm) */
	guint64 skew;	    /* the two snapshots' read skews */
	guint64 icr_writes; /* kvm_apic_ipi events: ICR writes, one exit each */
	guint64 pv_calls;   /* PV send-IPI hypercalls, one exit each */
	guint64 wake_wait, wake_poll;
	guint64 sent[WATCH_CLASSES]; /* IPIs sent, one per target, by class */
	guint64 received;	     /* IPIs aimed at this vCPU */
};

struct watch_interval {
	double seconds;
	unsigned int nv;
	bool has_kvm;
	struct watch_fig *v;
	/* pairs[(src * (nv + 1) + dst) * WATCH_CLASSES + class]; dst nv: not a vCPU */
	guint64 *pairs;
};

/*
 * The interval A..B for the vCPUs of T; TIDS[0..NT-1] are the threads the
 * snapshots' raw tables belong to. Threads map to vCPUs by name (T) or by
 * kvm_entry's vcpu_id (B's "entry ID" counts).
 */
struct watch_interval *watch_interval_new(const struct watch_target *t, const pid_t *tids,
					  unsigned int nt, const struct watch_snap *a,
					  const struct watch_snap *b);
void watch_interval_free(struct watch_interval *iv);
guint64 watch_pair(const struct watch_interval *iv, unsigned int src, unsigned int dst,
		   enum watch_class c);
/* Sum over classes. */
guint64 watch_pair_all(const struct watch_interval *iv, unsigned int src, unsigned int dst);

void watch_snap_clear(struct watch_snap *s, unsigned int nt);

/* ICR low word and destination -> the vCPU indexes it targets (decode for tests). */
GArray *watch_icr_targets(const struct watch_target *t, int sender, guint32 icr_low,
			  guint32 dest_id);

#endif
