// SPDX-License-Identifier: GPL-2.0-only
/*
 * From two snapshots of the histograms to one interval's figures per vCPU
 * (interval.h): exits by reason, IPIs by sender, target and vector class,
 * the exits they cost the sender, the halt wake-ups on the targets.
 *
 * ICR decoding (Intel SDM vol. 3 10.6.1, x2APIC 10.12.9): vector bits 0-7,
 * delivery mode 8-10 (fixed 0, lowest priority 1; others are NMI, INIT,
 * SIPI: class "other"), logical destination bit 11, shorthand 18-19
 * (self, all, all but self). A physical destination is an APIC ID; a
 * logical one in x2APIC mode is cluster << 16 | a bit per APIC ID in it
 * (Linux's xAPIC flat mode: one bit per CPU, cluster 0: the same decoding).
 */
#include <stdio.h>
#include <string.h>

#include "kvm/trace.h"
#include "watch/interval.h"

enum watch_class watch_class_of(unsigned int vector)
{
	switch (vector) {
	case WATCH_VEC_RESCHEDULE:
		return WATCH_RESCHEDULE;
	case WATCH_VEC_CALL_FUNCTION:
		return WATCH_CALL_FUNCTION;
	case WATCH_VEC_CALL_FUNCTION_SINGLE:
		return WATCH_CALL_FUNCTION_SINGLE;
	case WATCH_VEC_IRQ_WORK:
		return WATCH_IRQ_WORK;
	case WATCH_VEC_LOCAL_TIMER:
		return WATCH_TIMER;
	default:
		return WATCH_OTHER;
	}
}

const char *watch_class_name(enum watch_class c)
{
	static const char *const names[] = { "reschedule", "call_function", "call_function_single",
					     "irq_work",   "timer",	    "other" };

	return c < WATCH_CLASSES ? names[c] : "other";
}

static void watch_add_target(GArray *out, int index)
{
	g_array_append_val(out, index);
}

GArray *watch_icr_targets(const struct watch_target *t, int sender, guint32 icr_low,
			  guint32 dest_id)
{
	GArray *out = g_array_new(false, false, sizeof(int));
	unsigned int shorthand = (icr_low >> 18) & 3, nv = t->vcpus->len;
	bool logical = icr_low & (1u << 11);

	if (shorthand == 1 || (shorthand && nv == 0)) {
		watch_add_target(out, sender);
	} else if (shorthand) {
		for (unsigned int i = 0; i < nv; i++)
			if (shorthand == 2 || (int)i != sender)
				watch_add_target(out, i);
	} else if (!logical && (dest_id == 0xffffffffu || dest_id == 0xff)) {
		for (unsigned int i = 0; i < nv; i++)
			watch_add_target(out, i);
	} else if (!logical) {
		watch_add_target(out, target_vcpu_index(t, dest_id));
	} else {
		for (unsigned int b = 0; b < 16; b++)
			if (dest_id & (1u << b))
				watch_add_target(out,
						 target_vcpu_index(t, (dest_id >> 16) * 16 + b));
	}
	return out;
}

static guint64 watch_get(GHashTable *t, const char *name)
{
	guint64 *v = t ? g_hash_table_lookup(t, name) : NULL;

	return v ? *v : 0;
}

/* The vCPU index of thread TID (by name, else by kvm_entry in RAW), or -1. */
static int watch_thread_vcpu(const struct watch_target *t, pid_t tid, GHashTable *raw)
{
	GHashTableIter it;
	gpointer k, v;
	int best = -1;
	guint64 most = 0;

	for (guint i = 0; i < t->vcpus->len; i++)
		if (g_array_index(t->vcpus, struct watch_vcpu, i).tid == tid)
			return i;
	g_hash_table_iter_init(&it, raw);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		unsigned int id;

		if (sscanf(k, "entry %u", &id) == 1 && *(guint64 *)v > most) {
			most = *(guint64 *)v;
			best = target_vcpu_index(t, id);
		}
	}
	return best;
}

static void watch_pair_add(struct watch_interval *iv, int src, int dst, enum watch_class c,
			   guint64 n)
{
	unsigned int d = dst < 0 ? iv->nv : (unsigned int)dst;

	iv->pairs[((guint)src * (iv->nv + 1) + d) * WATCH_CLASSES + c] += n;
	iv->v[src].sent[c] += n;
	if (dst >= 0)
		iv->v[dst].received += n;
}

static void watch_on_icr(struct watch_interval *iv, const struct watch_target *t, int src,
			 const char *name, guint64 n)
{
	guint32 icr, dest;
	g_autoptr(GArray) to = NULL;
	enum watch_class c;

	if (sscanf(name, "ipi %u %u", &icr, &dest) != 2)
		return;
	iv->v[src].icr_writes += n;
	c = ((icr >> 8) & 7) <= 1 ? watch_class_of(icr & 0xff) : WATCH_OTHER;
	to = watch_icr_targets(t, src, icr, dest);
	for (guint i = 0; i < to->len; i++)
		watch_pair_add(iv, src, g_array_index(to, int, i), c, n);
}

/*
 * A PV send-IPI's targets are a2 + each bit of a0; its vector (a3) is in
 * another histogram, so the targets take the sender's one class over the
 * interval, or "other" when it sent several.
 */
static void watch_on_pv(struct watch_interval *iv, const struct watch_target *t, int src,
			const char *name, guint64 n, enum watch_class c)
{
	guint64 min, map;

	if (sscanf(name, "pvdest %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &min, &map) != 2)
		return;
	for (unsigned int b = 0; b < 64; b++)
		if (map & (1ull << b))
			watch_pair_add(iv, src, target_vcpu_index(t, min + b), c, n);
}

/* The class of SRC's PV send-IPIs over the interval (see watch_on_pv). */
static enum watch_class watch_pv_class(GHashTable *a, GHashTable *b, guint64 *calls)
{
	GHashTableIter it;
	gpointer k, v;
	int cls = -1;

	*calls = 0;
	g_hash_table_iter_init(&it, b);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		guint64 icr, n = *(guint64 *)v - watch_get(a, k);

		if (!n || sscanf(k, "pvvec %" G_GUINT64_FORMAT, &icr) != 1)
			continue;
		*calls += n;
		if (cls < 0)
			cls = watch_class_of(icr & 0xff);
		else if (cls != (int)watch_class_of(icr & 0xff))
			cls = WATCH_OTHER;
	}
	return cls < 0 ? WATCH_OTHER : (enum watch_class)cls;
}

static void watch_add_exit(struct watch_fig *f, const char *name, guint64 n)
{
	guint64 *v = g_hash_table_lookup(f->exits, name);

	if (!v) {
		v = g_new0(guint64, 1);
		g_hash_table_insert(f->exits, g_strdup(name), v);
	}
	*v += n;
	f->traced += n;
}

/* Thread I's counts between A and B into vCPU SRC's figures. */
static void watch_thread(struct watch_interval *iv, const struct watch_target *t, int src,
			 GHashTable *a, GHashTable *b)
{
	GHashTableIter it;
	gpointer k, v;
	guint64 calls;
	enum watch_class pvc = watch_pv_class(a, b, &calls);

	iv->v[src].pv_calls += calls;
	g_hash_table_iter_init(&it, b);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *name = k;
		guint64 n = *(guint64 *)v - watch_get(a, name);

		if (!n)
			continue;
		if (g_str_has_prefix(name, "exits_"))
			watch_add_exit(&iv->v[src], name, n);
		else if (g_str_has_prefix(name, "ipi "))
			watch_on_icr(iv, t, src, name, n);
		else if (g_str_has_prefix(name, "pvdest "))
			watch_on_pv(iv, t, src, name, n, pvc);
		else if (!strcmp(name, "wake 1"))
			iv->v[src].wake_wait += n;
		else if (!strcmp(name, "wake 0"))
			iv->v[src].wake_poll += n;
	}
}

struct watch_interval *watch_interval_new(const struct watch_target *t, const pid_t *tids,
					  unsigned int nt, const struct watch_snap *a,
					  const struct watch_snap *b)
{
	struct watch_interval *iv = g_new0(struct watch_interval, 1);
	unsigned int nv = t->vcpus->len;

	iv->nv = nv;
	iv->seconds = (b->t_us - a->t_us) / 1e6;
	iv->v = g_new0(struct watch_fig, nv);
	iv->pairs = g_new0(guint64, (gsize)nv * (nv + 1) * WATCH_CLASSES);
	for (unsigned int i = 0; i < nv; i++)
		iv->v[i].exits = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (unsigned int i = 0; i < nt; i++) {
		int src = watch_thread_vcpu(t, tids[i], b->raw[i]);

		if (src >= 0)
			watch_thread(iv, t, src, a->raw[i], b->raw[i]);
	}
	iv->has_kvm = a->kvm_before && b->kvm_before;
	for (unsigned int i = 0; iv->has_kvm && i < nv; i++) {
		iv->v[i].kvm_exits = b->kvm_before[i] - a->kvm_before[i];
		iv->v[i].skew =
			(a->kvm_after[i] - a->kvm_before[i]) + (b->kvm_after[i] - b->kvm_before[i]);
	}
	return iv;
}

void watch_interval_free(struct watch_interval *iv)
{
	if (!iv)
		return;
	for (unsigned int i = 0; i < iv->nv; i++)
		g_hash_table_unref(iv->v[i].exits);
	g_free(iv->v);
	g_free(iv->pairs);
	g_free(iv);
}

guint64 watch_pair(const struct watch_interval *iv, unsigned int src, unsigned int dst,
		   enum watch_class c)
{
	return iv->pairs[((gsize)src * (iv->nv + 1) + dst) * WATCH_CLASSES + c];
}

guint64 watch_pair_all(const struct watch_interval *iv, unsigned int src, unsigned int dst)
{
	guint64 n = 0;

	for (int c = 0; c < WATCH_CLASSES; c++)
		n += watch_pair(iv, src, dst, c);
	return n;
}

void watch_snap_clear(struct watch_snap *s, unsigned int nt)
{
	trace_counts_free(s->raw, nt);
	g_free(s->kvm_before);
	g_free(s->kvm_after);
	memset(s, 0, sizeof(*s));
}
