// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile guest against the PCI bus and the vipi device: the input is a
 * sequence of 8-byte operations (config address/data cycles of any size,
 * port accesses around BAR0 wherever the guest put it, and scribbles over
 * guest RAM, mailbox included) run against a fake VM. Any crash, sanitizer
 * report or leak is a bug; so is a port range outside the I/O window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/vipi.h"
#include "util/vipi_config.h"

#define RAM_SIZE   (64u << 10)
#define MAX_RANGES 16

struct range {
	uint16_t base, len;
	io_fn fn;
	void *opaque;
};

struct fake {
	uint8_t *ram[2]; /* GPA [0, 64K) and [64K, 128K) */
	struct range r[MAX_RANGES];
	unsigned int n;
};

static int fake_register(void *ctx, uint16_t base, uint16_t len, io_fn fn, void *opaque)
{
	struct fake *f = ctx;

	for (unsigned int i = 0; i < f->n; i++)
		if (base < f->r[i].base + f->r[i].len && f->r[i].base < base + len)
			return -EEXIST;
	if (f->n == MAX_RANGES)
		return -ENOSPC;
	if (base != PCI_CFG_ADDR_PORT && base != PCI_CFG_DATA_PORT &&
	    (base < PCI_IO_WINDOW_BASE || base + len > PCI_IO_WINDOW_END))
		abort(); /* the bus let a BAR out of its window */
	f->r[f->n++] = (struct range){ base, len, fn, opaque };
	return 0;
}

static int fake_unregister(void *ctx, uint16_t base)
{
	struct fake *f = ctx;

	for (unsigned int i = 0; i < f->n; i++) {
		if (f->r[i].base == base) {
			f->r[i] = f->r[--f->n];
			return 0;
		}
	}
	return -ENOENT;
}

static const struct pci_host_ops host_ops = {
	.io_register = fake_register,
	.io_unregister = fake_unregister,
};

static void *fake_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake *f = ctx;
	uint64_t off = gpa % RAM_SIZE;

	if (gpa >= 2ull * RAM_SIZE || len > RAM_SIZE || off > RAM_SIZE - len)
		return NULL;
	return f->ram[gpa / RAM_SIZE] + off;
}

static unsigned int fake_nr_vcpus(void *ctx)
{
	return 3;
}

static uint32_t fake_apic_id(void *ctx, unsigned int index)
{
	return index * 2; /* gaps: APIC IDs 1 and 3 have no vCPU */
}

static int fake_signal_msi(void *ctx, unsigned int index, uint8_t vector)
{
	if (index >= 3 || (vector != 0xfb && vector != 0xfc && vector != 0xfd))
		abort(); /* the device injected something the guest cannot ask for */
	return 1;
}

static int fake_ioeventfd(void *ctx, uint16_t port, unsigned int len, int64_t dm, int fd)
{
	return 0;
}

static int fake_phase(void *ctx, uint32_t label, uint64_t *userspace_exits)
{
	*userspace_exits = 0;
	return 0;
}

static const struct vipi_ops vipi_ops = {
	.gpa_to_hva = fake_gpa_to_hva,
	.nr_vcpus = fake_nr_vcpus,
	.vcpu_apic_id = fake_apic_id,
	.signal_msi = fake_signal_msi,
	.ioeventfd_add = fake_ioeventfd,
	.ioeventfd_remove = fake_ioeventfd,
	.phase_mark = fake_phase,
};

static void port_io(struct fake *f, uint16_t port, unsigned int len, uint64_t *data, bool write)
{
	for (unsigned int i = 0; i < f->n; i++) {
		struct range *r = &f->r[i];

		/* As io.c: an access must lie wholly inside one range. */
		if (port >= r->base && port + len <= r->base + r->len) {
			r->fn(r->opaque, port - r->base, data, len, write);
			return;
		}
	}
}

static void run_op(struct fake *f, struct pci_dev *pd, const uint8_t *op)
{
	unsigned int len = 1u << (op[1] % 4);
	uint64_t v;

	memcpy(&v, op + 4, 4);
	v |= (uint64_t)op[3] << 32;
	switch (op[0] % 6) {
	case 0: /* config address: a plausible one, or raw bits */
		v = op[0] & 0x80 ? v : 0x80000000u | (op[1] & 0x1f) << 11 | (op[2] & 0xfc);
		port_io(f, PCI_CFG_ADDR_PORT, 4, &v, true);
		break;
	case 1:
	case 2:
		port_io(f, PCI_CFG_DATA_PORT + op[2] % 4, len, &v, op[0] % 6 == 1);
		break;
	case 3:
	case 4:
		port_io(f, pci_dev_bar_base(pd, 0) + op[2] % (VIPI_BAR0_SIZE + 8) - 4, len, &v,
			op[0] % 6 == 3);
		break;
	case 5: /* the guest scribbles over its RAM, the mailbox included */
		f->ram[op[1] & 1][(op[2] << 8 | op[3]) % RAM_SIZE] = op[4];
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vipi_config cfg = { .vipi_spin_us = 10, .vipi_poller_cpu = -1 };
	struct fake f = { 0 };
	struct pci_bus *bus;
	struct vipi_dev *dev;
	struct pci_dev *pd;

	f.ram[0] = calloc(1, RAM_SIZE);
	f.ram[1] = calloc(1, RAM_SIZE);
	if (!f.ram[0] || !f.ram[1] || pci_bus_create(&host_ops, &f, &bus) ||
	    vipi_dev_new(&vipi_ops, &f, &cfg, &dev) || vipi_dev_attach(dev, bus))
		abort();
	pd = vipi_dev_pci(dev);
	for (size_t i = 0; i + 8 <= size; i += 8)
		run_op(&f, pd, data + i);
	vipi_dev_free(dev);
	pci_bus_destroy(bus);
	free(f.ram[0]);
	free(f.ram[1]);
	return 0;
}
