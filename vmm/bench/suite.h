/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the bench's suites share: the options of one run, the guest they
 * boot and the files they read from vmm/bench/. Every function of vmm/bench
 * that can fail returns 0 or -errno, after one error line where the user
 * must see why; vmm/cli/bench.c alone turns that into an exit status.
 */
#ifndef VIPI_BENCH_SUITE_H
#define VIPI_BENCH_SUITE_H

#include <glib.h>
#include <signal.h>
#include <stdbool.h>

struct bench_opts {
	const char *kit_dir;
	const char *workdir; /* a private temporary directory */
	unsigned int kicks;
	unsigned int roundtrips; /* after each phase, outside its marks */
	char **methods;
	char **scenarios;
	unsigned int timeout_s;	     /* per guest run */
	bool trace_exits;	     /* every row: exits by reason (tracefs) */
	int vipi_spin_us;	     /* the vipi rows' --vipi-spin-us; -1: vipi run's default */
	int vipi_poller_cpu;	     /* the vipi rows' --vipi-poller-cpu; -1: not pinned */
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
};

#define BENCH_VCPUS	2
#define BENCH_GUEST_MIB 512

/*
 * Writes WORKDIR/NAME, the kit's initramfs with INIT (a script in
 * vmm/bench/) as /init, and puts its path in *PATH (initramfs.c).
 */
int bench_initramfs(const struct bench_opts *o, const char *name, const char *init, char **path);

/* Reads vmm/bench/NAME (a guest script) into *TEXT. */
int bench_script(const char *name, char **text);

/* -errno for a GLib error: the errno behind a GFileError, GIOErrorEnum or GSpawnError, else EIO. */
int bench_errno(const GError *err);

#endif
