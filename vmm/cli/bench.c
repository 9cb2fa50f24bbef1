// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi bench [--json F] [--csv F] [--svg F] [--kicks N] [--roundtrips N] [--methods LIST]
 *            [--scenarios LIST] [--vmm LIST] [--suite ipi|boot|all|nohz]
 *            [--seconds S] [--rate N] [--disable-exits LIST] [--halt-poll-ns NS]
 *            [--lab auto|never|always] [--timeout S] [--guest-kernel K]
 *            [--kernel BZIMAGE --kdir KBUILD_TREE]
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
#include "cli/bench.h"
#include "cli/cli.h"
#include "kvm/exits.h"
#include "lab/lab.h"
#include "util/log.h"
#include "cli/status.h"

#define BENCH_LAB_MIB	     3072
#define BENCH_SIGNAL_GRACE_S 60

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
	bench_stop = sig;
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
		return cli_signal_status(bench_stop);
	return ret ? VIPI_EXIT_SOFTWARE : VIPI_OK;
}

static int bench_main(struct bench_plan *p, struct bench_args *a, const char *cmdline)
{
	struct sigaction sa = { .sa_handler = bench_on_signal }, old[3];
	g_autofree char *workdir = g_dir_make_tmp("vipi-bench-XXXXXX", NULL);
	int ret, written;

	if (!workdir) {
		pr_err("bench: cannot create a work directory in %s", g_get_tmp_dir());
		return VIPI_EXIT_CANTCREAT;
	}
	p->o.workdir = workdir;
	sigemptyset(&sa.sa_mask);
	/* A hung-up terminal ends the bench as SIGTERM does: report, tear down. */
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sigaction(SIGHUP, &sa, &old[2]);

	ret = bench_suite(p, a, cmdline, &written);
	ret = bench_status(ret, written);
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
	bench_rm_workdir(workdir);
	return ret;
}

/*
 * --guest-kernel: the guests boot that kernel's directory, not the kit's.
 * In the lab the bench gets the release resolved here, found in its cache.
 * --kernel --kdir: a kernel the user built, its directory built here.
 */
static int bench_guest_kernel(struct bench_args *a, struct bench_plan *p, char **argv)
{
	int ret;

	if (!a->kernel != !a->kdir || (a->kernel && a->guest_kernel)) {
		pr_err("a kernel you built is --kernel BZIMAGE --kdir KBUILD_TREE, without "
		       "--guest-kernel");
		return VIPI_EXIT_USAGE;
	}
	if (a->kdir) {
		/* The lab's bench finds the same directory in the cache. */
		ret = cli_kdir(a->kernel, a->kdir, !g_strcmp0(a->suite, "nohz"), &p->guest_kit);
		if (!ret)
			p->o.kit_dir = p->guest_kit;
		return ret;
	}
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

	if (!bench_parse(&argc, &argv, &a) || !bench_plan(&a, &p, &bench_stop) ||
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
		/* SIGINT/SIGTERM/SIGHUP reach the bench inside, which writes a partial report. */
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
