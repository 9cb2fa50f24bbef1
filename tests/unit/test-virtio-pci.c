// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-pci transport without a VM: the capability list as the PCI
 * bus shows it in config space (walked as Linux's virtio_pci_modern_dev
 * does), and the common-config register file driven as the driver does,
 * with fake device ops that record what the transport asked for.
 */
#include <glib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/virtio_pci.h"

static int fake_register(void *ctx, uint16_t base, uint16_t len, io_fn fn, void *opaque)
{
	return 0;
}

static int fake_unregister(void *ctx, uint16_t base)
{
	return 0;
}

static const struct pci_host_ops fake_host = { fake_register, fake_unregister };

static uint32_t cfg_read(struct pci_bus *bus, unsigned int slot, unsigned int reg, unsigned int len)
{
	uint32_t addr = 0x80000000u | slot << 11 | (reg & ~3u), v = 0;

	pci_cfg_addr_io(bus, 0, &addr, 4, true);
	pci_cfg_data_io(bus, reg & 3, &v, len, false);
	return v;
}

/* Each vendor capability: type, BAR 0, and where its region is in BAR0. */
static void test_caps(void)
{
	uint8_t caps[VIRTIO_PCI_CAPS_LEN_MAX];
	struct pci_dev_info info = { .vendor_id = VIRTIO_PCI_VENDOR_ID,
				     .device_id = 0x105a,
				     .revision = 1,
				     .io_bar_size = { VIRTIO_PCI_BAR_SIZE },
				     .intx_line = 11,
				     .caps = caps };
	const struct {
		uint8_t type, len;
		uint32_t off, size;
	} want[] = { { 1, 16, 0x00, 0x38 },
		     { 2, 20, 0x80, 0x80 },
		     { 3, 16, 0x3c, 4 },
		     { 4, 16, 0x40, 40 } };
	struct pci_bus *bus;
	struct pci_dev *dev;
	unsigned int at, i = 0;
	uint32_t end_prev = 0;

	info.caps_len = virtio_pci_caps(caps, 40);
	g_assert_cmpuint(info.caps_len, ==, 16 + 20 + 16 + 16);
	g_assert_cmpint(pci_bus_create(&fake_host, NULL, &bus), ==, 0);
	g_assert_cmpint(pci_dev_register(bus, &info, NULL, NULL, &dev), ==, 0);
	g_assert_cmpuint(cfg_read(bus, 1, 0x06, 2) & 0x10, ==, 0x10); /* status: cap list */
	g_assert_cmpuint(cfg_read(bus, 1, 0x3c, 1), ==, 11);	      /* interrupt line */
	g_assert_cmpuint(cfg_read(bus, 1, 0x3d, 1), ==, 1);	      /* INTA# */
	g_assert_cmpuint(cfg_read(bus, 1, 0x08, 1), ==, 1);	      /* revision: modern */
	for (at = cfg_read(bus, 1, 0x34, 1); at; at = cfg_read(bus, 1, at + 1, 1), i++) {
		g_assert_cmpuint(i, <, G_N_ELEMENTS(want));
		g_assert_cmpuint(at % 4, ==, 0);
		g_assert_cmpuint(cfg_read(bus, 1, at, 1), ==, 0x09); /* vendor-specific */
		g_assert_cmpuint(cfg_read(bus, 1, at + 2, 1), ==, want[i].len);
		g_assert_cmpuint(cfg_read(bus, 1, at + 3, 1), ==, want[i].type);
		g_assert_cmpuint(cfg_read(bus, 1, at + 4, 1), ==, 0); /* BAR0 */
		g_assert_cmpuint(cfg_read(bus, 1, at + 8, 4), ==, want[i].off);
		g_assert_cmpuint(cfg_read(bus, 1, at + 12, 4), ==, want[i].size);
		g_assert_cmpuint(want[i].off + want[i].size, <=, VIRTIO_PCI_BAR_SIZE);
		if (want[i].type == 2) /* notify_off_multiplier */
			g_assert_cmpuint(cfg_read(bus, 1, at + 16, 4), ==, VIRTIO_PCI_NOTIFY_MULT);
	}
	g_assert_cmpuint(i, ==, G_N_ELEMENTS(want));
	/* The regions do not overlap: common, ISR, device, notify in BAR order. */
	for (unsigned int k = 0; k < 4; k++) {
		static const unsigned int order[] = { 0, 2, 3, 1 };

		g_assert_cmpuint(want[order[k]].off, >=, end_prev);
		end_prev = want[order[k]].off + want[order[k]].size;
	}
	/* Every queue's doorbell fits in the notify region. */
	g_assert_cmpuint(VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * VIRTIO_PCI_MAX_QUEUES, <=,
			 VIRTIO_PCI_BAR_SIZE);
	pci_bus_destroy(bus);
}

struct fake_fs {
	unsigned int starts, stops;
	uint64_t features;
	struct virtio_pci_queue q[2];
	int start_ret;
};

static void fake_config(void *opaque, unsigned int off, void *data, unsigned int len)
{
	memset(data, 0xa0 + off, len);
}

static int fake_start(void *opaque, uint64_t features, const struct virtio_pci_queue *q,
		      unsigned int n)
{
	struct fake_fs *f = opaque;

	f->starts++;
	f->features = features;
	memcpy(f->q, q, sizeof(f->q));
	return f->start_ret;
}

static void fake_stop(void *opaque)
{
	((struct fake_fs *)opaque)->stops++;
}

static const struct virtio_pci_ops fake_ops = { fake_config, fake_start, fake_stop };

static uint32_t rd(struct virtio_pci *vp, unsigned int off, unsigned int len)
{
	uint32_t v = 0;

	virtio_pci_bar_io(vp, 0, off, &v, len, false);
	return v;
}

static void wr(struct virtio_pci *vp, unsigned int off, uint32_t v, unsigned int len)
{
	virtio_pci_bar_io(vp, 0, off, &v, len, true);
}

static const struct virtio_pci_info fs_info = {
	.device_type = 26,
	.features = (1ull << 32) | (1ull << 29),
	.nr_queues = 2,
	.queue_max = 256,
	.config_len = 40,
};

/* The driver's sequence (virtio 1.x 3.1.1), as Linux's virtio_pci_modern does it. */
static void test_common(void)
{
	struct fake_fs f = { 0 };
	struct virtio_pci *vp = virtio_pci_new(&fs_info, &fake_ops, &f);

	g_assert_cmpuint(rd(vp, 0x12, 2), ==, 2); /* num_queues */
	wr(vp, 0x00, 1, 4);
	g_assert_cmpuint(rd(vp, 0x04, 4), ==, 1); /* features 63:32: VERSION_1 */
	wr(vp, 0x00, 0, 4);
	g_assert_cmpuint(rd(vp, 0x04, 4), ==, 1u << 29);
	wr(vp, 0x14, 1 | 2, 1);
	/* Without VERSION_1 accepted, FEATURES_OK does not stick. */
	wr(vp, 0x08, 0, 4);
	wr(vp, 0x0c, 1u << 29, 4);
	wr(vp, 0x14, 1 | 2 | 8, 1);
	g_assert_cmpuint(rd(vp, 0x14, 1) & 8, ==, 0);
	/* Not offered: refused too. */
	wr(vp, 0x08, 1, 4);
	wr(vp, 0x0c, 1 | 2, 4);
	wr(vp, 0x14, 1 | 2 | 8, 1);
	g_assert_cmpuint(rd(vp, 0x14, 1) & 8, ==, 0);
	wr(vp, 0x0c, 1, 4);
	wr(vp, 0x14, 1 | 2 | 8, 1);
	g_assert_cmpuint(rd(vp, 0x14, 1), ==, 1 | 2 | 8);
	/* Queue 1: size, the rings in two 32-bit halves, notify offset, enable. */
	wr(vp, 0x16, 1, 2);
	g_assert_cmpuint(rd(vp, 0x18, 2), ==, 256);
	wr(vp, 0x18, 100, 2); /* not a power of two: kept at 256 */
	g_assert_cmpuint(rd(vp, 0x18, 2), ==, 256);
	wr(vp, 0x18, 128, 2);
	wr(vp, 0x20, 0x1000, 4);
	wr(vp, 0x24, 0x1, 4);
	wr(vp, 0x28, 0x2000, 4);
	wr(vp, 0x30, 0x3000, 4);
	g_assert_cmpuint(rd(vp, 0x1e, 2), ==, 1);
	g_assert_cmpuint(rd(vp, 0x1a, 2), ==, 0xffff); /* no MSI-X vector */
	wr(vp, 0x1c, 1, 2);
	wr(vp, 0x18, 64, 2); /* enabled: frozen */
	g_assert_cmpuint(rd(vp, 0x18, 2), ==, 128);
	g_assert_cmpuint(rd(vp, 0x3c, 1), ==, 0); /* ISR: not running yet */
	wr(vp, 0x14, 1 | 2 | 8 | 4, 1);
	g_assert_cmpuint(f.starts, ==, 1);
	g_assert_cmpuint(f.features, ==, 1ull << 32 | 1ull << 29);
	g_assert_true(f.q[1].enabled && !f.q[0].enabled);
	g_assert_cmpuint(f.q[1].size, ==, 128);
	g_assert_cmpuint(f.q[1].desc, ==, 0x100001000ull);
	g_assert_cmpuint(f.q[1].driver, ==, 0x2000);
	g_assert_cmpuint(f.q[1].device, ==, 0x3000);
	g_assert_cmpuint(rd(vp, 0x3c, 1), ==, 1);
	/* Device config through the ops, bounded by its length. */
	g_assert_cmpuint(rd(vp, 0x40 + 36, 4), ==, 0xc4c4c4c4);
	g_assert_cmpuint(rd(vp, 0x40 + 40, 4), ==, 0);
	/* Reset: the backend stops, the registers are back to their defaults. */
	wr(vp, 0x14, 0, 1);
	g_assert_cmpuint(f.stops, ==, 1);
	g_assert_cmpuint(rd(vp, 0x14, 1), ==, 0);
	wr(vp, 0x16, 1, 2);
	g_assert_cmpuint(rd(vp, 0x1c, 2), ==, 0);
	g_assert_cmpuint(rd(vp, 0x18, 2), ==, 256);
	virtio_pci_destroy(vp);
}

/* A backend that cannot start makes the device ask for a reset. */
static void test_start_fails(void)
{
	struct fake_fs f = { .start_ret = -5 };
	struct virtio_pci *vp = virtio_pci_new(&fs_info, &fake_ops, &f);

	wr(vp, 0x08, 1, 4);
	wr(vp, 0x0c, 1, 4);
	wr(vp, 0x14, 1 | 2 | 8 | 4, 1);
	g_assert_cmpuint(rd(vp, 0x14, 1) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
	wr(vp, 0x14, 0, 1);
	g_assert_cmpuint(f.stops, ==, 0); /* never started: nothing to stop */
	/* Out-of-range queue select reads as an absent queue. */
	wr(vp, 0x16, 7, 2);
	g_assert_cmpuint(rd(vp, 0x18, 2), ==, 0);
	virtio_pci_destroy(vp);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtio-pci/caps", test_caps);
	g_test_add_func("/virtio-pci/common", test_common);
	g_test_add_func("/virtio-pci/start-fails", test_start_fails);
	return g_test_run();
}
