// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: the smp_ops takeover. With takeover on, the kernel's
 * call-function-single, reschedule and call-function IPIs go through the
 * device; anything it cannot carry takes the smp_ops found at load (the
 * native path), which is also what every fallback and the drain use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/smp.h>

#include "vipi.h"

static bool takeover = true;
module_param(takeover, bool, 0444);
MODULE_PARM_DESC(takeover, "Route smp_ops' IPIs through the device (default on)");

static bool force_doorbell;
module_param(force_doorbell, bool, 0644);
MODULE_PARM_DESC(force_doorbell, "Ring the doorbell on every kick (benchmarks)");

/* smp_ops as found at load: the native path every fallback takes. */
static struct smp_ops vipi_native;
static bool vipi_owns_smp_ops;

/*
 * Since 6.3 <linux/smp.h> defines smp_send_reschedule(cpu) as a macro (it
 * traces the IPI), which would expand inside vipi_native.smp_send_reschedule(
 * too: the parentheses around the member stop that on every kernel.
 */
static void vipi_native_reschedule(int cpu)
{
	(vipi_native.smp_send_reschedule)(cpu);
}

static void vipi_send_call_func_single(int cpu)
{
	if (vipi_post(cpu, VIPI_CLASS_CALL_FUNC_SINGLE, READ_ONCE(force_doorbell)))
		return;
	this_cpu_inc(vipi_stats.fallbacks);
	vipi_native.send_call_func_single_ipi(cpu);
}

static void vipi_send_reschedule(int cpu)
{
	if (vipi_post(cpu, VIPI_CLASS_RESCHEDULE, READ_ONCE(force_doorbell)))
		return;
	this_cpu_inc(vipi_stats.fallbacks);
	vipi_native_reschedule(cpu);
}

static void vipi_send_call_func(const struct cpumask *mask)
{
	bool ring = READ_ONCE(force_doorbell);
	int cpu;

	/* Without a device, hand the whole mask on: one native multicast. */
	if (!vipi_bound()) {
		this_cpu_inc(vipi_stats.fallbacks);
		vipi_native.send_call_func_ipi(mask);
		return;
	}
	for_each_cpu(cpu, mask) {
		if (vipi_post(cpu, VIPI_CLASS_CALL_FUNC, ring))
			continue;
		this_cpu_inc(vipi_stats.fallbacks);
		vipi_native.send_call_func_ipi(cpumask_of(cpu));
	}
}

void kick_cpu_async(int cpu)
{
	preempt_disable();
	vipi_send_call_func_single(cpu);
	preempt_enable();
}
EXPORT_SYMBOL_GPL(kick_cpu_async);

void vipi_native_call_func_single(int cpu)
{
	vipi_native.send_call_func_single_ipi(cpu);
}
EXPORT_SYMBOL_GPL(vipi_native_call_func_single);

void vipi_send_native(int cpu, u32 classes)
{
	if (classes & VIPI_CLASS_CALL_FUNC_SINGLE)
		vipi_native.send_call_func_single_ipi(cpu);
	if (classes & VIPI_CLASS_RESCHEDULE)
		vipi_native_reschedule(cpu);
	if (classes & VIPI_CLASS_CALL_FUNC)
		vipi_native.send_call_func_ipi(cpumask_of(cpu));
}

bool vipi_took_over(void)
{
	return vipi_owns_smp_ops;
}

void vipi_takeover(void)
{
	vipi_native = smp_ops;
	if (!takeover)
		return;
	WRITE_ONCE(smp_ops.send_call_func_single_ipi, vipi_send_call_func_single);
	WRITE_ONCE(smp_ops.smp_send_reschedule, vipi_send_reschedule);
	WRITE_ONCE(smp_ops.send_call_func_ipi, vipi_send_call_func);
	vipi_owns_smp_ops = true;
}

void vipi_giveback(void)
{
	if (!vipi_owns_smp_ops)
		return;
	WRITE_ONCE(smp_ops.send_call_func_single_ipi, vipi_native.send_call_func_single_ipi);
	WRITE_ONCE(smp_ops.smp_send_reschedule, vipi_native.smp_send_reschedule);
	WRITE_ONCE(smp_ops.send_call_func_ipi, vipi_native.send_call_func_ipi);
	vipi_owns_smp_ops = false;
	/* Callers run with preemption off: after this none is inside our code. */
	synchronize_rcu();
}
