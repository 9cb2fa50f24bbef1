// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracefs hist parsing (vmm/kvm/trace.c): the per-vCPU counts come out of
 * the kernel's histogram text exactly, other threads' entries are left
 * out, and a table that dropped entries or was cut short is refused.
 */
#include <string.h>

#include "kvm/trace.h"
#include "util/log.h"

/* As Linux 6.1 prints hist:keys=common_pid,isa,exit_reason. */
static const char exit_hist[] =
	"# event histogram\n"
	"#\n"
	"# trigger info: hist:keys=common_pid,isa,exit_reason:vals=hitcount:sort=hitcount:"
	"size=4096 [active]\n"
	"#\n"
	"\n"
	"{ common_pid:        501, isa:          2, exit_reason:        124 } hitcount:"
	"          7\n"
	"{ common_pid:        502, isa:          2, exit_reason:        120 } hitcount:"
	"         40\n"
	"{ common_pid:        999, isa:          2, exit_reason:        124 } hitcount:"
	"       1000\n"
	"{ common_pid:        501, isa:          2, exit_reason:        123 } hitcount:"
	"          3\n"
	"{ common_pid:        501, isa:          2, exit_reason:        162 } hitcount:"
	"          1\n"
	"\n"
	"Totals:\n"
	"    Hits: 1051\n"
	"    Entries: 5\n"
	"    Dropped: 0\n";

static char *exit_entry(GHashTable *keys)
{
	return trace_exit_name(g_ascii_strtoull(g_hash_table_lookup(keys, "isa"), NULL, 0),
			       g_ascii_strtoull(g_hash_table_lookup(keys, "exit_reason"), NULL, 0));
}

static GHashTable **counts_new(unsigned int n)
{
	GHashTable **c = g_new0(GHashTable *, n);

	for (unsigned int i = 0; i < n; i++)
		c[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return c;
}

static guint64 count(GHashTable *t, const char *name)
{
	guint64 *v = g_hash_table_lookup(t, name);

	return v ? *v : G_MAXUINT64;
}

static void test_trace_parse(void)
{
	const pid_t tids[] = { 501, 502 };
	GHashTable **c = counts_new(2);

	g_assert_true(trace_parse_hist(exit_hist, tids, 2, c, exit_entry));
	g_assert_cmpuint(count(c[0], "exits_msr"), ==, 7);
	g_assert_cmpuint(count(c[0], "exits_io"), ==, 3);
	g_assert_cmpuint(count(c[0], "exits_svm_0xa2"), ==, 1);
	g_assert_cmpuint(count(c[1], "exits_hlt"), ==, 40);
	/* pid 999 is not one of ours */
	g_assert_cmpuint(g_hash_table_size(c[0]), ==, 3);
	g_assert_cmpuint(g_hash_table_size(c[1]), ==, 1);
	/* a second table adds to the counts */
	g_assert_true(trace_parse_hist(exit_hist, tids, 2, c, exit_entry));
	g_assert_cmpuint(count(c[0], "exits_msr"), ==, 14);
	trace_counts_free(c, 2);
}

static void test_trace_refused(void)
{
	const pid_t tids[] = { 501 };
	g_autofree char *head = g_strndup(exit_hist, strstr(exit_hist, "Dropped") - exit_hist);
	g_autofree char *dropped = g_strconcat(head, "Dropped: 12\n", NULL);
	g_autofree char *cut = g_strndup(exit_hist, strstr(exit_hist, "Totals") - exit_hist);
	const char *bad[] = { "{ common_pid: 501 hitcount: 3\n    Dropped: 0\n",
			      "{ common_pid 501, isa: 2 } hitcount: 3\n    Dropped: 0\n" };
	GHashTable **c = counts_new(1);

	g_assert_false(trace_parse_hist(dropped, tids, 1, c, exit_entry));
	g_assert_false(trace_parse_hist(cut, tids, 1, c, exit_entry));
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(trace_parse_hist(bad[i], tids, 1, c, exit_entry));
	trace_counts_free(c, 1);
}

static void test_trace_names(void)
{
	const struct {
		unsigned int isa, reason;
		const char *name;
	} cases[] = {
		{ 2, 0x07c, "exits_msr" },
		{ 2, 0x081, "exits_vmmcall" },
		{ 2, 0x07b, "exits_io" },
		{ 2, 0x400, "exits_npf" },
		{ 1, 32, "exits_msr_write" },
		{ 1, 30, "exits_io" },
		{ 1, 0x80000021, "exits_vmx_0x21" },
		{ 1, 12 | 0x08000000, "exits_hlt" },
		{ 7, 1, "exits_isa7_0x1" },
		{ 2, 0x004, "exits_read_cr4" },
		{ 2, 0x014, "exits_write_cr4" },
		{ 2, 0x030, "exits_write_dr0" },
		{ 2, 0x046, "exits_excp_6" },
		{ 2, 0x0a2, "exits_svm_0xa2" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *n = trace_exit_name(cases[i].isa, cases[i].reason);

		g_assert_cmpstr(n, ==, cases[i].name);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	log_set_prefix("test-trace");
	g_test_add_func("/trace/parse", test_trace_parse);
	g_test_add_func("/trace/refused", test_trace_refused);
	g_test_add_func("/trace/names", test_trace_names);
	return g_test_run();
}
