// SPDX-License-Identifier: GPL-2.0-only
/*
 * The text of vipi watch (view.h). Rates are counts over the interval's
 * own length, measured on CLOCK_MONOTONIC between histogram reads.
 */
#include <math.h>
#include <string.h>

#include "watch/view.h"

static const char *const view_short[] = { "resched", "callfn", "callfn1",
					  "irqwork", "timer",  "other" };

static double rate(const struct watch_interval *iv, guint64 n)
{
	return iv->seconds > 0 ? n / iv->seconds : 0;
}

static gint view_by_count(gconstpointer a, gconstpointer b, gpointer table)
{
	guint64 x = *(guint64 *)g_hash_table_lookup(table, *(char **)a);
	guint64 y = *(guint64 *)g_hash_table_lookup(table, *(char **)b);

	return x > y ? -1 : x < y;
}

char *view_top_exits(const struct watch_interval *iv, unsigned int i, unsigned int max)
{
	GHashTable *e = iv->v[i].exits;
	g_autofree gpointer *names = (gpointer *)g_hash_table_get_keys_as_array(e, NULL);
	guint n = g_hash_table_size(e);
	GString *s = g_string_new(NULL);

	g_qsort_with_data(names, n, sizeof(*names), view_by_count, e);
	for (guint k = 0; k < n && k < max; k++)
		g_string_append_printf(s, "%s%s %.0f", k ? " " : "",
				       (char *)names[k] + strlen("exits_"),
				       rate(iv, *(guint64 *)g_hash_table_lookup(e, names[k])));
	return g_string_free(s, false);
}

static void view_vcpus(FILE *f, const struct watch_target *t, const struct watch_interval *iv)
{
	fprintf(f, "%-5s %10s %10s %10s %8s %8s %8s  %s\n", "vCPU", "exits/s", "kvm/s",
		"ipi-exit/s", "icr/s", "pv/s", "wake/s", "top exit reasons /s");
	for (unsigned int i = 0; i < iv->nv; i++) {
		const struct watch_fig *v = &iv->v[i];
		g_autofree char *top = view_top_exits(iv, i, 4);
		char kvm[32] = "-";

		if (iv->has_kvm)
			snprintf(kvm, sizeof(kvm), "%.0f", rate(iv, v->kvm_exits));
		fprintf(f, "%-5u %10.0f %10s %10.0f %8.0f %8.0f %8.0f  %s\n",
			g_array_index(t->vcpus, struct watch_vcpu, i).id, rate(iv, v->traced), kvm,
			rate(iv, v->icr_writes + v->pv_calls), rate(iv, v->icr_writes),
			rate(iv, v->pv_calls), rate(iv, v->wake_wait), top);
	}
}

static void view_pairs(FILE *f, const struct watch_target *t, const struct watch_interval *iv)
{
	bool any = false;

	fprintf(f, "\n%-9s", "IPIs/s");
	for (int c = 0; c < WATCH_CLASSES; c++)
		fprintf(f, " %8s", view_short[c]);
	fprintf(f, " %8s\n", "all");
	for (unsigned int s = 0; s < iv->nv; s++) {
		for (unsigned int d = 0; d <= iv->nv; d++) {
			g_autofree char *label = NULL;

			if (!watch_pair_all(iv, s, d))
				continue;
			any = true;
			label = d < iv->nv
					? g_strdup_printf(
						  "%u->%u",
						  g_array_index(t->vcpus, struct watch_vcpu, s).id,
						  g_array_index(t->vcpus, struct watch_vcpu, d).id)
					: g_strdup_printf(
						  "%u->?",
						  g_array_index(t->vcpus, struct watch_vcpu, s).id);
			fprintf(f, "%-9s", label);
			for (int c = 0; c < WATCH_CLASSES; c++)
				fprintf(f, " %8.0f", rate(iv, watch_pair(iv, s, d, c)));
			fprintf(f, " %8.0f\n", rate(iv, watch_pair_all(iv, s, d)));
		}
	}
	if (!any)
		fprintf(f, "(none)\n");
}

static void view_estimate(FILE *f, const struct watch_interval *iv, const struct watch_costs *costs)
{
	struct watch_estimate e;

	estimate_compute(iv, costs, &e);
	fprintf(f, "\nestimate, what vipi would save: %.0f IPI sender exits/s",
		e.sender_exits_per_s);
	if (!e.has_cost) {
		fprintf(f,
			"; cost per exit absent (--costs FILE: a vipi bench JSON of this host)\n");
		return;
	}
	fprintf(f,
		" x %.0f ns = %.4f CPU-s/s, against a poller's %.4f CPU-s/s: %s %.4f "
		"(%s; %s)\n",
		costs->exit_ns, e.saved_cpu_per_s, e.poller_cpu_per_s,
		e.net_cpu_per_s > 0 ? "saves" : "costs", fabs(e.net_cpu_per_s),
		costs->basis ? costs->basis : "basis unknown",
		g_strcmp0(costs->timing, "real") ? "lab: the exits are exact, the cost is not "
						   "measured here"
						 : "measured on this host");
}

void view_table(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
		const struct watch_costs *costs, const char *title)
{
	fprintf(f, "%s\n", title);
	view_vcpus(f, t, iv);
	view_pairs(f, t, iv);
	view_estimate(f, iv, costs);
	fflush(f);
}

void view_live(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
	       const struct watch_costs *costs, double elapsed_s)
{
	g_autofree char *title = g_strdup_printf(
		"vipi watch: %s %s (pid %d, %u vCPUs), last %.1f s, %.0f s elapsed; Ctrl-C ends",
		t->kind, t->name, (int)t->pid, iv->nv, iv->seconds, elapsed_s);

	fputs("\033[H\033[2J", f);
	view_table(f, t, iv, costs, title);
}

/* " ->1:callfn1 500 ->?:other 2": vCPU I's IPIs sent, per target and class. */
static void view_sent(GString *s, const struct watch_target *t, const struct watch_interval *iv,
		      unsigned int i)
{
	for (unsigned int d = 0; d <= iv->nv; d++) {
		char to[16] = "?";

		if (d < iv->nv)
			snprintf(to, sizeof(to), "%u",
				 g_array_index(t->vcpus, struct watch_vcpu, d).id);
		for (int c = 0; c < WATCH_CLASSES; c++)
			if (watch_pair(iv, i, d, c))
				g_string_append_printf(s, " ->%s:%s %.0f", to, view_short[c],
						       rate(iv, watch_pair(iv, i, d, c)));
	}
}

void view_lines(FILE *f, const struct watch_target *t, const struct watch_interval *iv,
		double elapsed_s)
{
	for (unsigned int i = 0; i < iv->nv; i++) {
		const struct watch_fig *v = &iv->v[i];
		g_autofree char *top = view_top_exits(iv, i, 6);
		g_autoptr(GString) sent = g_string_new(NULL);
		char kvm[32] = "-";

		if (iv->has_kvm)
			snprintf(kvm, sizeof(kvm), "%.0f", rate(iv, v->kvm_exits));
		view_sent(sent, t, iv, i);
		fprintf(f,
			"t=%.1f vcpu=%u exits/s=%.0f kvm/s=%s ipi_exits/s=%.0f wake/s=%.0f "
			"sent/s:%s reasons/s: %s\n",
			elapsed_s, g_array_index(t->vcpus, struct watch_vcpu, i).id,
			rate(iv, v->traced), kvm, rate(iv, v->icr_writes + v->pv_calls),
			rate(iv, v->wake_wait), sent->len ? sent->str : " none", top);
	}
	fflush(f);
}
