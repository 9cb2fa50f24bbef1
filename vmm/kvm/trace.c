// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU exits by reason from tracefs hist triggers (see trace.h).
 *
 * The triggers live in an instance named vipi-PID, so two runs (or a user's
 * own tracing) never see each other's counts, and removing the instance
 * removes everything we added. An instance left by a vipi that was killed
 * is removed by the next one. Hist triggers soft-enable their event: nothing
 * is written to any ring buffer.
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

#define TRACE_ISA_VMX 1
#define TRACE_ISA_SVM 2

/* One per event; the same text with '!' in front removes the trigger. */
static const char *const trace_exit_trigger =
	"hist:keys=common_pid,isa,exit_reason:vals=hitcount:size=4096";
/* 0x830 is the x2APIC ICR: one write per IPI the guest sends natively. */
static const char *const trace_icr_trigger =
	"hist:keys=common_pid:vals=hitcount:size=1024 if write == 1 && ecx == 2096";

struct vm_trace {
	char *dir; /* .../instances/vipi-PID */
};

struct trace_reason {
	unsigned int code;
	const char *name;
};

/* The exits a guest takes in practice; others print as their number. */
static const struct trace_reason trace_svm[] = {
	{ 0x060, "intr" },
	{ 0x061, "nmi" },
	{ 0x064, "vintr" },
	{ 0x065, "cr0_sel_write" },
	{ 0x06e, "rdtsc" },
	{ 0x089, "wbinvd" },
	{ 0x072, "cpuid" },
	{ 0x077, "pause" },
	{ 0x078, "hlt" },
	{ 0x07b, "io" },
	{ 0x07c, "msr" },
	{ 0x07f, "shutdown" },
	{ 0x081, "vmmcall" },
	{ 0x087, "rdtscp" },
	{ 0x08a, "monitor" },
	{ 0x08b, "mwait" },
	{ 0x08d, "xsetbv" },
	{ 0x400, "npf" },
	{ 0x401, "avic_incomplete_ipi" },
	{ 0x402, "avic_unaccelerated_access" },
};

static const struct trace_reason trace_vmx[] = {
	{ 0, "exception_nmi" },
	{ 1, "external_interrupt" },
	{ 7, "interrupt_window" },
	{ 10, "cpuid" },
	{ 12, "hlt" },
	{ 18, "vmcall" },
	{ 28, "cr_access" },
	{ 30, "io" },
	{ 31, "msr_read" },
	{ 32, "msr_write" },
	{ 36, "mwait" },
	{ 40, "pause" },
	{ 44, "apic_access" },
	{ 45, "eoi_induced" },
	{ 48, "ept_violation" },
	{ 49, "ept_misconfig" },
	{ 52, "preemption_timer" },
	{ 56, "apic_write" },
};

char *trace_exit_name(unsigned int isa, unsigned int reason)
{
	bool svm = isa == TRACE_ISA_SVM;
	const struct trace_reason *t = svm ? trace_svm : trace_vmx;
	size_t n = svm ? G_N_ELEMENTS(trace_svm) : G_N_ELEMENTS(trace_vmx);

	if (!svm && isa != TRACE_ISA_VMX)
		return g_strdup_printf("exits_isa%u_0x%x", isa, reason);
	/* VMX reports the full exit reason; the basic reason is its low 16 bits. */
	if (!svm)
		reason &= 0xffff;
	/* SVM's ranges: CR and DR reads and writes, then exceptions by vector. */
	if (svm && reason < 0x40)
		return g_strdup_printf("exits_%s_%s%u", reason & 0x10 ? "write" : "read",
				       reason & 0x20 ? "dr" : "cr", reason & 0xf);
	if (svm && reason < 0x60)
		return g_strdup_printf("exits_excp_%u", reason - 0x40);
	for (size_t i = 0; i < n; i++)
		if (t[i].code == reason)
			return g_strdup_printf("exits_%s", t[i].name);
	return g_strdup_printf("exits_%s_0x%x", svm ? "svm" : "vmx", reason);
}

static char *trace_exit_entry(GHashTable *keys)
{
	const char *isa = g_hash_table_lookup(keys, "isa");
	const char *reason = g_hash_table_lookup(keys, "exit_reason");

	if (!isa || !reason)
		return NULL;
	return trace_exit_name(g_ascii_strtoull(isa, NULL, 0), g_ascii_strtoull(reason, NULL, 0));
}

static char *trace_icr_entry(GHashTable *keys)
{
	return g_strdup("icr_writes");
}

/* "{ common_pid: 12, isa: 2 }" -> keys; false when it is not that shape. */
static bool trace_parse_keys(const char *s, size_t len, GHashTable *keys)
{
	g_autofree char *body = g_strndup(s, len);
	g_auto(GStrv) pairs = g_strsplit(body, ",", -1);

	for (char **p = pairs; *p; p++) {
		char *colon = strchr(*p, ':');

		if (!colon)
			return false;
		*colon = '\0';
		g_hash_table_replace(keys, g_strdup(g_strstrip(*p)),
				     g_strdup(g_strstrip(colon + 1)));
	}
	return true;
}

static int trace_tid_index(const char *pid, const pid_t *tids, unsigned int n)
{
	char *end;
	guint64 v = pid ? g_ascii_strtoull(pid, &end, 10) : 0;

	if (!pid || end == pid || *end)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		if (tids[i] > 0 && (guint64)tids[i] == v)
			return i;
	return -1;
}

static void trace_add(GHashTable *t, char *name, guint64 n)
{
	guint64 *v = g_hash_table_lookup(t, name);

	if (v) {
		*v += n;
		g_free(name);
		return;
	}
	g_hash_table_insert(t, name, g_memdup2(&n, sizeof(n)));
}

bool trace_parse_hist(const char *text, const pid_t *tids, unsigned int n, GHashTable **counts,
		      trace_name_fn name_of)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	bool totals = false;

	for (char **l = lines; *l; l++) {
		const char *s = *l, *close, *hit;
		g_autoptr(GHashTable) keys = NULL;
		char *name;
		int i;

		if (g_str_has_prefix(g_strstrip(*l), "Dropped:")) {
			totals = true;
			if (g_ascii_strtoull(s + strlen("Dropped:"), NULL, 10))
				return false; /* the table was full: counts would be short */
			continue;
		}
		if (s[0] != '{')
			continue;
		close = strchr(s, '}');
		hit = close ? strstr(close, "hitcount:") : NULL;
		keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		if (!hit || !trace_parse_keys(s + 1, close - s - 1, keys))
			return false;
		i = trace_tid_index(g_hash_table_lookup(keys, "common_pid"), tids, n);
		if (i < 0)
			continue; /* another VM's thread */
		name = name_of(keys);
		if (!name)
			return false;
		trace_add(counts[i], name, g_ascii_strtoull(hit + strlen("hitcount:"), NULL, 10));
	}
	return totals; /* a file without its totals was cut short */
}

/* A trigger is removed by its own text after a '!'. */
static void trace_remove_triggers(const char *dir)
{
	g_autofree char *exit_off = g_strconcat("!", trace_exit_trigger, NULL);
	g_autofree char *icr_off = g_strconcat("!", trace_icr_trigger, NULL);

	/* An instance with triggers on its events cannot be removed. */
	tracefs_trigger_write(dir, "kvm_exit", exit_off);
	tracefs_trigger_write(dir, "kvm_msr", icr_off);
}

struct vm_trace *trace_open(char **why)
{
	const char *root = tracefs_root();
	struct vm_trace *t;
	char name[32];
	int r;

	*why = NULL;
	if (geteuid()) {
		*why = g_strdup("tracefs needs root");
		return NULL;
	}
	if (!root) {
		*why = g_strdup("no tracefs (mount -t tracefs nodev /sys/kernel/tracing)");
		return NULL;
	}
	tracefs_remove_stale(root, "vipi-", trace_remove_triggers);
	snprintf(name, sizeof(name), "vipi-%d", (int)getpid());
	t = g_new0(struct vm_trace, 1);
	t->dir = g_build_filename(root, "instances", name, NULL);
	if (mkdir(t->dir, 0700) && errno != EEXIST) {
		*why = g_strdup_printf("cannot create %s: %s", t->dir, g_strerror(errno));
		g_free(t->dir);
		g_free(t);
		return NULL;
	}
	r = tracefs_trigger_write(t->dir, "kvm_exit", trace_exit_trigger);
	if (!r)
		r = tracefs_trigger_write(t->dir, "kvm_msr", trace_icr_trigger);
	if (r) {
		*why = g_strdup_printf("cannot set a hist trigger on kvm:kvm_exit/kvm_msr: %s%s",
				       g_strerror(-r), r == -ENOENT ? " (kvm not loaded?)" : "");
		trace_close(t);
		return NULL;
	}
	return t;
}

void trace_close(struct vm_trace *t)
{
	if (!t)
		return;
	trace_remove_triggers(t->dir);
	if (rmdir(t->dir))
		pr_warn("trace: cannot remove %s: %s", t->dir, g_strerror(errno));
	g_free(t->dir);
	g_free(t);
}

static bool trace_read_one(struct vm_trace *t, const char *event, const pid_t *tids, unsigned int n,
			   GHashTable **counts, trace_name_fn name_of)
{
	g_autofree char *path = g_build_filename(t->dir, "events", "kvm", event, "hist", NULL);
	g_autofree char *text = NULL;

	return g_file_get_contents(path, &text, NULL, NULL) &&
	       trace_parse_hist(text, tids, n, counts, name_of);
}

void trace_counts_free(GHashTable **counts, unsigned int n)
{
	for (unsigned int i = 0; counts && i < n; i++)
		g_clear_pointer(&counts[i], g_hash_table_unref);
	g_free(counts);
}

void trace_set_skew(GHashTable *counts, uint64_t before, uint64_t after)
{
	guint64 skew = after >= before ? after - before : 0;

	g_hash_table_replace(counts, g_strdup(TRACE_READ_SKEW), g_memdup2(&skew, sizeof(skew)));
}

GHashTable **trace_read(struct vm_trace *t, const pid_t *tids, unsigned int n)
{
	GHashTable **counts;

	if (!t)
		return NULL;
	counts = g_new0(GHashTable *, n);
	for (unsigned int i = 0; i < n; i++)
		counts[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!trace_read_one(t, "kvm_exit", tids, n, counts, trace_exit_entry) ||
	    !trace_read_one(t, "kvm_msr", tids, n, counts, trace_icr_entry)) {
		trace_counts_free(counts, n);
		return NULL;
	}
	return counts;
}
