/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One watch, from the target to the summary and the files (session.c); the
 * options and the exit status are vmm/cli/watch.c's.
 */
#ifndef VIPI_WATCH_SESSION_H
#define VIPI_WATCH_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

struct watch_config {
	char *domain;	      /* --domain NAME|UUID, or NULL */
	char *uri;	      /* --connect URI, or NULL (libvirt's default) */
	pid_t pid;	      /* --pid, or 0 */
	double interval_s;    /* --interval */
	unsigned int seconds; /* --seconds; 0: until a signal */
	char *json, *csv, *costs;
	bool advise;
	bool live; /* refresh in place: stdout is a terminal */
};

enum watch_end {
	WATCH_END_SECONDS, /* --seconds elapsed */
	WATCH_END_SIGINT,
	WATCH_END_SIGTERM,
	WATCH_END_VM, /* the VM ended mid-watch */
};

/*
 * Watches until the end; the summary goes to stdout, the files are
 * written. 0 with *END, or -errno after one line: -ENOENT no such domain
 * (or --costs file), -ESRCH not running / no such process, -ENODEV not a
 * KVM VM, -ENOTCONN no libvirt, -EACCES no permission (tracefs, /proc),
 * -EINVAL a bad --costs file, -EIO an output file, -EPROTO tracefs reads.
 */
int watch_run(const struct watch_config *cfg, enum watch_end *end);

#endif
