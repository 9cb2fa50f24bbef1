// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nohz suite's report (docs/nohz.md), on fixed rows made up here for the
 * test only: its JSON members, CSV shape, table and whole files. It shares
 * the writers of bench/report.c (test-report.c).
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <unistd.h>

#include "bench/nohz.h"
#include "bench/report.h"
#include "bench/suite.h"

static JsonObject *parse(JsonParser *p, const char *text)
{
	g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)));
	return json_node_get_object(json_parser_get_root(p));
}

static void fake_nohz_row(struct nohz_report *r, const char *config, double exits)
{
	struct nohz_row *row = g_new0(struct nohz_row, 1);

	row->exits = g_strdup("none");
	row->config = g_strdup(config);
	row->cpu = 1;
	row->window_s = 4;
	row->exits_per_s = exits;
	row->exits_by_kind = bench_stats_new();
	bench_stats_set(row->exits_by_kind, "trace_exits_hlt", 20.5);
	bench_stats_set(row->exits_by_kind, "io_exits", 1.5);
	row->local_timer_per_s = 250;
	row->kicks_per_s = 300;
	row->lost_cpu_ms_per_s = 1.25;
	g_ptr_array_add(r->rows, row);
}

static void fake_nohz_hk(struct nohz_report *r, const char *config, const char *method,
			 double per_kick, double reduction)
{
	struct nohz_hk *hk = g_new0(struct nohz_hk, 1);

	hk->exits = g_strdup("none");
	hk->config = g_strdup(config);
	hk->events = 1200;
	hk->kicks = 1000;
	hk->icr_writes = strcmp(method, NOHZ_SEND_BY_PATH) ? NAN : 990;
	hk->hypercalls = 0;
	hk->pio = 5;
	hk->send_method = method;
	hk->send_exits = 995;
	hk->send_exits_per_kick = per_kick;
	hk->reduction = reduction;
	hk->lost = isnan(reduction);
	g_ptr_array_add(r->hk, hk);
}

/* Absent by path, takeover-on from all exits and with lost calls, takeover-off without hk. */
static void fake_nohz(struct nohz_report *r)
{
	nohz_report_init(r);
	r->head.host.kvm = g_strdup("lab");
	r->head.host.timing = g_strdup("emulated");
	r->head.host.cpu_model = g_strdup("Test <CPU>");
	r->head.command = g_strdup("vipi bench --suite nohz");
	r->args.seconds = 4;
	r->args.rate = 300;
	fake_nohz_row(r, "absent", 1234.5);
	fake_nohz_row(r, "takeover-off", NAN);
	fake_nohz_row(r, "takeover-on", 12.25);
	fake_nohz_hk(r, "absent", NOHZ_SEND_BY_PATH, 0.995, NAN);
	fake_nohz_hk(r, "takeover-on", NOHZ_SEND_ALL, 0.0125, 0.95);
}

static void test_nohz_json(void)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *text = NULL;
	struct nohz_report r;
	JsonObject *root, *o;
	JsonArray *a;

	fake_nohz(&r);
	text = nohz_report_json(&r);
	root = parse(p, text);
	g_assert_cmpstr(json_object_get_string_member(root, "suite"), ==, "nohz");
	g_assert_false(json_object_get_boolean_member(root, "partial"));
	g_assert_cmpstr(
		json_object_get_string_member(json_object_get_object_member(root, "host"), "kvm"),
		==, "lab");
	o = json_object_get_object_member(root, "params");
	g_assert_cmpfloat(json_object_get_double_member(o, "seconds"), ==, 4);
	g_assert_cmpfloat(json_object_get_double_member(o, "rate"), ==, 300);
	g_assert_cmpfloat(json_object_get_double_member(o, "vcpus"), ==, NOHZ_VCPUS);
	g_assert_cmpfloat(json_object_get_double_member(o, "poller_spin_us"), ==,
			  NOHZ_POLLER_SPIN_US);

	a = json_object_get_array_member(root, "results");
	g_assert_cmpuint(json_array_get_length(a), ==, 3);
	o = json_array_get_object_element(a, 0);
	g_assert_cmpstr(json_object_get_string_member(o, "exits_disabled"), ==, "none");
	g_assert_cmpstr(json_object_get_string_member(o, "config"), ==, "absent");
	g_assert_cmpfloat(json_object_get_double_member(o, "cpu"), ==, 1);
	g_assert_cmpfloat(json_object_get_double_member(o, "window_s"), ==, 4);
	g_assert_cmpfloat(json_object_get_double_member(o, "exits_per_s"), ==, 1234.5);
	g_assert_cmpfloat(json_object_get_double_member(o, "local_timer_per_s"), ==, 250);
	g_assert_cmpfloat(json_object_get_double_member(o, "kicks_per_s"), ==, 300);
	g_assert_cmpfloat(json_object_get_double_member(o, "lost_cpu_ms_per_s"), ==, 1.25);
	g_assert_cmpfloat(
		json_object_get_double_member(
			json_object_get_object_member(o, "exits_by_kind_per_s"), "trace_exits_hlt"),
		==, 20.5);
	g_assert_nonnull(strstr(text, "\"io_exits\" : 1.5,\n        \"trace_exits_hlt\""));
	g_assert_true(
		json_object_get_null_member(json_array_get_object_element(a, 1), "exits_per_s"));

	a = json_object_get_array_member(root, "housekeeping");
	g_assert_cmpuint(json_array_get_length(a), ==, 2);
	o = json_array_get_object_element(a, 0);
	g_assert_cmpstr(json_object_get_string_member(o, "send_exits_method"), ==,
			"icr_writes+hypercalls+pio");
	g_assert_cmpfloat(json_object_get_double_member(o, "events"), ==, 1200);
	g_assert_cmpfloat(json_object_get_double_member(o, "kicks_delivered"), ==, 1000);
	g_assert_cmpfloat(json_object_get_double_member(o, "send_icr_writes"), ==, 990);
	g_assert_cmpfloat(json_object_get_double_member(o, "send_hypercalls"), ==, 0);
	g_assert_cmpfloat(json_object_get_double_member(o, "send_pio"), ==, 5);
	g_assert_cmpfloat(json_object_get_double_member(o, "send_exits"), ==, 995);
	g_assert_cmpfloat(json_object_get_double_member(o, "send_exits_per_kick"), ==, 0.995);
	g_assert_true(json_object_get_null_member(o, "reduction_vs_absent"));
	g_assert_true(json_object_get_boolean_member(o, "lost"));
	o = json_array_get_object_element(a, 1);
	g_assert_cmpstr(json_object_get_string_member(o, "send_exits_method"), ==,
			"all_exits_difference");
	g_assert_true(json_object_get_null_member(o, "send_icr_writes"));
	g_assert_cmpfloat(json_object_get_double_member(o, "reduction_vs_absent"), ==, 0.95);
	g_assert_false(json_object_get_boolean_member(o, "lost"));
	nohz_report_clear(&r);
}

static void test_nohz_csv(void)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	struct nohz_report r;

	fake_nohz(&r);
	text = nohz_report_csv(&r);
	lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 5); /* header, 3 rows, "" */
	g_assert_cmpstr(lines[0], ==,
			"exits_disabled,config,cpu,window_s,exits_per_s,local_timer_per_s,"
			"kicks_per_s,lost_cpu_ms_per_s,hk_send_exits_per_kick,"
			"hk_reduction_vs_absent");
	/* Each row carries its configuration's housekeeping figures, empty where none. */
	g_assert_cmpstr(lines[1], ==, "none,absent,1,4,1234.5,250,300,1.25,0.995,");
	g_assert_cmpstr(lines[2], ==, "none,takeover-off,1,4,,250,300,1.25,,");
	g_assert_cmpstr(lines[3], ==, "none,takeover-on,1,4,12.25,250,300,1.25,0.0125,0.95");
	nohz_report_clear(&r);
}

static void test_nohz_table(void)
{
	g_autofree char *out = NULL;
	struct nohz_report r;
	size_t len;
	FILE *f;

	fake_nohz(&r);
	r.head.partial = true;
	f = open_memstream(&out, &len);
	nohz_report_print(&r, f);
	fclose(f);
	g_assert_nonnull(strstr(out, "nohz suite: kvm lab (timing emulated), Test <CPU>; 4 s "
				     "windows, 300 events/s per isolated CPU\n"));
	g_assert_nonnull(strstr(out, "\nnone     absent           1     1234.5      250.0      "
				     "300.0         1.25\n"));
	g_assert_nonnull(strstr(out, "\nnone     takeover-off     1          -      250.0"));
	/* By path, unmarked; from all exits, marked "*"; the reduction in per cent. */
	g_assert_nonnull(strstr(out, "\nnone     absent            1200     1000      990        0"
				     "        5       995         0.995          -  LOST remote "
				     "calls\n"));
	g_assert_nonnull(strstr(out, "\nnone     takeover-on       1200     1000        -        0"
				     "        5       995*        0.013       95.0\n"));
	g_assert_true(g_str_has_suffix(out, "(partial report: the run was cut short)\n"));
	nohz_report_clear(&r);
}

static void test_nohz_write(void)
{
	g_autofree char *dir = g_dir_make_tmp("vipi-nohz-XXXXXX", NULL);
	g_autofree char *json = g_build_filename(dir, "n.json", NULL);
	g_autofree char *csv = g_build_filename(dir, "n.csv", NULL);
	g_autofree char *svg = g_build_filename(dir, "n.svg", NULL);
	g_autofree char *bad = g_build_filename(dir, "no/such/dir.svg", NULL);
	g_autofree char *text = NULL;
	struct nohz_report r;

	fake_nohz(&r);
	g_assert_cmpint(nohz_report_write(&r, json, csv, svg), ==, 0);
	g_assert_true(g_file_test(json, G_FILE_TEST_IS_REGULAR));
	g_assert_true(g_file_test(csv, G_FILE_TEST_IS_REGULAR));
	g_assert_true(g_file_get_contents(svg, &text, NULL, NULL));
	/* One bar per housekeeping figure and per isolated row, labels escaped. */
	g_assert_nonnull(strstr(text, ">exits off: none, takeover-on<"));
	g_assert_nonnull(strstr(text, ">exits off: none, takeover-off, cpu 1<"));
	g_assert_nonnull(strstr(text, ">0.995<"));
	g_assert_cmpint(nohz_report_write(&r, NULL, NULL, bad), ==, -ENOENT);
	unlink(json);
	unlink(csv);
	unlink(svg);
	rmdir(dir);
	nohz_report_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/nohz-json", test_nohz_json);
	g_test_add_func("/report/nohz-csv", test_nohz_csv);
	g_test_add_func("/report/nohz-table", test_nohz_table);
	g_test_add_func("/report/nohz-write", test_nohz_write);
	return g_test_run();
}
