/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vipi bench --suite nohz`: a guest with nohz_full on every vCPU but the
 * first, a busy user task pinned to each isolated vCPU, and vipi_nohz.ko
 * on the housekeeping vCPU making the events that kick isolated CPUs (tick
 * dependencies, remote calls, wakeups). Per configuration (vipi.ko absent,
 * takeover off, takeover on; exits disabled or not) it reports, per
 * isolated vCPU per second, exits, local timer interrupts, kicks delivered
 * and the busy task's lost CPU time, and what the housekeeping vCPU paid in
 * exits to send each kick (a load window minus a dry one).
 */
#ifndef VIPI_BENCH_NOHZ_H
#define VIPI_BENCH_NOHZ_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/record.h"
#include "bench/suite.h"

#define NOHZ_VCPUS	     2
#define NOHZ_DEFAULT_SECONDS 4
#define NOHZ_DEFAULT_RATE    300
#define NOHZ_POLLER_SPIN_US  1000000 /* takeover on: the poller stays awake */

struct nohz_args {
	unsigned int seconds, rate;
	const char *disable_exits; /* the "exits disabled" configuration, e.g. "hlt" */
	const char *halt_poll_ns;  /* NULL: KVM's default */
};

/* One isolated vCPU in one load window. NAN where a figure is missing. */
struct nohz_row {
	char *exits;  /* "none" or the disabled list */
	char *config; /* absent, takeover-off, takeover-on */
	unsigned int cpu;
	double window_s;
	double exits_per_s;
	GHashTable *exits_by_kind; /* KVM stat name -> per second */
	double local_timer_per_s;
	double kicks_per_s;	  /* CAL + RES interrupts delivered */
	double lost_cpu_ms_per_s; /* the busy task's time off the CPU */
};

/* The housekeeping vCPU in one configuration. */
struct nohz_hk {
	char *exits, *config;
	double events;	   /* generator events sent in the load window */
	double kicks;	   /* delivered on isolated CPUs: load minus dry */
	double icr_writes; /* x2APIC ICR write exits: load minus dry (tracefs) */
	double hypercalls; /* PV IPI hypercalls */
	double pio;	   /* PIO exits (vipi doorbells) */
	/* NOHZ_SEND_BY_PATH: send_exits is the sum of the three above; else NOHZ_SEND_ALL */
	const char *send_method;
	double send_exits; /* NOHZ_SEND_ALL: all its exits, load minus dry */
	double send_exits_per_kick;
	double reduction; /* 1 - this / absent's, same exits setting */
	bool lost;	  /* a remote call never ran */
	/*
	 * The cost side (docs/nohz.md): the poller's CPU seconds per second of
	 * the load window, and the kick rate at which the send exits saved
	 * against absent, at breakeven_exit_ns each, equal it.
	 */
	double poller_cpu_per_s;
	double exits_saved_per_kick;
	double breakeven_exit_ns;
	double breakeven_kicks_per_s;
	const char *breakeven_basis; /* static text */
};

#define NOHZ_SEND_BY_PATH "icr_writes+hypercalls+pio"
#define NOHZ_SEND_ALL	  "all_exits_difference"

struct nohz_report {
	struct bench_head head;
	struct nohz_args args;
	GPtrArray *rows; /* struct nohz_row * */
	GPtrArray *hk;	 /* struct nohz_hk * */
};

/* An empty report; its head is for the caller to fill (bench_head_init()). */
void nohz_report_init(struct nohz_report *r);
void nohz_report_clear(struct nohz_report *r);
void nohz_report_print(const struct nohz_report *r, FILE *f);
char *nohz_report_json(const struct nohz_report *r);
char *nohz_report_csv(const struct nohz_report *r);
char *nohz_report_svg(const struct nohz_report *r);
/* Writes every non-NULL path: 0, or -errno after one error line on the first failure. */
int nohz_report_write(const struct nohz_report *r, const char *json, const char *csv,
		      const char *svg);

/* Runs every configuration: 0, or -errno when a guest failed or the run was stopped. */
int bench_nohz(const struct bench_opts *o, struct nohz_report *r);

#endif
