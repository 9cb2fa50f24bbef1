// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI tables: how a guest kernel without an MP table parser finds its CPUs
 * and the IOAPIC (Debian's cloud kernels have no CONFIG_X86_MPPARSE). They
 * describe the machine of mptable.c: one local APIC per vCPU with APIC ID =
 * index, the in-kernel IOAPIC (ID = vCPU count) with GSI base 0 and ISA
 * IRQs identity-mapped (so no interrupt source override), LINT1 NMI.
 *
 * The FADT is hardware-reduced: vipi has no PM1 event/control blocks, PM
 * timer or SCI to offer, and a full FADT without them makes ACPICA report
 * missing registers and route an SCI. Linux then skips the legacy PIC and
 * PIT setup (acpi_generic_reduced_hw_init()) and maps only the ISA IRQs
 * the DSDT declares (acpi_dsdt.c). The i8042 flag keeps Linux probing the
 * reset-only controller as it does without ACPI.
 *
 * Layout from GPA: RSDP (ACPI 2.0, pointing at the XSDT; no RSDT), XSDT,
 * FADT, MADT, DSDT, each 16-byte aligned.
 */
#include <string.h>

#include "boot/boot.h"
#include "boot/le.h"

#define ACPI_REVISION_RSDP 2
#define ACPI_REVISION_XSDT 1
#define ACPI_REVISION_FADT 6
#define ACPI_FADT_MINOR	   5
#define ACPI_REVISION_MADT 5
#define ACPI_REVISION_DSDT 2 /* 64-bit AML integers */
#define ACPI_OEM_ID	   "VIPI  "
#define ACPI_OEM_TABLE	   "VIPIVMM "

#define MADT_LAPIC	   0
#define MADT_IOAPIC	   1
#define MADT_LAPIC_NMI	   4
#define MADT_PCAT_COMPAT   1 /* KVM's irqchip has the 8259s too */
#define MADT_ENABLED	   1
#define MADT_ALL_CPUS	   0xff
#define MADT_LAPIC_LEN	   8
#define MADT_IOAPIC_LEN	   12
#define MADT_LAPIC_NMI_LEN 6
#define MADT_FIXED_LEN	   (ACPI_HDR_LEN + 8)
#define ACPI_MAX_CPUS	   254 /* 8-bit APIC IDs, one left for the IOAPIC */
#define ACPI_ALIGN(x)	   (((x) + 15) & ~(size_t)15)

static uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* The common header; the checksum is set by acpi_seal() once LEN is final. */
static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	le_put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE, 8);
	le_put32(t + 24, 1);
	memcpy(t + 28, "VIPI", 4);
	le_put32(t + 32, 1);
}

static void acpi_seal(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = -acpi_sum(t, len);
}

static size_t madt_size(unsigned int ncpus)
{
	return MADT_FIXED_LEN + ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN + MADT_LAPIC_NMI_LEN;
}

static void madt_build(uint8_t *t, unsigned int ncpus)
{
	uint32_t len = madt_size(ncpus);
	uint8_t *p = t + MADT_FIXED_LEN;

	acpi_header(t, "APIC", len, ACPI_REVISION_MADT);
	le_put32(t + ACPI_HDR_LEN, BOOT_LAPIC_GPA);
	le_put32(t + ACPI_HDR_LEN + 4, MADT_PCAT_COMPAT);
	for (unsigned int i = 0; i < ncpus; i++, p += MADT_LAPIC_LEN) {
		p[0] = MADT_LAPIC;
		p[1] = MADT_LAPIC_LEN;
		p[2] = i; /* processor UID */
		p[3] = i; /* APIC ID */
		le_put32(p + 4, MADT_ENABLED);
	}
	p[0] = MADT_IOAPIC;
	p[1] = MADT_IOAPIC_LEN;
	p[2] = ncpus; /* as in the MP table: no CPU's ID */
	le_put32(p + 4, BOOT_IOAPIC_GPA);
	le_put32(p + 8, 0); /* GSI base */
	p += MADT_IOAPIC_LEN;
	p[0] = MADT_LAPIC_NMI;
	p[1] = MADT_LAPIC_NMI_LEN;
	p[2] = MADT_ALL_CPUS;
	le_put16(p + 3, 0); /* polarity and trigger conform to the bus */
	p[5] = 1;	    /* LINT1 */
	acpi_seal(t, len);
}

static void fadt_build(uint8_t *t, uint64_t dsdt)
{
	acpi_header(t, "FACP", ACPI_FADT_LEN, ACPI_REVISION_FADT);
	le_put16(t + ACPI_FADT_BOOT_ARCH, ACPI_BOOT_8042);
	le_put32(t + ACPI_FADT_FLAGS, ACPI_FADT_HW_REDUCED);
	t[131] = ACPI_FADT_MINOR;
	le_put64(t + ACPI_FADT_X_DSDT, dsdt);
	acpi_seal(t, ACPI_FADT_LEN);
}

static void rsdp_build(uint8_t *r, uint64_t xsdt)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, ACPI_OEM_ID, 6);
	r[15] = ACPI_REVISION_RSDP;
	le_put32(r + 16, 0); /* no RSDT */
	le_put32(r + 20, ACPI_RSDP_LEN);
	le_put64(r + 24, xsdt);
	r[8] = -acpi_sum(r, 20);
	r[32] = -acpi_sum(r, ACPI_RSDP_LEN);
}

size_t acpi_build(uint8_t *buf, size_t len, uint32_t gpa, unsigned int ncpus)
{
	g_autoptr(GByteArray) aml = acpi_dsdt_aml();
	size_t xsdt = ACPI_ALIGN(ACPI_RSDP_LEN), xsdt_len = ACPI_HDR_LEN + 2 * 8;
	size_t fadt = ACPI_ALIGN(xsdt + xsdt_len), madt = ACPI_ALIGN(fadt + ACPI_FADT_LEN);
	size_t dsdt = ACPI_ALIGN(madt + madt_size(ncpus)), dsdt_len = ACPI_HDR_LEN + aml->len;
	size_t end = dsdt + dsdt_len;

	if (!ncpus || ncpus > ACPI_MAX_CPUS || len < end)
		return 0;
	memset(buf, 0, end);
	rsdp_build(buf, gpa + xsdt);
	acpi_header(buf + xsdt, "XSDT", xsdt_len, ACPI_REVISION_XSDT);
	le_put64(buf + xsdt + ACPI_HDR_LEN, gpa + fadt);
	le_put64(buf + xsdt + ACPI_HDR_LEN + 8, gpa + madt);
	acpi_seal(buf + xsdt, xsdt_len);
	fadt_build(buf + fadt, gpa + dsdt);
	madt_build(buf + madt, ncpus);
	acpi_header(buf + dsdt, "DSDT", dsdt_len, ACPI_REVISION_DSDT);
	memcpy(buf + dsdt + ACPI_HDR_LEN, aml->data, aml->len);
	acpi_seal(buf + dsdt, dsdt_len);
	return end;
}
