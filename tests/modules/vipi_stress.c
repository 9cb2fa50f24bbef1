// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_stress: an IPI storm from every online CPU to every other one, for
 * SECONDS, counting every cross-call issued and every one executed:
 *
 *   echo SECONDS > /sys/kernel/vipi_stress/storm    (blocks for the storm)
 *   cat /sys/kernel/vipi_stress/storm
 *
 * Per pair of CPUs it keeps one smp_call_function_single_async() in flight,
 * and every eighth round it makes a waiting smp_call_function_single(). It
 * also calls kick_cpu_async() when vipi.ko is loaded, holding a module
 * reference for one round at a time and only in one 100 ms window of three,
 * so that vipi.ko can be unloaded and reloaded while the storm runs: that
 * is why this is a module of its own. With vipi loaded and takeover on,
 * every one of these IPIs goes through the device.
 * A lost kick shows as an async call never executed (lost > 0) or as a
 * waiting call that never returns (the guest hangs, the test times out).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "vipi_api.h"
#include "vipi_trigger.h"

#define STORM_MAX_SECONDS 3600
#define STORM_DRAIN_MS 5000
#define STORM_KICK_WINDOW (HZ / 10)

struct storm;

struct storm_pair {
	call_single_data_t csd;
	atomic_t busy;
	struct storm *st;
};

struct storm {
	unsigned long deadline;
	unsigned int nr;
	struct storm_pair *pair;
	struct task_struct **worker;
	atomic_long_t async_issued, async_done, async_busy;
	atomic_long_t sync_issued, sync_done, kicks, errors;
	atomic64_t max_sync_ns;
};

static struct kobject *storm_kobj;

static void storm_async_fn(void *info)
{
	struct storm_pair *p = info;

	atomic_long_inc(&p->st->async_done);
	atomic_set_release(&p->busy, 0);
}

static void storm_sync_fn(void *info)
{
	struct storm *st = info;

	atomic_long_inc(&st->sync_done);
}

static void storm_note_latency(struct storm *st, s64 ns)
{
	s64 old = atomic64_read(&st->max_sync_ns);

	while (ns > old) {
		s64 seen = atomic64_cmpxchg(&st->max_sync_ns, old, ns);

		if (seen == old)
			break;
		old = seen;
	}
}

static void storm_one(struct storm *st, unsigned int self, unsigned int t, unsigned long round,
		      void (*kick)(int cpu))
{
	struct storm_pair *p = &st->pair[self * st->nr + t];
	ktime_t t0;

	if (!atomic_xchg(&p->busy, 1)) {
		if (smp_call_function_single_async(t, &p->csd)) {
			atomic_set(&p->busy, 0);
			atomic_long_inc(&st->errors);
		} else {
			atomic_long_inc(&st->async_issued);
		}
	} else {
		atomic_long_inc(&st->async_busy);
	}
	if (kick) {
		kick(t);
		atomic_long_inc(&st->kicks);
	}
	if (!(round & 7)) {
		t0 = ktime_get();
		if (smp_call_function_single(t, storm_sync_fn, st, 1))
			atomic_long_inc(&st->errors);
		else
			atomic_long_inc(&st->sync_issued);
		storm_note_latency(st, ktime_to_ns(ktime_sub(ktime_get(), t0)));
	}
}

static int storm_worker(void *arg)
{
	struct storm *st = arg;
	unsigned int self = raw_smp_processor_id();
	void (*kick)(int cpu);
	unsigned long round;
	unsigned int t;

	for (round = 0; time_before(jiffies, st->deadline) && !kthread_should_stop(); round++) {
		/*
		 * A reference for one round only, and only in one 100 ms
		 * window out of three (the same on all CPUs): in the others
		 * no worker holds vipi.ko, which can then be unloaded while
		 * the cross-calls go on.
		 */
		kick = NULL;
		if (!((jiffies / STORM_KICK_WINDOW) % 3))
			kick = symbol_get(kick_cpu_async);
		for_each_online_cpu(t) {
			if (t != self && t < st->nr)
				storm_one(st, self, t, round, kick);
		}
		if (kick)
			symbol_put(kick_cpu_async);
		cond_resched();
	}
	return 0;
}

static long storm_pending(struct storm *st)
{
	return atomic_long_read(&st->async_issued) - atomic_long_read(&st->async_done);
}

static int storm_run(unsigned int seconds, char *result, size_t size)
{
	unsigned int cpu, started = 0;
	struct storm *st;
	long lost, waited;
	int ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->nr = nr_cpu_ids;
	st->pair = kvcalloc(st->nr * st->nr, sizeof(*st->pair), GFP_KERNEL);
	st->worker = kcalloc(st->nr, sizeof(*st->worker), GFP_KERNEL);
	if (!st->pair || !st->worker) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (cpu = 0; cpu < st->nr * st->nr; cpu++) {
		st->pair[cpu].st = st;
		INIT_CSD(&st->pair[cpu].csd, storm_async_fn, &st->pair[cpu]);
	}

	st->deadline = jiffies + seconds * HZ;
	for_each_online_cpu(cpu) {
		struct task_struct *w =
			kthread_create_on_cpu(storm_worker, st, cpu, "vipi_storm/%u");

		if (IS_ERR(w)) {
			ret = PTR_ERR(w);
			break;
		}
		get_task_struct(w);
		st->worker[cpu] = w;
		wake_up_process(w);
		started++;
	}
	/* The workers stop themselves at the deadline; wait for it. */
	while (!ret && time_before(jiffies, st->deadline))
		msleep(20);
	for (cpu = 0; cpu < st->nr; cpu++) {
		if (!st->worker[cpu])
			continue;
		kthread_stop(st->worker[cpu]);
		put_task_struct(st->worker[cpu]);
	}
	/* Every async call issued must run: wait for the last ones. */
	for (waited = 0; storm_pending(st) > 0 && waited < STORM_DRAIN_MS; waited++)
		usleep_range(1000, 2000);
	lost = storm_pending(st) + atomic_long_read(&st->sync_issued) -
	       atomic_long_read(&st->sync_done);

	scnprintf(
		result, size,
		"seconds=%u cpus=%u async_issued=%ld async_done=%ld sync_issued=%ld sync_done=%ld kicks=%ld busy_skips=%ld errors=%ld max_sync_us=%lld lost=%ld\n",
		seconds, started, atomic_long_read(&st->async_issued),
		atomic_long_read(&st->async_done), atomic_long_read(&st->sync_issued),
		atomic_long_read(&st->sync_done), atomic_long_read(&st->kicks),
		atomic_long_read(&st->async_busy), atomic_long_read(&st->errors),
		div_s64(atomic64_read(&st->max_sync_ns), 1000), lost);
	pr_info("storm: %s", result);
	if (lost) {
		/* Leak the csds that never ran: freeing them under a CPU would be worse. */
		pr_err("storm: %ld lost IPIs\n", lost);
		st->pair = NULL;
	}
out_free:
	kvfree(st->pair);
	kfree(st->worker);
	kfree(st);
	return ret;
}

/* The trigger's request: SECONDS of storm. */
static int storm_request(const char *buf, char *result, size_t size)
{
	unsigned int seconds;
	int ret;

	ret = vipi_trigger_seconds(buf, STORM_MAX_SECONDS, &seconds);
	if (ret)
		return ret;
	return storm_run(seconds, result, size);
}

DEFINE_VIPI_TRIGGER(storm_trigger, storm, storm_request);

static int __init storm_init(void)
{
	storm_kobj = vipi_trigger_dir("vipi_stress", &storm_trigger);
	return PTR_ERR_OR_ZERO(storm_kobj);
}

static void __exit storm_exit(void)
{
	kobject_put(storm_kobj);
}

module_init(storm_init);
module_exit(storm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vipi: IPI storm with lost-call accounting");
