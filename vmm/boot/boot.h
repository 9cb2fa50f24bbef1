/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux x86-64 boot protocol, as pure functions over buffers: the bzImage
 * header check, the zero page and its e820 map, the MP table, CPUID
 * patching, page tables and entry registers, and the initrd's command
 * archive. Nothing here touches KVM or files, so all of it is unit-tested.
 */
#ifndef VIPI_BOOT_BOOT_H
#define VIPI_BOOT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <linux/kvm.h>

/* Guest-physical layout of what we place below 1 MiB. */
#define BOOT_GDT_GPA	  0x500
#define BOOT_ZEROPAGE_GPA 0x7000
#define BOOT_STACK_GPA	  0x8ff0
#define BOOT_PML4_GPA	  0x9000
#define BOOT_PDPT_GPA	  0xa000
#define BOOT_PD_GPA	  0xb000
#define BOOT_CMDLINE_GPA  0x20000
#define BOOT_CMDLINE_MAX  2048 /* COMMAND_LINE_SIZE on x86 */
#define BOOT_EBDA_GPA	  0x9fc00
#define BOOT_ACPI_GPA	  0xe0000 /* RSDP first: Linux also scans 0xe0000-0xfffff */
#define BOOT_ACPI_MAX	  0x10000
#define BOOT_MPTABLE_GPA  0xf0000 /* scanned by Linux: 0xf0000-0xfffff */
#define BOOT_MPTABLE_MAX  0x10000
#define BOOT_KERNEL_GPA	  0x100000
/* Where a relocatable kernel decompresses itself (LOAD_PHYSICAL_ADDR). */
#define BOOT_KERNEL_RUN_GPA 0x1000000

#define BOOT_PCI_HOLE_START 0xc0000000ULL /* 3 GiB */
#define BOOT_HIGH_RAM_START 0x100000000ULL

#define BOOT_IOAPIC_GPA 0xfec00000U
#define BOOT_LAPIC_GPA	0xfee00000U

/* --- bzimage.c --- */

/* The header is read from the first BZIMAGE_HDR_LEN bytes of the file. */
#define BZIMAGE_HDR_LEN 0x1000

struct bzimage_info {
	uint16_t version;
	size_t setup_size;  /* boot sector + real-mode setup, in bytes */
	size_t kernel_off;  /* file offset of the protected-mode kernel */
	size_t kernel_size; /* its size in the file */
	size_t hdr_end;	    /* end of the setup header (offset 0x202 + jump) */
	uint32_t init_size; /* memory the kernel needs from its load address */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
};

/*
 * Checks the header in BUF (LEN bytes read from a file of FILE_SIZE bytes).
 * Returns 0, or -ENOEXEC with *WHY set to a short reason.
 */
int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bzimage_info *info,
		  const char **why);

/* --- zeropage.c --- */

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_MAX      128

struct boot_e820 {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/* The guest's memory map for MEM bytes of RAM. Returns the entry count. */
unsigned int e820_build(uint64_t mem, struct boot_e820 *e, unsigned int max);

/* End of the RAM below the PCI hole for MEM bytes of RAM. */
uint64_t boot_low_ram_end(uint64_t mem);

/*
 * Picks the initrd's GPA: page-aligned, as high as possible below
 * INITRD_ADDR_MAX and LOW_END, and not below AVOID_END (where the kernel
 * runs). Returns 0 or -E2BIG when it does not fit.
 */
int initrd_place(uint64_t low_end, uint32_t initrd_addr_max, uint64_t avoid_end, uint64_t size,
		 uint64_t *gpa);

struct zeropage_args {
	const uint8_t *hdr; /* the bzImage's first bytes */
	const struct bzimage_info *info;
	uint64_t cmdline_gpa;
	uint32_t cmdline_len; /* without the NUL */
	uint64_t initrd_gpa;
	uint64_t initrd_size;
	const struct boot_e820 *e820;
	unsigned int nr_e820;
	uint64_t acpi_rsdp_gpa; /* 0: none */
};

/* Fills the 4 KiB boot_params page ZP. Returns 0 or -EINVAL. */
int zeropage_build(uint8_t *zp, const struct zeropage_args *a);

/* Offsets in boot_params that callers and tests look at. */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_E820_ENTRIES	  0x1e8
#define ZP_SETUP_HDR	  0x1f1
#define ZP_TYPE_OF_LOADER 0x210
#define ZP_LOADFLAGS	  0x211
#define ZP_RAMDISK_IMAGE  0x218
#define ZP_RAMDISK_SIZE	  0x21c
#define ZP_CMD_LINE_PTR	  0x228
#define ZP_E820_TABLE	  0x2d0

/* --- mptable.c --- */

/* Writes the MP floating pointer and config table for a table placed at
 * GPA. Returns its size, or 0 when LEN is too small. */
size_t mptable_build(uint8_t *buf, size_t len, uint32_t gpa, unsigned int ncpus);
/* Sum of LEN bytes, mod 256 (0 for a valid MP structure). */
uint8_t mptable_checksum(const uint8_t *p, size_t len);

/* --- acpi.c --- */

/*
 * ACPI tables for a guest whose kernel has no MP table parser (Debian's
 * cloud flavour): RSDP, XSDT, a hardware-reduced FADT, the MADT (one local
 * APIC per vCPU, APIC ID = index, and the IOAPIC as in the MP table), and
 * the DSDT. Written for a placement at GPA, RSDP first. Returns the size,
 * or 0 when LEN is too small or NCPUS out of range.
 */
size_t acpi_build(uint8_t *buf, size_t len, uint32_t gpa, unsigned int ncpus);

/* Offsets and values that the unit test reads back. */
#define ACPI_RSDP_LEN	     36
#define ACPI_HDR_LEN	     36
#define ACPI_FADT_LEN	     276
#define ACPI_FADT_FLAGS	     112
#define ACPI_FADT_BOOT_ARCH  109
#define ACPI_FADT_X_DSDT     140
#define ACPI_FADT_HW_REDUCED (1u << 20)
#define ACPI_BOOT_8042	     (1u << 1)

/* --- acpi_dsdt.c --- */

/* The DSDT's definition block body (AML after the table header). */
GByteArray *acpi_dsdt_aml(void);

/* --- cpuid.c --- */

struct cpuid_config {
	unsigned int index; /* vCPU index = APIC ID */
	unsigned int ncpus;
	bool pv_ipi;	   /* keep KVM_FEATURE_PV_SEND_IPI */
	bool tsc_deadline; /* KVM_CAP_TSC_DEADLINE_TIMER: advertise it */
	/* HLT runs without exits: a halted vCPU cannot be kicked awake by PV unhalt. */
	bool no_pv_unhalt;
};

#define KVM_FEATURE_PV_SEND_IPI_BIT 11
#define KVM_FEATURE_PV_UNHALT_BIT   7

/*
 * Copies the NIN supported entries to OUT (room for MAX) with this vCPU's
 * APIC ID and topology. Returns the number of entries or -E2BIG.
 */
int cpuid_patch(const struct kvm_cpuid_entry2 *in, unsigned int nin, struct kvm_cpuid_entry2 *out,
		unsigned int max, const struct cpuid_config *cfg);

/* --- entry.c --- */

/* Identity-maps the first 1 GiB in LOW (guest memory from GPA 0). */
void boot_pagetables(uint8_t *low);
void boot_gdt(uint8_t *low);
void boot_sregs(struct kvm_sregs *s);
void boot_regs(struct kvm_regs *r);

/* --- cpio.c --- */

/* Appends one "newc" entry (file or directory) to A. */
void cpio_add(GByteArray *a, const char *name, uint32_t mode, const void *data, size_t len);
/* Appends the TRAILER!!! entry that closes an archive. */
void cpio_finish(GByteArray *a);
/* ARGV as one line of sh: every word single-quoted. */
char *shell_join(char *const *argv);
/* The archive holding /vipi/cmd.sh that runs ARGV. */
GByteArray *cpio_command(char *const *argv);
/*
 * The archive of a run's files for guest/init/init.sh, each only when not
 * NULL: /vipi/cmd.sh running CMD, /vipi/shares (one "TAG ro|rw GUESTDIR"
 * line per virtio-fs share), /vipi/cwd (where the command runs).
 */
GByteArray *cpio_run_files(char *const *cmd, const char *shares, const char *cwd);

#endif
