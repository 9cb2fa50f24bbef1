// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU/KVM rows of the ipi suite. QEMU boots the kit kernel with the bench
 * initramfs; the guest's /init runs the module's stream per method and
 * scenario and marks each phase on its second serial port, a unix socket we
 * hold. At each mark we read every vCPU's KVM stats with QMP query-stats
 * and then answer "ACK"; the guest waits for it, so the snapshot brackets
 * exactly the stream plus the handshake. The handshake's own exits (the
 * mark and ACK bytes through the emulated UART, and the vCPU kick QEMU does
 * to read each vCPU's stats) are measured by a one-kick calibration phase
 * and recorded in each row (docs/measuring.md).
 */
#include <gio/gio.h>
#include <string.h>

#include "bench/ipi.h"
#include "bench/phase.h"
#include "bench/qemu.h"
#include "kvm/trace.h"
#include "util/life.h"
#include "util/log.h"

#define IPI_QEMU_READ_S 1 /* poll granularity for the stop flag and deadline */

struct ipi_qemu_run {
	const struct bench_opts *o;
	struct bench_report *r;
	struct qmp *qmp;
	GSocketConnection *mark;
	GDataInputStream *in;
	GPtrArray *begin;  /* snapshot at the last begin mark */
	GPtrArray *delta;  /* over the last begin..end */
	GHashTable *calib; /* "method scenario" -> delta of its calibration phase */
	double tsc_mhz;
	gint64 deadline;
	gint64 life_by;		/* the boot watchdog's port I/O check (util/life.h); 0 once done */
	gint64 init_by;		/* the guest's first line is due (util/life.h); 0 once seen */
	struct vm_trace *trace; /* exits by reason of QEMU's vCPU threads; NULL: none */
};

/*
 * The same instruments as the vipi rows: tracefs' exits by reason and ICR
 * writes of QEMU's vCPU threads (their ids from query-cpus-fast) added to
 * SNAP as "trace_<name>", the keys `vipi run --trace-exits` gives its
 * snapshots. Without them (not root, no tracefs) the rows just lack them.
 */
/* query-stats again after the histograms: each vCPU's TRACE_READ_SKEW. */
static void ipi_qemu_skew(struct ipi_qemu_run *run, GPtrArray *snap, GHashTable **counts)
{
	g_autoptr(GPtrArray) after = qmp_vcpu_stats(run->qmp, NULL);

	for (guint i = 0; after && i < snap->len && i < after->len; i++) {
		guint64 *b = g_hash_table_lookup(g_ptr_array_index(snap, i), "exits");
		guint64 *a = g_hash_table_lookup(g_ptr_array_index(after, i), "exits");

		if (a && b)
			trace_set_skew(counts[i], *b, *a);
	}
}

static void ipi_qemu_trace(struct ipi_qemu_run *run, GPtrArray *snap)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) tids = NULL;
	GHashTable **counts;

	if (!run->trace)
		return;
	tids = qmp_vcpu_tids(run->qmp, &err);
	if (!tids || tids->len != snap->len) {
		pr_warn("bench: qemu: no vCPU thread ids (%s): no exits by reason",
			err ? err->message : "vCPU count differs");
		g_clear_pointer(&run->trace, trace_close);
		return;
	}
	counts = trace_read(run->trace, (const pid_t *)tids->data, tids->len);
	if (!counts) {
		/* Closed for good: a phase never mixes traced and untraced marks. */
		pr_warn("bench: qemu: tracefs histograms unreadable or lossy: no exits by reason");
		g_clear_pointer(&run->trace, trace_close);
		return;
	}
	ipi_qemu_skew(run, snap, counts);
	for (guint i = 0; i < tids->len; i++) {
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, counts[i]);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_hash_table_replace(g_ptr_array_index(snap, i),
					     g_strdup_printf("trace_%s", (char *)k),
					     g_memdup2(v, sizeof(guint64)));
	}
	trace_counts_free(counts, tids->len);
}

static bool ipi_qemu_connect(struct ipi_qemu_run *run, GPid pid, bool *exited, GError **err)
{
	GSocketConnection *qmp = qemu_dial(run->o, pid, exited, "qmp", err);

	if (!qmp)
		return false;
	run->qmp = qmp_open(qmp, QEMU_CONNECT_MS, err);
	if (!run->qmp)
		return false;
	run->mark = qemu_dial(run->o, pid, exited, "mark", err);
	if (!run->mark)
		return false;
	g_socket_set_timeout(g_socket_connection_get_socket(run->mark), IPI_QEMU_READ_S);
	run->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(run->mark)));
	return true;
}

/* The next handshake line; NULL at EOF, on the deadline or when stopped. */
static char *ipi_qemu_read_line(struct ipi_qemu_run *run, GError **err)
{
	for (;;) {
		g_autoptr(GError) e = NULL;
		char *line = g_data_input_stream_read_line_utf8(run->in, NULL, NULL, &e);

		if (line) {
			run->life_by = run->init_by = 0; /* the init's line: the guest runs */
			return g_strchomp(line);
		}
		if (!e) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_CLOSED, "the guest ended early");
			return NULL;
		}
		if (!g_error_matches(e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
			g_propagate_error(err, g_steal_pointer(&e));
			return NULL;
		}
		if (*run->o->stop) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_CANCELLED, "interrupted");
			return NULL;
		}
		if (run->life_by && g_get_monotonic_time() >= run->life_by) {
			run->life_by = 0;
			if (!qemu_guest_alive(run->qmp, err))
				return NULL;
		}
		if (run->init_by && g_get_monotonic_time() >= run->init_by) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
				    "the guest did not reach its init in %d s (no line from it)",
				    VIPI_INIT_S);
			return NULL;
		}
		if (g_get_monotonic_time() >= run->deadline) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out after %u s",
				    run->o->timeout_s);
			return NULL;
		}
	}
}

static bool ipi_qemu_ack(struct ipi_qemu_run *run, GError **err)
{
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(run->mark));

	return g_output_stream_write_all(out, "ACK\n", 4, NULL, NULL, err);
}

/* "MARK begin|end METHOD SCENARIO": snapshot, then let the guest go on. */
static bool ipi_qemu_on_mark(struct ipi_qemu_run *run, char **w, GError **err)
{
	g_autoptr(GPtrArray) snap = qmp_vcpu_stats(run->qmp, err);

	if (!snap)
		return false;
	ipi_qemu_trace(run, snap);
	if (!g_strcmp0(w[1], "begin")) {
		g_clear_pointer(&run->begin, g_ptr_array_unref);
		run->begin = g_steal_pointer(&snap);
	} else {
		g_clear_pointer(&run->delta, g_ptr_array_unref);
		run->delta = phase_delta(run->begin, snap);
	}
	return ipi_qemu_ack(run, err);
}

/* "RESULT METHOD SCENARIO k=v ...": the first per pair is the calibration. */
static void ipi_qemu_on_result(struct ipi_qemu_run *run, char **w, const char *line)
{
	g_autofree char *key = g_strdup_printf("%s %s", w[1], w[2]);
	g_autoptr(GHashTable) res = NULL;
	struct bench_row *row;

	if (!g_hash_table_contains(run->calib, key)) {
		g_hash_table_insert(run->calib, g_steal_pointer(&key),
				    g_steal_pointer(&run->delta));
		return;
	}
	res = phase_parse_result(line);
	row = phase_row("qemu", w[1], w[2], run->delta, g_hash_table_lookup(run->calib, key), res,
			run->tsc_mhz, qemu_userspace_stats);
	if (!row) {
		pr_warn("bench: qemu %s %s: no kick counts in '%s'", w[1], w[2], line);
		return;
	}
	g_ptr_array_add(run->r->rows, row);
	pr_info("bench: qemu %s/%s: %.4f sender exits per kick over %" G_GUINT64_FORMAT " kicks",
		w[1], w[2], row->sender_exits_per_kick, row->kicks);
}

/* As vipi run --trace-exits does: one line when tracefs cannot be had. */
static void ipi_qemu_trace_open(struct ipi_qemu_run *run)
{
	g_autofree char *why = NULL;

	if (!run->o->trace_exits)
		return;
	run->trace = trace_open(&why);
	if (!run->trace)
		pr_warn("bench: qemu: no exits by reason: %s", why ? why : "tracefs unavailable");
}

/* Follows the guest's handshake until DONE. */
static bool ipi_qemu_converse(struct ipi_qemu_run *run, GError **err)
{
	for (;;) {
		g_autofree char *line = ipi_qemu_read_line(run, err);
		g_auto(GStrv) w = NULL;

		if (!line)
			return false;
		w = g_strsplit(line, " ", 4);
		if (!g_strcmp0(w[0], "DONE"))
			return true;
		if (!g_strcmp0(w[0], "MARK") && g_strv_length(w) >= 4) {
			if (!ipi_qemu_on_mark(run, w, err))
				return false;
		} else if (!g_strcmp0(w[0], "RESULT") && g_strv_length(w) >= 4) {
			ipi_qemu_on_result(run, w, w[3]);
		} else if (!g_strcmp0(w[0], "TSC_MHZ") && w[1]) {
			run->tsc_mhz = g_ascii_strtod(w[1], NULL);
		} else if (!g_strcmp0(w[0], "SKIP")) {
			pr_warn("bench: qemu: skipped %s", line + 5);
		}
	}
}

static char *ipi_qemu_append(const struct bench_opts *o, char **methods)
{
	g_autofree char *m = g_strjoinv(",", methods);
	g_autofree char *s = g_strjoinv(",", o->scenarios);

	return g_strdup_printf("vipi_bench.kicks=%u vipi_bench.roundtrips=%u "
			       "vipi_bench.methods=%s vipi_bench.scenarios=%s",
			       o->kicks, o->roundtrips, m, s);
}

/* QEMU has no vipi device: it runs the methods that need none. */
static GStrv ipi_qemu_methods(const struct bench_opts *o)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	for (char **m = o->methods; *m; m++)
		if (!strcmp(*m, "native") || !strcmp(*m, "kvm-pv"))
			g_strv_builder_add(b, *m);
	return g_strv_builder_end(b);
}

/* Talks to the guest of QEMU PID until it is done; its end and the error line. */
static int ipi_qemu_talk(struct ipi_qemu_run *run, GPid pid)
{
	g_autoptr(GError) err = NULL;
	bool ok = false, exited = false;

	if (ipi_qemu_connect(run, pid, &exited, &err))
		ok = ipi_qemu_converse(run, &err);
	if (!ok) {
		g_autofree char *how = NULL;

		/* Its own end first: a QEMU that closed the handshake and died says how. */
		if (!exited) {
			how = qemu_describe_exit(qemu_reap(pid, G_USEC_PER_SEC));
			exited = true;
		}
		qemu_report_failure(run->o, err ? err->message : "failed", how);
	}
	/* The guest powers off after DONE; a stuck one is killed. */
	if (!exited)
		qemu_reap(pid, ok ? 10 * G_USEC_PER_SEC : 0);
	return ok ? 0 : bench_errno(err);
}

int bench_ipi_qemu(const struct bench_opts *o, struct bench_report *r)
{
	g_auto(GStrv) methods = ipi_qemu_methods(o);
	g_autofree char *initrd = NULL, *append = NULL;
	struct ipi_qemu_run run = { .o = o, .r = r };
	g_auto(GStrv) argv = NULL;
	gint64 now;
	GPid pid;
	int ret;

	if (!*methods)
		return 0;
	ret = bench_initramfs(o, "bench.cpio.gz", "guest-bench.sh", &initrd);
	if (ret)
		return ret;
	append = ipi_qemu_append(o, methods);
	argv = qemu_argv(o, initrd, append, true);
	pr_info("bench: qemu: booting a %u-vCPU guest for %s", BENCH_VCPUS, append);
	ret = qemu_spawn(o, argv, &pid);
	if (ret)
		return ret;
	now = g_get_monotonic_time();
	run.deadline = now + (gint64)o->timeout_s * G_USEC_PER_SEC;
	run.life_by = now + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC;
	run.init_by = now + (gint64)VIPI_INIT_S * G_USEC_PER_SEC;
	run.calib = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)g_ptr_array_unref);
	ipi_qemu_trace_open(&run);
	ret = ipi_qemu_talk(&run, pid);
	trace_close(run.trace);
	g_spawn_close_pid(pid);
	g_clear_object(&run.in);
	g_clear_object(&run.mark);
	qmp_close(run.qmp);
	g_clear_pointer(&run.begin, g_ptr_array_unref);
	g_clear_pointer(&run.delta, g_ptr_array_unref);
	g_hash_table_unref(run.calib);
	return ret;
}
