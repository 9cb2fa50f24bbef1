// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdarg.h>

#include "bench/svg.h"

#define SVG_HBAR_LEFT	230 /* the bars start here, right of their labels */
#define SVG_HBAR_PLOT_W 420 /* the longest bar */

void svg_begin(GString *s, double width, double height, int font_size)
{
	g_string_append_printf(s,
			       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
			       "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
			       "font-family=\"sans-serif\" font-size=\"%d\">\n"
			       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
			       width, height, width, height, font_size);
}

void svg_end(GString *s)
{
	g_string_append(s, "</svg>\n");
}

void svg_text(GString *s, double x, double y, const char *anchor, const char *extra,
	      const char *text)
{
	g_autofree char *esc = g_markup_escape_text(text, -1);

	g_string_append_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>\n",
			       x, y, anchor, extra ? extra : "", esc);
}

void svg_rect(GString *s, double x, double y, double w, double h, const char *fill,
	      const char *title)
{
	g_autofree char *esc = title ? g_markup_escape_text(title, -1) : NULL;

	g_string_append_printf(s,
			       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			       "fill=\"%s\"",
			       x, y, w, h, fill);
	if (esc)
		g_string_append_printf(s, "><title>%s</title></rect>\n", esc);
	else
		g_string_append(s, "/>\n");
}

void svg_hline(GString *s, double x1, double x2, double y, const char *stroke)
{
	g_string_append_printf(s,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			       "stroke=\"%s\"/>\n",
			       x1, y, x2, y, stroke);
}

double svg_axis_max(double v)
{
	double p = 1;

	if (!(v > 0) || isinf(v))
		return 1;
	/* Loops instead of log10/pow: no libm for one chart. */
	while (p > v)
		p /= 10;
	while (p * 10 <= v)
		p *= 10;
	if (v <= p)
		return p;
	if (v <= 2 * p)
		return 2 * p;
	if (v <= 5 * p)
		return 5 * p;
	return 10 * p;
}

static void svg_hbar_clear(gpointer p)
{
	g_free(((struct svg_hbar *)p)->label);
}

GArray *svg_hbars_new(void)
{
	GArray *bars = g_array_new(FALSE, FALSE, sizeof(struct svg_hbar));

	g_array_set_clear_func(bars, svg_hbar_clear);
	return bars;
}

void svg_hbars_add(GArray *bars, double value, const char *fmt, ...)
{
	struct svg_hbar bar = { .value = value };
	va_list ap;

	va_start(ap, fmt);
	bar.label = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_array_append_val(bars, bar);
}

static double svg_hbar_value(const struct svg_hbar *bar)
{
	return isnan(bar->value) ? 0 : MAX(0, bar->value);
}

void svg_hbars(GString *s, int *y, const char *title, const char *colour, GArray *bars, int prec)
{
	double max = 0;

	for (guint i = 0; i < bars->len; i++)
		max = MAX(max, svg_hbar_value(&g_array_index(bars, struct svg_hbar, i)));
	svg_text(s, 10, *y, "start", NULL, title);
	*y += 10;
	for (guint i = 0; i < bars->len; i++, *y += SVG_HBAR_H) {
		const struct svg_hbar *bar = &g_array_index(bars, struct svg_hbar, i);
		double v = svg_hbar_value(bar), w = max > 0 ? v / max * SVG_HBAR_PLOT_W : 0;
		char num[32];

		g_snprintf(num, sizeof(num), "%.*f", prec, v);
		svg_text(s, 10, *y + 15, "start", NULL, bar->label);
		svg_rect(s, SVG_HBAR_LEFT, *y + 3, w, SVG_HBAR_H - 6, colour, NULL);
		svg_text(s, SVG_HBAR_LEFT + w + 5, *y + 15, "start", NULL, num);
	}
}
