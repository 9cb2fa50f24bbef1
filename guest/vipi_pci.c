// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: the PCI driver. Binds the device (1234:5650), hands it a mailbox in
 * guest RAM and publishes it to the kick path; on remove it unpublishes it,
 * disables the device and delivers what is still pending natively.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <asm/smp.h>

#include "vipi.h"

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
static void vipi_drain(struct vipi_drv *vd)
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
		vipi_send_native(cpu, bits);
	}
	preempt_enable();
	if (drained)
		pr_info("delivered %u pending words natively\n", drained);
}

/* Checks the device's ABI and geometry. */
static int vipi_drv_check(struct vipi_drv *vd)
{
	void __iomem *r = vd->regs;
	u32 host;

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
	return 0;
}

static int vipi_drv_enable(struct vipi_drv *vd)
{
	void __iomem *r = vd->regs;
	u32 status;
	u64 gpa;
	int ret;

	ret = vipi_drv_check(vd);
	if (ret)
		return ret;
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

static void vipi_drv_disable(struct vipi_drv *vd)
{
	/* Synchronous: the VMM stops its poller after a last drain. */
	iowrite32(VIPI_CTRL_DISABLE, vd->regs + VIPI_REG_CTRL);
	vipi_drain(vd);
	free_pages_exact(vd->mbox, vd->mbox_size);
	vd->mbox = NULL;
}

static int vipi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vipi_drv *vd;
	int ret;

	if (vipi_bound())
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
	ret = vipi_drv_enable(vd);
	if (ret)
		goto err_unmap;

	pci_set_drvdata(pdev, vd);
	rcu_assign_pointer(vipi_active, vd);
	pci_info(pdev, "bound: %u slots, features %#x, takeover %s\n", vd->nr_slots, vd->features,
		 vipi_took_over() ? "on" : "off");
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
	struct vipi_drv *vd = pci_get_drvdata(pdev);

	RCU_INIT_POINTER(vipi_active, NULL);
	/* No sender posts to the mailbox after this. */
	synchronize_rcu();
	vipi_drv_disable(vd);
	pci_iounmap(pdev, vd->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	kfree(vd);
}

static const struct pci_device_id vipi_ids[] = {
	{ PCI_DEVICE(VIPI_PCI_VENDOR_ID, VIPI_PCI_DEVICE_ID) },
	{ /* end of table */ },
};
MODULE_DEVICE_TABLE(pci, vipi_ids);

static struct pci_driver vipi_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vipi_ids,
	.probe = vipi_probe,
	.remove = vipi_remove,
};

int vipi_pci_register(void)
{
	return pci_register_driver(&vipi_driver);
}

void vipi_pci_unregister(void)
{
	pci_unregister_driver(&vipi_driver);
}
