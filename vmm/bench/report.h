/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bench report: one row per VMM x method x scenario, the boot suite's
 * wall times and the host record, written as an aligned table and as JSON,
 * CSV and SVG. Every file is written to a temporary name and renamed, so a
 * reader never sees half a report; a run cut short is marked "partial".
 */
#ifndef VIPI_BENCH_REPORT_H
#define VIPI_BENCH_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/host.h"

/* Missing figures are NAN: JSON null, an empty CSV field, "-" in the table. */
struct bench_row {
	char *vmm;	/* "vipi" or "qemu" */
	char *method;	/* native, kvm-pv, vipi-doorbell, vipi */
	char *scenario; /* busy or idle */
	uint64_t kicks;
	uint64_t lost;
	double sender_exits_per_kick;
	double receiver_exits_per_kick;
	double userspace_exits_per_kick;
	double sender_cycles_per_kick;
	double roundtrip_cycles;
	double kicks_per_second;
	double poller_cpu_seconds;
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
	struct bench_host host;
	GPtrArray *rows; /* struct bench_row * */
	GPtrArray *boot; /* struct bench_boot * */
	char *command;	 /* the command line that produced it */
	bool partial;
};

struct bench_row *bench_row_new(const char *vmm, const char *method, const char *scenario);
void bench_row_free(struct bench_row *row);
void bench_row_set_stat(GHashTable *stats, const char *name, double value);

void bench_report_init(struct bench_report *r);
void bench_report_clear(struct bench_report *r);
void bench_report_add_boot(struct bench_report *r, const char *vmm, double seconds,
			   const char *note);

/* The aligned table, for a terminal. */
void bench_report_print(const struct bench_report *r, FILE *f);

/* Each returns the document; the _write forms save it atomically. */
char *bench_report_json(const struct bench_report *r);
char *bench_report_csv(const struct bench_report *r);
char *bench_report_svg(const struct bench_report *r);

/* Pieces the nohz suite's report shares (NAN numbers are JSON null). */
void bench_json_num(JsonBuilder *b, const char *name, double v);
void bench_json_str(JsonBuilder *b, const char *name, const char *v);
/* A name -> double * table as an object with sorted keys (stable diffs). */
void bench_json_table(JsonBuilder *b, const char *name, GHashTable *t);
void bench_json_host(JsonBuilder *b, const struct bench_host *h);
/* "%.*f" of V into BUF, or "-" for a missing (NAN) figure; returns BUF. */
const char *bench_fmt_num(char *buf, size_t len, double v, int prec);
/* V as a CSV field ("%.6g", empty when NAN) followed by a comma. */
void bench_csv_num(GString *s, double v);
/* Writes TEXT to PATH through a temporary file and a rename; one error line. */
bool bench_save(const char *path, const char *text);

/* Writes every non-NULL path; one error line and false on the first failure. */
bool bench_report_write(const struct bench_report *r, const char *json, const char *csv,
			const char *svg);

#endif
