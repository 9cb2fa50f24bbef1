/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few SVG elements the reports' charts are drawn with (report_svg.c,
 * nohz_report.c): written by hand, so that a chart needs no plotting
 * library. Every text is escaped.
 */
#ifndef VIPI_BENCH_SVG_H
#define VIPI_BENCH_SVG_H

#include <glib.h>

/* The document's start (a white page) and end. */
void svg_begin(GString *s, double width, double height, int font_size);
void svg_end(GString *s);

/* ANCHOR: start, middle or end; EXTRA: more attributes or NULL. */
void svg_text(GString *s, double x, double y, const char *anchor, const char *extra,
	      const char *text);
/* TITLE (NULL: none) is the tooltip. */
void svg_rect(GString *s, double x, double y, double w, double h, const char *fill,
	      const char *title);
void svg_hline(GString *s, double x1, double x2, double y, const char *stroke);

/* A round axis maximum (1, 2 or 5 times a power of ten) at or above V. */
double svg_axis_max(double v);

/* Horizontal bars: one per label, scaled to the largest value. */
#define SVG_HBAR_H 22 /* pixels per bar */

struct svg_hbar {
	char *label;
	double value; /* NAN: drawn as 0 */
};

/* An array of struct svg_hbar that frees their labels, and a bar for it. */
GArray *svg_hbars_new(void);
void svg_hbars_add(GArray *bars, double value, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/*
 * TITLE at *Y, then a bar per entry of BARS (struct svg_hbar) in COLOUR,
 * each labelled on its left and followed by its value ("%.*f", PREC);
 * *Y ends below the last.
 */
void svg_hbars(GString *s, int *y, const char *title, const char *colour, GArray *bars, int prec);

#endif
