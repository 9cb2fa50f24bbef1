// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report rows and their text forms: the terminal table, JSON (json-glib) and
 * CSV. The SVG chart is in svg.c. docs/measuring.md documents the JSON.
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "bench/report.h"
#include "util/log.h"

struct bench_row *bench_row_new(const char *vmm, const char *method, const char *scenario)
{
	struct bench_row *row = g_new0(struct bench_row, 1);

	row->vmm = g_strdup(vmm);
	row->method = g_strdup(method);
	row->scenario = g_strdup(scenario);
	row->sender_exits_per_kick = NAN;
	row->receiver_exits_per_kick = NAN;
	row->userspace_exits_per_kick = NAN;
	row->sender_cycles_per_kick = NAN;
	row->roundtrip_cycles = NAN;
	row->kicks_per_second = NAN;
	row->poller_cpu_seconds = NAN;
	row->sender_stats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	row->receiver_stats = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	row->sender_exit_reasons = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return row;
}

void bench_row_free(struct bench_row *row)
{
	if (!row)
		return;
	g_free(row->vmm);
	g_free(row->method);
	g_free(row->scenario);
	g_hash_table_unref(row->sender_stats);
	g_hash_table_unref(row->receiver_stats);
	g_hash_table_unref(row->sender_exit_reasons);
	g_free(row->note);
	g_free(row);
}

void bench_row_set_stat(GHashTable *stats, const char *name, double value)
{
	g_hash_table_insert(stats, g_strdup(name), g_memdup2(&value, sizeof(value)));
}

static void bench_boot_free(gpointer p)
{
	struct bench_boot *b = p;

	g_free(b->vmm);
	g_free(b->note);
	g_free(b);
}

void bench_report_init(struct bench_report *r)
{
	memset(r, 0, sizeof(*r));
	r->rows = g_ptr_array_new_with_free_func((GDestroyNotify)bench_row_free);
	r->boot = g_ptr_array_new_with_free_func(bench_boot_free);
}

void bench_report_clear(struct bench_report *r)
{
	bench_host_clear(&r->host);
	g_ptr_array_unref(r->rows);
	g_ptr_array_unref(r->boot);
	g_free(r->command);
	memset(r, 0, sizeof(*r));
}

void bench_report_add_boot(struct bench_report *r, const char *vmm, double seconds,
			   const char *note)
{
	struct bench_boot *b = g_new0(struct bench_boot, 1);

	b->vmm = g_strdup(vmm);
	b->seconds = seconds;
	b->note = g_strdup(note);
	g_ptr_array_add(r->boot, b);
}

const char *bench_fmt_num(char *buf, size_t len, double v, int prec)
{
	if (isnan(v))
		g_strlcpy(buf, "-", len);
	else
		g_snprintf(buf, len, "%.*f", prec, v);
	return buf;
}

void bench_report_print(const struct bench_report *r, FILE *f)
{
	static const char *const fmt = "%-5s %-14s %-5s %9s %5s %9s %9s %9s %12s %12s %10s %9s%s\n";
	char k[24], l[24], se[24], re[24], ue[24], sc[24], rt[24], kps[24], pc[24];

	fprintf(f, "host: kvm=%s (timings %s), kernel %s, %s, %s apicv=%s ipiv=%s avic=%s\n",
		r->host.kvm, r->host.timing, r->host.kernel, r->host.cpu_model, r->host.kvm_module,
		r->host.apicv, r->host.ipiv, r->host.avic);
	fprintf(f, fmt, "vmm", "method", "scen", "kicks", "lost", "s-exit/k", "r-exit/k",
		"u-exit/k", "s-cyc/kick", "rt-cycles", "kicks/s", "poller-s", "");
	for (guint i = 0; i < r->rows->len; i++) {
		const struct bench_row *row = g_ptr_array_index(r->rows, i);

		g_snprintf(k, sizeof(k), "%" G_GUINT64_FORMAT, row->kicks);
		g_snprintf(l, sizeof(l), "%" G_GUINT64_FORMAT, row->lost);
		bench_fmt_num(se, sizeof(se), row->sender_exits_per_kick, 4);
		bench_fmt_num(re, sizeof(re), row->receiver_exits_per_kick, 4);
		bench_fmt_num(ue, sizeof(ue), row->userspace_exits_per_kick, 4);
		bench_fmt_num(sc, sizeof(sc), row->sender_cycles_per_kick, 0);
		bench_fmt_num(rt, sizeof(rt), row->roundtrip_cycles, 0);
		bench_fmt_num(kps, sizeof(kps), row->kicks_per_second, 0);
		bench_fmt_num(pc, sizeof(pc), row->poller_cpu_seconds, 3);
		fprintf(f, fmt, row->vmm, row->method, row->scenario, k, l, se, re, ue, sc, rt, kps,
			pc, row->partial ? " (partial)" : "");
	}
	for (guint i = 0; i < r->boot->len; i++) {
		const struct bench_boot *b = g_ptr_array_index(r->boot, i);

		bench_fmt_num(se, sizeof(se), b->seconds, 2);
		fprintf(f, "boot: %-5s %8s s%s%s\n", b->vmm, se, b->note ? "  " : "",
			b->note ? b->note : "");
	}
	if (r->partial)
		fprintf(f, "(partial report: the run was cut short)\n");
}

void bench_json_num(JsonBuilder *b, const char *name, double v)
{
	json_builder_set_member_name(b, name);
	if (isnan(v))
		json_builder_add_null_value(b);
	else
		json_builder_add_double_value(b, v);
}

void bench_json_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

/* A name -> number table as an object with sorted keys (stable diffs). */
void bench_json_table(JsonBuilder *b, const char *name, GHashTable *t)
{
	g_autofree gpointer *keys = g_hash_table_get_keys_as_array(t, NULL);
	guint n = g_hash_table_size(t);

	qsort(keys, n, sizeof(*keys), (int (*)(const void *, const void *))g_strcmp0);
	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	for (guint i = 0; i < n; i++)
		bench_json_num(b, keys[i], *(double *)g_hash_table_lookup(t, keys[i]));
	json_builder_end_object(b);
}

void bench_json_host(JsonBuilder *b, const struct bench_host *h)
{
	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	bench_json_str(b, "kvm", h->kvm);
	bench_json_str(b, "timing", h->timing);
	bench_json_str(b, "kernel", h->kernel);
	bench_json_str(b, "cpu_model", h->cpu_model);
	bench_json_num(b, "cpus", h->cpus);
	bench_json_str(b, "kvm_module", h->kvm_module);
	bench_json_str(b, "apicv", h->apicv);
	bench_json_str(b, "ipiv", h->ipiv);
	bench_json_str(b, "avic", h->avic);
	json_builder_end_object(b);
}

static void json_row(JsonBuilder *b, const struct bench_row *row)
{
	json_builder_begin_object(b);
	bench_json_str(b, "vmm", row->vmm);
	bench_json_str(b, "method", row->method);
	bench_json_str(b, "scenario", row->scenario);
	json_builder_set_member_name(b, "kicks");
	json_builder_add_int_value(b, row->kicks);
	json_builder_set_member_name(b, "lost");
	json_builder_add_int_value(b, row->lost);
	bench_json_num(b, "sender_exits_per_kick", row->sender_exits_per_kick);
	bench_json_num(b, "receiver_exits_per_kick", row->receiver_exits_per_kick);
	bench_json_num(b, "userspace_exits_per_kick", row->userspace_exits_per_kick);
	bench_json_num(b, "sender_cycles_per_kick", row->sender_cycles_per_kick);
	bench_json_num(b, "roundtrip_cycles", row->roundtrip_cycles);
	bench_json_num(b, "kicks_per_second", row->kicks_per_second);
	bench_json_num(b, "poller_cpu_seconds", row->poller_cpu_seconds);
	bench_json_table(b, "sender_exits_by_reason_per_kick", row->sender_exit_reasons);
	bench_json_table(b, "sender_stats", row->sender_stats);
	bench_json_table(b, "receiver_stats", row->receiver_stats);
	json_builder_set_member_name(b, "partial");
	json_builder_add_boolean_value(b, row->partial);
	bench_json_str(b, "note", row->note);
	json_builder_end_object(b);
}

char *bench_report_json(const struct bench_report *r)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	bench_json_str(b, "tool", "vipi bench");
	bench_json_str(b, "command", r->command);
	json_builder_set_member_name(b, "partial");
	json_builder_add_boolean_value(b, r->partial);
	bench_json_host(b, &r->host);
	json_builder_set_member_name(b, "results");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->rows->len; i++)
		json_row(b, g_ptr_array_index(r->rows, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "boot");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->boot->len; i++) {
		const struct bench_boot *bt = g_ptr_array_index(r->boot, i);

		json_builder_begin_object(b);
		bench_json_str(b, "vmm", bt->vmm);
		bench_json_num(b, "seconds", bt->seconds);
		bench_json_str(b, "note", bt->note);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	return json_generator_to_data(gen, NULL);
}

void bench_csv_num(GString *s, double v)
{
	if (!isnan(v))
		g_string_append_printf(s, "%.6g", v);
	g_string_append_c(s, ',');
}

char *bench_report_csv(const struct bench_report *r)
{
	GString *s = g_string_new(NULL);

	/* Names are our own identifiers (no commas); the note is quoted. */
	g_string_append(s, "kvm,vmm,method,scenario,kicks,lost,sender_exits_per_kick,"
			   "receiver_exits_per_kick,userspace_exits_per_kick,"
			   "sender_cycles_per_kick,roundtrip_cycles,kicks_per_second,"
			   "poller_cpu_seconds,partial,note\n");
	for (guint i = 0; i < r->rows->len; i++) {
		const struct bench_row *row = g_ptr_array_index(r->rows, i);
		g_autofree char *note = g_strdup(row->note ? row->note : "");

		g_strdelimit(note, "\"\n", '\'');
		g_string_append_printf(
			s, "%s,%s,%s,%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",", r->host.kvm,
			row->vmm, row->method, row->scenario, row->kicks, row->lost);
		bench_csv_num(s, row->sender_exits_per_kick);
		bench_csv_num(s, row->receiver_exits_per_kick);
		bench_csv_num(s, row->userspace_exits_per_kick);
		bench_csv_num(s, row->sender_cycles_per_kick);
		bench_csv_num(s, row->roundtrip_cycles);
		bench_csv_num(s, row->kicks_per_second);
		bench_csv_num(s, row->poller_cpu_seconds);
		g_string_append_printf(s, "%s,\"%s\"\n", row->partial ? "true" : "false", note);
	}
	return g_string_free(s, FALSE);
}

/* g_file_set_contents writes a temporary file and renames it over PATH. */
bool bench_save(const char *path, const char *text)
{
	g_autoptr(GError) err = NULL;

	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &err)) {
		pr_err("bench: cannot write %s: %s", path, err->message);
		return false;
	}
	return true;
}

bool bench_report_write(const struct bench_report *r, const char *json, const char *csv,
			const char *svg)
{
	const char *paths[] = { json, csv, svg };
	char *(*fmt[])(const struct bench_report *) = { bench_report_json, bench_report_csv,
							bench_report_svg };

	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autofree char *text = NULL;

		if (!paths[i])
			continue;
		text = fmt[i](r);
		if (!bench_save(paths[i], text))
			return false;
	}
	return true;
}
