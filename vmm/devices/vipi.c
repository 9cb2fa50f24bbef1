// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi device model: BAR0 registers, mailbox validation, enable and
 * disable, and the place of the doorbell ioeventfd. The poller thread is in
 * vipi_poller.c.
 *
 * Every register access from the guest is checked; anything outside the
 * ABI (docs/abi.md, "Invalid requests") is ignored, counted in the ERRORS
 * register and logged at a limited rate. Nothing the guest writes can make
 * the poller read outside the one RAM slot holding the mailbox.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "devices/vipi_priv.h"
#include "util/log.h"
#include "util/shared.h"
#include "util/vipi_config.h"

#define VIPI_HOST_FEATURES_BASE (VIPI_F_MAILBOX | VIPI_F_DOORBELL)

static uint32_t vipi_host_features(const struct vipi_dev *dev)
{
	return VIPI_HOST_FEATURES_BASE | (dev->ops->phase_mark ? VIPI_F_PHASE : 0);
}

static uint64_t vipi_errors(struct vipi_dev *dev)
{
	struct vipi_counters c;

	vipi_dev_get_counters(dev, &c);
	return c.invalid_class + c.invalid_slot + c.invalid_mbox + c.invalid_reg;
}

static void vipi_bad_reg(struct vipi_dev *dev, const char *what, uint64_t off, uint32_t v)
{
	vipi_count(dev, invalid_reg, 1);
	pr_warn_ratelimited("vipi-dev: %s at BAR0+%#llx (value %#x) ignored", what,
			    (unsigned long long)off, v);
}

/* The mailbox the guest asks for, or NULL with the reason counted. */
static struct vipi_mbox *vipi_mbox_map(struct vipi_dev *dev)
{
	uint64_t gpa = (uint64_t)dev->mbox_hi << 32 | dev->mbox_lo;
	uint64_t size = VIPI_MBOX_SIZE(dev->nr_slots);
	struct vipi_mbox *mb;
	const char *why;

	if (!gpa || gpa % VIPI_MBOX_ALIGN) {
		why = "not page-aligned";
	} else if (!(mb = dev->ops->gpa_to_hva(dev->ctx, gpa, size))) {
		why = "not inside one RAM slot";
	} else if (shared_read(&mb->hdr.magic) != VIPI_MAGIC) {
		why = "without the magic";
	} else {
		return mb;
	}
	vipi_count(dev, invalid_mbox, 1);
	pr_warn_ratelimited("vipi-dev: mailbox at %#llx (+%llu) %s: refused",
			    (unsigned long long)gpa, (unsigned long long)size, why);
	return NULL;
}

static void vipi_enable(struct vipi_dev *dev)
{
	if (dev->status & VIPI_STATUS_ENABLED) {
		vipi_bad_reg(dev, "ENABLE while enabled", VIPI_REG_CTRL, VIPI_CTRL_ENABLE);
		return;
	}
	dev->status = 0;
	if ((dev->guest_features & ~vipi_host_features(dev)) ||
	    (dev->guest_features & VIPI_HOST_FEATURES_BASE) != VIPI_HOST_FEATURES_BASE) {
		dev->status = VIPI_STATUS_BAD_FEATURES;
		vipi_bad_reg(dev, "ENABLE with bad features", VIPI_REG_GUEST_FEATURES,
			     dev->guest_features);
		return;
	}
	dev->mbox = vipi_mbox_map(dev);
	if (!dev->mbox) {
		dev->status = VIPI_STATUS_BAD_MBOX;
		return;
	}
	if (vipi_poller_start(dev)) {
		dev->mbox = NULL;
		return;
	}
	dev->status = VIPI_STATUS_ENABLED;
	pr_debug("vipi-dev: enabled, mailbox at %#x%08x, %u slots", dev->mbox_hi, dev->mbox_lo,
		 dev->nr_slots);
}

uint64_t vipi_poller_cpu_now(struct vipi_dev *dev)
{
	struct timespec ts;
	clockid_t clk;

	if (!dev->poller_running || pthread_getcpuclockid(dev->poller, &clk) ||
	    clock_gettime(clk, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void vipi_disable(struct vipi_dev *dev)
{
	if (!(dev->status & VIPI_STATUS_ENABLED)) {
		dev->status = 0;
		return;
	}
	dev->poller_cpu_done += vipi_poller_cpu_now(dev);
	vipi_poller_stop(dev);
	dev->mbox = NULL;
	dev->status = 0;
}

static void vipi_reg_write(struct vipi_dev *dev, uint64_t off, uint32_t v)
{
	bool enabled = dev->status & VIPI_STATUS_ENABLED;

	switch (off) {
	case VIPI_REG_GUEST_FEATURES:
	case VIPI_REG_MBOX_LO:
	case VIPI_REG_MBOX_HI:
		/* Moving the mailbox under a running poller is not allowed. */
		if (enabled) {
			vipi_bad_reg(dev, "write while enabled", off, v);
			return;
		}
		if (off == VIPI_REG_GUEST_FEATURES)
			dev->guest_features = v;
		else if (off == VIPI_REG_MBOX_LO)
			dev->mbox_lo = v;
		else
			dev->mbox_hi = v;
		return;
	case VIPI_REG_CTRL:
		if (v == VIPI_CTRL_ENABLE)
			vipi_enable(dev);
		else if (v == VIPI_CTRL_DISABLE)
			vipi_disable(dev);
		else
			vipi_bad_reg(dev, "unknown CTRL command", off, v);
		return;
	case VIPI_REG_DOORBELL:
		/* Only when the ioeventfd is missing: it is counted, and still works. */
		vipi_count(dev, userspace_doorbells, 1);
		if (enabled) {
			uint64_t one = 1;

			if (write(dev->doorbell_fd, &one, sizeof(one)) != sizeof(one))
				pr_warn_ratelimited("vipi-dev: doorbell eventfd: %s",
						    strerror(errno));
		}
		return;
	case VIPI_REG_PHASE:
		if (!dev->ops->phase_mark) {
			vipi_bad_reg(dev, "phase mark not offered", off, v);
			return;
		}
		vipi_phase_mark(dev, v);
		return;
	default:
		vipi_bad_reg(dev, "write to a read-only or reserved register", off, v);
	}
}

static uint32_t vipi_reg_read(struct vipi_dev *dev, uint64_t off)
{
	switch (off) {
	case VIPI_REG_MAGIC:
		return VIPI_MAGIC;
	case VIPI_REG_VERSION:
		return VIPI_ABI_VERSION;
	case VIPI_REG_HOST_FEATURES:
		return vipi_host_features(dev);
	case VIPI_REG_GUEST_FEATURES:
		return dev->guest_features;
	case VIPI_REG_MBOX_LO:
		return dev->mbox_lo;
	case VIPI_REG_MBOX_HI:
		return dev->mbox_hi;
	case VIPI_REG_CTRL:
		return dev->status;
	case VIPI_REG_NR_SLOTS:
		return dev->nr_slots;
	case VIPI_REG_MBOX_SIZE:
		return VIPI_MBOX_SIZE(dev->nr_slots);
	case VIPI_REG_ERRORS:
		return (uint32_t)vipi_errors(dev);
	case VIPI_REG_SPIN_US:
		return dev->spin_us;
	}
	return 0; /* write-only and reserved registers read as zero */
}

void vipi_bar_io(void *opaque, unsigned int bar, uint64_t off, void *data, unsigned int len,
		 bool write)
{
	struct vipi_dev *dev = opaque;
	uint32_t v = 0;

	if (bar != 0 || len != 4 || off % 4 || off >= VIPI_BAR0_SIZE) {
		if (write && len <= sizeof(v))
			memcpy(&v, data, len);
		vipi_bad_reg(dev, write ? "bad write" : "bad read", off, v);
		return; /* reads were zeroed by the dispatcher */
	}
	g_mutex_lock(&dev->lock);
	if (write) {
		memcpy(&v, data, 4);
		vipi_reg_write(dev, off, v);
	} else {
		v = vipi_reg_read(dev, off);
		memcpy(data, &v, 4);
	}
	g_mutex_unlock(&dev->lock);
}

void vipi_bar_moved(void *opaque, unsigned int bar, uint16_t old_base, uint16_t new_base)
{
	struct vipi_dev *dev = opaque;
	int r;

	if (bar != 0)
		return;
	g_mutex_lock(&dev->lock);
	if (dev->doorbell_port) {
		dev->ops->ioeventfd_remove(dev->ctx, dev->doorbell_port, 4, -1, dev->doorbell_fd);
		dev->doorbell_port = 0;
	}
	if (new_base) {
		r = dev->ops->ioeventfd_add(dev->ctx, new_base + VIPI_REG_DOORBELL, 4, -1,
					    dev->doorbell_fd);
		if (r)
			/* Still correct, only slower: the write comes to vipi_bar_io. */
			pr_warn("vipi-dev: no ioeventfd for the doorbell at %#x: %s",
				new_base + VIPI_REG_DOORBELL, strerror(-r));
		else
			dev->doorbell_port = new_base + VIPI_REG_DOORBELL;
	}
	g_mutex_unlock(&dev->lock);
}

static const struct pci_dev_ops vipi_pci_ops = {
	.bar_io = vipi_bar_io,
	.bar_moved = vipi_bar_moved,
};

int vipi_dev_attach(struct vipi_dev *dev, struct pci_bus *bus)
{
	/* Its own subsystem IDs: the device is its own board. */
	static const struct pci_dev_info info = { .vendor_id = VIPI_PCI_VENDOR_ID,
						  .device_id = VIPI_PCI_DEVICE_ID,
						  .subsys_vendor_id = VIPI_PCI_VENDOR_ID,
						  .subsys_id = VIPI_PCI_DEVICE_ID,
						  .class_code = VIPI_PCI_CLASS,
						  .revision = VIPI_PCI_REVISION,
						  .io_bar_size = { VIPI_BAR0_SIZE } };

	return pci_dev_register(bus, &info, &vipi_pci_ops, dev, &dev->pci);
}

struct pci_dev *vipi_dev_pci(struct vipi_dev *dev)
{
	return dev->pci;
}

static bool vipi_map_slots(struct vipi_dev *dev)
{
	unsigned int n = dev->ops->nr_vcpus(dev->ctx);

	for (unsigned int s = 0; s < VIPI_MAX_SLOTS; s++)
		dev->slot_vcpu[s] = VIPI_NO_VCPU;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t apic = dev->ops->vcpu_apic_id(dev->ctx, i);

		/* MSIs in physical mode address 8-bit APIC IDs. */
		if (apic >= VIPI_MAX_SLOTS) {
			pr_err("vipi-dev: vCPU %u has APIC ID %u, beyond what the device serves", i,
			       apic);
			return false;
		}
		dev->slot_vcpu[apic] = i;
		if (apic + 1 > dev->nr_slots)
			dev->nr_slots = apic + 1;
	}
	return n > 0;
}

int vipi_dev_new(const struct vipi_ops *ops, void *ctx, const struct vipi_config *cfg,
		 struct vipi_dev **out)
{
	struct vipi_dev *dev = g_new0(struct vipi_dev, 1);
	int r = -EINVAL;

	*out = NULL;
	dev->ops = ops;
	dev->ctx = ctx;
	dev->spin_us = MIN(cfg->vipi_spin_us, VIPI_SPIN_US_MAX);
	dev->poller_cpu = cfg->vipi_poller_cpu;
	dev->sandbox = cfg->sandbox;
	g_mutex_init(&dev->lock);
	dev->doorbell_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dev->doorbell_fd < 0 || dev->stop_fd < 0)
		r = pr_errno(-errno, "vipi-dev: eventfd");
	else if (vipi_map_slots(dev))
		r = 0;
	if (r)
		vipi_dev_free(dev);
	else
		*out = dev;
	return r;
}

void vipi_dev_free(struct vipi_dev *dev)
{
	if (!dev)
		return;
	g_mutex_lock(&dev->lock);
	vipi_disable(dev);
	if (dev->doorbell_port)
		dev->ops->ioeventfd_remove(dev->ctx, dev->doorbell_port, 4, -1, dev->doorbell_fd);
	g_mutex_unlock(&dev->lock);
	if (dev->doorbell_fd >= 0)
		close(dev->doorbell_fd);
	if (dev->stop_fd >= 0)
		close(dev->stop_fd);
	g_mutex_clear(&dev->lock);
	g_free(dev);
}

void vipi_dev_get_counters(struct vipi_dev *dev, struct vipi_counters *c)
{
	uint64_t *dst = (uint64_t *)c;

	for (size_t i = 0; i < G_N_ELEMENTS(dev->cnt); i++)
		dst[i] = atomic_load_explicit(&dev->cnt[i], memory_order_relaxed);
}

bool vipi_dev_enabled(struct vipi_dev *dev)
{
	bool on;

	g_mutex_lock(&dev->lock);
	on = dev->status & VIPI_STATUS_ENABLED;
	g_mutex_unlock(&dev->lock);
	return on;
}

pid_t vipi_dev_poller_tid(struct vipi_dev *dev)
{
	return atomic_load_explicit(&dev->poller_tid, memory_order_acquire);
}

/* The poller's CPU time over all its lives (the clock behind /proc/self/task/TID/stat). */
uint64_t vipi_dev_poller_cpu_ns(struct vipi_dev *dev)
{
	uint64_t ns;

	g_mutex_lock(&dev->lock);
	ns = dev->poller_cpu_done + vipi_poller_cpu_now(dev);
	g_mutex_unlock(&dev->lock);
	return ns;
}

void vipi_dev_report(struct vipi_dev *dev, const char *when)
{
	struct vipi_counters c;
	uint64_t cpu = vipi_dev_poller_cpu_ns(dev);
	unsigned int pending;
	bool asleep;

	vipi_dev_get_counters(dev, &c);
	g_mutex_lock(&dev->lock);
	pending = vipi_poller_pending(dev);
	asleep = dev->mbox && shared_read(&dev->mbox->hdr.poller_state) == VIPI_POLLER_SLEEPING;
	g_mutex_unlock(&dev->lock);
	pr_info("vipi-dev %s: poller_cpu_ms=%.3f taken=%llu injected=%llu coalesced=%llu "
		"inject_errors=%llu sleeps=%llu wakeups=%llu userspace_doorbells=%llu "
		"invalid=%llu pending_slots=%u%s",
		when, cpu / 1e6, (unsigned long long)c.words_taken,
		(unsigned long long)c.injections, (unsigned long long)c.inject_coalesced,
		(unsigned long long)c.inject_errors, (unsigned long long)c.sleeps,
		(unsigned long long)c.wakeups, (unsigned long long)c.userspace_doorbells,
		(unsigned long long)(c.invalid_class + c.invalid_slot + c.invalid_mbox +
				     c.invalid_reg),
		pending, asleep ? " poller=sleeping" : "");
}
