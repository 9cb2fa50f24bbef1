// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI bus on a real VM: pci_host_ops on top of the port dispatcher, and
 * the devices on it (the vipi device). Kept apart from pci.c so that unit
 * tests link the bus without KVM. One VM per process: the state is static.
 */
#include "devices/devices.h"
#include "devices/pci.h"
#include "devices/vipi.h"
#include "kvm/io.h"
#include "util/log.h"
#include "util/vipi_config.h"
#include "util/status.h"

static struct {
	struct pci_bus *bus;
	struct vipi_dev *vipi;
} pci_vm;

static int pci_vm_io_register(void *ctx, uint16_t base, uint16_t len, io_fn fn, void *opaque)
{
	return io_register(ctx, IO_PIO, base, len, fn, opaque);
}

static int pci_vm_io_unregister(void *ctx, uint16_t base)
{
	return io_unregister(ctx, IO_PIO, base);
}

static const struct pci_host_ops pci_vm_ops = {
	.io_register = pci_vm_io_register,
	.io_unregister = pci_vm_io_unregister,
};

int pci_init(struct vm *vm, const struct vipi_config *cfg)
{
	pci_vm.bus = pci_bus_create(&pci_vm_ops, vm);
	if (!pci_vm.bus)
		return VIPI_EXIT_SOFTWARE;
	if (!cfg->vipi)
		return 0;
	pci_vm.vipi = vipi_dev_create(vm, pci_vm.bus, cfg);
	if (!pci_vm.vipi) {
		pr_err("vipi-dev: cannot create the device");
		return VIPI_EXIT_SOFTWARE;
	}
	return 0;
}

void pci_fini(void)
{
	if (pci_vm.vipi) {
		/* Only when the guest used it: runs without the module stay quiet. */
		if (vipi_dev_poller_cpu_ns(pci_vm.vipi))
			vipi_dev_report(pci_vm.vipi, "at exit");
		vipi_dev_free(pci_vm.vipi);
		pci_vm.vipi = NULL;
	}
	pci_bus_destroy(pci_vm.bus);
	pci_vm.bus = NULL;
}
