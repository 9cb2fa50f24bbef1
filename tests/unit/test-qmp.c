// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QMP client against a tiny fake QEMU on a unix socket: the greeting
 * and capabilities handshake, events interleaved with replies, errors, the
 * vCPU map and thread ids of query-cpus-fast and query-stats' per-vCPU counters (scalars
 * kept, histograms and booleans dropped), human monitor commands, and a
 * server that hangs up.
 */
#include <gio/gio.h>
#include <string.h>

#include "qmp-fake.h"
#include "util/qmp.h"

static const char cpus_reply[] =
	"{\"return\": [{\"cpu-index\": 0, \"qom-path\": \"/machine/unattached/device[0]\"}, "
	"{\"cpu-index\": 1, \"qom-path\": \"/machine/unattached/device[1]\"}]}\n";

/* vCPU 1 is listed first: the client must order by cpu-index, not by reply. */
static const char stats_reply[] =
	"{\"return\": [{\"provider\": \"kvm\", \"qom-path\": \"/machine/unattached/device[1]\", "
	"\"stats\": [{\"name\": \"exits\", \"value\": 222}, {\"name\": \"halt_exits\", "
	"\"value\": 7}, {\"name\": \"guest_mode\", \"value\": false}]}, "
	"{\"provider\": \"kvm\", \"qom-path\": \"/machine/unattached/device[0]\", "
	"\"stats\": [{\"name\": \"exits\", \"value\": 111}, {\"name\": \"halt_wait_hist\", "
	"\"value\": [1, 2, 3]}, {\"name\": \"io_exits\", \"value\": 5}]}]}\n";

static guint64 stat(GPtrArray *s, guint cpu, const char *name)
{
	guint64 *v = g_hash_table_lookup(g_ptr_array_index(s, cpu), name);

	g_assert_nonnull(v);
	return *v;
}

static void test_vcpu_stats(void)
{
	const char *const all[] = { cpus_reply, stats_reply, NULL };
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) s = NULL;
	struct qmp_fake f;
	struct qmp *q;

	qmp_fake_start(&f, all);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	s = qmp_vcpu_stats(q, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(s->len, ==, 2);
	g_assert_cmpuint(stat(s, 0, "exits"), ==, 111);
	g_assert_cmpuint(stat(s, 0, "io_exits"), ==, 5);
	g_assert_cmpuint(stat(s, 1, "exits"), ==, 222);
	g_assert_cmpuint(stat(s, 1, "halt_exits"), ==, 7);
	g_assert_null(g_hash_table_lookup(g_ptr_array_index(s, 0), "halt_wait_hist"));
	g_assert_null(g_hash_table_lookup(g_ptr_array_index(s, 1), "guest_mode"));
	g_assert_nonnull(strstr(g_ptr_array_index(f.seen, 1), "\"target\":\"vcpu\""));
	qmp_close(q);
	qmp_fake_stop(&f);
}

/* Thread ids in cpu-index order, for tracefs; a vCPU without one fails the whole. */
static void test_vcpu_tids(void)
{
	const char *const replies[] = { "{\"return\": [{\"cpu-index\": 1, \"thread-id\": 4243}, "
					"{\"cpu-index\": 0, \"thread-id\": 4242}]}\n",
					"{\"return\": [{\"cpu-index\": 1, \"thread-id\": 4243}]}\n",
					NULL };
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) tids = NULL;
	struct qmp_fake f;
	struct qmp *q;

	qmp_fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	tids = qmp_vcpu_tids(q, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(tids->len, ==, 2);
	g_assert_cmpint(g_array_index(tids, pid_t, 0), ==, 4242);
	g_assert_cmpint(g_array_index(tids, pid_t, 1), ==, 4243);
	g_assert_null(qmp_vcpu_tids(q, &err));
	g_assert_nonnull(err);
	qmp_close(q);
	qmp_fake_stop(&f);
}

static void test_events_and_errors(void)
{
	const char *const replies[] = {
		"{\"event\": \"STOP\", \"timestamp\": {}}\n{\"return\": {\"running\": true}}\n",
		"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no such thing\"}}\n", NULL
	};
	g_autoptr(GError) err = NULL;
	g_autoptr(JsonNode) r = NULL;
	struct qmp_fake f;
	struct qmp *q;

	qmp_fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	r = qmp_execute(q, "query-status", NULL, &err);
	g_assert_no_error(err);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(r), "running"));
	g_assert_null(qmp_execute(q, "bogus", "{\"x\":1}", &err));
	g_assert_nonnull(strstr(err->message, "no such thing"));
	g_assert_nonnull(strstr(g_ptr_array_index(f.seen, 1), "\"arguments\":{\"x\":1}"));
	qmp_close(q);
	qmp_fake_stop(&f);
}

/* The command line goes out JSON-escaped; a reply that is no string is an error. */
static void test_hmp(void)
{
	const char *const replies[] = { "{\"return\": \"0x1\\r\\n\"}\n", "{\"return\": {}}\n",
					NULL };
	g_autoptr(GError) err = NULL;
	g_autofree char *out = NULL;
	struct qmp_fake f;
	struct qmp *q;

	qmp_fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	out = qmp_hmp(q, "echo \"a\\b\"", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(out, ==, "0x1\r\n");
	g_assert_cmpstr(g_ptr_array_index(f.seen, 0), ==,
			"{\"execute\":\"human-monitor-command\",\"arguments\":"
			"{\"command-line\":\"echo \\\"a\\\\b\\\"\"}}");
	g_assert_null(qmp_hmp(q, "info registers", &err));
	g_assert_nonnull(strstr(err->message, "not a string"));
	qmp_close(q);
	qmp_fake_stop(&f);
}

static void test_hangup(void)
{
	const char *const replies[] = { NULL };
	g_autoptr(GError) err = NULL;
	struct qmp_fake f;
	struct qmp *q;

	qmp_fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	g_assert_null(qmp_vcpu_stats(q, &err));
	g_assert_nonnull(err);
	qmp_close(q);
	qmp_fake_stop(&f);
}

static void test_no_server(void)
{
	g_autoptr(GError) err = NULL;

	g_assert_null(qmp_connect("/nonexistent/vipi-qmp.sock", 200, &err));
	g_assert_nonnull(err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qmp/vcpu-stats", test_vcpu_stats);
	g_test_add_func("/qmp/vcpu-tids", test_vcpu_tids);
	g_test_add_func("/qmp/events-and-errors", test_events_and_errors);
	g_test_add_func("/qmp/hmp", test_hmp);
	g_test_add_func("/qmp/hangup", test_hangup);
	g_test_add_func("/qmp/no-server", test_no_server);
	return g_test_run();
}
