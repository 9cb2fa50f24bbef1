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
int cmd_watch(int argc, char **argv);
int cmd_lab_guest(int argc, char **argv);

/*
 * `vipi run`'s command line (ARGV[0] = "run") parsed and checked as cmd_run()
 * does, without opening or booting anything and without --help (for the
 * fuzz target). Returns 0 or VIPI_EXIT_USAGE after one error line.
 */
int run_check_args(int argc, char **argv);

/*
 * GOption entries, one line each (kvmtool's OPT_STRING()/OPT_BOOLEAN()):
 * CLI_OPT_STRING keeps the value as typed in *VAR (a char *, g_free) for
 * the command's own checks (cli_uint(), cli_onoff(), cli_exits()),
 * CLI_OPT_FILE keeps a path, CLI_OPT_FLAG sets a gboolean.
 */
#define CLI_OPT_STRING(name, var, help, arg)                                                       \
	{                                                                                          \
		name, 0, 0, G_OPTION_ARG_STRING, var, help, arg                                    \
	}
#define CLI_OPT_FILE(name, var, help, arg)                                                         \
	{                                                                                          \
		name, 0, 0, G_OPTION_ARG_FILENAME, var, help, arg                                  \
	}
#define CLI_OPT_FLAG(name, var, help)                                                              \
	{                                                                                          \
		name, 0, 0, G_OPTION_ARG_NONE, var, help, NULL                                     \
	}
#define CLI_OPT_END                                                                                \
	{                                                                                          \
		NULL                                                                               \
	}

/*
 * Parses ARGV with CTX (GOption) up to a "--"; what follows it is the guest
 * command, returned in *cmd (NULL-terminated, NULL when absent). Prints one
 * line and returns false on a bad option.
 */
bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, char ***cmd);

/* Parses an unsigned in [min, max]; one error line naming OPT otherwise. */
bool cli_uint(const char *opt, const char *s, unsigned int min, unsigned int max,
	      unsigned int *out);

/*
 * --disable-exits DISABLE and --halt-poll-ns HALT_POLL_NS as typed (NULL:
 * not given) into *OUT; false after one line naming the bad one.
 */
struct exits_config;
bool cli_exits(const char *disable, const char *halt_poll_ns, struct exits_config *out);

/* "on" or "off" for OPT into *OUT; S NULL (not given) leaves *OUT. One error line otherwise. */
bool cli_onoff(const char *opt, const char *s, bool *out);

/*
 * Where this command's guests run under --lab MODE (lab_place()): 0 with
 * *IN_LAB set, or the exit status after one line on why they cannot run
 * at all. *WHY (g_free) says why the lab was chosen.
 */
int cli_place(enum lab_mode mode, bool *in_lab, char **why);

/*
 * --guest-kernel NAME (boot/kernels.h): 0 with *DIR (g_free) its directory,
 * or the exit status after the line on why not.
 */
int cli_guest_kernel(const char *name, char **dir);

/*
 * --kernel BZIMAGE --kdir KDIR (boot/kernels.h, kernels_build()): the same,
 * for a kernel the user built; NOHZ for the nohz suite's needs.
 */
int cli_kdir(const char *bzimage, const char *kdir, bool nohz, char **dir);

/*
 * Sets the value of --OPT in ARGV (owned strings, before any "--"), either
 * form (--OPT V, --OPT=V), to VALUE: what the re-execution in the lab gets.
 */
void cli_argv_set(char **argv, const char *opt, const char *value);

/*
 * Runs ARGV in a lab machine (lab_run()), or this very program again as
 * "vipi SUBCMD ARGS..." for `vipi run` and `vipi bench` where lab_place()
 * chose the lab: vipi's exit status, the command's own where it ran.
 */
int cli_lab_run(const struct lab_config *cfg, char *const argv[]);
int cli_lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv);

#endif
