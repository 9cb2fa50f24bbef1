// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi run [OPTIONS] [-- CMD [ARGS...]]: boots the kit's Linux (or the given
 * bzImage) with N vCPUs on /dev/kvm and runs CMD in it as root; CMD's exit
 * status becomes ours. Where this host's /dev/kvm cannot run it (none, or
 * PVM's: kvm/hostkvm.h) it re-runs itself in the lab.
 */
#include <errno.h>
#include <inttypes.h>
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
#include "devices/pci.h"
#include "devices/vipi.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "kvm/exits.h"
#include "lab/lab.h"
#include "util/life.h"
#include "util/log.h"
#include "cli/status.h"

#define RUN_DEFAULT_CPUS    1
#define RUN_DEFAULT_MEM_MIB 512
#define RUN_MIN_MEM_MIB	    64
#define RUN_MAX_MEM_MIB	    (64 * 1024)
#define RUN_MAX_CPUS	    64
/* Identical for QEMU in the boot-time comparison (tests/lab/run-vs-qemu.sh). */
#define RUN_BASE_CMDLINE "console=ttyS0 quiet reboot=k panic=-1"

struct run_opts {
	char *kernel, *initrd, *cpus, *mem, *append, *stats, *timeout, *pv_ipi, *lab;
	char *vipi, *vipi_spin_us, *vipi_poller_cpu;
	char *disable_exits, *halt_poll_ns;
	gboolean timing, verbose, trace_exits;
};

struct run {
	unsigned int ncpus, mem_mib, timeout_s;
	bool pv_ipi, interactive, trace_exits;
	struct exits_config exits;
	char **cmd;
	char *kernel, *initrd, *cmdline;
	const char *stats_path;
	gint64 t0_us;
	struct vm *vm;
	struct devices *dev;
	int sig_fd;
	bool tty_raw;
	struct termios tty_saved;
};

static void run_opts_free(struct run_opts *o)
{
	g_free(o->kernel);
	g_free(o->initrd);
	g_free(o->cpus);
	g_free(o->mem);
	g_free(o->append);
	g_free(o->stats);
	g_free(o->timeout);
	g_free(o->pv_ipi);
	g_free(o->lab);
	g_free(o->vipi);
	g_free(o->vipi_spin_us);
	g_free(o->vipi_poller_cpu);
	g_free(o->disable_exits);
	g_free(o->halt_poll_ns);
}

static int run_parse(int *argc, char ***argv, struct run_opts *o, char ***cmd, bool help)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("[-- CMD [ARGS...]]");
	GOptionEntry entries[] = {
		{ "kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel, "bzImage (default: kit)",
		  "FILE" },
		{ "initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd,
		  "initramfs (default: kit guest.cpio.gz)", "FILE" },
		{ "cpus", 0, 0, G_OPTION_ARG_STRING, &o->cpus, "vCPUs (default 1)", "N" },
		{ "mem", 0, 0, G_OPTION_ARG_STRING, &o->mem, "guest RAM (default 512)", "MiB" },
		{ "append", 0, 0, G_OPTION_ARG_STRING, &o->append, "more kernel arguments",
		  "ARGS" },
		{ "stats", 0, 0, G_OPTION_ARG_FILENAME, &o->stats, "write counters as JSON",
		  "FILE" },
		{ "timeout", 0, 0, G_OPTION_ARG_STRING, &o->timeout, "give up after S seconds",
		  "S" },
		{ "pv-ipi", 0, 0, G_OPTION_ARG_STRING, &o->pv_ipi,
		  "KVM PV IPIs for the guest (default on)", "on|off" },
		{ "vipi", 0, 0, G_OPTION_ARG_STRING, &o->vipi, "the vipi IPI device (default on)",
		  "on|off" },
		{ "vipi-spin-us", 0, 0, G_OPTION_ARG_STRING, &o->vipi_spin_us,
		  "vipi poller: spin this long after a request before sleeping (default 200)",
		  "US" },
		{ "vipi-poller-cpu", 0, 0, G_OPTION_ARG_STRING, &o->vipi_poller_cpu,
		  "vipi poller: pin to this host CPU", "N" },
		{ "disable-exits", 0, 0, G_OPTION_ARG_STRING, &o->disable_exits,
		  "let the guest run these without exits (KVM_CAP_X86_DISABLE_EXITS)",
		  "hlt,mwait,pause,cstate" },
		{ "halt-poll-ns", 0, 0, G_OPTION_ARG_STRING, &o->halt_poll_ns,
		  "KVM's halt-polling window for this VM (KVM_CAP_HALT_POLL)", "NS" },
		{ "trace-exits", 0, 0, G_OPTION_ARG_NONE, &o->trace_exits,
		  "count exits by reason and ICR writes per vCPU in tracefs (root)", NULL },
		{ "timing", 0, 0, G_OPTION_ARG_NONE, &o->timing,
		  "print the time to the guest command's start", NULL },
		{ "lab", 0, 0, G_OPTION_ARG_STRING, &o->lab, "use the lab (default auto)",
		  "auto|never|always" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
		  "show the guest console and more", NULL },
		{ NULL }
	};

	g_option_context_set_help_enabled(ctx, help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(
		ctx, "Boots a Linux guest with N vCPUs on /dev/kvm and runs CMD in it as root\n"
		     "(without CMD: a shell on the console). CMD's exit status is vipi's.");
	return cli_parse(ctx, argc, argv, cmd) ? 0 : VIPI_EXIT_USAGE;
}

/* --vipi and the poller's options, handed to the PCI bus (devices/pci_vm.c). */
static int run_config_vipi(const struct run_opts *o)
{
	struct vipi_cfg cfg = { .spin_us = VIPI_SPIN_US_DEFAULT, .poller_cpu = -1 };
	unsigned int cpu;

	if (o->vipi && strcmp(o->vipi, "on") && strcmp(o->vipi, "off")) {
		pr_err("--vipi takes on or off, not '%s'", o->vipi);
		return -1;
	}
	if (o->vipi_spin_us &&
	    !cli_uint("--vipi-spin-us", o->vipi_spin_us, 0, VIPI_SPIN_US_MAX, &cfg.spin_us))
		return -1;
	if (o->vipi_poller_cpu) {
		if (!cli_uint("--vipi-poller-cpu", o->vipi_poller_cpu, 0, CPU_SETSIZE - 1, &cpu))
			return -1;
		cfg.poller_cpu = cpu;
	}
	pci_vm_configure(!o->vipi || !strcmp(o->vipi, "on"), &cfg);
	return 0;
}

/* --disable-exits and --halt-poll-ns; the host's say comes at VM creation. */
static int run_config_exits(struct run *r, const struct run_opts *o)
{
	unsigned int ns;

	r->exits.disable = 0;
	r->exits.halt_poll_ns = EXITS_HALT_POLL_DEFAULT;
	if (o->disable_exits && !exits_parse(o->disable_exits, &r->exits.disable))
		return -1;
	if (o->halt_poll_ns) {
		if (!cli_uint("--halt-poll-ns", o->halt_poll_ns, 0, EXITS_HALT_POLL_MAX, &ns))
			return -1;
		r->exits.halt_poll_ns = ns;
	}
	return 0;
}

static int run_config(struct run *r, const struct run_opts *o)
{
	const char *kit = g_getenv("VIPI_KIT") ? g_getenv("VIPI_KIT") : VIPI_KIT_DIR;

	r->ncpus = RUN_DEFAULT_CPUS;
	r->mem_mib = RUN_DEFAULT_MEM_MIB;
	r->pv_ipi = true;
	if (o->cpus && !cli_uint("--cpus", o->cpus, 1, RUN_MAX_CPUS, &r->ncpus))
		return VIPI_EXIT_USAGE;
	if (o->mem && !cli_uint("--mem", o->mem, RUN_MIN_MEM_MIB, RUN_MAX_MEM_MIB, &r->mem_mib))
		return VIPI_EXIT_USAGE;
	if (o->timeout && !cli_uint("--timeout", o->timeout, 1, 7 * 24 * 3600, &r->timeout_s))
		return VIPI_EXIT_USAGE;
	if (o->pv_ipi && strcmp(o->pv_ipi, "on") && strcmp(o->pv_ipi, "off")) {
		pr_err("--pv-ipi takes on or off, not '%s'", o->pv_ipi);
		return VIPI_EXIT_USAGE;
	}
	r->pv_ipi = !o->pv_ipi || !strcmp(o->pv_ipi, "on");
	if (run_config_exits(r, o))
		return VIPI_EXIT_USAGE;
	if (run_config_vipi(o))
		return VIPI_EXIT_USAGE;
	r->kernel = o->kernel ? g_strdup(o->kernel) : g_build_filename(kit, "vmlinuz", NULL);
	r->initrd = o->initrd ? g_strdup(o->initrd) : g_build_filename(kit, "guest.cpio.gz", NULL);
	r->cmdline = o->append && *o->append ? g_strconcat(RUN_BASE_CMDLINE, " ", o->append, NULL)
					     : g_strdup(RUN_BASE_CMDLINE);
	r->stats_path = o->stats;
	r->trace_exits = o->trace_exits;
	return 0;
}

static int run_in_lab(const struct run *r, const char *why, int argc, char **argv)
{
	struct lab_config cfg;

	lab_config_init(&cfg);
	cfg.why = why;
	cfg.cpus = MIN(r->ncpus + 1, LAB_MAX_CPUS);
	cfg.mem_mib = MIN(r->mem_mib + 1024, LAB_MAX_MEM_MIB);
	if (r->timeout_s)
		cfg.timeout_s = r->timeout_s + 120; /* the inner run times out first */
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

	if (!r->interactive || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->tty_saved))
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

static int run_start(struct run *r, bool verbose, bool timing)
{
	struct vm_config vc = { .mem_bytes = (uint64_t)r->mem_mib << 20,
				.ncpus = r->ncpus,
				.pv_ipi = r->pv_ipi,
				.exits = r->exits,
				.trace_exits = r->trace_exits };
	struct devices_config dc = {
		/* With a command, the console only feeds the crash reason. */
		.console_fd = r->interactive ? STDOUT_FILENO
			      : verbose	     ? STDERR_FILENO
					     : -1,
		.stdout_fd = STDOUT_FILENO,
		.stderr_fd = STDERR_FILENO,
		.timing = timing,
		.t0_us = r->t0_us,
	};
	struct boot_config bc = { .kernel = r->kernel,
				  .initrd = r->initrd,
				  .cmdline = r->cmdline,
				  .cmd = r->cmd,
				  .mem_bytes = vc.mem_bytes,
				  .ncpus = r->ncpus };
	int ret;

	ret = run_signals(r);
	if (ret)
		return ret;
	ret = vm_create(&vc, &r->vm);
	if (!ret)
		ret = vcpu_create_all(r->vm, &vc);
	if (ret)
		return cli_status(CLI_STAGE_KVM, ret);
	ret = devices_init(r->vm, &dc, &r->dev);
	if (ret)
		return ret;
	ret = vm_irqfd_commit(r->vm);
	if (ret)
		return cli_status(CLI_STAGE_KVM, ret);
	ret = boot_load(r->vm, &bc);
	if (ret)
		return cli_status(CLI_STAGE_INPUT, ret);
	ret = vcpu_setup_boot(&r->vm->vcpus[0]);
	if (!ret)
		ret = vcpu_start_all(r->vm);
	return ret ? cli_status(CLI_STAGE_KVM, ret) : 0;
}

static void run_stdin(struct run *r, bool *open)
{
	uint8_t buf[256];
	size_t room = MIN(sizeof(buf), serial_rx_room(r->dev->console));
	ssize_t n;

	if (!room)
		return;
	n = read(STDIN_FILENO, buf, room);
	if (n <= 0) {
		*open = false; /* EOF: stop polling it */
		return;
	}
	serial_rx(r->dev->console, buf, n);
}

/* Any port I/O or MMIO exit to us: the guest runs (util/life.h). */
static bool run_alive(struct vm *vm)
{
	return atomic_load(&vm->exits[KVM_EXIT_IO]) || atomic_load(&vm->exits[KVM_EXIT_MMIO]);
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
	for (unsigned int i = 0; i < r->vm->nr_vcpus; i++)
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
	gint64 deadline = r->timeout_s ? r->t0_us + (gint64)r->timeout_s * G_USEC_PER_SEC : 0;
	gint64 life_by = r->t0_us + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC;
	bool stdin_open = r->interactive;

	while (__atomic_load_n(&r->vm->end, __ATOMIC_ACQUIRE) == VM_RUNNING) {
		struct pollfd p[3] = { { .fd = r->vm->end_efd, .events = POLLIN },
				       { .fd = r->sig_fd, .events = POLLIN },
				       { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN } };
		bool full = stdin_open && !serial_rx_room(r->dev->console);
		int ms = full ? 10 : -1;
		struct signalfd_siginfo si;

		if (full)
			p[2].fd = -1; /* the guest has not read what it has yet */
		if (deadline) {
			gint64 left = (deadline - g_get_monotonic_time()) / 1000;

			if (left <= 0) {
				vm_end_request(r->vm, VM_END_TIMEOUT, 0,
					       "timed out after %u s (--timeout)", r->timeout_s);
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
	struct vm *vm = r->vm;
	g_autofree char *panic = serial_panic_line(r->dev->console);

	*reason = NULL;
	if (panic && vm->end != VM_END_STATUS && vm->end != VM_END_SIGNAL &&
	    vm->end != VM_END_TIMEOUT) {
		*reason = g_strdup_printf("guest %s", panic);
		return VIPI_EXIT_GUEST_CRASH;
	}
	switch (vm->end) {
	case VM_END_STATUS:
		return vm->end_status;
	case VM_END_POWEROFF:
		return 0;
	case VM_END_RESET:
		if (r->interactive)
			return 0;
		*reason = g_strdup("guest reset before its command reported a status");
		return VIPI_EXIT_GUEST_CRASH;
	case VM_END_TIMEOUT:
		*reason = g_strdup(vm->end_reason);
		return VIPI_EXIT_TIMEOUT;
	case VM_END_SIGNAL:
		return vm->end_status == SIGINT ? VIPI_EXIT_SIGINT : VIPI_EXIT_SIGTERM;
	default:
		*reason = g_strdup(vm->end_reason ? vm->end_reason : "guest stopped");
		return VIPI_EXIT_GUEST_CRASH;
	}
}

static int run_report(struct run *r, int status, const char *reason, bool verbose)
{
	double wall = (g_get_monotonic_time() - r->t0_us) / 1e6;
	g_autofree char *summary = stats_summary(r->vm, wall);
	struct stats_run_info info = { .end = run_end_name(r->vm->end),
				       .reason = reason,
				       .exit_status = status,
				       .wall_s = wall,
				       .command_start_s = devices_command_start_s(r->dev),
				       .mem_mib = r->mem_mib,
				       .pv_ipi = r->pv_ipi,
				       .exits = r->exits };

	if (verbose) {
		struct host_accel h;

		host_accel_read(&h);
		pr_info("host KVM: APICv %s, IPIv %s, AVIC %s", host_accel_str(h.apicv),
			host_accel_str(h.ipiv), host_accel_str(h.avic));
		io_report_ports(r->vm);
	}
	pr_info("%s", summary);
	if (r->stats_path && stats_write_json(r->vm, r->stats_path, &info))
		return VIPI_EXIT_CANTCREAT;
	return 0;
}

static int run_vm(struct run *r, const struct run_opts *o)
{
	g_autofree char *reason = NULL;
	int status, ret;

	ret = run_start(r, o->verbose, o->timing);
	if (ret)
		return ret;
	run_tty_raw(r);
	run_wait(r);
	vcpu_stop_all(r->vm);
	run_tty_restore(r);
	status = run_outcome(r, &reason);
	if (reason)
		pr_err("%s", reason);
	ret = run_report(r, status, reason, o->verbose);
	return ret ? ret : status;
}

static int run_check_files(const struct run *r)
{
	struct boot_config bc = { .kernel = r->kernel,
				  .initrd = r->initrd,
				  .cmd = r->cmd,
				  .mem_bytes = (uint64_t)r->mem_mib << 20,
				  .ncpus = r->ncpus };

	int ret = boot_check(&bc);

	return ret ? cli_status(CLI_STAGE_INPUT, ret) : 0;
}

/* The whole command line, parsed and checked; nothing is opened yet. */
static int run_args(int *argc, char ***argv, struct run_opts *o, struct run *r, enum lab_mode *mode,
		    bool help)
{
	int ret = run_parse(argc, argv, o, &r->cmd, help);

	if (!ret)
		ret = run_config(r, o);
	if (!ret && o->lab && !lab_mode_parse(o->lab, mode))
		ret = VIPI_EXIT_USAGE;
	return ret;
}

int run_check_args(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run r = { 0 };
	enum lab_mode mode = LAB_AUTO;
	int ret = run_args(&argc, &argv, &o, &r, &mode, false);

	g_free(r.kernel);
	g_free(r.initrd);
	g_free(r.cmdline);
	run_opts_free(&o);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	g_auto(GStrv) orig = g_strdupv(argv);
	struct run_opts o = { 0 };
	struct run r = { .t0_us = g_get_monotonic_time(), .sig_fd = -1 };
	enum lab_mode mode = LAB_AUTO;
	g_autofree char *why = NULL;
	bool in_lab;
	int ret;

	log_set_verbose(false);
	ret = run_args(&argc, &argv, &o, &r, &mode, true);
	if (ret)
		goto out;
	log_set_verbose(o.verbose);
	/* Bad files fail here, before /dev/kvm is opened or the lab boots. */
	ret = run_check_files(&r);
	if (ret)
		goto out;
	ret = cli_place(mode, &in_lab, &why);
	if (ret)
		goto out;
	if (in_lab) {
		ret = run_in_lab(&r, why, g_strv_length(orig), orig);
		goto out;
	}
	r.interactive = !r.cmd;
	ret = run_vm(&r, &o);
out:
	if (r.vm && r.vm->nr_vcpus)
		vcpu_stop_all(r.vm);
	run_tty_restore(&r);
	devices_fini(r.dev);
	if (r.vm)
		vcpu_destroy_all(r.vm);
	vm_destroy(r.vm);
	if (r.sig_fd >= 0)
		close(r.sig_fd);
	g_free(r.kernel);
	g_free(r.initrd);
	g_free(r.cmdline);
	run_opts_free(&o);
	return ret;
}
