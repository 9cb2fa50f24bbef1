/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi_bench.ko: what its files share. It builds on vipi.ko's exports
 * (vipi_api.h).
 */
#ifndef _VIPI_GUEST_BENCH_H
#define _VIPI_GUEST_BENCH_H

#include <linux/types.h>

/* How a kick travels, for the microbenchmark. */
enum kick_mode {
	KICK_MODE_VIPI,	    /* the device, adaptive doorbell */
	KICK_MODE_DOORBELL, /* the device, ringing every time */
	KICK_MODE_NATIVE,   /* the saved smp_ops path: an x2APIC ICR write */
	KICK_MODE_PV,	    /* KVM_HC_SEND_IPI hypercall */
	KICK_MODE_AUTO,	    /* kick_cpu_async(): the device, else native */
};

/* MODE's name ("vipi", "doorbell", ...). */
const char *kick_mode_name(enum kick_mode mode);
/* The mode named NAME: 0, -EINVAL for no such mode, -ENODEV if unavailable. */
int kick_mode_parse(const char *name, enum kick_mode *mode);
/* Sends one call-function-single kick to CPU by MODE; false if MODE is unavailable. */
bool kick_mode_send(int cpu, enum kick_mode mode);

#endif
