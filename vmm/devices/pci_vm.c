// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI bus on a real VM: pci_host_ops on top of the port dispatcher.
 * Kept apart from pci.c so that unit tests run the bus without a VM.
 */
#include <glib.h>

#include "devices/devices.h"
#include "devices/pci.h"
#include "kvm/io.h"

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

static int pci_init(struct devices *d)
{
	return pci_bus_create(&pci_vm_ops, d->vm, &d->pci);
}

static void pci_exit(struct devices *d)
{
	g_clear_pointer(&d->pci, pci_bus_destroy);
}

const struct device pci_device = {
	.name = "pci",
	.init = pci_init,
	.exit = pci_exit,
};
