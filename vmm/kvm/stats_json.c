// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --stats JSON report: every KVM stat of every vCPU by name, the VMM's
 * own userspace exits by reason, the host's APICv/IPIv/AVIC, how the run
 * ended, and the snapshots taken at phase marks.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "kvm/stats_priv.h"
#include "kvm/trace.h"
#include "util/log.h"

static int stats_cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* TRACE's counts as members, in name order (the JSON reads the same each run). */
static void stats_json_trace(JsonBuilder *b, GHashTable *trace)
{
	g_autofree gpointer *names = NULL;
	guint n = 0;

	if (!trace)
		return;
	names = g_hash_table_get_keys_as_array(trace, &n);
	qsort(names, n, sizeof(*names), stats_cmp_names);
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

/* Values of the report's members (json_value() takes them). */
#define JSON_INT(v)    json_node_init_int(json_node_alloc(), (v))
#define JSON_DOUBLE(v) json_node_init_double(json_node_alloc(), (v))
#define JSON_BOOL(v)   json_node_init_boolean(json_node_alloc(), (v))
#define JSON_STRING(v) ((v) ? json_node_init_string(json_node_alloc(), (v)) : NULL)

/* "NAME": V, or null where V is NULL (absent, unknown, never). */
static void json_value(JsonBuilder *b, const char *name, JsonNode *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_value(b, v);
	else
		json_builder_add_null_value(b);
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
	json_value(b, "other", JSON_INT(atomic_load(&vm->exits_other)));
	json_value(b, "unclaimed_io", JSON_INT(atomic_load(&vm->io_unclaimed)));
	json_value(b, "total", JSON_INT(total));
	json_builder_end_object(b);
}

static void stats_json_snapshots(JsonBuilder *b, struct vm *vm)
{
	json_builder_begin_array(b);
	g_mutex_lock(&vm->stats_lock);
	for (unsigned int i = 0; i < vm->snapshots->len; i++) {
		struct snapshot *s = g_ptr_array_index(vm->snapshots, i);

		json_builder_begin_object(b);
		json_value(b, "label", JSON_STRING(s->label));
		json_value(b, "t_s", JSON_DOUBLE(s->t_s));
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

static void stats_json_run(JsonBuilder *b, const struct vipi_config *cfg,
			   const struct stats_run_info *info)
{
	g_autofree char *disabled = exits_describe(cfg->exits.disable);

	json_value(b, "end", JSON_STRING(info->end));
	json_value(b, "reason", JSON_STRING(info->reason));
	json_value(b, "exit_status", JSON_INT(info->exit_status));
	json_value(b, "wall_s", JSON_DOUBLE(info->wall_s));
	json_value(b, "command_start_s",
		   info->command_start_s >= 0 ? JSON_DOUBLE(info->command_start_s) : NULL);
	json_value(b, "mem_mib", JSON_INT(cfg->ram_size >> 20));
	json_value(b, "pv_ipi", JSON_BOOL(cfg->pv_ipi));
	json_value(b, "disable_exits", JSON_STRING(disabled));
	json_value(b, "halt_poll_ns", /* null: KVM's default window */
		   cfg->exits.halt_poll_ns != EXITS_HALT_POLL_DEFAULT
			   ? JSON_INT(cfg->exits.halt_poll_ns)
			   : NULL);
}

/* "trace": whether the vCPU objects carry tracefs counts, and if not, why. */
static void stats_json_trace_info(JsonBuilder *b, struct vm *vm)
{
	json_builder_set_member_name(b, "trace");
	json_builder_begin_object(b);
	json_value(b, "requested", JSON_BOOL(vm->trace || vm->trace_why));
	json_value(b, "active", JSON_BOOL(vm->trace != NULL));
	json_value(b, "why", JSON_STRING(vm->trace_why));
	json_builder_end_object(b);
}

static JsonNode *stats_json(struct vm *vm, const struct stats_run_info *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	GHashTable **trace = stats_trace_read(vm);
	struct host_accel h;

	host_accel_read(&h);
	json_builder_begin_object(b);
	json_value(b, "vipi", JSON_STRING(VIPI_VERSION));
	json_value(b, "nr_vcpus", JSON_INT(vm->nr_vcpus));
	stats_json_run(b, vm->cfg, info);
	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	/* Whether the module says so; null where it is not loaded. */
	json_value(b, "apicv", h.apicv < 0 ? NULL : JSON_BOOL(h.apicv));
	json_value(b, "ipiv", h.ipiv < 0 ? NULL : JSON_BOOL(h.ipiv));
	json_value(b, "avic", h.avic < 0 ? NULL : JSON_BOOL(h.avic));
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
		return -EIO;
	}
	return 0;
}
