/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lab's interactive console (lab_config.console): the host terminal's
 * keys reach the command in the lab machine through QEMU's second UART,
 * the machine's ttyS1, fed from the FIFO JOBDIR/console.in (QEMU's "pipe"
 * chardev). Output still comes back through the job's files.
 */
#ifndef VIPI_LAB_CONSOLE_H
#define VIPI_LAB_CONSOLE_H

#include <stdbool.h>

#include "util/tty.h"

struct lab_console {
	int in_fd;  /* JOBDIR/console.in: our keys, QEMU reads them */
	int out_fd; /* JOBDIR/console.out: what ttyS1 sends back, dropped */
	bool stdin_open;
	bool started; /* the command started: keys go through */
	struct tty_raw tty;
};

/* The FIFOs in JOBDIR; 0 or -errno after one line. */
int lab_console_create(struct lab_console *c, const char *jobdir);
/* The QEMU options that wire ttyS1 to them (g_strfreev). */
char **lab_console_qemu_args(const char *jobdir);
/*
 * Waits up to MS milliseconds for keys and passes them on. Before the
 * command STARTED, keys wait in the terminal, which stays as it was (^C
 * still stops a machine stuck in its boot); from then on it is raw.
 */
void lab_console_pump(struct lab_console *c, bool started, int ms);
/* Restores the terminal, closes the FIFOs (lab_job_destroy() removes them). */
void lab_console_destroy(struct lab_console *c);

#endif
