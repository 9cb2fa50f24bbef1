// SPDX-License-Identifier: GPL-2.0-only
/*
 * phase_delta(): a phase's counters are the end snapshot minus the begin
 * one (a counter that went down was reset: 0), except the read skew, which
 * is the phase's slack and so the sum of both ends' (vmm/kvm/trace.h).
 */
#include <glib.h>

#include "bench/phase.h"

static GPtrArray *snap(guint64 exits, guint64 traced, guint64 skew)
{
	GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	g_hash_table_insert(t, g_strdup("exits"), g_memdup2(&exits, sizeof(exits)));
	g_hash_table_insert(t, g_strdup("trace_exits_hlt"), g_memdup2(&traced, sizeof(traced)));
	g_hash_table_insert(t, g_strdup(PHASE_TRACE_SKEW), g_memdup2(&skew, sizeof(skew)));
	g_ptr_array_add(a, t);
	return a;
}

static guint64 get(GPtrArray *d, const char *name)
{
	guint64 *v = g_hash_table_lookup(g_ptr_array_index(d, 0), name);

	g_assert_nonnull(v);
	return *v;
}

static void test_delta(void)
{
	g_autoptr(GPtrArray) b = snap(100, 98, 3);
	g_autoptr(GPtrArray) e = snap(250, 251, 4);
	g_autoptr(GPtrArray) d = phase_delta(b, e);
	g_autoptr(GPtrArray) reset = phase_delta(e, b);

	g_assert_nonnull(d);
	g_assert_cmpuint(get(d, "exits"), ==, 150);
	g_assert_cmpuint(get(d, "trace_exits_hlt"), ==, 153);
	g_assert_cmpuint(get(d, PHASE_TRACE_SKEW), ==, 7);
	g_assert_cmpuint(get(reset, "exits"), ==, 0);
	g_assert_cmpuint(get(reset, PHASE_TRACE_SKEW), ==, 7);
}

static void test_mismatch(void)
{
	g_autoptr(GPtrArray) b = snap(1, 1, 0);
	g_autoptr(GPtrArray) e = g_ptr_array_new();

	g_assert_null(phase_delta(b, e));
	g_assert_null(phase_delta(NULL, b));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/phase/delta", test_delta);
	g_test_add_func("/phase/mismatch", test_mismatch);
	return g_test_run();
}
