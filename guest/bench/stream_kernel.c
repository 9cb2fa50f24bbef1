// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_bench: the kernel's own call-function IPIs aimed at the stream's
 * target, counted while a stream runs (stream.c).
 *
 * The target's irq_call_count moves for every call-function(-single)
 * interrupt it takes: the stream's kicks, but also the kernel's own remote
 * wake-ups, idle-balance kicks and TLB shootdowns. To tell them apart the
 * bench wraps smp_ops.send_call_func_single_ipi and send_call_func_ipi
 * for the stream: every call-function IPI the kernel sends goes through
 * them (arch_send_call_function_single_ipi(), arch_send_call_function_ipi_mask()),
 * whoever owns them underneath (vipi.ko's takeover or the native path),
 * while the stream's own kicks never do: kick_mode.c calls vipi_post(),
 * the saved native path, the PV hypercall or kick_cpu_async() directly.
 * So the count here is the kernel's alone. The reschedule IPI needs no
 * wrapper: its handler moves irq_resched_count, not irq_call_count.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <asm/smp.h>

#include "stream.h"

/* What the wrappers found in smp_ops: they hand every IPI on to it. */
static void (*stream_kernel_prev_single)(int cpu);
static void (*stream_kernel_prev_many)(const struct cpumask *mask);
static unsigned int stream_kernel_dst;
static atomic_long_t stream_kernel_sends;
static bool stream_kernel_on;
/* A wrapper someone else chained over: it can never be taken out. */
static bool stream_kernel_stuck;

/*
 * Counted before the send: by the time the target takes the interrupt,
 * the count has moved (the locked increment orders it before the ICR
 * write, the post or the hypercall underneath).
 */
static void stream_kernel_single(int cpu)
{
	if (cpu == READ_ONCE(stream_kernel_dst))
		atomic_long_inc(&stream_kernel_sends);
	stream_kernel_prev_single(cpu);
}

static void stream_kernel_many(const struct cpumask *mask)
{
	if (cpumask_test_cpu(READ_ONCE(stream_kernel_dst), mask))
		atomic_long_inc(&stream_kernel_sends);
	stream_kernel_prev_many(mask);
}

int stream_kernel_start(unsigned int dst)
{
	/* Chained twice, one IPI would count twice: refuse instead. */
	if (stream_kernel_stuck)
		return -EBUSY;
	if (WARN_ON_ONCE(stream_kernel_on))
		return -EBUSY;
	WRITE_ONCE(stream_kernel_dst, dst);
	atomic_long_set(&stream_kernel_sends, 0);
	stream_kernel_prev_single = smp_ops.send_call_func_single_ipi;
	stream_kernel_prev_many = smp_ops.send_call_func_ipi;
	/* A CPU that finds a wrapper must find what it hands on to. */
	smp_wmb();
	WRITE_ONCE(smp_ops.send_call_func_single_ipi, stream_kernel_single);
	WRITE_ONCE(smp_ops.send_call_func_ipi, stream_kernel_many);
	stream_kernel_on = true;
	return 0;
}

unsigned long stream_kernel_ipis(void)
{
	return atomic_long_read(&stream_kernel_sends);
}

/*
 * After a paced kick whose wait saw DST's count leave C0 (K0: the kernel's
 * sends before the kick): whether the kick had an interrupt of its own.
 * With no kernel IPI to DST meanwhile the move was the kick's. With some,
 * it may have merged with theirs (same vector pending in the IRR, or the
 * same bit in the mailbox): then the count must move once per IPI, the
 * kick's included, within STREAM_MERGE_WAIT_NS, or they shared one.
 */
bool stream_kernel_own(unsigned int dst, unsigned int c0, unsigned long k0)
{
	u64 start = ktime_get_ns();
	unsigned long k;

	for (;;) {
		k = stream_kernel_ipis();
		if (stream_call_count(dst) - c0 >= 1 + (k - k0))
			return true;
		if (ktime_get_ns() - start > STREAM_MERGE_WAIT_NS)
			return false;
		cpu_relax();
	}
}

void stream_kernel_stop(void)
{
	if (!stream_kernel_on)
		return;
	stream_kernel_on = false;
	/* Whoever chained over a wrapper still calls it: leave it there. */
	if (smp_ops.send_call_func_single_ipi == stream_kernel_single)
		WRITE_ONCE(smp_ops.send_call_func_single_ipi, stream_kernel_prev_single);
	else
		stream_kernel_stuck = true;
	if (smp_ops.send_call_func_ipi == stream_kernel_many)
		WRITE_ONCE(smp_ops.send_call_func_ipi, stream_kernel_prev_many);
	else
		stream_kernel_stuck = true;
	if (stream_kernel_stuck) {
		/* The module must then outlive the wrapper: never unload. */
		__module_get(THIS_MODULE);
		pr_warn("smp_ops changed under the stream; its wrappers stay\n");
	}
	/*
	 * IPI senders run with preemption or interrupts off: after this no
	 * CPU is inside a wrapper, so its counts are final and the module
	 * may go.
	 */
	synchronize_rcu();
}
