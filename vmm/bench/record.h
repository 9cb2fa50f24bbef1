/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every bench report is made of, and the one set of writers both
 * reports (report.h: the ipi and boot suites; nohz.h) use: a head (the host
 * record, the command, whether the run was cut short) and records described
 * by field tables, so that each JSON member and CSV column is named once and
 * written by one function. docs/measuring.md and docs/nohz.md document the
 * names. Files are written to a temporary name and renamed, so that a
 * reader never sees half a report.
 */
#ifndef VIPI_BENCH_RECORD_H
#define VIPI_BENCH_RECORD_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/host.h"

struct bench_head {
	struct bench_host host;
	char *command;	    /* the command line that produced the report */
	bool partial;	    /* the run was cut short */
	char *guest_kernel; /* the guests' kernel release (the kit's version file) */
};

/* Probes the host, copies COMMAND and reads KIT_DIR's kernel release. */
void bench_head_init(struct bench_head *h, const char *command, const char *kit_dir);
void bench_head_clear(struct bench_head *h);

enum bench_type {
	BENCH_STR,   /* char *, one of our own names: JSON string or null, CSV as it is */
	BENCH_TEXT,  /* char *, free text: JSON string or null, CSV quoted ('" and newline as ') */
	BENCH_NUM,   /* double, NAN when missing: JSON number or null, CSV "%.6g" or empty */
	BENCH_UINT,  /* unsigned int: JSON number, CSV "%u" */
	BENCH_U64,   /* uint64_t: JSON integer, CSV decimal */
	BENCH_BOOL,  /* bool: JSON boolean, CSV true or false */
	BENCH_STATS, /* GHashTable * (name -> double *): JSON object with sorted keys, no CSV */
};

/* One member of a record: its JSON and CSV name. A table ends with a NULL name. */
struct bench_field {
	const char *name;
	enum bench_type type;
	size_t offset;
};

#define BENCH_FIELD(type_, st, member, name_)                                                      \
	{                                                                                          \
		name_, type_, offsetof(st, member)                                                 \
	}
#define BENCH_FIELDS_END                                                                           \
	{                                                                                          \
		NULL, BENCH_STR, 0                                                                 \
	}

/* A name -> double * table for a BENCH_STATS field, and one entry of it. */
GHashTable *bench_stats_new(void);
void bench_stats_set(GHashTable *stats, const char *name, double value);

/* Starts a document: { KEY: VALUE, "command", "partial", "host": { ... }, ... */
JsonBuilder *bench_json_begin(const char *key, const char *value, const struct bench_head *h);
/* Member NAME (NULL: the next array element): an object of REC's FIELDS. */
void bench_json_object(JsonBuilder *b, const char *name, const void *rec,
		       const struct bench_field *fields);
/* Member NAME: an array with an object per record of RECS. */
void bench_json_array(JsonBuilder *b, const char *name, GPtrArray *recs,
		      const struct bench_field *fields);
/* Ends the document: its text, pretty-printed. Takes B. */
char *bench_json_end(JsonBuilder *b);

/* FIELDS' CSV column names, comma-separated. */
void bench_csv_head(GString *s, const struct bench_field *fields);
/* REC's CSV fields, comma-separated. */
void bench_csv_line(GString *s, const void *rec, const struct bench_field *fields);
/* V as one CSV field ("%.6g", empty when NAN). */
void bench_csv_num(GString *s, double v);

/* "%.*f" of V into BUF, or "-" for a missing (NAN) figure; returns BUF. */
const char *bench_fmt_num(char *buf, size_t len, double v, int prec);
/* The guests' kernel, one line under the table's head line. */
void bench_print_guest(FILE *f, const struct bench_head *h);

/* The table's last line when H is partial. */
void bench_print_partial(FILE *f, const struct bench_head *h);

/* Writes TEXT to PATH through a temporary file and a rename: 0, or -errno after one line. */
int bench_save(const char *path, const char *text);
/*
 * Saves TEXT[i] at PATH[i] for each non-NULL PATH[i] (its TEXT may be NULL
 * where its PATH is) and frees every TEXT[i]: 0, or the first failure's -errno.
 */
int bench_save_all(const char *const *path, char **text, size_t n);

#endif
