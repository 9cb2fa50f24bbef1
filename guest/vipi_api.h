/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vipi.ko exports (EXPORT_SYMBOL_GPL) to other modules: the bench's
 * vipi_bench.ko builds on these, vipi_stress.ko takes kick_cpu_async() with
 * symbol_get(). The product's own files use guest/vipi.h.
 */
#ifndef _VIPI_API_H
#define _VIPI_API_H

#include <linux/kobject.h>
#include <linux/types.h>

/* Run a void interrupt on CPU: its call-function-single vector (0xfb). */
void kick_cpu_async(int cpu);

/*
 * Posts CLASS (a VIPI_CLASS_* bit) for CPU through the device, ringing the
 * doorbell always if RING, else only when the poller sleeps. False when the
 * device cannot carry it (none bound, or CPU beyond the mailbox): nothing
 * was sent. Callers have preemption disabled.
 */
bool vipi_post(int cpu, u32 class, bool ring);

/* Whether a device is bound: vipi_post() can carry kicks. */
bool vipi_bound(void);

/*
 * A call-function-single IPI to CPU by the smp_ops found at load: the
 * native path (an x2APIC ICR write, or whatever the kernel had installed).
 * Callers have preemption disabled.
 */
void vipi_native_call_func_single(int cpu);

/* Asks the VMM to snapshot KVM's per-vCPU stats under LABEL; false without a device. */
bool vipi_phase_mark(u32 label);

struct vipi_stats {
	unsigned long kicks;
	unsigned long coalesced;
	unsigned long doorbells;
	unsigned long fallbacks;
};

/* The counters since load, summed over CPUs. */
void vipi_stats_sum(struct vipi_stats *sum);

/*
 * This CPU's merge count (posts that found their bit already set): with
 * interrupts off around a post, its change is that post's merge alone.
 */
unsigned long vipi_this_cpu_coalesced(void);

/* /sys/kernel/vipi: where the bench adds its files. */
struct kobject *vipi_sysfs_kobj(void);

#endif
