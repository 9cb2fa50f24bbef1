// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: exitless IPIs through a VMM poller. The module's entry points: the
 * sysfs directory first, then the smp_ops takeover, then the PCI driver
 * (a bound device is used by the kick path from its probe on); the reverse
 * on unload. The files: vipi_post.c (the mailbox transport), vipi_smp.c
 * (smp_ops, kick_cpu_async()), vipi_pci.c (the driver), vipi_sysfs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "vipi.h"

static int __init vipi_init(void)
{
	int ret;

	ret = vipi_sysfs_init();
	if (ret)
		return ret;
	vipi_takeover();
	ret = vipi_pci_register();
	if (ret)
		goto err_giveback;
	pr_info("loaded, takeover %s, device %s\n", vipi_took_over() ? "on" : "off",
		vipi_bound() ? "bound" : "absent (native fallback)");
	return 0;

err_giveback:
	vipi_giveback();
	vipi_sysfs_exit();
	return ret;
}

static void __exit vipi_exit(void)
{
	vipi_pci_unregister();
	vipi_giveback();
	vipi_sysfs_exit();
}

module_init(vipi_init);
module_exit(vipi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vipi: exitless IPIs through a VMM mailbox poller");
