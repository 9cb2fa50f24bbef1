/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi_bench: the stream (stream.c) and its round trips (stream_rt.c).
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
	unsigned int delivered;
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

#endif
