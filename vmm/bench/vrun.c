// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/phase.h"
#include "bench/vrun.h"
#include "devices/vipi.h"
#include "util/log.h"

#define VRUN_POLL_US 100000
#define VRUN_GRACE_S 60 /* past the guest's own timeout */
#define VRUN_TERM_S  30 /* from SIGTERM to SIGKILL */

void vrun_init(struct vrun *run, const struct bench_opts *o, const char *tag,
	       const char *const *progress)
{
	*run = (struct vrun){ .o = o, .tag = tag, .progress = progress };
	run->out = g_strdup_printf("%s/%s.out", o->workdir, tag);
	run->err = g_strdup_printf("%s/%s.err", o->workdir, tag);
	run->stats = g_strdup_printf("%s/%s-stats.json", o->workdir, tag);
}

void vrun_clear(struct vrun *run)
{
	g_clear_pointer(&run->out, g_free);
	g_clear_pointer(&run->err, g_free);
	g_clear_pointer(&run->stats, g_free);
}

char *vrun_self(void)
{
	char *self = g_file_read_link("/proc/self/exe", NULL);

	return self ? self : g_strdup("vipi");
}

/* Opens PATH for the child's output: the fd, or -errno after one error line. */
static int vrun_create(const struct vrun *run, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		fd = -errno;
		pr_err("bench: %s: cannot create %s: %s", run->tag, path, g_strerror(-fd));
	}
	return fd;
}

int vrun_spawn(struct vrun *run, char **argv)
{
	g_autoptr(GError) err = NULL;
	int out = vrun_create(run, run->out), errfd, ret = 0;

	if (out < 0)
		return out;
	errfd = vrun_create(run, run->err);
	if (errfd < 0) {
		close(out);
		return errfd;
	}
	if (!g_spawn_async_with_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
				    &run->pid, -1, out, errfd, &err)) {
		pr_err("bench: %s: cannot start vipi run: %s", run->tag, err->message);
		ret = bench_errno(err);
	}
	close(out);
	close(errfd);
	return ret;
}

static bool vrun_is_progress(const struct vrun *run, const char *line)
{
	for (const char *const *p = run->progress; p && *p; p++)
		if (g_str_has_prefix(line, *p))
			return true;
	return false;
}

/* Shows each new complete progress line of the guest's output. */
static void vrun_progress(struct vrun *run)
{
	g_autofree char *text = NULL;
	gsize len;
	char *p, *nl;

	if (!g_file_get_contents(run->out, &text, &len, NULL) || (goffset)len <= run->seen)
		return;
	for (p = text + run->seen; (nl = memchr(p, '\n', text + len - p)); p = nl + 1) {
		*nl = 0;
		if (vrun_is_progress(run, p))
			pr_info("bench: %s: %.*s", run->tag, (int)MIN(strlen(p), 120), p);
	}
	run->seen = p - text;
}

void vrun_wait(struct vrun *run)
{
	gint64 deadline = g_get_monotonic_time() +
			  (gint64)(run->o->timeout_s + VRUN_GRACE_S) * G_USEC_PER_SEC;
	int sig = 0;
	pid_t r;

	while ((r = waitpid(run->pid, &run->status, WNOHANG)) != run->pid) {
		if (r < 0 && errno != EINTR) {
			run->status = 0xff00; /* lost track of it: as if it exited 255 */
			break;
		}
		vrun_progress(run);
		if (!sig && (*run->o->stop || g_get_monotonic_time() >= deadline)) {
			/* SIGTERM: vipi run tears the VM down and still writes --stats. */
			sig = SIGTERM;
			kill(run->pid, sig);
			deadline = g_get_monotonic_time() + VRUN_TERM_S * G_USEC_PER_SEC;
		} else if (sig == SIGTERM && g_get_monotonic_time() >= deadline) {
			sig = SIGKILL;
			kill(run->pid, sig);
		}
		g_usleep(VRUN_POLL_US);
	}
	vrun_progress(run);
	run->exited = true;
	g_spawn_close_pid(run->pid);
}

bool vrun_ok(const struct vrun *run)
{
	return run->exited && WIFEXITED(run->status) && WEXITSTATUS(run->status) == 0;
}

char **vrun_lines(const char *path)
{
	g_autofree char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_new0(char *, 1);
	return g_strsplit(text, "\n", -1);
}

char *vrun_err_tail(const struct vrun *run)
{
	g_autofree char *text = NULL;
	size_t n;

	if (!g_file_get_contents(run->err, &text, NULL, NULL))
		return g_strdup("");
	g_strstrip(text);
	n = strlen(text);
	return g_strdup(text + (n > 300 ? n - 300 : 0));
}

/* One vCPU's scalar counters (name -> guint64 *) from a snapshot's object. */
static GHashTable *vrun_vcpu_table(JsonObject *o)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GList) names = o ? json_object_get_members(o) : NULL;

	for (GList *l = names; l; l = l->next) {
		JsonNode *v = json_object_get_member(o, l->data);
		guint64 n;

		if (!JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_INT64)
			continue;
		n = json_node_get_int(v);
		g_hash_table_insert(t, g_strdup(l->data), g_memdup2(&n, sizeof(n)));
	}
	return t;
}

static GPtrArray *vrun_vcpus(JsonArray *vcpus)
{
	GPtrArray *t = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);

	for (guint k = 0; k < json_array_get_length(vcpus); k++) {
		JsonNode *v = json_array_get_element(vcpus, k);

		g_ptr_array_add(t,
				vrun_vcpu_table(JSON_NODE_HOLDS_OBJECT(v) ? json_node_get_object(v)
									  : NULL));
	}
	return t;
}

GHashTable *vrun_snapshots(const struct vrun *run)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) err = NULL;
	GHashTable *snaps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)g_ptr_array_unref);
	JsonNode *root, *sn;
	JsonArray *a;

	if (!json_parser_load_from_file(parser, run->stats, &err)) {
		pr_warn("bench: %s: no stats: %s", run->tag, err->message);
		return snaps;
	}
	root = json_parser_get_root(parser);
	sn = JSON_NODE_HOLDS_OBJECT(root)
		     ? json_object_get_member(json_node_get_object(root), "snapshots")
		     : NULL;
	a = sn && JSON_NODE_HOLDS_ARRAY(sn) ? json_node_get_array(sn) : NULL;
	for (guint i = 0; a && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		JsonObject *s = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		const char *label =
			s ? json_object_get_string_member_with_default(s, "label", NULL) : NULL;
		JsonArray *vcpus = s ? json_object_get_array_member(s, "vcpus") : NULL;

		/* A label marked twice: the last mark wins. */
		if (label && vcpus)
			g_hash_table_replace(snaps, g_strdup(label), vrun_vcpus(vcpus));
	}
	return snaps;
}

/* Moves every entry of FROM into TO (replacing). */
static void vrun_merge(GHashTable *to, GHashTable *from)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, from);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_iter_steal(&it);
		g_hash_table_replace(to, k, v);
	}
}

/* A label can have several lines (the device's and the VM's); they merge. */
GHashTable *vrun_dev_marks(const char *path)
{
	GHashTable *marks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						  (GDestroyNotify)g_hash_table_unref);
	g_auto(GStrv) lines = vrun_lines(path);

	for (char **l = lines; *l; l++) {
		char *p = strstr(*l, VIPI_PHASE_LINE_PREFIX), *colon, *end;
		unsigned long label;
		GHashTable *kv, *m;

		if (!p || !(colon = strchr(p, ':')))
			continue;
		label = strtoul(p + strlen(VIPI_PHASE_LINE_PREFIX), &end, 10);
		if (end != colon)
			continue;
		m = g_hash_table_lookup(marks, GUINT_TO_POINTER(label));
		if (!m) {
			m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			g_hash_table_insert(marks, GUINT_TO_POINTER(label), m);
		}
		kv = phase_parse_result(colon + 1);
		vrun_merge(m, kv);
		g_hash_table_unref(kv);
	}
	return marks;
}

double vrun_mark_delta(GHashTable *marks, unsigned long label, const char *name)
{
	GHashTable *a = g_hash_table_lookup(marks, GUINT_TO_POINTER(label));
	GHashTable *b = g_hash_table_lookup(marks, GUINT_TO_POINTER(label + 1));
	const char *va = a ? g_hash_table_lookup(a, name) : NULL;
	const char *vb = b ? g_hash_table_lookup(b, name) : NULL;

	if (!va || !vb)
		return NAN;
	return (double)g_ascii_strtoull(vb, NULL, 10) - (double)g_ascii_strtoull(va, NULL, 10);
}
