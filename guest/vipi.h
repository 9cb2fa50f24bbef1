/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi.ko: what its files share. The ABI with the VMM is in <vipi/abi.h>;
 * what the module exports to others is in vipi_api.h.
 */
#ifndef _VIPI_H
#define _VIPI_H

#include <linux/atomic.h>
#include <linux/pci.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <vipi/abi.h>

#include "vipi_api.h"

/* The guest's driver state for one bound device. */
struct vipi_drv {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct vipi_mbox *mbox;
	size_t mbox_size;
	u32 nr_slots;
	u32 features;
};

/* vipi_post.c: the mailbox transport */
DECLARE_PER_CPU(struct vipi_stats, vipi_stats);
/* The bound device, or NULL: the kick path reads it under RCU. */
extern struct vipi_drv __rcu *vipi_active;
atomic_t *vipi_pending(struct vipi_drv *vd, u32 slot);

/* vipi_smp.c: the smp_ops takeover */
void vipi_takeover(void);
void vipi_giveback(void);
bool vipi_took_over(void);
/* Sends each class of CLASSES to CPU natively (preemption disabled). */
void vipi_send_native(int cpu, u32 classes);

/* vipi_pci.c: the PCI driver */
int vipi_pci_register(void);
void vipi_pci_unregister(void);

/* vipi_sysfs.c: /sys/kernel/vipi */
int vipi_sysfs_init(void);
void vipi_sysfs_exit(void);

#endif
