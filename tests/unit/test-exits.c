// SPDX-License-Identifier: GPL-2.0-only
/* --disable-exits parsing: every word, combinations, and bad lists. */
#include <errno.h>
#include <linux/kvm.h>

#include "kvm/exits.h"
#include "util/log.h"

static void test_exits_words(void)
{
	uint32_t m;

	g_assert_true(exits_parse("hlt", &m));
	g_assert_cmphex(m, ==, KVM_X86_DISABLE_EXITS_HLT);
	g_assert_true(exits_parse("mwait,pause,cstate", &m));
	g_assert_cmphex(m, ==,
			KVM_X86_DISABLE_EXITS_MWAIT | KVM_X86_DISABLE_EXITS_PAUSE |
				KVM_X86_DISABLE_EXITS_CSTATE);
	g_assert_true(exits_parse("hlt,hlt", &m));
	g_assert_cmphex(m, ==, KVM_X86_DISABLE_EXITS_HLT);
	g_assert_true(exits_parse("none", &m));
	g_assert_cmphex(m, ==, 0);
}

static void test_exits_bad(void)
{
	const char *bad[] = { "", "hlt,", ",hlt", "HLT", "hlt,nope", "none,hlt", "hlt pause" };
	uint32_t m = 0xdead;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("'%s'", bad[i]);
		g_assert_false(exits_parse(bad[i], &m));
	}
	g_assert_false(exits_parse(NULL, &m));
}

static void test_exits_describe(void)
{
	g_autofree char *all = exits_describe(KVM_X86_DISABLE_VALID_EXITS);
	g_autofree char *none = exits_describe(0);
	g_autofree char *two =
		exits_describe(KVM_X86_DISABLE_EXITS_HLT | KVM_X86_DISABLE_EXITS_PAUSE);
	uint32_t m;

	g_assert_cmpstr(all, ==, "mwait,hlt,pause,cstate");
	g_assert_cmpstr(none, ==, "none");
	g_assert_cmpstr(two, ==, "hlt,pause");
	/* What describe prints, parse reads back. */
	g_assert_true(exits_parse(all, &m));
	g_assert_cmphex(m, ==, KVM_X86_DISABLE_VALID_EXITS);
}

/* What a host allows decides; a refusal names what was refused. */
static void test_exits_check(void)
{
	const int svm_no_mwait = KVM_X86_DISABLE_EXITS_HLT | KVM_X86_DISABLE_EXITS_PAUSE |
				 KVM_X86_DISABLE_EXITS_CSTATE;

	g_assert_cmpint(exits_check(KVM_X86_DISABLE_EXITS_HLT, svm_no_mwait), ==, 0);
	g_assert_cmpint(exits_check(KVM_X86_DISABLE_VALID_EXITS, KVM_X86_DISABLE_VALID_EXITS), ==,
			0);
	g_assert_cmpint(exits_check(KVM_X86_DISABLE_EXITS_MWAIT, svm_no_mwait), ==, -EOPNOTSUPP);
	g_assert_cmpint(
		exits_check(KVM_X86_DISABLE_EXITS_MWAIT | KVM_X86_DISABLE_EXITS_HLT, svm_no_mwait),
		==, -EOPNOTSUPP);
	g_assert_cmpint(exits_check(KVM_X86_DISABLE_EXITS_HLT, 0), ==, -EOPNOTSUPP);
	g_assert_cmpint(exits_check(KVM_X86_DISABLE_EXITS_HLT, -1), ==, -EOPNOTSUPP);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	log_set_prefix("test-exits");
	g_test_add_func("/exits/words", test_exits_words);
	g_test_add_func("/exits/bad", test_exits_bad);
	g_test_add_func("/exits/describe", test_exits_describe);
	g_test_add_func("/exits/check", test_exits_check);
	return g_test_run();
}
