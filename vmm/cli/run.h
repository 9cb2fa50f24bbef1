/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `vipi run` inside vmm/cli, one concern a file:
 *   run.c          parse -> init -> work -> exit, the bring-up table, the lab
 *   run_options.c  the command line into struct vipi_config
 *   run_shares.c   --rootfs and --rwdir into the config's shares, checked
 *   run_loop.c     the main loop: signals, the boot watchdog, --timeout
 *   run_console.c  the interactive console: the terminal and its input
 *   run_outcome.c  how the run ended -> exit status, summary, --stats
 */
#ifndef VIPI_CLI_RUN_H
#define VIPI_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/tty.h"
#include "util/vipi_config.h"

struct vm;
struct devices;

struct run {
	struct vipi_config cfg;
	struct vm *vm;
	struct devices *dev;
	size_t nr_up;	    /* bring-up steps done (run.c) */
	int sig_fd;	    /* SIGINT/SIGTERM/SIGHUP (run_loop.c) */
	struct tty_raw tty; /* stdin's terminal, raw while the guest runs (run_console.c) */
};

/* run_options.c: the whole command line, checked: 0 or VIPI_EXIT_USAGE after one line. */
int run_options_parse(int *argc, char ***argv, struct vipi_config *c, bool help);
void run_config_clear(struct vipi_config *c);

/* run_shares.c: the shares as typed into C (false after one line), then on the host. */
bool run_shares_config(struct vipi_config *c, const char *rootfs, char **rwdirs);
void run_shares_clear(struct vipi_config *c);
/* Each a directory (writable for --rwdir), virtiofsd there: 0 or -errno after one line. */
int run_shares_check(const struct vipi_config *c);

/* run_loop.c */
int run_signals_init(struct run *r);
void run_signals_exit(struct run *r);
/* Waits for the end: a device's request, a signal, the boot watchdog or --timeout. */
void run_wait(struct run *r);

/* run_console.c: without a command, keys go to the guest as typed, ^C included. */
void run_console_open(struct run *r);
void run_console_close(struct run *r);
/* Moves what stdin has into the console, as much as it takes; *OPEN false at EOF. */
void run_console_input(struct run *r, bool *open);

/* run_outcome.c: vipi's exit status for the ended run, after its lines and report. */
int run_outcome(struct run *r);

#endif
