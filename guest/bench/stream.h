/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi_bench: the stream (stream.c), its round trips (stream_rt.c) and the
 * kernel's own IPIs to its target (stream_kernel.c).
 */
#ifndef _VIPI_GUEST_BENCH_STREAM_H
#define _VIPI_GUEST_BENCH_STREAM_H

#include <linux/completion.h>
#include <linux/types.h>
#include <asm/hardirq.h>

#include "vipi_api.h"
#include "bench.h"

#define STREAM_MAX_KICKS 100000000UL
#define STREAM_RT_MAX 1000UL
#define STREAM_RT_TIMEOUT_NS (100 * NSEC_PER_MSEC)
#define STREAM_RT_LOST_NS (5 * NSEC_PER_SEC)
/* How long a paced kick waits to tell a merge with a kernel IPI from none. */
#define STREAM_MERGE_WAIT_NS (20 * NSEC_PER_MSEC)

struct stream {
	unsigned long n, rt;
	unsigned int src, dst;
	enum kick_mode mode;
	u32 label;
	bool idle, flood, paced;

	bool target_running;
	/* DST's thread: its count of call-function-single and the TSC it moved at */
	unsigned int seen_count;
	u64 seen_tsc;
	unsigned long sent, stream_lost, coalesced;
	u64 cycles, ns;
	bool marked;
	/*
	 * delivered: kicks that had an interrupt of their own (paced; flood:
	 * target_interrupts less kernel_ipis); coalesced_kernel: paced kicks
	 * that shared one with a kernel IPI (also in coalesced);
	 * target_interrupts: DST's irq_call_count delta over the stream;
	 * kernel_ipis: the kernel's own call-function IPIs to DST meanwhile.
	 */
	unsigned long delivered, coalesced_kernel, kernel_ipis;
	unsigned int target_interrupts;
	struct vipi_stats before, after; /* over the stream, not the round trips */
	struct vipi_stats rt_before, rt_after;
	unsigned long rt_done, rt_late, rt_lost, rt_stamped;
	u64 rt_cycles, rt_post_cycles, rt_handler_cycles;
	struct completion done;
};

static inline unsigned int stream_call_count(unsigned int cpu)
{
	return READ_ONCE(per_cpu(irq_stat, cpu).irq_call_count);
}

/* Spins until DST's count leaves C0: false if it stays for LIMIT_NS. */
bool stream_await(struct stream *s, unsigned int c0, u64 limit_ns);
/* The RT round trips after the stream, between the marks LABEL+2 and LABEL+3. */
void stream_round_trips(struct stream *s);
/* DST's busy thread: spins, and stamps its TSC when its count moves. */
int stream_target(void *arg);

/* Counts the kernel's call-function IPIs to DST from now: -EBUSY if it cannot. */
int stream_kernel_start(unsigned int dst);
/* The kernel's call-function IPIs to DST since stream_kernel_start(). */
unsigned long stream_kernel_ipis(void);
/* Whether a paced kick had its own interrupt (stream_kernel.c). */
bool stream_kernel_own(unsigned int dst, unsigned int c0, unsigned long k0);
/* Stops counting; sleeps until no CPU is inside the wrappers. Idempotent. */
void stream_kernel_stop(void);

#endif
