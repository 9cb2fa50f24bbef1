/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PCI bus 0 behind the type-1 configuration ports 0xCF8/0xCFC, with a host
 * bridge at 00:00.0 and single-function devices with I/O BARs. The bus plays
 * firmware: it gives each BAR a port range and turns I/O decoding on, and it
 * follows the guest when it resizes or moves a BAR.
 *
 * The bus reaches the port dispatcher through struct pci_host_ops, so that
 * unit tests run it without a VM; pci_vm.c fills them from io.h.
 */
#ifndef VIPI_DEVICES_PCI_H
#define VIPI_DEVICES_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/io.h"

#define PCI_CFG_ADDR_PORT 0xcf8
#define PCI_CFG_DATA_PORT 0xcfc
#define PCI_CFG_SIZE	  256
#define PCI_NR_BARS	  6
#define PCI_MAX_DEVICES	  32   /* bus 0, function 0 only */
#define PCI_CAP_OFFSET	  0x40 /* where a device's capability list starts */

/* Host bridge identity: same experimental vendor as the vipi device. */
#define PCI_HOST_VENDOR_ID 0x1234
#define PCI_HOST_DEVICE_ID 0x5651

/* Where the bus puts I/O BARs, as PC firmware does: above the legacy ports. */
#define PCI_IO_WINDOW_BASE 0xc000
#define PCI_IO_WINDOW_END  0x10000

struct pci_bus;
struct pci_dev;

struct pci_host_ops {
	int (*io_register)(void *ctx, uint16_t base, uint16_t len, io_fn fn, void *opaque);
	int (*io_unregister)(void *ctx, uint16_t base);
};

struct pci_dev_ops {
	/* An access inside BAR's decoded range; OFF is relative to the BAR. */
	void (*bar_io)(void *opaque, unsigned int bar, uint64_t off, void *data, unsigned int len,
		       bool write);
	/*
	 * BAR's decoded range moved from OLD_BASE to NEW_BASE (0: not decoded),
	 * after the bus re-registered it: a device with an ioeventfd in the BAR
	 * moves it here.
	 */
	void (*bar_moved)(void *opaque, unsigned int bar, uint16_t old_base, uint16_t new_base);
};

struct pci_dev_info {
	uint16_t vendor_id, device_id;
	uint16_t subsys_vendor_id, subsys_id;
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
	/* I/O BAR sizes in bytes: 0 (absent) or a power of two from 4 to 256. */
	uint16_t io_bar_size[PCI_NR_BARS];
	/*
	 * INTx: 0 for none, else pin INTA# with this Interrupt Line, an ISA
	 * IRQ: the MP table has no PCI interrupt entries, so Linux takes the
	 * line register as a PIC-mode PC's BIOS left it.
	 */
	uint8_t intx_line;
	/* Read-only capability list at PCI_CAP_OFFSET (next pointers absolute). */
	const uint8_t *caps;
	uint8_t caps_len;
};

/* What a hostile or confused guest did, counted rather than obeyed. */
struct pci_bus_stats {
	uint64_t cfg_bad_access; /* unaligned, wrong size, or crossing a dword */
	uint64_t cfg_no_device;	 /* config cycle to an empty slot or bus > 0 */
	uint64_t cfg_ro_writes;	 /* writes that hit read-only bits only */
	uint64_t bar_rejected;	 /* BAR placed outside ports or over a range in use */
	uint64_t bar_moves;	 /* decoded ranges registered at a new base */
};

/* The bus with its host bridge and config ports: 0, or -errno after one line. */
int pci_bus_create(const struct pci_host_ops *ops, void *ctx, struct pci_bus **out);
/* Unregisters every decoded BAR and the config ports; frees the bus. */
void pci_bus_destroy(struct pci_bus *bus);

/*
 * Adds a device in the next free slot (1..31), assigns its BARs and enables
 * I/O decoding; OPAQUE is passed to OPS. 0, or after one line -EINVAL (a
 * BAR size is invalid) or -ENOSPC (the bus is full).
 */
int pci_dev_register(struct pci_bus *bus, const struct pci_dev_info *info,
		     const struct pci_dev_ops *ops, void *opaque, struct pci_dev **out);
unsigned int pci_dev_slot(const struct pci_dev *dev);
/* The port BAR decodes at, or 0 when it does not decode. */
uint16_t pci_dev_bar_base(const struct pci_dev *dev, unsigned int bar);

void pci_bus_get_stats(struct pci_bus *bus, struct pci_bus_stats *stats);

/* The 0xCF8 and 0xCFC handlers (io_fn), exposed for tests. */
void pci_cfg_addr_io(void *bus, uint64_t off, void *data, unsigned int len, bool write);
void pci_cfg_data_io(void *bus, uint64_t off, void *data, unsigned int len, bool write);

#endif
