// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ipi report as a chart: two grouped bar charts, exits per kick and
 * cycles per kick, one group per VMM/method/scenario row.
 */
#include <math.h>

#include "bench/report.h"
#include "bench/svg.h"

#define SVG_GROUP_W 96	/* pixels per row group */
#define SVG_PANEL_H 260 /* plot height of one panel */
#define SVG_LEFT    70	/* room for the axis labels */
#define SVG_TOP	    40
#define SVG_LABEL_H 70 /* group labels under each panel */
#define SVG_TICKS   4

struct svg_series {
	const char *name;
	const char *colour;
	size_t offset; /* of the double in struct bench_row */
};

struct svg_panel {
	const char *title;
	const struct svg_series *series;
	size_t nr_series;
};

static const struct svg_series svg_exits[] = {
	{ "sender", "#4e79a7", G_STRUCT_OFFSET(struct bench_row, sender_exits_per_kick) },
	{ "receiver", "#f28e2b", G_STRUCT_OFFSET(struct bench_row, receiver_exits_per_kick) },
	{ "userspace", "#e15759", G_STRUCT_OFFSET(struct bench_row, userspace_exits_per_kick) },
};

static const struct svg_series svg_cycles[] = {
	{ "sender cycles/kick", "#59a14f",
	  G_STRUCT_OFFSET(struct bench_row, sender_cycles_per_kick) },
	{ "round trip cycles", "#b07aa1", G_STRUCT_OFFSET(struct bench_row, roundtrip_cycles) },
};

static double svg_value(const struct bench_row *row, const struct svg_series *s)
{
	return G_STRUCT_MEMBER(double, row, s->offset);
}

static double svg_panel_max(const struct bench_report *r, const struct svg_panel *p)
{
	double max = 0;

	for (guint i = 0; i < r->rows->len; i++)
		for (size_t k = 0; k < p->nr_series; k++) {
			double v = svg_value(g_ptr_array_index(r->rows, i), &p->series[k]);

			if (!isnan(v) && v > max)
				max = v;
		}
	return svg_axis_max(max);
}

static void svg_axes(GString *s, const struct svg_panel *p, double top, double width, double max)
{
	svg_text(s, SVG_LEFT, top - 10, "start", "font-weight=\"bold\"", p->title);
	for (int t = 0; t <= SVG_TICKS; t++) {
		double v = max * t / SVG_TICKS, y = top + SVG_PANEL_H - SVG_PANEL_H * t / SVG_TICKS;
		char label[32];

		g_snprintf(label, sizeof(label), "%g", v);
		svg_hline(s, SVG_LEFT, SVG_LEFT + width, y, "#ddd");
		svg_text(s, SVG_LEFT - 6, y + 4, "end", NULL, label);
	}
}

static void svg_legend(GString *s, const struct svg_panel *p, double x, double top)
{
	for (size_t k = 0; k < p->nr_series; k++) {
		double y = top + 14 * k;

		svg_rect(s, x, y, 10, 10, p->series[k].colour, NULL);
		svg_text(s, x + 14, y + 9, "start", NULL, p->series[k].name);
	}
}

static void svg_group(GString *s, const struct bench_row *row, const struct svg_panel *p, double x,
		      double top, double max)
{
	double bar_w = (SVG_GROUP_W - 16.0) / p->nr_series, base = top + SVG_PANEL_H;
	g_autofree char *label = g_strdup_printf("%s/%s", row->vmm, row->method);

	for (size_t k = 0; k < p->nr_series; k++) {
		double v = svg_value(row, &p->series[k]), bx = x + 8 + k * bar_w, h;
		g_autofree char *title = NULL;

		if (isnan(v)) {
			svg_text(s, bx + bar_w / 2, base - 4, "middle", "font-size=\"8\"", "n/a");
			continue;
		}
		h = SVG_PANEL_H * MIN(v / max, 1.0);
		title = g_strdup_printf("%s %s %s: %g", row->vmm, row->method, row->scenario, v);
		svg_rect(s, bx, base - h, bar_w - 1, h, p->series[k].colour, title);
	}
	svg_text(s, x + SVG_GROUP_W / 2.0, base + 14, "middle", NULL, label);
	svg_text(s, x + SVG_GROUP_W / 2.0, base + 28, "middle", NULL, row->scenario);
}

static void svg_panel(GString *s, const struct bench_report *r, const struct svg_panel *p,
		      double top, double width)
{
	double max = svg_panel_max(r, p);

	svg_axes(s, p, top, width, max);
	for (guint i = 0; i < r->rows->len; i++)
		svg_group(s, g_ptr_array_index(r->rows, i), p, SVG_LEFT + i * SVG_GROUP_W, top,
			  max);
	svg_legend(s, p, SVG_LEFT + width + 10, top);
}

char *bench_report_svg(const struct bench_report *r)
{
	const struct svg_panel panels[] = {
		{ "VM exits per kick", svg_exits, G_N_ELEMENTS(svg_exits) },
		{ "TSC cycles per kick", svg_cycles, G_N_ELEMENTS(svg_cycles) },
	};
	const struct bench_host *host = &r->head.host;
	double plot_w = MAX(1u, r->rows->len) * SVG_GROUP_W;
	double panel_h = SVG_TOP + SVG_PANEL_H + SVG_LABEL_H;
	double width = SVG_LEFT + plot_w + 150, height = panel_h * 2 + 40;
	g_autofree char *caption = g_strdup_printf(
		"vipi bench: kvm=%s (timings %s; exit counts exact)%s, %s", host->kvm, host->timing,
		r->head.partial ? ", PARTIAL" : "", host->cpu_model);
	GString *s = g_string_new(NULL);

	svg_begin(s, width, height, 11);
	svg_text(s, 10, 18, "start", "font-size=\"13\"", caption);
	for (size_t i = 0; i < G_N_ELEMENTS(panels); i++)
		svg_panel(s, r, &panels[i], 20 + SVG_TOP + i * panel_h, plot_w);
	svg_end(s);
	return g_string_free(s, FALSE);
}
