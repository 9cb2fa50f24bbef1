// SPDX-License-Identifier: GPL-2.0-only
/*
 * The look at a timed-out lab machine's CPUs (vmm/lab/monitor.c) against a
 * fake QEMU: two `info registers -a` dumps in QEMU 7.2's x86 format, IDT
 * entry 0 read as two quadwords, and a QEMU that never answers.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "lab/monitor.h"
#include "qmp-fake.h"

/* Only the fields the look reads, in QEMU's layout; CPU 1 has no HLT field. */
#define REGS(rip0, rip1)                                                                           \
	"{\"return\": \"CPU#0\\r\\nRAX=0000000000000000 RBX=ffffffff8b612940\\r\\n"                \
	"RIP=" rip0 " RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\\r\\n"                   \
	"CPU#1\\r\\nRAX=0000000000000001\\r\\nRIP=" rip1                                           \
	" RFL=00000202 [-------] CPL=3 II=0\\r\\n"                                                 \
	"\"}\n"

/* Gate 0: offset 15..0 in bits 15..0, 31..16 in bits 63..48, 63..32 in the next word. */
static const char idt_reply[] =
	"{\"return\": \"fffffe0000000000: 0x8ac08e0000100990 0x00000000ffffffff\\r\\n\"}\n";

static void test_look(void)
{
	const char *const replies[] = { REGS("ffffffff8aa592eb", "00007f0000001000"),
					REGS("ffffffff8aa592eb", "00007f0000002000"), idt_reply,
					NULL };
	g_autofree char *look = NULL;
	struct qmp_fake f;

	qmp_fake_start(&f, replies);
	look = lab_monitor_look(f.dir);
	g_assert_cmpstr(look, ==,
			"0 rip=ffffffff8aa592eb cpl=0 hlt=1, 1 rip=7f0000001000 cpl=3 hlt=0; "
			"1 s later: 0 rip=ffffffff8aa592eb cpl=0 hlt=1, 1 rip=7f0000002000 cpl=3 "
			"hlt=0 (asm_exc_divide_error at ffffffff8ac00990)");
	g_assert_cmpuint(f.seen->len, ==, 3);
	g_assert_nonnull(strstr(g_ptr_array_index(f.seen, 0), "\"info registers -a\""));
	g_assert_nonnull(strstr(g_ptr_array_index(f.seen, 2), "\"x/2gx 0xfffffe0000000000\""));
	qmp_fake_stop(&f);
}

/* A QEMU that hangs up before the second look: no line at all, not half of one. */
static void test_hangup(void)
{
	const char *const replies[] = { REGS("ffffffff8aa592eb", "0"), NULL };
	struct qmp_fake f;

	qmp_fake_start(&f, replies);
	g_assert_null(lab_monitor_look(f.dir));
	qmp_fake_stop(&f);
}

/* No IDT in the reply (e.g. the address unmapped): the look without the KASLR part. */
static void test_no_idt(void)
{
	const char *const replies[] = { REGS("1", "2"), REGS("3", "4"),
					"{\"return\": \"Cannot access memory\\r\\n\"}\n", NULL };
	g_autofree char *look = NULL;
	struct qmp_fake f;

	qmp_fake_start(&f, replies);
	look = lab_monitor_look(f.dir);
	qmp_fake_stop(&f);
	g_assert_cmpstr(look, ==,
			"0 rip=1 cpl=0 hlt=1, 1 rip=2 cpl=3 hlt=0; 1 s later: 0 rip=3 cpl=0 hlt=1, "
			"1 rip=4 cpl=3 hlt=0");
}

static void test_no_monitor(void)
{
	g_autofree char *dir = g_dir_make_tmp("vipi-mon-XXXXXX", NULL);

	g_assert_null(lab_monitor_look(dir));
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/lab-monitor/look", test_look);
	g_test_add_func("/lab-monitor/hangup", test_hangup);
	g_test_add_func("/lab-monitor/no-idt", test_no_idt);
	g_test_add_func("/lab-monitor/no-monitor", test_no_monitor);
	return g_test_run();
}
