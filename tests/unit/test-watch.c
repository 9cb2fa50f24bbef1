// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi watch's parsing and aggregation (vmm/watch/): the hist files of its
 * triggers into per-thread counts, two snapshots into an interval (exits
 * by reason, IPIs by sender, target and vector class, PV send-IPI
 * targets, halt wake-ups), the ICR's destination decoding, the estimate's
 * bench JSON and --advise's domain XML.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "kvm/trace.h"
#include "util/log.h"
#include "watch/advise.h"
#include "watch/estimate.h"
#include "watch/interval.h"
#include "watch/output.h"
#include "watch/tracefs.h"

static const pid_t tids[] = { 501, 502, 503 }; /* vCPU 0, vCPU 1, an I/O thread */
#define NT 3

#define TOTALS "\nTotals:\n    Hits: 1\n    Entries: 1\n    Dropped: 0\n"

static char *hist(const char *lines)
{
	return g_strdup_printf("# event histogram\n#\n\n%s" TOTALS, lines);
}

static struct watch_target *target_new(unsigned int n)
{
	struct watch_target *t = g_new0(struct watch_target, 1);

	t->vcpus = g_array_new(false, true, sizeof(struct watch_vcpu));
	t->tids = g_array_new(false, true, sizeof(pid_t));
	for (unsigned int i = 0; i < n; i++) {
		struct watch_vcpu v = { .id = i, .tid = 0, .stats_fd = -1 };

		g_array_append_val(t->vcpus, v);
	}
	t->name = g_strdup("test");
	t->kind = "pid";
	return t;
}

static GHashTable **counts_new(void)
{
	GHashTable **c = g_new0(GHashTable *, NT);

	for (unsigned int i = 0; i < NT; i++)
		c[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return c;
}

/* A snapshot at T seconds from hist texts; NULL texts are left out. */
static void snap_fill(struct watch_snap *s, double t, const char *exits, const char *ipi,
		      const char *hc, const char *wake, const char *entry)
{
	const char *events[] = { "kvm_exit", "kvm_apic_ipi", "kvm_hypercall", "kvm_vcpu_wakeup",
				 "kvm_entry" };
	const char *texts[] = { exits, ipi, hc, wake, entry };

	memset(s, 0, sizeof(*s));
	s->t_us = (gint64)(t * 1e6);
	s->raw = counts_new();
	for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
		g_autofree char *text = texts[i] ? hist(texts[i]) : NULL;

		if (text)
			g_assert_true(watch_trace_parse(events[i], text, tids, NT, s->raw));
	}
}

static void test_interval(void)
{
	struct watch_target *t = target_new(2);
	struct watch_snap a, b;
	struct watch_interval *iv;

	/* vCPU threads known only from kvm_entry (any VMM). */
	snap_fill(&a, 1.0,
		  "{ common_pid:        501, isa:          2, exit_reason:        124 } hitcount: "
		  "10\n",
		  "{ common_pid:        501, icr_low:        251, dest_id:          1 } hitcount: "
		  "10\n",
		  NULL, NULL,
		  "{ common_pid:        501, vcpu_id:          0 } hitcount: 10\n"
		  "{ common_pid:        502, vcpu_id:          1 } hitcount: 5\n");
	/* +1000 ICR writes 0->1 at 0xfb, +4 reschedule 1->0, +2 PV multicast 0xfc. */
	snap_fill(&b, 3.0,
		  "{ common_pid:        501, isa:          2, exit_reason:        124 } hitcount: "
		  "1010\n"
		  "{ common_pid:        501, isa:          2, exit_reason:        120 } hitcount: "
		  "50\n"
		  "{ common_pid:        502, isa:          2, exit_reason:        120 } hitcount: "
		  "900\n"
		  "{ common_pid:        503, isa:          2, exit_reason:        124 } hitcount: "
		  "77\n",
		  "{ common_pid:        501, icr_low:        251, dest_id:          1 } hitcount: "
		  "1010\n"
		  "{ common_pid:        502, icr_low:        253, dest_id:          0 } hitcount: "
		  "4\n",
		  "{ common_pid:        501, a2:          0, a0:          2 } hitcount: 2\n"
		  "{ common_pid:        501, a3:        252 } hitcount: 2\n",
		  "{ common_pid:        502, waited:          1 } hitcount: 800\n"
		  "{ common_pid:        502, waited:          0 } hitcount: 100\n",
		  "{ common_pid:        501, vcpu_id:          0 } hitcount: 3000\n"
		  "{ common_pid:        502, vcpu_id:          1 } hitcount: 1000\n");
	iv = watch_interval_new(t, tids, NT, &a, &b);
	g_assert_cmpfloat(iv->seconds, ==, 2.0);
	g_assert_cmpuint(iv->v[0].traced, ==, 1050);
	g_assert_cmpuint(*(guint64 *)g_hash_table_lookup(iv->v[0].exits, "exits_msr"), ==, 1000);
	g_assert_cmpuint(iv->v[1].traced, ==, 900); /* the I/O thread's 77 are no vCPU's */
	g_assert_cmpuint(iv->v[0].icr_writes, ==, 1000);
	g_assert_cmpuint(iv->v[0].pv_calls, ==, 2);
	g_assert_cmpuint(watch_pair(iv, 0, 1, WATCH_CALL_FUNCTION_SINGLE), ==, 1000);
	g_assert_cmpuint(watch_pair(iv, 0, 1, WATCH_CALL_FUNCTION), ==, 2);
	g_assert_cmpuint(watch_pair(iv, 1, 0, WATCH_RESCHEDULE), ==, 4);
	g_assert_cmpuint(watch_pair_all(iv, 0, 1), ==, 1002);
	g_assert_cmpuint(iv->v[1].received, ==, 1002);
	g_assert_cmpuint(iv->v[1].wake_wait, ==, 800);
	g_assert_cmpuint(iv->v[1].wake_poll, ==, 100);
	g_assert_false(iv->has_kvm);
	watch_interval_free(iv);
	watch_snap_clear(&a, NT);
	watch_snap_clear(&b, NT);
	target_free(t);
}

static void test_kvm_skew(void)
{
	struct watch_target *t = target_new(1);
	struct watch_snap a, b;
	struct watch_interval *iv;

	g_array_index(t->vcpus, struct watch_vcpu, 0).tid = 501; /* by name: "CPU 0/KVM" */
	snap_fill(&a, 0, NULL, NULL, NULL, NULL, NULL);
	snap_fill(&b, 1, "{ common_pid: 501, isa: 2, exit_reason: 120 } hitcount: 5\n", NULL, NULL,
		  NULL, NULL);
	a.kvm_before = g_memdup2((guint64[]){ 100 }, sizeof(guint64));
	a.kvm_after = g_memdup2((guint64[]){ 101 }, sizeof(guint64));
	b.kvm_before = g_memdup2((guint64[]){ 106 }, sizeof(guint64));
	b.kvm_after = g_memdup2((guint64[]){ 108 }, sizeof(guint64));
	iv = watch_interval_new(t, tids, NT, &a, &b);
	g_assert_true(iv->has_kvm);
	g_assert_cmpuint(iv->v[0].kvm_exits, ==, 6);
	g_assert_cmpuint(iv->v[0].skew, ==, 3);
	g_assert_cmpuint(iv->v[0].traced, ==, 5);
	watch_interval_free(iv);
	watch_snap_clear(&a, NT);
	watch_snap_clear(&b, NT);
	target_free(t);
}

static void assert_targets(struct watch_target *t, int sender, guint32 icr, guint32 dest,
			   const int *want, guint n)
{
	g_autoptr(GArray) got = watch_icr_targets(t, sender, icr, dest);

	g_assert_cmpuint(got->len, ==, n);
	for (guint i = 0; want && i < n; i++)
		g_assert_cmpint(g_array_index(got, int, i), ==, want[i]);
}

static void test_icr(void)
{
	struct watch_target *t = target_new(20);

	assert_targets(t, 0, 0xfb, 5, (int[]){ 5 }, 1);			     /* physical */
	assert_targets(t, 0, 0xfb, 25, (int[]){ -1 }, 1);		     /* no such vCPU */
	assert_targets(t, 0, 0xfb | 1 << 11, 0x10006, (int[]){ 17, 18 }, 2); /* cluster 1 */
	assert_targets(t, 0, 0xfb | 1 << 11, 0x5, (int[]){ 0, 2 }, 2);	     /* cluster 0, flat */
	assert_targets(t, 3, 0xfd | 1 << 18, 0, (int[]){ 3 }, 1);	     /* self */
	assert_targets(t, 3, 0xfc | 3 << 18, 0, NULL, 19);		     /* all but self */
	assert_targets(t, 3, 0xfc | 2 << 18, 0, NULL, 20);		     /* all */
	assert_targets(t, 3, 0xfc, 0xffffffff, NULL, 20);		     /* x2APIC broadcast */
	g_assert_cmpint(watch_class_of(0xf6), ==, WATCH_IRQ_WORK);
	g_assert_cmpint(watch_class_of(0xec), ==, WATCH_TIMER);
	g_assert_cmpint(watch_class_of(0x30), ==, WATCH_OTHER);
	g_assert_cmpstr(watch_class_name(WATCH_CALL_FUNCTION_SINGLE), ==, "call_function_single");
	target_free(t);
}

static void test_dropped(void)
{
	GHashTable **c = counts_new();

	g_assert_false(watch_trace_parse(
		"kvm_apic_ipi",
		"{ common_pid: 501, icr_low: 251, dest_id: 1 } hitcount: 3\nTotals:\n Dropped: 4\n",
		tids, NT, c));
	g_assert_false(watch_trace_parse("kvm_nosuch", "Totals:\n Dropped: 0\n", tids, NT, c));
	trace_counts_free(c, NT);
}

static const char bench_json[] =
	"{\"tool\": \"vipi bench\", \"host\": {\"timing\": \"emulated\"}, \"results\": ["
	"{\"vmm\": \"vipi\", \"method\": \"native\", \"scenario\": \"busy\"},"
	"{\"vmm\": \"vipi\", \"method\": \"vipi\", \"scenario\": \"idle\", \"poller_cpu_per_s\": "
	"0.5,"
	" \"breakeven_exit_ns\": 500},"
	"{\"vmm\": \"vipi\", \"method\": \"vipi\", \"scenario\": \"busy\", \"poller_cpu_per_s\": "
	"0.8,"
	" \"breakeven_exit_ns\": 710, \"breakeven_ipi_per_s\": 540000,"
	" \"breakeven_basis\": \"on paper\"}]}";

static void test_estimate(void)
{
	g_autofree char *dir = g_dir_make_tmp("watch-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "bench.json", NULL);
	g_autofree char *bad = g_build_filename(dir, "bad.json", NULL);
	struct watch_target *t = target_new(1);
	struct watch_interval iv = { .seconds = 2, .nv = 1 };
	struct watch_fig f = { .icr_writes = 1500000, .pv_calls = 500000 };
	struct watch_costs c;
	struct watch_estimate e;

	iv.v = &f;
	g_assert_true(g_file_set_contents(path, bench_json, -1, NULL));
	g_assert_true(g_file_set_contents(bad, "{\"results\": []}", -1, NULL));
	g_assert_cmpint(estimate_load(path, &c), ==, 0);
	g_assert_cmpstr(c.row, ==, "vipi vipi busy");
	g_assert_cmpfloat(c.exit_ns, ==, 710);
	estimate_compute(&iv, &c, &e);
	g_assert_true(e.has_cost);
	g_assert_cmpfloat(e.sender_exits_per_s, ==, 1e6);
	g_assert_cmpfloat(fabs(e.saved_cpu_per_s - 0.71), <, 1e-9);
	g_assert_cmpfloat(fabs(e.net_cpu_per_s - (0.71 - 0.8)), <, 1e-9);
	estimate_clear(&c);
	estimate_compute(&iv, NULL, &e);
	g_assert_false(e.has_cost);
	g_assert_cmpint(estimate_load(bad, &c), ==, -EINVAL);
	g_assert_cmpint(estimate_load("/nonexistent.json", &c), ==, -ENOENT);
	unlink(path);
	unlink(bad);
	rmdir(dir);
	target_free(t);
}

static const char domain_xml[] =
	"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
	"<name>d</name><vcpu placement='static'>2</vcpu>"
	"<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='3'/>"
	"<emulatorpin cpuset='0-1'/></cputune>"
	"<features><acpi/><kvm><hint-dedicated state='on'/><pv-ipi state='off'/></kvm></features>"
	"<qemu:commandline><qemu:arg value='-overcommit'/>"
	"<qemu:arg value='mem-lock=off,cpu-pm=on'/></qemu:commandline></domain>";

static void test_advise(void)
{
	struct advise_settings s;

	g_assert_true(advise_parse(domain_xml, &s));
	g_assert_cmpuint(s.vcpus, ==, 2);
	g_assert_cmpuint(s.vcpupin->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(s.vcpupin, 1), ==, "vcpu 1: 3");
	g_assert_cmpstr(s.emulatorpin, ==, "0-1");
	g_assert_cmpstr(s.hint_dedicated, ==, "on");
	g_assert_cmpstr(s.pv_ipi, ==, "off");
	g_assert_null(s.poll_control);
	g_assert_true(s.cpu_pm);
	advise_clear(&s);
	g_assert_true(advise_parse("<domain><name>x</name></domain>", &s));
	g_assert_false(s.cpu_pm);
	g_assert_null(s.hint_dedicated);
	advise_clear(&s);
	g_assert_false(advise_parse("<domain><name>x</domain>", &s));
	advise_clear(&s);
}

/* The advice's row text for WHAT (its "now" and advice columns). */
static char *advise_row_of(const char *xml, const char *what)
{
	struct watch_fig v[2] = { 0 };
	struct watch_interval iv = { .seconds = 1, .nv = 2, .v = v };
	struct watch_costs none = { 0 };
	struct advise_settings s;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	g_assert_true(advise_parse(xml, &s));
	advise_print(f, &s, &iv, &none);
	fclose(f);
	advise_clear(&s);
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++)
		if (g_str_has_prefix(*l, what) && (*l)[strlen(what)] == ' ')
			return g_strstrip(g_strdup(*l + strlen(what)));
	return NULL;
}

/* <vcpu cpuset> holds every vCPU without a vcpupin, and the emulator without an emulatorpin. */
static void test_advise_vcpu_cpuset(void)
{
	static const char cpuset_only[] =
		"<domain><vcpu placement='static' cpuset='1-4'>2</vcpu></domain>";
	g_autofree char *pin = NULL, *emu = NULL, *part = NULL, *automatic = NULL, *none = NULL;

	pin = advise_row_of(cpuset_only, "vcpupin");
	emu = advise_row_of(cpuset_only, "emulatorpin");
	part = advise_row_of("<domain><vcpu cpuset='1-4'>2</vcpu><cputune>"
			     "<vcpupin vcpu='0' cpuset='2'/><emulatorpin cpuset='0'/>"
			     "</cputune></domain>",
			     "vcpupin");
	automatic = advise_row_of("<domain><vcpu placement='auto'>2</vcpu></domain>", "vcpupin");
	none = advise_row_of("<domain><vcpu>2</vcpu></domain>", "emulatorpin");
	g_assert_true(g_str_has_prefix(pin, "all 1-4 (<vcpu cpuset>) "));
	g_assert_nonnull(strstr(pin, "pin each vCPU to its own host CPU"));
	g_assert_true(g_str_has_prefix(emu, "1-4 (<vcpu cpuset>) "));
	g_assert_nonnull(strstr(emu, "share the vCPUs' CPUs"));
	g_assert_true(g_str_has_prefix(part, "vcpu 0: 2; others 1-4 (<vcpu cpuset>) "));
	g_assert_true(g_str_has_prefix(automatic, "all numad's (placement=auto) "));
	g_assert_true(g_str_has_prefix(none, "(unset) "));
	g_assert_nonnull(strstr(none, "keep QEMU's own threads"));
}

/* --json and --csv carry the same counts as the interval. */
static void test_output(void)
{
	g_autofree char *dir = g_dir_make_tmp("watch-XXXXXX", NULL);
	g_autofree char *json = g_build_filename(dir, "w.json", NULL);
	g_autofree char *csv = g_build_filename(dir, "w.csv", NULL);
	g_autofree char *text = NULL;
	g_autoptr(JsonParser) p = json_parser_new();
	struct watch_target *t = target_new(2);
	struct watch_snap a, b;
	struct watch_interval *iv;
	g_autoptr(GPtrArray) ivs = g_ptr_array_new();
	g_autoptr(GArray) ends = g_array_new(false, false, sizeof(double));
	struct watch_costs none = { 0 };
	struct watch_record r = { .target = t,
				  .intervals = ivs,
				  .ends = ends,
				  .costs = &none,
				  .end = "seconds",
				  .interval_s = 1 };
	JsonObject *sum, *v0, *pair;
	double end = 2;

	g_array_index(t->vcpus, struct watch_vcpu, 0).tid = 501;
	g_array_index(t->vcpus, struct watch_vcpu, 1).tid = 502;
	snap_fill(&a, 0, NULL, NULL, NULL, NULL, NULL);
	snap_fill(&b, 2, "{ common_pid: 501, isa: 2, exit_reason: 124 } hitcount: 1001\n",
		  "{ common_pid: 501, icr_low: 251, dest_id: 1 } hitcount: 1000\n", NULL,
		  "{ common_pid: 502, waited: 1 } hitcount: 990\n", NULL);
	iv = watch_interval_new(t, tids, NT, &a, &b);
	g_ptr_array_add(ivs, iv);
	g_array_append_val(ends, end);
	r.summary = iv;
	g_assert_cmpint(output_json(&r, json), ==, 0);
	g_assert_cmpint(output_csv(&r, csv), ==, 0);
	g_assert_true(json_parser_load_from_file(p, json, NULL));
	sum = json_object_get_object_member(json_node_get_object(json_parser_get_root(p)),
					    "summary");
	v0 = json_array_get_object_element(json_object_get_array_member(sum, "vcpus"), 0);
	g_assert_cmpint(json_object_get_int_member(v0, "exits"), ==, 1001);
	g_assert_cmpint(json_object_get_int_member(v0, "ipi_sender_exits"), ==, 1000);
	g_assert_true(json_object_get_null_member(v0, "kvm_exits"));
	pair = json_array_get_object_element(json_object_get_array_member(sum, "ipis"), 0);
	g_assert_cmpint(json_object_get_int_member(pair, "dst"), ==, 1);
	g_assert_cmpstr(json_object_get_string_member(pair, "class"), ==, "call_function_single");
	g_assert_cmpfloat(json_object_get_double_member(pair, "per_s"), ==, 500);
	g_assert_true(g_file_get_contents(csv, &text, NULL, NULL));
	g_assert_nonnull(strstr(
		text, "summary,2.000,2.000,0,ipis_to_1_call_function_single,1000,500.000\n"));
	g_assert_nonnull(strstr(text, "summary,2.000,2.000,1,halt_wakeups,990,495.000\n"));
	/* A directory that is not there: one line, -EIO, nothing written. */
	g_assert_cmpint(output_json(&r, "/nonexistent/w.json"), ==, -EIO);
	watch_interval_free(iv);
	watch_snap_clear(&a, NT);
	watch_snap_clear(&b, NT);
	target_free(t);
	unlink(json);
	unlink(csv);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	log_set_prefix("test");
	g_test_add_func("/watch/interval", test_interval);
	g_test_add_func("/watch/kvm-skew", test_kvm_skew);
	g_test_add_func("/watch/icr", test_icr);
	g_test_add_func("/watch/dropped", test_dropped);
	g_test_add_func("/watch/estimate", test_estimate);
	g_test_add_func("/watch/advise", test_advise);
	g_test_add_func("/watch/advise-vcpu-cpuset", test_advise_vcpu_cpuset);
	g_test_add_func("/watch/output", test_output);
	return g_test_run();
}
