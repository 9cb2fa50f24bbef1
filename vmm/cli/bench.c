// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi bench [--json F] [--csv F] [--svg F] [--kicks N] [--roundtrips N] [--methods LIST]
 *            [--scenarios LIST] [--vmm LIST] [--suite ipi|boot|all|nohz]
 *            [--seconds S] [--rate N] [--disable-exits LIST] [--halt-poll-ns NS]
 *            [--lab auto|never|always] [--timeout S] [--guest-kernel K]
 *
 * Without /dev/kvm the whole bench re-runs itself inside the lab, so every
 * guest it boots sees a real KVM. SIGINT/SIGTERM stop the current guest;
 * what was measured so far is written, marked partial.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "bench/boot.h"
#include "bench/cost.h"
#include "boot/kernels.h"
#include "devices/vipi.h"
#include "bench/ipi.h"
#include "bench/report.h"
#include "bench/nohz.h"
#include "cli/cli.h"
#include "kvm/exits.h"
#include "lab/lab.h"
#include "util/log.h"
#include "cli/status.h"

/* Room for a 2-vCPU guest, a spinning poller and the VMM's own threads. */
#define BENCH_LAB_CPUS		 4
#define BENCH_LAB_MIB		 3072
#define BENCH_DEFAULT_KICKS	 5000 /* paced: each kick is a whole round trip */
#define BENCH_DEFAULT_ROUNDTRIPS 1000 /* kvm-unit-tests-style, after each phase */
#define BENCH_DEFAULT_TIMEOUT_S	 600
#define BENCH_SIGNAL_GRACE_S	 60

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
	bench_stop = sig;
}

static const char *const bench_all_methods[] = { "native", "kvm-pv", "vipi-doorbell", "vipi",
						 NULL };
static const char *const bench_all_scenarios[] = { "busy", "idle", "flood", NULL };
static const char *const bench_all_vmms[] = { "vipi", "qemu", NULL };

/* Splits LIST at commas; each item must be in ALLOWED. */
static GStrv bench_list(const char *opt, const char *list, const char *const *allowed)
{
	g_auto(GStrv) items = g_strsplit(list, ",", -1);

	if (!*items) {
		pr_err("%s needs at least one item", opt);
		return NULL;
	}
	for (char **i = items; *i; i++) {
		if (!g_strv_contains(allowed, *i)) {
			g_autofree char *ok = g_strjoinv(", ", (char **)allowed);

			pr_err("%s: unknown '%s' (one of %s)", opt, *i, ok);
			return NULL;
		}
	}
	return g_steal_pointer(&items);
}

struct bench_args {
	char *json, *csv, *svg, *kicks, *roundtrips, *methods, *scenarios, *vmm, *suite, *lab;
	char *timeout, *guest_kernel, *vipi_spin_us, *vipi_poller_cpu, *lab_cpus;
	char *seconds, *rate, *disable_exits, *halt_poll_ns; /* the nohz suite */
	gboolean no_trace_exits;
};

static void bench_args_clear(struct bench_args *a)
{
	g_free(a->json), g_free(a->csv), g_free(a->svg), g_free(a->kicks), g_free(a->methods);
	g_free(a->roundtrips);
	g_free(a->scenarios), g_free(a->vmm), g_free(a->suite), g_free(a->lab);
	g_free(a->timeout), g_free(a->guest_kernel);
	g_free(a->vipi_spin_us), g_free(a->vipi_poller_cpu), g_free(a->lab_cpus);
	g_free(a->seconds), g_free(a->rate), g_free(a->disable_exits), g_free(a->halt_poll_ns);
}

static bool bench_parse(int *argc, char ***argv, struct bench_args *a)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	char **cmd;
	GOptionEntry entries[] = {
		CLI_OPT_FILE("json", &a->json, "write the report as JSON", "F"),
		CLI_OPT_FLAG("no-trace-exits", &a->no_trace_exits,
			     "ipi suite: no exits by reason from tracefs (they cost a hash update "
			     "per exit)"),
		CLI_OPT_FILE("csv", &a->csv, "write the rows as CSV", "F"),
		CLI_OPT_FILE("svg", &a->svg, "write a chart", "F"),
		CLI_OPT_STRING("kicks", &a->kicks, "kicks per phase (5000)", "N"),
		CLI_OPT_STRING("roundtrips", &a->roundtrips,
			       "round trips after each phase (the lesser of kicks and 1000)", "N"),
		CLI_OPT_STRING("methods", &a->methods, "native,kvm-pv,vipi-doorbell,vipi (all)",
			       "LIST"),
		CLI_OPT_STRING("scenarios", &a->scenarios, "busy,idle (default), flood", "LIST"),
		CLI_OPT_STRING("vmm", &a->vmm, "vipi,qemu (both)", "LIST"),
		CLI_OPT_STRING("suite", &a->suite, "ipi, boot, all (default) or nohz", "S"),
		CLI_OPT_STRING("seconds", &a->seconds, "nohz: window length (4)", "S"),
		CLI_OPT_STRING("rate", &a->rate, "nohz: events per second per isolated vCPU (300)",
			       "N"),
		CLI_OPT_STRING("disable-exits", &a->disable_exits,
			       "nohz: the exits of the 'exits disabled' configuration (hlt; none: "
			       "skip it)",
			       "LIST"),
		CLI_OPT_STRING("halt-poll-ns", &a->halt_poll_ns,
			       "nohz: KVM's halt-polling window for its guests", "NS"),
		CLI_OPT_STRING("guest-kernel", &a->guest_kernel,
			       "the guests' kernel: a Debian release, or amd64 (the kit's), cloud, "
			       "rt, 6.12, 6.12-cloud, 6.12-rt",
			       "K"),
		CLI_OPT_STRING("vipi-spin-us", &a->vipi_spin_us,
			       "ipi suite: the vipi rows' poller spin window (vipi run's default)",
			       "US"),
		CLI_OPT_STRING("vipi-poller-cpu", &a->vipi_poller_cpu,
			       "ipi suite: pin the vipi rows' poller to host CPU N", "N"),
		CLI_OPT_STRING("lab", &a->lab, "auto, never or always (auto)", "MODE"),
		CLI_OPT_STRING("lab-cpus", &a->lab_cpus, "the lab machine's emulated CPUs (4)",
			       "N"),
		CLI_OPT_STRING("timeout", &a->timeout, "give up on one guest after S seconds (600)",
			       "S"),
		CLI_OPT_END
	};

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(
		ctx, "Measures what a virtual IPI costs (VM exits and cycles per kick) by\n"
		     "method, under vipi and under QEMU/KVM, and how long each takes to boot.\n"
		     "In the lab exit counts are exact and timings emulated.");
	if (!cli_parse(ctx, argc, argv, &cmd))
		return false;
	if (cmd) {
		pr_err("bench takes no guest command");
		return false;
	}
	return true;
}

struct bench_plan {
	struct bench_opts o;
	GStrv vmms;
	char *guest_kit; /* --guest-kernel's directory; NULL: the kit */
	bool ipi, boot, nohz;
	unsigned int lab_cpus;
	struct nohz_args nohz_args;
};

/* The nohz suite's own options (docs/nohz.md). */
static bool bench_plan_nohz(struct bench_args *a, struct bench_plan *p)
{
	struct nohz_args *n = &p->nohz_args;
	struct exits_config exits;

	n->seconds = NOHZ_DEFAULT_SECONDS;
	n->rate = NOHZ_DEFAULT_RATE;
	n->disable_exits = a->disable_exits ? a->disable_exits : "hlt";
	n->halt_poll_ns = a->halt_poll_ns;
	if (a->seconds && !cli_uint("--seconds", a->seconds, 1, 600, &n->seconds))
		return false;
	if (a->rate && !cli_uint("--rate", a->rate, 1, 100000, &n->rate))
		return false;
	/* Checked here; each configuration's `vipi run` applies them. */
	return cli_exits(n->disable_exits, a->halt_poll_ns, &exits);
}

/* The vipi rows' poller options, passed on to `vipi run`; the lab's CPUs. */
static bool bench_plan_poller(struct bench_args *a, struct bench_plan *p)
{
	unsigned int v;

	p->o.vipi_spin_us = p->o.vipi_poller_cpu = -1;
	p->lab_cpus = BENCH_LAB_CPUS;
	if (a->vipi_spin_us) {
		if (!cli_uint("--vipi-spin-us", a->vipi_spin_us, 0, VIPI_SPIN_US_MAX, &v))
			return false;
		p->o.vipi_spin_us = v;
	}
	if (a->vipi_poller_cpu) {
		if (!cli_uint("--vipi-poller-cpu", a->vipi_poller_cpu, 0, 1023, &v))
			return false;
		p->o.vipi_poller_cpu = v;
	}
	return !a->lab_cpus || cli_uint("--lab-cpus", a->lab_cpus, 2, LAB_MAX_CPUS, &p->lab_cpus);
}

static bool bench_plan(struct bench_args *a, struct bench_plan *p)
{
	const char *kit = g_getenv("VIPI_KIT");

	p->o.kit_dir = kit && *kit ? kit : VIPI_KIT_DIR;
	p->o.kicks = BENCH_DEFAULT_KICKS;
	p->o.timeout_s = BENCH_DEFAULT_TIMEOUT_S;
	p->o.stop = &bench_stop;
	p->o.trace_exits = !a->no_trace_exits;
	if (a->kicks && !cli_uint("--kicks", a->kicks, 2, 100000000, &p->o.kicks))
		return false;
	p->o.roundtrips = MIN(p->o.kicks, BENCH_DEFAULT_ROUNDTRIPS);
	if (a->roundtrips && !cli_uint("--roundtrips", a->roundtrips, 1, 100000, &p->o.roundtrips))
		return false;
	if (a->timeout && !cli_uint("--timeout", a->timeout, 1, 24 * 3600, &p->o.timeout_s))
		return false;
	if (!bench_plan_poller(a, p))
		return false;
	p->o.methods = bench_list("--methods",
				  a->methods ? a->methods : "native,kvm-pv,vipi-doorbell,vipi",
				  bench_all_methods);
	p->o.scenarios = bench_list("--scenarios", a->scenarios ? a->scenarios : "busy,idle",
				    bench_all_scenarios);
	p->vmms = bench_list("--vmm", a->vmm ? a->vmm : "vipi,qemu", bench_all_vmms);
	if (!p->o.methods || !p->o.scenarios || !p->vmms)
		return false;
	if (!a->suite || !strcmp(a->suite, "all")) {
		p->ipi = p->boot = true;
	} else if (!strcmp(a->suite, "ipi") || !strcmp(a->suite, "boot")) {
		p->ipi = !strcmp(a->suite, "ipi");
		p->boot = !p->ipi;
	} else if (!strcmp(a->suite, "nohz")) {
		p->nohz = true;
	} else {
		pr_err("--suite takes ipi, boot, all or nohz, not '%s'", a->suite);
		return false;
	}
	return bench_plan_nohz(a, p);
}

static void bench_plan_clear(struct bench_plan *p)
{
	g_strfreev(p->o.methods);
	g_strfreev(p->o.scenarios);
	g_strfreev(p->vmms);
	g_free(p->guest_kit);
}

/* Removes the work directory and what the runs left in it. */
static void bench_rm_workdir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		unlink(p);
	}
	if (d)
		g_dir_close(d);
	rmdir(dir);
}

/* The ipi and boot suites, each to its end: 0 or the first -errno. */
static int bench_run(struct bench_plan *p, struct bench_report *r)
{
	int ret = 0, err;

	if (p->ipi && g_strv_contains((const char *const *)p->vmms, "vipi"))
		ret = bench_ipi_vipi(&p->o, r);
	if (p->ipi && g_strv_contains((const char *const *)p->vmms, "qemu") && !bench_stop) {
		err = bench_ipi_qemu(&p->o, r);
		ret = ret ?: err;
	}
	/* Every row is in: each poller row is weighed against its VMM's native. */
	cost_report(r);
	bench_report_check_stamps(r);
	if (p->boot && !bench_stop) {
		err = bench_boot(&p->o, p->vmms, r);
		ret = ret ?: err;
	}
	return ret;
}

/*
 * Runs the planned suite into its report (the nohz suite has its own), prints
 * the table and writes the files: the suite's 0 or -errno; *WRITTEN: the
 * writing's.
 */
static int bench_suite(struct bench_plan *p, struct bench_args *a, const char *cmdline,
		       int *written)
{
	struct bench_report ipi;
	struct nohz_report nohz;
	struct bench_head *head = p->nohz ? &nohz.head : &ipi.head;
	int ret;

	bench_report_init(&ipi);
	nohz_report_init(&nohz);
	bench_head_init(head, cmdline, p->o.kit_dir);
	nohz.args = p->nohz_args;
	ret = p->nohz ? bench_nohz(&p->o, &nohz) : bench_run(p, &ipi);
	head->partial = bench_stop || ret;
	if (p->nohz)
		nohz_report_print(&nohz, stdout);
	else
		bench_report_print(&ipi, stdout);
	fflush(stdout);
	*written = p->nohz ? nohz_report_write(&nohz, a->json, a->csv, a->svg)
			   : bench_report_write(&ipi, a->json, a->csv, a->svg);
	nohz_report_clear(&nohz);
	bench_report_clear(&ipi);
	return ret;
}

/* The exit status (cli/status.h): the files first, then a signal, then the suite. */
static int bench_status(int ret, int written)
{
	if (written)
		return VIPI_EXIT_CANTCREAT;
	if (bench_stop)
		return bench_stop == SIGINT ? VIPI_EXIT_SIGINT : VIPI_EXIT_SIGTERM;
	return ret ? VIPI_EXIT_SOFTWARE : VIPI_OK;
}

static int bench_main(struct bench_plan *p, struct bench_args *a, const char *cmdline)
{
	struct sigaction sa = { .sa_handler = bench_on_signal }, old[2];
	g_autofree char *workdir = g_dir_make_tmp("vipi-bench-XXXXXX", NULL);
	int ret, written;

	if (!workdir) {
		pr_err("bench: cannot create a work directory in %s", g_get_tmp_dir());
		return VIPI_EXIT_CANTCREAT;
	}
	p->o.workdir = workdir;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);

	ret = bench_suite(p, a, cmdline, &written);
	ret = bench_status(ret, written);
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	bench_rm_workdir(workdir);
	return ret;
}

/*
 * --guest-kernel: the guests boot that kernel's directory, not the kit's.
 * In the lab the bench gets the release resolved here, found in its cache.
 */
static int bench_guest_kernel(struct bench_args *a, struct bench_plan *p, char **argv)
{
	int ret;

	if (!a->guest_kernel)
		return 0;
	ret = cli_guest_kernel(a->guest_kernel, &p->guest_kit);
	if (ret)
		return ret;
	p->o.kit_dir = p->guest_kit;
	cli_argv_set(argv, "--guest-kernel", kernels_release(p->guest_kit));
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	g_autofree char *cmdline = g_strjoinv(" ", argv);
	struct bench_args a = { 0 };
	struct bench_plan p = { 0 };
	enum lab_mode mode = LAB_AUTO;
	g_autofree char *why = NULL;
	int ret = VIPI_EXIT_USAGE;
	bool in_lab;
	g_auto(GStrv) orig_argv = g_strdupv(argv);

	if (!bench_parse(&argc, &argv, &a) || !bench_plan(&a, &p) ||
	    (a.lab && !lab_mode_parse(a.lab, &mode)))
		goto out;
	ret = bench_guest_kernel(&a, &p, orig_argv);
	if (!ret)
		ret = cli_place(mode, &in_lab, &why);
	if (ret)
		goto out;
	if (in_lab) {
		struct lab_config cfg;

		lab_config_init(&cfg);
		cfg.why = why;
		cfg.cpus = p.lab_cpus;
		cfg.mem_mib = BENCH_LAB_MIB;
		/* SIGINT/SIGTERM reach the bench inside, which writes a partial report. */
		cfg.signal_grace_s = BENCH_SIGNAL_GRACE_S;
		ret = cli_lab_reexec(&cfg, "bench", g_strv_length(orig_argv), orig_argv);
		goto out;
	}
	ret = bench_main(&p, &a, cmdline);
out:
	bench_plan_clear(&p);
	bench_args_clear(&a);
	return ret;
}
