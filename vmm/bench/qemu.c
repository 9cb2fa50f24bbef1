// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU/KVM baseline. QEMU boots the kit kernel with the bench initramfs;
 * the guest's /init runs the module's stream per method and scenario and
 * marks each phase on its second serial port, a unix socket we hold. At
 * each mark we read every vCPU's KVM stats with QMP query-stats and then
 * answer "ACK"; the guest waits for it, so the snapshot brackets exactly
 * the stream plus the handshake. The handshake's own exits (the mark and
 * ACK bytes through the emulated UART, and the vCPU kick QEMU does to read
 * each vCPU's stats) are measured by a one-kick calibration phase and
 * recorded in each row (docs/measuring.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/phase.h"
#include "bench/qemu.h"
#include "bench/qmp.h"
#include "boot/boot.h"
#include "config.h"
#include "util/life.h"
#include "util/log.h"

/* QEMU starts slowly in the lab: its binary and libraries come over 9p under TCG. */
#define QEMU_CONNECT_MS 120000
#define QEMU_READ_S	1 /* poll granularity for the stop flag and deadline */

/* QEMU's KVM_EXIT_IO and _MMIO reach userspace (io_exits includes ioeventfd ones). */
static const char *const qemu_userspace_stats[] = { "io_exits", "mmio_exits", NULL };

struct qemu_run {
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
	gint64 life_by; /* the boot watchdog's port I/O check (util/life.h); 0 once done */
	gint64 init_by; /* the guest's first line is due (util/life.h); 0 once seen */
};

/*
 * The kit's guest initramfs (busybox, the vipi modules at /lib/vipi/) with
 * a second, uncompressed archive appended whose /init replaces the kit's:
 * the kernel unpacks both in order, the later file winning. Building it
 * this way costs no busybox links or cpio runs, which are slow in the lab.
 */
char *bench_initramfs(const struct bench_opts *o, const char *name, const char *init)
{
	g_autofree char *out = g_build_filename(o->workdir, name, NULL);
	g_autofree char *script = g_build_filename(VIPI_SOURCE_DIR, "vmm/bench", init, NULL);
	g_autofree char *kit = g_build_filename(o->kit_dir, "bench.cpio.gz", NULL);
	g_autofree char *base = NULL, *text = NULL;
	g_autoptr(GByteArray) a = NULL;
	g_autoptr(GError) err = NULL;
	gsize base_len, text_len;

	if (!g_file_get_contents(kit, &base, &base_len, &err) ||
	    !g_file_get_contents(script, &text, &text_len, &err)) {
		pr_err("bench: initramfs: %s (build the kit: ninja -C build)", err->message);
		return NULL;
	}
	a = g_byte_array_new_take((guint8 *)g_steal_pointer(&base), base_len);
	/* The next archive starts on a 4-byte boundary. */
	while (a->len & 3)
		g_byte_array_append(a, (const guint8 *)"", 1);
	cpio_add(a, "init", S_IFREG | 0755, text, text_len);
	cpio_finish(a);
	/* Written to a temporary name and renamed. */
	if (!g_file_set_contents(out, (const char *)a->data, a->len, &err)) {
		pr_err("bench: initramfs: %s", err->message);
		return NULL;
	}
	return g_steal_pointer(&out);
}

/* An abstract socket name unique to this bench run: its work directory's name. */
static char *qemu_sock_name(const struct bench_opts *o, const char *what)
{
	g_autofree char *base = g_path_get_basename(o->workdir);

	return g_strdup_printf("%s.%s", base, what);
}

char **qemu_argv(const struct bench_opts *o, const char *initrd, const char *extra_append,
		 bool handshake)
{
	g_autofree char *qmp = qemu_sock_name(o, "qmp");
	GPtrArray *a = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("qemu-system-x86_64");
	ARG("-accel"), ARG("kvm");
	/* -cpu host: x2APIC and KVM's PV IPI feature bit, as a cloud guest sees them. */
	ARG("-cpu"), ARG("host");
	ARG("-smp"), ARG("%u", BENCH_VCPUS);
	ARG("-m"), ARG("%u", BENCH_GUEST_MIB);
	ARG("-nodefaults"), ARG("-no-user-config"), ARG("-display"), ARG("none");
	ARG("-no-reboot");
	ARG("-kernel"), ARG("%s/vmlinuz", o->kit_dir);
	ARG("-initrd"), ARG("%s", initrd);
	ARG("-append"), ARG("console=ttyS0 quiet panic=-1 reboot=k%s%s", extra_append ? " " : "",
			    extra_append ? extra_append : "");
	ARG("-serial"), ARG("file:%s/console.log", o->workdir);
	/*
	 * Abstract sockets: in the lab /tmp is the host's over 9p, where a
	 * unix socket cannot be bound (ENXIO). QMP serves the boot suite's
	 * watchdog too.
	 */
	ARG("-chardev"), ARG("socket,id=qmp,path=%s,abstract=on,server=on,wait=off", qmp);
	ARG("-mon"), ARG("chardev=qmp,mode=control");
	if (handshake) {
		g_autofree char *mark = qemu_sock_name(o, "mark");

		ARG("-chardev"), ARG("socket,id=mark,path=%s,abstract=on,server=on,wait=off", mark);
		ARG("-serial"), ARG("chardev:mark");
	}
#undef ARG
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/*
 * Connects to QEMU's abstract socket WHAT, retrying until QEMU listens on it;
 * gives up when QEMU exits first (then reaped, *EXITED set), on the stop flag
 * or after QEMU_CONNECT_MS.
 */
static GSocketConnection *qemu_dial(const struct bench_opts *o, GPid pid, bool *exited,
				    const char *what, GError **err)
{
	g_autofree char *name = qemu_sock_name(o, what);
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketAddress) addr =
		g_unix_socket_address_new_with_type(name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
	gint64 deadline = g_get_monotonic_time() + QEMU_CONNECT_MS * 1000;
	int status;

	for (;;) {
		GSocketConnection *c =
			g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL, NULL);

		if (c)
			return c;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			*exited = true;
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "QEMU exited before its %s socket was up", what);
			return NULL;
		}
		if (*o->stop || g_get_monotonic_time() >= deadline) {
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
				    *o->stop ? "interrupted" : "no %s socket from QEMU", what);
			return NULL;
		}
		g_usleep(50000);
	}
}

static bool qemu_connect(struct qemu_run *run, GPid pid, bool *exited, GError **err)
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
	g_socket_set_timeout(g_socket_connection_get_socket(run->mark), QEMU_READ_S);
	run->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(run->mark)));
	return true;
}

/* The boot watchdog (util/life.h): any port I/O or MMIO exit on any vCPU. */
static bool qemu_guest_alive(struct qmp *q, GError **err)
{
	g_autoptr(GPtrArray) snap = qmp_vcpu_stats(q, err);
	guint64 io = 0, all = 0;

	if (!snap)
		return false;
	for (guint i = 0; i < snap->len; i++) {
		GHashTable *h = g_ptr_array_index(snap, i);
		const guint64 *v;

		for (const char *const *n = qemu_userspace_stats; *n; n++)
			if ((v = g_hash_table_lookup(h, *n)))
				io += *v;
		if ((v = g_hash_table_lookup(h, "exits")))
			all += *v;
	}
	if (io)
		return true;
	g_set_error(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		    "no sign of life from the guest in %d s: no port I/O or MMIO exit "
		    "(%" G_GUINT64_FORMAT " KVM exits); this KVM may not run it",
		    VIPI_LIFE_S, all);
	return false;
}

bool qemu_boot_alive(const struct bench_opts *o, char **why)
{
	g_autofree char *name = qemu_sock_name(o, "qmp");
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketAddress) addr =
		g_unix_socket_address_new_with_type(name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
	g_autoptr(GError) err = NULL;
	GSocketConnection *c =
		g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL, NULL);
	struct qmp *q = c ? qmp_open(c, QEMU_CONNECT_MS, NULL) : NULL;
	bool alive;

	/* No QMP: QEMU is ending, and its exit status tells how. */
	if (!q)
		return true;
	alive = qemu_guest_alive(q, &err);
	if (!alive)
		*why = g_strdup(err->message);
	qmp_close(q);
	return alive;
}

/* The next handshake line; NULL at EOF, on the deadline or when stopped. */
static char *qemu_read_line(struct qemu_run *run, GError **err)
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

static bool qemu_ack(struct qemu_run *run, GError **err)
{
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(run->mark));

	return g_output_stream_write_all(out, "ACK\n", 4, NULL, NULL, err);
}

/* "MARK begin|end METHOD SCENARIO": snapshot, then let the guest go on. */
static bool qemu_on_mark(struct qemu_run *run, char **w, GError **err)
{
	g_autoptr(GPtrArray) snap = qmp_vcpu_stats(run->qmp, err);

	if (!snap)
		return false;
	if (!g_strcmp0(w[1], "begin")) {
		g_clear_pointer(&run->begin, g_ptr_array_unref);
		run->begin = g_steal_pointer(&snap);
	} else {
		g_clear_pointer(&run->delta, g_ptr_array_unref);
		run->delta = phase_delta(run->begin, snap);
	}
	return qemu_ack(run, err);
}

/* "RESULT METHOD SCENARIO k=v ...": the first per pair is the calibration. */
static void qemu_on_result(struct qemu_run *run, char **w, const char *line)
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

/* Follows the guest's handshake until DONE. */
static bool qemu_converse(struct qemu_run *run, GError **err)
{
	for (;;) {
		g_autofree char *line = qemu_read_line(run, err);
		g_auto(GStrv) w = NULL;

		if (!line)
			return false;
		w = g_strsplit(line, " ", 4);
		if (!g_strcmp0(w[0], "DONE"))
			return true;
		if (!g_strcmp0(w[0], "MARK") && g_strv_length(w) >= 4) {
			if (!qemu_on_mark(run, w, err))
				return false;
		} else if (!g_strcmp0(w[0], "RESULT") && g_strv_length(w) >= 4) {
			qemu_on_result(run, w, w[3]);
		} else if (!g_strcmp0(w[0], "TSC_MHZ") && w[1]) {
			run->tsc_mhz = g_ascii_strtod(w[1], NULL);
		} else if (!g_strcmp0(w[0], "SKIP")) {
			pr_warn("bench: qemu: skipped %s", line + 5);
		}
	}
}

static char *qemu_append(const struct bench_opts *o, char **methods)
{
	g_autofree char *m = g_strjoinv(",", methods);
	g_autofree char *s = g_strjoinv(",", o->scenarios);

	return g_strdup_printf("vipi_bench.kicks=%u vipi_bench.roundtrips=%u "
			       "vipi_bench.methods=%s vipi_bench.scenarios=%s",
			       o->kicks, o->roundtrips, m, s);
}

/* QEMU has no vipi device: it runs the methods that need none. */
static GStrv qemu_methods(const struct bench_opts *o)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	for (char **m = o->methods; *m; m++)
		if (!strcmp(*m, "native") || !strcmp(*m, "kvm-pv"))
			g_strv_builder_add(b, *m);
	return g_strv_builder_end(b);
}

/* Waits up to GRACE_US for QEMU, then kills it; returns its wait status. */
static int qemu_reap(GPid pid, gint64 grace_us)
{
	gint64 end = g_get_monotonic_time() + grace_us;
	int status = 0;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (g_get_monotonic_time() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1; /* we killed it */
		}
		g_usleep(20000);
	}
	return status;
}

/* How QEMU ended, for the error line of a run cut short. */
static char *qemu_describe_exit(int status)
{
	if (status < 0)
		return g_strdup("still running (killed)");
	if (WIFSIGNALED(status))
		return g_strdup_printf("killed by signal %d", WTERMSIG(status));
	return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
}

static bool qemu_spawn(const struct bench_opts *o, char **argv, GPid *pid)
{
	g_autofree char *log = g_build_filename(o->workdir, "qemu.log", NULL);
	g_autoptr(GError) err = NULL;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0) {
		pr_err("bench: cannot create %s: %s", log, g_strerror(errno));
		return false;
	}
	ok = g_spawn_async_with_fds(NULL, argv, NULL,
				    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
				    pid, -1, fd, fd, &err);
	close(fd);
	if (!ok)
		pr_err("bench: cannot start QEMU: %s", err->message);
	return ok;
}

bool qemu_bench_ipi(const struct bench_opts *o, struct bench_report *r)
{
	g_auto(GStrv) methods = qemu_methods(o);
	g_autofree char *initrd = NULL, *append = NULL;
	g_autoptr(GError) err = NULL;
	struct qemu_run run = { .o = o, .r = r };
	g_auto(GStrv) argv = NULL;
	bool ok = false, exited = false;
	GPid pid;

	if (!*methods)
		return true;
	initrd = bench_initramfs(o, "bench.cpio.gz", "guest-bench.sh");
	if (!initrd)
		return false;
	append = qemu_append(o, methods);
	argv = qemu_argv(o, initrd, append, true);
	pr_info("bench: qemu: booting a %u-vCPU guest for %s", BENCH_VCPUS, append);
	if (!qemu_spawn(o, argv, &pid))
		return false;
	run.deadline = g_get_monotonic_time() + (gint64)o->timeout_s * G_USEC_PER_SEC;
	run.life_by = g_get_monotonic_time() + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC;
	run.init_by = g_get_monotonic_time() + (gint64)VIPI_INIT_S * G_USEC_PER_SEC;
	run.calib = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)g_ptr_array_unref);
	if (qemu_connect(&run, pid, &exited, &err))
		ok = qemu_converse(&run, &err);
	if (!ok) {
		g_autofree char *log = g_build_filename(o->workdir, "qemu.log", NULL);
		g_autofree char *text = NULL;

		g_autofree char *con = g_build_filename(o->workdir, "console.log", NULL);
		g_autofree char *ctext = NULL;
		g_autofree char *how = NULL;

		/* Its own end first: a QEMU that closed the handshake and died says how. */
		if (!exited) {
			how = qemu_describe_exit(qemu_reap(pid, G_USEC_PER_SEC));
			exited = true;
		}
		g_file_get_contents(log, &text, NULL, NULL);
		g_file_get_contents(con, &ctext, NULL, NULL);
		pr_err("bench: qemu: %s%s%s%s%s", err ? err->message : "failed",
		       how ? "; QEMU " : "", how ? how : "", text && *text ? "; QEMU said: " : "",
		       text ? g_strstrip(text) : "");
		if (ctext && *ctext)
			pr_err("bench: qemu: guest console ends: %s",
			       g_strstrip(ctext) + MAX(0, (int)strlen(g_strstrip(ctext)) - 300));
	}
	/* The guest powers off after DONE; a stuck one is killed. */
	if (!exited)
		qemu_reap(pid, ok ? 10 * G_USEC_PER_SEC : 0);
	g_spawn_close_pid(pid);
	g_clear_object(&run.in);
	g_clear_object(&run.mark);
	qmp_close(run.qmp);
	g_clear_pointer(&run.begin, g_ptr_array_unref);
	g_clear_pointer(&run.delta, g_ptr_array_unref);
	g_hash_table_unref(run.calib);
	return ok;
}
