// SPDX-License-Identifier: GPL-2.0-only
/*
 * A running VMM, found by its process id alone: what any KVM VMM leaves in
 * /proc. KVM names the fds it hands out (anon_inode:kvm-vm,
 * kvm-vcpu:ID, kvm-vcpu-stats:ID, Linux 5.14+), so the vCPUs are known
 * without asking the VMM; their threads are known by name for QEMU ("CPU
 * N/KVM") and vipi ("vcpuN"), and for any other VMM from kvm:kvm_entry's
 * vcpu_id once they run (tracefs.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "util/qmp.h"
#include "util/log.h"
#include "watch/watch.h"

static gint target_vcpu_cmp(gconstpointer a, gconstpointer b)
{
	const struct watch_vcpu *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int target_vcpu_index(const struct watch_target *t, unsigned int apic)
{
	for (guint i = 0; i < t->vcpus->len; i++)
		if (g_array_index(t->vcpus, struct watch_vcpu, i).id == apic)
			return i;
	return -1;
}

/* Copies the VMM's stats fd for vCPU ID (only the holder's mm may create one). */
static int target_take_fd(pid_t pid, int fd)
{
	int pidfd = pidfd_open(pid, 0), copy;

	if (pidfd < 0)
		return -1;
	copy = pidfd_getfd(pidfd, fd, 0);
	close(pidfd);
	return copy;
}

/* One /proc/PID/fd entry: the VM, a vCPU or a vCPU's stats fd. */
static void target_scan_fd(struct watch_target *t, const char *dir, const char *name, bool *vm)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *link = g_file_read_link(path, NULL);
	struct watch_vcpu v = { .stats_fd = -1 };
	unsigned int id;
	int i;

	if (!link)
		return;
	if (!strcmp(link, "anon_inode:kvm-vm"))
		*vm = true;
	if (sscanf(link, "anon_inode:kvm-vcpu:%u", &id) == 1) {
		if (target_vcpu_index(t, id) < 0) {
			v.id = id;
			g_array_append_val(t->vcpus, v);
		}
	} else if (sscanf(link, "anon_inode:kvm-vcpu-stats:%u", &id) == 1) {
		i = target_vcpu_index(t, id);
		if (i < 0) {
			v.id = id;
			g_array_append_val(t->vcpus, v);
			i = t->vcpus->len - 1;
		}
		if (g_array_index(t->vcpus, struct watch_vcpu, i).stats_fd < 0)
			g_array_index(t->vcpus, struct watch_vcpu, i).stats_fd =
				target_take_fd(t->pid, atoi(name));
	}
}

static int target_scan_fds(struct watch_target *t)
{
	g_autofree char *dir = g_strdup_printf("/proc/%d/fd", (int)t->pid);
	g_autoptr(GError) err = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &err);
	const char *name;
	bool vm = false;

	if (!d) {
		int r = g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? -EACCES : -ESRCH;

		pr_err("watch: pid %d: %s", (int)t->pid,
		       r == -EACCES ? "no permission to read its fds (run as root)"
				    : "no such process");
		return r;
	}
	while ((name = g_dir_read_name(d)))
		target_scan_fd(t, dir, name, &vm);
	if (!vm || !t->vcpus->len) {
		pr_err("watch: pid %d (%s) is no KVM VM: it holds %s", (int)t->pid, t->name,
		       vm ? "a KVM VM but no vCPU" : "no KVM VM fd");
		return -ENODEV;
	}
	g_array_sort(t->vcpus, target_vcpu_cmp);
	return 0;
}

/* "CPU 3/KVM" (QEMU's cpu-index) or "vcpu3" (vipi): that vCPU's thread. */
static void target_name_thread(struct watch_target *t, pid_t tid, const char *comm)
{
	unsigned int n;
	int i;

	if (sscanf(comm, "CPU %u/KVM", &n) != 1 && sscanf(comm, "vcpu%u", &n) != 1)
		return;
	i = target_vcpu_index(t, n);
	if (i >= 0)
		g_array_index(t->vcpus, struct watch_vcpu, i).tid = tid;
}

bool target_alive(struct watch_target *t)
{
	g_autofree char *dir = g_strdup_printf("/proc/%d/task", (int)t->pid);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return false;
	g_array_set_size(t->tids, 0);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, "comm", NULL);
		g_autofree char *comm = NULL;
		pid_t tid = atoi(name);

		if (tid <= 0)
			continue;
		g_array_append_val(t->tids, tid);
		if (g_file_get_contents(path, &comm, NULL, NULL))
			target_name_thread(t, tid, g_strchomp(comm));
	}
	return t->tids->len > 0;
}

/* QEMU's "-qmp unix:PATH[,server...]": where its stats can be asked for. */
static char *target_qmp_path(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid), *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return NULL;
	for (gsize off = 0; off < len; off += strlen(text + off) + 1) {
		const char *arg = text + off,
			   *next = off + strlen(arg) + 1 < len ? arg + strlen(arg) + 1 : NULL;

		if (next && !strcmp(arg, "-qmp") && g_str_has_prefix(next, "unix:"))
			return g_strndup(next + 5, strcspn(next + 5, ","));
	}
	return NULL;
}

int target_from_pid(pid_t pid, struct watch_target **out)
{
	g_autofree char *comm_path = g_strdup_printf("/proc/%d/comm", (int)pid);
	struct watch_target *t = g_new0(struct watch_target, 1);
	char *comm = NULL;
	int r;

	t->pid = pid;
	t->kind = "pid";
	t->vcpus = g_array_new(false, true, sizeof(struct watch_vcpu));
	t->tids = g_array_new(false, true, sizeof(pid_t));
	if (pid <= 0 || !g_file_get_contents(comm_path, &comm, NULL, NULL)) {
		pr_err("watch: pid %d: no such process", (int)pid);
		target_free(t);
		return -ESRCH;
	}
	t->name = g_strchomp(comm);
	r = target_scan_fds(t);
	if (!r && !target_alive(t)) {
		pr_err("watch: pid %d ended", (int)pid);
		r = -ESRCH;
	}
	if (r) {
		target_free(t);
		return r;
	}
	t->qmp_path = target_qmp_path(pid);
	*out = t;
	return 0;
}

void target_free(struct watch_target *t)
{
	if (!t)
		return;
	for (guint i = 0; t->vcpus && i < t->vcpus->len; i++) {
		int fd = g_array_index(t->vcpus, struct watch_vcpu, i).stats_fd;

		if (fd >= 0)
			close(fd);
	}
	if (t->lv)
		libvirt_close(t->lv);
	if (t->qmp)
		qmp_close(t->qmp);
	g_clear_pointer(&t->vcpus, g_array_unref);
	g_clear_pointer(&t->tids, g_array_unref);
	g_free(t->name);
	g_free(t->uuid);
	g_free(t->qmp_path);
	g_free(t);
}
