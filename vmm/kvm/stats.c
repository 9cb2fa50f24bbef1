// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU KVM binary stats: the descriptors are read once, the values by
 * pread whenever asked. The JSON report has every stat of every vCPU by
 * name, the VMM's own userspace exits by reason, and the snapshots.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "config.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "kvm/trace.h"
#include "util/log.h"
#include "util/status.h"

struct stat_desc {
	char *name;
	uint32_t flags;
	uint16_t size; /* in u64 elements */
	uint32_t offset;
};

struct vcpu_stats {
	unsigned int n;
	struct stat_desc *d;
	uint64_t data_offset;
	size_t data_len; /* bytes of the values block */
};

struct snapshot {
	char *label;
	double t_s;
	unsigned int nr_vcpus;
	uint64_t **values;  /* per vCPU: the raw values block */
	GHashTable **trace; /* per vCPU: trace.c's counts, or NULL */
};

static int stats_read_desc(struct vcpu *v, struct vcpu_stats *s, const struct kvm_stats_header *h)
{
	size_t one = sizeof(struct kvm_stats_desc) + h->name_size;
	g_autofree uint8_t *buf = NULL;

	if (!h->num_desc || h->num_desc > 4096 || !h->name_size || h->name_size > 256)
		return -EINVAL;
	buf = g_malloc(one * h->num_desc);
	if (pread(v->stats_fd, buf, one * h->num_desc, h->desc_offset) !=
	    (ssize_t)(one * h->num_desc))
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
	v->stats_fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	if (v->stats_fd < 0) {
		pr_err("vCPU %u: KVM_GET_STATS_FD: %s", v->index, g_strerror(errno));
		return VIPI_EXIT_OSERR;
	}
	if (pread(v->stats_fd, &h, sizeof(h), 0) != sizeof(h)) {
		pr_err("vCPU %u: cannot read the stats header", v->index);
		return VIPI_EXIT_OSERR;
	}
	r = stats_read_desc(v, s, &h);
	if (r) {
		pr_err("vCPU %u: bad stats descriptors: %s", v->index, g_strerror(-r));
		return VIPI_EXIT_OSERR;
	}
	return 0;
}

void stats_vcpu_fini(struct vcpu *v)
{
	struct vcpu_stats *s = v->stats;

	if (v->stats_fd >= 0)
		close(v->stats_fd);
	v->stats_fd = -1;
	if (!s)
		return;
	for (unsigned int i = 0; i < s->n; i++)
		g_free(s->d[i].name);
	g_free(s->d);
	g_free(s);
	v->stats = NULL;
}

static uint64_t *stats_read_values(struct vcpu *v)
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
static GHashTable **stats_trace_read(struct vm *vm)
{
	g_autofree pid_t *tids = NULL;

	if (!vm->trace)
		return NULL;
	tids = g_new0(pid_t, vm->nr_vcpus);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		tids[i] = __atomic_load_n(&vm->vcpus[i].tid, __ATOMIC_ACQUIRE);
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
	g_mutex_lock(&vm->stats_lock);
	g_ptr_array_add(vm->snapshots, s);
	g_mutex_unlock(&vm->stats_lock);
	return 0;
}

/* TRACE's counts as members, in name order (the JSON reads the same each run). */
static void stats_json_trace(JsonBuilder *b, GHashTable *trace)
{
	g_autofree gpointer *names = NULL;
	guint n = 0;

	if (!trace)
		return;
	names = g_hash_table_get_keys_as_array(trace, &n);
	qsort(names, n, sizeof(*names), (int (*)(const void *, const void *))g_strcmp0);
	for (guint i = 0; i < n; i++) {
		g_autofree char *member = g_strdup_printf("trace_%s", (char *)names[i]);

		json_builder_set_member_name(b, member);
		json_builder_add_int_value(b, *(guint64 *)g_hash_table_lookup(trace, names[i]));
	}
}

/*
 * { "name": value or [values], ... } for one vCPU's values block, then the
 * tracefs counts (trace_exits_<reason>, trace_icr_writes) if there are any.
 */
static void stats_json_vcpu(JsonBuilder *b, struct vcpu_stats *s, const uint64_t *vals,
			    GHashTable *trace)
{
	json_builder_begin_object(b);
	for (unsigned int i = 0; i < s->n; i++) {
		const uint64_t *p = vals + s->d[i].offset / 8;

		json_builder_set_member_name(b, s->d[i].name);
		if (s->d[i].size == 1) {
			json_builder_add_int_value(b, (gint64)p[0]);
			continue;
		}
		json_builder_begin_array(b);
		for (unsigned int k = 0; k < s->d[i].size; k++)
			json_builder_add_int_value(b, (gint64)p[k]);
		json_builder_end_array(b);
	}
	stats_json_trace(b, trace);
	json_builder_end_object(b);
}

static int host_param(const char *path)
{
	g_autofree char *s = NULL;

	if (!g_file_get_contents(path, &s, NULL, NULL))
		return -1;
	g_strstrip(s);
	return !strcmp(s, "Y") || !strcmp(s, "y") || !strcmp(s, "1");
}

void host_accel_read(struct host_accel *h)
{
	h->apicv = host_param("/sys/module/kvm_intel/parameters/enable_apicv");
	h->ipiv = host_param("/sys/module/kvm_intel/parameters/enable_ipiv");
	h->avic = host_param("/sys/module/kvm_amd/parameters/avic");
}

const char *host_accel_str(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

static void json_tristate(JsonBuilder *b, const char *name, int v)
{
	json_builder_set_member_name(b, name);
	if (v < 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_boolean_value(b, v);
}

static void stats_json_exits(JsonBuilder *b, struct vm *vm)
{
	uint64_t total = 0;

	json_builder_begin_object(b);
	for (unsigned int r = 0; r < VM_EXIT_REASONS; r++) {
		uint64_t n = atomic_load(&vm->exits[r]);
		const char *name = kvm_exit_name(r);
		char other[32];

		if (!n)
			continue;
		if (!name) {
			snprintf(other, sizeof(other), "reason_%u", r);
			name = other;
		}
		json_builder_set_member_name(b, name);
		json_builder_add_int_value(b, n);
		total += n;
	}
	total += atomic_load(&vm->exits_other);
	json_builder_set_member_name(b, "other");
	json_builder_add_int_value(b, atomic_load(&vm->exits_other));
	json_builder_set_member_name(b, "unclaimed_io");
	json_builder_add_int_value(b, atomic_load(&vm->io_unclaimed));
	json_builder_set_member_name(b, "total");
	json_builder_add_int_value(b, total);
	json_builder_end_object(b);
}

static void stats_json_snapshots(JsonBuilder *b, struct vm *vm)
{
	json_builder_begin_array(b);
	g_mutex_lock(&vm->stats_lock);
	for (unsigned int i = 0; i < vm->snapshots->len; i++) {
		struct snapshot *s = g_ptr_array_index(vm->snapshots, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "label");
		json_builder_add_string_value(b, s->label);
		json_builder_set_member_name(b, "t_s");
		json_builder_add_double_value(b, s->t_s);
		json_builder_set_member_name(b, "vcpus");
		json_builder_begin_array(b);
		for (unsigned int k = 0; k < s->nr_vcpus; k++)
			stats_json_vcpu(b, vm->vcpus[k].stats, s->values[k],
					s->trace ? s->trace[k] : NULL);
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	g_mutex_unlock(&vm->stats_lock);
	json_builder_end_array(b);
}

static void stats_json_run(JsonBuilder *b, const struct stats_run_info *info)
{
	g_autofree char *disabled = exits_describe(info->exits.disable);

	json_builder_set_member_name(b, "end");
	json_builder_add_string_value(b, info->end);
	json_builder_set_member_name(b, "reason");
	if (info->reason)
		json_builder_add_string_value(b, info->reason);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "exit_status");
	json_builder_add_int_value(b, info->exit_status);
	json_builder_set_member_name(b, "wall_s");
	json_builder_add_double_value(b, info->wall_s);
	json_builder_set_member_name(b, "command_start_s");
	if (info->command_start_s >= 0)
		json_builder_add_double_value(b, info->command_start_s);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "mem_mib");
	json_builder_add_int_value(b, info->mem_mib);
	json_builder_set_member_name(b, "pv_ipi");
	json_builder_add_boolean_value(b, info->pv_ipi);
	json_builder_set_member_name(b, "disable_exits");
	json_builder_add_string_value(b, disabled);
	json_builder_set_member_name(b, "halt_poll_ns");
	if (info->exits.halt_poll_ns == EXITS_HALT_POLL_DEFAULT)
		json_builder_add_null_value(b); /* KVM's default window */
	else
		json_builder_add_int_value(b, info->exits.halt_poll_ns);
}

/* "trace": whether the vCPU objects carry tracefs counts, and if not, why. */
static void stats_json_trace_info(JsonBuilder *b, struct vm *vm)
{
	json_builder_set_member_name(b, "trace");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "requested");
	json_builder_add_boolean_value(b, vm->trace || vm->trace_why);
	json_builder_set_member_name(b, "active");
	json_builder_add_boolean_value(b, vm->trace != NULL);
	json_builder_set_member_name(b, "why");
	if (vm->trace_why)
		json_builder_add_string_value(b, vm->trace_why);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
}

static JsonNode *stats_json(struct vm *vm, const struct stats_run_info *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	GHashTable **trace = stats_trace_read(vm);
	struct host_accel h;

	host_accel_read(&h);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "vipi");
	json_builder_add_string_value(b, VIPI_VERSION);
	json_builder_set_member_name(b, "nr_vcpus");
	json_builder_add_int_value(b, vm->nr_vcpus);
	stats_json_run(b, info);
	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	json_tristate(b, "apicv", h.apicv);
	json_tristate(b, "ipiv", h.ipiv);
	json_tristate(b, "avic", h.avic);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "userspace_exits");
	stats_json_exits(b, vm);
	stats_json_trace_info(b, vm);
	json_builder_set_member_name(b, "vcpus");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		g_autofree uint64_t *vals = stats_read_values(&vm->vcpus[i]);

		if (vals)
			stats_json_vcpu(b, vm->vcpus[i].stats, vals, trace ? trace[i] : NULL);
		else
			json_builder_add_null_value(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "snapshots");
	stats_json_snapshots(b, vm);
	json_builder_end_object(b);
	trace_counts_free(trace, vm->nr_vcpus);
	return json_builder_get_root(b);
}

int stats_write_json(struct vm *vm, const char *path, const struct stats_run_info *info)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(GError) err = NULL;
	JsonNode *root = stats_json(vm, info);
	g_autofree char *text = NULL;

	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	/* g_file_set_contents writes a temporary file and renames it. */
	if (!g_file_set_contents(path, text, -1, &err)) {
		pr_err("--stats: %s", err->message);
		return VIPI_EXIT_CANTCREAT;
	}
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
	uint64_t user = atomic_load(&vm->exits_other);

	for (unsigned int r = 0; r < VM_EXIT_REASONS; r++)
		user += atomic_load(&vm->exits[r]);
	return g_strdup_printf("%u vCPUs, %.2f s: KVM exits %" G_GUINT64_FORMAT
			       " (io %" G_GUINT64_FORMAT ", mmio %" G_GUINT64_FORMAT
			       ", halt %" G_GUINT64_FORMAT ", irq %" G_GUINT64_FORMAT
			       "), userspace exits %" G_GUINT64_FORMAT,
			       vm->nr_vcpus, wall_s, stats_sum(vm, "exits"),
			       stats_sum(vm, "io_exits"), stats_sum(vm, "mmio_exits"),
			       stats_sum(vm, "halt_exits"), stats_sum(vm, "irq_exits"), user);
}
