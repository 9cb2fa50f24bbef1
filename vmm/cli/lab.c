// SPDX-License-Identifier: GPL-2.0-only
/* vipi lab [--cpus N] [--mem MiB] [--timeout S] -- CMD [ARGS...] */
#include "cli/cli.h"
#include "kvm/hostkvm.h"
#include "lab/lab.h"
#include "util/log.h"
#include "cli/status.h"

int cmd_lab(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("-- CMD [ARGS...]");
	g_autofree char *cpus = NULL, *mem = NULL, *timeout = NULL, *kit = NULL;
	gboolean quiet = FALSE;
	g_autofree char *why = NULL;
	struct lab_config cfg;
	char **cmd;
	GOptionEntry entries[] = {
		{ "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus, "emulated CPUs (default 2)", "N" },
		{ "mem", 0, 0, G_OPTION_ARG_STRING, &mem, "RAM in MiB (default 2048)", "MiB" },
		{ "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout, "give up after S seconds", "S" },
		{ "kit", 0, 0, G_OPTION_ARG_FILENAME, &kit, "guest kit directory", "DIR" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no note about emulated timing",
		  NULL },
		{ NULL }
	};

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(
		ctx, "Runs CMD on a machine with a /dev/kvm that runs PC guests: this host\n"
		     "if its own does, else a QEMU TCG machine with nested SVM and the\n"
		     "host's files (exit counts there are exact, timings emulated).");
	lab_config_init(&cfg);
	if (!cli_parse(ctx, &argc, &argv, &cmd))
		return VIPI_EXIT_USAGE;
	if (!cmd) {
		pr_err("lab: no command given (vipi lab -- CMD [ARGS...])");
		return VIPI_EXIT_USAGE;
	}
	if (cpus && !cli_uint("--cpus", cpus, 1, LAB_MAX_CPUS, &cfg.cpus))
		return VIPI_EXIT_USAGE;
	if (mem && !cli_uint("--mem", mem, LAB_MIN_MEM_MIB, LAB_MAX_MEM_MIB, &cfg.mem_mib))
		return VIPI_EXIT_USAGE;
	if (timeout && !cli_uint("--timeout", timeout, 1, 7 * 24 * 3600, &cfg.timeout_s))
		return VIPI_EXIT_USAGE;
	if (kit)
		cfg.kit_dir = kit;
	cfg.quiet = quiet;
	/* Inside a lab machine the command stays there: one lab, not two. */
	if (lab_machine() || hostkvm_check(&why) == HOSTKVM_USABLE)
		return lab_run_here(cmd);
	cfg.why = why;
	return lab_run(&cfg, cmd);
}

int cmd_lab_guest(int argc, char **argv)
{
	if (argc != 2) {
		pr_err("lab-guest is internal to 'vipi lab'");
		return VIPI_EXIT_USAGE;
	}
	return lab_guest_main(argv[1]);
}
