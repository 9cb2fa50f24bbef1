// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi device model against a hostile guest, on the fake VM of
 * vipi-dev-fake.h: mailboxes outside RAM, across the slot edge, misaligned,
 * without magic; reserved class bits; requests for APIC IDs without a vCPU;
 * garbage at every register offset and size. The device must survive,
 * ignore, count, and still deliver every honest request.
 */
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/vipi_config.h"
#include "vipi-dev-fake.h"

static void test_hostile_mailbox(void)
{
	static const struct {
		uint64_t gpa;
		bool magic;
	} bad[] = {
		{ 0, true },			 /* null */
		{ 0x40000000ull, true },	 /* outside RAM */
		{ SLOT_SIZE - 4096, true },	 /* spans the slot edge: 4608 bytes */
		{ 2ull * SLOT_SIZE - 64, true }, /* runs off the end of RAM */
		{ MBOX_GPA + 64, true },	 /* not page-aligned */
		{ 0xfffffffffffff000ull, true }, /* wraps */
		{ MBOX_GPA, false },		 /* no magic */
	};
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100, &fake_ops);
	/* The slot-edge case fails only because of the edge: the mailbox is 4608 bytes. */
	g_assert_cmpuint(VIPI_MBOX_SIZE(NR_SLOTS), >, 4096);
	for (unsigned int i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_cmphex(enable_at(&f, bad[i].gpa, bad[i].magic), ==, VIPI_STATUS_BAD_MBOX);
		g_assert_false(vipi_dev_enabled(f.dev));
		g_assert_cmpint(vipi_dev_poller_tid(f.dev), ==, 0);
	}
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.invalid_mbox, ==, G_N_ELEMENTS(bad));
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, G_N_ELEMENTS(bad));
	/* Two pages before the edge it fits: enabled. */
	g_assert_cmphex(enable_at(&f, SLOT_SIZE - 8192, true), ==, VIPI_STATUS_ENABLED);
	teardown(&f);
}

static void test_hostile_requests(void)
{
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100000, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	/* Reserved bits beside a valid one: the valid one is delivered. */
	guest_post(&f, 0, 0xfffffff8u | VIPI_CLASS_CALL_FUNC_SINGLE);
	g_assert_true(wait_msi(&f, 0, 0xfb, 1));
	/* Reserved bits alone, and APIC IDs 3 and 4, which no vCPU has. */
	guest_post(&f, 2, 0x80000000u);
	guest_post(&f, 3, VIPI_CLASS_MASK);
	guest_post(&f, 4, VIPI_CLASS_RESCHEDULE);
	/* Beyond the mailbox: the device never reads there. */
	f.mbox->slot[NR_SLOTS].pending = VIPI_CLASS_MASK;
	for (int i = 0; i < 2000; i++) {
		vipi_dev_get_counters(f.dev, &c);
		if (c.invalid_class == 2 && c.invalid_slot == 2)
			break;
		g_usleep(1000);
	}
	g_assert_cmpuint(c.invalid_class, ==, 2);
	g_assert_cmpuint(c.invalid_slot, ==, 2);
	g_assert_cmpuint(f.mbox->slot[NR_SLOTS].pending, ==, VIPI_CLASS_MASK);
	g_assert_cmpuint(c.injections, ==, 1);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		for (unsigned int vec = 0; vec < 256; vec++)
			if (v || vec != 0xfb)
				g_assert_cmpuint(msi_count(&f, v, vec), ==, 0);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 4);
	teardown(&f);
}

static void test_hostile_registers(void)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	GRand *rnd = g_rand_new_with_seed(5);
	struct vipi_counters c;
	struct fixture f;
	uint64_t data;

	setup(&f, 50, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	/* Enabled: the mailbox registers and a second ENABLE are refused. */
	reg_write(&f, VIPI_REG_MBOX_LO, 0x40000000);
	reg_write(&f, VIPI_REG_MBOX_HI, 0xffffffff);
	reg_write(&f, VIPI_REG_GUEST_FEATURES, 0xffffffff);
	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_ENABLE);
	g_assert_cmphex(reg_read(&f, VIPI_REG_MBOX_LO), ==, MBOX_GPA);
	g_assert_cmphex(reg_read(&f, VIPI_REG_MBOX_HI), ==, 0);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 4);
	guest_post(&f, 2, VIPI_CLASS_CALL_FUNC);
	g_assert_true(wait_msi(&f, 2, 0xfc, 1));

	/* Garbage at every offset (and past BAR0), every size, random values. */
	for (unsigned int round = 0; round < 20; round++) {
		for (uint64_t off = 0; off < VIPI_BAR0_SIZE + 16; off++) {
			unsigned int len = lens[g_rand_int_range(rnd, 0, G_N_ELEMENTS(lens))];

			data = (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
			vipi_bar_io(f.dev, g_rand_int_range(rnd, 0, 2), off, &data, len, true);
			vipi_bar_io(f.dev, 0, off, &data, len, false);
		}
	}
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.invalid_reg, >, 20 * VIPI_BAR0_SIZE);
	g_assert_cmpuint(c.inject_errors, ==, 0);

	/* Whatever state that left: the honest sequence works again. */
	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_DISABLE);
	memset(f.mbox, 0, VIPI_MBOX_SIZE(NR_SLOTS));
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	guest_post(&f, 1, VIPI_CLASS_RESCHEDULE);
	g_assert_true(wait_msi(&f, 1, 0xfd, 1));
	g_rand_free(rnd);
	teardown(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vipi-dev/hostile-mailbox", test_hostile_mailbox);
	g_test_add_func("/vipi-dev/hostile-requests", test_hostile_requests);
	g_test_add_func("/vipi-dev/hostile-registers", test_hostile_registers);
	return g_test_run();
}
