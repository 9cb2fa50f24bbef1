// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI bus 0 through configuration mechanism #1 (ports 0xCF8/0xCFC).
 *
 * Every config space is 256 bytes of storage plus a per-byte mask of the
 * bits the guest may change; a write merges through the mask and then the
 * BARs and the command register are normalised and decoding re-evaluated.
 * Nothing the guest writes can make the bus touch memory outside a config
 * space, register a port range outside the I/O window, or take a range that
 * another device already holds: such writes are counted and dropped.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "devices/pci.h"
#include "util/log.h"

#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION_ID		0x08
#define PCI_CACHE_LINE_SIZE	0x0c
#define PCI_LATENCY_TIMER	0x0d
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_STATUS_CAP_LIST	0x10

#define PCI_COMMAND_IO	  0x1
#define PCI_COMMAND_WMASK 0x0547 /* io, mem, master, parity, serr, intx-disable */
#define PCI_BAR_IO	  0x1

#define PCI_ADDR_ENABLE 0x80000000u

struct pci_dev {
	struct pci_bus *bus;
	unsigned int slot;
	const struct pci_dev_ops *ops;
	void *opaque;
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint16_t bar_size[PCI_NR_BARS];
	uint16_t bar_base[PCI_NR_BARS]; /* decoded base, 0 when not decoded */
};

/* What the dispatcher calls for a decoded BAR: one per BAR, fixed address. */
struct pci_bar_ref {
	struct pci_dev *dev;
	unsigned int bar;
};

struct pci_bus {
	const struct pci_host_ops *ops;
	void *ctx;
	GMutex lock; /* config address, config spaces, decode state */
	uint32_t cfg_addr;
	uint16_t next_io;
	struct pci_dev *dev[PCI_MAX_DEVICES];
	struct pci_bar_ref bar_ref[PCI_MAX_DEVICES][PCI_NR_BARS];
	struct pci_bus_stats stats;
};

static void cfg_set16(uint8_t *p, unsigned int off, uint16_t v)
{
	p[off] = v & 0xff;
	p[off + 1] = v >> 8;
}

static void cfg_set32(uint8_t *p, unsigned int off, uint32_t v)
{
	cfg_set16(p, off, v & 0xffff);
	cfg_set16(p, off + 2, v >> 16);
}

static uint32_t cfg_get32(const uint8_t *p, unsigned int off)
{
	return p[off] | p[off + 1] << 8 | p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
}

static void pci_bar_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct pci_bar_ref *ref = opaque;

	ref->dev->ops->bar_io(ref->dev->opaque, ref->bar, off, data, len, write);
}

/* The range BAR would decode at now, or 0. Called with the bus locked. */
static uint16_t pci_bar_wanted(struct pci_dev *dev, unsigned int bar)
{
	uint32_t v = cfg_get32(dev->cfg, PCI_BAR0 + 4 * bar) & ~3u;

	if (!(dev->cfg[PCI_COMMAND] & PCI_COMMAND_IO) || !v)
		return 0;
	/* Below the window are legacy ports (0xCF8 among them): never there. */
	if (v < PCI_IO_WINDOW_BASE || v + dev->bar_size[bar] > PCI_IO_WINDOW_END)
		return 0;
	return v;
}

static void pci_bar_update(struct pci_dev *dev, unsigned int bar)
{
	struct pci_bus *bus = dev->bus;
	uint16_t old = dev->bar_base[bar], want = pci_bar_wanted(dev, bar);
	uint32_t raw = cfg_get32(dev->cfg, PCI_BAR0 + 4 * bar) & ~3u;

	if (!want && raw && (dev->cfg[PCI_COMMAND] & PCI_COMMAND_IO) &&
	    raw != (uint32_t)(uint16_t) ~(dev->bar_size[bar] - 1)) {
		bus->stats.bar_rejected++;
		pr_warn_ratelimited(
			"pci %02x.0: BAR%u at %#x is outside the I/O window, not decoded",
			dev->slot, bar, raw);
	}
	if (want == old)
		return;
	if (old)
		bus->ops->io_unregister(bus->ctx, old);
	dev->bar_base[bar] = 0;
	if (want) {
		if (bus->ops->io_register(bus->ctx, want, dev->bar_size[bar], pci_bar_io,
					  &bus->bar_ref[dev->slot][bar])) {
			bus->stats.bar_rejected++;
			pr_warn_ratelimited("pci %02x.0: BAR%u at %#x overlaps a range in use",
					    dev->slot, bar, want);
			want = 0;
		} else {
			dev->bar_base[bar] = want;
			bus->stats.bar_moves++;
		}
	}
	if (want != old && dev->ops && dev->ops->bar_moved)
		dev->ops->bar_moved(dev->opaque, bar, old, want);
}

static void pci_dev_update(struct pci_dev *dev)
{
	for (unsigned int bar = 0; bar < PCI_NR_BARS; bar++) {
		uint32_t v;

		if (!dev->bar_size[bar])
			continue;
		/* Keep the I/O flag and the size alignment whatever was written. */
		v = cfg_get32(dev->cfg, PCI_BAR0 + 4 * bar);
		v = (v & 0xffff & ~(uint32_t)(dev->bar_size[bar] - 1)) | PCI_BAR_IO;
		cfg_set32(dev->cfg, PCI_BAR0 + 4 * bar, v);
		pci_bar_update(dev, bar);
	}
}

static struct pci_dev *pci_cfg_target(struct pci_bus *bus, unsigned int *reg)
{
	uint32_t a = bus->cfg_addr;
	unsigned int busno = (a >> 16) & 0xff, slot = (a >> 11) & 0x1f, fn = (a >> 8) & 7;

	/* Bits 30:24 (AMD extended registers) are reserved here: no device. */
	if (!(a & PCI_ADDR_ENABLE) || (a & 0x7f000000) || busno || fn || !bus->dev[slot]) {
		bus->stats.cfg_no_device++;
		return NULL;
	}
	*reg = a & 0xfc;
	return bus->dev[slot];
}

void pci_cfg_addr_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct pci_bus *bus = opaque;
	uint32_t v;

	g_mutex_lock(&bus->lock);
	/* Only dword accesses reach the address register, as on a PC chipset. */
	if (off != 0 || len != 4) {
		bus->stats.cfg_bad_access++;
	} else if (write) {
		memcpy(&v, data, 4);
		bus->cfg_addr = v & 0xfffffffc;
	} else {
		memcpy(data, &bus->cfg_addr, 4);
	}
	g_mutex_unlock(&bus->lock);
}

static void pci_cfg_write(struct pci_dev *dev, unsigned int reg, const uint8_t *src,
			  unsigned int len)
{
	bool changed = false;

	for (unsigned int i = 0; i < len; i++) {
		uint8_t m = dev->wmask[reg + i], v = (dev->cfg[reg + i] & ~m) | (src[i] & m);

		if ((src[i] & ~m) != (dev->cfg[reg + i] & ~m))
			dev->bus->stats.cfg_ro_writes++;
		changed |= v != dev->cfg[reg + i];
		dev->cfg[reg + i] = v;
	}
	/* A BAR sizing write may not change a stored byte yet must re-evaluate. */
	if (changed || (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NR_BARS))
		pci_dev_update(dev);
}

void pci_cfg_data_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct pci_bus *bus = opaque;
	struct pci_dev *dev;
	unsigned int reg = 0;

	g_mutex_lock(&bus->lock);
	if (off > 3 || (len != 1 && len != 2 && len != 4) || off + len > 4) {
		bus->stats.cfg_bad_access++;
		dev = NULL;
	} else {
		dev = pci_cfg_target(bus, &reg);
	}
	if (!dev) {
		if (!write)
			memset(data, 0xff, len);
	} else if (write) {
		pci_cfg_write(dev, reg + off, data, len);
	} else {
		memcpy(data, dev->cfg + reg + off, len);
	}
	g_mutex_unlock(&bus->lock);
}

static bool pci_bar_size_ok(uint16_t size)
{
	return !size || (size >= 4 && size <= 256 && !(size & (size - 1)));
}

static struct pci_dev *pci_dev_add(struct pci_bus *bus, unsigned int slot,
				   const struct pci_dev_info *info, const struct pci_dev_ops *ops,
				   void *opaque)
{
	struct pci_dev *dev = g_new0(struct pci_dev, 1);

	dev->bus = bus;
	dev->slot = slot;
	dev->ops = ops;
	dev->opaque = opaque;
	cfg_set16(dev->cfg, PCI_VENDOR_ID, info->vendor_id);
	cfg_set16(dev->cfg, PCI_VENDOR_ID + 2, info->device_id);
	cfg_set32(dev->cfg, PCI_REVISION_ID, info->class_code << 8 | info->revision);
	cfg_set16(dev->cfg, PCI_SUBSYSTEM_VENDOR_ID, info->subsys_vendor_id);
	cfg_set16(dev->cfg, PCI_SUBSYSTEM_VENDOR_ID + 2, info->subsys_id);
	cfg_set16(dev->wmask, PCI_COMMAND, PCI_COMMAND_WMASK);
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_LATENCY_TIMER] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	dev->cfg[PCI_INTERRUPT_LINE] = info->intx_line;
	dev->cfg[PCI_INTERRUPT_PIN] = info->intx_line ? 1 : 0;
	if (info->caps_len) {
		memcpy(dev->cfg + PCI_CAP_OFFSET, info->caps, info->caps_len);
		dev->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
		dev->cfg[PCI_CAPABILITY_LIST] = PCI_CAP_OFFSET;
	}
	for (unsigned int bar = 0; bar < PCI_NR_BARS; bar++) {
		uint16_t size = info->io_bar_size[bar];

		if (!size)
			continue;
		/* Firmware's job: a naturally aligned range in the I/O window. */
		bus->next_io = (bus->next_io + size - 1) & ~(size - 1);
		dev->bar_size[bar] = size;
		cfg_set32(dev->cfg, PCI_BAR0 + 4 * bar, bus->next_io | PCI_BAR_IO);
		cfg_set32(dev->wmask, PCI_BAR0 + 4 * bar, 0xffff & ~(uint32_t)(size - 1));
		bus->next_io += size;
	}
	bus->dev[slot] = dev;
	for (unsigned int bar = 0; bar < PCI_NR_BARS; bar++)
		bus->bar_ref[slot][bar] = (struct pci_bar_ref){ .dev = dev, .bar = bar };
	return dev;
}

int pci_dev_register(struct pci_bus *bus, const struct pci_dev_info *info,
		     const struct pci_dev_ops *ops, void *opaque, struct pci_dev **out)
{
	struct pci_dev *dev = NULL;
	unsigned int slot, need = 0;

	*out = NULL;
	for (unsigned int bar = 0; bar < PCI_NR_BARS; bar++) {
		if (!pci_bar_size_ok(info->io_bar_size[bar])) {
			pr_err("pci: BAR%u size %u is not a power of two in 4..256", bar,
			       info->io_bar_size[bar]);
			return -EINVAL;
		}
		need += info->io_bar_size[bar] ? 256 : 0;
	}
	if (info->caps_len > PCI_CFG_SIZE - PCI_CAP_OFFSET) {
		pr_err("pci: %u bytes of capabilities do not fit", info->caps_len);
		return -EINVAL;
	}
	g_mutex_lock(&bus->lock);
	for (slot = 1; slot < PCI_MAX_DEVICES && bus->dev[slot]; slot++)
		;
	if (slot == PCI_MAX_DEVICES || bus->next_io + need > PCI_IO_WINDOW_END)
		pr_err("pci: bus 0 is full");
	else
		dev = pci_dev_add(bus, slot, info, ops, opaque);
	if (dev) {
		dev->cfg[PCI_COMMAND] |= PCI_COMMAND_IO;
		pci_dev_update(dev);
	}
	g_mutex_unlock(&bus->lock);
	*out = dev;
	return dev ? 0 : -ENOSPC;
}

unsigned int pci_dev_slot(const struct pci_dev *dev)
{
	return dev->slot;
}

uint16_t pci_dev_bar_base(const struct pci_dev *dev, unsigned int bar)
{
	return bar < PCI_NR_BARS ? dev->bar_base[bar] : 0;
}

void pci_bus_get_stats(struct pci_bus *bus, struct pci_bus_stats *stats)
{
	g_mutex_lock(&bus->lock);
	*stats = bus->stats;
	g_mutex_unlock(&bus->lock);
}

int pci_bus_create(const struct pci_host_ops *ops, void *ctx, struct pci_bus **out)
{
	static const struct pci_dev_info host = {
		.vendor_id = PCI_HOST_VENDOR_ID,
		.device_id = PCI_HOST_DEVICE_ID,
		.class_code = 0x060000, /* host bridge: what Linux' conf1 probe looks for */
	};
	struct pci_bus *bus = g_new0(struct pci_bus, 1);
	int ret;

	*out = NULL;
	bus->ops = ops;
	bus->ctx = ctx;
	bus->next_io = PCI_IO_WINDOW_BASE;
	g_mutex_init(&bus->lock);
	pci_dev_add(bus, 0, &host, NULL, NULL);
	ret = ops->io_register(ctx, PCI_CFG_ADDR_PORT, 4, pci_cfg_addr_io, bus);
	if (ret) {
		pr_err("pci: cannot register port %#x: %s", PCI_CFG_ADDR_PORT, strerror(-ret));
		goto err;
	}
	ret = ops->io_register(ctx, PCI_CFG_DATA_PORT, 4, pci_cfg_data_io, bus);
	if (ret) {
		pr_err("pci: cannot register port %#x: %s", PCI_CFG_DATA_PORT, strerror(-ret));
		ops->io_unregister(ctx, PCI_CFG_ADDR_PORT);
		goto err;
	}
	*out = bus;
	return 0;
err:
	g_free(bus->dev[0]);
	g_mutex_clear(&bus->lock);
	g_free(bus);
	return ret;
}

void pci_bus_destroy(struct pci_bus *bus)
{
	if (!bus)
		return;
	bus->ops->io_unregister(bus->ctx, PCI_CFG_DATA_PORT);
	bus->ops->io_unregister(bus->ctx, PCI_CFG_ADDR_PORT);
	for (unsigned int slot = 0; slot < PCI_MAX_DEVICES; slot++) {
		struct pci_dev *dev = bus->dev[slot];

		if (!dev)
			continue;
		for (unsigned int bar = 0; bar < PCI_NR_BARS; bar++)
			if (dev->bar_base[bar])
				bus->ops->io_unregister(bus->ctx, dev->bar_base[bar]);
		g_free(dev);
	}
	g_mutex_clear(&bus->lock);
	g_free(bus);
}
