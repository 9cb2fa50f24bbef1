// SPDX-License-Identifier: GPL-2.0-only
/*
 * The modern virtio-pci transport (virtio_pci.h): capabilities, the common
 * configuration registers, ISR, device config and the doorbells' fallback.
 * The common config is a little-endian register file: a read copies from a
 * snapshot of it, a write merges into the snapshot and applies the fields
 * it touched, so any access size the guest uses lands where it should.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/pci.h"
#include "devices/virtio_pci.h"
#include "kvm/vm.h"
#include "util/log.h"

/* struct virtio_pci_common_cfg (virtio 1.x, 4.1.4.3): field offsets. */
enum {
	CC_DFSELECT = 0x00,
	CC_DF = 0x04,
	CC_GFSELECT = 0x08,
	CC_GF = 0x0c,
	CC_MSIX = 0x10,
	CC_NUMQ = 0x12,
	CC_STATUS = 0x14,
	CC_CFGGEN = 0x15,
	CC_Q_SELECT = 0x16,
	CC_Q_SIZE = 0x18,
	CC_Q_MSIX = 0x1a,
	CC_Q_ENABLE = 0x1c,
	CC_Q_NOFF = 0x1e,
	CC_Q_DESCLO = 0x20,
	CC_Q_DESCHI = 0x24,
	CC_Q_AVAILLO = 0x28,
	CC_Q_AVAILHI = 0x2c,
	CC_Q_USEDLO = 0x30,
	CC_Q_USEDHI = 0x34,
};

#define VIRTIO_NO_VECTOR 0xffff
#define VIRTIO_ISR_QUEUE 0x1

/* virtio_pci_cap.cfg_type */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
#define PCI_CAP_ID_VNDR 0x09

struct virtio_pci {
	struct vm *vm; /* NULL: registers only (virtio_pci_new()) */
	struct pci_dev *pdev;
	struct virtio_pci_info info;
	const struct virtio_pci_ops *ops;
	void *opaque;
	GMutex lock;
	uint32_t dfselect, gfselect;
	uint64_t driver_features;
	uint8_t status;
	bool started;
	uint16_t qselect;
	struct virtio_pci_queue q[VIRTIO_PCI_MAX_QUEUES];
	uint16_t notify_base; /* the port doorbells' ioeventfds sit at; 0: none */
};

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static uint64_t get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint8_t *cap_put(uint8_t *p, uint8_t type, uint8_t len, uint32_t off, uint32_t size,
			uint8_t next)
{
	memset(p, 0, len);
	p[0] = PCI_CAP_ID_VNDR;
	p[1] = next;
	p[2] = len;
	p[3] = type;
	p[4] = 0; /* BAR0 */
	put_le(p + 8, off, 4);
	put_le(p + 12, size, 4);
	return p + len;
}

size_t virtio_pci_caps(uint8_t *buf, unsigned int config_len)
{
	uint8_t *p = buf;
	unsigned int at = PCI_CAP_OFFSET;

	p = cap_put(p, CAP_COMMON, 16, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN, at + 16);
	/* The notify cap carries the multiplier after the common fields. */
	cap_put(p, CAP_NOTIFY, 20, VIRTIO_PCI_NOTIFY_OFF,
		VIRTIO_PCI_BAR_SIZE - VIRTIO_PCI_NOTIFY_OFF, at + 36);
	put_le(p + 16, VIRTIO_PCI_NOTIFY_MULT, 4);
	p += 20;
	p = cap_put(p, CAP_ISR, 16, VIRTIO_PCI_ISR_OFF, VIRTIO_PCI_ISR_LEN, at + 52);
	p = cap_put(p, CAP_DEVICE, 16, VIRTIO_PCI_DEVICE_OFF, config_len, 0);
	return p - buf;
}

static struct virtio_pci_queue *vp_queue(struct virtio_pci *vp)
{
	return vp->qselect < vp->info.nr_queues ? &vp->q[vp->qselect] : NULL;
}

static void common_snapshot(struct virtio_pci *vp, uint8_t *c)
{
	const struct virtio_pci_queue *q = vp_queue(vp);

	memset(c, 0, VIRTIO_PCI_COMMON_LEN);
	put_le(c + CC_DFSELECT, vp->dfselect, 4);
	put_le(c + CC_DF, vp->dfselect < 2 ? vp->info.features >> (32 * vp->dfselect) : 0, 4);
	put_le(c + CC_GFSELECT, vp->gfselect, 4);
	put_le(c + CC_GF, vp->gfselect < 2 ? vp->driver_features >> (32 * vp->gfselect) : 0, 4);
	put_le(c + CC_MSIX, VIRTIO_NO_VECTOR, 2);
	put_le(c + CC_NUMQ, vp->info.nr_queues, 2);
	c[CC_STATUS] = vp->status;
	put_le(c + CC_Q_SELECT, vp->qselect, 2);
	put_le(c + CC_Q_MSIX, VIRTIO_NO_VECTOR, 2);
	if (!q)
		return;
	put_le(c + CC_Q_SIZE, q->size, 2);
	put_le(c + CC_Q_ENABLE, q->enabled, 2);
	put_le(c + CC_Q_NOFF, vp->qselect, 2);
	put_le(c + CC_Q_DESCLO, q->desc, 8);
	put_le(c + CC_Q_AVAILLO, q->driver, 8);
	put_le(c + CC_Q_USEDLO, q->device, 8);
}

static void vp_reset(struct virtio_pci *vp)
{
	if (vp->started && vp->ops->stop)
		vp->ops->stop(vp->opaque);
	vp->started = false;
	vp->status = 0;
	vp->driver_features = 0;
	vp->dfselect = vp->gfselect = vp->qselect = 0;
	for (unsigned int i = 0; i < vp->info.nr_queues; i++) {
		struct virtio_pci_queue *q = &vp->q[i];

		q->size = vp->info.queue_max;
		q->enabled = false;
		q->desc = q->driver = q->device = 0;
	}
}

/* The driver's status write: the feature check, the start, a reset. */
static void vp_set_status(struct virtio_pci *vp, uint8_t status)
{
	if (!status) {
		vp_reset(vp);
		return;
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vp->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vp->driver_features & ~vp->info.features) ||
	     !(vp->driver_features & (1ull << VIRTIO_F_VERSION_1))))
		status &= ~VIRTIO_STATUS_FEATURES_OK; /* the driver reads back and gives up */
	vp->status = status;
	if (!(status & VIRTIO_STATUS_DRIVER_OK) || vp->started ||
	    !(status & VIRTIO_STATUS_FEATURES_OK))
		return;
	if (vp->ops->start(vp->opaque, vp->driver_features, vp->q, vp->info.nr_queues))
		vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	else
		vp->started = true;
}

static bool touches(uint64_t off, unsigned int len, unsigned int field, unsigned int size)
{
	return off < field + size && field < off + len;
}

/* Queue fields change only while the queue is off, as the spec says. */
static void common_apply_queue(struct virtio_pci *vp, const uint8_t *c, uint64_t off,
			       unsigned int len)
{
	struct virtio_pci_queue *q = vp_queue(vp);
	uint16_t size;

	if (!q || q->enabled)
		return;
	size = get_le(c + CC_Q_SIZE, 2);
	if (touches(off, len, CC_Q_SIZE, 2) && size && size <= vp->info.queue_max &&
	    !(size & (size - 1)))
		q->size = size;
	if (touches(off, len, CC_Q_DESCLO, 8))
		q->desc = get_le(c + CC_Q_DESCLO, 8);
	if (touches(off, len, CC_Q_AVAILLO, 8))
		q->driver = get_le(c + CC_Q_AVAILLO, 8);
	if (touches(off, len, CC_Q_USEDLO, 8))
		q->device = get_le(c + CC_Q_USEDLO, 8);
	if (touches(off, len, CC_Q_ENABLE, 2) && get_le(c + CC_Q_ENABLE, 2) == 1)
		q->enabled = true;
}

static void common_write(struct virtio_pci *vp, uint64_t off, const void *data, unsigned int len)
{
	uint8_t c[VIRTIO_PCI_COMMON_LEN];

	common_snapshot(vp, c);
	memcpy(c + off, data, len);
	if (touches(off, len, CC_DFSELECT, 4))
		vp->dfselect = get_le(c + CC_DFSELECT, 4);
	if (touches(off, len, CC_GFSELECT, 4))
		vp->gfselect = get_le(c + CC_GFSELECT, 4);
	if (touches(off, len, CC_GF, 4) && vp->gfselect < 2 &&
	    !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
		unsigned int shift = 32 * vp->gfselect;

		vp->driver_features &= ~(0xffffffffull << shift);
		vp->driver_features |= get_le(c + CC_GF, 4) << shift;
	}
	if (touches(off, len, CC_Q_SELECT, 2))
		vp->qselect = get_le(c + CC_Q_SELECT, 2);
	else
		common_apply_queue(vp, c, off, len);
	if (touches(off, len, CC_STATUS, 1))
		vp_set_status(vp, c[CC_STATUS]);
}

/* A doorbell write that reached us (no ioeventfd yet): ring it ourselves. */
static void vp_notify(struct virtio_pci *vp, uint64_t off)
{
	unsigned int index = off / VIRTIO_PCI_NOTIFY_MULT;
	uint64_t one = 1;

	if (off % VIRTIO_PCI_NOTIFY_MULT || index >= vp->info.nr_queues || !vp->started)
		return;
	if (write(vp->q[index].kick_fd, &one, sizeof(one)) < 0)
		pr_warn_ratelimited("virtio-pci: queue %u kick: %s", index, g_strerror(errno));
}

void virtio_pci_bar_io(void *opaque, unsigned int bar, uint64_t off, void *data, unsigned int len,
		       bool write)
{
	struct virtio_pci *vp = opaque;
	uint8_t c[VIRTIO_PCI_COMMON_LEN];

	g_mutex_lock(&vp->lock);
	if (off + len <= VIRTIO_PCI_COMMON_LEN) {
		if (write) {
			common_write(vp, off, data, len);
		} else {
			common_snapshot(vp, c);
			memcpy(data, c + off, len);
		}
	} else if (off >= VIRTIO_PCI_ISR_OFF && off + len <= VIRTIO_PCI_ISR_OFF + 1) {
		if (!write)
			*(uint8_t *)data = vp->started ? VIRTIO_ISR_QUEUE : 0;
	} else if (off >= VIRTIO_PCI_DEVICE_OFF &&
		   off + len <= VIRTIO_PCI_DEVICE_OFF + vp->info.config_len) {
		if (!write)
			vp->ops->config_read(vp->opaque, off - VIRTIO_PCI_DEVICE_OFF, data, len);
	} else if (off >= VIRTIO_PCI_NOTIFY_OFF && write) {
		vp_notify(vp, off - VIRTIO_PCI_NOTIFY_OFF);
	}
	g_mutex_unlock(&vp->lock);
}

/* The doorbells' ioeventfds at BASE (0: none), on, or off. */
static void vp_doorbells(struct virtio_pci *vp, uint16_t base, bool on)
{
	for (unsigned int i = 0; base && i < vp->info.nr_queues; i++) {
		uint16_t port = base + VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * i;
		int r = on ? vm_ioeventfd_add(vp->vm, port, 2, -1, vp->q[i].kick_fd)
			   : vm_ioeventfd_remove(vp->vm, port, 2, -1, vp->q[i].kick_fd);

		if (r)
			pr_warn_ratelimited("virtio-pci: doorbell ioeventfd at %#x: %s", port,
					    g_strerror(-r));
	}
}

/* Called by the bus with its lock held; ours nests inside it. */
static void vp_bar_moved(void *opaque, unsigned int bar, uint16_t old_base, uint16_t new_base)
{
	struct virtio_pci *vp = opaque;

	if (bar)
		return;
	vp_doorbells(vp, vp->notify_base, false);
	vp->notify_base = new_base;
	vp_doorbells(vp, new_base, true);
}

static const struct pci_dev_ops vp_pci_ops = {
	.bar_io = virtio_pci_bar_io,
	.bar_moved = vp_bar_moved,
};

struct virtio_pci *virtio_pci_new(const struct virtio_pci_info *info,
				  const struct virtio_pci_ops *ops, void *opaque)
{
	struct virtio_pci *vp = g_new0(struct virtio_pci, 1);

	vp->info = *info;
	vp->info.nr_queues = MIN(info->nr_queues, VIRTIO_PCI_MAX_QUEUES);
	vp->info.config_len = MIN(info->config_len, VIRTIO_PCI_DEVICE_LEN);
	vp->ops = ops;
	vp->opaque = opaque;
	g_mutex_init(&vp->lock);
	for (unsigned int i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++)
		vp->q[i].kick_fd = vp->q[i].call_fd = -1;
	vp_reset(vp);
	return vp;
}

/* Each queue's kick and call eventfds, the calls bound to INTx. */
static int vp_eventfds(struct virtio_pci *vp)
{
	for (unsigned int i = 0; i < vp->info.nr_queues; i++) {
		struct virtio_pci_queue *q = &vp->q[i];
		int r;

		q->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		q->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (q->kick_fd < 0 || q->call_fd < 0)
			return pr_errno(-errno, "virtio-pci: eventfd");
		r = vm_irqfd_bind(vp->vm, vp->info.intx_line, q->call_fd);
		if (r)
			return pr_errno(r, "virtio-pci: KVM_IRQFD on GSI %u", vp->info.intx_line);
	}
	return 0;
}

int virtio_pci_create(struct vm *vm, struct pci_bus *bus, const struct virtio_pci_info *info,
		      const struct virtio_pci_ops *ops, void *opaque, struct virtio_pci **out)
{
	uint8_t caps[VIRTIO_PCI_CAPS_LEN_MAX];
	struct virtio_pci *vp = virtio_pci_new(info, ops, opaque);
	struct pci_dev_info pinfo = {
		.vendor_id = VIRTIO_PCI_VENDOR_ID,
		.device_id = VIRTIO_PCI_DEVICE_BASE + info->device_type,
		.subsys_vendor_id = VIRTIO_PCI_VENDOR_ID,
		.subsys_id = VIRTIO_PCI_DEVICE_BASE + info->device_type,
		.class_code = info->class_code,
		.revision = 1, /* modern-only devices have revision 1 or more */
		.io_bar_size = { VIRTIO_PCI_BAR_SIZE },
		.intx_line = info->intx_line,
		.caps = caps,
	};
	int r;

	vp->vm = vm;
	pinfo.caps_len = virtio_pci_caps(caps, vp->info.config_len);
	r = vp_eventfds(vp);
	if (!r)
		r = pci_dev_register(bus, &pinfo, &vp_pci_ops, vp, &vp->pdev);
	if (r) {
		virtio_pci_destroy(vp);
		return r;
	}
	*out = vp;
	return 0;
}

/* The bus outlives us only until pci_device's exit; its BAR range goes with it. */
void virtio_pci_destroy(struct virtio_pci *vp)
{
	if (!vp)
		return;
	if (vp->vm)
		vp_doorbells(vp, vp->notify_base, false);
	for (unsigned int i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
		if (vp->q[i].kick_fd >= 0)
			close(vp->q[i].kick_fd);
		if (vp->q[i].call_fd >= 0)
			close(vp->q[i].call_fd);
	}
	g_mutex_clear(&vp->lock);
	g_free(vp);
}
