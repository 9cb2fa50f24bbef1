// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi streaming microbenchmark: N call-function-single kicks from CPU SRC
 * to CPU DST by one of the methods of enum vipi_mode (vipi, doorbell,
 * native, pv, auto), then round trips by the same method. Driven through
 * sysfs:
 *
 *   echo "N SRC DST MODE [LABEL [busy|idle [RT]]]" > /sys/kernel/vipi/stream
 *   cat /sys/kernel/vipi/stream
 *
 * busy (the default): DST spins in a kernel thread; idle: DST is left idle
 * (halted). With LABEL != 0 the sender asks the VMM for phase marks LABEL
 * and LABEL + 1 around the stream only, so that the host reads KVM's
 * per-vCPU exits over exactly the N kicks.
 *
 * RT round trips (default min(N, 1000)) follow the stream, outside the
 * marks, in the manner of kvm-unit-tests' vmexit ipi: the sender notes
 * DST's count of call-function-single interrupts, kicks, and spins until
 * the count moves; only SRC's TSC is read. A round trip that sees its
 * interrupt only after VIPI_RT_TIMEOUT_NS is late (roundtrip_late, not in
 * the mean); one that sees none within VIPI_RT_LOST_NS counts as lost.
 * Another IPI to DST can end a round trip early; nothing can make a lost
 * one look delivered.
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
#define VIPI_RT_MAX 1000UL
#define VIPI_RT_TIMEOUT_NS (100 * NSEC_PER_MSEC)
#define VIPI_RT_LOST_NS (5 * NSEC_PER_SEC)

static const char *const vipi_mode_names[] = {
	[VIPI_MODE_VIPI] = "vipi",
	[VIPI_MODE_DOORBELL] = "doorbell",
	[VIPI_MODE_NATIVE] = "native",
	[VIPI_MODE_PV] = "pv",
	[VIPI_MODE_AUTO] = "auto",
};

struct vipi_stream {
	unsigned long n, rt;
	unsigned int src, dst;
	enum vipi_mode mode;
	u32 label;
	bool idle;

	bool target_running;
	unsigned long sent;
	u64 cycles, ns;
	bool marked;
	unsigned int delivered;
	struct vipi_stats before, after; /* over the stream, not the round trips */
	unsigned long rt_done, rt_late, rt_lost;
	u64 rt_cycles;
	struct completion done;
};

static DEFINE_MUTEX(vipi_stream_lock);
static char vipi_stream_result[384] = "none\n";

static unsigned int vipi_call_count(unsigned int cpu)
{
	return READ_ONCE(per_cpu(irq_stat, cpu).irq_call_count);
}

enum vipi_rt { VIPI_RT_DONE, VIPI_RT_LATE, VIPI_RT_LOST };

/*
 * One round trip. Past VIPI_RT_TIMEOUT_NS it is late (left out of the mean:
 * on a contended or emulated host a vCPU or the poller can be descheduled
 * that long); only an interrupt that never comes within VIPI_RT_LOST_NS
 * counts as lost.
 */
static enum vipi_rt vipi_round_trip(struct vipi_stream *s, u64 *cycles)
{
	unsigned int c0 = vipi_call_count(s->dst);
	u64 t0 = rdtsc_ordered(), start = ktime_get_ns(), now;

	if (!vipi_kick_mode(s->dst, s->mode))
		return VIPI_RT_LOST;
	while (vipi_call_count(s->dst) == c0) {
		if (ktime_get_ns() - start > VIPI_RT_LOST_NS)
			return VIPI_RT_LOST;
		cpu_relax();
	}
	now = ktime_get_ns();
	if (now - start > VIPI_RT_TIMEOUT_NS)
		return VIPI_RT_LATE;
	*cycles += rdtsc_ordered() - t0;
	return VIPI_RT_DONE;
}

static void vipi_round_trips(struct vipi_stream *s)
{
	unsigned long i;

	for (i = 0; i < s->rt; i++) {
		switch (vipi_round_trip(s, &s->rt_cycles)) {
		case VIPI_RT_DONE:
			s->rt_done++;
			break;
		case VIPI_RT_LATE:
			s->rt_late++;
			break;
		case VIPI_RT_LOST:
			s->rt_lost++;
			break;
		}
		if (!(i & 63))
			cond_resched();
	}
}

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
	unsigned int irq0;
	unsigned long i;
	u64 t0, t1;

	vipi_stats_sum(&s->before);
	irq0 = vipi_call_count(s->dst);
	s->marked = s->label && vipi_phase_mark(s->label);
	s->ns = ktime_get_ns();
	t0 = rdtsc_ordered();
	for (i = 0; i < s->n; i++) {
		if (!vipi_kick_mode(s->dst, s->mode))
			break;
		if (!(i & 1023))
			cond_resched();
	}
	t1 = rdtsc_ordered();
	s->ns = ktime_get_ns() - s->ns;
	if (s->marked)
		vipi_phase_mark(s->label + 1);
	s->sent = i;
	s->cycles = t1 - t0;
	/* Let the last injections land before counting them. */
	msleep(20);
	s->delivered = vipi_call_count(s->dst) - irq0;
	vipi_stats_sum(&s->after);
	vipi_round_trips(s);
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
	struct task_struct *target = NULL, *sender;
	int ret = 0, waited;

	init_completion(&s->done);
	if (!s->idle) {
		target = vipi_stream_spawn(vipi_stream_target, s, s->dst, "vipi_busy/%u");
		if (IS_ERR(target))
			return PTR_ERR(target);
		for (waited = 0; !READ_ONCE(s->target_running) && waited < 1000; waited++)
			usleep_range(1000, 2000);
	}

	sender = vipi_stream_spawn(vipi_stream_sender, s, s->src, "vipi_send/%u");
	if (IS_ERR(sender)) {
		ret = PTR_ERR(sender);
		goto out_target;
	}
	wait_for_completion(&s->done);
	kthread_stop(sender);
	put_task_struct(sender);

	scnprintf(vipi_stream_result, sizeof(vipi_stream_result),
		  "mode=%s scenario=%s src=%u dst=%u kicks=%lu sent=%lu lost=%lu ns=%llu cycles=%llu cycles_per_kick=%llu delivered=%u coalesced=%lu doorbells=%lu fallbacks=%lu roundtrips=%lu roundtrip_lost=%lu roundtrip_cycles=%llu label=%u marked=%d roundtrip_late=%lu\n",
		  vipi_mode_names[s->mode], s->idle ? "idle" : "busy", s->src, s->dst, s->n,
		  s->sent, s->n - s->sent + s->rt_lost, s->ns, s->cycles,
		  s->sent ? div64_u64(s->cycles, s->sent) : 0, s->delivered,
		  s->after.coalesced - s->before.coalesced,
		  s->after.doorbells - s->before.doorbells,
		  s->after.fallbacks - s->before.fallbacks, s->rt_done, s->rt_lost,
		  s->rt_done ? div64_u64(s->rt_cycles, s->rt_done) : 0, s->label, s->marked, s->rt_late);
	if (s->sent != s->n)
		ret = -EIO;
out_target:
	if (target) {
		kthread_stop(target);
		put_task_struct(target);
	}
	return ret;
}

static int vipi_stream_parse(const char *buf, struct vipi_stream *s)
{
	char mode[16], scenario[8] = "busy";
	int i, n;

	s->label = 0;
	s->rt = ULONG_MAX;
	n = sscanf(buf, "%lu %u %u %15s %u %7s %lu", &s->n, &s->src, &s->dst, mode, &s->label,
		   scenario, &s->rt);
	if (n < 4 || !s->n || s->n > VIPI_STREAM_MAX_KICKS)
		return -EINVAL;
	if (s->rt == ULONG_MAX)
		s->rt = min(s->n, VIPI_RT_MAX);
	else if (s->rt > VIPI_STREAM_MAX_KICKS)
		return -EINVAL;
	if (!strcmp(scenario, "idle"))
		s->idle = true;
	else if (strcmp(scenario, "busy"))
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

static ssize_t scenarios_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "busy idle\n");
}

static struct kobj_attribute scenarios_attr = __ATTR_RO(scenarios);

static struct attribute *vipi_bench_attrs[] = {
	&stream_attr.attr,
	&scenarios_attr.attr,
	NULL,
};

static const struct attribute_group vipi_bench_group = {
	.attrs = vipi_bench_attrs,
};
static struct kobject *vipi_bench_parent;

int vipi_bench_init(struct kobject *parent)
{
	int ret;

	ret = sysfs_create_group(parent, &vipi_bench_group);
	if (!ret)
		vipi_bench_parent = parent;
	return ret;
}

void vipi_bench_exit(void)
{
	if (vipi_bench_parent)
		sysfs_remove_group(vipi_bench_parent, &vipi_bench_group);
	vipi_bench_parent = NULL;
}
