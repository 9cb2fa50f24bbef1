/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi guest module: what its files share. The ABI with the VMM is in
 * <vipi/abi.h>; this header is private to the module.
 */
#ifndef _VIPI_H
#define _VIPI_H

#include <linux/percpu.h>
#include <linux/kobject.h>
#include <linux/types.h>
#include <vipi/abi.h>

/* Run a void interrupt on CPU: its call-function-single vector (0xfb). */
void kick_cpu_async(int cpu);

/* How a kick travels, for the microbenchmark. */
enum vipi_mode {
	VIPI_MODE_VIPI,		/* the device, adaptive doorbell */
	VIPI_MODE_DOORBELL,	/* the device, ringing every time */
	VIPI_MODE_NATIVE,	/* the saved smp_ops path: an x2APIC ICR write */
	VIPI_MODE_PV,		/* KVM_HC_SEND_IPI hypercall */
	VIPI_MODE_AUTO,		/* kick_cpu_async(): the device, else native */
};

struct vipi_stats {
	unsigned long kicks;
	unsigned long coalesced;
	unsigned long doorbells;
	unsigned long fallbacks;
};

DECLARE_PER_CPU(struct vipi_stats, vipi_stats);

void vipi_stats_sum(struct vipi_stats *sum);
/* Sends one call-function-single kick to CPU by MODE; false if MODE is unavailable. */
bool vipi_kick_mode(int cpu, enum vipi_mode mode);
bool vipi_mode_available(enum vipi_mode mode);
/* Asks the VMM to snapshot KVM's per-vCPU stats under LABEL; false without a device. */
bool vipi_phase_mark(u32 label);

int vipi_bench_init(struct kobject *parent);
void vipi_bench_exit(void);

#endif
