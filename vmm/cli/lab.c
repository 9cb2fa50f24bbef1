// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi lab [--cpus N] [--mem MiB] [--timeout S] -- CMD [ARGS...], the lab's
 * side inside its machine (lab-guest), and the re-execution of `vipi run`
 * and `vipi bench` in the lab: how each ends becomes vipi's exit status here.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/status.h"
#include "kvm/hostkvm.h"
#include "lab/lab.h"
#include "util/log.h"

/* A child's wait status as a shell gives it: its exit status, or 128 + signal. */
static int cli_wait_status(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return WEXITSTATUS(wstatus);
}

/* How a lab machine ended (lab.h) -> vipi's exit status. */
static int cli_lab_status(const struct lab_result *res)
{
	switch (res->end) {
	case LAB_END_EXITED:
		return res->status;
	case LAB_END_NOQEMU:
		return VIPI_EXIT_UNAVAILABLE;
	case LAB_END_NOSPAWN:
		return VIPI_EXIT_OSERR;
	case LAB_END_TIMEOUT:
		return VIPI_EXIT_TIMEOUT;
	case LAB_END_SIGNAL:
		return cli_signal_status(res->signal);
	case LAB_END_NOSTART:
	case LAB_END_NOSTATUS:
	default:
		return VIPI_EXIT_GUEST_CRASH;
	}
}

int cli_lab_run(const struct lab_config *cfg, char *const argv[])
{
	struct lab_result res;
	int r = lab_run(cfg, argv, &res);

	/* Before the machine: no QEMU or kit (-ENOPKG), or the job directory. */
	return r ? cli_status(CLI_STAGE_OUTPUT, r) : cli_lab_status(&res);
}

int cli_lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv)
{
	g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

	if (!self) {
		pr_err("cannot find this program's path in /proc/self/exe");
		return VIPI_EXIT_OSERR;
	}
	/*
	 * The arguments go in unchanged, --lab among them: inside, the lab
	 * machine's environment (LAB_MACHINE_ENV) makes lab_place() keep the
	 * run there, whatever --lab says, so that it cannot start another.
	 */
	g_ptr_array_add(a, g_strdup(self));
	g_ptr_array_add(a, g_strdup(subcmd));
	for (int i = 1; i < argc; i++)
		g_ptr_array_add(a, g_strdup(argv[i]));
	g_ptr_array_add(a, NULL);
	return cli_lab_run(cfg, (char *const *)a->pdata);
}

/* A host whose /dev/kvm runs PC guests: the command runs here, as it is. */
static int cli_lab_here(char *const argv[])
{
	g_autoptr(GError) err = NULL;
	int wstatus;

	if (!g_spawn_sync(NULL, (char **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
			  NULL, &wstatus, &err)) {
		pr_err("lab: %s", err->message);
		return 127; /* as a shell says "not found" */
	}
	return cli_wait_status(wstatus);
}

int cmd_lab(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("-- CMD [ARGS...]");
	g_autofree char *cpus = NULL, *mem = NULL, *timeout = NULL, *kit = NULL;
	gboolean quiet = FALSE;
	g_autofree char *why = NULL;
	struct lab_config cfg;
	char **cmd;
	GOptionEntry entries[] = { CLI_OPT_STRING("cpus", &cpus, "emulated CPUs (default 2)", "N"),
				   CLI_OPT_STRING("mem", &mem, "RAM in MiB (default 2048)", "MiB"),
				   CLI_OPT_STRING("timeout", &timeout, "give up after S seconds",
						  "S"),
				   CLI_OPT_FILE("kit", &kit, "guest kit directory", "DIR"),
				   { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
				     "no note about emulated timing", NULL },
				   CLI_OPT_END };

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
		return cli_lab_here(cmd);
	cfg.why = why;
	return cli_lab_run(&cfg, cmd);
}

int cmd_lab_guest(int argc, char **argv)
{
	int wstatus, r, status;

	if (argc != 2) {
		pr_err("lab-guest is internal to 'vipi lab'");
		return VIPI_EXIT_USAGE;
	}
	r = lab_guest_run(argv[1], &wstatus);
	status = r ? cli_status(CLI_STAGE_SYSTEM, r) : cli_wait_status(wstatus);
	lab_guest_finish(argv[1], status);
	return status;
}
