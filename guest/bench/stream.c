// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_bench: a streaming microbenchmark. N call-function-single kicks from
 * CPU SRC to CPU DST by one of the kick modes (kick_mode.c: vipi, doorbell,
 * native, pv, auto), then round trips by the same mode. Driven through
 * sysfs, in vipi.ko's directory:
 *
 *   echo "N SRC DST MODE [LABEL [busy|idle|flood [RT [paced]]]]" > /sys/kernel/vipi/stream
 *   cat /sys/kernel/vipi/stream
 *
 * busy (the default): DST spins in a kernel thread; idle: DST is left idle
 * (halted); flood: DST busy, the sender never paced. Kicks go back to back
 * unless "paced": then after each kick the sender spins until DST's count
 * of call-function interrupts moves, so that nothing can merge in DST's
 * IRR unseen, and counts the kick as delivered (an interrupt of its own),
 * coalesced (merged in the mailbox, or sharing an interrupt with one of
 * the kernel's own IPIs to DST, which stream_kernel.c counts:
 * coalesced_kernel=) or lost (no interrupt within STREAM_RT_LOST_NS), so
 * that delivered + coalesced + stream_lost == kicks. Back to back, kicks
 * merge into a pending interrupt (coalesced= counts the stream's own
 * merges in the mailbox, by this CPU's counter around each post; the
 * IRR's stay uncounted) and delivered= is DST's interrupts less the
 * kernel's IPIs to it. target_interrupts= is DST's raw count over the
 * stream, kernel_ipis= the kernel's sends to DST. The bench paces busy
 * and idle. With LABEL != 0 the sender asks the VMM for phase marks LABEL
 * and LABEL + 1 around the stream only, so that the host reads KVM's
 * per-vCPU exits over exactly the N kicks. cycles= is the sender's own
 * cost: the TSC cycles inside the N sends, not the waits between them.
 * The round trips: stream_rt.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/hardirq.h>
#include <asm/msr.h>

#include "vipi_trigger.h"
#include "stream.h"

/*
 * One kick of the stream: the sender's cycles inside the send go to
 * s->cycles. Paced, it then waits for DST's count to move and counts the
 * kick once: delivered (an interrupt of its own), coalesced (merged in
 * the mailbox, or sharing one interrupt with a kernel IPI to DST) or, if
 * no interrupt comes, lost.
 */
static bool stream_kick(struct stream *s)
{
	/* K0 before C0: a kernel IPI sent after K0 is seen, whenever it lands. */
	unsigned long k0 = stream_kernel_ipis();
	unsigned int c0 = stream_call_count(s->dst);
	unsigned long flags, m0, merged;
	bool ok;
	u64 t0;

	/*
	 * This CPU's merge count, interrupts off: its change is this kick's
	 * merge alone, not the kernel's own posts meanwhile (0 for native, PV).
	 */
	local_irq_save(flags);
	m0 = vipi_this_cpu_coalesced();
	t0 = rdtsc_ordered();
	ok = kick_mode_send(s->dst, s->mode);
	s->cycles += rdtsc_ordered() - t0;
	merged = vipi_this_cpu_coalesced() - m0;
	local_irq_restore(flags);
	if (!ok)
		return false;
	if (!s->paced) {
		s->coalesced += merged;
		return true;
	}
	if (!stream_await(s, c0, STREAM_RT_LOST_NS)) {
		s->stream_lost++;
	} else if (merged) {
		s->coalesced += merged;
	} else if (stream_kernel_own(s->dst, c0, k0)) {
		s->delivered++;
	} else {
		s->coalesced++;
		s->coalesced_kernel++;
	}
	return true;
}

static int stream_sender(void *arg)
{
	struct stream *s = arg;
	unsigned long i, k0;
	unsigned int irq0;

	vipi_stats_sum(&s->before);
	k0 = stream_kernel_ipis();
	irq0 = stream_call_count(s->dst);
	s->marked = s->label && vipi_phase_mark(s->label);
	s->ns = ktime_get_ns();
	for (i = 0; i < s->n; i++) {
		if (!stream_kick(s))
			break;
		if (!(i & 1023))
			cond_resched();
	}
	s->ns = ktime_get_ns() - s->ns;
	if (s->marked)
		vipi_phase_mark(s->label + 1);
	s->sent = i;
	/* Let the last injections land before counting them. */
	msleep(20);
	s->kernel_ipis = stream_kernel_ipis() - k0;
	s->target_interrupts = stream_call_count(s->dst) - irq0;
	/* The round trips run without the wrappers, as they always did. */
	stream_kernel_stop();
	/*
	 * Back to back, kicks merge uncounted in DST's IRR, so only the sum
	 * over the stream is known: the interrupts less the kernel's sends.
	 */
	if (!s->paced)
		s->delivered = s->target_interrupts -
			       min_t(unsigned long, s->kernel_ipis, s->target_interrupts);
	vipi_stats_sum(&s->after);
	stream_round_trips(s);
	complete(&s->done);
	return 0;
}

static struct task_struct *stream_spawn(int (*fn)(void *), struct stream *s, unsigned int cpu,
					const char *what)
{
	struct task_struct *t;

	t = kthread_create_on_cpu(fn, s, cpu, what);
	if (IS_ERR(t))
		return t;
	get_task_struct(t);
	wake_up_process(t);
	return t;
}

static const char *stream_scenario(const struct stream *s)
{
	return s->idle ? "idle" : s->flood ? "flood" : "busy";
}

static void stream_format(const struct stream *s, char *result, size_t size)
{
	unsigned long rt = s->rt_done;

	scnprintf(
		result, size,
		"mode=%s scenario=%s src=%u dst=%u kicks=%lu sent=%lu lost=%lu ns=%llu cycles=%llu cycles_per_kick=%llu delivered=%lu coalesced=%lu doorbells=%lu fallbacks=%lu roundtrips=%lu roundtrip_lost=%lu roundtrip_cycles=%llu label=%u marked=%d roundtrip_late=%lu paced=%d stream_lost=%lu roundtrip_post_cycles=%llu roundtrip_stamped=%lu roundtrip_handler_cycles=%llu roundtrip_doorbells=%lu coalesced_kernel=%lu kernel_ipis=%lu target_interrupts=%u\n",
		kick_mode_name(s->mode), stream_scenario(s), s->src, s->dst, s->n, s->sent,
		s->n - s->sent + s->stream_lost + s->rt_lost, s->ns, s->cycles,
		s->sent ? div64_u64(s->cycles, s->sent) : 0, s->delivered, s->coalesced,
		s->after.doorbells - s->before.doorbells, s->after.fallbacks - s->before.fallbacks,
		rt, s->rt_lost, rt ? div64_u64(s->rt_cycles, rt) : 0, s->label, s->marked,
		s->rt_late, s->paced, s->stream_lost, rt ? div64_u64(s->rt_post_cycles, rt) : 0,
		s->rt_stamped, s->rt_stamped ? div64_u64(s->rt_handler_cycles, s->rt_stamped) : 0,
		s->rt_after.doorbells - s->rt_before.doorbells, s->coalesced_kernel, s->kernel_ipis,
		s->target_interrupts);
}

static int stream_run(struct stream *s, char *result, size_t size)
{
	struct task_struct *target = NULL, *sender;
	int ret = 0, waited;

	init_completion(&s->done);
	if (!s->idle) {
		target = stream_spawn(stream_target, s, s->dst, "vipi_busy/%u");
		if (IS_ERR(target))
			return PTR_ERR(target);
		for (waited = 0; !READ_ONCE(s->target_running) && waited < 1000; waited++)
			usleep_range(1000, 2000);
	}

	/* From here the kernel's own IPIs to DST are counted (stream_kernel.c). */
	ret = stream_kernel_start(s->dst);
	if (ret)
		goto out_target;
	sender = stream_spawn(stream_sender, s, s->src, "vipi_send/%u");
	if (IS_ERR(sender)) {
		ret = PTR_ERR(sender);
		goto out_kernel;
	}
	wait_for_completion(&s->done);
	kthread_stop(sender);
	put_task_struct(sender);

	stream_format(s, result, size);
	if (s->sent != s->n)
		ret = -EIO;
out_kernel:
	/* The sender stopped it already; without a sender, nobody did. */
	stream_kernel_stop();
out_target:
	if (target) {
		kthread_stop(target);
		put_task_struct(target);
	}
	return ret;
}

static int stream_parse(const char *buf, struct stream *s)
{
	char mode[16], scenario[8] = "busy", pace[8] = "";
	int n;

	s->label = 0;
	s->rt = ULONG_MAX;
	n = sscanf(buf, "%lu %u %u %15s %u %7s %lu %7s", &s->n, &s->src, &s->dst, mode, &s->label,
		   scenario, &s->rt, pace);
	if (n < 4 || !s->n || s->n > STREAM_MAX_KICKS)
		return -EINVAL;
	if (s->rt == ULONG_MAX)
		s->rt = min(s->n, STREAM_RT_MAX);
	else if (s->rt > STREAM_MAX_KICKS)
		return -EINVAL;
	if (!strcmp(scenario, "idle"))
		s->idle = true;
	else if (!strcmp(scenario, "flood"))
		s->flood = true;
	else if (strcmp(scenario, "busy"))
		return -EINVAL;
	if (!strcmp(pace, "paced"))
		s->paced = !s->flood;
	else if (*pace)
		return -EINVAL;
	if (s->src >= nr_cpu_ids || s->dst >= nr_cpu_ids || s->src == s->dst ||
	    !cpu_online(s->src) || !cpu_online(s->dst))
		return -EINVAL;
	return kick_mode_parse(mode, &s->mode);
}

/* The trigger's request: parse BUF, run the stream, format its result. */
static int stream_request(const char *buf, char *result, size_t size)
{
	struct stream *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = stream_parse(buf, s);
	if (!ret)
		ret = stream_run(s, result, size);
	kfree(s);
	return ret;
}

DEFINE_VIPI_TRIGGER(stream_trigger, stream, stream_request);

static ssize_t scenarios_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "busy idle flood\n");
}

static struct kobj_attribute scenarios_attr = __ATTR_RO(scenarios);

static struct attribute *stream_attrs[] = {
	&stream_trigger.attr.attr,
	&scenarios_attr.attr,
	NULL,
};

static const struct attribute_group stream_group = {
	.attrs = stream_attrs,
};

static int __init stream_init(void)
{
	return sysfs_create_group(vipi_sysfs_kobj(), &stream_group);
}

static void __exit stream_exit(void)
{
	sysfs_remove_group(vipi_sysfs_kobj(), &stream_group);
}

module_init(stream_init);
module_exit(stream_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vipi: the stream microbenchmark and round trips of vipi bench");
