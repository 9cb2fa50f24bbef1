// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report rows and their text forms: the terminal table, JSON and CSV (through
 * record.h). The SVG chart is in report_svg.c. docs/measuring.md documents
 * the JSON.
 */
#include <math.h>
#include <string.h>

#include "bench/report.h"

/*
 * JSON members in this order; CSV columns the same, less the tables. Members
 * added since the first reports come after "note", so that a reader of the
 * older CSV columns finds them where they were.
 */
static const struct bench_field bench_row_fields[] = {
	BENCH_FIELD(BENCH_STR, struct bench_row, vmm, "vmm"),
	BENCH_FIELD(BENCH_STR, struct bench_row, method, "method"),
	BENCH_FIELD(BENCH_STR, struct bench_row, scenario, "scenario"),
	BENCH_FIELD(BENCH_U64, struct bench_row, kicks, "kicks"),
	BENCH_FIELD(BENCH_U64, struct bench_row, lost, "lost"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, sender_exits_per_kick, "sender_exits_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, receiver_exits_per_kick,
		    "receiver_exits_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, userspace_exits_per_kick,
		    "userspace_exits_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, sender_cycles_per_kick, "sender_cycles_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_cycles, "roundtrip_cycles"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, kicks_per_second, "kicks_per_second"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, poller_cpu_seconds, "poller_cpu_seconds"),
	BENCH_FIELD(BENCH_STATS, struct bench_row, sender_exit_reasons,
		    "sender_exits_by_reason_per_kick"),
	BENCH_FIELD(BENCH_STATS, struct bench_row, sender_stats, "sender_stats"),
	BENCH_FIELD(BENCH_STATS, struct bench_row, receiver_stats, "receiver_stats"),
	BENCH_FIELD(BENCH_BOOL, struct bench_row, partial, "partial"),
	BENCH_FIELD(BENCH_TEXT, struct bench_row, note, "note"),
	BENCH_FIELD(BENCH_U64, struct bench_row, delivered, "delivered"),
	BENCH_FIELD(BENCH_U64, struct bench_row, coalesced, "coalesced"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, sender_exits_per_delivered,
		    "sender_exits_per_delivered"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, receiver_exits_per_delivered,
		    "receiver_exits_per_delivered"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, deliveries_per_second, "deliveries_per_second"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, poller_cpu_per_s, "poller_cpu_per_s"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, exits_saved_per_kick, "exits_saved_per_kick"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, breakeven_exit_ns, "breakeven_exit_ns"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, breakeven_ipi_per_s, "breakeven_ipi_per_s"),
	BENCH_FIELD(BENCH_TEXT, struct bench_row, breakeven_basis, "breakeven_basis"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_post_cycles, "roundtrip_post_cycles"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_handler_cycles,
		    "roundtrip_handler_cycles"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_doorbells, "roundtrip_doorbells"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_sender_exits, "roundtrip_sender_exits"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_receiver_exits,
		    "roundtrip_receiver_exits"),
	BENCH_FIELD(BENCH_NUM, struct bench_row, roundtrip_poller_wakeups,
		    "roundtrip_poller_wakeups"),
	BENCH_FIELD(BENCH_U64, struct bench_row, kernel_ipis, "kernel_ipis"),
	BENCH_FIELD(BENCH_U64, struct bench_row, target_interrupts, "target_interrupts"),
	BENCH_FIELD(BENCH_U64, struct bench_row, coalesced_kernel, "coalesced_kernel"),
	BENCH_FIELDS_END,
};

static const struct bench_field bench_boot_fields[] = {
	BENCH_FIELD(BENCH_STR, struct bench_boot, vmm, "vmm"),
	BENCH_FIELD(BENCH_NUM, struct bench_boot, seconds, "seconds"),
	BENCH_FIELD(BENCH_TEXT, struct bench_boot, note, "note"),
	BENCH_FIELDS_END,
};

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
	row->roundtrip_post_cycles = NAN;
	row->roundtrip_handler_cycles = NAN;
	row->roundtrip_doorbells = NAN;
	row->roundtrip_sender_exits = NAN;
	row->roundtrip_receiver_exits = NAN;
	row->roundtrip_poller_wakeups = NAN;
	row->kicks_per_second = NAN;
	row->poller_cpu_seconds = NAN;
	row->sender_exits_per_delivered = NAN;
	row->receiver_exits_per_delivered = NAN;
	row->deliveries_per_second = NAN;
	row->poller_cpu_per_s = NAN;
	row->exits_saved_per_kick = NAN;
	row->breakeven_exit_ns = NAN;
	row->breakeven_ipi_per_s = NAN;
	row->sender_stats = bench_stats_new();
	row->receiver_stats = bench_stats_new();
	row->sender_exit_reasons = bench_stats_new();
	return row;
}

void bench_report_check_stamps(struct bench_report *r)
{
	const char *cs = r->head.host.clocksource;

	if (!cs || !strcmp(cs, "tsc"))
		return;
	for (guint i = 0; i < r->rows->len; i++) {
		struct bench_row *row = g_ptr_array_index(r->rows, i);
		g_autofree char *older = NULL;

		if (isnan(row->roundtrip_handler_cycles))
			continue;
		row->roundtrip_handler_cycles = NAN;
		older = g_steal_pointer(&row->note);
		row->note =
			g_strdup_printf("roundtrip_handler_cycles dropped: the host's clocksource "
					"is %s, not tsc, so two vCPUs' TSCs do not compare%s%s",
					cs, older ? "; " : "", older ? older : "");
	}
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
	g_free(row->breakeven_basis);
	g_free(row->note);
	g_free(row);
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
	*r = (struct bench_report){ 0 };
	r->rows = g_ptr_array_new_with_free_func((GDestroyNotify)bench_row_free);
	r->boot = g_ptr_array_new_with_free_func(bench_boot_free);
}

void bench_report_clear(struct bench_report *r)
{
	bench_head_clear(&r->head);
	g_clear_pointer(&r->rows, g_ptr_array_unref);
	g_clear_pointer(&r->boot, g_ptr_array_unref);
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

char *bench_report_json(const struct bench_report *r)
{
	JsonBuilder *b = bench_json_begin("tool", "vipi bench", &r->head);

	bench_json_array(b, "results", r->rows, bench_row_fields);
	bench_json_array(b, "boot", r->boot, bench_boot_fields);
	return bench_json_end(b);
}

/* Each row after the host's kvm, which says whether its timings mean anything. */
char *bench_report_csv(const struct bench_report *r)
{
	GString *s = g_string_new("kvm,");

	bench_csv_head(s, bench_row_fields);
	g_string_append_c(s, '\n');
	for (guint i = 0; i < r->rows->len; i++) {
		g_string_append_printf(s, "%s,", r->head.host.kvm);
		bench_csv_line(s, g_ptr_array_index(r->rows, i), bench_row_fields);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

int bench_report_write(const struct bench_report *r, const char *json, const char *csv,
		       const char *svg)
{
	const char *path[] = { json, csv, svg };
	char *text[] = { json ? bench_report_json(r) : NULL, csv ? bench_report_csv(r) : NULL,
			 svg ? bench_report_svg(r) : NULL };

	return bench_save_all(path, text, G_N_ELEMENTS(path));
}
