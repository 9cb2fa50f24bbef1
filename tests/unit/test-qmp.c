// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QMP client against a tiny fake QEMU on a unix socket: the greeting
 * and capabilities handshake, events interleaved with replies, errors, the
 * vCPU map and thread ids of query-cpus-fast and query-stats' per-vCPU counters (scalars
 * kept, histograms and booleans dropped), and a server that hangs up.
 */
#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench/qmp.h"

struct fake {
	char *dir, *path;
	int listen_fd;
	const char *const *replies; /* one per command after qmp_capabilities */
	GThread *thread;
	GPtrArray *seen; /* command lines received */
};

static const char greeting[] =
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
	"\"capabilities\": []}}\n";

static gboolean fake_line(int fd, GString *line)
{
	char c;

	g_string_truncate(line, 0);
	while (read(fd, &c, 1) == 1) {
		if (c == '\n')
			return TRUE;
		g_string_append_c(line, c);
	}
	return FALSE;
}

static void fake_send(int fd, const char *s)
{
	g_assert_cmpint(write(fd, s, strlen(s)), ==, (ssize_t)strlen(s));
}

static gpointer fake_main(gpointer p)
{
	struct fake *f = p;
	g_autoptr(GString) line = g_string_new(NULL);
	int fd = accept(f->listen_fd, NULL, NULL);

	g_assert_cmpint(fd, >=, 0);
	fake_send(fd, greeting);
	g_assert_true(fake_line(fd, line));
	g_assert_nonnull(strstr(line->str, "qmp_capabilities"));
	fake_send(fd, "{\"return\": {}}\n");
	for (const char *const *r = f->replies; *r; r++) {
		if (!fake_line(fd, line))
			break;
		g_ptr_array_add(f->seen, g_strdup(line->str));
		fake_send(fd, *r);
	}
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f, const char *const *replies)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	f->dir = g_dir_make_tmp("vipi-qmp-XXXXXX", NULL);
	f->path = g_build_filename(f->dir, "qmp.sock", NULL);
	g_strlcpy(sa.sun_path, f->path, sizeof(sa.sun_path));
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(listen(f->listen_fd, 1), ==, 0);
	f->replies = replies;
	f->seen = g_ptr_array_new_with_free_func(g_free);
	f->thread = g_thread_new("fake-qmp", fake_main, f);
}

static void fake_stop(struct fake *f)
{
	g_thread_join(f->thread);
	close(f->listen_fd);
	unlink(f->path);
	rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_ptr_array_unref(f->seen);
}

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
	struct fake f;
	struct qmp *q;

	fake_start(&f, all);
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
	fake_stop(&f);
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
	struct fake f;
	struct qmp *q;

	fake_start(&f, replies);
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
	fake_stop(&f);
}

static void test_events_and_errors(void)
{
	const char *const replies[] = {
		"{\"event\": \"STOP\", \"timestamp\": {}}\n{\"return\": {\"running\": true}}\n",
		"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no such thing\"}}\n", NULL
	};
	g_autoptr(GError) err = NULL;
	g_autoptr(JsonNode) r = NULL;
	struct fake f;
	struct qmp *q;

	fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	r = qmp_execute(q, "query-status", NULL, &err);
	g_assert_no_error(err);
	g_assert_true(json_object_get_boolean_member(json_node_get_object(r), "running"));
	g_assert_null(qmp_execute(q, "bogus", "{\"x\":1}", &err));
	g_assert_nonnull(strstr(err->message, "no such thing"));
	g_assert_nonnull(strstr(g_ptr_array_index(f.seen, 1), "\"arguments\":{\"x\":1}"));
	qmp_close(q);
	fake_stop(&f);
}

static void test_hangup(void)
{
	const char *const replies[] = { NULL };
	g_autoptr(GError) err = NULL;
	struct fake f;
	struct qmp *q;

	fake_start(&f, replies);
	q = qmp_connect(f.path, 2000, &err);
	g_assert_no_error(err);
	g_assert_null(qmp_vcpu_stats(q, &err));
	g_assert_nonnull(err);
	qmp_close(q);
	fake_stop(&f);
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
	g_test_add_func("/qmp/hangup", test_hangup);
	g_test_add_func("/qmp/no-server", test_no_server);
	return g_test_run();
}
