// SPDX-License-Identifier: GPL-2.0-only
/*
 * QMP is line-delimited JSON: a greeting, then one reply per command, with
 * asynchronous events interleaved. We are the only client and issue one
 * command at a time, so a reply is the first line carrying "return" or
 * "error"; events are skipped.
 */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <stdbool.h>
#include <string.h>

#include "util/qmp.h"

#define QMP_RETRY_MS  50
#define QMP_MAX_VCPUS 1024 /* a bound on what we index by a reply's cpu-index */

struct qmp {
	GSocketConnection *conn;
	GDataInputStream *in;
	GOutputStream *out;
};

static GQuark qmp_quark(void)
{
	return g_quark_from_static_string("vipi-qmp");
}

/* Lookups that tolerate whatever QEMU (or a hostile fake) sends. */
static JsonObject *qmp_obj(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static JsonObject *qmp_elem_obj(JsonArray *a, guint i)
{
	return qmp_obj(json_array_get_element(a, i));
}

static JsonArray *qmp_member_array(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static const char *qmp_member_str(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
		       ? json_node_get_string(n)
		       : NULL;
}

static GSocketConnection *qmp_dial(const char *path, unsigned int timeout_ms, GError **err)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	for (;;) {
		g_autoptr(GError) e = NULL;
		GSocketConnection *c =
			g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL, &e);

		if (c)
			return c;
		/* QEMU creates the socket a moment after it starts. */
		if (g_get_monotonic_time() >= deadline) {
			g_propagate_prefixed_error(err, g_steal_pointer(&e), "QMP %s: ", path);
			return NULL;
		}
		g_usleep(QMP_RETRY_MS * 1000);
	}
}

/* The next JSON object from QEMU; NULL at EOF, on a timeout or bad JSON. */
static JsonObject *qmp_read(struct qmp *q, JsonParser *parser, GError **err)
{
	g_autofree char *line = g_data_input_stream_read_line_utf8(q->in, NULL, NULL, err);
	JsonNode *root;

	if (!line) {
		if (err && !*err)
			g_set_error(err, qmp_quark(), 1, "QMP: connection closed");
		return NULL;
	}
	if (!json_parser_load_from_data(parser, line, -1, err))
		return NULL;
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(err, qmp_quark(), 2, "QMP: not an object: %.80s", line);
		return NULL;
	}
	return json_node_get_object(root);
}

static JsonNode *qmp_reply(struct qmp *q, const char *cmd, GError **err)
{
	g_autoptr(JsonParser) parser = json_parser_new();

	for (;;) {
		JsonObject *o = qmp_read(q, parser, err);

		if (!o)
			return NULL;
		if (json_object_has_member(o, "return"))
			return json_node_copy(json_object_get_member(o, "return"));
		if (json_object_has_member(o, "error")) {
			const char *desc =
				qmp_member_str(qmp_obj(json_object_get_member(o, "error")), "desc");

			g_set_error(err, qmp_quark(), 3, "QMP %s: %s", cmd,
				    desc ? desc : "no description");
			return NULL;
		}
		/* An event: not ours to handle. */
	}
}

JsonNode *qmp_execute(struct qmp *q, const char *cmd, const char *args, GError **err)
{
	g_autofree char *line =
		args ? g_strdup_printf("{\"execute\":\"%s\",\"arguments\":%s}\n", cmd, args)
		     : g_strdup_printf("{\"execute\":\"%s\"}\n", cmd);

	if (!g_output_stream_write_all(q->out, line, strlen(line), NULL, NULL, err))
		return NULL;
	return qmp_reply(q, cmd, err);
}

struct qmp *qmp_open(GSocketConnection *conn, unsigned int timeout_ms, GError **err)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	struct qmp *q = g_new0(struct qmp, 1);
	g_autoptr(JsonNode) caps = NULL;
	JsonObject *greeting;

	q->conn = conn;
	/* Seconds, rounded up: a read never waits forever on a hung QEMU. */
	g_socket_set_timeout(g_socket_connection_get_socket(q->conn), (timeout_ms + 999) / 1000);
	q->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(q->conn)));
	q->out = g_io_stream_get_output_stream(G_IO_STREAM(q->conn));
	greeting = qmp_read(q, parser, err);
	if (!greeting)
		goto fail;
	if (!json_object_has_member(greeting, "QMP")) {
		g_set_error(err, qmp_quark(), 4, "QMP: no greeting");
		goto fail;
	}
	caps = qmp_execute(q, "qmp_capabilities", NULL, err);
	if (!caps)
		goto fail;
	return q;
fail:
	qmp_close(q);
	return NULL;
}

struct qmp *qmp_connect(const char *path, unsigned int timeout_ms, GError **err)
{
	GSocketConnection *conn = qmp_dial(path, timeout_ms, err);

	return conn ? qmp_open(conn, timeout_ms, err) : NULL;
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	g_clear_object(&q->in);
	if (q->conn)
		g_io_stream_close(G_IO_STREAM(q->conn), NULL, NULL);
	g_clear_object(&q->conn);
	g_free(q);
}

void qmp_quit(struct qmp *q)
{
	JsonNode *r = qmp_execute(q, "quit", NULL, NULL);

	if (r)
		json_node_unref(r);
}

char *qmp_hmp(struct qmp *q, const char *cmdline, GError **err)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) args = NULL;
	g_autoptr(JsonNode) r = NULL;
	g_autofree char *text = NULL;

	/* The builder escapes CMDLINE as JSON wants; printf would not. */
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "command-line");
	json_builder_add_string_value(b, cmdline);
	json_builder_end_object(b);
	args = json_builder_get_root(b);
	text = json_to_string(args, FALSE);
	r = qmp_execute(q, "human-monitor-command", text, err);
	if (!r)
		return NULL;
	if (!JSON_NODE_HOLDS_VALUE(r) || json_node_get_value_type(r) != G_TYPE_STRING) {
		g_set_error(err, qmp_quark(), 8, "QMP human-monitor-command: not a string");
		return NULL;
	}
	return g_strdup(json_node_get_string(r));
}

/* qmp_execute() for a command whose "return" is an array. */
static JsonNode *qmp_execute_array(struct qmp *q, const char *cmd, const char *args, GError **err)
{
	JsonNode *r = qmp_execute(q, cmd, args, err);

	if (r && !JSON_NODE_HOLDS_ARRAY(r)) {
		g_set_error(err, qmp_quark(), 5, "QMP %s: not an array", cmd);
		g_clear_pointer(&r, json_node_unref);
	}
	return r;
}

/* OBJ's integer member NAME, if it has one within [LO, HI]: QEMU's replies are input. */
static bool qmp_member_int(JsonObject *obj, const char *name, gint64 lo, gint64 hi, gint64 *out)
{
	JsonNode *n = obj ? json_object_get_member(obj, name) : NULL;

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
		return false;
	*out = json_node_get_int(n);
	return *out >= lo && *out <= hi;
}

/* qom-path -> cpu-index, from query-cpus-fast. */
static GHashTable *qmp_cpu_map(struct qmp *q, GError **err)
{
	g_autoptr(JsonNode) r = qmp_execute_array(q, "query-cpus-fast", NULL, err);
	GHashTable *map;
	JsonArray *a;

	if (!r)
		return NULL;
	a = json_node_get_array(r);
	map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *cpu = qmp_elem_obj(a, i);
		const char *path = qmp_member_str(cpu, "qom-path");
		gint64 n;

		if (path && qmp_member_int(cpu, "cpu-index", 0, QMP_MAX_VCPUS - 1, &n))
			g_hash_table_insert(map, g_strdup(path), GINT_TO_POINTER(n));
	}
	return map;
}

GArray *qmp_vcpu_tids(struct qmp *q, GError **err)
{
	g_autoptr(JsonNode) r = qmp_execute_array(q, "query-cpus-fast", NULL, err);
	GArray *tids;
	JsonArray *a;

	if (!r)
		return NULL;
	a = json_node_get_array(r);
	tids = g_array_new(FALSE, TRUE, sizeof(pid_t));
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *cpu = qmp_elem_obj(a, i);
		gint64 n, t;

		if (!qmp_member_int(cpu, "cpu-index", 0, QMP_MAX_VCPUS - 1, &n) ||
		    !qmp_member_int(cpu, "thread-id", 1, G_MAXINT32, &t))
			continue;
		if ((guint)n >= tids->len)
			g_array_set_size(tids, n + 1);
		g_array_index(tids, pid_t, n) = t;
	}
	for (guint i = 0; i < tids->len; i++) {
		if (!g_array_index(tids, pid_t, i)) {
			g_set_error(err, qmp_quark(), 7,
				    "QMP query-cpus-fast: no thread-id for vCPU %u", i);
			g_array_unref(tids);
			return NULL;
		}
	}
	return tids;
}

static GHashTable *qmp_stats_table(JsonArray *stats)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; i < json_array_get_length(stats); i++) {
		JsonObject *s = qmp_elem_obj(stats, i);
		JsonNode *v = s ? json_object_get_member(s, "value") : NULL;
		const char *name = qmp_member_str(s, "name");
		guint64 n;

		if (!name || !v || !JSON_NODE_HOLDS_VALUE(v) ||
		    json_node_get_value_type(v) != G_TYPE_INT64)
			continue;
		n = json_node_get_int(v);
		g_hash_table_insert(t, g_strdup(name), g_memdup2(&n, sizeof(n)));
	}
	return t;
}

static guint qmp_max_index(GHashTable *map)
{
	GHashTableIter it;
	gpointer v;
	guint max = 0;

	g_hash_table_iter_init(&it, map);
	while (g_hash_table_iter_next(&it, NULL, &v))
		max = MAX(max, (guint)GPOINTER_TO_INT(v));
	return max;
}

GPtrArray *qmp_vcpu_stats(struct qmp *q, GError **err)
{
	g_autoptr(GHashTable) map = qmp_cpu_map(q, err);
	g_autoptr(JsonNode) r = NULL;
	GPtrArray *out;
	JsonArray *a;

	if (!map)
		return NULL;
	r = qmp_execute_array(q, "query-stats", "{\"target\":\"vcpu\"}", err);
	if (!r)
		return NULL;
	a = json_node_get_array(r);
	out = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	g_ptr_array_set_size(out, qmp_max_index(map) + 1);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = qmp_elem_obj(a, i);
		const char *path = qmp_member_str(o, "qom-path");
		gpointer idx;
		JsonArray *stats;

		if (!path || !g_hash_table_lookup_extended(map, path, NULL, &idx))
			continue;
		stats = qmp_member_array(o, "stats");
		if (!stats || (guint)GPOINTER_TO_INT(idx) >= out->len)
			continue;
		g_clear_pointer(&out->pdata[GPOINTER_TO_INT(idx)], g_hash_table_unref);
		out->pdata[GPOINTER_TO_INT(idx)] = qmp_stats_table(stats);
	}
	for (guint i = 0; i < out->len; i++) {
		if (!out->pdata[i]) {
			g_set_error(err, qmp_quark(), 6, "QMP query-stats: no stats for vCPU %u",
				    i);
			g_ptr_array_unref(out);
			return NULL;
		}
	}
	return out;
}
