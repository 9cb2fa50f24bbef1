// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi rows. The bench runs its own binary as `vipi run --lab never` (the
 * bench already re-ran itself where there is KVM) with the kit's kernel and
 * initramfs and vmm/bench/guest-vipi.sh as the guest command. The module's
 * stream marks phase LABEL before its kicks and LABEL+1 after them; at each
 * mark `vipi run` snapshots every vCPU's KVM stats into its --stats JSON and
 * logs its userspace exit count and the poller's CPU time on stderr. A row
 * is the difference between the two marks: nothing from boot or setup.
 */
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
#include "bench/vipi.h"
#include "config.h"
#include "util/log.h"

#define VIPI_POLL_US 100000

/* Every userspace exit is counted by vipi itself, from its log, not by KVM. */
static const char *const vipi_no_stats[] = { NULL };

struct vipi_run {
	const struct bench_opts *o;
	char *out, *err, *stats; /* files in the work directory */
	GPid pid;
	int status;
	bool exited;
	goffset seen; /* bytes of OUT already shown as progress */
};

static char *vipi_script(void)
{
	g_autofree char *path = g_build_filename(VIPI_SOURCE_DIR, "vmm/bench/guest-vipi.sh", NULL);
	g_autoptr(GError) err = NULL;
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, &err))
		pr_err("bench: vipi: %s", err->message);
	return text;
}

static char **vipi_argv(const struct vipi_run *run, const char *script)
{
	const struct bench_opts *o = run->o;
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *methods = g_strjoinv(" ", o->methods);
	g_autofree char *scenarios = g_strjoinv(" ", o->scenarios);
	GPtrArray *a = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("%s", self ? self : "vipi");
	ARG("run"), ARG("--lab=never");
	ARG("--kernel"), ARG("%s/vmlinuz", o->kit_dir);
	ARG("--initrd"), ARG("%s/guest.cpio.gz", o->kit_dir);
	ARG("--cpus"), ARG("%u", BENCH_VCPUS);
	ARG("--mem"), ARG("%u", BENCH_GUEST_MIB);
	ARG("--stats"), ARG("%s", run->stats);
	ARG("--timeout"), ARG("%u", o->timeout_s);
	ARG("--"), ARG("sh"), ARG("-c"), ARG("%s", script), ARG("vipi-bench");
	ARG("%u", o->kicks), ARG("%s", methods), ARG("%s", scenarios), ARG("%u", o->roundtrips);
#undef ARG
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static bool vipi_spawn(struct vipi_run *run, char **argv)
{
	g_autoptr(GError) err = NULL;
	int out = open(run->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int errfd = open(run->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = out >= 0 && errfd >= 0;

	if (!ok)
		pr_err("bench: vipi: cannot create %s: %s", out < 0 ? run->out : run->err,
		       g_strerror(errno));
	else
		ok = g_spawn_async_with_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
					    &run->pid, -1, out, errfd, &err);
	if (out >= 0 && errfd >= 0 && !ok)
		pr_err("bench: vipi: cannot start vipi run: %s", err->message);
	if (out >= 0)
		close(out);
	if (errfd >= 0)
		close(errfd);
	return ok;
}

/* Shows each new complete line of the guest's output as progress. */
static void vipi_progress(struct vipi_run *run)
{
	g_autofree char *text = NULL;
	gsize len;
	char *p, *nl;

	if (!g_file_get_contents(run->out, &text, &len, NULL) || (goffset)len <= run->seen)
		return;
	for (p = text + run->seen; (nl = memchr(p, '\n', text + len - p)); p = nl + 1) {
		*nl = 0;
		if (!strncmp(p, "RESULT ", 7) || !strncmp(p, "SKIP ", 5))
			pr_info("bench: vipi: %.*s", (int)MIN(strlen(p), 120), p);
	}
	run->seen = p - text;
}

/* Waits for `vipi run`; on the stop flag or the deadline, stops it the same way. */
static void vipi_wait(struct vipi_run *run)
{
	gint64 deadline = g_get_monotonic_time() + (run->o->timeout_s + 60) * G_USEC_PER_SEC;
	int sig = 0;
	pid_t r;

	while ((r = waitpid(run->pid, &run->status, WNOHANG)) != run->pid) {
		if (r < 0 && errno != EINTR) {
			run->status = 0xff00; /* lost track of it: as if it exited 255 */
			break;
		}
		vipi_progress(run);
		if (!sig && (*run->o->stop || g_get_monotonic_time() >= deadline)) {
			/* SIGTERM: vipi run tears the VM down and still writes --stats. */
			sig = SIGTERM;
			kill(run->pid, sig);
			deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
		} else if (sig == SIGTERM && g_get_monotonic_time() >= deadline) {
			sig = SIGKILL;
			kill(run->pid, sig);
		}
		g_usleep(VIPI_POLL_US);
	}
	vipi_progress(run);
	run->exited = true;
	g_spawn_close_pid(run->pid);
}

/* One vCPU's scalar counters (name -> guint64 *) from a snapshot's object (may be NULL). */
static GHashTable *vipi_vcpu_table(JsonObject *o)
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

/* "phase-N" -> array of per-vCPU tables, from the --stats JSON's snapshots. */
static GHashTable *vipi_snapshots(const char *path)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) err = NULL;
	GHashTable *snaps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)g_ptr_array_unref);
	JsonNode *root, *sn;
	JsonArray *a;

	if (!json_parser_load_from_file(parser, path, &err)) {
		pr_warn("bench: vipi: no stats: %s", err->message);
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
		JsonNode *vn = s ? json_object_get_member(s, "vcpus") : NULL;
		JsonArray *vcpus = vn && JSON_NODE_HOLDS_ARRAY(vn) ? json_node_get_array(vn) : NULL;
		GPtrArray *t;

		if (!label || !vcpus)
			continue;
		t = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
		for (guint k = 0; k < json_array_get_length(vcpus); k++) {
			JsonNode *v = json_array_get_element(vcpus, k);

			g_ptr_array_add(t, vipi_vcpu_table(JSON_NODE_HOLDS_OBJECT(v)
								   ? json_node_get_object(v)
								   : NULL));
		}
		/* A label marked twice: the last mark wins, as in vipi-phase.py. */
		g_hash_table_replace(snaps, g_strdup(label), t);
	}
	return snaps;
}

/* Moves every entry of FROM into TO (replacing). */
static void vipi_merge(GHashTable *to, GHashTable *from)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, from);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_iter_steal(&it);
		g_hash_table_replace(to, k, v);
	}
}

/*
 * The device's own figures at each mark, from vipi run's stderr lines
 * "vipi-dev phase N: k=v ...": label N -> (k -> value as a string).
 */
static GHashTable *vipi_dev_marks(const char *path)
{
	GHashTable *marks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						  (GDestroyNotify)g_hash_table_unref);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return marks;
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		char *p = strstr(*l, "vipi-dev phase "), *colon, *end;
		unsigned long label;
		GHashTable *kv, *m;

		if (!p || !(colon = strchr(p, ':')))
			continue;
		label = strtoul(p + strlen("vipi-dev phase "), &end, 10);
		if (end != colon)
			continue;
		m = g_hash_table_lookup(marks, GUINT_TO_POINTER(label));
		if (!m) {
			m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			g_hash_table_insert(marks, GUINT_TO_POINTER(label), m);
		}
		kv = phase_parse_result(colon + 1);
		vipi_merge(m, kv);
		g_hash_table_unref(kv);
	}
	return marks;
}

/* NAME at mark LABEL+1 minus at LABEL; NAN when the log lacks either. */
static double vipi_mark_delta(GHashTable *marks, unsigned long label, const char *name)
{
	GHashTable *a = g_hash_table_lookup(marks, GUINT_TO_POINTER(label));
	GHashTable *b = g_hash_table_lookup(marks, GUINT_TO_POINTER(label + 1));
	const char *va = a ? g_hash_table_lookup(a, name) : NULL;
	const char *vb = b ? g_hash_table_lookup(b, name) : NULL;

	if (!va || !vb)
		return NAN;
	return (double)g_ascii_strtoull(vb, NULL, 10) - (double)g_ascii_strtoull(va, NULL, 10);
}

struct vipi_data {
	GHashTable *snaps; /* "phase-N" -> per-vCPU tables */
	GHashTable *marks; /* N -> the device's log values */
};

/* A row from "RESULT METHOD SCENARIO k=v ..."; NULL (and a warning) if unusable. */
static struct bench_row *vipi_row(struct vipi_data *d, char **w)
{
	g_autoptr(GHashTable) res = phase_parse_result(w[3]);
	const char *ls = g_hash_table_lookup(res, "label");
	unsigned long label = ls ? strtoul(ls, NULL, 10) : 0;
	g_autofree char *k0 = g_strdup_printf("phase-%lu", label);
	g_autofree char *k1 = g_strdup_printf("phase-%lu", label + 1);
	g_autoptr(GPtrArray) delta = NULL;
	struct bench_row *row;
	double us, cpu_ns;

	if (label && !g_strcmp0(g_hash_table_lookup(res, "marked"), "1"))
		delta = phase_delta(g_hash_table_lookup(d->snaps, k0),
				    g_hash_table_lookup(d->snaps, k1));
	row = phase_row("vipi", w[1], w[2], delta, NULL, res, 0, vipi_no_stats);
	if (!row) {
		pr_warn("bench: vipi %s %s: no kick counts in '%s'", w[1], w[2], w[3]);
		return NULL;
	}
	if (!delta) {
		g_free(row->note);
		row->note = g_strdup_printf("no KVM snapshots for phase marks %lu/%lu", label,
					    label + 1);
	}
	/* The mark LABEL+1 is itself one userspace exit, not the kicks'. */
	us = vipi_mark_delta(d->marks, label, "userspace_exits") - 1;
	row->userspace_exits_per_kick = delta && us >= 0 ? us / row->kicks : NAN;
	cpu_ns = vipi_mark_delta(d->marks, label, "poller_cpu_ns");
	row->poller_cpu_seconds = cpu_ns / 1e9;
	if (isnan(us) || isnan(cpu_ns))
		pr_warn("bench: vipi %s %s: the device's log lacks phase %lu or %lu", w[1], w[2],
			label, label + 1);
	return row;
}

/* Rows from the guest's output, once `vipi run` has ended. */
static void vipi_collect(struct vipi_run *run, struct bench_report *r, bool *done)
{
	struct vipi_data d = { vipi_snapshots(run->stats), vipi_dev_marks(run->err) };
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	*done = false;
	if (g_file_get_contents(run->out, &text, NULL, NULL))
		lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; l && *l; l++) {
		g_auto(GStrv) w = g_strsplit(g_strchomp(*l), " ", 4);
		struct bench_row *row;

		if (!g_strcmp0(w[0], "DONE"))
			*done = true;
		if (g_strcmp0(w[0], "RESULT") || g_strv_length(w) < 4)
			continue;
		row = vipi_row(&d, w);
		if (row)
			g_ptr_array_add(r->rows, row);
	}
	g_hash_table_unref(d.snaps);
	g_hash_table_unref(d.marks);
}

/* The last lines of vipi run's stderr, for the one error line. */
static char *vipi_err_tail(const char *path)
{
	g_autofree char *text = NULL;
	size_t n;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_strdup("");
	g_strstrip(text);
	n = strlen(text);
	return g_strdup(text + (n > 300 ? n - 300 : 0));
}

bool vipi_bench_ipi(const struct bench_opts *o, struct bench_report *r)
{
	struct vipi_run run = { .o = o };
	g_autofree char *script = vipi_script();
	g_auto(GStrv) argv = NULL;
	guint first = r->rows->len;
	bool done = false, ok;

	if (!script)
		return false;
	run.out = g_build_filename(o->workdir, "vipi.out", NULL);
	run.err = g_build_filename(o->workdir, "vipi.err", NULL);
	run.stats = g_build_filename(o->workdir, "vipi-stats.json", NULL);
	argv = vipi_argv(&run, script);
	pr_info("bench: vipi: booting a %u-vCPU guest for %u kicks per phase", BENCH_VCPUS,
		o->kicks);
	ok = vipi_spawn(&run, argv);
	if (ok) {
		vipi_wait(&run);
		vipi_collect(&run, r, &done);
		ok = done && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0;
	}
	if (run.exited && !ok && !*o->stop) {
		g_autofree char *tail = vipi_err_tail(run.err);

		pr_err("bench: vipi: the guest did not finish (vipi run status %d): %s",
		       WIFEXITED(run.status) ? WEXITSTATUS(run.status) : 128 + WTERMSIG(run.status),
		       tail);
	}
	for (guint i = first; !ok && i < r->rows->len; i++)
		((struct bench_row *)g_ptr_array_index(r->rows, i))->partial = true;
	g_free(run.out);
	g_free(run.err);
	g_free(run.stats);
	return ok;
}
