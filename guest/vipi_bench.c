// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi streaming microbenchmark: N call-function-single kicks from CPU SRC
 * to CPU DST, which spins in a kernel thread (the "busy" scenario), by one
 * of the methods of enum vipi_mode (vipi, doorbell, native, pv, auto).
 * Driven through sysfs:
 *
 *   echo "N SRC DST MODE [LABEL]" > /sys/kernel/vipi/stream
 *   cat /sys/kernel/vipi/stream
 *
 * With LABEL != 0 the sender asks the VMM for phase marks LABEL and
 * LABEL + 1 around the loop, so that the host reads KVM's per-vCPU exits
 * over exactly the stream.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/hardirq.h>
#include <asm/msr.h>

#include "vipi.h"

#define VIPI_STREAM_MAX_KICKS 100000000UL

static const char *const vipi_mode_names[] = {
	[VIPI_MODE_VIPI] = "vipi",
	[VIPI_MODE_DOORBELL] = "doorbell",
	[VIPI_MODE_NATIVE] = "native",
	[VIPI_MODE_PV] = "pv",
	[VIPI_MODE_AUTO] = "auto",
};

struct vipi_stream {
	unsigned long n;
	unsigned int src, dst;
	enum vipi_mode mode;
	u32 label;

	bool target_running;
	unsigned long sent;
	u64 cycles;
	bool marked;
	struct completion done;
};

static DEFINE_MUTEX(vipi_stream_lock);
static char vipi_stream_result[256] = "none\n";

static int vipi_stream_target(void *arg)
{
	struct vipi_stream *s = arg;

	WRITE_ONCE(s->target_running, true);
	while (!kthread_should_stop()) {
		cpu_relax();
		cond_resched();
	}
	return 0;
}

static int vipi_stream_sender(void *arg)
{
	struct vipi_stream *s = arg;
	unsigned long i;
	u64 t0, t1;

	s->marked = s->label && vipi_phase_mark(s->label);
	t0 = rdtsc_ordered();
	for (i = 0; i < s->n; i++) {
		if (!vipi_kick_mode(s->dst, s->mode))
			break;
		if (!(i & 1023))
			cond_resched();
	}
	t1 = rdtsc_ordered();
	if (s->marked)
		vipi_phase_mark(s->label + 1);
	s->sent = i;
	s->cycles = t1 - t0;
	complete(&s->done);
	return 0;
}

static struct task_struct *vipi_stream_spawn(int (*fn)(void *), struct vipi_stream *s,
					     unsigned int cpu, const char *what)
{
	struct task_struct *t;

	t = kthread_create_on_cpu(fn, s, cpu, what);
	if (IS_ERR(t))
		return t;
	get_task_struct(t);
	wake_up_process(t);
	return t;
}

static int vipi_stream_run(struct vipi_stream *s)
{
	struct task_struct *target, *sender;
	struct vipi_stats before, after;
	unsigned int irq0, irq1;
	int ret = 0, waited;

	init_completion(&s->done);
	target = vipi_stream_spawn(vipi_stream_target, s, s->dst, "vipi_busy/%u");
	if (IS_ERR(target))
		return PTR_ERR(target);
	for (waited = 0; !READ_ONCE(s->target_running) && waited < 1000; waited++)
		msleep(1);

	vipi_stats_sum(&before);
	irq0 = READ_ONCE(per_cpu(irq_stat, s->dst).irq_call_count);
	sender = vipi_stream_spawn(vipi_stream_sender, s, s->src, "vipi_send/%u");
	if (IS_ERR(sender)) {
		ret = PTR_ERR(sender);
		goto out_target;
	}
	wait_for_completion(&s->done);
	kthread_stop(sender);
	put_task_struct(sender);
	/* Let the last injections land before counting them. */
	msleep(20);
	irq1 = READ_ONCE(per_cpu(irq_stat, s->dst).irq_call_count);
	vipi_stats_sum(&after);

	scnprintf(vipi_stream_result, sizeof(vipi_stream_result),
		  "mode=%s src=%u dst=%u kicks=%lu sent=%lu cycles=%llu cycles_per_kick=%llu delivered=%u coalesced=%lu doorbells=%lu fallbacks=%lu label=%u marked=%d\n",
		  vipi_mode_names[s->mode], s->src, s->dst, s->n, s->sent, s->cycles,
		  s->sent ? div64_u64(s->cycles, s->sent) : 0, irq1 - irq0,
		  after.coalesced - before.coalesced, after.doorbells - before.doorbells,
		  after.fallbacks - before.fallbacks, s->label, s->marked);
	if (s->sent != s->n)
		ret = -EIO;
out_target:
	kthread_stop(target);
	put_task_struct(target);
	return ret;
}

static int vipi_stream_parse(const char *buf, struct vipi_stream *s)
{
	char mode[16];
	int i, n;

	s->label = 0;
	n = sscanf(buf, "%lu %u %u %15s %u", &s->n, &s->src, &s->dst, mode, &s->label);
	if (n < 4 || !s->n || s->n > VIPI_STREAM_MAX_KICKS)
		return -EINVAL;
	if (s->src >= nr_cpu_ids || s->dst >= nr_cpu_ids || s->src == s->dst ||
	    !cpu_online(s->src) || !cpu_online(s->dst))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vipi_mode_names); i++) {
		if (!strcmp(mode, vipi_mode_names[i])) {
			s->mode = i;
			return vipi_mode_available(s->mode) ? 0 : -ENODEV;
		}
	}
	return -EINVAL;
}

static ssize_t stream_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			    size_t len)
{
	struct vipi_stream *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = vipi_stream_parse(buf, s);
	if (ret)
		goto out;
	mutex_lock(&vipi_stream_lock);
	ret = vipi_stream_run(s);
	mutex_unlock(&vipi_stream_lock);
out:
	kfree(s);
	return ret ? ret : len;
}

static ssize_t stream_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	ssize_t n;

	mutex_lock(&vipi_stream_lock);
	n = sysfs_emit(buf, "%s", vipi_stream_result);
	mutex_unlock(&vipi_stream_lock);
	return n;
}

static struct kobj_attribute stream_attr = __ATTR_RW(stream);
static struct kobject *vipi_bench_parent;

int vipi_bench_init(struct kobject *parent)
{
	int ret;

	ret = sysfs_create_file(parent, &stream_attr.attr);
	if (!ret)
		vipi_bench_parent = parent;
	return ret;
}

void vipi_bench_exit(void)
{
	if (vipi_bench_parent)
		sysfs_remove_file(vipi_bench_parent, &stream_attr.attr);
	vipi_bench_parent = NULL;
}
