// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-fs devices (virtio device type 26), one per share of the config
 * (--rootfs, --rwdir), each a virtio-pci device whose queues one virtiofsd
 * serves over vhost-user. vipi only sets them up: at DRIVER_OK it hands
 * virtiofsd guest RAM (the memfd, VHOST_USER_SET_MEM_TABLE), the rings'
 * addresses and the kick and call eventfds; from then on the guest and
 * virtiofsd talk through RAM, KVM's ioeventfds and irqfds.
 *
 * One virtiofsd per share, not one per run: QEMU 7.2's C virtiofsd serves
 * a single source directory, and a share's daemon can then be read-only
 * where it stands (virtiofsd.h), which the root needs and --rwdir does not.
 */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "devices/devices.h"
#include "devices/vhost_user.h"
#include "devices/virtio_pci.h"
#include "devices/virtiofsd.h"
#include "kvm/vm.h"
#include "util/log.h"
#include "util/vipi_config.h"

#define VIRTIO_ID_FS	  26
#define VIRTIO_FS_TAG_LEN 36
#define VIRTIO_FS_QUEUES  2 /* hiprio and one request queue */
#define VIRTIO_FS_QSIZE	  256
#define VIRTIO_FS_CFG_LEN (VIRTIO_FS_TAG_LEN + 4)
#define VIRTIO_FS_CLASS	  0x018000 /* mass storage, other: as QEMU's vhost-user-fs-pci */
/* ISA IRQ 11: free on this machine (PIT 0, i8042 1, UARTs 3/4, RTC 8). */
#define VIRTIO_FS_INTX 11
/* What the guest may have of what virtiofsd offers: no vhost-user bits. */
#define VIRTIO_FS_FEATURES                                                                         \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |                    \
	 (1ull << VIRTIO_RING_F_EVENT_IDX))

struct virtio_fs_dev {
	struct vm *vm;
	const struct vipi_share *share;
	struct virtiofsd daemon;
	struct virtio_pci *vp;
	char tag[VIRTIO_FS_TAG_LEN];
	unsigned int nr_started;
};

struct virtio_fs {
	struct virtio_fs_dev dev[VIPI_MAX_SHARES];
	unsigned int n;
	int epfd; /* the daemons' pidfds: readable once one has exited */
};

static void fs_config_read(void *opaque, unsigned int off, void *data, unsigned int len)
{
	struct virtio_fs_dev *f = opaque;
	uint8_t cfg[VIRTIO_FS_CFG_LEN] = { 0 };

	memcpy(cfg, f->tag, VIRTIO_FS_TAG_LEN);
	cfg[VIRTIO_FS_TAG_LEN] = VIRTIO_FS_QUEUES - 1; /* le32 num_request_queues */
	if (off + len <= sizeof(cfg))
		memcpy(data, cfg + off, len);
}

/* A ring's part in guest RAM, as our address (the backend translates it). */
static uint64_t fs_ring(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return (uintptr_t)vm_gpa_to_hva(vm, gpa, len);
}

static int fs_start_queue(struct virtio_fs_dev *f, unsigned int i, const struct virtio_pci_queue *q)
{
	uint64_t desc = fs_ring(f->vm, q->desc, 16ull * q->size);
	uint64_t avail = fs_ring(f->vm, q->driver, 6 + 2ull * q->size);
	uint64_t used = fs_ring(f->vm, q->device, 6 + 8ull * q->size);

	if (!desc || !avail || !used) {
		pr_err("virtio-fs %s: queue %u's rings are not in guest RAM", f->tag, i);
		return -EINVAL;
	}
	return vhost_user_set_vring(f->daemon.sock, i, q->size, desc, used, avail, q->kick_fd,
				    q->call_fd);
}

static int fs_start(void *opaque, uint64_t features, const struct virtio_pci_queue *q,
		    unsigned int n)
{
	struct virtio_fs_dev *f = opaque;
	struct vm_ram_region ram[2];
	struct vhost_user_region reg[2];
	int fds[2], nr = vm_ram_regions(f->vm, ram, 2), r;

	for (int i = 0; i < nr; i++) {
		reg[i] = (struct vhost_user_region){ ram[i].gpa, ram[i].size, ram[i].hva,
						     ram[i].offset };
		fds[i] = ram[i].fd;
	}
	r = nr < 0 ? nr : vhost_user_set_u64(f->daemon.sock, VHOST_USER_SET_FEATURES, features);
	if (!r)
		r = vhost_user_set_mem_table(f->daemon.sock, reg, fds, nr);
	for (unsigned int i = 0; !r && i < n; i++) {
		if (!q[i].enabled)
			continue;
		r = fs_start_queue(f, i, &q[i]);
		f->nr_started = i + 1;
	}
	if (r)
		pr_err("virtio-fs %s: virtiofsd would not start the queues: %s", f->tag,
		       g_strerror(-r));
	return r;
}

/* GET_VRING_BASE stops a ring; the backend says where it stopped. */
static void fs_stop(void *opaque)
{
	struct virtio_fs_dev *f = opaque;
	uint32_t base;

	for (unsigned int i = 0; i < f->nr_started; i++)
		if (vhost_user_get_vring_base(f->daemon.sock, i, &base))
			pr_warn_ratelimited("virtio-fs %s: stopping queue %u failed", f->tag, i);
	f->nr_started = 0;
}

static const struct virtio_pci_ops fs_ops = {
	.config_read = fs_config_read,
	.start = fs_start,
	.stop = fs_stop,
};

/* The daemon, what it offers, the device on the bus. */
static int fs_dev_init(struct devices *d, struct virtio_fs_dev *f, unsigned int index)
{
	struct virtio_pci_info info = {
		.device_type = VIRTIO_ID_FS,
		.class_code = VIRTIO_FS_CLASS,
		.nr_queues = VIRTIO_FS_QUEUES,
		.queue_max = VIRTIO_FS_QSIZE,
		.config_len = VIRTIO_FS_CFG_LEN,
		.intx_line = VIRTIO_FS_INTX,
	};
	uint64_t offered = 0;
	int r;

	f->vm = d->vm;
	f->share = &d->cfg->shares[index];
	snprintf(f->tag, sizeof(f->tag), VIPI_SHARE_TAG_FMT, index);
	r = virtiofsd_start(f->share->host, !f->share->writable, &f->daemon);
	if (r)
		return r;
	r = vhost_user_set_u64(f->daemon.sock, VHOST_USER_SET_OWNER, 0);
	if (!r)
		r = vhost_user_get_u64(f->daemon.sock, VHOST_USER_GET_FEATURES, &offered);
	if (r) {
		g_autofree char *why = NULL;

		/* Give a daemon that failed at once the time to be reaped. */
		usleep(100 * 1000);
		if (!virtiofsd_dead(&f->daemon, &why))
			why = g_strdup(g_strerror(-r));
		pr_err("virtiofsd for %s did not start: %s", f->share->host, why);
		return -EIO;
	}
	if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
		pr_err("virtiofsd for %s offers no VIRTIO_F_VERSION_1", f->share->host);
		return -EPROTO;
	}
	info.features = offered & VIRTIO_FS_FEATURES;
	return virtio_pci_create(d->vm, d->pci, &info, &fs_ops, f, &f->vp);
}

static void fs_dev_exit(struct virtio_fs_dev *f)
{
	g_clear_pointer(&f->vp, virtio_pci_destroy);
	virtiofsd_stop(&f->daemon);
}

static void virtio_fs_exit(struct devices *d)
{
	struct virtio_fs *fs = d->fs;

	if (!fs)
		return;
	for (unsigned int i = fs->n; i--;)
		fs_dev_exit(&fs->dev[i]);
	if (fs->epfd >= 0)
		close(fs->epfd);
	g_free(fs);
	d->fs = NULL;
}

static int virtio_fs_init(struct devices *d)
{
	struct virtio_fs *fs;
	int r = 0;

	if (!d->cfg->nr_shares)
		return 0;
	fs = d->fs = g_new0(struct virtio_fs, 1);
	fs->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (fs->epfd < 0)
		r = pr_errno(-errno, "virtio-fs: epoll_create1");
	for (unsigned int i = 0; !r && i < d->cfg->nr_shares; i++) {
		struct virtio_fs_dev *f = &fs->dev[fs->n++];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		r = fs_dev_init(d, f, i);
		if (!r && epoll_ctl(fs->epfd, EPOLL_CTL_ADD, f->daemon.pidfd, &ev))
			r = pr_errno(-errno, "virtio-fs: epoll_ctl");
	}
	if (r)
		virtio_fs_exit(d);
	return r;
}

int virtio_fs_watch_fd(struct virtio_fs *fs)
{
	return fs->epfd;
}

void virtio_fs_watch(struct virtio_fs *fs, struct vm *vm)
{
	for (unsigned int i = 0; i < fs->n; i++) {
		g_autofree char *why = NULL;

		if (virtiofsd_dead(&fs->dev[i].daemon, &why)) {
			vm_end_request(vm, VM_END_CRASH, 0, "virtiofsd serving %s died (%s)",
				       fs->dev[i].share->host, why);
			return;
		}
	}
}

const struct device virtio_fs_device = {
	.name = "virtio-fs",
	.init = virtio_fs_init,
	.exit = virtio_fs_exit,
};
