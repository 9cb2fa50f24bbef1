/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A lab job directory, shared by both sides of the lab through 9p:
 *   exe      path of the vipi binary to run as the lab machine's PID 1
 *   argv     the command, NUL-separated
 *   env      the caller's environment, NUL-separated
 *   cwd      the caller's working directory
 *   stdout, stderr   the command's output, appended by the guest side
 *   status   its exit status in decimal, written last (atomically)
 *   signal   a signal number for the command, when the host passes one on
 *   console.log, qemu.log   for diagnostics when something goes wrong
 *   console.in, console.out FIFOs of the interactive console (console.h):
 *            where console.in exists, the command's stdin is ttyS1
 */
#ifndef VIPI_LAB_JOB_H
#define VIPI_LAB_JOB_H

#include <stdbool.h>
#include <sys/types.h>

struct lab_job {
	char *dir;
	int out_fd, err_fd; /* our read ends of stdout and stderr */
	char *look;	    /* its CPUs when a timeout stopped it (monitor.h), or NULL */
};

/* Returns 0 or -errno (after one error line). */
int lab_job_create(struct lab_job *job, char *const argv[]);
/* Copies whatever new output the guest side wrote to our stdout/stderr. */
void lab_job_pump(struct lab_job *job);
bool lab_job_status(struct lab_job *job, int *status);
/* Asks the guest side to send SIG to the command; false when it cannot. */
bool lab_job_signal(struct lab_job *job, int sig);
/* Whether lab-guest has started the command (JOBDIR/started). */
bool lab_job_started(struct lab_job *job);
/* The last non-empty line of one of the job's files, or NULL. */
char *lab_job_tail(struct lab_job *job, const char *name);
void lab_job_destroy(struct lab_job *job);

#endif
