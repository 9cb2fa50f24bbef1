// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU KVM binary stats: the descriptors are read once, the values by
 * pread whenever asked; snapshots of them (and of trace.c's counts) at
 * phase marks; the one-line summary. The JSON report is stats_json.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "kvm/stats_priv.h"
#include "kvm/trace.h"
#include "util/log.h"

static int stats_read_desc(int fd, struct vcpu_stats *s, const struct kvm_stats_header *h)
{
	size_t one = sizeof(struct kvm_stats_desc) + h->name_size;
	g_autofree uint8_t *buf = NULL;

	if (!h->num_desc || h->num_desc > 4096 || !h->name_size || h->name_size > 256)
		return -EINVAL;
	buf = g_malloc(one * h->num_desc);
	if (pread(fd, buf, one * h->num_desc, h->desc_offset) != (ssize_t)(one * h->num_desc))
		return -EIO;
	s->d = g_new0(struct stat_desc, h->num_desc);
	for (unsigned int i = 0; i < h->num_desc; i++) {
		const struct kvm_stats_desc *kd = (const void *)(buf + i * one);
		size_t end = (size_t)kd->offset + (size_t)kd->size * 8;

		s->d[i] = (struct stat_desc){ .name = g_strndup(kd->name, h->name_size),
					      .flags = kd->flags,
					      .size = kd->size,
					      .offset = kd->offset };
		s->n = i + 1;
		if (end > s->data_len)
			s->data_len = end;
	}
	s->data_offset = h->data_offset;
	return 0;
}

int stats_vcpu_init(struct vcpu *v)
{
	struct kvm_stats_header h;
	struct vcpu_stats *s = g_new0(struct vcpu_stats, 1);
	int r;

	v->stats = s;
	r = vcpu_ioctl(v, KVM_GET_STATS_FD, NULL);
	if (r < 0)
		return r;
	v->stats_fd = r;
	if (pread(v->stats_fd, &h, sizeof(h), 0) != sizeof(h)) {
		pr_err("vCPU %u: cannot read the stats header", v->index);
		return -EIO;
	}
	r = stats_read_desc(v->stats_fd, s, &h);
	if (r)
		pr_err("vCPU %u: bad stats descriptors: %s", v->index, g_strerror(-r));
	return r;
}

static void stats_free(struct vcpu_stats *s)
{
	for (unsigned int i = 0; s && i < s->n; i++)
		g_free(s->d[i].name);
	if (s)
		g_free(s->d);
	g_free(s);
}

void stats_vcpu_fini(struct vcpu *v)
{
	if (v->stats_fd >= 0)
		close(v->stats_fd);
	v->stats_fd = -1;
	stats_free(v->stats);
	v->stats = NULL;
}

uint64_t *stats_read_values(struct vcpu *v)
{
	struct vcpu_stats *s = v->stats;
	uint64_t *vals;

	if (!s || v->stats_fd < 0)
		return NULL;
	vals = g_malloc0(s->data_len);
	if (pread(v->stats_fd, vals, s->data_len, s->data_offset) != (ssize_t)s->data_len) {
		g_free(vals);
		return NULL;
	}
	return vals;
}

static const struct stat_desc *stats_find(struct vcpu_stats *s, const char *name)
{
	for (unsigned int i = 0; s && i < s->n; i++)
		if (!strcmp(s->d[i].name, name))
			return &s->d[i];
	return NULL;
}

int stats_fd_get(int stats_fd, const char *name, uint64_t *value)
{
	struct vcpu_stats *s = g_new0(struct vcpu_stats, 1);
	const struct stat_desc *d;
	struct kvm_stats_header h;
	int r = -EIO;

	if (pread(stats_fd, &h, sizeof(h), 0) == sizeof(h))
		r = stats_read_desc(stats_fd, s, &h);
	d = r ? NULL : stats_find(s, name);
	if (!r && !d)
		r = -ENOENT;
	if (d && pread(stats_fd, value, 8, s->data_offset + d->offset) != 8)
		r = -EIO;
	stats_free(s);
	return r;
}

bool stats_vcpu_get(struct vm *vm, unsigned int index, const char *name, uint64_t *value)
{
	const struct stat_desc *d;
	uint64_t v;

	if (index >= vm->nr_vcpus)
		return false;
	d = stats_find(vm->vcpus[index].stats, name);
	if (!d || pread(vm->vcpus[index].stats_fd, &v, 8,
			vm->vcpus[index].stats->data_offset + d->offset) != 8)
		return false;
	*value = v;
	return true;
}

/* The tracefs counts of every vCPU now; NULL without --trace-exits. */
GHashTable **stats_trace_read(struct vm *vm)
{
	g_autofree pid_t *tids = NULL;

	if (!vm->trace)
		return NULL;
	tids = g_new0(pid_t, vm->nr_vcpus);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		tids[i] = atomic_load_explicit(&vm->vcpus[i].tid, memory_order_acquire);
	return trace_read(vm->trace, tids, vm->nr_vcpus);
}

void stats_snapshot_free(void *p)
{
	struct snapshot *s = p;

	for (unsigned int i = 0; i < s->nr_vcpus; i++)
		g_free(s->values[i]);
	g_free(s->values);
	trace_counts_free(s->trace, s->nr_vcpus);
	g_free(s->label);
	g_free(s);
}

/* KVM's exit counter again, after the histograms (TRACE_READ_SKEW). */
static void stats_trace_skew(struct vm *vm, struct snapshot *s)
{
	const struct stat_desc *d;
	uint64_t after;

	for (unsigned int i = 0; s->trace && i < s->nr_vcpus; i++) {
		d = stats_find(vm->vcpus[i].stats, "exits");
		if (d && stats_vcpu_get(vm, i, "exits", &after))
			trace_set_skew(s->trace[i], s->values[i][d->offset / 8], after);
	}
}

int stats_snapshot(struct vm *vm, const char *label)
{
	struct snapshot *s;
	bool full;

	/* The guest triggers these (phase marks): its writes must not grow us without bound. */
	g_mutex_lock(&vm->stats_lock);
	full = vm->snapshots->len >= STATS_MAX_SNAPSHOTS;
	g_mutex_unlock(&vm->stats_lock);
	if (full)
		return -ENOSPC;
	s = g_new0(struct snapshot, 1);
	s->label = g_strdup(label ? label : "");
	s->t_s = (g_get_monotonic_time() - vm->t0_us) / 1e6;
	s->nr_vcpus = vm->nr_vcpus;
	s->values = g_new0(uint64_t *, vm->nr_vcpus);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		s->values[i] = stats_read_values(&vm->vcpus[i]);
		if (!s->values[i]) {
			stats_snapshot_free(s);
			return -EIO;
		}
	}
	s->trace = stats_trace_read(vm);
	stats_trace_skew(vm, s);
	g_mutex_lock(&vm->stats_lock);
	g_ptr_array_add(vm->snapshots, s);
	g_mutex_unlock(&vm->stats_lock);
	return 0;
}

static uint64_t stats_sum(struct vm *vm, const char *name)
{
	uint64_t sum = 0, v;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (stats_vcpu_get(vm, i, name, &v))
			sum += v;
	return sum;
}

char *stats_summary(struct vm *vm, double wall_s)
{
	uint64_t user = vm_exits(vm, VM_EXITS_ALL);

	return g_strdup_printf("%u vCPUs, %.2f s: KVM exits %" G_GUINT64_FORMAT
			       " (io %" G_GUINT64_FORMAT ", mmio %" G_GUINT64_FORMAT
			       ", halt %" G_GUINT64_FORMAT ", irq %" G_GUINT64_FORMAT
			       "), userspace exits %" G_GUINT64_FORMAT,
			       vm->nr_vcpus, wall_s, stats_sum(vm, "exits"),
			       stats_sum(vm, "io_exits"), stats_sum(vm, "mmio_exits"),
			       stats_sum(vm, "halt_exits"), stats_sum(vm, "irq_exits"), user);
}
