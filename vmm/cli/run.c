// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi run [OPTIONS] [-- CMD [ARGS...]]: boots the kit's Linux (or the given
 * bzImage) with N vCPUs on /dev/kvm and runs CMD in it as root; CMD's exit
 * status becomes ours. Where this host's /dev/kvm cannot run it (none, or
 * PVM's: kvm/hostkvm.h) it re-runs itself in the lab.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "boot/load.h"
#include "cli/cli.h"
#include "config.h"
#include "devices/devices.h"
#include "devices/vipi.h"
#include "kvm/exits.h"
#include "kvm/io.h"
#include "kvm/stats.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "lab/lab.h"
#include "util/life.h"
#include "util/vipi_config.h"
#include "util/log.h"
#include "cli/status.h"

#define RUN_DEFAULT_CPUS    1
#define RUN_DEFAULT_MEM_MIB 512
#define RUN_MIN_MEM_MIB	    64
#define RUN_MAX_MEM_MIB	    (64 * 1024)
#define RUN_MAX_CPUS	    64
/* Identical for QEMU in the boot-time comparison (tests/lab/run-vs-qemu.sh). */
#define RUN_BASE_CMDLINE "console=ttyS0 quiet reboot=k panic=-1"

/* What GOption fills: the options as typed, until run_config() checks them. */
struct run_args {
	char *cpus, *mem, *append, *timeout, *pv_ipi, *lab;
	char *vipi, *vipi_spin_us, *vipi_poller_cpu, *disable_exits, *halt_poll_ns;
	gboolean timing, verbose, trace_exits;
};

struct run {
	struct vipi_config cfg;
	struct vm *vm;
	struct devices *dev;
	int sig_fd;
	bool tty_raw;
	struct termios tty_saved;
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
}

static void run_config_clear(struct vipi_config *c)
{
	g_free(c->kernel);
	g_free(c->initrd);
	g_free(c->cmdline);
	g_free(c->stats_path);
}

static int run_parse(int *argc, char ***argv, struct run_args *a, struct vipi_config *c, bool help)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("[-- CMD [ARGS...]]");
	GOptionEntry entries[] = {
		{ "kernel", 0, 0, G_OPTION_ARG_FILENAME, &c->kernel, "bzImage (default: kit)",
		  "FILE" },
		{ "initrd", 0, 0, G_OPTION_ARG_FILENAME, &c->initrd,
		  "initramfs (default: kit guest.cpio.gz)", "FILE" },
		{ "cpus", 0, 0, G_OPTION_ARG_STRING, &a->cpus, "vCPUs (default 1)", "N" },
		{ "mem", 0, 0, G_OPTION_ARG_STRING, &a->mem, "guest RAM (default 512)", "MiB" },
		{ "append", 0, 0, G_OPTION_ARG_STRING, &a->append, "more kernel arguments",
		  "ARGS" },
		{ "stats", 0, 0, G_OPTION_ARG_FILENAME, &c->stats_path, "write counters as JSON",
		  "FILE" },
		{ "timeout", 0, 0, G_OPTION_ARG_STRING, &a->timeout, "give up after S seconds",
		  "S" },
		{ "pv-ipi", 0, 0, G_OPTION_ARG_STRING, &a->pv_ipi,
		  "KVM PV IPIs for the guest (default on)", "on|off" },
		{ "vipi", 0, 0, G_OPTION_ARG_STRING, &a->vipi, "the vipi IPI device (default on)",
		  "on|off" },
		{ "vipi-spin-us", 0, 0, G_OPTION_ARG_STRING, &a->vipi_spin_us,
		  "vipi poller: spin this long after a request before sleeping (default 200)",
		  "US" },
		{ "vipi-poller-cpu", 0, 0, G_OPTION_ARG_STRING, &a->vipi_poller_cpu,
		  "vipi poller: pin to this host CPU", "N" },
		{ "disable-exits", 0, 0, G_OPTION_ARG_STRING, &a->disable_exits,
		  "let the guest run these without exits (KVM_CAP_X86_DISABLE_EXITS)",
		  "hlt,mwait,pause,cstate" },
		{ "halt-poll-ns", 0, 0, G_OPTION_ARG_STRING, &a->halt_poll_ns,
		  "KVM's halt-polling window for this VM (KVM_CAP_HALT_POLL)", "NS" },
		{ "trace-exits", 0, 0, G_OPTION_ARG_NONE, &a->trace_exits,
		  "count exits by reason and ICR writes per vCPU in tracefs (root)", NULL },
		{ "timing", 0, 0, G_OPTION_ARG_NONE, &a->timing,
		  "print the time to the guest command's start", NULL },
		{ "lab", 0, 0, G_OPTION_ARG_STRING, &a->lab, "use the lab (default auto)",
		  "auto|never|always" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &a->verbose,
		  "show the guest console and more", NULL },
		{ NULL }
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
	unsigned int mem_mib = RUN_DEFAULT_MEM_MIB, cpu = 0, ns = 0;
	const struct {
		const char *opt, *value;
		unsigned int min, max, *out;
	} nums[] = {
		{ "--cpus", a->cpus, 1, RUN_MAX_CPUS, &c->nr_cpus },
		{ "--mem", a->mem, RUN_MIN_MEM_MIB, RUN_MAX_MEM_MIB, &mem_mib },
		{ "--timeout", a->timeout, 1, 7 * 24 * 3600, &c->timeout_s },
		{ "--halt-poll-ns", a->halt_poll_ns, 0, EXITS_HALT_POLL_MAX, &ns },
		{ "--vipi-spin-us", a->vipi_spin_us, 0, VIPI_SPIN_US_MAX, &c->vipi_spin_us },
		{ "--vipi-poller-cpu", a->vipi_poller_cpu, 0, CPU_SETSIZE - 1, &cpu },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(nums); i++)
		if (nums[i].value &&
		    !cli_uint(nums[i].opt, nums[i].value, nums[i].min, nums[i].max, nums[i].out))
			return false;
	c->ram_size = (uint64_t)mem_mib << 20;
	c->exits.halt_poll_ns = a->halt_poll_ns ? (int64_t)ns : EXITS_HALT_POLL_DEFAULT;
	c->vipi_poller_cpu = a->vipi_poller_cpu ? (int)cpu : -1;
	return true;
}

/* Checks what run_parse() filled and completes the config: 0 or VIPI_EXIT_USAGE. */
static int run_config(const struct run_args *a, struct vipi_config *c)
{
	const char *kit = g_getenv("VIPI_KIT") ? g_getenv("VIPI_KIT") : VIPI_KIT_DIR;

	c->nr_cpus = RUN_DEFAULT_CPUS;
	c->pv_ipi = c->vipi = true;
	c->vipi_spin_us = VIPI_SPIN_US_DEFAULT;
	c->lab = LAB_AUTO;
	if (!run_config_numbers(a, c) || !cli_onoff("--pv-ipi", a->pv_ipi, &c->pv_ipi) ||
	    !cli_onoff("--vipi", a->vipi, &c->vipi) ||
	    (a->disable_exits && !exits_parse(a->disable_exits, &c->exits.disable)) ||
	    (a->lab && !lab_mode_parse(a->lab, &c->lab)))
		return VIPI_EXIT_USAGE;
	if (!c->kernel)
		c->kernel = g_build_filename(kit, "vmlinuz", NULL);
	if (!c->initrd)
		c->initrd = g_build_filename(kit, "guest.cpio.gz", NULL);
	c->cmdline = a->append && *a->append ? g_strconcat(RUN_BASE_CMDLINE, " ", a->append, NULL)
					     : g_strdup(RUN_BASE_CMDLINE);
	c->trace_exits = a->trace_exits;
	c->timing = a->timing;
	c->verbose = a->verbose;
	c->serial_fds[0] = !c->cmd ? STDOUT_FILENO : c->verbose ? STDERR_FILENO : -1;
	c->serial_fds[1] = STDOUT_FILENO;
	c->serial_fds[2] = STDERR_FILENO;
	return 0;
}

static int run_in_lab(const struct run *r, const char *why, int argc, char **argv)
{
	struct lab_config cfg;

	lab_config_init(&cfg);
	cfg.why = why;
	cfg.cpus = MIN(r->cfg.nr_cpus + 1, LAB_MAX_CPUS);
	cfg.mem_mib = MIN((r->cfg.ram_size >> 20) + 1024, LAB_MAX_MEM_MIB);
	if (r->cfg.timeout_s)
		cfg.timeout_s = r->cfg.timeout_s + 120; /* the inner run times out first */
	return cli_lab_reexec(&cfg, "run", argc, argv);
}

/* SIGINT/SIGTERM arrive on a signalfd; SIGPIPE must not kill us mid-run. */
static int run_signals(struct run *r)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	r->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sig_fd < 0) {
		pr_err("signalfd: %s", g_strerror(errno));
		return VIPI_EXIT_OSERR;
	}
	return 0;
}

/* Interactive console: keys go to the guest as typed; ^C still stops vipi. */
static void run_tty_raw(struct run *r)
{
	struct termios t;

	if (r->cfg.cmd || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->tty_saved))
		return;
	t = r->tty_saved;
	t.c_lflag &= ~(ICANON | ECHO | IEXTEN);
	t.c_iflag &= ~(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t))
		r->tty_raw = true;
}

static void run_tty_restore(struct run *r)
{
	if (r->tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->tty_saved);
	r->tty_raw = false;
}

static int run_start(struct run *r)
{
	int ret;

	ret = run_signals(r);
	if (ret)
		return ret;
	ret = vm_create(&r->cfg, &r->vm);
	if (!ret)
		ret = vcpu_create_all(r->vm);
	if (ret)
		return cli_status(CLI_STAGE_KVM, ret);
	ret = devices_init(r->vm, &r->cfg, &r->dev);
	if (ret)
		return ret;
	ret = vm_irqfd_commit(r->vm);
	if (ret)
		return cli_status(CLI_STAGE_KVM, ret);
	ret = boot_load(r->vm, &r->cfg);
	if (ret)
		return cli_status(CLI_STAGE_INPUT, ret);
	ret = vcpu_setup_boot(r->vm);
	if (!ret)
		ret = vcpu_start_all(r->vm);
	return ret ? cli_status(CLI_STAGE_KVM, ret) : 0;
}

static void run_stdin(struct run *r, bool *open)
{
	uint8_t buf[256];
	size_t room = MIN(sizeof(buf), devices_console_room(r->dev));
	ssize_t n;

	if (!room)
		return;
	n = read(STDIN_FILENO, buf, room);
	if (n <= 0) {
		*open = false; /* EOF: stop polling it */
		return;
	}
	devices_console_input(r->dev, buf, n);
}

/* Any port I/O or MMIO exit to us: the guest runs (util/life.h). */
static bool run_alive(struct vm *vm)
{
	return vm_exits(vm, KVM_EXIT_IO) || vm_exits(vm, KVM_EXIT_MMIO);
}

/* The boot watchdog: true when it ended the run. */
static bool run_check_life(struct run *r, gint64 *life_by)
{
	uint64_t exits = 0, v;

	if (!*life_by || g_get_monotonic_time() < *life_by)
		return false;
	*life_by = 0;
	if (run_alive(r->vm))
		return false;
	for (unsigned int i = 0; i < vm_nr_vcpus(r->vm); i++)
		if (stats_vcpu_get(r->vm, i, "exits", &v))
			exits += v;
	vm_end_request(r->vm, VM_END_CRASH, 0,
		       "no sign of life from the guest in %d s: no console output, no port I/O "
		       "(%" PRIu64 " KVM exits); this KVM may not run it",
		       VIPI_LIFE_S, exits);
	return true;
}

/* Waits for the end: a device's request, a signal, the boot watchdog or the timeout. */
static void run_wait(struct run *r)
{
	const struct vipi_config *c = &r->cfg;
	gint64 deadline = c->timeout_s ? c->t0_us + (gint64)c->timeout_s * G_USEC_PER_SEC : 0;
	gint64 life_by = c->t0_us + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC;
	bool stdin_open = !c->cmd;

	while (vm_end_get(r->vm, NULL, NULL) == VM_RUNNING) {
		struct pollfd p[3] = { { .fd = vm_end_fd(r->vm), .events = POLLIN },
				       { .fd = r->sig_fd, .events = POLLIN },
				       { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN } };
		bool full = stdin_open && !devices_console_room(r->dev);
		int ms = full ? 10 : -1;
		struct signalfd_siginfo si;

		if (full)
			p[2].fd = -1; /* the guest has not read what it has yet */
		if (deadline) {
			gint64 left = (deadline - g_get_monotonic_time()) / 1000;

			if (left <= 0) {
				vm_end_request(r->vm, VM_END_TIMEOUT, 0,
					       "timed out after %u s (--timeout)", c->timeout_s);
				break;
			}
			ms = ms < 0 ? (int)MIN(left, G_MAXINT) : MIN(ms, (int)left);
		}
		if (run_check_life(r, &life_by))
			break;
		if (life_by) {
			gint64 left = (life_by - g_get_monotonic_time()) / 1000 + 1;

			ms = ms < 0 ? (int)MIN(left, G_MAXINT) : MIN(ms, (int)left);
		}
		if (poll(p, 3, ms) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) && read(r->sig_fd, &si, sizeof(si)) == sizeof(si))
			vm_end_request(r->vm, VM_END_SIGNAL, si.ssi_signo, "stopped by %s",
				       si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		if (p[2].revents & (POLLIN | POLLHUP))
			run_stdin(r, &stdin_open);
	}
}

static const char *run_end_name(enum vm_end e)
{
	static const char *const names[] = {
		[VM_RUNNING] = "running",	[VM_END_STATUS] = "status",
		[VM_END_POWEROFF] = "poweroff", [VM_END_RESET] = "reset",
		[VM_END_CRASH] = "crash",	[VM_END_TIMEOUT] = "timeout",
		[VM_END_SIGNAL] = "signal",
	};

	return e < G_N_ELEMENTS(names) ? names[e] : "unknown";
}

/* Our exit status and, for failures, the one line that says why. */
static int run_outcome(struct run *r, char **reason)
{
	g_autofree char *panic = devices_panic_line(r->dev);
	const char *why;
	int status;
	enum vm_end end = vm_end_get(r->vm, &status, &why);

	*reason = NULL;
	if (panic && end != VM_END_STATUS && end != VM_END_SIGNAL && end != VM_END_TIMEOUT) {
		*reason = g_strdup_printf("guest %s", panic);
		return VIPI_EXIT_GUEST_CRASH;
	}
	switch (end) {
	case VM_END_STATUS:
		return status;
	case VM_END_POWEROFF:
		return 0;
	case VM_END_RESET:
		if (!r->cfg.cmd)
			return 0;
		*reason = g_strdup("guest reset before its command reported a status");
		return VIPI_EXIT_GUEST_CRASH;
	case VM_END_TIMEOUT:
		*reason = g_strdup(why);
		return VIPI_EXIT_TIMEOUT;
	case VM_END_SIGNAL:
		return status == SIGINT ? VIPI_EXIT_SIGINT : VIPI_EXIT_SIGTERM;
	default:
		*reason = g_strdup(why ? why : "guest stopped");
		return VIPI_EXIT_GUEST_CRASH;
	}
}

static int run_report(struct run *r, int status, const char *reason)
{
	double wall = (g_get_monotonic_time() - r->cfg.t0_us) / 1e6;
	g_autofree char *summary = stats_summary(r->vm, wall);
	struct stats_run_info info = { .end = run_end_name(vm_end_get(r->vm, NULL, NULL)),
				       .reason = reason,
				       .exit_status = status,
				       .wall_s = wall,
				       .command_start_s = devices_command_start_s(r->dev) };
	int ret;

	if (r->cfg.verbose) {
		struct host_accel h;

		host_accel_read(&h);
		pr_info("host KVM: APICv %s, IPIv %s, AVIC %s", host_accel_str(h.apicv),
			host_accel_str(h.ipiv), host_accel_str(h.avic));
		io_report_ports(r->vm);
	}
	pr_info("%s", summary);
	if (!r->cfg.stats_path)
		return 0;
	ret = stats_write_json(r->vm, r->cfg.stats_path, &info);
	return ret ? cli_status(CLI_STAGE_OUTPUT, ret) : 0;
}

static int run_vm(struct run *r)
{
	g_autofree char *reason = NULL;
	int status, ret;

	ret = run_start(r);
	if (ret)
		return ret;
	run_tty_raw(r);
	run_wait(r);
	vcpu_stop_all(r->vm);
	run_tty_restore(r);
	status = run_outcome(r, &reason);
	if (reason)
		pr_err("%s", reason);
	ret = run_report(r, status, reason);
	return ret ? ret : status;
}

/* The whole command line, parsed and checked; nothing is opened yet. */
static int run_args(int *argc, char ***argv, struct vipi_config *c, bool help)
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
	int ret = run_args(&argc, &argv, &c, false);

	run_config_clear(&c);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	g_auto(GStrv) orig = g_strdupv(argv);
	struct run r = { .cfg.t0_us = g_get_monotonic_time(), .sig_fd = -1 };
	g_autofree char *why = NULL;
	bool in_lab;
	int ret;

	log_set_verbose(false);
	ret = run_args(&argc, &argv, &r.cfg, true);
	if (ret)
		goto out;
	log_set_verbose(r.cfg.verbose);
	/* Bad files fail here, before /dev/kvm is opened or the lab boots. */
	ret = boot_check(&r.cfg);
	if (ret) {
		ret = cli_status(CLI_STAGE_INPUT, ret);
		goto out;
	}
	ret = cli_place(r.cfg.lab, &in_lab, &why);
	if (ret)
		goto out;
	if (in_lab) {
		ret = run_in_lab(&r, why, g_strv_length(orig), orig);
		goto out;
	}
	ret = run_vm(&r);
out:
	if (r.vm)
		vcpu_stop_all(r.vm);
	run_tty_restore(&r);
	devices_exit(r.dev);
	if (r.vm)
		vcpu_destroy_all(r.vm);
	vm_destroy(r.vm);
	if (r.sig_fd >= 0)
		close(r.sig_fd);
	run_config_clear(&r.cfg);
	return ret;
}
