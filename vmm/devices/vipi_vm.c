// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi device on a real VM, the devices table's entry: vipi_ops from
 * vm.h (KVM_SIGNAL_MSI, KVM_IOEVENTFD, RAM lookup) and phase marks from the
 * stats snapshots. Kept apart from vipi.c so that unit tests link the model
 * without KVM.
 */
#include <glib.h>
#include <stdio.h>

#include "devices/devices.h"
#include "devices/vipi.h"
#include "kvm/stats.h"
#include "kvm/vm.h"
#include "util/log.h"
#include "util/vipi_config.h"

static void *vipi_vm_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

static unsigned int vipi_vm_nr_vcpus(void *ctx)
{
	return vm_nr_vcpus(ctx);
}

static uint32_t vipi_vm_apic_id(void *ctx, unsigned int index)
{
	return vm_vcpu_apic_id(ctx, index);
}

static int vipi_vm_signal_msi(void *ctx, unsigned int index, uint8_t vector)
{
	return vm_signal_msi(ctx, index, vector);
}

static int vipi_vm_ioeventfd_add(void *ctx, uint16_t port, unsigned int len, int64_t datamatch,
				 int fd)
{
	return vm_ioeventfd_add(ctx, port, len, datamatch, fd);
}

static int vipi_vm_ioeventfd_remove(void *ctx, uint16_t port, unsigned int len, int64_t datamatch,
				    int fd)
{
	return vm_ioeventfd_remove(ctx, port, len, datamatch, fd);
}

static int vipi_vm_phase_mark(void *ctx, uint32_t label, uint64_t *userspace_exits)
{
	char name[32];

	/* Exits that reached us (KVM_RUN returned), all vCPUs, since the start. */
	*userspace_exits = vm_exits(ctx, VM_EXITS_ALL);
	snprintf(name, sizeof(name), "phase-%u", label);
	return stats_snapshot(ctx, name);
}

static const struct vipi_ops vipi_vm_ops = {
	.gpa_to_hva = vipi_vm_gpa_to_hva,
	.nr_vcpus = vipi_vm_nr_vcpus,
	.vcpu_apic_id = vipi_vm_apic_id,
	.signal_msi = vipi_vm_signal_msi,
	.ioeventfd_add = vipi_vm_ioeventfd_add,
	.ioeventfd_remove = vipi_vm_ioeventfd_remove,
	.phase_mark = vipi_vm_phase_mark,
};

static int vipi_init(struct devices *d)
{
	int r;

	if (!d->cfg->vipi)
		return 0;
	r = vipi_dev_new(&vipi_vm_ops, d->vm, d->cfg, &d->vipi);
	if (!r)
		r = vipi_dev_attach(d->vipi, d->pci);
	if (r) {
		pr_err("vipi-dev: cannot create the device: %s", g_strerror(-r));
		g_clear_pointer(&d->vipi, vipi_dev_free);
	}
	return r;
}

static void vipi_exit(struct devices *d)
{
	/* Only when the guest used it: runs without the module stay quiet. */
	if (d->vipi && vipi_dev_poller_cpu_ns(d->vipi))
		vipi_dev_report(d->vipi, "at exit");
	g_clear_pointer(&d->vipi, vipi_dev_free);
}

const struct device vipi_device = {
	.name = "vipi-dev",
	.init = vipi_init,
	.exit = vipi_exit,
};
