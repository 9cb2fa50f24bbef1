// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hist triggers of vipi watch (tracefs.h). Hist triggers soft-enable
 * their event and count in the kernel: nothing goes through a ring buffer,
 * and a read is one file per trigger. What each tracepoint carries on
 * Linux 6.1 (arch/x86/kvm/trace.h, include/trace/events/kvm.h):
 * kvm_apic_ipi(icr_low, dest_id) fires in kvm_apic_send_ipi(), for every
 * ICR write of a vCPU's LAPIC (x2APIC WRMSR 0x830 and xAPIC MMIO alike),
 * not for PV send-IPI; kvm_hypercall(nr, a0..a3) fires for every
 * hypercall. A hist trigger takes at most three keys, so the PV send-IPI's
 * targets (a2, a0) and its vector (a3) are two triggers on one event.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm/trace.h"
#include "kvm/tracefs.h"
#include "util/log.h"
#include "watch/tracefs.h"

struct watch_trigger {
	const char *event;
	const char *keys;  /* with common_pid first */
	const char *extra; /* a condition besides the threads, or NULL */
	trace_name_fn name_of;
};

struct watch_trace {
	char *dir;
	char **texts; /* what was written, per watch_triggers[] entry (NULL: not set) */
};

static const char *key(GHashTable *keys, const char *name)
{
	return g_hash_table_lookup(keys, name);
}

static guint64 num(GHashTable *keys, const char *name)
{
	const char *s = key(keys, name);

	return s ? g_ascii_strtoull(s, NULL, 0) : 0;
}

static char *name_exit(GHashTable *k)
{
	if (!key(k, "isa") || !key(k, "exit_reason"))
		return NULL;
	return trace_exit_name(num(k, "isa"), num(k, "exit_reason"));
}

static char *name_ipi(GHashTable *k)
{
	if (!key(k, "icr_low") || !key(k, "dest_id"))
		return NULL;
	return g_strdup_printf("ipi %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, num(k, "icr_low"),
			       num(k, "dest_id"));
}

static char *name_pvdest(GHashTable *k)
{
	if (!key(k, "a2") || !key(k, "a0"))
		return NULL;
	return g_strdup_printf("pvdest %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, num(k, "a2"),
			       num(k, "a0"));
}

static char *name_pvvec(GHashTable *k)
{
	return key(k, "a3") ? g_strdup_printf("pvvec %" G_GUINT64_FORMAT, num(k, "a3")) : NULL;
}

/* Both kvm_hypercall triggers print into one hist file: each line by its keys. */
static char *name_hypercall(GHashTable *k)
{
	return key(k, "a3") ? name_pvvec(k) : name_pvdest(k);
}

static char *name_wake(GHashTable *k)
{
	return key(k, "waited") ? g_strdup_printf("wake %d", num(k, "waited") != 0) : NULL;
}

static char *name_entry(GHashTable *k)
{
	return key(k, "vcpu_id") ? g_strdup_printf("entry %" G_GUINT64_FORMAT, num(k, "vcpu_id"))
				 : NULL;
}

/* KVM_HC_SEND_IPI is hypercall 10 (include/uapi/linux/kvm_para.h). */
static const struct watch_trigger watch_triggers[] = {
	{ "kvm_exit", "common_pid,isa,exit_reason", NULL, name_exit },
	{ "kvm_apic_ipi", "common_pid,icr_low,dest_id", NULL, name_ipi },
	{ "kvm_hypercall", "common_pid,a2,a0", "nr == 10", name_hypercall },
	{ "kvm_hypercall", "common_pid,a3", "nr == 10", name_hypercall },
	{ "kvm_vcpu_wakeup", "common_pid,waited", NULL, name_wake },
	{ "kvm_entry", "common_pid,vcpu_id", NULL, name_entry },
};

gboolean watch_trace_parse(const char *event, const char *text, const pid_t *tids, unsigned int n,
			   GHashTable **counts)
{
	for (size_t i = 0; i < G_N_ELEMENTS(watch_triggers); i++)
		if (!strcmp(watch_triggers[i].event, event))
			return trace_parse_hist(text, tids, n, counts, watch_triggers[i].name_of);
	return FALSE;
}

static char *watch_trigger_text(const struct watch_trigger *w, const pid_t *tids, unsigned int n)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "hist:keys=%s:vals=hitcount:size=8192 if ", w->keys);
	if (w->extra)
		g_string_append_printf(s, "%s && (", w->extra);
	for (unsigned int i = 0; i < n; i++)
		g_string_append_printf(s, "%scommon_pid == %d", i ? " || " : "", (int)tids[i]);
	if (w->extra)
		g_string_append(s, ")");
	return g_string_free(s, false);
}

/* Every trigger EVENT lists, removed by its own text after a '!'. */
static void watch_remove_listed(const char *dir, const char *event)
{
	g_autofree char *path = g_build_filename(dir, "events", "kvm", event, "trigger", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return;
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		char *active = strstr(*l, " [active]");
		g_autofree char *off = NULL;

		if (!**l || **l == '#')
			continue;
		if (active)
			*active = '\0';
		off = g_strconcat("!", *l, NULL);
		tracefs_trigger_write(dir, event, off);
	}
}

static void watch_remove_dir(const char *dir, char **texts)
{
	for (size_t i = 0; i < G_N_ELEMENTS(watch_triggers); i++) {
		if (texts && texts[i]) {
			g_autofree char *off = g_strconcat("!", texts[i], NULL);

			tracefs_trigger_write(dir, watch_triggers[i].event, off);
		}
		/* What is still there (a stale instance's, or one that did not match). */
		watch_remove_listed(dir, watch_triggers[i].event);
	}
}

/* A stale instance's triggers: whatever its events list. */
static void watch_untrigger(const char *dir)
{
	watch_remove_dir(dir, NULL);
}

struct watch_trace *watch_trace_open(const pid_t *tids, unsigned int n, char **why, int *err)
{
	const char *root = tracefs_root();
	struct watch_trace *t;
	int r = 0;

	*why = NULL;
	if (!root) {
		*err = geteuid() ? -EACCES : -ENOENT;
		*why = g_strdup(
			geteuid() ? "no permission for tracefs (run as root)"
				  : "no tracefs (mount -t tracefs nodev /sys/kernel/tracing)");
		return NULL;
	}
	tracefs_remove_stale(root, "vipi-watch-", watch_untrigger);
	t = g_new0(struct watch_trace, 1);
	t->texts = g_new0(char *, G_N_ELEMENTS(watch_triggers) + 1);
	t->dir = g_strdup_printf("%s/instances/vipi-watch-%d", root, (int)getpid());
	if (mkdir(t->dir, 0700)) {
		r = -errno;
		*why = g_strdup_printf("cannot create %s: %s%s", t->dir, g_strerror(-r),
				       r == -EACCES || r == -EPERM ? " (run as root)" : "");
		*err = r == -EPERM ? -EACCES : r;
		g_free(t->dir);
		g_strfreev(t->texts);
		g_free(t);
		return NULL;
	}
	for (size_t i = 0; !r && i < G_N_ELEMENTS(watch_triggers); i++) {
		char *text = watch_trigger_text(&watch_triggers[i], tids, n);

		r = tracefs_trigger_write(t->dir, watch_triggers[i].event, text);
		if (r) {
			*why = g_strdup_printf("cannot set a hist trigger on kvm:%s: %s%s",
					       watch_triggers[i].event, g_strerror(-r),
					       r == -ENOENT ? " (kvm not loaded?)" : "");
			g_free(text);
		} else {
			t->texts[i] = text;
		}
	}
	if (r) {
		*err = r == -EPERM ? -EACCES : r;
		watch_trace_close(t);
		return NULL;
	}
	return t;
}

const char *watch_trace_dir(const struct watch_trace *t)
{
	return t->dir;
}

void watch_trace_close(struct watch_trace *t)
{
	if (!t)
		return;
	watch_remove_dir(t->dir, t->texts);
	if (rmdir(t->dir))
		pr_warn("watch: cannot remove %s: %s", t->dir, g_strerror(errno));
	g_free(t->dir);
	g_strfreev(t->texts);
	g_free(t);
}

GHashTable **watch_trace_read(struct watch_trace *t, const pid_t *tids, unsigned int n)
{
	GHashTable **counts = g_new0(GHashTable *, n);

	for (unsigned int i = 0; i < n; i++)
		counts[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (size_t i = 0; i < G_N_ELEMENTS(watch_triggers); i++) {
		const struct watch_trigger *w = &watch_triggers[i];
		g_autofree char *path =
			g_build_filename(t->dir, "events", "kvm", w->event, "hist", NULL);
		g_autofree char *text = NULL;

		/* Two triggers on one event share its hist file: read it once. */
		if (i && !strcmp(watch_triggers[i - 1].event, w->event))
			continue;
		if (!g_file_get_contents(path, &text, NULL, NULL) ||
		    !watch_trace_parse(w->event, text, tids, n, counts)) {
			trace_counts_free(counts, n);
			return NULL;
		}
	}
	return counts;
}
