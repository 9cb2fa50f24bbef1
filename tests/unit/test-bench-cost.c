// SPDX-License-Identifier: GPL-2.0-only
/*
 * The deliveries and the cost side of a bench row (issue 13): delivered=,
 * coalesced=, kernel_ipis=, target_interrupts= and coalesced_kernel= from
 * the module's result line carried into the row, exits per delivered
 * interrupt beside exits per kick, deliveries per second, the
 * poller's CPU per second and the break-even rate against native (cost.c),
 * in the JSON, the CSV and the table. Rows and result lines are made up here.
 */
#include <json-glib/json-glib.h>
#include <math.h>

#include "bench/cost.h"
#include "bench/nohz.h"
#include "bench/phase.h"
#include "bench/report.h"

/* One vCPU table of the phase delta with EXITS exits. */
static GHashTable *vcpu_delta(guint64 exits)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	g_hash_table_insert(t, g_strdup("exits"), g_memdup2(&exits, sizeof(exits)));
	return t;
}

/* A row from a result line, sender and receiver exits S and R over the phase. */
static struct bench_row *row_from(const char *method, const char *line, guint64 s, guint64 r)
{
	g_autoptr(GHashTable) res = phase_parse_result(line);
	g_autoptr(GPtrArray) delta =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	static const char *const none[] = { NULL };

	g_ptr_array_add(delta, vcpu_delta(s));
	g_ptr_array_add(delta, vcpu_delta(r));
	return phase_row("vipi", method, "busy", delta, NULL, res, 0, none);
}

static void test_row_deliveries(void)
{
	struct bench_row *row =
		row_from("native",
			 "kicks=1000 sent=1000 lost=0 ns=1000000000 cycles=2000000000 "
			 "delivered=800 coalesced=3 roundtrip_cycles=5000 coalesced_kernel=3 "
			 "kernel_ipis=7 target_interrupts=806",
			 1000, 800);

	g_assert_nonnull(row);
	g_assert_cmpuint(row->delivered, ==, 800);
	g_assert_cmpuint(row->coalesced, ==, 3);
	g_assert_cmpuint(row->coalesced_kernel, ==, 3);
	g_assert_cmpuint(row->kernel_ipis, ==, 7);
	g_assert_cmpuint(row->target_interrupts, ==, 806);
	g_assert_cmpfloat(row->sender_exits_per_kick, ==, 1.0);
	g_assert_cmpfloat(row->sender_exits_per_delivered, ==, 1.25);
	g_assert_cmpfloat(row->receiver_exits_per_delivered, ==, 1.0);
	g_assert_cmpfloat(row->kicks_per_second, ==, 1000);
	g_assert_cmpfloat(row->deliveries_per_second, ==, 800);
	g_assert_null(row->note);
	bench_row_free(row);
}

/*
 * The round trip's split: the send and the kick to the target's stamp as
 * given; doorbells per round trip; no stamp (idle) leaves the split NAN.
 */
static void test_row_round_trip(void)
{
	struct bench_row *row =
		row_from("vipi",
			 "kicks=10 sent=10 lost=0 ns=1000 cycles=100 delivered=10 coalesced=0 "
			 "roundtrips=4 roundtrip_cycles=5000 roundtrip_post_cycles=300 "
			 "roundtrip_stamped=4 roundtrip_handler_cycles=4000 roundtrip_doorbells=2",
			 10, 10);

	g_assert_cmpfloat(row->roundtrip_cycles, ==, 5000);
	g_assert_cmpfloat(row->roundtrip_post_cycles, ==, 300);
	g_assert_cmpfloat(row->roundtrip_handler_cycles, ==, 4000);
	g_assert_cmpfloat(row->roundtrip_doorbells, ==, 0.5);
	bench_row_free(row);
	row = row_from("vipi",
		       "kicks=10 sent=10 lost=0 ns=1000 cycles=100 delivered=10 coalesced=0 "
		       "roundtrips=4 roundtrip_cycles=5000 roundtrip_post_cycles=300 "
		       "roundtrip_stamped=0 roundtrip_handler_cycles=0 roundtrip_doorbells=0",
		       10, 10);
	g_assert_true(isnan(row->roundtrip_handler_cycles));
	g_assert_cmpfloat(row->roundtrip_doorbells, ==, 0);
	bench_row_free(row);
}

/* An older module without the two counts: zeros, never a guess, and a note. */
static void test_row_no_deliveries(void)
{
	struct bench_row *row =
		row_from("native", "kicks=10 sent=10 lost=0 ns=1000 cycles=100", 10, 10);

	g_assert_cmpuint(row->delivered, ==, 0);
	g_assert_cmpuint(row->kernel_ipis, ==, 0);
	g_assert_cmpuint(row->target_interrupts, ==, 0);
	g_assert_true(isnan(row->sender_exits_per_delivered));
	g_assert_nonnull(strstr(row->note, "delivered="));
	bench_row_free(row);
}

/* vipi saves (1 + 1) - (0 + 0.5) exits per kick; its poller spins a whole CPU. */
static void fake_pair(struct bench_report *r, const char *timing)
{
	struct bench_row *native = bench_row_new("vipi", "native", "busy");
	struct bench_row *vipi = bench_row_new("vipi", "vipi", "busy");

	bench_report_init(r);
	r->head.host.timing = g_strdup(timing);
	native->kicks = vipi->kicks = 1000;
	native->sender_exits_per_kick = native->receiver_exits_per_kick = 1.0;
	native->sender_cycles_per_kick = 3000; /* 1000 of them the exit */
	native->kicks_per_second = 1e6;	       /* a 3 GHz TSC */
	native->poller_cpu_per_s = 0.01;
	vipi->sender_exits_per_kick = 0;
	vipi->receiver_exits_per_kick = 0.5;
	vipi->sender_cycles_per_kick = 2000;
	vipi->poller_cpu_per_s = 1.0;
	g_ptr_array_add(r->rows, native);
	g_ptr_array_add(r->rows, vipi);
	cost_report(r);
}

static void test_breakeven_on_paper(void)
{
	struct bench_report r;
	struct bench_row *native, *vipi;

	fake_pair(&r, "emulated");
	native = g_ptr_array_index(r.rows, 0);
	vipi = g_ptr_array_index(r.rows, 1);
	/* Native is the baseline: nothing to weigh it against. */
	g_assert_true(isnan(native->exits_saved_per_kick));
	g_assert_null(native->breakeven_basis);
	g_assert_cmpfloat(vipi->exits_saved_per_kick, ==, 1.5);
	g_assert_cmpfloat(vipi->breakeven_exit_ns, ==, COST_PAPER_EXIT_NS);
	g_assert_true(g_str_has_prefix(vipi->breakeven_basis, "on paper: "));
	g_assert_cmpfloat_with_epsilon(vipi->breakeven_ipi_per_s, 1.0 / (1.5 * 710e-9), 1e-3);
	bench_report_clear(&r);
}

/* Real timings: 1000 cycles per sender exit saved at 3 GHz, 333 ns. */
static void test_breakeven_measured(void)
{
	struct bench_report r;
	struct bench_row *vipi;

	fake_pair(&r, "real");
	vipi = g_ptr_array_index(r.rows, 1);
	g_assert_cmpfloat_with_epsilon(vipi->breakeven_exit_ns, 1000.0 / 3.0, 1e-6);
	g_assert_true(g_str_has_prefix(vipi->breakeven_basis, "measured: "));
	g_assert_cmpfloat_with_epsilon(vipi->breakeven_ipi_per_s, 1.0 / (1.5 * 1e-6 / 3), 1e-3);
	bench_report_clear(&r);
}

/* A row that saves no exit has no rate: its poller never pays. */
static void test_breakeven_never(void)
{
	struct bench_report r;
	struct bench_row *vipi;

	fake_pair(&r, "emulated");
	vipi = g_ptr_array_index(r.rows, 1);
	vipi->sender_exits_per_kick = 1.5;
	vipi->exits_saved_per_kick = NAN;
	g_clear_pointer(&vipi->breakeven_basis, g_free);
	vipi->breakeven_ipi_per_s = NAN;
	cost_breakeven(vipi, g_ptr_array_index(r.rows, 0), false);
	g_assert_cmpfloat(vipi->exits_saved_per_kick, ==, 0);
	g_assert_true(isnan(vipi->breakeven_ipi_per_s));
	bench_report_clear(&r);
}

static void test_outputs(void)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *json = NULL, *csv = NULL, *out = NULL;
	g_auto(GStrv) lines = NULL;
	struct bench_report r;
	JsonObject *row;
	size_t len;
	FILE *f;

	fake_pair(&r, "emulated");
	((struct bench_row *)g_ptr_array_index(r.rows, 1))->delivered = 250;
	((struct bench_row *)g_ptr_array_index(r.rows, 1))->coalesced = 750;
	((struct bench_row *)g_ptr_array_index(r.rows, 1))->kernel_ipis = 12;
	((struct bench_row *)g_ptr_array_index(r.rows, 1))->target_interrupts = 261;
	((struct bench_row *)g_ptr_array_index(r.rows, 1))->coalesced_kernel = 2;
	json = bench_report_json(&r);
	g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
	row = json_array_get_object_element(
		json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
					     "results"),
		1);
	/* Integers, not doubles: json-glib keeps the node's type. */
	g_assert_cmpint(json_node_get_value_type(json_object_get_member(row, "delivered")), ==,
			G_TYPE_INT64);
	g_assert_cmpint(json_object_get_int_member(row, "delivered"), ==, 250);
	g_assert_cmpint(json_object_get_int_member(row, "coalesced"), ==, 750);
	g_assert_cmpint(json_node_get_value_type(json_object_get_member(row, "kernel_ipis")), ==,
			G_TYPE_INT64);
	g_assert_cmpint(json_object_get_int_member(row, "kernel_ipis"), ==, 12);
	g_assert_cmpint(json_object_get_int_member(row, "target_interrupts"), ==, 261);
	g_assert_cmpint(json_object_get_int_member(row, "coalesced_kernel"), ==, 2);
	g_assert_cmpfloat(json_object_get_double_member(row, "poller_cpu_per_s"), ==, 1.0);
	g_assert_true(json_object_has_member(row, "breakeven_ipi_per_s"));
	g_assert_true(json_object_has_member(row, "sender_exits_per_delivered"));
	g_assert_true(json_object_has_member(row, "deliveries_per_second"));

	csv = bench_report_csv(&r);
	lines = g_strsplit(csv, "\n", -1);
	g_assert_nonnull(strstr(lines[0], ",note,delivered,coalesced,sender_exits_per_delivered,"
					  "receiver_exits_per_delivered,deliveries_per_second,"
					  "poller_cpu_per_s,"));
	g_assert_nonnull(strstr(lines[2], ",250,750,"));
	g_assert_true(
		g_str_has_suffix(lines[0], ",kernel_ipis,target_interrupts,coalesced_kernel"));
	g_assert_true(g_str_has_suffix(lines[2], ",12,261,2"));

	f = open_memstream(&out, &len);
	bench_report_print(&r, f);
	fclose(f);
	g_assert_nonnull(strstr(out, "deliv/s"));
	g_assert_nonnull(strstr(out, "poller/s"));
	g_assert_nonnull(strstr(out, "break-even: vipi vipi busy: saves 1.5000 exits/kick"));
	g_assert_nonnull(strstr(out, "(on paper: "));
	bench_report_clear(&r);
}

/* The nohz suite's housekeeping record carries the poller's cost and break-even. */
static void test_nohz_cost(void)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *json = NULL, *out = NULL;
	struct nohz_hk *hk = g_new0(struct nohz_hk, 1);
	struct nohz_report r;
	JsonObject *o;
	size_t len;
	FILE *f;

	nohz_report_init(&r);
	r.head.host.kvm = g_strdup("lab");
	hk->exits = g_strdup("none");
	hk->config = g_strdup("takeover-on");
	hk->send_method = NOHZ_SEND_BY_PATH;
	hk->poller_cpu_per_s = 0.98;
	hk->exits_saved_per_kick = 0.99;
	hk->breakeven_exit_ns = COST_PAPER_EXIT_NS;
	hk->breakeven_kicks_per_s = 0.98 / (0.99 * COST_PAPER_EXIT_NS * 1e-9);
	hk->breakeven_basis = "on paper: " COST_PAPER_EXIT_SOURCE;
	g_ptr_array_add(r.hk, hk);
	json = nohz_report_json(&r);
	g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
	o = json_array_get_object_element(
		json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
					     "housekeeping"),
		0);
	g_assert_cmpfloat(json_object_get_double_member(o, "poller_cpu_per_s"), ==, 0.98);
	g_assert_cmpfloat_with_epsilon(json_object_get_double_member(o, "breakeven_kicks_per_s"),
				       1394223.9, 1);
	g_assert_true(g_str_has_prefix(json_object_get_string_member(o, "breakeven_basis"),
				       "on paper: "));
	f = open_memstream(&out, &len);
	nohz_report_print(&r, f);
	fclose(f);
	g_assert_nonnull(strstr(out, "takeover-on   poller 0.980 CPU-s/s; saves 0.990 exits/kick"));
	g_assert_nonnull(strstr(out, "pays above 1394224 kicks/s"));
	nohz_report_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/bench-cost/row-deliveries", test_row_deliveries);
	g_test_add_func("/bench-cost/row-no-deliveries", test_row_no_deliveries);
	g_test_add_func("/bench-cost/row-round-trip", test_row_round_trip);
	g_test_add_func("/bench-cost/breakeven-on-paper", test_breakeven_on_paper);
	g_test_add_func("/bench-cost/breakeven-measured", test_breakeven_measured);
	g_test_add_func("/bench-cost/breakeven-never", test_breakeven_never);
	g_test_add_func("/bench-cost/outputs", test_outputs);
	g_test_add_func("/bench-cost/nohz", test_nohz_cost);
	return g_test_run();
}
