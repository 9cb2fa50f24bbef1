// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nohz suite's runs: one `vipi run` guest per exits setting, each going
 * through every configuration (vmm/bench/guest-nohz.sh), and the arithmetic
 * from its output and KVM snapshots to rows. See nohz.h for the figures.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/cost.h"
#include "bench/nohz.h"
#include "bench/phase.h"
#include "bench/vrun.h"
#include "util/log.h"

#define NOHZ_GUEST_MIB 512
#define NOHZ_LABEL0    100

static const char *const nohz_configs = "absent takeover-off takeover-on";
static const char *const nohz_progress[] = { "WINDOW ", "SKIP ", NULL };
/* KVM per-vCPU stats shown per isolated vCPU, beside the total. */
static const char *const nohz_kinds[] = {
	"io_exits",	     "halt_exits",  "irq_exits", "irq_window_exits",
	"request_irq_exits", "halt_wakeup", NULL
};

/* One window of the guest's output: generator counts and per-CPU deltas. */
struct nohz_window {
	char *config, *kind;
	unsigned long label;
	GHashTable *gen;  /* "dep_kicks" ... -> string */
	GPtrArray *cpus;  /* GHashTable: "cpu", "loc", ... -> string */
	GPtrArray *delta; /* per-vCPU KVM stat deltas, NULL if unmarked */
};

static void nohz_window_free(gpointer p)
{
	struct nohz_window *w = p;

	g_free(w->config);
	g_free(w->kind);
	g_clear_pointer(&w->gen, g_hash_table_unref);
	g_clear_pointer(&w->cpus, g_ptr_array_unref);
	g_clear_pointer(&w->delta, g_ptr_array_unref);
	g_free(w);
}

static double nohz_num(GHashTable *t, const char *k)
{
	const char *v = t ? g_hash_table_lookup(t, k) : NULL;

	return v ? g_ascii_strtod(v, NULL) : NAN;
}

static double nohz_stat(GPtrArray *delta, unsigned int vcpu, const char *name)
{
	GHashTable *t = delta && vcpu < delta->len ? g_ptr_array_index(delta, vcpu) : NULL;
	guint64 *v = t ? g_hash_table_lookup(t, name) : NULL;

	return v ? (double)*v : NAN;
}

static struct nohz_window *nohz_find(GPtrArray *ws, const char *config, const char *kind)
{
	for (guint i = 0; i < ws->len; i++) {
		struct nohz_window *w = g_ptr_array_index(ws, i);

		if (!strcmp(w->config, config) && !strcmp(w->kind, kind))
			return w;
	}
	return NULL;
}

/* "WINDOW CONFIG KIND LABEL k=v..." and "CPU CONFIG KIND CPU k=v..." lines. */
static GPtrArray *nohz_parse(const char *out, GHashTable *snaps)
{
	GPtrArray *ws = g_ptr_array_new_with_free_func(nohz_window_free);
	g_auto(GStrv) lines = vrun_lines(out);

	for (char **l = lines; *l; l++) {
		g_auto(GStrv) f = g_strsplit(g_strchomp(*l), " ", 5);
		struct nohz_window *w;

		if (g_strv_length(f) < 5)
			continue;
		if (!strcmp(f[0], "WINDOW")) {
			g_autofree char *k0 = g_strdup_printf("phase-%s", f[3]);
			g_autofree char *k1 = NULL;

			w = g_new0(struct nohz_window, 1);
			w->config = g_strdup(f[1]);
			w->kind = g_strdup(f[2]);
			w->label = strtoul(f[3], NULL, 10);
			k1 = g_strdup_printf("phase-%lu", w->label + 1);
			w->gen = phase_parse_result(f[4]);
			w->cpus =
				g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
			w->delta = phase_delta(g_hash_table_lookup(snaps, k0),
					       g_hash_table_lookup(snaps, k1));
			g_ptr_array_add(ws, w);
		} else if (!strcmp(f[0], "CPU") && (w = nohz_find(ws, f[1], f[2]))) {
			GHashTable *c = phase_parse_result(f[4]);

			g_hash_table_replace(c, g_strdup("cpu"), g_strdup(f[3]));
			g_ptr_array_add(w->cpus, c);
		}
	}
	return ws;
}

/* Sum of CAL + RES over the isolated CPUs, and the window's wall seconds. */
static double nohz_kicks(const struct nohz_window *w, double *wall_s)
{
	double sum = 0;

	*wall_s = NAN;
	for (guint i = 0; i < w->cpus->len; i++) {
		GHashTable *c = g_ptr_array_index(w->cpus, i);

		sum += nohz_num(c, "cal") + nohz_num(c, "res");
		*wall_s = nohz_num(c, "wall_ns") / 1e9;
	}
	return sum;
}

/* tracefs' exits by reason (vipi run --trace-exits), where it had them. */
static void nohz_row_trace(GHashTable *kinds, GPtrArray *delta, unsigned int cpu, double s)
{
	GHashTable *t = delta && cpu < delta->len ? g_ptr_array_index(delta, cpu) : NULL;
	GHashTableIter it;
	gpointer k, v;

	if (!t)
		return;
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (g_str_has_prefix(k, "trace_") && strcmp(k, PHASE_TRACE_SKEW))
			bench_stats_set(kinds, k, *(guint64 *)v / s);
}

static struct nohz_row *nohz_row(const char *exits, const struct nohz_window *w, GHashTable *c)
{
	struct nohz_row *row = g_new0(struct nohz_row, 1);
	unsigned int cpu = nohz_num(c, "cpu");
	double s = nohz_num(c, "wall_ns") / 1e9;

	row->exits = g_strdup(exits);
	row->config = g_strdup(w->config);
	row->cpu = cpu;
	row->window_s = s;
	row->exits_per_s = nohz_stat(w->delta, cpu, "exits") / s;
	row->exits_by_kind = bench_stats_new();
	for (const char *const *k = nohz_kinds; *k; k++)
		bench_stats_set(row->exits_by_kind, *k, nohz_stat(w->delta, cpu, *k) / s);
	nohz_row_trace(row->exits_by_kind, w->delta, cpu, s);
	row->local_timer_per_s = nohz_num(c, "loc") / s;
	row->kicks_per_s = (nohz_num(c, "cal") + nohz_num(c, "res")) / s;
	row->lost_cpu_ms_per_s = (nohz_num(c, "wall_ns") - nohz_num(c, "run_ns")) / 1e6 / s;
	return row;
}

/* vCPU 0's STAT over the load window minus the dry window's, scaled. */
static double nohz_hk_stat(const struct nohz_window *load, const struct nohz_window *dry,
			   double scale, const char *stat)
{
	return nohz_stat(load->delta, 0, stat) - nohz_stat(dry->delta, 0, stat) * scale;
}

/*
 * The housekeeping figures of CONFIG: the load window minus the dry one.
 * The exits that send an IPI are counted by path, each exactly: x2APIC ICR
 * writes (tracefs), PV IPI hypercalls and PIO exits (the vipi doorbell);
 * the dry window takes out what the loop itself does (the phase marks are
 * one PIO exit each in both). Without tracefs only the difference of all
 * exits is left, scaled to the load window's length, which timer and idle
 * exits blur.
 */
static struct nohz_hk *nohz_hk(const char *exits, const struct nohz_window *load,
			       const struct nohz_window *dry, GHashTable *marks)
{
	struct nohz_hk *hk = g_new0(struct nohz_hk, 1);
	double load_s, dry_s, kicks_load = nohz_kicks(load, &load_s);
	double kicks_dry = nohz_kicks(dry, &dry_s), scale = load_s / dry_s;
	bool by_path;

	hk->exits = g_strdup(exits);
	hk->config = g_strdup(load->config);
	hk->events = nohz_num(load->gen, "dep_kicks") + nohz_num(load->gen, "csd_sent") +
		     nohz_num(load->gen, "wakeups");
	hk->kicks = kicks_load - kicks_dry * scale;
	/* Per-window counts (the marks' own PIO), not rates: subtracted unscaled. */
	hk->icr_writes = nohz_hk_stat(load, dry, 1, "trace_icr_writes");
	hk->hypercalls = nohz_hk_stat(load, dry, 1, "hypercalls");
	hk->pio = nohz_hk_stat(load, dry, 1, "io_exits");
	by_path = !isnan(hk->icr_writes);
	hk->send_method = by_path ? NOHZ_SEND_BY_PATH : NOHZ_SEND_ALL;
	hk->send_exits = by_path ? hk->icr_writes + hk->hypercalls + hk->pio
				 : nohz_hk_stat(load, dry, scale, "exits");
	hk->send_exits_per_kick = hk->kicks > 0 ? hk->send_exits / hk->kicks : NAN;
	hk->reduction = NAN;
	hk->lost = nohz_num(load->gen, "csd_done") != nohz_num(load->gen, "csd_sent");
	hk->poller_cpu_per_s = vrun_mark_delta(marks, load->label, "poller_cpu_ns") / 1e9 / load_s;
	hk->exits_saved_per_kick = NAN;
	hk->breakeven_exit_ns = NAN;
	hk->breakeven_kicks_per_s = NAN;
	return hk;
}

/*
 * HK's break-even against ABSENT: the send exits it saves per kick, at the
 * published cost of an exit (the suite measures no cycles, so on real KVM
 * too), against its poller's CPU per second.
 */
static void nohz_breakeven(struct nohz_hk *hk, const struct nohz_hk *absent)
{
	if (isnan(hk->poller_cpu_per_s) || isnan(hk->send_exits_per_kick) ||
	    isnan(absent->send_exits_per_kick))
		return;
	hk->exits_saved_per_kick = absent->send_exits_per_kick - hk->send_exits_per_kick;
	hk->breakeven_exit_ns = COST_PAPER_EXIT_NS;
	hk->breakeven_basis = "on paper: " COST_PAPER_EXIT_SOURCE;
	if (hk->exits_saved_per_kick > 0)
		hk->breakeven_kicks_per_s = hk->poller_cpu_per_s /
					    (hk->exits_saved_per_kick * COST_PAPER_EXIT_NS * 1e-9);
}

/* Rows and housekeeping figures of one guest run into R. */
static void nohz_collect(const char *exits, GPtrArray *ws, GHashTable *marks, struct nohz_report *r)
{
	struct nohz_hk *absent = NULL;

	for (guint i = 0; i < ws->len; i++) {
		struct nohz_window *load = g_ptr_array_index(ws, i);
		struct nohz_window *dry = nohz_find(ws, load->config, "dry");
		struct nohz_hk *hk;

		if (strcmp(load->kind, "load"))
			continue;
		for (guint k = 0; k < load->cpus->len; k++)
			g_ptr_array_add(r->rows,
					nohz_row(exits, load, g_ptr_array_index(load->cpus, k)));
		if (!dry || !load->delta || !dry->delta) {
			pr_warn("bench: nohz: %s/%s: no dry window or no KVM snapshots", exits,
				load->config);
			continue;
		}
		hk = nohz_hk(exits, load, dry, marks);
		if (!strcmp(hk->config, "absent"))
			absent = hk;
		else if (absent && absent->send_exits_per_kick > 0)
			hk->reduction = 1 - hk->send_exits_per_kick / absent->send_exits_per_kick;
		if (absent && absent != hk)
			nohz_breakeven(hk, absent);
		g_ptr_array_add(r->hk, hk);
	}
}

static char **nohz_argv(const struct vrun *run, const char *script, const char *exits,
			const struct nohz_args *a)
{
	g_autofree char *self = vrun_self();
	GPtrArray *v = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(v, g_strdup_printf(__VA_ARGS__))
	ARG("%s", self), ARG("run"), ARG("--lab=never");
	ARG("--kernel"), ARG("%s/vmlinuz", run->o->kit_dir);
	ARG("--initrd"), ARG("%s/bench.cpio.gz", run->o->kit_dir);
	ARG("--cpus"), ARG("%u", NOHZ_VCPUS);
	ARG("--mem"), ARG("%u", NOHZ_GUEST_MIB);
	ARG("--stats"), ARG("%s", run->stats);
	ARG("--timeout"), ARG("%u", run->o->timeout_s);
	ARG("--append"), ARG("nohz_full=1-%u rcu_nocbs=1-%u", NOHZ_VCPUS - 1, NOHZ_VCPUS - 1);
	ARG("--vipi-spin-us"), ARG("%u", NOHZ_POLLER_SPIN_US);
	ARG("--trace-exits");
	if (strcmp(exits, "none"))
		ARG("--disable-exits"), ARG("%s", exits);
	if (a->halt_poll_ns)
		ARG("--halt-poll-ns"), ARG("%s", a->halt_poll_ns);
	ARG("--"), ARG("sh"), ARG("-c"), ARG("%s", script), ARG("vipi-nohz");
	ARG("%u", a->seconds), ARG("%u", a->rate), ARG("%s", nohz_configs), ARG("%u", NOHZ_LABEL0);
#undef ARG
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

static int nohz_run_one(const struct bench_opts *o, const char *exits, struct nohz_report *r)
{
	g_autofree char *script = NULL;
	g_autoptr(GHashTable) snaps = NULL, marks = NULL;
	g_autoptr(GPtrArray) ws = NULL;
	g_auto(GStrv) argv = NULL;
	struct vrun run;
	int ret;

	ret = bench_script("guest-nohz.sh", &script);
	if (ret)
		return ret;
	vrun_init(&run, o, "nohz", nohz_progress);
	argv = nohz_argv(&run, script, exits, &r->args);
	pr_info("bench: nohz: exits disabled: %s; %u s windows at %u events/s", exits,
		r->args.seconds, r->args.rate);
	ret = vrun_spawn(&run, argv);
	if (!ret) {
		vrun_wait(&run);
		snaps = vrun_snapshots(&run);
		ws = nohz_parse(run.out, snaps);
		marks = vrun_dev_marks(run.err);
		nohz_collect(exits, ws, marks, r);
		if (!vrun_ok(&run)) {
			g_autofree char *tail = vrun_err_tail(&run);

			pr_err("bench: nohz: the guest did not finish (exits disabled: %s): %s",
			       exits, tail);
			ret = *o->stop ? -ECANCELED : -EIO;
		}
	}
	vrun_clear(&run);
	return ret;
}

int bench_nohz(const struct bench_opts *o, struct nohz_report *r)
{
	int ret = nohz_run_one(o, "none", r), err;

	if (!*o->stop && r->args.disable_exits && strcmp(r->args.disable_exits, "none")) {
		err = nohz_run_one(o, r->args.disable_exits, r);
		ret = ret ?: err;
	}
	return ret ?: (*o->stop ? -ECANCELED : 0);
}
