/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vipi run` as a child of the bench: started with its output in files of
 * the work directory, watched for progress lines, stopped on the bench's
 * stop flag or deadline (SIGTERM first, so that it still writes --stats),
 * and its --stats snapshots read back as per-vCPU counter tables.
 */
#ifndef VIPI_BENCH_VRUN_H
#define VIPI_BENCH_VRUN_H

#include <glib.h>
#include <stdbool.h>

#include "bench/suite.h"

struct vrun {
	const struct bench_opts *o;
	const char *tag;	     /* "vipi", "nohz": prefixes progress lines */
	const char *const *progress; /* guest output line prefixes shown as progress */
	char *out, *err, *stats;     /* files in the work directory */
	GPid pid;
	int status;
	bool exited;
	goffset seen; /* bytes of OUT already shown as progress */
};

/* Names the files WORKDIR/TAG.out, TAG.err, TAG-stats.json. */
void vrun_init(struct vrun *run, const struct bench_opts *o, const char *tag,
	       const char *const *progress);
void vrun_clear(struct vrun *run);
/* The bench's own binary, for `vipi run --lab=never ...`. */
char *vrun_self(void);
/* Starts ARGV with its output in the files: 0 or -errno (after one error line). */
int vrun_spawn(struct vrun *run, char **argv);
/* Waits for it to end; on the stop flag or past the deadline, stops it. */
void vrun_wait(struct vrun *run);
/* True when it exited with status 0. */
bool vrun_ok(const struct vrun *run);
/* The lines of PATH, one of its output files; none when it cannot be read. */
char **vrun_lines(const char *path);
/* The last 300 bytes of its stderr, for one error line. */
char *vrun_err_tail(const struct vrun *run);
/* "LABEL" -> GPtrArray of per-vCPU GHashTable (name -> guint64 *). */
GHashTable *vrun_snapshots(const struct vrun *run);
/*
 * The device's own figures at each phase mark, from vipi run's stderr at
 * PATH, lines VIPI_PHASE_LINE_PREFIX "N: k=v ...": label N -> (k -> value
 * as a string).
 */
GHashTable *vrun_dev_marks(const char *path);
/* NAME at mark LABEL+1 minus at LABEL in MARKS; NAN when the log lacks either. */
double vrun_mark_delta(GHashTable *marks, unsigned long label, const char *name);

#endif
