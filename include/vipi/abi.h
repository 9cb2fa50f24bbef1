/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi device ABI, version 1: the one header compiled unchanged by the VMM
 * (userspace, C11) and by the guest module (kernel, gnu11). docs/abi.md is
 * the prose specification and is kept in step with this file.
 *
 * The guest never names a raw vector: it sets a class bit in the pending
 * word of the target's mailbox slot, and the VMM maps the class to the
 * guest kernel's own IPI vector (0xfb, 0xfd, 0xfc) so that the stock
 * handler runs on the target.
 */
#ifndef VIPI_ABI_H
#define VIPI_ABI_H

#include <linux/types.h>

#define VIPI_ABI_VERSION 1u

/*
 * PCI identity. Vendor 0x1234 is the unregistered ID QEMU uses for its
 * experimental devices; in Linux 6.1 only bochs-drm (0x1234:0x1111) binds
 * it, by exact device ID. Device 0x5650 ("VP") is bound by no Linux driver,
 * and the class 0xff0000 (unassigned) matches no class driver either.
 */
#define VIPI_PCI_VENDOR_ID 0x1234u
#define VIPI_PCI_DEVICE_ID 0x5650u
#define VIPI_PCI_REVISION  VIPI_ABI_VERSION
#define VIPI_PCI_CLASS	   0xff0000u /* base class 0xff, sub 0, prog-if 0 */

/* BAR0: an I/O port BAR of VIPI_BAR0_SIZE bytes, 32-bit accesses only. */
#define VIPI_BAR0_SIZE 64u

/* Register offsets in BAR0. RO = read-only, RW = read/write, WO = write-only. */
#define VIPI_REG_MAGIC		0x00u /* RO: VIPI_MAGIC */
#define VIPI_REG_VERSION	0x04u /* RO: VIPI_ABI_VERSION */
#define VIPI_REG_HOST_FEATURES	0x08u /* RO: VIPI_F_* the VMM offers */
#define VIPI_REG_GUEST_FEATURES 0x0cu /* RW: VIPI_F_* the guest accepts */
#define VIPI_REG_MBOX_LO	0x10u /* RW: mailbox GPA, low 32 bits */
#define VIPI_REG_MBOX_HI	0x14u /* RW: mailbox GPA, high 32 bits */
#define VIPI_REG_CTRL		0x18u /* RW: write VIPI_CTRL_*; read VIPI_STATUS_* */
#define VIPI_REG_DOORBELL	0x1cu /* WO: any 32-bit value; a KVM ioeventfd */
#define VIPI_REG_PHASE		0x20u /* WO: phase mark label (VIPI_F_PHASE) */
#define VIPI_REG_NR_SLOTS	0x24u /* RO: mailbox slots = max APIC ID + 1 */
#define VIPI_REG_MBOX_SIZE	0x28u /* RO: bytes the mailbox must span */
#define VIPI_REG_ERRORS		0x2cu /* RO: invalid requests seen (wraps) */
#define VIPI_REG_SPIN_US	0x30u /* RO: poller's maximum spin window, us */
/* 0x34..0x3f reserved: reads return 0, writes are ignored and counted. */

#define VIPI_MAGIC 0x49504956u /* "VIPI" little-endian */

/* Feature bits (HOST_FEATURES / GUEST_FEATURES). */
#define VIPI_F_MAILBOX	(1u << 0) /* the shared-memory mailbox and poller */
#define VIPI_F_DOORBELL (1u << 1) /* the ioeventfd doorbell for a sleeping poller */
#define VIPI_F_PHASE	(1u << 2) /* phase marks snapshot KVM per-vCPU stats */
#define VIPI_F_ALL	(VIPI_F_MAILBOX | VIPI_F_DOORBELL | VIPI_F_PHASE)

/* CTRL writes. Anything else is ignored and counted. */
#define VIPI_CTRL_DISABLE 0u /* stop the poller after a final drain */
#define VIPI_CTRL_ENABLE  1u /* validate the mailbox and start the poller */

/* CTRL reads. */
#define VIPI_STATUS_ENABLED	 (1u << 0)
#define VIPI_STATUS_BAD_MBOX	 (1u << 1) /* last ENABLE refused: bad GPA */
#define VIPI_STATUS_BAD_FEATURES (1u << 2) /* last ENABLE refused: features */

/*
 * Vector classes: the bits of a pending word. The VMM maps each class to
 * the guest's vector; bits outside VIPI_CLASS_MASK are reserved: the VMM
 * drops them, counts them and injects the valid bits of the same word.
 */
#define VIPI_CLASS_CALL_FUNC_SINGLE (1u << 0) /* vector 0xfb */
#define VIPI_CLASS_RESCHEDULE	    (1u << 1) /* vector 0xfd */
#define VIPI_CLASS_CALL_FUNC	    (1u << 2) /* vector 0xfc */
#define VIPI_CLASS_MASK		    0x7u
#define VIPI_NR_CLASSES		    3

#define VIPI_VECTOR_CALL_FUNC_SINGLE 0xfbu
#define VIPI_VECTOR_RESCHEDULE	     0xfdu
#define VIPI_VECTOR_CALL_FUNC	     0xfcu

/* Poller state in the mailbox header, written by the VMM only. */
#define VIPI_POLLER_AWAKE    0u
#define VIPI_POLLER_SLEEPING 1u

#define VIPI_CACHELINE	64u
#define VIPI_MAX_SLOTS	256u  /* xAPIC physical destination IDs */
#define VIPI_MBOX_ALIGN 4096u /* the mailbox GPA must be page-aligned */

/*
 * The mailbox, in guest RAM, allocated and zeroed by the guest. Header in
 * the first cache line, then one cache line per target APIC ID so that
 * senders to different targets never share a line.
 */
struct vipi_mbox_header {
	__u32 magic;	      /* guest writes VIPI_MAGIC before ENABLE */
	__u32 poller_state;   /* VMM: VIPI_POLLER_AWAKE / VIPI_POLLER_SLEEPING */
	__u64 poller_wakeups; /* VMM: times the poller woke from sleep */
	__u64 poller_takes;   /* VMM: non-zero pending words taken */
	__u32 reserved[10];
};

struct vipi_mbox_slot {
	__u32 pending; /* class bits; guest fetch-or, VMM exchange with 0 */
	__u32 reserved[15];
};

struct vipi_mbox {
	struct vipi_mbox_header hdr;
	struct vipi_mbox_slot slot[]; /* indexed by target APIC ID */
};

#define VIPI_MBOX_SIZE(nr_slots)                                                                   \
	((__u64)sizeof(struct vipi_mbox_header) + (__u64)(nr_slots) * sizeof(struct vipi_mbox_slot))

#ifdef __KERNEL__
#include <linux/build_bug.h>
#define VIPI_ABI_ASSERT(c, m) static_assert(c, m)
#else
#include <assert.h>
#define VIPI_ABI_ASSERT(c, m) static_assert(c, m)
#endif

VIPI_ABI_ASSERT(sizeof(struct vipi_mbox_header) == VIPI_CACHELINE, "header is one line");
VIPI_ABI_ASSERT(sizeof(struct vipi_mbox_slot) == VIPI_CACHELINE, "slot is one line");
VIPI_ABI_ASSERT(sizeof(struct vipi_mbox) == VIPI_CACHELINE, "slots follow the header");
VIPI_ABI_ASSERT(__builtin_offsetof(struct vipi_mbox_header, poller_state) == 4, "layout");
VIPI_ABI_ASSERT(__builtin_offsetof(struct vipi_mbox_header, poller_wakeups) == 8, "layout");
VIPI_ABI_ASSERT(__builtin_offsetof(struct vipi_mbox_slot, pending) == 0, "layout");
VIPI_ABI_ASSERT(VIPI_MBOX_SIZE(VIPI_MAX_SLOTS) == 64 + 256 * 64, "size formula");
VIPI_ABI_ASSERT(VIPI_REG_SPIN_US + 4 <= VIPI_BAR0_SIZE, "registers fit BAR0");

#endif
