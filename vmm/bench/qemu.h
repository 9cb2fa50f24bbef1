/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The QEMU/KVM baseline and what both VMM drivers share: the bench's guest
 * initramfs (kit kernel, vipi.ko, vmm/bench/guest-bench.sh as /init) and
 * the options of one suite run.
 */
#ifndef VIPI_BENCH_QEMU_H
#define VIPI_BENCH_QEMU_H

#include <signal.h>
#include <stdbool.h>

#include "bench/report.h"

struct bench_opts {
	const char *kit_dir;
	const char *workdir; /* a private temporary directory */
	unsigned int kicks;
	unsigned int roundtrips; /* after each phase, outside its marks */
	char **methods;
	char **scenarios;
	unsigned int timeout_s;	     /* per guest run */
	bool trace_exits;	     /* vipi rows: exits by reason (vipi run --trace-exits) */
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
};

#define BENCH_VCPUS	2
#define BENCH_GUEST_MIB 512

/* WORKDIR/NAME: the kit's initramfs with INIT (a script in vmm/bench/) as /init. */
char *bench_initramfs(const struct bench_opts *o, const char *name, const char *init);

/*
 * Runs the QEMU/KVM rows of every method in O that QEMU can do (native,
 * kvm-pv) and adds them to R. False when the run failed or was stopped;
 * rows collected so far stay in R.
 */
bool qemu_bench_ipi(const struct bench_opts *o, struct bench_report *r);

/* The QEMU command line shared with the boot suite; EXTRA_APPEND may be NULL. */
char **qemu_argv(const struct bench_opts *o, const char *initrd, const char *extra_append,
		 bool handshake);

/*
 * The boot suite's watchdog (util/life.h) for a QEMU started with
 * qemu_argv(): false, with *WHY (g_free), when its guest has made no port
 * I/O or MMIO exit yet, asked over QMP. True when QEMU is ending.
 */
bool qemu_boot_alive(const struct bench_opts *o, char **why);

#endif
