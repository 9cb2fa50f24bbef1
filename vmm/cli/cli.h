/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VIPI_CLI_CLI_H
#define VIPI_CLI_CLI_H

#include <glib.h>
#include <stdbool.h>

#include "lab/lab.h"

/* Each takes argv with argv[0] = its own name and returns vipi's exit status. */
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_lab_guest(int argc, char **argv);

/*
 * `vipi run`'s command line (ARGV[0] = "run") parsed and checked as cmd_run()
 * does, without opening or booting anything and without --help (for the
 * fuzz target). Returns 0 or VIPI_EXIT_USAGE after one error line.
 */
int run_check_args(int argc, char **argv);

/*
 * Parses ARGV with CTX (GOption) up to a "--"; what follows it is the guest
 * command, returned in *cmd (NULL-terminated, NULL when absent). Prints one
 * line and returns false on a bad option.
 */
bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, char ***cmd);

/* Parses an unsigned in [min, max]; one error line naming OPT otherwise. */
bool cli_uint(const char *opt, const char *s, unsigned int min, unsigned int max,
	      unsigned int *out);

/* "on" or "off" for OPT into *OUT; S NULL (not given) leaves *OUT. One error line otherwise. */
bool cli_onoff(const char *opt, const char *s, bool *out);

/*
 * Where this command's guests run under --lab MODE (lab_place()): 0 with
 * *IN_LAB set, or the exit status after one line on why they cannot run
 * at all. *WHY (g_free) says why the lab was chosen.
 */
int cli_place(enum lab_mode mode, bool *in_lab, char **why);

/*
 * Runs ARGV in a lab machine (lab_run()), or this very program again as
 * "vipi SUBCMD ARGS..." for `vipi run` and `vipi bench` where lab_place()
 * chose the lab: vipi's exit status, the command's own where it ran.
 */
int cli_lab_run(const struct lab_config *cfg, char *const argv[]);
int cli_lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv);
/* cli_lab_reexec() under its old name, for vmm/cli/bench.c until it calls that. */
int lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv);

#endif
