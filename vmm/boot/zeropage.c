// SPDX-License-Identifier: GPL-2.0-only
/* The zero page (struct boot_params), its e820 map and the initrd's place. */
#include <errno.h>
#include <string.h>

#include "boot/boot.h"
#include "boot/le.h"

#define PAGE_SIZE	 4096ULL
#define LOADER_UNDEFINED 0xff
#define CAN_USE_HEAP	 0x80

uint64_t boot_low_ram_end(uint64_t mem)
{
	return mem < BOOT_PCI_HOLE_START ? mem : BOOT_PCI_HOLE_START;
}

static void e820_add(struct boot_e820 *e, unsigned int *n, unsigned int max, uint64_t addr,
		     uint64_t size, uint32_t type)
{
	if (*n >= max || !size)
		return;
	e[*n] = (struct boot_e820){ .addr = addr, .size = size, .type = type };
	(*n)++;
}

unsigned int e820_build(uint64_t mem, struct boot_e820 *e, unsigned int max)
{
	uint64_t low = boot_low_ram_end(mem);
	unsigned int n = 0;

	/* Below 1 MiB: conventional memory up to the EBDA, then the BIOS area
	 * where the ACPI tables and the MP table live, which the kernel must
	 * not reuse. */
	e820_add(e, &n, max, 0, BOOT_EBDA_GPA, E820_RAM);
	e820_add(e, &n, max, BOOT_EBDA_GPA, 0xa0000 - BOOT_EBDA_GPA, E820_RESERVED);
	e820_add(e, &n, max, BOOT_ACPI_GPA, 0x100000 - BOOT_ACPI_GPA, E820_RESERVED);
	if (low > BOOT_KERNEL_GPA)
		e820_add(e, &n, max, BOOT_KERNEL_GPA, low - BOOT_KERNEL_GPA, E820_RAM);
	if (mem > BOOT_PCI_HOLE_START)
		e820_add(e, &n, max, BOOT_HIGH_RAM_START, mem - BOOT_PCI_HOLE_START, E820_RAM);
	return n;
}

int initrd_place(uint64_t low_end, uint32_t initrd_addr_max, uint64_t avoid_end, uint64_t size,
		 uint64_t *gpa)
{
	/* initrd_addr_max is the highest address the last byte may have. */
	uint64_t top = (uint64_t)initrd_addr_max + 1;
	uint64_t addr;

	if (low_end < top)
		top = low_end;
	if (!size || size > top)
		return -E2BIG;
	addr = (top - size) & ~(PAGE_SIZE - 1);
	if (addr < avoid_end)
		return -E2BIG;
	*gpa = addr;
	return 0;
}

int zeropage_build(uint8_t *zp, const struct zeropage_args *a)
{
	const struct bzimage_info *info = a->info;

	if (a->nr_e820 > E820_MAX || info->hdr_end > ZP_E820_TABLE || info->hdr_end <= ZP_SETUP_HDR)
		return -EINVAL;
	if (a->cmdline_gpa + a->cmdline_len >= (1ULL << 32) ||
	    a->initrd_gpa + a->initrd_size > (1ULL << 32))
		return -EINVAL;
	if (info->cmdline_size && a->cmdline_len > info->cmdline_size)
		return -EINVAL;

	memset(zp, 0, PAGE_SIZE);
	/* The setup header is the kernel's: copy it, then fill our fields. */
	memcpy(zp + ZP_SETUP_HDR, a->hdr + ZP_SETUP_HDR, info->hdr_end - ZP_SETUP_HDR);
	zp[ZP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[ZP_LOADFLAGS] |= CAN_USE_HEAP; /* harmless; heap_end_ptr is 0 */
	le_put32(zp + ZP_CMD_LINE_PTR, a->cmdline_gpa);
	le_put32(zp + ZP_RAMDISK_IMAGE, a->initrd_gpa);
	le_put32(zp + ZP_RAMDISK_SIZE, a->initrd_size);
	/* Since Linux 5.0 (boot protocol 2.14): no need to scan for the RSDP. */
	le_put64(zp + ZP_ACPI_RSDP_ADDR, a->acpi_rsdp_gpa);
	zp[ZP_E820_ENTRIES] = a->nr_e820;
	memcpy(zp + ZP_E820_TABLE, a->e820, a->nr_e820 * sizeof(*a->e820));
	return 0;
}
