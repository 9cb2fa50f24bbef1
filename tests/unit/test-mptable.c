// SPDX-License-Identifier: GPL-2.0-only
/* MP table: checksums, structure, one processor entry per vCPU. */
#include <glib.h>
#include <string.h>

#include "boot/boot.h"

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* Walks the config table the way Linux's mpparse does; counts entries. */
static void walk(const uint8_t *mpc, unsigned int *cpus, unsigned int *bsp, unsigned int *ioapics,
		 unsigned int *irqs, uint8_t *cpu_ids)
{
	unsigned int len = get16(mpc + 4), count = get16(mpc + 34);
	const uint8_t *p = mpc + 44, *end = mpc + len;

	*cpus = *bsp = *ioapics = *irqs = 0;
	for (unsigned int i = 0; i < count; i++) {
		g_assert_true(p < end);
		switch (p[0]) {
		case 0:
			g_assert_true(p[3] & 1); /* enabled */
			cpu_ids[(*cpus)++] = p[1];
			*bsp += !!(p[3] & 2);
			p += 20;
			break;
		case 2:
			(*ioapics)++;
			g_assert_cmphex(get32(p + 4), ==, BOOT_IOAPIC_GPA);
			p += 8;
			break;
		case 3:
		case 4:
			(*irqs)++;
			p += 8;
			break;
		case 1:
			p += 8;
			break;
		default:
			g_assert_not_reached();
		}
	}
	g_assert_true(p == end);
}

static void check(unsigned int ncpus)
{
	static uint8_t buf[BOOT_MPTABLE_MAX];
	uint8_t ids[256];
	unsigned int cpus, bsp, ioapics, irqs;
	size_t size;
	const uint8_t *mpc;

	memset(buf, 0xcc, sizeof(buf));
	size = mptable_build(buf, sizeof(buf), BOOT_MPTABLE_GPA, ncpus);
	g_assert_cmpuint(size, >, 0);
	/* Floating pointer: signature, 16 bytes, checksum 0, points right after. */
	g_assert_cmpmem(buf, 4, "_MP_", 4);
	g_assert_cmpuint(buf[8], ==, 1);
	g_assert_cmpuint(mptable_checksum(buf, 16), ==, 0);
	g_assert_cmpuint(get32(buf + 4), ==, BOOT_MPTABLE_GPA + 16);
	mpc = buf + 16;
	g_assert_cmpmem(mpc, 4, "PCMP", 4);
	g_assert_cmpuint(mptable_checksum(mpc, get16(mpc + 4)), ==, 0);
	g_assert_cmpuint(16 + get16(mpc + 4), ==, size);
	g_assert_cmphex(get32(mpc + 36), ==, BOOT_LAPIC_GPA);

	walk(mpc, &cpus, &bsp, &ioapics, &irqs, ids);
	g_assert_cmpuint(cpus, ==, ncpus);
	g_assert_cmpuint(bsp, ==, 1);
	g_assert_cmpuint(ioapics, ==, 1);
	g_assert_cmpuint(irqs, >=, 15 + 2);
	for (unsigned int i = 0; i < ncpus; i++)
		g_assert_cmpuint(ids[i], ==, i);
}

static void test_counts(void)
{
	static const unsigned int n[] = { 1, 2, 3, 4, 8, 64 };

	for (size_t i = 0; i < G_N_ELEMENTS(n); i++)
		check(n[i]);
}

static void test_limits(void)
{
	uint8_t small[64];

	g_assert_cmpuint(mptable_build(small, sizeof(small), BOOT_MPTABLE_GPA, 1), ==, 0);
	g_assert_cmpuint(mptable_build(small, sizeof(small), BOOT_MPTABLE_GPA, 0), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mptable/counts", test_counts);
	g_test_add_func("/mptable/limits", test_limits);
	return g_test_run();
}
