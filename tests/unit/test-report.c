// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report writers, on fixed rows made up here for the test only: the
 * JSON contract of docs/measuring.md, CSV shape, the SVG parses and renders
 * (rsvg-convert), missing figures stay missing, files appear whole; and the
 * -errno the bench library returns where GLib reported a failure. The nohz
 * suite's report, which shares the writers, is test-nohz-report.c.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <unistd.h>

#include "bench/nohz.h"
#include "bench/report.h"
#include "bench/suite.h"

static void fake_report(struct bench_report *r)
{
	struct bench_row *row;

	bench_report_init(r);
	r->head.host.kvm = g_strdup("lab");
	r->head.host.timing = g_strdup("emulated");
	r->head.host.kernel = g_strdup("6.1.0-test");
	r->head.host.cpu_model = g_strdup("Test CPU <&> \"quoted\"");
	r->head.host.kvm_module = g_strdup("kvm_amd");
	r->head.host.apicv = g_strdup("absent");
	r->head.host.ipiv = g_strdup("absent");
	r->head.host.avic = g_strdup("N");
	r->head.command = g_strdup("vipi bench --test");

	row = bench_row_new("qemu", "native", "busy");
	row->kicks = 1000;
	row->sender_exits_per_kick = 1.002;
	row->receiver_exits_per_kick = 0.5;
	row->userspace_exits_per_kick = 0;
	row->sender_cycles_per_kick = 12345;
	row->roundtrip_cycles = 45678;
	row->kicks_per_second = 1e5;
	bench_stats_set(row->sender_stats, "exits", 1002);
	bench_stats_set(row->sender_stats, "trace_exits_msr", 1000);
	bench_stats_set(row->sender_stats, "calibration_exits", 12);
	bench_stats_set(row->sender_stats, "halt_exits", 2);
	g_ptr_array_add(r->rows, row);

	row = bench_row_new("qemu", "kvm-pv", "idle");
	row->kicks = 1000;
	row->sender_exits_per_kick = 1.0;
	row->note = g_strdup("no \"round trip\", yet");
	g_ptr_array_add(r->rows, row);
	bench_report_add_boot(r, "qemu", 21.5, NULL);
	bench_report_add_boot(r, "vipi", NAN, "did not boot");
}

static JsonObject *parse(JsonParser *p, const char *text)
{
	g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
	g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)));
	return json_node_get_object(json_parser_get_root(p));
}

static void test_json_contract(void)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *text = NULL;
	struct bench_report r;
	JsonObject *root, *host, *row;
	JsonArray *results, *boot;

	fake_report(&r);
	text = bench_report_json(&r);
	root = parse(p, text);
	host = json_object_get_object_member(root, "host");
	g_assert_cmpstr(json_object_get_string_member(host, "kvm"), ==, "lab");
	g_assert_cmpstr(json_object_get_string_member(host, "avic"), ==, "N");
	g_assert_false(json_object_get_boolean_member(root, "partial"));

	results = json_object_get_array_member(root, "results");
	g_assert_cmpuint(json_array_get_length(results), ==, 2);
	row = json_array_get_object_element(results, 0);
	g_assert_cmpstr(json_object_get_string_member(row, "vmm"), ==, "qemu");
	g_assert_cmpstr(json_object_get_string_member(row, "method"), ==, "native");
	g_assert_cmpstr(json_object_get_string_member(row, "scenario"), ==, "busy");
	g_assert_cmpint(json_object_get_int_member(row, "kicks"), ==, 1000);
	g_assert_cmpint(json_object_get_int_member(row, "lost"), ==, 0);
	g_assert_cmpfloat(json_object_get_double_member(row, "sender_exits_per_kick"), ==, 1.002);
	g_assert_cmpfloat(json_object_get_double_member(row, "roundtrip_cycles"), ==, 45678);
	g_assert_cmpfloat(json_object_get_double_member(
				  json_object_get_object_member(row, "sender_stats"), "exits"),
			  ==, 1002);
	for (const char *const *k =
		     (const char *const[]){ "receiver_exits_per_kick", "userspace_exits_per_kick",
					    "sender_cycles_per_kick", NULL };
	     *k; k++)
		g_assert_true(json_object_has_member(row, *k));

	/* Stats tables have their keys sorted, so that two reports diff well. */
	g_assert_nonnull(strstr(text, "\"calibration_exits\" : 12.0,\n"
				      "        \"exits\" : 1002.0,\n"
				      "        \"halt_exits\" : 2.0,\n"
				      "        \"trace_exits_msr\" : 1000.0\n"));

	/* A figure we do not have is null, never 0. */
	row = json_array_get_object_element(results, 1);
	g_assert_true(json_object_get_null_member(row, "roundtrip_cycles"));
	g_assert_true(json_object_get_null_member(row, "poller_cpu_seconds"));

	boot = json_object_get_array_member(root, "boot");
	g_assert_cmpuint(json_array_get_length(boot), ==, 2);
	g_assert_cmpstr(
		json_object_get_string_member(json_array_get_object_element(boot, 0), "vmm"), ==,
		"qemu");
	g_assert_cmpfloat(
		json_object_get_double_member(json_array_get_object_element(boot, 0), "seconds"),
		==, 21.5);
	g_assert_true(
		json_object_get_null_member(json_array_get_object_element(boot, 1), "seconds"));
	bench_report_clear(&r);
}

static void test_json_partial(void)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autofree char *text = NULL;
	struct bench_report r;

	fake_report(&r);
	r.head.partial = true;
	text = bench_report_json(&r);
	g_assert_true(json_object_get_boolean_member(parse(p, text), "partial"));
	bench_report_clear(&r);
}

static void test_csv(void)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	struct bench_report r;

	fake_report(&r);
	text = bench_report_csv(&r);
	lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 4); /* header, 2 rows, "" */
	g_assert_true(g_str_has_prefix(lines[0], "kvm,vmm,method,scenario,kicks,lost,"));
	g_assert_true(g_str_has_prefix(lines[1], "lab,qemu,native,busy,1000,0,1.002,0.5,0,"));
	/* Missing figures are empty fields; the note's quotes cannot break the row. */
	g_assert_nonnull(strstr(lines[2], ",1,,,,,,,false,\"no 'round trip', yet\""));
	for (int i = 0; i < 3; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], ",", -1);

		/* The note may hold commas: count the fields before it. */
		g_assert_cmpuint(g_strv_length(f), >=, 15);
	}
	bench_report_clear(&r);
}

static void test_table(void)
{
	g_autofree char *out = NULL;
	struct bench_report r;
	size_t len;
	FILE *f;

	fake_report(&r);
	f = open_memstream(&out, &len);
	bench_report_print(&r, f);
	fclose(f);
	g_assert_nonnull(strstr(out, "kvm=lab (timings emulated)"));
	g_assert_nonnull(strstr(out, "qemu  native         busy       1000     0    1.0020"));
	g_assert_nonnull(strstr(out, "boot: vipi         - s  did not boot"));
	bench_report_clear(&r);
}

static void test_svg_renders(void)
{
	g_autofree char *dir = g_dir_make_tmp("vipi-svg-XXXXXX", NULL);
	g_autofree char *svg = g_build_filename(dir, "b.svg", NULL);
	g_autofree char *png = g_build_filename(dir, "b.png", NULL);
	g_autofree char *text = NULL, *cmd = NULL, *out = NULL, *rsvg = NULL;
	struct bench_report r;
	int status;

	fake_report(&r);
	g_assert_cmpint(bench_report_write(&r, NULL, NULL, svg), ==, 0);
	g_assert_true(g_file_get_contents(svg, &text, NULL, NULL));
	/* The host's CPU string is escaped, not raw markup. */
	g_assert_null(strstr(text, "<&>"));
	g_assert_nonnull(strstr(text, "&lt;&amp;&gt;"));
	g_assert_nonnull(strstr(text, "qemu/native"));
	rsvg = g_find_program_in_path("rsvg-convert");
	if (!rsvg) {
		g_test_skip("rsvg-convert not installed (apt-get install librsvg2-bin)");
		goto out;
	}
	cmd = g_strdup_printf("rsvg-convert -o %s %s", png, svg);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, &out, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	g_assert_true(g_file_test(png, G_FILE_TEST_IS_REGULAR));
out:
	unlink(png);
	unlink(svg);
	rmdir(dir);
	bench_report_clear(&r);
}

static void test_write_atomic(void)
{
	g_autofree char *dir = g_dir_make_tmp("vipi-rep-XXXXXX", NULL);
	g_autofree char *json = g_build_filename(dir, "b.json", NULL);
	g_autofree char *csv = g_build_filename(dir, "b.csv", NULL);
	g_autofree char *bad = g_build_filename(dir, "no/such/dir.json", NULL);
	struct bench_report r;
	GDir *d;
	const char *name;
	int n = 0;

	fake_report(&r);
	g_assert_cmpint(bench_report_write(&r, json, csv, NULL), ==, 0);
	/* Only the two finished files: no temporary left behind. */
	d = g_dir_open(dir, 0, NULL);
	while ((name = g_dir_read_name(d)))
		n++;
	g_dir_close(d);
	g_assert_cmpint(n, ==, 2);
	/* A path that cannot be written fails the write, with one line on stderr. */
	g_assert_cmpint(bench_report_write(&r, bad, NULL, NULL), ==, -ENOENT);
	unlink(json);
	unlink(csv);
	rmdir(dir);
	bench_report_clear(&r);
}

/* Library failures are -errno (bench/suite.h), also where GLib reported them. */
static void test_errno(void)
{
	g_autoptr(GError) missing = NULL;
	g_autoptr(GError) timeout = g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "late");
	g_autoptr(GError) spawn = g_error_new(G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "no qemu");
	g_autoptr(GError) other = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "?");
	char *text = NULL;

	g_assert_false(g_file_get_contents("/nonexistent/vipi", &text, NULL, &missing));
	g_assert_cmpint(bench_errno(missing), ==, -ENOENT);
	g_assert_cmpint(bench_errno(timeout), ==, -ETIMEDOUT);
	g_assert_cmpint(bench_errno(spawn), ==, -ENOENT);
	g_assert_cmpint(bench_errno(other), ==, -EIO);
	g_assert_cmpint(bench_script("no-such-script.sh", &text), ==, -ENOENT);
	g_assert_null(text);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/json-contract", test_json_contract);
	g_test_add_func("/report/json-partial", test_json_partial);
	g_test_add_func("/report/csv", test_csv);
	g_test_add_func("/report/table", test_table);
	g_test_add_func("/report/svg-renders", test_svg_renders);
	g_test_add_func("/report/write-atomic", test_write_atomic);
	g_test_add_func("/report/errno", test_errno);
	return g_test_run();
}
