// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_bench: the round trips after the stream (stream.c).
 *
 * RT round trips (default min(N, 1000)) follow the stream, outside the
 * marks, in the manner of kvm-unit-tests' vmexit ipi: the sender notes
 * DST's count of call-function-single interrupts, kicks, and spins until
 * the count moves; only SRC's TSC is read. A round trip that sees its
 * interrupt only after STREAM_RT_TIMEOUT_NS is late (roundtrip_late, not in
 * the mean); one that sees none within STREAM_RT_LOST_NS counts as lost.
 * Another IPI to DST can end a round trip early; nothing can make a lost
 * one look delivered. For busy and flood DST's thread stamps its TSC when
 * its count moves, which splits a round trip (roundtrip_post_cycles: the
 * send; roundtrip_handler_cycles: from the kick until DST is back from the
 * handler; docs/measuring.md). The two CPUs' stamps compare only where
 * KVM keeps one TSC offset for both vCPUs, i.e. the host's TSC is stable;
 * the bench drops the stamp elsewhere.
 */
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <asm/msr.h>

#include "stream.h"

/* Spins until DST's count leaves C0: false if it stays for LIMIT_NS. */
bool stream_await(struct stream *s, unsigned int c0, u64 limit_ns)
{
	u64 start = ktime_get_ns();

	while (stream_call_count(s->dst) == c0) {
		if (ktime_get_ns() - start > limit_ns)
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * The TSC at which DST's thread saw its count reach at least C1, 0 when it
 * has no thread (idle) or did not look within a millisecond.
 */
static u64 stream_target_stamp(struct stream *s, unsigned int c1)
{
	u64 start = ktime_get_ns();

	if (s->idle)
		return 0;
	/* Pairs with stream_target()'s release: the stamp read below is its. */
	while ((int)(smp_load_acquire(&s->seen_count) - c1) < 0) {
		if (ktime_get_ns() - start > NSEC_PER_MSEC)
			return 0;
		cpu_relax();
	}
	return READ_ONCE(s->seen_tsc);
}

enum stream_rt {
	STREAM_RT_DONE,
	STREAM_RT_LATE,
	STREAM_RT_LOST
};

/*
 * One round trip. Past STREAM_RT_TIMEOUT_NS it is late (left out of the
 * mean: on a contended or emulated host a vCPU or the poller can be
 * descheduled that long); only an interrupt that never comes within
 * STREAM_RT_LOST_NS counts as lost.
 */
static enum stream_rt stream_round_trip(struct stream *s)
{
	unsigned int c0 = stream_call_count(s->dst);
	u64 t0 = rdtsc_ordered(), start = ktime_get_ns(), t1, t3, seen;

	if (!kick_mode_send(s->dst, s->mode))
		return STREAM_RT_LOST;
	t1 = rdtsc_ordered();
	if (!stream_await(s, c0, STREAM_RT_LOST_NS))
		return STREAM_RT_LOST;
	t3 = rdtsc_ordered();
	if (ktime_get_ns() - start > STREAM_RT_TIMEOUT_NS)
		return STREAM_RT_LATE;
	s->rt_cycles += t3 - t0;
	s->rt_post_cycles += t1 - t0;
	seen = stream_target_stamp(s, c0 + 1);
	if (seen > t0) {
		s->rt_handler_cycles += seen - t0;
		s->rt_stamped++;
	}
	return STREAM_RT_DONE;
}

void stream_round_trips(struct stream *s)
{
	unsigned long i;

	/* LABEL+2 and LABEL+3: the host counts the round trips' exits apart. */
	if (s->marked)
		vipi_phase_mark(s->label + 2);
	vipi_stats_sum(&s->rt_before);
	for (i = 0; i < s->rt; i++) {
		switch (stream_round_trip(s)) {
		case STREAM_RT_DONE:
			s->rt_done++;
			break;
		case STREAM_RT_LATE:
			s->rt_late++;
			break;
		case STREAM_RT_LOST:
			s->rt_lost++;
			break;
		}
		if (!(i & 63))
			cond_resched();
	}
	vipi_stats_sum(&s->rt_after);
	if (s->marked)
		vipi_phase_mark(s->label + 3);
}

int stream_target(void *arg)
{
	struct stream *s = arg;
	unsigned int last = stream_call_count(s->dst), now;

	WRITE_ONCE(s->seen_count, last);
	WRITE_ONCE(s->target_running, true);
	while (!kthread_should_stop()) {
		now = stream_call_count(s->dst);
		if (now != last) {
			WRITE_ONCE(s->seen_tsc, rdtsc_ordered());
			/* The stamp before the count: stream_target_stamp() acquires it. */
			smp_store_release(&s->seen_count, now);
			last = now;
		}
		cpu_relax();
		cond_resched();
	}
	return 0;
}
