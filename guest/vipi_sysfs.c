// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi: /sys/kernel/vipi, the counters, the binding, the poller's state and
 * the phase-mark trigger (docs/vipi.md). The bench's vipi_bench.ko adds its
 * files to the same directory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "vipi.h"

static struct kobject *vipi_kobj;

/* The counter at OFFSET in struct vipi_stats, summed over CPUs. */
static ssize_t vipi_counter_emit(char *buf, size_t offset)
{
	struct vipi_stats sum;

	vipi_stats_sum(&sum);
	return sysfs_emit(buf, "%lu\n", *(unsigned long *)((char *)&sum + offset));
}

#define VIPI_COUNTER_ATTR(name)                                                                  \
	static ssize_t name##_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf) \
	{                                                                                        \
		return vipi_counter_emit(buf, offsetof(struct vipi_stats, name));                \
	}                                                                                        \
	static struct kobj_attribute name##_attr = __ATTR_RO(name)

VIPI_COUNTER_ATTR(kicks);
VIPI_COUNTER_ATTR(coalesced);
VIPI_COUNTER_ATTR(doorbells);
VIPI_COUNTER_ATTR(fallbacks);

static ssize_t bound_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct vipi_drv *vd;
	ssize_t n;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	n = vd ? sysfs_emit(buf, "1 %s\n", pci_name(vd->pdev)) : sysfs_emit(buf, "0\n");
	rcu_read_unlock();
	return n;
}
static struct kobj_attribute bound_attr = __ATTR_RO(bound);

static ssize_t takeover_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vipi_took_over());
}
static struct kobj_attribute takeover_attr = __ATTR_RO(takeover);

static ssize_t poller_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct vipi_drv *vd;
	ssize_t n;

	rcu_read_lock();
	vd = rcu_dereference(vipi_active);
	if (vd)
		n = sysfs_emit(buf, "state=%s wakeups=%llu takes=%llu\n",
			       READ_ONCE(vd->mbox->hdr.poller_state) ? "sleeping" : "awake",
			       READ_ONCE(vd->mbox->hdr.poller_wakeups),
			       READ_ONCE(vd->mbox->hdr.poller_takes));
	else
		n = sysfs_emit(buf, "none\n");
	rcu_read_unlock();
	return n;
}
static struct kobj_attribute poller_attr = __ATTR_RO(poller);

static ssize_t phase_store(struct kobject *kobj, struct kobj_attribute *attr, const char *buf,
			   size_t len)
{
	u32 label;
	int ret;

	ret = kstrtou32(buf, 0, &label);
	if (ret)
		return ret;
	return vipi_phase_mark(label) ? len : -ENODEV;
}
static struct kobj_attribute phase_attr = __ATTR_WO(phase);

static struct attribute *vipi_attrs[] = {
	/* counters */
	&kicks_attr.attr,
	&coalesced_attr.attr,
	&doorbells_attr.attr,
	&fallbacks_attr.attr,
	/* state */
	&bound_attr.attr,
	&takeover_attr.attr,
	&poller_attr.attr,
	/* control */
	&phase_attr.attr,
	NULL,
};

static const struct attribute_group vipi_group = {
	.attrs = vipi_attrs,
};

struct kobject *vipi_sysfs_kobj(void)
{
	return vipi_kobj;
}
EXPORT_SYMBOL_GPL(vipi_sysfs_kobj);

int vipi_sysfs_init(void)
{
	int ret;

	vipi_kobj = kobject_create_and_add("vipi", kernel_kobj);
	if (!vipi_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(vipi_kobj, &vipi_group);
	if (ret)
		goto err_put;
	return 0;

err_put:
	kobject_put(vipi_kobj);
	vipi_kobj = NULL;
	return ret;
}

void vipi_sysfs_exit(void)
{
	kobject_put(vipi_kobj);
	vipi_kobj = NULL;
}
