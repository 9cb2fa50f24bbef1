// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel MP specification 1.4 tables: how a guest without ACPI finds its
 * CPUs and the IOAPIC. One processor entry per vCPU (APIC ID = index), a
 * PCI and an ISA bus, the in-kernel IOAPIC, ISA IRQs wired 1:1 to IOAPIC
 * pins (KVM's default GSI routing), and LINT0 ExtINT / LINT1 NMI.
 */
#include <string.h>

#include "boot/boot.h"
#include "boot/le.h"

#define MPF_LEN	      16
#define MPC_HDR_LEN   44
#define MPC_CPU_LEN   20
#define MPC_ENTRY_LEN 8

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

#define CPU_ENABLED  1
#define CPU_BSP	     2
#define APIC_VERSION 0x14
#define BUS_PCI	     0
#define BUS_ISA	     1

uint8_t mptable_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static size_t mptable_size(unsigned int ncpus)
{
	/* cpus, 2 buses, 1 IOAPIC, 15 ISA IRQs, 2 local interrupts */
	return MPF_LEN + MPC_HDR_LEN + ncpus * MPC_CPU_LEN + (2 + 1 + 15 + 2) * MPC_ENTRY_LEN;
}

static uint8_t *mp_intsrc(uint8_t *p, uint8_t type, uint8_t irqtype, uint8_t bus, uint8_t busirq,
			  uint8_t dstapic, uint8_t dstirq)
{
	p[0] = type;
	p[1] = irqtype;
	le_put16(p + 2, 0); /* polarity and trigger conform to the bus */
	p[4] = bus;
	p[5] = busirq;
	p[6] = dstapic;
	p[7] = dstirq;
	return p + MPC_ENTRY_LEN;
}

static uint8_t *mp_bus(uint8_t *p, uint8_t id, const char *name)
{
	p[0] = MP_BUS;
	p[1] = id;
	memcpy(p + 2, name, 6);
	return p + MPC_ENTRY_LEN;
}

size_t mptable_build(uint8_t *buf, size_t len, uint32_t gpa, unsigned int ncpus)
{
	size_t size = mptable_size(ncpus);
	uint8_t *mpf = buf, *mpc = buf + MPF_LEN, *p;
	/* The IOAPIC's ID must not collide with a CPU's. */
	uint8_t ioapic_id = ncpus;
	unsigned int entries = 0;

	if (!ncpus || ncpus > 254 || len < size)
		return 0;
	memset(buf, 0, size);

	memcpy(mpf, "_MP_", 4);
	le_put32(mpf + 4, gpa + MPF_LEN);
	mpf[8] = 1; /* length in 16-byte units */
	mpf[9] = 4; /* spec 1.4 */

	memcpy(mpc, "PCMP", 4);
	mpc[6] = 4;
	memcpy(mpc + 8, "VIPI    ", 8);
	memcpy(mpc + 16, "VIPI VMM    ", 12);
	le_put32(mpc + 36, BOOT_LAPIC_GPA);

	p = mpc + MPC_HDR_LEN;
	for (unsigned int i = 0; i < ncpus; i++, entries++) {
		p[0] = MP_PROCESSOR;
		p[1] = i;
		p[2] = APIC_VERSION;
		p[3] = CPU_ENABLED | (i == 0 ? CPU_BSP : 0);
		le_put32(p + 4, 0x600); /* family 6 */
		le_put32(p + 8, 0x201); /* FPU, APIC */
		p += MPC_CPU_LEN;
	}
	p = mp_bus(p, BUS_PCI, "PCI   ");
	p = mp_bus(p, BUS_ISA, "ISA   ");
	entries += 2;
	p[0] = MP_IOAPIC;
	p[1] = ioapic_id;
	p[2] = APIC_VERSION;
	p[3] = 1; /* usable */
	le_put32(p + 4, BOOT_IOAPIC_GPA);
	p += MPC_ENTRY_LEN;
	entries++;
	for (unsigned int irq = 0; irq < 16; irq++) {
		if (irq == 2) /* the PIC cascade */
			continue;
		p = mp_intsrc(p, MP_INTSRC, MP_INT, BUS_ISA, irq, ioapic_id, irq);
		entries++;
	}
	/* 0xff: every local APIC. */
	p = mp_intsrc(p, MP_LINTSRC, MP_EXTINT, BUS_ISA, 0, 0xff, 0);
	p = mp_intsrc(p, MP_LINTSRC, MP_NMI, BUS_ISA, 0, 0xff, 1);
	entries += 2;

	le_put16(mpc + 4, p - mpc);
	le_put16(mpc + 34, entries);
	mpc[7] = -mptable_checksum(mpc, p - mpc);
	mpf[10] = -mptable_checksum(mpf, MPF_LEN);
	return p - buf;
}
