// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: a virtual IPI device for KVM guests, its VMM, its bench and its lab.
 * One binary, one subcommand per user job.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli/cli.h"
#include "cli/status.h"

static const struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "boot a Linux guest with N vCPUs and run a command in it" },
	{ "bench", cmd_bench, "measure what a vIPI costs, per method, beside QEMU/KVM" },
	{ "watch", cmd_watch, "the IPI exits of a running KVM VM and what vipi would save" },
	{ "lab", cmd_lab, "run a command on a machine with /dev/kvm (emulated if need be)" },
	/* Internal: the lab machine's side of `vipi lab`. */
	{ "lab-guest", cmd_lab_guest, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vipi COMMAND [OPTIONS] [-- CMD [ARGS...]]\n\ncommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (commands[i].help)
			fprintf(f, "  %-6s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'vipi COMMAND --help' describes each. vipi %s\n", VIPI_VERSION);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return VIPI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vipi %s\n", VIPI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);

	fprintf(stderr, "vipi: unknown command '%s' (try 'vipi --help')\n", argv[1]);
	return VIPI_EXIT_USAGE;
}
