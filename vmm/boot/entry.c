// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state the 64-bit boot protocol wants at entry: long mode with the
 * low memory identity-mapped, a flat GDT with __BOOT_CS 0x10 and
 * __BOOT_DS 0x18, interrupts off and RSI pointing at the zero page.
 */
#include <string.h>

#include "boot/boot.h"
#include "boot/le.h"

#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

#define CR0_PE	 0x1ULL
#define CR0_ET	 0x10ULL
#define CR0_PG	 0x80000000ULL
#define CR4_PAE	 0x20ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

#define BOOT_CS 0x10
#define BOOT_DS 0x18

void boot_pagetables(uint8_t *low)
{
	memset(low + BOOT_PML4_GPA, 0, 3 * 4096);
	le_put64(low + BOOT_PML4_GPA, BOOT_PDPT_GPA | PTE_P | PTE_RW);
	le_put64(low + BOOT_PDPT_GPA, BOOT_PD_GPA | PTE_P | PTE_RW);
	/* 512 x 2 MiB: the first GiB, enough for the kernel to build its own. */
	for (uint64_t i = 0; i < 512; i++)
		le_put64(low + BOOT_PD_GPA + i * 8, i << 21 | PTE_P | PTE_RW | PTE_PS);
}

/* A descriptor from its flags (G, D/B, L, P, DPL, S, type), base 0, limit 4G. */
static uint64_t gdt_entry(uint16_t flags)
{
	return 0xffffULL | (uint64_t)(flags & 0xf0ff) << 40 | 0xfULL << 48;
}

#define GDT_CODE64 0xa09b /* G, L, P, S, execute/read, accessed */
#define GDT_DATA   0xc093 /* G, D/B, P, S, read/write, accessed */

void boot_gdt(uint8_t *low)
{
	memset(low + BOOT_GDT_GPA, 0, 4 * 8);
	le_put64(low + BOOT_GDT_GPA + BOOT_CS, gdt_entry(GDT_CODE64));
	le_put64(low + BOOT_GDT_GPA + BOOT_DS, gdt_entry(GDT_DATA));
}

static void seg(struct kvm_segment *s, uint16_t sel, uint16_t flags)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = flags & 0xf,
		.s = (flags >> 4) & 1,
		.dpl = (flags >> 5) & 3,
		.present = (flags >> 7) & 1,
		.l = (flags >> 13) & 1,
		.db = (flags >> 14) & 1,
		.g = (flags >> 15) & 1,
	};
}

void boot_sregs(struct kvm_sregs *s)
{
	seg(&s->cs, BOOT_CS, GDT_CODE64);
	seg(&s->ds, BOOT_DS, GDT_DATA);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = BOOT_GDT_GPA;
	s->gdt.limit = 4 * 8 - 1;
	s->cr0 = CR0_PE | CR0_ET | CR0_PG;
	s->cr3 = BOOT_PML4_GPA;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
}

void boot_regs(struct kvm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rflags = 0x2; /* reserved bit 1; IF clear */
	r->rip = BOOT_KERNEL_GPA + 0x200;
	r->rsi = BOOT_ZEROPAGE_GPA;
	r->rsp = BOOT_STACK_GPA;
	r->rbp = BOOT_STACK_GPA;
}
