// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vipi bench`'s command line into a struct bench_plan: every option checked
 * here, once, before any guest boots.
 */
#include <string.h>

#include "config.h"
#include "boot/kernels.h"
#include "devices/vipi.h"
#include "cli/bench.h"
#include "cli/cli.h"
#include "kvm/exits.h"
#include "lab/lab.h"
#include "util/log.h"

/* Room for a 2-vCPU guest, a spinning poller and the VMM's own threads. */
#define BENCH_LAB_CPUS		 4
#define BENCH_DEFAULT_KICKS	 5000 /* paced: each kick is a whole round trip */
#define BENCH_DEFAULT_ROUNDTRIPS 1000 /* kvm-unit-tests-style, after each phase */
#define BENCH_DEFAULT_TIMEOUT_S	 600

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

void bench_args_clear(struct bench_args *a)
{
	g_free(a->json), g_free(a->csv), g_free(a->svg), g_free(a->kicks), g_free(a->methods);
	g_free(a->roundtrips);
	g_free(a->scenarios), g_free(a->vmm), g_free(a->suite), g_free(a->lab);
	g_free(a->timeout), g_free(a->guest_kernel), g_free(a->kernel), g_free(a->kdir);
	g_free(a->vipi_spin_us), g_free(a->vipi_poller_cpu), g_free(a->lab_cpus);
	g_free(a->seconds), g_free(a->rate), g_free(a->disable_exits), g_free(a->halt_poll_ns);
}

bool bench_parse(int *argc, char ***argv, struct bench_args *a)
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
		CLI_OPT_FILE("kernel", &a->kernel,
			     "the guests' kernel, one you built (with --kdir, not --guest-kernel)",
			     "BZIMAGE"),
		CLI_OPT_FILE("kdir", &a->kdir,
			     "--kernel's Kbuild tree: the modules and images built against it",
			     "DIR"),
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

bool bench_plan(struct bench_args *a, struct bench_plan *p, volatile sig_atomic_t *stop)
{
	const char *kit = g_getenv("VIPI_KIT");

	p->o.kit_dir = kit && *kit ? kit : VIPI_KIT_DIR;
	p->o.kicks = BENCH_DEFAULT_KICKS;
	p->o.timeout_s = BENCH_DEFAULT_TIMEOUT_S;
	p->o.stop = stop;
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

void bench_plan_clear(struct bench_plan *p)
{
	g_strfreev(p->o.methods);
	g_strfreev(p->o.scenarios);
	g_strfreev(p->vmms);
	g_free(p->guest_kit);
}
