// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest side of the lab: PID 1 of the lab machine, chrooted into the host's
 * root (9p). Runs the job's command with the caller's environment and working
 * directory, its output appended to the job's files, then records the exit
 * status and reboots, which ends QEMU (-no-reboot).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#include "lab/lab.h"
#include "util/log.h"

/* How often PID 1 looks for a signal from the host (a 9p lookup each time). */
#define GUEST_POLL_MS 250

extern char **environ;

/* A NUL-separated file as a NULL-terminated vector. */
static char **guest_read_vec(const char *dir, const char *name)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	g_autofree char *s = NULL;
	GPtrArray *v;
	gsize len;

	if (!g_file_get_contents(p, &s, &len, NULL))
		return NULL;
	v = g_ptr_array_new();
	for (gsize off = 0; off < len; off += strlen(s + off) + 1)
		g_ptr_array_add(v, g_strdup(s + off));
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

static int guest_open_out(const char *dir, const char *name)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);

	return open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
}

static void guest_write_status(const char *dir, int status)
{
	g_autofree char *tmp = g_build_filename(dir, "status.tmp", NULL);
	g_autofree char *dst = g_build_filename(dir, "status", NULL);
	g_autofree char *s = g_strdup_printf("%d\n", status);

	/* Written last and renamed: the host never reads a half status. */
	if (g_file_set_contents(tmp, s, -1, NULL))
		rename(tmp, dst);
}

/*
 * The command's stdin: with the host's terminal on it (console.h), the
 * machine's ttyS1, raw so that every key reaches the command as typed and
 * nothing echoes here; else /dev/null. Opened before the host sees the
 * command started, so no key arrives before the port is ready for it.
 */
static int guest_open_in(const char *dir)
{
	g_autofree char *fifo = g_build_filename(dir, "console.in", NULL);
	struct termios t;
	int fd;

	if (!g_file_test(fifo, G_FILE_TEST_EXISTS))
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &t)) {
		pr_warn("lab: no console on /dev/ttyS1: %s", strerror(errno));
		return fd < 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : fd;
	}
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
	return fd;
}

static G_NORETURN void guest_exec(char **argv, char **env, const char *cwd, int in, int out,
				  int err)
{
	dup2(in, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	setsid();
	if (cwd && chdir(cwd)) {
		dprintf(STDERR_FILENO, "vipi lab: cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	/* execvp searches the PATH of environ: make it the caller's. */
	environ = env;
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "vipi lab: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* A cgroup v2 hierarchy, mounted only while the job's cpuset is set up. */
#define GUEST_CGROUP "/sys/fs/cgroup"

int lab_sysfs_write(const char *path, const char *text)
{
	ssize_t len = strlen(text), n;
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	r = n == len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return r;
}

/*
 * Puts PID 1, and so the job it forks, in a cpuset of CPUS. Affinity alone
 * is advice the job can undo: libvirt sets every QEMU it starts to all
 * online CPUs (the watch test's domain ran its vCPUs on CPU 0 that way); a
 * cpuset bounds every later sched_setaffinity() in the job. The hierarchy is
 * unmounted again (the cgroup stays while it has members) so that a job
 * finds no cgroup mount, as before: one that found it could move its
 * processes into cgroups of its own, outside this one (libvirtd can).
 */
static int guest_cpuset(const char *cpus)
{
	g_autofree char *pid = g_strdup_printf("%d", getpid());
	int r;

	if (mount("cgroup2", GUEST_CGROUP, "cgroup2", 0, NULL))
		return -errno;
	r = lab_sysfs_write(GUEST_CGROUP "/cgroup.subtree_control", "+cpuset");
	if (!r && mkdir(GUEST_CGROUP "/vipi-job", 0755) && errno != EEXIST)
		r = -errno;
	if (!r)
		r = lab_sysfs_write(GUEST_CGROUP "/vipi-job/cpuset.cpus", cpus);
	if (!r)
		r = lab_sysfs_write(GUEST_CGROUP "/vipi-job/cgroup.procs", pid);
	umount2(GUEST_CGROUP, MNT_DETACH);
	return r;
}

/*
 * The job runs on every CPU but CPU 0 (lab.c gives the machine one more).
 * QEMU's TCG (7.2 and 10.0) clears IGNNE on FXRSTOR/XRSTOR with an unlocked
 * read-modify-write of the *first* CPU's hflags2 (cpu_clear_ignne(), called
 * from any vCPU thread). When CPU 0 runs a nested guest, its own updates of
 * hflags2 at VMRUN, #VMEXIT, CLGI and STGI race with that write and can be
 * lost: a lost NPT bit makes the L2 guest triple-fault, a lost GIF leaves
 * CPU 0 deaf to interrupts and the machine hangs. Kept off CPU 0, KVM never
 * enters a guest there, and CPU 0's hflags2 no longer changes while a job
 * runs (docs/lab.md, "A lab machine that dies"). A cpuset, not only the
 * affinity, so that the job cannot undo it (guest_cpuset()).
 */
static void guest_off_cpu0(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	g_autofree char *cpus = NULL;
	cpu_set_t set;
	int r;

	if (n < 2)
		return;
	cpus = n > 2 ? g_strdup_printf("1-%ld", n - 1) : g_strdup("1");
	r = guest_cpuset(cpus);
	/* Joining the cpuset set PID 1's affinity to it already. */
	if (!r)
		return;
	pr_warn("lab: no cpuset for the job (%s): only its affinity keeps it off CPU 0",
		strerror(-r));
	CPU_ZERO(&set);
	for (long cpu = 1; cpu < n && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		pr_warn("lab: cannot keep the job off CPU 0: %s", strerror(errno));
}

/* The signal the host passed on (JOBDIR/signal), 0 while there is none. */
static int guest_signal(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "signal", NULL);
	g_autofree char *text = NULL;
	int sig;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	sig = atoi(text);
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP ? sig : 0;
}

/* Waits for CHILD: 0 with its wait status in *WSTATUS, or -errno. */
static int guest_wait(const char *dir, pid_t child, int *wstatus)
{
	bool signalled = false;
	int sig;
	pid_t r;

	/*
	 * As PID 1 we also reap the command's orphans until it is done, and
	 * pass a signal from the host on to the command's process group, as a
	 * terminal's ^C would be.
	 */
	for (;;) {
		r = waitpid(-1, wstatus, WNOHANG);
		if (r == child)
			return 0;
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0)
			return pr_errno(-errno, "lab: waitpid");
		if (!signalled && (sig = guest_signal(dir))) {
			kill(-child, sig);
			signalled = true;
		}
		g_usleep(GUEST_POLL_MS * 1000);
	}
}

int lab_guest_run(const char *dir, int *wstatus)
{
	g_auto(GStrv) argv = guest_read_vec(dir, "argv");
	g_auto(GStrv) env = guest_read_vec(dir, "env");
	g_autofree char *cwdp = g_build_filename(dir, "cwd", NULL);
	g_autofree char *startp = g_build_filename(dir, "started", NULL);
	g_autofree char *cwd = NULL;
	int out = guest_open_out(dir, "stdout");
	int err = guest_open_out(dir, "stderr");
	int in = guest_open_in(dir);
	pid_t child;

	g_file_get_contents(cwdp, &cwd, NULL, NULL);
	lab_pin_text();
	/* The host's sign that this machine booted (lab.c retries one that did not). */
	g_file_set_contents(startp, "", 0, NULL);
	if (!argv || !argv[0] || !env || in < 0 || out < 0 || err < 0) {
		dprintf(err >= 0 ? err : 2, "vipi lab: job %s is incomplete\n", dir);
		return -EFAULT;
	}
	/* A vipi in the job keeps its guests here (lab_place()). */
	env = g_environ_setenv(env, LAB_MACHINE_ENV, "1", TRUE);
	guest_off_cpu0();
	child = fork();
	if (child == 0)
		guest_exec(argv, env, cwd, in, out, err);
	if (child < 0)
		return pr_errno(-errno, "lab: fork");
	return guest_wait(dir, child, wstatus);
}

void lab_guest_finish(const char *dir, int status)
{
	guest_write_status(dir, status);
	sync();
	reboot(RB_AUTOBOOT);
}
