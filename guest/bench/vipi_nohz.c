// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_nohz: the housekeeping-side load of `vipi bench --suite nohz`.
 *
 * Loaded with `insmod vipi_nohz.ko seconds=S rate=R`, it runs for S seconds
 * on the first housekeeping CPU and, R times per second for each nohz_full
 * CPU, does what the kernel does to such a CPU when state changes under it:
 *   - sets and clears a tick dependency (tick_nohz_dep_set_cpu() kicks the
 *     target through irq_work -> smp_ops.send_call_func_single_ipi, the
 *     upstream heir of the 2014 kick_cpu_async()),
 *   - queues a remote call-single function (what a remote irq_work costs),
 *   - wakes a kthread bound to the target (a remote wakeup).
 * It works the same whether vipi.ko is loaded or not and whatever its
 * takeover setting: the IPIs go through smp_ops, whoever owns them. insmod
 * returns when the run is done; the counts are read-only parameters.
 * With dry=1 it runs the same loop and timers and sends nothing: the
 * housekeeping vCPU's exits in a dry run, subtracted from a real one, leave
 * the exits it took to send the events.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched/isolation.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/tick.h>

#include <vipi/abi.h>

static unsigned int seconds = 5;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long the load runs (1..600)");

static unsigned int rate = 200;
module_param(rate, uint, 0444);
MODULE_PARM_DESC(rate, "events per second per nohz_full CPU (1..100000)");

static bool dry;
module_param(dry, bool, 0444);
MODULE_PARM_DESC(dry, "run the same loop and timers but send nothing (the baseline)");

static unsigned int label;
module_param(label, uint, 0444);
MODULE_PARM_DESC(label, "phase marks LABEL and LABEL+1 around the run (0: none)");

/* Results, read back from /sys/module/vipi_nohz/parameters/. */
static unsigned long dep_kicks, csd_sent, wakeups, rounds;
static atomic_long_t csd_done = ATOMIC_LONG_INIT(0);
module_param(dep_kicks, ulong, 0444);
module_param(csd_sent, ulong, 0444);
module_param(wakeups, ulong, 0444);
module_param(rounds, ulong, 0444);
static long csd_done_read;
module_param_named(csd_done, csd_done_read, long, 0444);

struct nohz_target {
	int cpu;
	call_single_data_t csd;
	struct task_struct *sleeper;
};

static struct nohz_target *targets;
static int nr_targets;
static bool lost;

static void nohz_csd_fn(void *info)
{
	atomic_long_inc(&csd_done);
}

/* The woken thread does nothing: the wakeup itself is the event. */
static int nohz_sleeper_fn(void *data)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void nohz_event(struct nohz_target *t, unsigned long round)
{
	switch (round % 3) {
	case 0:
		/*
		 * PERF_EVENTS: a per-CPU dependency nothing else in these
		 * guests uses, so clearing it right away steals none.
		 */
		tick_nohz_dep_set_cpu(t->cpu, TICK_DEP_BIT_PERF_EVENTS);
		tick_nohz_dep_clear_cpu(t->cpu, TICK_DEP_BIT_PERF_EVENTS);
		dep_kicks++;
		break;
	case 1:
		/* -EBUSY: the previous one has not run yet; not an event. */
		if (!smp_call_function_single_async(t->cpu, &t->csd))
			csd_sent++;
		break;
	default:
		if (wake_up_process(t->sleeper))
			wakeups++;
		break;
	}
}

/* Waits for every call-single function sent to have run; false if one never did. */
static bool nohz_wait_csds(void)
{
	unsigned long end = jiffies + 2 * HZ;

	while (atomic_long_read(&csd_done) != csd_sent) {
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}

/*
 * Asks the VMM to snapshot KVM's per-vCPU stats, through the vipi device's
 * PHASE register. It works whether or not vipi.ko drives the device (so in
 * every configuration the suite compares), and is a no-op without it.
 */
static void nohz_phase_mark(u32 mark)
{
	struct pci_dev *pdev;

	if (!label)
		return;
	pdev = pci_get_device(VIPI_PCI_VENDOR_ID, VIPI_PCI_DEVICE_ID, NULL);
	if (!pdev)
		return;
	if (pci_resource_flags(pdev, 0) & IORESOURCE_IO)
		outl(mark, pci_resource_start(pdev, 0) + VIPI_REG_PHASE);
	pci_dev_put(pdev);
}

/*
 * Paces the rounds by spinning on the clock, not by sleeping: a sleep would
 * program a timer (an exit) every round, and the dry window could not then
 * tell the exits of the sends from the exits of the pacing.
 */
static void nohz_wait_until(ktime_t t)
{
	while (ktime_before(ktime_get(), t))
		cpu_relax();
	cond_resched();
}

static long nohz_run(void *unused)
{
	u64 period_ns = max_t(u64, 1, NSEC_PER_SEC / rate);
	ktime_t start, end;
	int i;

	nohz_phase_mark(label);
	start = ktime_get();
	end = ktime_add_ns(start, (u64)seconds * NSEC_PER_SEC);
	while (ktime_before(ktime_get(), end)) {
		for (i = 0; i < nr_targets && !dry; i++)
			nohz_event(&targets[i], rounds);
		rounds++;
		nohz_wait_until(ktime_add_ns(start, rounds * period_ns));
	}
	/* The mark first: waiting for the last calls may sleep, in either window. */
	nohz_phase_mark(label + 1);
	lost = !nohz_wait_csds();
	csd_done_read = atomic_long_read(&csd_done);
	return 0;
}

static void nohz_stop_sleepers(void)
{
	int i;

	for (i = 0; i < nr_targets; i++)
		if (targets[i].sleeper)
			kthread_stop(targets[i].sleeper);
}

static int nohz_setup_targets(void)
{
	int cpu, i = 0;

	nr_targets = cpumask_weight(tick_nohz_full_mask);
	targets = kcalloc(nr_targets, sizeof(*targets), GFP_KERNEL);
	if (!targets)
		return -ENOMEM;
	for_each_cpu(cpu, tick_nohz_full_mask) {
		struct nohz_target *t = &targets[i++];
		struct task_struct *p;

		t->cpu = cpu;
		INIT_CSD(&t->csd, nohz_csd_fn, t);
		p = kthread_create_on_cpu(nohz_sleeper_fn, t, cpu, "vipi_nohz/%u");
		if (IS_ERR(p))
			return PTR_ERR(p);
		t->sleeper = p;
		wake_up_process(p);
	}
	return 0;
}

static int __init vipi_nohz_init(void)
{
	int hk, ret;

	if (!tick_nohz_full_enabled() || cpumask_empty(tick_nohz_full_mask)) {
		pr_err("vipi_nohz: no nohz_full CPUs (boot with nohz_full=)\n");
		return -ENODEV;
	}
	if (!seconds || seconds > 600 || !rate || rate > 100000) {
		pr_err("vipi_nohz: seconds must be 1..600 and rate 1..100000\n");
		return -EINVAL;
	}
	hk = cpumask_first(housekeeping_cpumask(HK_TYPE_TICK));
	if (hk >= nr_cpu_ids || tick_nohz_full_cpu(hk))
		return -ENODEV;

	ret = nohz_setup_targets();
	if (ret)
		goto err_targets;
	/* The load comes from the housekeeping CPU, as the kernel's does. */
	ret = work_on_cpu(hk, nohz_run, NULL);
	nohz_stop_sleepers();
	if (lost) {
		/* A csd still queued must not be freed: keep it, and say so. */
		pr_err("vipi_nohz: %ld of %lu remote calls never ran\n",
		       (long)csd_sent - csd_done_read, csd_sent);
		return 0;
	}
	kfree(targets);
	return ret;

err_targets:
	nohz_stop_sleepers();
	kfree(targets);
	return ret;
}

static void __exit vipi_nohz_exit(void)
{
}

module_init(vipi_nohz_init);
module_exit(vipi_nohz_exit);
MODULE_DESCRIPTION("vipi nohz_full bench load: tick kicks, remote calls and wakeups");
MODULE_LICENSE("GPL");
