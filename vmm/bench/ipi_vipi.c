// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi rows. The bench runs its own binary as `vipi run --lab never` (the
 * bench already re-ran itself where there is KVM) with the kit's kernel and
 * initramfs and vmm/bench/guest-vipi.sh as the guest command. The module's
 * stream marks phase LABEL before its kicks and LABEL+1 after them; at each
 * mark `vipi run` snapshots every vCPU's KVM stats into its --stats JSON and
 * logs its userspace exit count and the poller's CPU time on stderr. A row
 * is the difference between the two marks: nothing from boot or setup.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench/ipi.h"
#include "bench/phase.h"
#include "bench/vrun.h"
#include "devices/vipi.h"
#include "util/log.h"

/* Every userspace exit is counted by vipi itself, from its log, not by KVM. */
static const char *const ipi_vipi_no_stats[] = { NULL };

static char **ipi_vipi_argv(const struct vrun *run, const char *script)
{
	const struct bench_opts *o = run->o;
	g_autofree char *self = vrun_self();
	g_autofree char *methods = g_strjoinv(" ", o->methods);
	g_autofree char *scenarios = g_strjoinv(" ", o->scenarios);
	GPtrArray *a = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("%s", self);
	ARG("run"), ARG("--lab=never");
	ARG("--kernel"), ARG("%s/vmlinuz", o->kit_dir);
	ARG("--initrd"), ARG("%s/bench.cpio.gz", o->kit_dir);
	ARG("--cpus"), ARG("%u", BENCH_VCPUS);
	ARG("--mem"), ARG("%u", BENCH_GUEST_MIB);
	ARG("--stats"), ARG("%s", run->stats);
	ARG("--timeout"), ARG("%u", o->timeout_s);
	if (o->trace_exits)
		ARG("--trace-exits");
	if (o->vipi_spin_us >= 0)
		ARG("--vipi-spin-us"), ARG("%d", o->vipi_spin_us);
	if (o->vipi_poller_cpu >= 0)
		ARG("--vipi-poller-cpu"), ARG("%d", o->vipi_poller_cpu);
	ARG("--"), ARG("sh"), ARG("-c"), ARG("%s", script), ARG("vipi-bench");
	ARG("%u", o->kicks), ARG("%s", methods), ARG("%s", scenarios), ARG("%u", o->roundtrips);
#undef ARG
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

struct ipi_vipi_data {
	GHashTable *snaps; /* "phase-N" -> per-vCPU tables */
	GHashTable *marks; /* N -> the device's log values */
};

/*
 * A thread's CPU clock, read at two marks less than IPI_VIPI_SHORT_S apart
 * (the adaptive device's whole stream, in the lab), gives a ratio too
 * coarse to trust (over 1.0 was seen): the row says so.
 */
#define IPI_VIPI_SHORT_S 0.01

static void ipi_vipi_note_short(struct bench_row *row)
{
	double s = row->kicks / row->kicks_per_second;
	g_autofree char *older = NULL;

	if (!(s < IPI_VIPI_SHORT_S) || isnan(row->poller_cpu_per_s))
		return;
	older = g_steal_pointer(&row->note);
	row->note = g_strdup_printf("poller_cpu_per_s over a %.2f ms stream: coarse%s%s", s * 1e3,
				    older ? "; " : "", older ? older : "");
}

/* One vCPU's exits in DELTA, NAN without it. */
static double ipi_vipi_exits(GPtrArray *delta, guint vcpu)
{
	guint64 *v;

	if (!delta || vcpu >= delta->len)
		return NAN;
	v = g_hash_table_lookup(g_ptr_array_index(delta, vcpu), "exits");
	return v ? (double)*v : NAN;
}

/*
 * The round trips ran between the marks LABEL+2 and LABEL+3: their exits
 * and the poller's wake-ups per round trip, for the round trip's split
 * (docs/measuring.md). The marks' own exits are outside.
 */
static void ipi_vipi_round_trips(struct ipi_vipi_data *d, struct bench_row *row, GHashTable *res,
				 unsigned long label)
{
	g_autofree char *k2 = g_strdup_printf("phase-%lu", label + 2);
	g_autofree char *k3 = g_strdup_printf("phase-%lu", label + 3);
	g_autoptr(GPtrArray) delta = NULL;
	double rts = phase_field(res, "roundtrips") + phase_field(res, "roundtrip_late") +
		     phase_field(res, "roundtrip_lost");

	if (!(rts > 0))
		return;
	delta = phase_delta(g_hash_table_lookup(d->snaps, k2), g_hash_table_lookup(d->snaps, k3));
	/* The mark LABEL+3 is itself one sender exit. */
	row->roundtrip_sender_exits = (ipi_vipi_exits(delta, PHASE_SENDER) - 1) / rts;
	row->roundtrip_receiver_exits = ipi_vipi_exits(delta, PHASE_RECEIVER) / rts;
	row->roundtrip_poller_wakeups = vrun_mark_delta(d->marks, label + 2, "wakeups") / rts;
}

/* A row from "RESULT METHOD SCENARIO k=v ..."; NULL (and a warning) if unusable. */
static struct bench_row *ipi_vipi_row(struct ipi_vipi_data *d, char **w)
{
	g_autoptr(GHashTable) res = phase_parse_result(w[3]);
	const char *ls = g_hash_table_lookup(res, "label");
	unsigned long label = ls ? strtoul(ls, NULL, 10) : 0;
	g_autofree char *k0 = g_strdup_printf("phase-%lu", label);
	g_autofree char *k1 = g_strdup_printf("phase-%lu", label + 1);
	g_autoptr(GPtrArray) delta = NULL;
	struct bench_row *row;
	double us, cpu_ns, mc;

	if (label && !g_strcmp0(g_hash_table_lookup(res, "marked"), "1"))
		delta = phase_delta(g_hash_table_lookup(d->snaps, k0),
				    g_hash_table_lookup(d->snaps, k1));
	row = phase_row("vipi", w[1], w[2], delta, NULL, res, 0, ipi_vipi_no_stats);
	if (!row) {
		pr_warn("bench: vipi %s %s: no kick counts in '%s'", w[1], w[2], w[3]);
		return NULL;
	}
	if (!delta) {
		g_free(row->note);
		row->note = g_strdup_printf("no KVM snapshots for phase marks %lu/%lu", label,
					    label + 1);
	}
	/* The mark LABEL+1 is itself one userspace exit, not the kicks'. */
	us = vrun_mark_delta(d->marks, label, "userspace_exits") - 1;
	row->userspace_exits_per_kick = delta && us >= 0 ? us / row->kicks : NAN;
	cpu_ns = vrun_mark_delta(d->marks, label, "poller_cpu_ns");
	row->poller_cpu_seconds = cpu_ns / 1e9;
	/* The marks bracket the send loop, whose seconds kicks/s was taken over. */
	row->poller_cpu_per_s = row->poller_cpu_seconds * row->kicks_per_second / row->kicks;
	ipi_vipi_note_short(row);
	/*
	 * Words the poller took whose vector KVM found already pending merged
	 * there. A paced stream has counted every kick once already (an
	 * interrupt of its own, or merged): there it would count a kick twice.
	 */
	mc = vrun_mark_delta(d->marks, label, "inject_coalesced");
	if (mc > 0 && phase_field(res, "paced") != 1)
		row->coalesced += mc;
	if (delta)
		ipi_vipi_round_trips(d, row, res, label);
	if (isnan(us) || isnan(cpu_ns))
		pr_warn("bench: vipi %s %s: the device's log lacks phase %lu or %lu", w[1], w[2],
			label, label + 1);
	return row;
}

/* Rows from the guest's output, once `vipi run` has ended. */
static void ipi_vipi_collect(struct vrun *run, struct bench_report *r, bool *done)
{
	struct ipi_vipi_data d = { vrun_snapshots(run), vrun_dev_marks(run->err) };
	g_auto(GStrv) lines = vrun_lines(run->out);

	*done = false;
	for (char **l = lines; *l; l++) {
		g_auto(GStrv) w = g_strsplit(g_strchomp(*l), " ", 4);
		struct bench_row *row;

		if (!g_strcmp0(w[0], "DONE"))
			*done = true;
		if (g_strcmp0(w[0], "RESULT") || g_strv_length(w) < 4)
			continue;
		row = ipi_vipi_row(&d, w);
		if (row)
			g_ptr_array_add(r->rows, row);
	}
	g_hash_table_unref(d.snaps);
	g_hash_table_unref(d.marks);
}

int bench_ipi_vipi(const struct bench_opts *o, struct bench_report *r)
{
	static const char *const progress[] = { "RESULT ", "SKIP ", NULL };
	g_autofree char *script = NULL;
	g_auto(GStrv) argv = NULL;
	guint first = r->rows->len;
	bool done = false;
	struct vrun run;
	int ret;

	ret = bench_script("guest-vipi.sh", &script);
	if (ret)
		return ret;
	vrun_init(&run, o, "vipi", progress);
	argv = ipi_vipi_argv(&run, script);
	pr_info("bench: vipi: booting a %u-vCPU guest for %u kicks per phase", BENCH_VCPUS,
		o->kicks);
	ret = vrun_spawn(&run, argv);
	if (!ret) {
		vrun_wait(&run);
		ipi_vipi_collect(&run, r, &done);
		if (!done || !vrun_ok(&run))
			ret = *o->stop ? -ECANCELED : -EIO;
	}
	if (run.exited && ret && !*o->stop) {
		g_autofree char *tail = vrun_err_tail(&run);

		pr_err("bench: vipi: the guest did not finish (vipi run status %d): %s",
		       WIFEXITED(run.status) ? WEXITSTATUS(run.status) : 128 + WTERMSIG(run.status),
		       tail);
	}
	for (guint i = first; ret && i < r->rows->len; i++)
		((struct bench_row *)g_ptr_array_index(r->rows, i))->partial = true;
	vrun_clear(&run);
	return ret;
}
