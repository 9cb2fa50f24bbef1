// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's own count of a vCPU's exits (the binary stat "exits"), to hold the
 * tracepoints' counts against. Only the process that created a VM may ask
 * KVM for a vCPU's stats fd, so another process reads them where the VMM
 * exposes them: libvirt's vcpu.N.exits (QEMU's query-stats), QEMU's own
 * QMP socket, or the stats fds the VMM keeps open (vipi does), copied with
 * pidfd_getfd(). KVM's debugfs has per-VM sums only.
 */
#include <string.h>

#include "util/qmp.h"
#include "kvm/stats.h"
#include "util/log.h"
#include "watch/watch.h"

#define KVMSTAT_QMP_MS 5000

static bool kvmstat_fds(struct watch_target *t, guint64 *exits)
{
	for (guint i = 0; i < t->vcpus->len; i++) {
		const struct watch_vcpu *v = &g_array_index(t->vcpus, struct watch_vcpu, i);
		uint64_t value;

		if (v->stats_fd < 0 || stats_fd_get(v->stats_fd, "exits", &value))
			return false;
		exits[i] = value;
	}
	return t->vcpus->len > 0;
}

static bool kvmstat_qmp(struct watch_target *t, guint64 *exits)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) stats = NULL;

	if (!t->qmp_path)
		return false;
	if (!t->qmp) {
		t->qmp = qmp_connect(t->qmp_path, KVMSTAT_QMP_MS, &err);
		if (!t->qmp) {
			pr_warn("watch: QEMU's QMP socket %s: %s", t->qmp_path, err->message);
			g_clear_pointer(&t->qmp_path, g_free);
			return false;
		}
	}
	stats = qmp_vcpu_stats(t->qmp, &err);
	if (!stats || stats->len != t->vcpus->len)
		return false;
	for (guint i = 0; i < stats->len; i++) {
		guint64 *v = g_hash_table_lookup(g_ptr_array_index(stats, i), "exits");

		if (!v)
			return false;
		exits[i] = *v;
	}
	return true;
}

bool kvmstat_exits(struct watch_target *t, guint64 *exits, const char **source)
{
	if (t->lv && libvirt_vcpu_exits(t, exits)) {
		*source = "libvirt vcpu.N.exits";
		return true;
	}
	if (kvmstat_fds(t, exits)) {
		*source = "the VMM's KVM stats fds";
		return true;
	}
	if (kvmstat_qmp(t, exits)) {
		*source = "QEMU query-stats";
		return true;
	}
	*source = NULL;
	return false;
}
