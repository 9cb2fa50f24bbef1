// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host input to the boot code: the first bytes of a "kernel" file and the
 * sizes around it. The input is 16 bytes of parameters (file size beyond
 * the header, guest RAM, initrd size, vCPUs) and then the header itself, in
 * a buffer of exactly its size so that any read past it is caught. What
 * bzimage_parse() accepts goes on as in boot_load(): RAM check, initrd
 * placement, e820 map, zero page and MP table, each checked against what
 * it promises.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"

#define MIB (1ull << 20)

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_e820(const struct boot_e820 *e, unsigned int n, uint64_t mem)
{
	uint64_t ram = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!e[i].size || e[i].addr + e[i].size < e[i].addr)
			abort();
		if (i && e[i].addr < e[i - 1].addr + e[i - 1].size)
			abort(); /* unsorted or overlapping */
		if (e[i].type == E820_RAM)
			ram += e[i].size;
	}
	if (ram > mem)
		abort(); /* more RAM described than the guest has */
}

static void check_zeropage(const uint8_t *hdr, const struct bzimage_info *info, uint64_t mem,
			   uint64_t initrd_gpa, uint64_t initrd_size)
{
	uint8_t *zp = malloc(4096);
	struct boot_e820 e820[E820_MAX];
	struct zeropage_args za = {
		.hdr = hdr,
		.info = info,
		.cmdline_gpa = BOOT_CMDLINE_GPA,
		.cmdline_len = 40,
		.initrd_gpa = initrd_gpa,
		.initrd_size = initrd_size,
		.e820 = e820,
	};

	if (!zp)
		abort();
	za.nr_e820 = e820_build(mem, e820, E820_MAX);
	check_e820(e820, za.nr_e820, mem);
	if (!zeropage_build(zp, &za)) {
		if (zp[ZP_E820_ENTRIES] != za.nr_e820 ||
		    get32(zp + ZP_RAMDISK_IMAGE) != initrd_gpa ||
		    get32(zp + ZP_CMD_LINE_PTR) != BOOT_CMDLINE_GPA)
			abort();
	}
	free(zp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info info;
	const char *why = NULL;
	uint64_t file_size, mem, initrd_size, run_end, low, gpa;
	unsigned int ncpus;
	uint8_t *hdr, *mp;
	size_t len, mplen;

	if (size < 16)
		return 0;
	len = size - 16;
	if (len > BZIMAGE_HDR_LEN)
		len = BZIMAGE_HDR_LEN; /* what boot_read_header() reads */
	/* Guest RAM as `vipi run --mem` allows: 64 MiB to 64 GiB. */
	mem = (64 + get32(data + 4) % (64 * 1024 - 63)) * MIB;
	file_size = len + (get32(data) & 0x3fffffff);
	initrd_size = (uint64_t)get32(data + 8) << (data[15] & 7);
	ncpus = 1 + data[12] % 64;
	hdr = malloc(len ? len : 1);
	if (!hdr)
		abort();
	memcpy(hdr, data + 16, len);

	if (bzimage_parse(hdr, len, file_size, &info, &why)) {
		if (!why || !*why)
			abort(); /* a rejection must say why */
		goto out;
	}
	if (info.hdr_end > len || info.kernel_off + info.kernel_size != file_size ||
	    info.kernel_size > 512 * MIB || !info.init_size)
		abort();
	run_end = BOOT_KERNEL_GPA + info.kernel_size;
	if (run_end < BOOT_KERNEL_RUN_GPA + info.init_size)
		run_end = BOOT_KERNEL_RUN_GPA + info.init_size;
	low = boot_low_ram_end(mem);
	if (run_end > low)
		goto out; /* boot_load() stops here: "raise --mem" */
	gpa = 0;
	if (!initrd_place(low, info.initrd_addr_max, run_end, initrd_size, &gpa)) {
		if (gpa & 4095 || gpa < run_end || gpa + initrd_size > low ||
		    gpa + initrd_size - 1 > info.initrd_addr_max)
			abort();
	} else {
		initrd_size = 0;
	}
	check_zeropage(hdr, &info, mem, gpa, initrd_size);

	mplen = BOOT_MPTABLE_MAX;
	mp = malloc(mplen);
	if (!mp)
		abort();
	if (!mptable_build(mp, mplen, BOOT_MPTABLE_GPA, ncpus))
		abort();
	if (mptable_checksum(mp, 16))
		abort(); /* the floating pointer's checksum */
	/* The ACPI tables for the same vCPUs: the RSDP's two checksums. */
	if (!acpi_build(mp, BOOT_ACPI_MAX, BOOT_ACPI_GPA, ncpus) || mptable_checksum(mp, 20) ||
	    mptable_checksum(mp, ACPI_RSDP_LEN))
		abort();
	free(mp);
out:
	free(hdr);
	return 0;
}
