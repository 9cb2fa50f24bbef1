// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_pace: IPIs at a known rate, for `vipi watch`'s lab test.
 *
 *   insmod vipi_pace.ko rate=R src=S dst=D
 *
 * A kernel thread bound to CPU SRC sends one call-function-single IPI to
 * CPU DST (smp_call_function_single_async(), an empty function) every 1/R
 * seconds by an absolute hrtimer deadline, until the module is removed.
 * DST is left idle, so each IPI also wakes it from HLT. A deadline missed
 * by more than a period is skipped, not made up in a burst, and counted:
 * the rate is R only while skipped and busy stay at 0. Read-only results
 * in /sys/module/vipi_pace/parameters/: sent, skipped, busy (the previous
 * call was still pending: no IPI), elapsed_ms, and all four in one read:
 * status ("sent=N skipped=N busy=N ms=N cal=N"), so that a reader's count and
 * time come from the same moment; cal is DST's count of call-function
 * interrupts (/proc/interrupts CAL): every such IPI it took, the module's
 * and any other (a wake-up of a task on an idle DST is one too). With
 * report_ms=N the thread itself prints that line (KERN_NOTICE) every N ms:
 * a shell loop reading the file would fork and wake tasks on other CPUs,
 * IPIs of its own. The printed line ends in "trail=MS:CAL,dMS:dCAL,...":
 * the clock and the count at every wake-up since the last line, the first
 * in full, the rest as steps. A reader can then tell the count at any
 * moment to one period, even across a stall of the vCPU (no wake-up, no
 * sample), which the line's own two figures alone could not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/sysfs.h>
#include <asm/hardirq.h>

static unsigned int rate = 500;
module_param(rate, uint, 0444);
MODULE_PARM_DESC(rate, "IPIs per second (1..100000)");
static unsigned int src;
module_param(src, uint, 0444);
static unsigned int dst = 1;
module_param(dst, uint, 0444);

static unsigned int report_ms;
module_param(report_ms, uint, 0444);
MODULE_PARM_DESC(report_ms, "print the status every N ms (0: never)");

static unsigned long sent, skipped, busy, elapsed_ms;
module_param(sent, ulong, 0444);
module_param(skipped, ulong, 0444);
module_param(busy, ulong, 0444);
module_param(elapsed_ms, ulong, 0444);

/*
 * The trail since the previous line, as text, built at each sample. A printk
 * record holds about 1 KB (992 bytes on 6.1) and the status before the trail
 * at most about 150: a line goes out early rather than let a trail of big
 * steps grow past PACE_TRAIL_MAX. Only the thread uses these.
 */
#define PACE_TRAIL_MAX 768
/* One sample's text at most: ",4294967295:4294967295". */
#define PACE_SAMPLE_MAX 22
static char trail_buf[PACE_TRAIL_MAX + 1];
static size_t trail_len;
static u32 trail_ms, trail_cal;

static unsigned int pace_cal(void)
{
	return READ_ONCE(per_cpu(irq_stat, dst).irq_call_count);
}

static int pace_status_get(char *buf, const struct kernel_param *kp)
{
	unsigned long ms = READ_ONCE(elapsed_ms), n = READ_ONCE(sent);

	return sysfs_emit(buf, "sent=%lu skipped=%lu busy=%lu ms=%lu cal=%u\n", n,
			  READ_ONCE(skipped), READ_ONCE(busy), ms, pace_cal());
}

static const struct kernel_param_ops pace_status_ops = {
	.get = pace_status_get,
};
module_param_cb(status, &pace_status_ops, NULL, 0444);

static struct task_struct *pace_task;

static void pace_nothing(void *info)
{
}

static call_single_data_t pace_csd = CSD_INIT(pace_nothing, NULL);

/* Adds a sample: the first of a line absolute, the others as steps. */
static void pace_sample(u32 ms, u32 cal)
{
	if (!trail_len)
		trail_len = scnprintf(trail_buf, sizeof(trail_buf), " trail=%u:%u", ms, cal);
	else
		trail_len += scnprintf(trail_buf + trail_len, sizeof(trail_buf) - trail_len,
				       ",%u:%u", ms - trail_ms, cal - trail_cal);
	trail_ms = ms;
	trail_cal = cal;
}

/* The status line and the trail of samples since the previous one. */
static void pace_report(void)
{
	pr_notice("sent=%lu skipped=%lu busy=%lu ms=%lu cal=%u%s\n", sent, skipped, busy,
		  elapsed_ms, trail_cal, trail_buf);
	trail_len = 0;
}

static int pace_thread(void *arg)
{
	u64 period = NSEC_PER_SEC / rate;
	ktime_t start = ktime_get(), next = start, report = start;

	while (!kthread_should_stop()) {
		next = ktime_add_ns(next, period);
		if (ktime_after(ktime_get(), ktime_add_ns(next, period))) {
			/* Behind by more than a period: resynchronise, count what was lost. */
			skipped += ktime_to_ns(ktime_sub(ktime_get(), next)) / period;
			next = ktime_get();
		}
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout(&next, HRTIMER_MODE_ABS);
		/* Time first: a reader sees a count no older than the time. */
		WRITE_ONCE(elapsed_ms, ktime_to_ms(ktime_sub(ktime_get(), start)));
		if (smp_call_function_single_async(dst, &pace_csd))
			WRITE_ONCE(busy, busy + 1);
		else
			WRITE_ONCE(sent, sent + 1);
		if (!report_ms)
			continue;
		pace_sample(elapsed_ms, pace_cal());
		if (ktime_after(ktime_get(), report) ||
		    trail_len + PACE_SAMPLE_MAX > PACE_TRAIL_MAX) {
			report = ktime_add_ms(ktime_get(), report_ms);
			pace_report();
		}
	}
	return 0;
}

static int __init pace_init(void)
{
	if (!rate || rate > 100000 || src == dst || !cpu_online(src) || !cpu_online(dst))
		return -EINVAL;
	pace_task = kthread_create(pace_thread, NULL, "vipi_pace");
	if (IS_ERR(pace_task))
		return PTR_ERR(pace_task);
	kthread_bind(pace_task, src);
	wake_up_process(pace_task);
	return 0;
}

static void __exit pace_exit(void)
{
	kthread_stop(pace_task);
}

module_init(pace_init);
module_exit(pace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("call-function-single IPIs at a known rate, for vipi watch's lab test");
