// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_hostile: a hostile guest for the VMM's vipi device. For SECONDS it
 * writes random values to every BAR0 register (any offset, any size) and
 * to every mailbox field (random class bits, reserved bits, slots of APIC
 * IDs that no vCPU has, random GPAs in MBOX_LO/HI), from the CPU that
 * writes the trigger, while vipi_stress's storm runs on the others:
 *
 *   echo SECONDS > /sys/kernel/vipi_hostile/run    (blocks for the run)
 *   cat /sys/kernel/vipi_hostile/run
 *
 * It never writes the exact CTRL value VIPI_CTRL_DISABLE, nor the mailbox
 * header's magic and poller_state, and it rings the doorbell for a pending
 * word it makes non-zero, as every sender must: the others legitimately
 * reconfigure the device or are the doorbell protocol, so breaking them
 * would only make this guest lose its own kicks (docs/robustness.md,
 * docs/abi.md). ENABLE and MBOX_LO/HI writes are made: the VMM refuses them
 * while enabled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <vipi/abi.h>

#include "vipi_trigger.h"

#define HOSTILE_MAX_SECONDS 3600

struct hostile {
	unsigned long port;
	struct vipi_mbox *mb;
	u32 nr_slots;
	u64 reg_writes, reg_reads, mbox_bits, mbox_words, skipped;
};

static struct kobject *hostile_kobj;

static void hostile_read(struct hostile *h, unsigned int off, u32 r)
{
	switch (r & 3) {
	case 0:
		inb(h->port + off);
		break;
	case 1:
		inw(h->port + (off & ~1u));
		break;
	default:
		inl(h->port + (off & ~3u));
		break;
	}
	h->reg_reads++;
}

static void hostile_reg(struct hostile *h)
{
	u32 r = get_random_u32();
	u32 v = get_random_u32();
	unsigned int off = r % VIPI_BAR0_SIZE;

	r >>= 8;
	if (r & 1) {
		hostile_read(h, off, r >> 1);
		return;
	}
	switch ((r >> 1) & 7) {
	case 0:
		outb(v, h->port + off);
		break;
	case 1:
		outw(v, h->port + (off & ~1u));
		break;
	default: /* mostly what the device takes: aligned 32-bit writes */
		off &= ~3u;
		if (off == VIPI_REG_CTRL && (r & 16))
			v &= 3; /* ENABLE and unknown commands, not only noise */
		if (off == VIPI_REG_CTRL && v == VIPI_CTRL_DISABLE) {
			h->skipped++;
			return;
		}
		outl(v, h->port + off);
		break;
	}
	h->reg_writes++;
}

static void hostile_mbox(struct hostile *h)
{
	u32 r = get_random_u32();
	u32 v = get_random_u32();
	u32 slot = get_random_u32() % h->nr_slots;

	switch (r & 3) {
	case 0:
	case 1: /* a request: random class and reserved bits, as a sender sets them */
		v &= r & 4 ? VIPI_CLASS_MASK : ~0u;
		/*
		 * Whoever makes a word non-zero owes the doorbell (docs/abi.md).
		 * A word left non-zero without it would strand this guest's own
		 * later kicks to that CPU while the poller sleeps.
		 */
		if (!atomic_fetch_or(v, (atomic_t *)&h->mb->slot[slot].pending) && v)
			outl(1, h->port + VIPI_REG_DOORBELL);
		h->mbox_bits++;
		return;
	case 2:
		WRITE_ONCE(h->mb->slot[slot].reserved[(r >> 8) % 15], v);
		break;
	default:
		if (r & 4)
			WRITE_ONCE(h->mb->hdr.reserved[(r >> 8) % 10], v);
		else if (r & 8)
			WRITE_ONCE(h->mb->hdr.poller_takes, v);
		else
			WRITE_ONCE(h->mb->hdr.poller_wakeups, v);
		break;
	}
	h->mbox_words++;
}

static int hostile_run(unsigned int seconds, char *result, size_t size)
{
	struct hostile h = { 0 };
	struct pci_dev *pdev;
	unsigned long deadline;
	u32 errors0, status;
	u64 gpa;
	int ret = 0;

	pdev = pci_get_device(VIPI_PCI_VENDOR_ID, VIPI_PCI_DEVICE_ID, NULL);
	if (!pdev)
		return -ENODEV;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO)) {
		ret = -ENODEV;
		goto out_put;
	}
	h.port = pci_resource_start(pdev, 0);
	status = inl(h.port + VIPI_REG_CTRL);
	h.nr_slots = inl(h.port + VIPI_REG_NR_SLOTS);
	gpa = (u64)inl(h.port + VIPI_REG_MBOX_HI) << 32 | inl(h.port + VIPI_REG_MBOX_LO);
	if (!(status & VIPI_STATUS_ENABLED) || !h.nr_slots || h.nr_slots > VIPI_MAX_SLOTS) {
		pr_err("device not enabled by vipi.ko (status %#x, %u slots)\n", status,
		       h.nr_slots);
		ret = -ENXIO;
		goto out_put;
	}
	h.mb = memremap(gpa, VIPI_MBOX_SIZE(h.nr_slots), MEMREMAP_WB);
	if (!h.mb) {
		ret = -ENOMEM;
		goto out_put;
	}
	errors0 = inl(h.port + VIPI_REG_ERRORS);
	deadline = jiffies + seconds * HZ;
	while (time_before(jiffies, deadline) && !signal_pending(current)) {
		if (get_random_u32() & 1)
			hostile_reg(&h);
		else
			hostile_mbox(&h);
		cond_resched();
	}
	status = inl(h.port + VIPI_REG_CTRL);
	scnprintf(
		result, size,
		"seconds=%u reg_writes=%llu reg_reads=%llu mbox_bits=%llu mbox_words=%llu skipped_disable=%llu device_errors=%u status=%#x\n",
		seconds, h.reg_writes, h.reg_reads, h.mbox_bits, h.mbox_words, h.skipped,
		inl(h.port + VIPI_REG_ERRORS) - errors0, status);
	memunmap(h.mb);
out_put:
	pci_dev_put(pdev);
	return ret;
}

/* The trigger's request: SECONDS of hostile writes. */
static int hostile_request(const char *buf, char *result, size_t size)
{
	unsigned int seconds;
	int ret;

	ret = vipi_trigger_seconds(buf, HOSTILE_MAX_SECONDS, &seconds);
	if (ret)
		return ret;
	return hostile_run(seconds, result, size);
}

DEFINE_VIPI_TRIGGER(hostile_trigger, run, hostile_request);

static int __init hostile_init(void)
{
	hostile_kobj = vipi_trigger_dir("vipi_hostile", &hostile_trigger);
	return PTR_ERR_OR_ZERO(hostile_kobj);
}

static void __exit hostile_exit(void)
{
	kobject_put(hostile_kobj);
}

module_init(hostile_init);
module_exit(hostile_exit);
MODULE_DESCRIPTION(
	"vipi: a hostile guest for the VMM's device (random register and mailbox writes)");
MODULE_LICENSE("GPL");
