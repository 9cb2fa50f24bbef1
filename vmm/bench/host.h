/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host record every report carries, so that a reader knows what kind
 * of figures they hold: exit counts are exact everywhere, but timings in
 * the lab (QEMU TCG with nested KVM) are emulated.
 */
#ifndef VIPI_BENCH_HOST_H
#define VIPI_BENCH_HOST_H

#include <stdbool.h>

struct bench_host {
	char *kvm;	 /* "lab" or "native" */
	char *kernel;	 /* uname -r of the machine that ran KVM */
	char *cpu_model; /* /proc/cpuinfo "model name" */
	unsigned int cpus;
	char *kvm_module; /* "kvm_intel", "kvm_amd" or "none" */
	/* "Y"/"N"/"absent": module parameters as the kernel shows them. */
	char *apicv;
	char *ipiv;
	char *avic;
	char *timing; /* "emulated" in the lab, "real" otherwise */
	/*
	 * The host's clocksource ("unknown" if unread). Not "tsc": the kernel
	 * found its TSC unstable, and KVM then moves each vCPU's TSC offset on
	 * its own (catch-up at vcpu_load), so TSC stamps of two vCPUs of one
	 * guest do not compare.
	 */
	char *clocksource;
};

/* Fills H from this machine; ROOT prefixes /proc and /sys (NULL: "/"). */
void bench_host_probe(struct bench_host *h, const char *root);
void bench_host_clear(struct bench_host *h);

#endif
