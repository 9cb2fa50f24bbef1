// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files of vipi watch (output.h). JSON: {"tool": "vipi watch",
 * "target", "intervals": [...], "summary", "estimate"}; each interval has
 * per-vCPU counts ("exits_by_reason", "kvm_exits", "read_skew", ...) and
 * "ipis" (src, dst, class, count, per_s). CSV: one figure per row,
 * kind,t_s,seconds,vcpu,figure,count,per_s. docs/watch.md.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

#include "util/log.h"
#include "watch/output.h"

static int output_write(const char *path, const char *text)
{
	g_autoptr(GError) err = NULL;

	/* g_file_set_contents() writes a temporary file and renames it. */
	if (!g_file_set_contents(path, text, -1, &err)) {
		pr_err("watch: cannot write %s: %s", path, err->message);
		return -EIO;
	}
	return 0;
}

static void j_u64(JsonBuilder *b, const char *name, guint64 v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, (gint64)v);
}

static void j_num(JsonBuilder *b, const char *name, double v)
{
	json_builder_set_member_name(b, name);
	if (isnan(v))
		json_builder_add_null_value(b);
	else
		json_builder_add_double_value(b, v);
}

static void j_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void output_vcpu(JsonBuilder *b, const struct watch_interval *iv, unsigned int i,
			unsigned int id)
{
	const struct watch_fig *v = &iv->v[i];
	GHashTableIter it;
	gpointer k, val;

	json_builder_begin_object(b);
	j_u64(b, "id", id);
	j_u64(b, "exits", v->traced);
	json_builder_set_member_name(b, "exits_by_reason");
	json_builder_begin_object(b);
	g_hash_table_iter_init(&it, v->exits);
	while (g_hash_table_iter_next(&it, &k, &val))
		j_u64(b, (char *)k + 6, *(guint64 *)val); /* without "exits_" */
	json_builder_end_object(b);
	json_builder_set_member_name(b, "kvm_exits");
	if (iv->has_kvm)
		json_builder_add_int_value(b, (gint64)v->kvm_exits);
	else
		json_builder_add_null_value(b);
	j_u64(b, "read_skew", v->skew);
	j_u64(b, "ipi_sender_exits", v->icr_writes + v->pv_calls);
	j_u64(b, "icr_writes", v->icr_writes);
	j_u64(b, "pv_send_ipi", v->pv_calls);
	j_u64(b, "halt_wakeups", v->wake_wait);
	j_u64(b, "halt_poll_wakeups", v->wake_poll);
	j_u64(b, "ipis_received", v->received);
	json_builder_end_object(b);
}

static void output_pairs(JsonBuilder *b, const struct watch_target *t,
			 const struct watch_interval *iv)
{
	json_builder_set_member_name(b, "ipis");
	json_builder_begin_array(b);
	for (unsigned int s = 0; s < iv->nv; s++)
		for (unsigned int d = 0; d <= iv->nv; d++)
			for (int c = 0; c < WATCH_CLASSES; c++) {
				guint64 n = watch_pair(iv, s, d, c);

				if (!n)
					continue;
				json_builder_begin_object(b);
				j_u64(b, "src", g_array_index(t->vcpus, struct watch_vcpu, s).id);
				json_builder_set_member_name(b, "dst");
				if (d < iv->nv)
					json_builder_add_int_value(
						b,
						g_array_index(t->vcpus, struct watch_vcpu, d).id);
				else
					json_builder_add_null_value(b);
				j_str(b, "class", watch_class_name(c));
				j_u64(b, "count", n);
				j_num(b, "per_s", iv->seconds > 0 ? n / iv->seconds : NAN);
				json_builder_end_object(b);
			}
	json_builder_end_array(b);
}

static void output_interval(JsonBuilder *b, const struct watch_target *t,
			    const struct watch_interval *iv, double end)
{
	json_builder_begin_object(b);
	j_num(b, "t_s", end);
	j_num(b, "seconds", iv->seconds);
	json_builder_set_member_name(b, "vcpus");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < iv->nv; i++)
		output_vcpu(b, iv, i, g_array_index(t->vcpus, struct watch_vcpu, i).id);
	json_builder_end_array(b);
	output_pairs(b, t, iv);
	json_builder_end_object(b);
}

static void output_target(JsonBuilder *b, const struct watch_target *t)
{
	json_builder_set_member_name(b, "target");
	json_builder_begin_object(b);
	j_str(b, "kind", t->kind);
	j_str(b, "name", t->name);
	j_str(b, "uuid", t->uuid);
	j_u64(b, "pid", t->pid);
	json_builder_set_member_name(b, "vcpus");
	json_builder_begin_array(b);
	for (guint i = 0; i < t->vcpus->len; i++) {
		const struct watch_vcpu *v = &g_array_index(t->vcpus, struct watch_vcpu, i);

		json_builder_begin_object(b);
		j_u64(b, "id", v->id);
		j_u64(b, "tid", v->tid);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void output_estimate(JsonBuilder *b, const struct watch_record *r)
{
	struct watch_estimate e;
	const struct watch_costs *c = r->costs;

	estimate_compute(r->summary, c, &e);
	json_builder_set_member_name(b, "estimate");
	json_builder_begin_object(b);
	j_str(b, "label", "estimate: what vipi would save");
	j_num(b, "ipi_sender_exits_per_s", e.sender_exits_per_s);
	j_num(b, "exit_ns", e.has_cost ? c->exit_ns : NAN);
	j_num(b, "saved_cpu_per_s", e.has_cost ? e.saved_cpu_per_s : NAN);
	j_num(b, "poller_cpu_per_s", e.has_cost ? e.poller_cpu_per_s : NAN);
	j_num(b, "net_cpu_per_s", e.has_cost ? e.net_cpu_per_s : NAN);
	j_num(b, "bench_breakeven_ipi_per_s", e.has_cost ? c->breakeven_ipi_per_s : NAN);
	j_str(b, "costs_file", e.has_cost ? c->file : NULL);
	j_str(b, "basis", e.has_cost ? c->basis : "absent: no --costs FILE");
	j_str(b, "costs_timing", e.has_cost ? c->timing : NULL);
	json_builder_end_object(b);
}

int output_json(const struct watch_record *r, const char *path)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) g = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(b);
	j_str(b, "tool", "vipi watch");
	output_target(b, r->target);
	j_num(b, "interval_s", r->interval_s);
	j_num(b, "start_unix_s", r->start_unix_s);
	j_str(b, "end", r->end);
	j_str(b, "kvm_exits_source", r->kvm_source);
	json_builder_set_member_name(b, "intervals");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->intervals->len; i++)
		output_interval(b, r->target, g_ptr_array_index(r->intervals, i),
				g_array_index(r->ends, double, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "summary");
	output_interval(b, r->target, r->summary,
			r->ends->len ? g_array_index(r->ends, double, r->ends->len - 1) : 0);
	output_estimate(b, r);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	json_generator_set_pretty(g, true);
	text = json_generator_to_data(g, NULL);
	return output_write(path, text);
}

static void csv_row(GString *s, const char *kind, double end, const struct watch_interval *iv,
		    unsigned int id, const char *figure, guint64 n)
{
	g_string_append_printf(s, "%s,%.3f,%.3f,%u,%s,%" G_GUINT64_FORMAT ",%.3f\n", kind, end,
			       iv->seconds, id, figure, n, iv->seconds > 0 ? n / iv->seconds : 0);
}

static void csv_interval(GString *s, const struct watch_target *t, const char *kind,
			 const struct watch_interval *iv, double end)
{
	for (unsigned int i = 0; i < iv->nv; i++) {
		const struct watch_fig *v = &iv->v[i];
		unsigned int id = g_array_index(t->vcpus, struct watch_vcpu, i).id;
		GHashTableIter it;
		gpointer k, val;

		csv_row(s, kind, end, iv, id, "exits", v->traced);
		g_hash_table_iter_init(&it, v->exits);
		while (g_hash_table_iter_next(&it, &k, &val))
			csv_row(s, kind, end, iv, id, k, *(guint64 *)val);
		if (iv->has_kvm)
			csv_row(s, kind, end, iv, id, "kvm_exits", v->kvm_exits);
		csv_row(s, kind, end, iv, id, "read_skew", v->skew);
		csv_row(s, kind, end, iv, id, "ipi_sender_exits", v->icr_writes + v->pv_calls);
		csv_row(s, kind, end, iv, id, "icr_writes", v->icr_writes);
		csv_row(s, kind, end, iv, id, "pv_send_ipi", v->pv_calls);
		csv_row(s, kind, end, iv, id, "halt_wakeups", v->wake_wait);
		csv_row(s, kind, end, iv, id, "ipis_received", v->received);
		for (unsigned int d = 0; d <= iv->nv; d++)
			for (int c = 0; c < WATCH_CLASSES; c++) {
				g_autofree char *fig = NULL;

				if (!watch_pair(iv, i, d, c))
					continue;
				fig = d < iv->nv
					      ? g_strdup_printf("ipis_to_%u_%s",
								g_array_index(t->vcpus,
									      struct watch_vcpu, d)
									.id,
								watch_class_name(c))
					      : g_strdup_printf("ipis_to_unknown_%s",
								watch_class_name(c));
				csv_row(s, kind, end, iv, id, fig, watch_pair(iv, i, d, c));
			}
	}
}

int output_csv(const struct watch_record *r, const char *path)
{
	g_autoptr(GString) s = g_string_new("kind,t_s,seconds,vcpu,figure,count,per_s\n");

	for (guint i = 0; i < r->intervals->len; i++)
		csv_interval(s, r->target, "interval", g_ptr_array_index(r->intervals, i),
			     g_array_index(r->ends, double, i));
	csv_interval(s, r->target, "summary", r->summary,
		     r->ends->len ? g_array_index(r->ends, double, r->ends->len - 1) : 0);
	return output_write(path, s->str);
}
