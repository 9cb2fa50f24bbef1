// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's command line, process and sockets. QEMU boots the kit kernel with
 * a bench initramfs; its QMP monitor and, for the ipi rows, the guest's
 * second serial port are abstract unix sockets named after the bench's
 * work directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/qemu.h"
#include "util/life.h"
#include "util/log.h"

const char *const qemu_userspace_stats[] = { "io_exits", "mmio_exits", NULL };

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

int qemu_spawn(const struct bench_opts *o, char **argv, GPid *pid)
{
	g_autofree char *log = g_build_filename(o->workdir, "qemu.log", NULL);
	g_autoptr(GError) err = NULL;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), ret = 0;

	if (fd < 0) {
		ret = -errno;
		pr_err("bench: cannot create %s: %s", log, g_strerror(-ret));
		return ret;
	}
	if (!g_spawn_async_with_fds(NULL, argv, NULL,
				    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
				    pid, -1, fd, fd, &err)) {
		pr_err("bench: cannot start QEMU: %s", err->message);
		ret = bench_errno(err);
	}
	close(fd);
	return ret;
}

static GSocketConnection *qemu_connect_to(const char *name)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketAddress) addr =
		g_unix_socket_address_new_with_type(name, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);

	return g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL, NULL);
}

GSocketConnection *qemu_dial(const struct bench_opts *o, GPid pid, bool *exited, const char *what,
			     GError **err)
{
	g_autofree char *name = qemu_sock_name(o, what);
	gint64 deadline = g_get_monotonic_time() + QEMU_CONNECT_MS * 1000;
	int status;

	for (;;) {
		GSocketConnection *c = qemu_connect_to(name);

		if (c)
			return c;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			*exited = true;
			g_set_error(err, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "QEMU exited before its %s socket was up", what);
			return NULL;
		}
		if (*o->stop || g_get_monotonic_time() >= deadline) {
			g_set_error(err, G_IO_ERROR,
				    *o->stop ? G_IO_ERROR_CANCELLED : G_IO_ERROR_TIMED_OUT,
				    *o->stop ? "interrupted" : "no %s socket from QEMU", what);
			return NULL;
		}
		g_usleep(50000);
	}
}

int qemu_reap(GPid pid, gint64 grace_us)
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

char *qemu_describe_exit(int status)
{
	if (status < 0)
		return g_strdup("still running (killed)");
	if (WIFSIGNALED(status))
		return g_strdup_printf("killed by signal %d", WTERMSIG(status));
	return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
}

void qemu_report_failure(const struct bench_opts *o, const char *why, const char *how)
{
	g_autofree char *log = g_build_filename(o->workdir, "qemu.log", NULL);
	g_autofree char *con = g_build_filename(o->workdir, "console.log", NULL);
	g_autofree char *text = NULL, *ctext = NULL;

	g_file_get_contents(log, &text, NULL, NULL);
	g_file_get_contents(con, &ctext, NULL, NULL);
	pr_err("bench: qemu: %s%s%s%s%s", why, how ? "; QEMU " : "", how ? how : "",
	       text && *text ? "; QEMU said: " : "", text ? g_strstrip(text) : "");
	if (ctext && *ctext)
		pr_err("bench: qemu: guest console ends: %s",
		       g_strstrip(ctext) + MAX(0, (int)strlen(g_strstrip(ctext)) - 300));
}

bool qemu_guest_alive(struct qmp *q, GError **err)
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
	g_autoptr(GError) err = NULL;
	GSocketConnection *c = qemu_connect_to(name);
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
