// SPDX-License-Identifier: GPL-2.0-only
/*
 * The estimate of estimate.h. The bench's vipi row (method vipi, its busy
 * scenario first) gives both the per-exit cost it used (measured on real
 * KVM, or the published 0.71 us in the lab) and its poller's CPU per
 * second; the watched rate of IPI sender exits does the rest.
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "util/log.h"
#include "watch/estimate.h"

static double estimate_num(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_double(n) : NAN;
}

static const char *estimate_str(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
}

/* The vipi row with a cost: busy first, else any scenario. */
static JsonObject *estimate_row(JsonArray *rows)
{
	JsonObject *any = NULL;

	for (guint i = 0; rows && i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);

		if (!r || g_strcmp0(estimate_str(r, "vmm"), "vipi") ||
		    g_strcmp0(estimate_str(r, "method"), "vipi") ||
		    isnan(estimate_num(r, "breakeven_exit_ns")) ||
		    isnan(estimate_num(r, "poller_cpu_per_s")))
			continue;
		if (!g_strcmp0(estimate_str(r, "scenario"), "busy"))
			return r;
		any = any ? any : r;
	}
	return any;
}

int estimate_load(const char *path, struct watch_costs *c)
{
	g_autoptr(JsonParser) p = json_parser_new();
	g_autoptr(GError) err = NULL;
	JsonObject *root, *row, *host;

	memset(c, 0, sizeof(*c));
	if (!json_parser_load_from_file(p, path, &err)) {
		pr_err("watch: --costs %s: %s", path, err->message);
		return g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? -ENOENT : -EINVAL;
	}
	root = JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))
		       ? json_node_get_object(json_parser_get_root(p))
		       : NULL;
	row = root && json_object_has_member(root, "results")
		      ? estimate_row(json_object_get_array_member(root, "results"))
		      : NULL;
	if (!row) {
		pr_err("watch: --costs %s: no vipi row with a per-exit cost and a poller figure "
		       "(a vipi bench --json file of this host with the vipi method)",
		       path);
		return -EINVAL;
	}
	host = json_object_has_member(root, "host") ? json_object_get_object_member(root, "host")
						    : NULL;
	c->file = g_strdup(path);
	c->timing = g_strdup(host ? estimate_str(host, "timing") : NULL);
	c->exit_ns = estimate_num(row, "breakeven_exit_ns");
	c->poller_cpu_per_s = estimate_num(row, "poller_cpu_per_s");
	c->breakeven_ipi_per_s = estimate_num(row, "breakeven_ipi_per_s");
	c->basis = g_strdup(estimate_str(row, "breakeven_basis"));
	c->row = g_strdup_printf("%s %s %s", estimate_str(row, "vmm"), estimate_str(row, "method"),
				 estimate_str(row, "scenario"));
	return 0;
}

void estimate_clear(struct watch_costs *c)
{
	g_free(c->file);
	g_free(c->timing);
	g_free(c->basis);
	g_free(c->row);
	memset(c, 0, sizeof(*c));
}

void estimate_compute(const struct watch_interval *iv, const struct watch_costs *c,
		      struct watch_estimate *e)
{
	double exits = 0;

	for (unsigned int i = 0; i < iv->nv; i++)
		exits += iv->v[i].icr_writes + iv->v[i].pv_calls;
	memset(e, 0, sizeof(*e));
	e->sender_exits_per_s = iv->seconds > 0 ? exits / iv->seconds : 0;
	e->has_cost = c && c->file;
	if (!e->has_cost)
		return;
	e->saved_cpu_per_s = e->sender_exits_per_s * c->exit_ns * 1e-9;
	e->poller_cpu_per_s = c->poller_cpu_per_s;
	e->net_cpu_per_s = e->saved_cpu_per_s - e->poller_cpu_per_s;
}
