// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi run [OPTIONS] [-- CMD [ARGS...]]: boots the kit's Linux (or the given
 * bzImage, or --guest-kernel's) with N vCPUs on /dev/kvm and runs CMD in it as root; CMD's exit
 * status becomes ours. Where this host's /dev/kvm cannot run it (none, or
 * PVM's: kvm/hostkvm.h) it re-runs itself in the lab.
 *
 * As kvmtool's builtin-run: parse (the one config) -> init (the bring-up
 * table below) -> work (run_loop.c) -> exit (the table in reverse). The
 * exit status is decided here and in run_outcome.c, from -errno and the
 * step that returned it (cli/status.h).
 */
#include <unistd.h>

#include "boot/kernels.h"
#include "boot/load.h"
#include "cli/cli.h"
#include "cli/run.h"
#include "cli/status.h"
#include "devices/devices.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "lab/lab.h"
#include "util/log.h"
#include "util/sandbox.h"

static int run_vm_init(struct run *r)
{
	return vm_create(&r->cfg, &r->vm);
}

static void run_vm_exit(struct run *r)
{
	g_clear_pointer(&r->vm, vm_destroy);
}

static int run_vcpus_init(struct run *r)
{
	return vcpu_create_all(r->vm);
}

static void run_vcpus_exit(struct run *r)
{
	vcpu_destroy_all(r->vm);
}

static int run_devices_init(struct run *r)
{
	return devices_init(r->vm, &r->cfg, &r->dev);
}

static void run_devices_exit(struct run *r)
{
	g_clear_pointer(&r->dev, devices_exit);
}

/* After every device added its irqfd routes: one KVM_SET_GSI_ROUTING. */
static int run_routes_init(struct run *r)
{
	return vm_irqfd_commit(r->vm);
}

static int run_boot_init(struct run *r)
{
	return boot_load(r->vm, &r->cfg);
}

static int run_entry_init(struct run *r)
{
	return vcpu_setup_boot(r->vm);
}

/* The SIGSYS reporter, before any thread confines itself (util/sandbox.h). */
static int run_sandbox_init(struct run *r)
{
	return r->cfg.sandbox ? sandbox_prepare() : 0;
}

/* The vCPU threads, each confined and waiting at the gate. */
static int run_start_init(struct run *r)
{
	return vcpu_start_all(r->vm);
}

/*
 * The main thread confines itself after it started the vCPUs (a thread
 * inherits its creator's filter: theirs would be the intersection), and
 * only then lets them run the guest.
 */
static int run_go_init(struct run *r)
{
	unsigned int when = r->cfg.trace_exits ? SANDBOX_TRACE : SANDBOX_ALWAYS;
	int ret = r->cfg.sandbox ? sandbox_enter(SANDBOX_MAIN, when) : 0;

	if (!ret)
		vcpu_run_all(r->vm);
	return ret;
}

static void run_start_exit(struct run *r)
{
	vcpu_stop_all(r->vm);
}

/*
 * The run's bring-up, in order, and its teardown in the reverse order of
 * what came up. STAGE says what an -errno from INIT means (cli_status()).
 */
static const struct run_step {
	int (*init)(struct run *r);
	void (*exit)(struct run *r); /* NULL: nothing to undo */
	enum cli_stage stage;
} run_steps[] = {
	{ run_signals_init, run_signals_exit, CLI_STAGE_SYSTEM },
	{ run_vm_init, run_vm_exit, CLI_STAGE_KVM },
	{ run_vcpus_init, run_vcpus_exit, CLI_STAGE_KVM },
	{ run_devices_init, run_devices_exit, CLI_STAGE_DEVICES },
	{ run_routes_init, NULL, CLI_STAGE_KVM },
	{ run_boot_init, NULL, CLI_STAGE_INPUT },
	{ run_entry_init, NULL, CLI_STAGE_KVM },
	{ run_sandbox_init, NULL, CLI_STAGE_SYSTEM },
	{ run_start_init, run_start_exit, CLI_STAGE_SYSTEM },
	{ run_go_init, NULL, CLI_STAGE_SYSTEM },
};

static int run_init(struct run *r)
{
	for (; r->nr_up < G_N_ELEMENTS(run_steps); r->nr_up++) {
		const struct run_step *s = &run_steps[r->nr_up];
		int ret = s->init(r);

		if (ret)
			return cli_status(s->stage, ret);
	}
	return 0;
}

/*
 * Tears down what run_init() brought up, last first. A step that failed
 * midway (vm_create() leaves a VM to destroy) is undone too.
 */
static void run_exit(struct run *r)
{
	size_t n = MIN(r->nr_up + 1, G_N_ELEMENTS(run_steps));

	while (n--)
		if (run_steps[n].exit)
			run_steps[n].exit(r);
	r->nr_up = 0;
}

static int run_work(struct run *r)
{
	run_console_open(r);
	run_wait(r);
	vcpu_stop_all(r->vm);
	run_console_close(r);
	return run_outcome(r);
}

static int run_in_lab(const struct run *r, const char *why, int argc, char **argv)
{
	struct lab_config cfg;

	lab_config_init(&cfg);
	cfg.why = why;
	/* Without a command, a terminal's keys go to the guest's shell in there. */
	cfg.console = !r->cfg.cmd && isatty(STDIN_FILENO);
	cfg.cpus = MIN(r->cfg.nr_cpus + 1, LAB_MAX_CPUS);
	cfg.mem_mib = MIN((r->cfg.ram_size >> 20) + 1024, LAB_MAX_MEM_MIB);
	if (r->cfg.timeout_s)
		cfg.timeout_s = r->cfg.timeout_s + 120; /* the inner run times out first */
	return cli_lab_reexec(&cfg, "run", argc, argv);
}

/*
 * --guest-kernel: that kernel and its initramfs, fetched and built where
 * not cached; the lab's run gets the release resolved here in ARGV.
 * --kernel with --kdir: the initramfs with vipi.ko built against that tree.
 */
static int run_guest_kernel(struct run *r, char **argv)
{
	g_autofree char *dir = NULL;
	int ret;

	if (r->cfg.kdir) {
		/* The lab's run finds the same directory in the cache. */
		ret = cli_kdir(r->cfg.kernel, r->cfg.kdir, false, &dir);
		if (!ret)
			r->cfg.initrd = g_build_filename(dir, "guest.cpio.gz", NULL);
		if (!ret && r->cfg.nr_shares)
			r->cfg.fs_modules = g_build_filename(dir, VIPI_FS_MODULES, NULL);
		return ret;
	}
	if (!r->cfg.guest_kernel)
		return 0;
	ret = cli_guest_kernel(r->cfg.guest_kernel, &dir);
	if (ret)
		return ret;
	r->cfg.kernel = g_build_filename(dir, "vmlinuz", NULL);
	r->cfg.initrd = g_build_filename(dir, "guest.cpio.gz", NULL);
	if (r->cfg.nr_shares)
		r->cfg.fs_modules = g_build_filename(dir, VIPI_FS_MODULES, NULL);
	cli_argv_set(argv, "--guest-kernel", kernels_release(dir));
	return 0;
}

/* Checked before /dev/kvm is opened or the lab boots: 0 with *IN_LAB, or the status. */
static int run_prepare(struct run *r, bool *in_lab, char **why)
{
	int ret = boot_check(&r->cfg);

	if (!ret)
		ret = run_shares_check(&r->cfg);
	if (ret)
		return cli_status(CLI_STAGE_INPUT, ret);
	return cli_place(r->cfg.lab, in_lab, why);
}

int cmd_run(int argc, char **argv)
{
	g_auto(GStrv) orig = g_strdupv(argv);
	struct run r = { .cfg.t0_us = g_get_monotonic_time(), .sig_fd = -1 };
	g_autofree char *why = NULL;
	bool in_lab = false;
	int ret;

	log_set_verbose(false);
	ret = run_options_parse(&argc, &argv, &r.cfg, true);
	if (!ret) {
		log_set_verbose(r.cfg.verbose);
		ret = run_guest_kernel(&r, orig);
	}
	if (!ret)
		ret = run_prepare(&r, &in_lab, &why);
	if (!ret && in_lab)
		ret = run_in_lab(&r, why, g_strv_length(orig), orig);
	else if (!ret) {
		ret = run_init(&r);
		if (!ret)
			ret = run_work(&r);
		run_exit(&r);
	}
	run_config_clear(&r.cfg);
	return ret;
}
