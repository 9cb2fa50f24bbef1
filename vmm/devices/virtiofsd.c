// SPDX-License-Identifier: GPL-2.0-only
/* virtiofsd started, watched and stopped (virtiofsd.h says how and why). */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/virtiofsd.h"
#include "util/log.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define VFSD_MOUNT_ATTR_RDONLY 0x1
#define VFSD_STOP_MS	       1000
#define VFSD_REPLY_TIMEOUT_S   10

const char *virtiofsd_find(void)
{
	const char *p = g_getenv("VIPI_VIRTIOFSD") ? g_getenv("VIPI_VIRTIOFSD") : VIRTIOFSD_PATH;

	return access(p, X_OK) ? NULL : p;
}

/*
 * In the child: a private mount namespace in which SOURCE and everything
 * under it is read-only. "/" is a mount's root already (a bind over it
 * would not be seen through "/"); any other source is bound onto itself so
 * that mount_setattr() has a mount root to work on.
 */
static int vfsd_readonly(const char *source)
{
	struct {
		uint64_t attr_set, attr_clr, propagation, userns_fd;
	} attr = { .attr_set = VFSD_MOUNT_ATTR_RDONLY };

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	if (strcmp(source, "/") && mount(source, source, NULL, MS_BIND | MS_REC, NULL))
		return -1;
	return syscall(SYS_mount_setattr, AT_FDCWD, source, AT_RECURSIVE, &attr, sizeof(attr));
}

/* Between fork and exec: system calls only, the strings made before. */
static G_NORETURN void vfsd_child(const char *bin, char **argv, const char *source, bool ro,
				  int lfd, int log_fd, pid_t parent)
{
	sigset_t none;
	int null_fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* vipi blocks SIGINT/SIGTERM/SIGHUP and ignores SIGPIPE: not the daemon. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null_fd = open("/dev/null", O_RDWR);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
		_exit(127);
	/* dup2() onto itself keeps FD_CLOEXEC: clear it by hand then. */
	if (lfd == 3 ? fcntl(3, F_SETFD, 0) : dup2(lfd, 3) < 0)
		_exit(127);
	if (ro && vfsd_readonly(source)) {
		dprintf(2, "cannot make %s read-only for virtiofsd: %s\n", source, strerror(errno));
		_exit(126);
	}
	syscall(SYS_close_range, 4, ~0U, 0);
	execv(bin, argv);
	dprintf(2, "cannot run %s: %s\n", bin, strerror(errno));
	_exit(127);
}

static char **vfsd_argv(const char *source)
{
	GPtrArray *a = g_ptr_array_new();
	/* Its own sandbox; errors only on its stderr (our memfd). */
	const char *const fixed[] = { "virtiofsd",  "--fd=3", "-o",
				      "cache=auto", "-o",     "log_level=err" };

	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(a, g_strdup(fixed[i]));
	/*
	 * Its namespace sandbox pivots into the source, which cannot be done
	 * onto the root it stands in (pivot_root: EBUSY): "/" gets its chroot
	 * sandbox (seccomp and capabilities the same) in our read-only mount
	 * namespace.
	 */
	g_ptr_array_add(a, g_strdup("-o"));
	g_ptr_array_add(a, g_strdup(strcmp(source, "/") ? "sandbox=namespace" : "sandbox=chroot"));
	g_ptr_array_add(a, g_strdup("-o"));
	g_ptr_array_add(a, g_strdup_printf("source=%s", source));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* A listening socket at *PATH in a fresh private directory *DIR under BASE. */
static int vfsd_listen_in(const char *base, char **dir, char **path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	*dir = g_build_filename(base, "vipi-fs.XXXXXX", NULL);
	if (!g_mkdtemp(*dir)) {
		r = -errno;
		g_clear_pointer(dir, g_free);
		return r;
	}
	*path = g_build_filename(*dir, "vhost-user.sock", NULL);
	if (strlen(*path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, *path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/*
 * In $TMPDIR (or /tmp), else in /dev/shm: the lab's /tmp is the host's
 * over 9p, which cannot hold a socket (ENXIO); its /dev/shm is a tmpfs.
 */
static int vfsd_listen(char **dir, char **path)
{
	const char *const bases[] = { g_get_tmp_dir(), "/dev/shm" };
	int fd = -ENOENT;

	for (size_t i = 0; i < G_N_ELEMENTS(bases); i++) {
		fd = vfsd_listen_in(bases[i], dir, path);
		if (fd >= 0)
			return fd;
		if (*dir)
			rmdir(*dir);
		g_clear_pointer(dir, g_free);
		g_clear_pointer(path, g_free);
	}
	return pr_errno(fd, "virtio-fs: a private socket for virtiofsd (in %s or /dev/shm)",
			g_get_tmp_dir());
}

static int vfsd_connect(struct virtiofsd *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = VFSD_REPLY_TIMEOUT_S };

	strcpy(sa.sun_path, path);
	d->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->sock < 0 || connect(d->sock, (struct sockaddr *)&sa, sizeof(sa)))
		return pr_errno(-errno, "virtio-fs: connecting to virtiofsd");
	/* A daemon that hangs rather than dies must not hang the run. */
	setsockopt(d->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int vfsd_spawn(struct virtiofsd *d, const char *bin, const char *source, bool readonly,
		      int lfd)
{
	g_auto(GStrv) argv = vfsd_argv(source);
	pid_t parent = getpid();

	d->log_fd = memfd_create("virtiofsd-stderr", MFD_CLOEXEC);
	if (d->log_fd < 0)
		return pr_errno(-errno, "virtio-fs: memfd_create");
	d->pid = fork();
	if (d->pid < 0) {
		d->pid = 0;
		return pr_errno(-errno, "virtio-fs: fork");
	}
	if (!d->pid)
		vfsd_child(bin, argv, source, readonly, lfd, d->log_fd, parent);
	d->pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	if (d->pidfd < 0)
		return pr_errno(-errno, "virtio-fs: pidfd_open");
	return 0;
}

int virtiofsd_start(const char *source, bool readonly, struct virtiofsd *d)
{
	const char *bin = virtiofsd_find();
	g_autofree char *dir = NULL, *path = NULL;
	int lfd, r;

	*d = (struct virtiofsd){ .pidfd = -1, .sock = -1, .log_fd = -1, .source = source };
	if (!bin) {
		pr_err("--rootfs/--rwdir need virtiofsd (%s): apt-get install %s",
		       g_getenv("VIPI_VIRTIOFSD") ? g_getenv("VIPI_VIRTIOFSD") : VIRTIOFSD_PATH,
		       VIRTIOFSD_PACKAGE);
		return -ENOPKG;
	}
	lfd = vfsd_listen(&dir, &path);
	r = lfd < 0 ? lfd : vfsd_spawn(d, bin, source, readonly, lfd);
	if (!r)
		r = vfsd_connect(d, path);
	/* Connected (or failed): the socket's name has served its purpose. */
	if (path)
		unlink(path);
	if (dir)
		rmdir(dir);
	if (lfd >= 0)
		close(lfd);
	if (r)
		virtiofsd_stop(d);
	return r;
}

/* The daemon's last line on its stderr, or NULL. */
static char *vfsd_last_line(int fd)
{
	char buf[512];
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t n;
	char *nl;

	if (end <= 0)
		return NULL;
	n = pread(fd, buf, MIN((off_t)sizeof(buf) - 1, end), MAX(end - (off_t)sizeof(buf) + 1, 0));
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	g_strchomp(buf);
	nl = strrchr(buf, '\n');
	return g_strdup(nl ? nl + 1 : buf);
}

bool virtiofsd_dead(struct virtiofsd *d, char **why)
{
	struct pollfd p = { .fd = d->pidfd, .events = POLLIN };
	siginfo_t si = { 0 };
	g_autofree char *line = NULL;
	g_autofree char *how = NULL;

	if (d->pidfd < 0 || poll(&p, 1, 0) != 1)
		return false;
	if (!syscall(SYS_waitid, P_PIDFD, d->pidfd, &si, WEXITED, NULL)) {
		how = si.si_code == CLD_EXITED
			      ? g_strdup_printf("exit status %d", si.si_status)
			      : g_strdup_printf("killed by signal %d", si.si_status);
		d->pid = 0;
	}
	line = vfsd_last_line(d->log_fd);
	*why = g_strdup_printf("%s%s%s", how ? how : "exited", line ? ": " : "", line ? line : "");
	return true;
}

void virtiofsd_stop(struct virtiofsd *d)
{
	struct pollfd p = { .fd = d->pidfd, .events = POLLIN };

	/* Disconnected, it leaves its loop and exits on its own. */
	if (d->sock >= 0)
		close(d->sock);
	d->sock = -1;
	if (d->pid > 0) {
		if (d->pidfd < 0) { /* pidfd_open() failed, before any filter */
			kill(d->pid, SIGKILL);
			waitpid(d->pid, NULL, 0);
		} else {
			if (poll(&p, 1, VFSD_STOP_MS) != 1)
				syscall(SYS_pidfd_send_signal, d->pidfd, SIGKILL, NULL, 0);
			syscall(SYS_waitid, P_PIDFD, d->pidfd, NULL, WEXITED, NULL);
		}
	}
	d->pid = 0;
	if (d->pidfd >= 0)
		close(d->pidfd);
	if (d->log_fd >= 0)
		close(d->log_fd);
	d->pidfd = d->log_fd = -1;
}
