/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vipi bench` inside vmm/cli:
 *   bench.c          the signals, the lab, the suites in order, the exit status
 *   bench_options.c  the command line into a struct bench_plan
 */
#ifndef VIPI_CLI_BENCH_H
#define VIPI_CLI_BENCH_H

#include <signal.h>
#include <stdbool.h>

#include <glib.h>

#include "bench/ipi.h"
#include "bench/nohz.h"

struct bench_args {
	char *json, *csv, *svg, *kicks, *roundtrips, *methods, *scenarios, *vmm, *suite, *lab;
	char *timeout, *guest_kernel, *kernel, *kdir, *vipi_spin_us, *vipi_poller_cpu, *lab_cpus;
	char *seconds, *rate, *disable_exits, *halt_poll_ns; /* the nohz suite */
	gboolean no_trace_exits;
};

struct bench_plan {
	struct bench_opts o;
	GStrv vmms;
	char *guest_kit; /* --guest-kernel's directory; NULL: the kit */
	bool ipi, boot, nohz;
	unsigned int lab_cpus;
	struct nohz_args nohz_args;
};

bool bench_parse(int *argc, char ***argv, struct bench_args *a);
void bench_args_clear(struct bench_args *a);
/* Fills P from A; STOP is what a signal sets to end the runs early. */
bool bench_plan(struct bench_args *a, struct bench_plan *p, volatile sig_atomic_t *stop);
void bench_plan_clear(struct bench_plan *p);

#endif
