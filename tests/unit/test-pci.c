// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI bus through its 0xCF8/0xCFC handlers, on a fake port dispatcher
 * that refuses overlapping ranges as io.c does: Linux' type-1 probe, BAR
 * sizing and moves (the device is told, ranges follow), and a hostile guest
 * writing garbage everywhere: identity registers stay, no range leaves the
 * I/O window or overlaps another, the bus counts what it refused.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "devices/pci.h"

#define MAX_RANGES 64

struct range {
	uint16_t base, len;
	io_fn fn;
	void *opaque;
};

struct fake_io {
	struct range r[MAX_RANGES];
	unsigned int n;
};

struct fake_dev {
	unsigned int moves;
	uint16_t last_old, last_new;
	unsigned int ios;
	uint64_t last_off;
};

static int fake_register(void *ctx, uint16_t base, uint16_t len, io_fn fn, void *opaque)
{
	struct fake_io *io = ctx;

	g_assert_cmpuint(len, >, 0);
	for (unsigned int i = 0; i < io->n; i++)
		if (base < io->r[i].base + io->r[i].len && io->r[i].base < base + len)
			return -EEXIST;
	g_assert_cmpuint(io->n, <, MAX_RANGES);
	io->r[io->n++] = (struct range){ base, len, fn, opaque };
	return 0;
}

static int fake_unregister(void *ctx, uint16_t base)
{
	struct fake_io *io = ctx;

	for (unsigned int i = 0; i < io->n; i++) {
		if (io->r[i].base == base) {
			io->r[i] = io->r[--io->n];
			return 0;
		}
	}
	return -ENOENT;
}

static const struct pci_host_ops fake_ops = {
	.io_register = fake_register,
	.io_unregister = fake_unregister,
};

static struct range *fake_find(struct fake_io *io, uint16_t port)
{
	for (unsigned int i = 0; i < io->n; i++)
		if (port >= io->r[i].base && port < io->r[i].base + io->r[i].len)
			return &io->r[i];
	return NULL;
}

/* A port access as a vCPU exit would make it: 0xff.. for unclaimed reads. */
static uint32_t port_io(struct fake_io *io, uint16_t port, unsigned int len, uint32_t v, bool write)
{
	struct range *r = fake_find(io, port);
	uint32_t data = write ? v : 0;

	if (!r)
		return 0xffffffff;
	r->fn(r->opaque, port - r->base, &data, len, write);
	return data;
}

static uint32_t cfg_read(struct fake_io *io, unsigned int slot, unsigned int reg, unsigned int len)
{
	uint32_t mask = len == 4 ? 0xffffffff : (1u << (8 * len)) - 1;

	port_io(io, PCI_CFG_ADDR_PORT, 4, 0x80000000 | slot << 11 | (reg & 0xfc), true);
	return port_io(io, PCI_CFG_DATA_PORT + (reg & 3), len, 0, false) & mask;
}

static void cfg_write(struct fake_io *io, unsigned int slot, unsigned int reg, unsigned int len,
		      uint32_t v)
{
	port_io(io, PCI_CFG_ADDR_PORT, 4, 0x80000000 | slot << 11 | (reg & 0xfc), true);
	port_io(io, PCI_CFG_DATA_PORT + (reg & 3), len, v, true);
}

static void dev_bar_io(void *opaque, unsigned int bar, uint64_t off, void *data, unsigned int len,
		       bool write)
{
	struct fake_dev *d = opaque;

	d->ios++;
	d->last_off = off;
	if (!write)
		memset(data, 0x5a, len);
}

static void dev_bar_moved(void *opaque, unsigned int bar, uint16_t old_base, uint16_t new_base)
{
	struct fake_dev *d = opaque;

	d->moves++;
	d->last_old = old_base;
	d->last_new = new_base;
}

static const struct pci_dev_ops dev_ops = { .bar_io = dev_bar_io, .bar_moved = dev_bar_moved };

static const struct pci_dev_info dev_info = {
	.vendor_id = 0x1234,
	.device_id = 0x5650,
	.class_code = 0xff0000,
	.revision = 1,
	.io_bar_size = { 64 },
};

/* The bus on IO, or NULL: pci_bus_create() returns 0 or -errno. */
static struct pci_bus *bus_new(struct fake_io *io)
{
	struct pci_bus *bus;

	return pci_bus_create(&fake_ops, io, &bus) ? NULL : bus;
}

/* A device with INFO on BUS, or NULL: pci_dev_register() returns 0 or -errno. */
static struct pci_dev *dev_add(struct pci_bus *bus, const struct pci_dev_info *info,
			       struct fake_dev *d)
{
	struct pci_dev *pd;

	return pci_dev_register(bus, info, &dev_ops, d, &pd) ? NULL : pd;
}

static void test_probe(void)
{
	struct fake_io io = { 0 };
	struct pci_bus *bus = bus_new(&io);
	struct pci_bus_stats st;

	g_assert_nonnull(bus);
	/* Linux' pci_check_type1(): a byte at 0xCFB, then the dword read back. */
	port_io(&io, PCI_CFG_ADDR_PORT + 3, 1, 0x01, true);
	port_io(&io, PCI_CFG_ADDR_PORT, 4, 0x80000000, true);
	g_assert_cmphex(port_io(&io, PCI_CFG_ADDR_PORT, 4, 0, false), ==, 0x80000000);
	/* pci_sanity_check(): class host bridge at 00:00.0. */
	g_assert_cmphex(cfg_read(&io, 0, 0x0a, 2), ==, 0x0600);
	g_assert_cmphex(cfg_read(&io, 0, 0x00, 4), ==,
			PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID);
	/* Empty slots read all ones. */
	g_assert_cmphex(cfg_read(&io, 7, 0x00, 4), ==, 0xffffffff);
	pci_bus_get_stats(bus, &st);
	g_assert_cmpuint(st.cfg_bad_access, ==, 1); /* the byte at 0xCFB */
	g_assert_cmpuint(st.cfg_no_device, ==, 1);
	pci_bus_destroy(bus);
	g_assert_cmpuint(io.n, ==, 0);
}

static void test_bar_sizing_and_move(void)
{
	struct fake_io io = { 0 };
	struct fake_dev d = { 0 };
	struct pci_bus *bus = bus_new(&io);
	struct pci_dev *pd = dev_add(bus, &dev_info, &d);
	unsigned int s;
	uint32_t bar;

	g_assert_nonnull(pd);
	s = pci_dev_slot(pd);
	g_assert_cmpuint(s, ==, 1);
	g_assert_cmphex(cfg_read(&io, s, 0, 4), ==, 0x56501234);
	g_assert_cmphex(cfg_read(&io, s, 0x08, 4), ==, 0xff000001);
	bar = cfg_read(&io, s, 0x10, 4);
	g_assert_cmphex(bar & 1, ==, 1);
	g_assert_cmphex(bar & ~3u, ==, PCI_IO_WINDOW_BASE);
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, PCI_IO_WINDOW_BASE);
	g_assert_cmpuint(d.moves, ==, 1);
	g_assert_cmphex(cfg_read(&io, s, 0x04, 2) & 1, ==, 1);

	/* Accesses in the BAR reach the device with BAR-relative offsets. */
	g_assert_cmphex(port_io(&io, PCI_IO_WINDOW_BASE + 8, 4, 0, false), ==, 0x5a5a5a5a);
	g_assert_cmpuint(d.last_off, ==, 8);

	/* Sizing as Linux does it: decode off, all ones, read, restore, decode on. */
	cfg_write(&io, s, 0x04, 2, 0);
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, 0);
	g_assert_cmpuint(d.last_new, ==, 0);
	g_assert_null(fake_find(&io, PCI_IO_WINDOW_BASE));
	cfg_write(&io, s, 0x10, 4, 0xffffffff);
	g_assert_cmphex(cfg_read(&io, s, 0x10, 4), ==, 0xffc1);
	cfg_write(&io, s, 0x10, 4, bar);
	cfg_write(&io, s, 0x04, 2, 1);
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, PCI_IO_WINDOW_BASE);
	g_assert_nonnull(fake_find(&io, PCI_IO_WINDOW_BASE));

	/* A move with decoding on: the old range goes, the new one comes, the device knows. */
	cfg_write(&io, s, 0x10, 4, 0xd041); /* misaligned: the low bits are dropped */
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, 0xd040);
	g_assert_cmphex(d.last_old, ==, PCI_IO_WINDOW_BASE);
	g_assert_cmphex(d.last_new, ==, 0xd040);
	g_assert_null(fake_find(&io, PCI_IO_WINDOW_BASE));
	g_assert_nonnull(fake_find(&io, 0xd040));
	/* Byte-wise moves work too: the high byte alone. */
	cfg_write(&io, s, 0x11, 1, 0xe0);
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, 0xe040);
	pci_bus_destroy(bus);
	g_assert_cmpuint(io.n, ==, 0);
}

static void test_bar_refused(void)
{
	struct fake_io io = { 0 };
	struct fake_dev d1 = { 0 }, d2 = { 0 };
	struct pci_bus *bus = bus_new(&io);
	struct pci_dev *p1 = dev_add(bus, &dev_info, &d1);
	struct pci_dev *p2 = dev_add(bus, &dev_info, &d2);
	struct pci_bus_stats st;

	g_assert_nonnull(p1);
	g_assert_nonnull(p2);
	g_assert_cmpuint(pci_dev_bar_base(p1, 0), !=, pci_dev_bar_base(p2, 0));
	/* Over the config ports: never decoded. */
	cfg_write(&io, pci_dev_slot(p2), 0x10, 4, 0x0cc0);
	g_assert_cmpuint(pci_dev_bar_base(p2, 0), ==, 0);
	g_assert_true(fake_find(&io, PCI_CFG_DATA_PORT)->fn == pci_cfg_data_io);
	/* Over the other device: refused, the other keeps its range. */
	cfg_write(&io, pci_dev_slot(p2), 0x10, 4, pci_dev_bar_base(p1, 0));
	g_assert_cmpuint(pci_dev_bar_base(p2, 0), ==, 0);
	g_assert_cmpuint(pci_dev_bar_base(p1, 0), !=, 0);
	pci_bus_get_stats(bus, &st);
	g_assert_cmpuint(st.bar_rejected, ==, 2);
	pci_bus_destroy(bus);
}

static void test_hostile_config(void)
{
	static const unsigned int lens[] = { 1, 2, 3, 4, 8 };
	struct fake_io io = { 0 };
	struct fake_dev d = { 0 };
	struct pci_bus *bus = bus_new(&io);
	struct pci_dev *pd = dev_add(bus, &dev_info, &d);
	GRand *rnd = g_rand_new_with_seed(4);
	struct pci_bus_stats st;
	uint64_t data; /* the dispatcher's buffer holds up to 8 bytes */

	/* Every offset of every slot, every size, twice over, random values. */
	for (unsigned int round = 0; round < 2; round++) {
		for (unsigned int slot = 0; slot < PCI_MAX_DEVICES; slot++) {
			for (unsigned int reg = 0; reg < PCI_CFG_SIZE; reg++) {
				unsigned int len = lens[g_rand_int_range(rnd, 0, 3)];

				if ((reg & 3) + len <= 4)
					cfg_write(&io, slot, reg, len, g_rand_int(rnd));
				cfg_read(&io, slot, reg, len);
			}
		}
	}
	/* Odd sizes and offsets on both ports, addresses with reserved bits. */
	for (unsigned int i = 0; i < G_N_ELEMENTS(lens); i++) {
		for (unsigned int off = 0; off < 4; off++) {
			data = (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
			if (lens[i] <= 4)
				fake_find(&io, PCI_CFG_ADDR_PORT)
					->fn(bus, off, &data, lens[i], true);
			pci_cfg_data_io(bus, off, &data, lens[i], true);
			pci_cfg_data_io(bus, off, &data, lens[i], false);
		}
	}
	port_io(&io, PCI_CFG_ADDR_PORT, 4, 0x80ff0000 | 1 << 11, true); /* bus 255 */
	g_assert_cmphex(port_io(&io, PCI_CFG_DATA_PORT, 4, 0, false), ==, 0xffffffff);
	port_io(&io, PCI_CFG_ADDR_PORT, 4, 0x81000000 | 1 << 11, true); /* extended bits */
	g_assert_cmphex(port_io(&io, PCI_CFG_DATA_PORT, 4, 0, false), ==, 0xffffffff);
	port_io(&io, PCI_CFG_ADDR_PORT, 4, 0x80000000 | 1 << 11 | 3 << 8, true); /* fn 3 */
	g_assert_cmphex(port_io(&io, PCI_CFG_DATA_PORT, 4, 0, false), ==, 0xffffffff);

	/* Identity survived; every range is inside the window or the config ports. */
	g_assert_cmphex(cfg_read(&io, 0, 0, 4), ==, PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID);
	g_assert_cmphex(cfg_read(&io, 1, 0, 4), ==, 0x56501234);
	g_assert_cmphex(cfg_read(&io, 1, 0x08, 4), ==, 0xff000001);
	g_assert_cmphex(cfg_read(&io, 1, 0x10, 4) & 0xffff003f, ==, 1);
	g_assert_cmphex(cfg_read(&io, 1, 0x14, 4), ==, 0); /* no BAR1 */
	g_assert_cmphex(cfg_read(&io, 1, 0x30, 4), ==, 0); /* no ROM */
	for (unsigned int i = 0; i < io.n; i++) {
		if (io.r[i].base == PCI_CFG_ADDR_PORT || io.r[i].base == PCI_CFG_DATA_PORT)
			continue;
		g_assert_cmpuint(io.r[i].base, >=, PCI_IO_WINDOW_BASE);
		g_assert_cmpuint(io.r[i].base + io.r[i].len, <=, PCI_IO_WINDOW_END);
		g_assert_cmpuint(io.r[i].base, ==, pci_dev_bar_base(pd, 0));
	}
	pci_bus_get_stats(bus, &st);
	g_assert_cmpuint(st.cfg_bad_access, >, 0);
	g_assert_cmpuint(st.cfg_no_device, >, 0);
	g_assert_cmpuint(st.cfg_ro_writes, >, 0);

	/* And the bus still works: put the BAR back and decode. */
	cfg_write(&io, 1, 0x10, 4, 0xc100);
	cfg_write(&io, 1, 0x04, 2, 1);
	g_assert_cmpuint(pci_dev_bar_base(pd, 0), ==, 0xc100);
	g_assert_cmphex(port_io(&io, 0xc100, 4, 0, false), ==, 0x5a5a5a5a);
	g_rand_free(rnd);
	pci_bus_destroy(bus);
	g_assert_cmpuint(io.n, ==, 0);
}

static void test_bus_full(void)
{
	struct fake_io io = { 0 };
	struct pci_bus *bus = bus_new(&io);
	struct pci_dev_info bad = dev_info;
	struct fake_dev d = { 0 };
	struct pci_dev *pd;
	unsigned int n = 0;

	bad.io_bar_size[0] = 48;
	g_assert_cmpint(pci_dev_register(bus, &bad, &dev_ops, &d, &pd), ==, -EINVAL);
	g_assert_null(pd);
	while (!pci_dev_register(bus, &dev_info, &dev_ops, &d, &pd))
		n++;
	g_assert_cmpuint(n, ==, PCI_MAX_DEVICES - 1);
	g_assert_cmpint(pci_dev_register(bus, &dev_info, &dev_ops, &d, &pd), ==, -ENOSPC);
	g_assert_null(pd);
	pci_bus_destroy(bus);
	g_assert_cmpuint(io.n, ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pci/probe", test_probe);
	g_test_add_func("/pci/bar-sizing-and-move", test_bar_sizing_and_move);
	g_test_add_func("/pci/bar-refused", test_bar_refused);
	g_test_add_func("/pci/hostile-config", test_hostile_config);
	g_test_add_func("/pci/bus-full", test_bus_full);
	return g_test_run();
}
