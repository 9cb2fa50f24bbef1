// SPDX-License-Identifier: GPL-2.0-only
/* The nohz suite's report: table, JSON, CSV and SVG (contract: docs/nohz.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/nohz.h"
#include "bench/svg.h"

/* JSON members in this order; CSV columns the same, less the tables. */
static const struct bench_field nohz_row_fields[] = {
	BENCH_FIELD(BENCH_STR, struct nohz_row, exits, "exits_disabled"),
	BENCH_FIELD(BENCH_STR, struct nohz_row, config, "config"),
	BENCH_FIELD(BENCH_UINT, struct nohz_row, cpu, "cpu"),
	BENCH_FIELD(BENCH_NUM, struct nohz_row, window_s, "window_s"),
	BENCH_FIELD(BENCH_NUM, struct nohz_row, exits_per_s, "exits_per_s"),
	BENCH_FIELD(BENCH_STATS, struct nohz_row, exits_by_kind, "exits_by_kind_per_s"),
	BENCH_FIELD(BENCH_NUM, struct nohz_row, local_timer_per_s, "local_timer_per_s"),
	BENCH_FIELD(BENCH_NUM, struct nohz_row, kicks_per_s, "kicks_per_s"),
	BENCH_FIELD(BENCH_NUM, struct nohz_row, lost_cpu_ms_per_s, "lost_cpu_ms_per_s"),
	BENCH_FIELDS_END,
};

static const struct bench_field nohz_hk_fields[] = {
	BENCH_FIELD(BENCH_STR, struct nohz_hk, exits, "exits_disabled"),
	BENCH_FIELD(BENCH_STR, struct nohz_hk, config, "config"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, events, "events"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, kicks, "kicks_delivered"),
	BENCH_FIELD(BENCH_STR, struct nohz_hk, send_method, "send_exits_method"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, icr_writes, "send_icr_writes"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, hypercalls, "send_hypercalls"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, pio, "send_pio"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, send_exits, "send_exits"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, send_exits_per_kick, "send_exits_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, reduction, "reduction_vs_absent"),
	BENCH_FIELD(BENCH_BOOL, struct nohz_hk, lost, "lost"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, poller_cpu_per_s, "poller_cpu_per_s"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, exits_saved_per_kick, "exits_saved_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, breakeven_exit_ns, "breakeven_exit_ns"),
	BENCH_FIELD(BENCH_NUM, struct nohz_hk, breakeven_kicks_per_s, "breakeven_kicks_per_s"),
	BENCH_FIELD(BENCH_STR, struct nohz_hk, breakeven_basis, "breakeven_basis"),
	BENCH_FIELDS_END,
};

/* The run's parameters, as the JSON's "params" object. */
struct nohz_params {
	unsigned int seconds, rate, vcpus, poller_spin_us;
};

static const struct bench_field nohz_param_fields[] = {
	BENCH_FIELD(BENCH_UINT, struct nohz_params, seconds, "seconds"),
	BENCH_FIELD(BENCH_UINT, struct nohz_params, rate, "rate"),
	BENCH_FIELD(BENCH_UINT, struct nohz_params, vcpus, "vcpus"),
	BENCH_FIELD(BENCH_UINT, struct nohz_params, poller_spin_us, "poller_spin_us"),
	BENCH_FIELDS_END,
};

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
	bench_head_clear(&r->head);
	g_clear_pointer(&r->rows, g_ptr_array_unref);
	g_clear_pointer(&r->hk, g_ptr_array_unref);
}

static void nohz_print_rows(const struct nohz_report *r, FILE *f)
{
	char a[32], b[32], c[32], d[32];

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
}

/* The poller's CPU and the break-even of each configuration that has a poller figure. */
static void nohz_print_cost(const struct nohz_report *r, FILE *f)
{
	char a[32], b[32], c[32];

	fprintf(f, "\nthe poller's cost: host CPU seconds per second of the load window, and the\n"
		   "kick rate above which the send exits saved against absent pay for it\n");
	for (guint i = 0; i < r->hk->len; i++) {
		const struct nohz_hk *hk = g_ptr_array_index(r->hk, i);

		if (isnan(hk->poller_cpu_per_s))
			continue;
		fprintf(f, "%-8s %-13s poller %s CPU-s/s", hk->exits, hk->config,
			bench_fmt_num(a, sizeof(a), hk->poller_cpu_per_s, 3));
		if (hk->breakeven_basis)
			fprintf(f,
				"; saves %s exits/kick; at %.0f ns/exit (%s) pays above %s kicks/s",
				bench_fmt_num(b, sizeof(b), hk->exits_saved_per_kick, 3),
				hk->breakeven_exit_ns, hk->breakeven_basis,
				bench_fmt_num(c, sizeof(c), hk->breakeven_kicks_per_s, 0));
		fputc('\n', f);
	}
}

static void nohz_print_hk(const struct nohz_report *r, FILE *f)
{
	char a[32], b[32], c[32], e[32], g[32], h[32], k[32], n[32];

	fprintf(f, "\nhousekeeping vCPU: exits to send the kicks (load window minus dry window;\n"
		   "send-exits = ICR writes + PV IPI hypercalls + PIO, or all exits where marked "
		   "*)\n");
	fprintf(f, "%-8s %-13s %8s %8s %8s %8s %8s %10s %12s %10s\n", "exits-off", "config",
		"events", "kicks", "icr", "hcall", "pio", "send-exits", "exits/kick", "reduction");
	for (guint i = 0; i < r->hk->len; i++) {
		const struct nohz_hk *hk = g_ptr_array_index(r->hk, i);

		fprintf(f, "%-8s %-13s %8s %8s %8s %8s %8s %9s%s %12s %10s%s\n", hk->exits,
			hk->config, bench_fmt_num(n, sizeof(n), hk->events, 0),
			bench_fmt_num(a, sizeof(a), hk->kicks, 0),
			bench_fmt_num(g, sizeof(g), hk->icr_writes, 0),
			bench_fmt_num(h, sizeof(h), hk->hypercalls, 0),
			bench_fmt_num(k, sizeof(k), hk->pio, 0),
			bench_fmt_num(b, sizeof(b), hk->send_exits, 0),
			strcmp(hk->send_method, NOHZ_SEND_BY_PATH) ? "*" : " ",
			bench_fmt_num(c, sizeof(c), hk->send_exits_per_kick, 3),
			bench_fmt_num(e, sizeof(e), 100 * hk->reduction, 1),
			hk->lost ? "  LOST remote calls" : "");
	}
	nohz_print_cost(r, f);
}

void nohz_report_print(const struct nohz_report *r, FILE *f)
{
	const struct bench_host *h = &r->head.host;

	fprintf(f,
		"nohz suite: kvm %s (timing %s), %s; %u s windows, %u events/s per isolated CPU\n",
		h->kvm, h->timing, h->cpu_model, r->args.seconds, r->args.rate);
	bench_print_guest(f, &r->head);
	nohz_print_rows(r, f);
	nohz_print_hk(r, f);
	bench_print_partial(f, &r->head);
}

char *nohz_report_json(const struct nohz_report *r)
{
	const struct nohz_params params = { r->args.seconds, r->args.rate, NOHZ_VCPUS,
					    NOHZ_POLLER_SPIN_US };
	JsonBuilder *b = bench_json_begin("suite", "nohz", &r->head);

	bench_json_object(b, "params", &params, nohz_param_fields);
	bench_json_array(b, "results", r->rows, nohz_row_fields);
	bench_json_array(b, "housekeeping", r->hk, nohz_hk_fields);
	return bench_json_end(b);
}

static const struct nohz_hk *nohz_hk_of(const struct nohz_report *r, const struct nohz_row *row)
{
	for (guint k = 0; k < r->hk->len; k++) {
		const struct nohz_hk *h = g_ptr_array_index(r->hk, k);

		if (!strcmp(h->exits, row->exits) && !strcmp(h->config, row->config))
			return h;
	}
	return NULL;
}

/* One line per isolated vCPU, with its configuration's housekeeping figures. */
char *nohz_report_csv(const struct nohz_report *r)
{
	GString *s = g_string_new(NULL);

	bench_csv_head(s, nohz_row_fields);
	g_string_append(s, ",hk_send_exits_per_kick,hk_reduction_vs_absent\n");
	for (guint i = 0; i < r->rows->len; i++) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);
		const struct nohz_hk *hk = nohz_hk_of(r, row);

		bench_csv_line(s, row, nohz_row_fields);
		g_string_append_c(s, ',');
		bench_csv_num(s, hk ? hk->send_exits_per_kick : NAN);
		g_string_append_c(s, ',');
		bench_csv_num(s, hk ? hk->reduction : NAN);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

#define NOHZ_SVG_W 720

/* Two lists of bars: the housekeeping vCPU's exits per kick, and isolated exits/s. */
char *nohz_report_svg(const struct nohz_report *r)
{
	g_autoptr(GArray) hk = svg_hbars_new();
	g_autoptr(GArray) iso = svg_hbars_new();
	int y = 45, h = 90 + (r->hk->len + r->rows->len) * SVG_HBAR_H + 60;
	g_autofree char *title = g_strdup_printf("vipi nohz suite (kvm: %s, timing %s)",
						 r->head.host.kvm, r->head.host.timing);
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < r->hk->len; i++) {
		const struct nohz_hk *k = g_ptr_array_index(r->hk, i);

		svg_hbars_add(hk, k->send_exits_per_kick, "exits off: %s, %s", k->exits, k->config);
	}
	for (guint i = 0; i < r->rows->len; i++) {
		const struct nohz_row *row = g_ptr_array_index(r->rows, i);

		svg_hbars_add(iso, row->exits_per_s, "exits off: %s, %s, cpu %u", row->exits,
			      row->config, row->cpu);
	}
	svg_begin(s, NOHZ_SVG_W, h, 12);
	svg_text(s, 10, 20, "start", "font-size=\"14\"", title);
	svg_hbars(s, &y, "housekeeping vCPU: exits per kick sent", "#4a7ebb", hk, 3);
	y += 20;
	svg_hbars(s, &y, "isolated vCPUs: exits per second", "#d9822b", iso, 1);
	svg_end(s);
	return g_string_free(s, FALSE);
}

int nohz_report_write(const struct nohz_report *r, const char *json, const char *csv,
		      const char *svg)
{
	const char *path[] = { json, csv, svg };
	char *text[] = { json ? nohz_report_json(r) : NULL, csv ? nohz_report_csv(r) : NULL,
			 svg ? nohz_report_svg(r) : NULL };

	return bench_save_all(path, text, G_N_ELEMENTS(path));
}
