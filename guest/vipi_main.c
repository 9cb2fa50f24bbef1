// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: exitless IPIs through a VMM poller.
 *
 * A sender sets a class bit in the target's pending word of a mailbox in
 * guest RAM; a VMM thread polling the mailbox injects the guest's own IPI
 * vector at the target. While the poller sleeps, the sender rings a PIO
 * doorbell that KVM turns into an eventfd signal (an ioeventfd: no exit to
 * userspace). See docs/abi.md for the protocol and its memory ordering.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sysfs.h>
#include <asm/apic.h>
#include <asm/kvm_para.h>
#include <asm/smp.h>
#include <uapi/linux/kvm_para.h>

#include "vipi.h"

static bool takeover = true;
module_param(takeover, bool, 0444);
MODULE_PARM_DESC(takeover, "Route smp_ops' IPIs through the device (default on)");

static bool force_doorbell;
module_param(force_doorbell, bool, 0644);
MODULE_PARM_DESC(force_doorbell, "Ring the doorbell on every kick (benchmarks)");

struct vipi_dev {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct vipi_mbox *mbox;
	size_t mbox_size;
	u32 nr_slots;
	u32 features;
};

DEFINE_PER_CPU(struct vipi_stats, vipi_stats);

/* The bound device, or NULL: the kick path reads it under RCU. */
static struct vipi_dev __rcu *vipi_active;

/* smp_ops as found at load: the native path every fallback takes. */
static struct smp_ops vipi_native;
static bool vipi_took_over;

static struct kobject *vipi_kobj;

static atomic_t *vipi_pending(struct vipi_dev *vd, u32 slot)
{
	BUILD_BUG_ON(sizeof(atomic_t) != sizeof(vd->mbox->slot[0].pending));
	return (atomic_t *)&vd->mbox->slot[slot].pending;
}

/*
 * Posts CLASS for CPU through the device. Returns false when the device
 * cannot carry it (absent, or CPU's APIC ID beyond the mailbox): the caller
 * then takes the native path. Callers have preemption disabled.
 */
static bool vipi_post(int cpu, u32 class, bool ring)
{
	struct vipi_dev *vd;
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

static void vipi_send_call_func_single(int cpu)
{
	if (vipi_post(cpu, VIPI_CLASS_CALL_FUNC_SINGLE, READ_ONCE(force_doorbell)))
		return;
	this_cpu_inc(vipi_stats.fallbacks);
	vipi_native.send_call_func_single_ipi(cpu);
}

static void vipi_send_reschedule(int cpu)
{
	if (vipi_post(cpu, VIPI_CLASS_RESCHEDULE, READ_ONCE(force_doorbell)))
		return;
	this_cpu_inc(vipi_stats.fallbacks);
	vipi_native.smp_send_reschedule(cpu);
}

static void vipi_send_call_func(const struct cpumask *mask)
{
	bool ring = READ_ONCE(force_doorbell);
	int cpu;

	/* Without a device, hand the whole mask on: one native multicast. */
	if (!rcu_access_pointer(vipi_active)) {
		this_cpu_inc(vipi_stats.fallbacks);
		vipi_native.send_call_func_ipi(mask);
		return;
	}
	for_each_cpu(cpu, mask) {
		if (vipi_post(cpu, VIPI_CLASS_CALL_FUNC, ring))
			continue;
		this_cpu_inc(vipi_stats.fallbacks);
		vipi_native.send_call_func_ipi(cpumask_of(cpu));
	}
}

void kick_cpu_async(int cpu)
{
	preempt_disable();
	vipi_send_call_func_single(cpu);
	preempt_enable();
}
EXPORT_SYMBOL_GPL(kick_cpu_async);

bool vipi_mode_available(enum vipi_mode mode)
{
	u32 base;

	switch (mode) {
	case VIPI_MODE_VIPI:
	case VIPI_MODE_DOORBELL:
		return rcu_access_pointer(vipi_active) != NULL;
	case VIPI_MODE_NATIVE:
	case VIPI_MODE_AUTO:
		return true;
	case VIPI_MODE_PV:
		base = hypervisor_cpuid_base(KVM_SIGNATURE, 0);
		return base && (cpuid_eax(base | KVM_CPUID_FEATURES) &
				BIT(KVM_FEATURE_PV_SEND_IPI));
	}
	return false;
}

bool vipi_kick_mode(int cpu, enum vipi_mode mode)
{
	bool ok = true;

	preempt_disable();
	switch (mode) {
	case VIPI_MODE_VIPI:
	case VIPI_MODE_DOORBELL:
		ok = vipi_post(cpu, VIPI_CLASS_CALL_FUNC_SINGLE, mode == VIPI_MODE_DOORBELL);
		break;
	case VIPI_MODE_NATIVE:
		vipi_native.send_call_func_single_ipi(cpu);
		break;
	case VIPI_MODE_AUTO:
		vipi_send_call_func_single(cpu);
		break;
	case VIPI_MODE_PV:
		/* One-bit bitmap based at the target's APIC ID, as kvm.c does. */
		kvm_hypercall4(KVM_HC_SEND_IPI, 1, 0, per_cpu(x86_cpu_to_apicid, cpu),
			       APIC_DM_FIXED | CALL_FUNCTION_SINGLE_VECTOR);
		break;
	}
	preempt_enable();
	return ok;
}

bool vipi_phase_mark(u32 label)
{
	struct vipi_dev *vd;
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

static void vipi_takeover(void)
{
	vipi_native = smp_ops;
	if (!takeover)
		return;
	WRITE_ONCE(smp_ops.send_call_func_single_ipi, vipi_send_call_func_single);
	WRITE_ONCE(smp_ops.smp_send_reschedule, vipi_send_reschedule);
	WRITE_ONCE(smp_ops.send_call_func_ipi, vipi_send_call_func);
	vipi_took_over = true;
}

static void vipi_giveback(void)
{
	if (!vipi_took_over)
		return;
	WRITE_ONCE(smp_ops.send_call_func_single_ipi, vipi_native.send_call_func_single_ipi);
	WRITE_ONCE(smp_ops.smp_send_reschedule, vipi_native.smp_send_reschedule);
	WRITE_ONCE(smp_ops.send_call_func_ipi, vipi_native.send_call_func_ipi);
	vipi_took_over = false;
	/* Callers run with preemption off: after this none is inside our code. */
	synchronize_rcu();
}

static int vipi_slot_cpu(u32 slot)
{
	int cpu;

	for_each_possible_cpu(cpu)
		if (per_cpu(x86_cpu_to_apicid, cpu) == slot)
			return cpu;
	return -1;
}

/*
 * Delivers whatever is still pending natively, so that no kick is lost when
 * the device goes away. Runs after the poller stopped; taking each word
 * with an exchange makes a race with it harmless anyway.
 */
static void vipi_drain(struct vipi_dev *vd)
{
	unsigned int drained = 0;
	u32 slot, bits;
	int cpu;

	preempt_disable();
	for (slot = 0; slot < vd->nr_slots; slot++) {
		bits = atomic_xchg(vipi_pending(vd, slot), 0);
		if (!bits)
			continue;
		cpu = vipi_slot_cpu(slot);
		if (cpu < 0 || !cpu_online(cpu))
			continue;
		drained++;
		if (bits & VIPI_CLASS_CALL_FUNC_SINGLE)
			vipi_native.send_call_func_single_ipi(cpu);
		if (bits & VIPI_CLASS_RESCHEDULE)
			vipi_native.smp_send_reschedule(cpu);
		if (bits & VIPI_CLASS_CALL_FUNC)
			vipi_native.send_call_func_ipi(cpumask_of(cpu));
	}
	preempt_enable();
	if (drained)
		pr_info("delivered %u pending words natively\n", drained);
}

static int vipi_dev_enable(struct vipi_dev *vd)
{
	void __iomem *r = vd->regs;
	u32 host, status;
	u64 gpa;

	if (ioread32(r + VIPI_REG_MAGIC) != VIPI_MAGIC ||
	    ioread32(r + VIPI_REG_VERSION) != VIPI_ABI_VERSION) {
		pci_err(vd->pdev, "unknown device ABI\n");
		return -ENODEV;
	}
	host = ioread32(r + VIPI_REG_HOST_FEATURES);
	vd->features = host & VIPI_F_ALL;
	if (!(vd->features & VIPI_F_MAILBOX) || !(vd->features & VIPI_F_DOORBELL)) {
		pci_err(vd->pdev, "device lacks mailbox or doorbell (features %#x)\n", host);
		return -ENODEV;
	}
	vd->nr_slots = ioread32(r + VIPI_REG_NR_SLOTS);
	if (!vd->nr_slots || vd->nr_slots > VIPI_MAX_SLOTS ||
	    ioread32(r + VIPI_REG_MBOX_SIZE) != VIPI_MBOX_SIZE(vd->nr_slots)) {
		pci_err(vd->pdev, "bad mailbox geometry (%u slots)\n", vd->nr_slots);
		return -ENODEV;
	}
	vd->mbox_size = PAGE_ALIGN(VIPI_MBOX_SIZE(vd->nr_slots));
	vd->mbox = alloc_pages_exact(vd->mbox_size, GFP_KERNEL | __GFP_ZERO);
	if (!vd->mbox)
		return -ENOMEM;
	vd->mbox->hdr.magic = VIPI_MAGIC;

	gpa = virt_to_phys(vd->mbox);
	iowrite32(vd->features, r + VIPI_REG_GUEST_FEATURES);
	iowrite32(lower_32_bits(gpa), r + VIPI_REG_MBOX_LO);
	iowrite32(upper_32_bits(gpa), r + VIPI_REG_MBOX_HI);
	iowrite32(VIPI_CTRL_ENABLE, r + VIPI_REG_CTRL);
	status = ioread32(r + VIPI_REG_CTRL);
	if (!(status & VIPI_STATUS_ENABLED)) {
		pci_err(vd->pdev, "device refused the mailbox at %#llx (status %#x)\n", gpa,
			status);
		free_pages_exact(vd->mbox, vd->mbox_size);
		vd->mbox = NULL;
		return -EIO;
	}
	return 0;
}

static void vipi_dev_disable(struct vipi_dev *vd)
{
	/* Synchronous: the VMM stops its poller after a last drain. */
	iowrite32(VIPI_CTRL_DISABLE, vd->regs + VIPI_REG_CTRL);
	vipi_drain(vd);
	free_pages_exact(vd->mbox, vd->mbox_size);
	vd->mbox = NULL;
}

static int vipi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vipi_dev *vd;
	int ret;

	if (rcu_access_pointer(vipi_active))
		return -EBUSY;
	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	vd->pdev = pdev;

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO) ||
	    pci_resource_len(pdev, 0) < VIPI_BAR0_SIZE) {
		pci_err(pdev, "BAR0 is not a %u-byte I/O BAR\n", VIPI_BAR0_SIZE);
		ret = -ENODEV;
		goto err_disable;
	}
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	vd->regs = pci_iomap(pdev, 0, VIPI_BAR0_SIZE);
	if (!vd->regs) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = vipi_dev_enable(vd);
	if (ret)
		goto err_unmap;

	pci_set_drvdata(pdev, vd);
	rcu_assign_pointer(vipi_active, vd);
	pci_info(pdev, "bound: %u slots, features %#x, takeover %s\n", vd->nr_slots,
		 vd->features, vipi_took_over ? "on" : "off");
	return 0;

err_unmap:
	pci_iounmap(pdev, vd->regs);
err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(vd);
	return ret;
}

static void vipi_remove(struct pci_dev *pdev)
{
	struct vipi_dev *vd = pci_get_drvdata(pdev);

	RCU_INIT_POINTER(vipi_active, NULL);
	/* No sender posts to the mailbox after this. */
	synchronize_rcu();
	vipi_dev_disable(vd);
	pci_iounmap(pdev, vd->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	kfree(vd);
}

static const struct pci_device_id vipi_ids[] = {
	{ PCI_DEVICE(VIPI_PCI_VENDOR_ID, VIPI_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vipi_ids);

static struct pci_driver vipi_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vipi_ids,
	.probe = vipi_probe,
	.remove = vipi_remove,
};

#define VIPI_COUNTER_ATTR(name)                                                   \
	static ssize_t name##_show(struct kobject *kobj, struct kobj_attribute *attr, \
				   char *buf)                                         \
	{                                                                         \
		struct vipi_stats sum;                                            \
									  \
		vipi_stats_sum(&sum);                                             \
		return sysfs_emit(buf, "%lu\n", sum.name);                        \
	}                                                                         \
	static struct kobj_attribute name##_attr = __ATTR_RO(name)

VIPI_COUNTER_ATTR(kicks);
VIPI_COUNTER_ATTR(coalesced);
VIPI_COUNTER_ATTR(doorbells);
VIPI_COUNTER_ATTR(fallbacks);

static ssize_t bound_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct vipi_dev *vd;
	ssize_t n;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	n = vd ? sysfs_emit(buf, "1 %s\n", pci_name(vd->pdev)) : sysfs_emit(buf, "0\n");
	rcu_read_unlock();
	return n;
}
static struct kobj_attribute bound_attr = __ATTR_RO(bound);

static ssize_t takeover_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vipi_took_over);
}
static struct kobj_attribute takeover_attr = __ATTR_RO(takeover);

static ssize_t poller_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct vipi_dev *vd;
	ssize_t n;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	if (vd)
		n = sysfs_emit(buf, "state=%s wakeups=%llu takes=%llu\n",
			       READ_ONCE(vd->mbox->hdr.poller_state) ? "sleeping" : "awake",
			       READ_ONCE(vd->mbox->hdr.poller_wakeups),
			       READ_ONCE(vd->mbox->hdr.poller_takes));
	else
		n = sysfs_emit(buf, "none\n");
	rcu_read_unlock();
	return n;
}
static struct kobj_attribute poller_attr = __ATTR_RO(poller);

static ssize_t phase_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t len)
{
	u32 label;
	int ret;

	ret = kstrtou32(buf, 0, &label);
	if (ret)
		return ret;
	return vipi_phase_mark(label) ? len : -ENODEV;
}
static struct kobj_attribute phase_attr = __ATTR_WO(phase);

static struct attribute *vipi_attrs[] = {
	&kicks_attr.attr,    &coalesced_attr.attr, &doorbells_attr.attr, &fallbacks_attr.attr,
	&bound_attr.attr,    &takeover_attr.attr,  &poller_attr.attr,	  &phase_attr.attr,
	NULL,
};

static const struct attribute_group vipi_group = {
	.attrs = vipi_attrs,
};

static int __init vipi_init(void)
{
	int ret;

	vipi_kobj = kobject_create_and_add("vipi", kernel_kobj);
	if (!vipi_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(vipi_kobj, &vipi_group);
	if (ret)
		goto err_kobj;
	ret = vipi_bench_init(vipi_kobj);
	if (ret)
		goto err_kobj;

	vipi_takeover();
	ret = pci_register_driver(&vipi_driver);
	if (ret)
		goto err_giveback;
	pr_info("loaded, takeover %s, device %s\n", vipi_took_over ? "on" : "off",
		rcu_access_pointer(vipi_active) ? "bound" : "absent (native fallback)");
	return 0;

err_giveback:
	vipi_giveback();
	vipi_bench_exit();
err_kobj:
	kobject_put(vipi_kobj);
	return ret;
}

static void __exit vipi_exit(void)
{
	vipi_bench_exit();
	pci_unregister_driver(&vipi_driver);
	vipi_giveback();
	kobject_put(vipi_kobj);
}

module_init(vipi_init);
module_exit(vipi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vipi: exitless IPIs through a VMM mailbox poller");
