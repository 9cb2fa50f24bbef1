// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rows from phases. Per-kick exit counts are the raw stat deltas over the
 * stream divided by the kicks sent: nothing is subtracted. The handshake's
 * own exits are measured by the calibration phase (one kick, same marks)
 * and recorded beside the row, so a reader can see how small they are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/phase.h"

/* The per-vCPU counters copied into each row (KVM's names). */
static const char *const phase_stats[] = {
	"exits",
	"io_exits",
	"mmio_exits",
	"irq_exits",
	"halt_exits",
	"halt_wakeup",
	"hypercalls",
	"signal_exits",
	"irq_injections",
	"irq_window_exits",
	"request_irq_exits",
	"insn_emulation",
	"halt_successful_poll",
	"halt_attempted_poll",
	"nmi_window_exits",
	NULL,
};

static guint64 phase_get(GHashTable *t, const char *name)
{
	guint64 *v = t ? g_hash_table_lookup(t, name) : NULL;

	return v ? *v : 0;
}

GPtrArray *phase_delta(GPtrArray *begin, GPtrArray *end)
{
	GPtrArray *d;

	if (!begin || !end || begin->len != end->len)
		return NULL;
	d = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	for (guint i = 0; i < end->len; i++) {
		GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, g_ptr_array_index(end, i));
		while (g_hash_table_iter_next(&it, &k, &v)) {
			/* Counters only grow; a smaller one is a reset, not a delta. */
			guint64 b = phase_get(g_ptr_array_index(begin, i), k);
			guint64 n = *(guint64 *)v >= b ? *(guint64 *)v - b : 0;

			/* Not a counter: the phase's slack is both ends' (kvm/trace.h). */
			if (!strcmp(k, PHASE_TRACE_SKEW))
				n = *(guint64 *)v + b;

			g_hash_table_insert(t, g_strdup(k), g_memdup2(&n, sizeof(n)));
		}
		g_ptr_array_add(d, t);
	}
	return d;
}

GHashTable *phase_parse_result(const char *line)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_auto(GStrv) words = g_strsplit_set(line, " \t\n", -1);

	for (char **w = words; *w; w++) {
		char *eq = strchr(*w, '=');

		if (eq && eq != *w)
			g_hash_table_insert(t, g_strndup(*w, eq - *w), g_strdup(eq + 1));
	}
	return t;
}

double phase_field(GHashTable *result, const char *name)
{
	const char *s = g_hash_table_lookup(result, name);
	char *end;
	double v;

	if (!s || !*s)
		return NAN;
	v = g_ascii_strtod(s, &end);
	return *end ? NAN : v;
}

static GHashTable *phase_vcpu(GPtrArray *a, guint i)
{
	return a && i < a->len ? g_ptr_array_index(a, i) : NULL;
}

static void phase_copy_stat(GHashTable *dst, GHashTable *delta, GHashTable *calib, const char *name)
{
	g_autofree char *cname = g_strdup_printf("calibration_%s", name);

	if (delta && g_hash_table_contains(delta, name))
		bench_stats_set(dst, name, phase_get(delta, name));
	if (calib && g_hash_table_contains(calib, name))
		bench_stats_set(dst, cname, phase_get(calib, name));
}

/* KVM's counters above, then tracefs' exits by reason where the run had them. */
static void phase_copy_stats(GHashTable *dst, GHashTable *delta, GHashTable *calib)
{
	GHashTableIter it;
	gpointer k;

	for (const char *const *s = phase_stats; *s; s++)
		phase_copy_stat(dst, delta, calib, *s);
	if (!delta)
		return;
	g_hash_table_iter_init(&it, delta);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (g_str_has_prefix(k, "trace_"))
			phase_copy_stat(dst, delta, calib, k);
}

static double phase_userspace(GPtrArray *delta, const char *const *names)
{
	double sum = 0;

	for (const char *const *n = names; *n; n++)
		for (guint i = 0; delta && i < delta->len; i++)
			sum += phase_get(g_ptr_array_index(delta, i), *n);
	return sum;
}

/*
 * The module's delivered= (kicks with an interrupt of their own), coalesced=
 * (kicks merged: in the mailbox, or with a kernel IPI), target_interrupts=
 * (the target's raw call-function count), kernel_ipis= (the kernel's own
 * IPIs to it) and coalesced_kernel= (the kicks that shared an interrupt
 * with one). A module without the first two leaves them 0 and says so in
 * the note; an older one without the others leaves those 0.
 */
static void phase_deliveries(struct bench_row *row, GHashTable *result)
{
	double delivered = phase_field(result, "delivered");
	double coalesced = phase_field(result, "coalesced");
	double target = phase_field(result, "target_interrupts");
	double kernel = phase_field(result, "kernel_ipis");
	double shared = phase_field(result, "coalesced_kernel");

	if (isnan(delivered) || isnan(coalesced)) {
		row->note = g_strdup("the module gave no delivered= or coalesced=");
		return;
	}
	row->delivered = delivered;
	row->coalesced = coalesced;
	if (!isnan(target) && !isnan(kernel) && !isnan(shared)) {
		row->target_interrupts = target;
		row->kernel_ipis = kernel;
		row->coalesced_kernel = shared;
	}
}

/*
 * The round trip and its split: the send, and the kick until the target's
 * thread saw its interrupt (only when it stamped at least one round trip).
 */
static void phase_round_trip(struct bench_row *row, GHashTable *result)
{
	double rts = phase_field(result, "roundtrips");

	row->roundtrip_cycles = phase_field(result, "roundtrip_cycles");
	row->roundtrip_post_cycles = phase_field(result, "roundtrip_post_cycles");
	if (phase_field(result, "roundtrip_stamped") > 0)
		row->roundtrip_handler_cycles = phase_field(result, "roundtrip_handler_cycles");
	if (rts > 0)
		row->roundtrip_doorbells = phase_field(result, "roundtrip_doorbells") / rts;
}

struct bench_row *phase_row(const char *vmm, const char *method, const char *scenario,
			    GPtrArray *delta, GPtrArray *calib, GHashTable *result, double tsc_mhz,
			    const char *const *userspace_stats)
{
	double kicks = phase_field(result, "kicks"), sent = phase_field(result, "sent");
	double cycles = phase_field(result, "cycles"), lost = phase_field(result, "lost");
	double ns = phase_field(result, "ns");
	GHashTable *snd = phase_vcpu(delta, PHASE_SENDER), *rcv = phase_vcpu(delta, PHASE_RECEIVER);
	struct bench_row *row;

	if (isnan(kicks) || isnan(sent) || sent <= 0)
		return NULL;
	row = bench_row_new(vmm, method, scenario);
	row->kicks = sent;
	/*
	 * The module's lost= already counts unsent kicks plus round trips whose
	 * interrupt never came; an older module without it: unsent kicks only.
	 */
	row->lost = MAX(kicks > sent ? kicks - sent : 0, isnan(lost) ? 0 : lost);
	phase_deliveries(row, result);
	if (snd)
		row->sender_exits_per_kick = phase_get(snd, "exits") / sent;
	if (rcv)
		row->receiver_exits_per_kick = phase_get(rcv, "exits") / sent;
	if (snd && row->delivered)
		row->sender_exits_per_delivered = phase_get(snd, "exits") / (double)row->delivered;
	if (rcv && row->delivered)
		row->receiver_exits_per_delivered =
			phase_get(rcv, "exits") / (double)row->delivered;
	if (delta)
		row->userspace_exits_per_kick = phase_userspace(delta, userspace_stats) / sent;
	row->sender_cycles_per_kick = cycles / sent;
	phase_round_trip(row, result);
	row->poller_cpu_seconds = phase_field(result, "poller_cpu_seconds");
	if (ns > 0)
		row->kicks_per_second = sent * 1e9 / ns;
	else if (tsc_mhz > 0 && cycles > 0)
		row->kicks_per_second = sent / (cycles / (tsc_mhz * 1e6));
	/* Same clock as kicks/s: the deliveries of the same seconds. */
	row->deliveries_per_second = row->kicks_per_second * row->delivered / sent;
	if (phase_field(result, "roundtrip_late") > 0) {
		g_autofree char *older = g_steal_pointer(&row->note);

		row->note =
			g_strdup_printf("%s round trips late (over 100 ms, not in the mean)%s%s",
					(char *)g_hash_table_lookup(result, "roundtrip_late"),
					older ? "; " : "", older ? older : "");
	}
	phase_copy_stats(row->sender_stats, snd, phase_vcpu(calib, PHASE_SENDER));
	phase_copy_stats(row->receiver_stats, rcv, phase_vcpu(calib, PHASE_RECEIVER));
	return row;
}
