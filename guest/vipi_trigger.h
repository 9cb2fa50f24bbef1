/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A blocking sysfs trigger, for the bench and test modules: writing to the
 * file runs one request to its end (the write blocks meanwhile and returns
 * the request's error, if any), reading it gives the last request's result
 * line ("none" before the first). One request at a time; a read waits for
 * a running one. Header-only, so that a module using it does not depend on
 * vipi.ko (vipi_stress.ko must not: vipi.ko reloads under its storm).
 *
 *	static int storm_run(const char *buf, char *result, size_t size);
 *	DEFINE_VIPI_TRIGGER(storm_trigger, storm, storm_run);
 *	dir = vipi_trigger_dir("vipi_stress", &storm_trigger);
 */
#ifndef _VIPI_TRIGGER_H
#define _VIPI_TRIGGER_H

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

/* The bench's stream line is over 500 characters at its widest. */
#define VIPI_TRIGGER_RESULT_MAX 1024

struct vipi_trigger {
	struct kobj_attribute attr;
	struct mutex lock; /* one request at a time; guards result */
	/* Runs request BUF; writes its result line into RESULT (SIZE bytes). */
	int (*run)(const char *buf, char *result, size_t size);
	char result[VIPI_TRIGGER_RESULT_MAX];
};

static inline ssize_t vipi_trigger_store(struct kobject *kobj, struct kobj_attribute *attr,
					 const char *buf, size_t len)
{
	struct vipi_trigger *t = container_of(attr, struct vipi_trigger, attr);
	int ret;

	if (mutex_lock_interruptible(&t->lock))
		return -EINTR;
	ret = t->run(buf, t->result, sizeof(t->result));
	mutex_unlock(&t->lock);
	return ret ? ret : len;
}

static inline ssize_t vipi_trigger_show(struct kobject *kobj, struct kobj_attribute *attr,
					char *buf)
{
	struct vipi_trigger *t = container_of(attr, struct vipi_trigger, attr);
	ssize_t n;

	mutex_lock(&t->lock);
	n = sysfs_emit(buf, "%s", t->result);
	mutex_unlock(&t->lock);
	return n;
}

/* A trigger VAR: the file NAME (mode 0644) running RUN. */
#define DEFINE_VIPI_TRIGGER(var, name, fn)                                         \
	static struct vipi_trigger var = {                                         \
		.attr = __ATTR(name, 0644, vipi_trigger_show, vipi_trigger_store), \
		.lock = __MUTEX_INITIALIZER(var.lock),                             \
		.run = fn,                                                         \
		.result = "none\n",                                                \
	}

/* A request of SECONDS: BUF is a decimal number in 1..MAX. */
static inline int vipi_trigger_seconds(const char *buf, unsigned int max, unsigned int *seconds)
{
	int ret;

	ret = kstrtouint(buf, 10, seconds);
	if (ret)
		return ret;
	return *seconds && *seconds <= max ? 0 : -EINVAL;
}

/* /sys/kernel/NAME/ with T's file in it; put it with kobject_put(). */
static inline struct kobject *vipi_trigger_dir(const char *name, struct vipi_trigger *t)
{
	struct kobject *dir;
	int ret;

	dir = kobject_create_and_add(name, kernel_kobj);
	if (!dir)
		return ERR_PTR(-ENOMEM);
	ret = sysfs_create_file(dir, &t->attr.attr);
	if (ret)
		goto err_put;
	return dir;

err_put:
	kobject_put(dir);
	return ERR_PTR(ret);
}

#endif
