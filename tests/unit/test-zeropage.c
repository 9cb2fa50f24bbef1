// SPDX-License-Identifier: GPL-2.0-only
/* The zero page, the e820 map and where the initrd goes. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "boot/boot.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* RAM entries sum to the guest's RAM minus what is reserved below 1 MiB. */
static uint64_t e820_ram(const struct boot_e820 *e, unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++)
		if (e[i].type == E820_RAM)
			sum += e[i].size;
	return sum;
}

static void assert_sorted_disjoint(const struct boot_e820 *e, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		g_assert_cmpuint(e[i - 1].addr + e[i - 1].size, <=, e[i].addr);
}

/* Does one reserved entry cover [ADDR, ADDR + LEN)? */
static bool e820_reserves(const struct boot_e820 *e, unsigned int n, uint64_t addr, uint64_t len)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].type == E820_RESERVED && e[i].addr <= addr &&
		    addr + len <= e[i].addr + e[i].size)
			return true;
	return false;
}

static void test_e820_small(void)
{
	struct boot_e820 e[E820_MAX];
	unsigned int n = e820_build(128 * MIB, e, E820_MAX);

	assert_sorted_disjoint(e, n);
	g_assert_cmpuint(e820_ram(e, n), ==, 128 * MIB - (0x100000 - BOOT_EBDA_GPA));
	/* The ACPI tables' and the MP table's areas are reserved, not RAM. */
	g_assert_true(e820_reserves(e, n, BOOT_ACPI_GPA, BOOT_ACPI_MAX));
	g_assert_true(e820_reserves(e, n, BOOT_MPTABLE_GPA, BOOT_MPTABLE_MAX));
	g_assert_cmpuint(e[n - 1].addr + e[n - 1].size, ==, 128 * MIB);
}

static void test_e820_above_hole(void)
{
	struct boot_e820 e[E820_MAX];
	unsigned int n = e820_build(5 * GIB, e, E820_MAX);

	assert_sorted_disjoint(e, n);
	g_assert_cmpuint(e820_ram(e, n), ==, 5 * GIB - (0x100000 - BOOT_EBDA_GPA));
	/* Nothing in the PCI hole; the rest of RAM starts at 4 GiB. */
	for (unsigned int i = 0; i < n; i++)
		g_assert_true(e[i].addr + e[i].size <= 3 * GIB || e[i].addr >= 4 * GIB);
	g_assert_cmpuint(e[n - 1].addr, ==, 4 * GIB);
	g_assert_cmpuint(e[n - 1].size, ==, 2 * GIB);
}

static void test_initrd_place(void)
{
	uint64_t gpa = 0;

	g_assert_cmpint(initrd_place(128 * MIB, 0x7fffffff, 40 * MIB, 3 * MIB + 5, &gpa), ==, 0);
	g_assert_cmpuint(gpa % 4096, ==, 0);
	g_assert_cmpuint(gpa + 3 * MIB + 5, <=, 128 * MIB);
	g_assert_cmpuint(gpa, >=, 40 * MIB);
	/* Below initrd_addr_max when RAM goes higher. */
	g_assert_cmpint(initrd_place(3 * GIB, 0x37ffffff, 40 * MIB, MIB, &gpa), ==, 0);
	g_assert_cmpuint(gpa + MIB, <=, 0x38000000ULL);
	/* Larger than RAM, or than what is left beside the kernel. */
	g_assert_cmpint(initrd_place(128 * MIB, 0x7fffffff, 40 * MIB, 200 * MIB, &gpa), ==, -E2BIG);
	g_assert_cmpint(initrd_place(128 * MIB, 0x7fffffff, 40 * MIB, 100 * MIB, &gpa), ==, -E2BIG);
}

static void test_zeropage(void)
{
	uint8_t hdr[BZIMAGE_HDR_LEN] = { 0 };
	uint8_t zp[4096];
	struct boot_e820 e[E820_MAX];
	struct bzimage_info info = { .hdr_end = 0x268, .cmdline_size = 2047 };
	struct zeropage_args a = {
		.hdr = hdr,
		.info = &info,
		.cmdline_gpa = BOOT_CMDLINE_GPA,
		.cmdline_len = 30,
		.initrd_gpa = 100 * MIB,
		.initrd_size = 1234567,
		.e820 = e,
		.acpi_rsdp_gpa = BOOT_ACPI_GPA,
	};

	memset(hdr + ZP_SETUP_HDR, 0x5a, 0x268 - ZP_SETUP_HDR);
	a.nr_e820 = e820_build(512 * MIB, e, E820_MAX);
	g_assert_cmpint(zeropage_build(zp, &a), ==, 0);
	g_assert_cmpuint(zp[ZP_TYPE_OF_LOADER], ==, 0xff);
	g_assert_cmpuint(get32(zp + ZP_CMD_LINE_PTR), ==, BOOT_CMDLINE_GPA);
	g_assert_cmpuint(get32(zp + ZP_RAMDISK_IMAGE), ==, 100 * MIB);
	g_assert_cmpuint(get32(zp + ZP_RAMDISK_SIZE), ==, 1234567);
	g_assert_cmpuint(get32(zp + ZP_ACPI_RSDP_ADDR), ==, BOOT_ACPI_GPA);
	g_assert_cmpuint(get32(zp + ZP_ACPI_RSDP_ADDR + 4), ==, 0);
	g_assert_cmpuint(zp[ZP_E820_ENTRIES], ==, a.nr_e820);
	g_assert_cmpmem(zp + ZP_E820_TABLE, a.nr_e820 * sizeof(e[0]), e, a.nr_e820 * sizeof(e[0]));
	/* The rest of the kernel's header is copied unchanged; nothing past it. */
	g_assert_cmpuint(zp[0x1f1], ==, 0x5a);
	g_assert_cmpuint(zp[0x267], ==, 0x5a);
	g_assert_cmpuint(zp[0x268], ==, 0);
	g_assert_cmpuint(zp[0x100], ==, 0);

	/* A command line longer than the kernel takes is refused. */
	a.cmdline_len = 4000;
	g_assert_cmpint(zeropage_build(zp, &a), ==, -EINVAL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/zeropage/e820-small", test_e820_small);
	g_test_add_func("/zeropage/e820-above-hole", test_e820_above_hole);
	g_test_add_func("/zeropage/initrd-place", test_initrd_place);
	g_test_add_func("/zeropage/boot-params", test_zeropage);
	return g_test_run();
}
