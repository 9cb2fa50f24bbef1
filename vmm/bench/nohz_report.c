// SPDX-License-Identifier: GPL-2.0-only
/* The nohz suite's report: table, JSON, CSV and SVG (contract: docs/measuring.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/nohz.h"
#include "util/log.h"

static void nohz_row_free(gpointer p)
{
	struct nohz_row *row = p;

	g_free(row->exits);
	g_free(row->config);
	g_clear_pointer(&row->exits_by_kind, g_hash_table_unref);
	g_free(row);
}

static void nohz_hk_free(gpointer p)
{
	struct nohz_hk *hk = p;

	g_free(hk->exits);
	g_free(hk->config);
	g_free(hk);
}

void nohz_report_init(struct nohz_report *r)
{
	*r = (struct nohz_report){ 0 };
	r->rows = g_ptr_array_new_with_free_func(nohz_row_free);
	r->hk = g_ptr_array_new_with_free_func(nohz_hk_free);
}

void nohz_report_clear(struct nohz_report *r)
{
	bench_host_clear(&r->host);
	g_clear_pointer(&r->rows, g_ptr_array_unref);
	g_clear_pointer(&r->hk, g_ptr_array_unref);
	g_clear_pointer(&r->command, g_free);
}

void nohz_report_print(const struct nohz_report *r, FILE *f)
{
	char a[32], b[32], c[32], d[32], e[32];

	fprintf(f,
		"nohz suite: kvm %s (timing %s), %s; %u s windows, %u events/s per isolated CPU\n",
		r->host.kvm, r->host.timing, r->host.cpu_model, r->args.seconds, r->args.rate);
	fprintf(f, "\nper isolated vCPU, per second of the load window\n");
	fprintf(f, "%-8s %-13s %4s %10s %10s %10s %12s\n", "exits-off", "config", "cpu", "exits",
		"timer-irqs", "kicks", "lost-ms");
	for (guint i = 0; i < r->rows->len; i++) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);

		fprintf(f, "%-8s %-13s %4u %10s %10s %10s %12s\n", row->exits, row->config,
			row->cpu, bench_fmt_num(a, sizeof(a), row->exits_per_s, 1),
			bench_fmt_num(b, sizeof(b), row->local_timer_per_s, 1),
			bench_fmt_num(c, sizeof(c), row->kicks_per_s, 1),
			bench_fmt_num(d, sizeof(d), row->lost_cpu_ms_per_s, 2));
	}
	fprintf(f, "\nhousekeeping vCPU: exits to send the kicks (load window minus dry window;\n"
		   "send-exits = ICR writes + PV IPI hypercalls + PIO, or all exits where marked "
		   "*)\n");
	fprintf(f, "%-8s %-13s %8s %8s %8s %8s %8s %10s %12s %10s\n", "exits-off", "config",
		"events", "kicks", "icr", "hcall", "pio", "send-exits", "exits/kick", "reduction");
	for (guint i = 0; i < r->hk->len; i++) {
		const struct nohz_hk *hk = g_ptr_array_index(r->hk, i);
		char g[32], h[32], k[32];

		fprintf(f, "%-8s %-13s %8.0f %8s %8s %8s %8s %9s%s %12s %10s%s\n", hk->exits,
			hk->config, hk->events, bench_fmt_num(a, sizeof(a), hk->kicks, 0),
			bench_fmt_num(g, sizeof(g), hk->icr_writes, 0),
			bench_fmt_num(h, sizeof(h), hk->hypercalls, 0),
			bench_fmt_num(k, sizeof(k), hk->pio, 0),
			bench_fmt_num(b, sizeof(b), hk->send_exits, 0), hk->by_path ? " " : "*",
			bench_fmt_num(c, sizeof(c), hk->send_exits_per_kick, 3),
			isnan(hk->reduction) ? "-"
					     : bench_fmt_num(e, sizeof(e), 100 * hk->reduction, 1),
			hk->lost ? "  LOST remote calls" : "");
	}
	if (r->partial)
		fprintf(f, "(partial report: the run was cut short)\n");
}

static void nohz_json_row(JsonBuilder *b, const struct nohz_row *row)
{
	json_builder_begin_object(b);
	bench_json_str(b, "exits_disabled", row->exits);
	bench_json_str(b, "config", row->config);
	bench_json_num(b, "cpu", row->cpu);
	bench_json_num(b, "window_s", row->window_s);
	bench_json_num(b, "exits_per_s", row->exits_per_s);
	bench_json_table(b, "exits_by_kind_per_s", row->exits_by_kind);
	bench_json_num(b, "local_timer_per_s", row->local_timer_per_s);
	bench_json_num(b, "kicks_per_s", row->kicks_per_s);
	bench_json_num(b, "lost_cpu_ms_per_s", row->lost_cpu_ms_per_s);
	json_builder_end_object(b);
}

static void nohz_json_hk(JsonBuilder *b, const struct nohz_hk *hk)
{
	json_builder_begin_object(b);
	bench_json_str(b, "exits_disabled", hk->exits);
	bench_json_str(b, "config", hk->config);
	bench_json_num(b, "events", hk->events);
	bench_json_num(b, "kicks_delivered", hk->kicks);
	bench_json_str(b, "send_exits_method",
		       hk->by_path ? "icr_writes+hypercalls+pio" : "all_exits_difference");
	bench_json_num(b, "send_icr_writes", hk->icr_writes);
	bench_json_num(b, "send_hypercalls", hk->hypercalls);
	bench_json_num(b, "send_pio", hk->pio);
	bench_json_num(b, "send_exits", hk->send_exits);
	bench_json_num(b, "send_exits_per_kick", hk->send_exits_per_kick);
	bench_json_num(b, "reduction_vs_absent", hk->reduction);
	json_builder_set_member_name(b, "lost");
	json_builder_add_boolean_value(b, hk->lost);
	json_builder_end_object(b);
}

char *nohz_report_json(const struct nohz_report *r)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	bench_json_str(b, "suite", "nohz");
	bench_json_str(b, "command", r->command);
	json_builder_set_member_name(b, "partial");
	json_builder_add_boolean_value(b, r->partial);
	bench_json_host(b, &r->host);
	json_builder_set_member_name(b, "params");
	json_builder_begin_object(b);
	bench_json_num(b, "seconds", r->args.seconds);
	bench_json_num(b, "rate", r->args.rate);
	bench_json_num(b, "vcpus", NOHZ_VCPUS);
	bench_json_num(b, "poller_spin_us", NOHZ_POLLER_SPIN_US);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "results");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->rows->len; i++)
		nohz_json_row(b, g_ptr_array_index(r->rows, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "housekeeping");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->hk->len; i++)
		nohz_json_hk(b, g_ptr_array_index(r->hk, i));
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	return json_generator_to_data(gen, NULL);
}

/* One line per isolated vCPU, with its configuration's housekeeping figures. */
char *nohz_report_csv(const struct nohz_report *r)
{
	GString *s = g_string_new("exits_disabled,config,cpu,window_s,exits_per_s,"
				  "local_timer_per_s,kicks_per_s,lost_cpu_ms_per_s,"
				  "hk_send_exits_per_kick,hk_reduction_vs_absent\n");

	for (guint i = 0; i < r->rows->len; i++) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);
		const struct nohz_hk *hk = NULL;
		double v[] = { row->window_s,
			       row->exits_per_s,
			       row->local_timer_per_s,
			       row->kicks_per_s,
			       row->lost_cpu_ms_per_s,
			       NAN,
			       NAN };

		for (guint k = 0; k < r->hk->len && !hk; k++) {
			const struct nohz_hk *h = g_ptr_array_index(r->hk, k);

			if (!strcmp(h->exits, row->exits) && !strcmp(h->config, row->config))
				hk = h;
		}
		if (hk) {
			v[5] = hk->send_exits_per_kick;
			v[6] = hk->reduction;
		}
		g_string_append_printf(s, "%s,%s,%u,", row->exits, row->config, row->cpu);
		for (size_t k = 0; k < G_N_ELEMENTS(v); k++)
			bench_csv_num(s, v[k]);
		/* The last field's comma becomes the end of the line. */
		s->str[s->len - 1] = '\n';
	}
	return g_string_free(s, FALSE);
}

#define SVG_W	   720
#define SVG_BAR_H  22
#define SVG_LEFT   230
#define SVG_PLOT_W 420

/* Two bar groups: the housekeeping vCPU's exits per kick, and isolated exits/s. */
char *nohz_report_svg(const struct nohz_report *r)
{
	GString *s = g_string_new(NULL);
	double max_hk = 0, max_iso = 0;
	int y, h = 90 + (r->hk->len + r->rows->len) * SVG_BAR_H + 60;

	for (guint i = 0; i < r->hk->len; i++) {
		const struct nohz_hk *hk = g_ptr_array_index(r->hk, i);

		if (!isnan(hk->send_exits_per_kick))
			max_hk = MAX(max_hk, hk->send_exits_per_kick);
	}
	for (guint i = 0; i < r->rows->len; i++) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);

		if (!isnan(row->exits_per_s))
			max_iso = MAX(max_iso, row->exits_per_s);
	}
	g_string_append_printf(
		s,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"10\" y=\"20\" font-size=\"14\">vipi nohz suite (kvm: %s, timing "
		"%s)</text>\n",
		SVG_W, h, r->host.kvm, r->host.timing);
	y = 45;
	g_string_append_printf(
		s, "<text x=\"10\" y=\"%d\">housekeeping vCPU: exits per kick sent</text>\n", y);
	y += 10;
	for (guint i = 0; i < r->hk->len; i++, y += SVG_BAR_H) {
		const struct nohz_hk *hk = g_ptr_array_index(r->hk, i);
		double v = isnan(hk->send_exits_per_kick) ? 0 : MAX(0, hk->send_exits_per_kick);
		double w = max_hk > 0 ? v / max_hk * SVG_PLOT_W : 0;

		g_string_append_printf(
			s,
			"<text x=\"10\" y=\"%d\">exits off: %s, %s</text>"
			"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ebb\"/>"
			"<text x=\"%.1f\" y=\"%d\">%.3f</text>\n",
			y + 15, hk->exits, hk->config, SVG_LEFT, y + 3, w, SVG_BAR_H - 6,
			SVG_LEFT + w + 5, y + 15, v);
	}
	y += 20;
	g_string_append_printf(
		s, "<text x=\"10\" y=\"%d\">isolated vCPUs: exits per second</text>\n", y);
	y += 10;
	for (guint i = 0; i < r->rows->len; i++, y += SVG_BAR_H) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);
		double v = isnan(row->exits_per_s) ? 0 : row->exits_per_s;
		double w = max_iso > 0 ? v / max_iso * SVG_PLOT_W : 0;

		g_string_append_printf(
			s,
			"<text x=\"10\" y=\"%d\">exits off: %s, %s, cpu %u</text>"
			"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d9822b\"/>"
			"<text x=\"%.1f\" y=\"%d\">%.1f</text>\n",
			y + 15, row->exits, row->config, row->cpu, SVG_LEFT, y + 3, w,
			SVG_BAR_H - 6, SVG_LEFT + w + 5, y + 15, v);
	}
	g_string_append(s, "</svg>\n");
	return g_string_free(s, FALSE);
}

bool nohz_report_write(const struct nohz_report *r, const char *json, const char *csv,
		       const char *svg)
{
	g_autofree char *j = json ? nohz_report_json(r) : NULL;
	g_autofree char *c = csv ? nohz_report_csv(r) : NULL;
	g_autofree char *v = svg ? nohz_report_svg(r) : NULL;

	return (!json || bench_save(json, j)) && (!csv || bench_save(csv, c)) &&
	       (!svg || bench_save(svg, v));
}
