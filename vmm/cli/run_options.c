// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vipi run`'s command line into the run's one config (util/vipi_config.h):
 * GOption fills the options as typed, run_config() checks each and fills
 * the config. Nothing is opened here (the fuzz target run-args runs it).
 */
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "cli/status.h"
#include "config.h"
#include "devices/vipi.h"
#include "kvm/exits.h"
#include "lab/lab.h"
#include "util/log.h"
#include "util/sandbox.h"
#include "util/vipi_config.h"

#define RUN_DEFAULT_CPUS    1
#define RUN_DEFAULT_MEM_MIB 512
#define RUN_MIN_MEM_MIB	    64
#define RUN_MAX_MEM_MIB	    (64 * 1024)
#define RUN_MAX_CPUS	    64
/* Identical for QEMU in the boot-time comparison (tests/lab/run-vs-qemu.sh). */
#define RUN_BASE_CMDLINE "console=ttyS0 quiet reboot=k panic=-1"

/* What GOption fills: the options as typed, until run_config() checks them. */
struct run_args {
	char *cpus, *mem, *append, *timeout, *pv_ipi, *lab, *rootfs;
	char **rwdir;
	char *vipi, *vipi_spin_us, *vipi_poller_cpu, *disable_exits, *halt_poll_ns, *sandbox;
	gboolean timing, verbose, trace_exits, sandbox_probe;
};

static void run_args_clear(struct run_args *a)
{
	g_free(a->cpus);
	g_free(a->mem);
	g_free(a->append);
	g_free(a->timeout);
	g_free(a->pv_ipi);
	g_free(a->lab);
	g_free(a->vipi);
	g_free(a->vipi_spin_us);
	g_free(a->vipi_poller_cpu);
	g_free(a->disable_exits);
	g_free(a->halt_poll_ns);
	g_free(a->sandbox);
	g_free(a->rootfs);
	g_strfreev(a->rwdir);
}

void run_config_clear(struct vipi_config *c)
{
	g_free(c->kernel);
	g_free(c->initrd);
	g_free(c->guest_kernel);
	g_free(c->kdir);
	g_free(c->cmdline);
	g_free(c->stats_path);
	g_free(c->fs_modules);
	run_shares_clear(c);
}

static int run_parse(int *argc, char ***argv, struct run_args *a, struct vipi_config *c, bool help)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("[-- CMD [ARGS...]]");
	GOptionEntry entries[] = {
		CLI_OPT_FILE("kernel", &c->kernel, "bzImage (default: kit)", "FILE"),
		CLI_OPT_FILE("initrd", &c->initrd, "initramfs (default: kit guest.cpio.gz)",
			     "FILE"),
		CLI_OPT_STRING("guest-kernel", &c->guest_kernel,
			       "a Debian kernel with its vipi.ko and initramfs, instead of the "
			       "kit's: a release, or amd64, cloud, rt, 6.12, 6.12-cloud, 6.12-rt",
			       "K"),
		CLI_OPT_FILE("kdir", &c->kdir,
			     "--kernel's Kbuild tree: vipi.ko and the initramfs built against it",
			     "DIR"),
		CLI_OPT_FILE("rootfs", &a->rootfs,
			     "the guest's root: this host directory, read-only, over virtio-fs "
			     "(e.g. /); the command runs in the current directory",
			     "DIR"),
		{ "rwdir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a->rwdir,
		  "a writable share of HOSTDIR at GUESTDIR (default: the same path), "
		  "repeatable",
		  "HOSTDIR[=GUESTDIR]" },
		CLI_OPT_STRING("cpus", &a->cpus, "vCPUs (default 1)", "N"),
		CLI_OPT_STRING("mem", &a->mem, "guest RAM (default 512)", "MiB"),
		CLI_OPT_STRING("append", &a->append, "more kernel arguments", "ARGS"),
		CLI_OPT_FILE("stats", &c->stats_path, "write counters as JSON", "FILE"),
		CLI_OPT_STRING("timeout", &a->timeout, "give up after S seconds", "S"),
		CLI_OPT_STRING("pv-ipi", &a->pv_ipi, "KVM PV IPIs for the guest (default on)",
			       "on|off"),
		CLI_OPT_STRING("vipi", &a->vipi, "the vipi IPI device (default on)", "on|off"),
		CLI_OPT_STRING("vipi-spin-us", &a->vipi_spin_us,
			       "vipi poller: spin this long after a request before sleeping "
			       "(default 200)",
			       "US"),
		CLI_OPT_STRING("vipi-poller-cpu", &a->vipi_poller_cpu,
			       "vipi poller: pin to this host CPU", "N"),
		CLI_OPT_STRING("disable-exits", &a->disable_exits,
			       "let the guest run these without exits (KVM_CAP_X86_DISABLE_EXITS)",
			       "hlt,mwait,pause,cstate"),
		CLI_OPT_STRING("halt-poll-ns", &a->halt_poll_ns,
			       "KVM's halt-polling window for this VM (KVM_CAP_HALT_POLL)", "NS"),
		CLI_OPT_FLAG("trace-exits", &a->trace_exits,
			     "count exits by reason and ICR writes per vCPU in tracefs (root)"),
		CLI_OPT_FLAG("timing", &a->timing, "print the time to the guest command's start"),
		CLI_OPT_STRING("sandbox", &a->sandbox,
			       "each VMM thread confines itself with seccomp (default on; off in "
			       "sanitizer builds)",
			       "on|off"),
		/* A debug aid, hidden: vCPU 0 makes a forbidden call (docs/robustness.md). */
		{ "sandbox-probe", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &a->sandbox_probe,
		  "vCPU 0 calls socket() before its first KVM_RUN, which the sandbox forbids",
		  NULL },
		CLI_OPT_STRING("lab", &a->lab, "use the lab (default auto)", "auto|never|always"),
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose,
		  "show the guest console and more", NULL },
		CLI_OPT_END
	};

	g_option_context_set_help_enabled(ctx, help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(
		ctx, "Boots a Linux guest with N vCPUs on /dev/kvm and runs CMD in it as root\n"
		     "(without CMD: a shell on the console). CMD's exit status is vipi's.");
	return cli_parse(ctx, argc, argv, &c->cmd) ? 0 : VIPI_EXIT_USAGE;
}

/* The numbers, each in its range; false after one line on the first that is not. */
static bool run_config_numbers(const struct run_args *a, struct vipi_config *c)
{
	unsigned int mem_mib = RUN_DEFAULT_MEM_MIB, cpu = 0;
	const struct {
		const char *opt, *value;
		unsigned int min, max, *out;
	} nums[] = {
		{ "--cpus", a->cpus, 1, RUN_MAX_CPUS, &c->nr_cpus },
		{ "--mem", a->mem, RUN_MIN_MEM_MIB, RUN_MAX_MEM_MIB, &mem_mib },
		{ "--timeout", a->timeout, 1, 7 * 24 * 3600, &c->timeout_s },
		{ "--vipi-spin-us", a->vipi_spin_us, 0, VIPI_SPIN_US_MAX, &c->vipi_spin_us },
		{ "--vipi-poller-cpu", a->vipi_poller_cpu, 0, CPU_SETSIZE - 1, &cpu },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(nums); i++)
		if (nums[i].value &&
		    !cli_uint(nums[i].opt, nums[i].value, nums[i].min, nums[i].max, nums[i].out))
			return false;
	c->ram_size = (uint64_t)mem_mib << 20;
	c->vipi_poller_cpu = a->vipi_poller_cpu ? (int)cpu : -1;
	return true;
}

/* Checks what run_parse() filled and completes the config: 0 or VIPI_EXIT_USAGE. */
static int run_config(const struct run_args *a, struct vipi_config *c)
{
	const char *kit = g_getenv("VIPI_KIT") ? g_getenv("VIPI_KIT") : VIPI_KIT_DIR;

	c->nr_cpus = RUN_DEFAULT_CPUS;
	c->pv_ipi = c->vipi = true;
	c->sandbox = SANDBOX_DEFAULT;
	c->vipi_spin_us = VIPI_SPIN_US_DEFAULT;
	c->lab = LAB_AUTO;
	if (!run_config_numbers(a, c) || !cli_onoff("--pv-ipi", a->pv_ipi, &c->pv_ipi) ||
	    !cli_onoff("--vipi", a->vipi, &c->vipi) ||
	    !cli_onoff("--sandbox", a->sandbox, &c->sandbox) ||
	    !cli_exits(a->disable_exits, a->halt_poll_ns, &c->exits) ||
	    (a->lab && !lab_mode_parse(a->lab, &c->lab)))
		return VIPI_EXIT_USAGE;
	if (!run_shares_config(c, a->rootfs, a->rwdir))
		return VIPI_EXIT_USAGE;
	if (c->guest_kernel && (c->kernel || c->initrd)) {
		pr_err("--guest-kernel brings its own kernel and initrd: no --kernel or --initrd");
		return VIPI_EXIT_USAGE;
	}
	if (c->kdir && (!c->kernel || c->initrd)) {
		pr_err("--kdir builds the initrd for --kernel: --kernel BZIMAGE, no --initrd");
		return VIPI_EXIT_USAGE;
	}
	/* --guest-kernel's and --kdir's are found by run_guest_kernel(), which builds. */
	if (!c->kernel && !c->guest_kernel)
		c->kernel = g_build_filename(kit, "vmlinuz", NULL);
	if (!c->initrd && !c->guest_kernel && !c->kdir)
		c->initrd = g_build_filename(kit, "guest.cpio.gz", NULL);
	if (c->nr_shares && !c->guest_kernel && !c->kdir)
		c->fs_modules = g_build_filename(kit, VIPI_FS_MODULES, NULL);
	/*
	 * virtio-fs interrupts are INTx on ISA IRQ 11 (no MSI-X yet). A
	 * hardware-reduced ACPI guest maps no ISA IRQ and the DSDT has no _PRT,
	 * so runs with shares boot through the MP table, as before ACPI.
	 */
	c->cmdline =
		g_strconcat(RUN_BASE_CMDLINE, c->nr_shares ? " acpi=off" : "",
			    a->append && *a->append ? " " : "", a->append ? a->append : "", NULL);
	c->trace_exits = a->trace_exits;
	c->timing = a->timing;
	c->sandbox_probe = a->sandbox_probe;
	c->verbose = a->verbose;
	c->serial_fds[0] = !c->cmd ? STDOUT_FILENO : c->verbose ? STDERR_FILENO : -1;
	c->serial_fds[1] = STDOUT_FILENO;
	c->serial_fds[2] = STDERR_FILENO;
	return 0;
}

/* The whole command line, parsed and checked; nothing is opened yet. */
int run_options_parse(int *argc, char ***argv, struct vipi_config *c, bool help)
{
	struct run_args a = { 0 };
	int ret = run_parse(argc, argv, &a, c, help);

	if (!ret)
		ret = run_config(&a, c);
	run_args_clear(&a);
	return ret;
}

int run_check_args(int argc, char **argv)
{
	struct vipi_config c = { 0 };
	int ret = run_options_parse(&argc, &argv, &c, false);

	run_config_clear(&c);
	return ret;
}
