/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ipi and boot suites' report: one row per VMM x method x scenario, the
 * boot suite's wall times and the head (record.h), written as an aligned
 * table and as JSON, CSV and SVG. A run cut short is marked "partial".
 */
#ifndef VIPI_BENCH_REPORT_H
#define VIPI_BENCH_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/record.h"

/* Missing figures are NAN: JSON null, an empty CSV field, "-" in the table. */
struct bench_row {
	char *vmm;	/* "vipi" or "qemu" */
	char *method;	/* native, kvm-pv, vipi-doorbell, vipi */
	char *scenario; /* busy or idle */
	uint64_t kicks;
	uint64_t lost;
	/*
	 * Kicks that had an interrupt of their own (paced; flood: the target's
	 * interrupts less the kernel's IPIs to it), and kicks merged into one
	 * already pending, where counted (mailbox, a kernel IPI, KVM_SIGNAL_MSI).
	 */
	uint64_t delivered;
	uint64_t coalesced;
	/*
	 * The target's call-function interrupts over the stream, the kernel's
	 * own IPIs to it, and the paced kicks that shared an interrupt with
	 * one of those (part of coalesced).
	 */
	uint64_t target_interrupts;
	uint64_t kernel_ipis;
	uint64_t coalesced_kernel;
	double sender_exits_per_kick;
	double receiver_exits_per_kick;
	double sender_exits_per_delivered;
	double receiver_exits_per_delivered;
	double userspace_exits_per_kick;
	double sender_cycles_per_kick;
	double roundtrip_cycles;
	/*
	 * The round trip split (guest TSC cycles, means): the send itself; from
	 * the kick until the target's thread is back from the handler (busy
	 * and flood only); doorbells rung per round trip.
	 */
	double roundtrip_post_cycles;
	double roundtrip_handler_cycles;
	double roundtrip_doorbells;
	/* vipi rows, between the marks LABEL+2 and LABEL+3: per round trip. */
	double roundtrip_sender_exits;
	double roundtrip_receiver_exits;
	double roundtrip_poller_wakeups;
	double kicks_per_second;
	double deliveries_per_second;
	double poller_cpu_seconds;
	double poller_cpu_per_s; /* the poller's CPU seconds per second of the phase */
	/*
	 * The IPI rate above which the exits this row saves against its VMM's
	 * native row (same scenario), at breakeven_exit_ns each, pay for the
	 * poller's CPU per second (cost.c); breakeven_basis says where the
	 * per-exit cost came from ("on paper: ..." or "measured: ...").
	 */
	double exits_saved_per_kick;
	double breakeven_exit_ns;
	double breakeven_ipi_per_s;
	char *breakeven_basis;
	/* Raw per-vCPU stat deltas over the phase (name -> count), may be empty. */
	GHashTable *sender_stats;
	GHashTable *receiver_stats;
	/* KVM exit reason -> exits per kick on the sender, where tracefs had them. */
	GHashTable *sender_exit_reasons;
	bool partial;
	char *note; /* why a row is partial or what it assumed; may be NULL */
};

struct bench_boot {
	char *vmm;
	double seconds; /* NAN when the boot failed */
	char *note;
};

struct bench_report {
	struct bench_head head;
	GPtrArray *rows; /* struct bench_row * */
	GPtrArray *boot; /* struct bench_boot * */
};

struct bench_row *bench_row_new(const char *vmm, const char *method, const char *scenario);
void bench_row_free(struct bench_row *row);

/* An empty report; its head is for the caller to fill (bench_head_init()). */
void bench_report_init(struct bench_report *r);
void bench_report_clear(struct bench_report *r);
void bench_report_add_boot(struct bench_report *r, const char *vmm, double seconds,
			   const char *note);

/*
 * Where the host's TSC is not its clocksource (host.h), drops every row's
 * roundtrip_handler_cycles (a stamp of another vCPU's TSC) and says why in
 * the row's note.
 */
void bench_report_check_stamps(struct bench_report *r);

/* The aligned table, for a terminal. */
void bench_report_print(const struct bench_report *r, FILE *f);

/* Each returns the document. */
char *bench_report_json(const struct bench_report *r);
char *bench_report_csv(const struct bench_report *r);
char *bench_report_svg(const struct bench_report *r);

/* Writes every non-NULL path: 0, or -errno after one error line on the first failure. */
int bench_report_write(const struct bench_report *r, const char *json, const char *csv,
		       const char *svg);

#endif
