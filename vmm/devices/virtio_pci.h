/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A modern (virtio 1.x) virtio-pci transport for devices whose queues a
 * vhost-user backend serves: the VMM emulates the registers, never touches
 * a ring. One 256-port I/O BAR holds the four regions the capabilities
 * point at (common config, ISR, device config, notify). A guest's notify
 * write is a KVM ioeventfd on the queue's kick eventfd; the backend's call
 * eventfd is a KVM irqfd on INTx: neither reaches vipi.
 *
 * INTx, not MSI-X: pin A with an ISA Interrupt Line, edge-triggered on its
 * IOAPIC pin as the MP table wires ISA IRQs (devices/pci.h), so a plain
 * irqfd pulse is one interrupt. The ISR reads "queue" whenever the device
 * runs: interrupts bypass us, and Linux's handler checks each used ring.
 */
#ifndef VIPI_DEVICES_VIRTIO_PCI_H
#define VIPI_DEVICES_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct pci_bus;

#define VIRTIO_PCI_VENDOR_ID   0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040 /* + the virtio device type: modern-only IDs */
#define VIRTIO_PCI_MAX_QUEUES  8

/* BAR0 (I/O, 256 ports): where each region sits. */
#define VIRTIO_PCI_BAR_SIZE	256
#define VIRTIO_PCI_COMMON_OFF	0x00
#define VIRTIO_PCI_COMMON_LEN	0x38
#define VIRTIO_PCI_ISR_OFF	0x3c
#define VIRTIO_PCI_ISR_LEN	4
#define VIRTIO_PCI_DEVICE_OFF	0x40
#define VIRTIO_PCI_DEVICE_LEN	0x40 /* at most; a device says how much it uses */
#define VIRTIO_PCI_NOTIFY_OFF	0x80
#define VIRTIO_PCI_NOTIFY_MULT	2 /* queue N's doorbell: NOTIFY_OFF + 2 * N */
#define VIRTIO_PCI_CAPS_LEN_MAX 0x50

/* Device status bits (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER	  0x02
#define VIRTIO_STATUS_DRIVER_OK	  0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED	  0x80

#define VIRTIO_F_VERSION_1	    32
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX	    29

/* One queue as the driver set it up (guest-physical addresses). */
struct virtio_pci_queue {
	uint16_t size;
	bool enabled;
	uint64_t desc, driver, device;
	int kick_fd, call_fd; /* eventfds: ioeventfd on the doorbell, irqfd on INTx */
};

struct virtio_pci_ops {
	/* Reads LEN bytes at OFF of the device-specific config (bounds checked). */
	void (*config_read)(void *opaque, unsigned int off, void *data, unsigned int len);
	/*
	 * DRIVER_OK: hand FEATURES and the N queues to the backend. 0, or -errno
	 * after one line: the device then reports NEEDS_RESET to the guest.
	 */
	int (*start)(void *opaque, uint64_t features, const struct virtio_pci_queue *q,
		     unsigned int n);
	/* The guest reset a started device: the backend stops its queues. */
	void (*stop)(void *opaque);
};

struct virtio_pci_info {
	uint16_t device_type; /* virtio device ID: 26 for virtio-fs */
	uint32_t class_code;
	uint64_t features; /* offered to the guest (VIRTIO_F_VERSION_1 among them) */
	unsigned int nr_queues;
	uint16_t queue_max;
	unsigned int config_len; /* bytes of device config, <= VIRTIO_PCI_DEVICE_LEN */
	uint8_t intx_line;
};

struct virtio_pci;

/*
 * The vendor capabilities for BAR0's layout, chained from PCI_CAP_OFFSET
 * (common, notify, ISR, device config), into BUF of at least
 * VIRTIO_PCI_CAPS_LEN_MAX bytes; returns their length. Pure, for the tests.
 */
size_t virtio_pci_caps(uint8_t *buf, unsigned int config_len);

/*
 * A device on BUS: its eventfds, its irqfds on INTx, the ioeventfds once
 * its BAR decodes. 0, or -errno after one line.
 */
int virtio_pci_create(struct vm *vm, struct pci_bus *bus, const struct virtio_pci_info *info,
		      const struct virtio_pci_ops *ops, void *opaque, struct virtio_pci **out);
/* Removes the ioeventfds and closes the eventfds (the irqfds go with them). NULL is fine. */
void virtio_pci_destroy(struct virtio_pci *vp);

/* For tests: the register file alone, without a VM or a bus. */
struct virtio_pci *virtio_pci_new(const struct virtio_pci_info *info,
				  const struct virtio_pci_ops *ops, void *opaque);
void virtio_pci_bar_io(void *opaque, unsigned int bar, uint64_t off, void *data, unsigned int len,
		       bool write);

#endif
