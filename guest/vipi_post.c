// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: the mailbox transport.
 *
 * A sender sets a class bit in the target's pending word of a mailbox in
 * guest RAM; a VMM thread polling the mailbox injects the guest's own IPI
 * vector at the target. While the poller sleeps, the sender rings a PIO
 * doorbell that KVM turns into an eventfd signal (an ioeventfd: no exit to
 * userspace). See docs/abi.md for the protocol and its memory ordering.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/smp.h>

#include "vipi.h"

DEFINE_PER_CPU(struct vipi_stats, vipi_stats);

struct vipi_drv __rcu *vipi_active;

atomic_t *vipi_pending(struct vipi_drv *vd, u32 slot)
{
	BUILD_BUG_ON(sizeof(atomic_t) != sizeof(vd->mbox->slot[0].pending));
	return (atomic_t *)&vd->mbox->slot[slot].pending;
}

bool vipi_post(int cpu, u32 class, bool ring)
{
	struct vipi_drv *vd;
	u32 slot, old;
	bool ok = false;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	if (!vd)
		goto out;
	slot = per_cpu(x86_cpu_to_apicid, cpu);
	if (slot >= vd->nr_slots)
		goto out;

	/* A fully ordered RMW: the pending bits land before the state is read */
	old = atomic_fetch_or(class, vipi_pending(vd, slot));
	/* this_cpu_inc(): an interrupt on this CPU may post a kick too. */
	this_cpu_inc(vipi_stats.kicks);
	if (old & class)
		this_cpu_inc(vipi_stats.coalesced);
	/* Pairs with the poller's fence between SLEEPING and its rescan. */
	smp_mb__after_atomic();
	/*
	 * Only the sender that made the word non-zero owes the doorbell: any
	 * later bit rides with a word that is already guaranteed to be taken.
	 */
	if (ring || (!old && READ_ONCE(vd->mbox->hdr.poller_state) == VIPI_POLLER_SLEEPING)) {
		iowrite32(1, vd->regs + VIPI_REG_DOORBELL);
		this_cpu_inc(vipi_stats.doorbells);
	}
	ok = true;
out:
	rcu_read_unlock();
	return ok;
}
EXPORT_SYMBOL_GPL(vipi_post);

bool vipi_bound(void)
{
	return rcu_access_pointer(vipi_active) != NULL;
}
EXPORT_SYMBOL_GPL(vipi_bound);

bool vipi_phase_mark(u32 label)
{
	struct vipi_drv *vd;
	bool ok = false;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	if (vd && (vd->features & VIPI_F_PHASE)) {
		iowrite32(label, vd->regs + VIPI_REG_PHASE);
		ok = true;
	}
	rcu_read_unlock();
	return ok;
}
EXPORT_SYMBOL_GPL(vipi_phase_mark);

void vipi_stats_sum(struct vipi_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct vipi_stats *st = per_cpu_ptr(&vipi_stats, cpu);

		sum->kicks += READ_ONCE(st->kicks);
		sum->coalesced += READ_ONCE(st->coalesced);
		sum->doorbells += READ_ONCE(st->doorbells);
		sum->fallbacks += READ_ONCE(st->fallbacks);
	}
}
EXPORT_SYMBOL_GPL(vipi_stats_sum);

unsigned long vipi_this_cpu_coalesced(void)
{
	return this_cpu_read(vipi_stats.coalesced);
}
EXPORT_SYMBOL_GPL(vipi_this_cpu_coalesced);
