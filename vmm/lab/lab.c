// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host side of the lab. The job (argv, environment, working directory and the
 * path of this binary) goes into a fresh directory under /tmp, which the lab
 * machine sees at the same path through its 9p view of our root. The guest
 * side (guest.c) writes the command's stdout and stderr into that directory
 * as it runs, and its exit status last; we copy the output to our own stdout
 * and stderr while QEMU runs, so it streams live.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "lab/console.h"
#include "lab/job.h"
#include "lab/lab.h"
#include "lab/monitor.h"
#include "kvm/hostkvm.h"
#include "util/log.h"

#define LAB_POLL_MS 20
/*
 * A lab machine that has not started the command by then is stuck in its
 * own boot (seen: the kernel's crypto self-test spinning forever under
 * TCG, soft lockup for 500 s before any job). Nothing of the job has run
 * yet, so booting once more is safe. A quiet machine starts the command in
 * 5-7 s; the margin is for a loaded host.
 */
#define LAB_START_S 45

static volatile sig_atomic_t lab_signal, lab_signals;

static void lab_on_signal(int sig)
{
	lab_signal = sig;
	lab_signals++;
}

void lab_config_init(struct lab_config *cfg)
{
	const char *kit = g_getenv("VIPI_KIT");

	*cfg = (struct lab_config){
		.cpus = LAB_DEFAULT_CPUS,
		.mem_mib = LAB_DEFAULT_MEM_MIB,
		.kit_dir = kit && *kit ? kit : VIPI_KIT_DIR,
	};
}

bool lab_mode_parse(const char *s, enum lab_mode *mode)
{
	static const char *const names[] = {
		[LAB_AUTO] = "auto", [LAB_NEVER] = "never", [LAB_ALWAYS] = "always"
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (!g_strcmp0(s, names[i])) {
			*mode = i;
			return true;
		}
	}
	pr_err("--lab takes auto, never or always, not '%s'", s ? s : "");
	return false;
}

bool lab_machine(void)
{
	return g_getenv(LAB_MACHINE_ENV) != NULL;
}

enum lab_place lab_place(enum lab_mode mode, char **why)
{
	enum hostkvm_verdict v;
	g_autofree char *reason = NULL;

	*why = NULL;
	/* One vipi command starts at most one lab machine, never one inside it. */
	if (lab_machine())
		mode = LAB_NEVER;
	if (mode == LAB_ALWAYS) {
		*why = g_strdup("--lab always");
		return LAB_PLACE_LAB;
	}
	v = hostkvm_check(&reason);
	if (v == HOSTKVM_USABLE)
		return LAB_PLACE_HOST;
	if (v == HOSTKVM_NOPERM) {
		*why = g_steal_pointer(&reason);
		return LAB_PLACE_NOPERM;
	}
	if (mode == LAB_AUTO) {
		*why = g_steal_pointer(&reason);
		return LAB_PLACE_LAB;
	}
	*why = g_strdup_printf("%s: %s", lab_machine() ? "inside the lab machine" : "--lab never",
			       reason);
	return LAB_PLACE_NONE;
}

/*
 * Installs our handlers for the run and returns the old ones in OLD. SIGHUP
 * (the terminal went away) is one of them: by default it would kill us and
 * leave QEMU running with the job directory.
 */
static void lab_trap_signals(struct sigaction old[3])
{
	struct sigaction sa = { .sa_handler = lab_on_signal };

	sigemptyset(&sa.sa_mask);
	lab_signal = 0;
	lab_signals = 0;
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sigaction(SIGHUP, &sa, &old[2]);
}

static void lab_restore_signals(const struct sigaction old[3])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
}

static char **lab_qemu_argv(const struct lab_config *cfg, const struct lab_job *job,
			    const char *qemu)
{
	GPtrArray *a = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("%s", qemu);
	ARG("-accel"), ARG("tcg,thread=multi");
	/*
	 * TCG's "max" model advertises SVM and NPT: nested KVM with kvm-amd. Its
	 * own family, 15 (K8), makes every guest scan all 256 PCI buses for a
	 * GART twice, 34,000 port I/O exits a boot (docs/lab.md).
	 */
	ARG("-cpu"), ARG("max,family=23,model=49,stepping=0");
	/* CPU 0 is the machine's own; the job gets the others (guest_off_cpu0()). */
	ARG("-smp"), ARG("%u", cfg->cpus + 1);
	ARG("-m"), ARG("%u", cfg->mem_mib);
	ARG("-nodefaults"), ARG("-no-user-config"), ARG("-display"), ARG("none");
	ARG("-no-reboot");
	ARG("-kernel"), ARG("%s/vmlinuz", cfg->kit_dir);
	ARG("-initrd"), ARG("%s/lab.cpio.gz", cfg->kit_dir);
	/* cryptomgr.notests: a self-test once spun forever under TCG (LAB_START_S). */
	ARG("-append"),
		ARG("console=ttyS0 quiet panic=-1 mitigations=off cryptomgr.notests vipi.job=%s",
		    job->dir);
	ARG("-serial"), ARG("file:%s/console.log", job->dir);
	/* For a machine that stops answering: its CPUs, read live (docs/lab.md). */
	ARG("-qmp"), ARG("unix:%s/" LAB_MONITOR_SOCK ",server=on,wait=off", job->dir);
	ARG("-virtfs"),
		ARG("local,path=/,mount_tag=host,security_model=none,multidevs=remap,id=host");
#undef ARG
	if (cfg->console) {
		g_auto(GStrv) con = lab_console_qemu_args(job->dir);

		for (char **p = con; *p; p++)
			g_ptr_array_add(a, g_strdup(*p));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* QEMU's pid, or -errno after one line. */
static pid_t lab_spawn(char **argv, const char *log_path)
{
	pid_t pid;
	int log_fd;

	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return pr_errno(-errno, "lab: cannot start QEMU");
	pid = fork();
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDONLY);

		dup2(null_fd, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		signal(SIGINT, SIG_IGN); /* we decide when QEMU dies */
		execvp(argv[0], argv);
		dprintf(log_fd, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		pid = pr_errno(-errno, "lab: cannot start QEMU");
	close(log_fd);
	return pid;
}

/*
 * Whether a signal ends the lab machine now. With a grace period the first
 * one is passed on to the command (which then ends with its own status); a
 * second signal, or the end of the grace period, stops the machine.
 */
static bool lab_signal_stops(const struct lab_config *cfg, struct lab_job *job, gint64 *grace_end)
{
	if (!cfg->signal_grace_s || lab_signals > 1)
		return true;
	if (!*grace_end) {
		if (!lab_job_signal(job, lab_signal))
			return true;
		*grace_end = g_get_monotonic_time() + (gint64)cfg->signal_grace_s * G_USEC_PER_SEC;
	}
	return g_get_monotonic_time() >= *grace_end;
}

/*
 * Waits for PID, copying the job's output meanwhile, and the keys of CON
 * (NULL: none) to the machine. Returns how it ended.
 */
static enum lab_end lab_supervise(const struct lab_config *cfg, struct lab_job *job,
				  struct lab_console *con, pid_t pid, gint64 deadline, int *wstatus)
{
	gint64 start_by = g_get_monotonic_time() + (gint64)LAB_START_S * G_USEC_PER_SEC;
	gint64 grace_end = 0;
	bool started = false;

	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);

		lab_job_pump(job);
		if (r == pid)
			return LAB_END_EXITED;
		if (r < 0 && errno != EINTR)
			return LAB_END_EXITED;
		if (lab_signal && lab_signal_stops(cfg, job, &grace_end))
			return LAB_END_SIGNAL;
		if (deadline && g_get_monotonic_time() >= deadline)
			return LAB_END_TIMEOUT;
		if (!started && !(started = lab_job_started(job)) &&
		    g_get_monotonic_time() >= start_by)
			return LAB_END_NOSTART;
		if (con)
			lab_console_pump(con, started, LAB_POLL_MS);
		else
			g_usleep(LAB_POLL_MS * 1000);
	}
}

/* One lab machine, from QEMU's start to its end (killed unless it exited). */
static enum lab_end lab_boot(const struct lab_config *cfg, struct lab_job *job,
			     struct lab_console *con, char **qargv, gint64 deadline, int *wstatus)
{
	g_autofree char *log_path = g_build_filename(job->dir, "qemu.log", NULL);
	pid_t pid = lab_spawn(qargv, log_path);
	enum lab_end end;

	if (pid < 0)
		return LAB_END_NOSPAWN;
	end = lab_supervise(cfg, job, con, pid, deadline, wstatus);
	/* A machine that ran out of time: where its CPUs were, before they go. */
	if (end == LAB_END_TIMEOUT)
		job->look = lab_monitor_look(job->dir);
	if (end != LAB_END_EXITED) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		lab_job_pump(job);
	}
	return end;
}

/* QEMU exited: the command's status if it wrote one, else why not. */
static void lab_finish(struct lab_job *job, int wstatus, struct lab_result *res)
{
	g_autofree char *why = NULL;

	if (lab_job_status(job, &res->status)) {
		res->end = LAB_END_EXITED;
		return;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127) {
		why = lab_job_tail(job, "qemu.log");
		pr_err("lab: QEMU did not start: %s", why ? why : "no message");
		res->end = LAB_END_NOQEMU;
		return;
	}
	why = lab_job_tail(job, "console.log");
	if (!why)
		why = lab_job_tail(job, "qemu.log");
	pr_err("lab: the lab machine stopped without the command's exit status: %s",
	       why ? why : "no console output");
	res->end = LAB_END_NOSTATUS;
}

static bool lab_kit_ok(const struct lab_config *cfg)
{
	const char *need[] = { "vmlinuz", "lab.cpio.gz" };

	for (size_t i = 0; i < G_N_ELEMENTS(need); i++) {
		g_autofree char *p = g_build_filename(cfg->kit_dir, need[i], NULL);

		if (access(p, R_OK)) {
			pr_err("lab: no %s in the kit %s (run 'make kit', or set VIPI_KIT)",
			       need[i], cfg->kit_dir);
			return false;
		}
	}
	return true;
}

/* Says why the machine did not exit by itself (END); the job's tail where it helps. */
static void lab_report_end(const struct lab_config *cfg, struct lab_job *job, enum lab_end end)
{
	g_autofree char *why = NULL;

	switch (end) {
	case LAB_END_NOSTART:
		why = lab_job_tail(job, "console.log");
		pr_err("lab: the lab machine did not start the command within %d s, twice: %s",
		       LAB_START_S, why ? why : "no console output");
		break;
	case LAB_END_TIMEOUT:
		pr_err("lab: timed out after %u s; the lab machine was stopped; its CPUs then: %s",
		       cfg->timeout_s, job->look ? job->look : "no answer from its monitor");
		break;
	case LAB_END_SIGNAL:
		pr_err("lab: interrupted; the lab machine was stopped");
		break;
	default:
		break;
	}
}

int lab_run(const struct lab_config *cfg, char *const argv[], struct lab_result *res)
{
	g_autofree char *qemu = NULL;
	g_auto(GStrv) qargv = NULL;
	struct sigaction old[3];
	struct lab_console console, *con = NULL;
	struct lab_job job;
	gint64 deadline;
	int wstatus = 0, r;

	*res = (struct lab_result){ .end = LAB_END_NOSTATUS };
	qemu = g_find_program_in_path("qemu-system-x86_64");
	if (!qemu) {
		pr_err("lab: %s, and the lab needs QEMU: apt-get install qemu-system-x86",
		       cfg->why ? cfg->why : "no usable /dev/kvm");
		return -ENOPKG;
	}
	if (!lab_kit_ok(cfg))
		return -ENOPKG;
	if (!cfg->quiet)
		pr_info("%s: running in the lab (QEMU TCG, nested KVM); "
			"timings are emulated, exit counts are exact",
			cfg->why ? cfg->why : "no usable /dev/kvm");

	r = lab_job_create(&job, argv);
	if (!r && cfg->console && !(r = lab_console_create(&console, job.dir)))
		con = &console;
	if (r) {
		lab_job_destroy(&job);
		return r;
	}
	qargv = lab_qemu_argv(cfg, &job, qemu);
	deadline = cfg->timeout_s ? g_get_monotonic_time() + (gint64)cfg->timeout_s * G_USEC_PER_SEC
				  : 0;
	lab_trap_signals(old);
	res->end = lab_boot(cfg, &job, con, qargv, deadline, &wstatus);
	if (res->end == LAB_END_NOSTART) {
		/* Read now: the next boot truncates it. */
		g_autofree char *tail = lab_job_tail(&job, "console.log");

		/* Nothing of the job ran: one more boot is safe (see LAB_START_S). */
		pr_warn("lab: the lab machine did not start the command within %d s "
			"(stuck in its boot; console: %s); booting it again",
			LAB_START_S, tail ? tail : "nothing");
		res->end = lab_boot(cfg, &job, con, qargv, deadline, &wstatus);
	}
	if (con) /* the terminal as it was, before any line of ours */
		lab_console_destroy(con);
	if (res->end == LAB_END_EXITED)
		lab_finish(&job, wstatus, res);
	else
		lab_report_end(cfg, &job, res->end);
	res->signal = lab_signal;
	lab_restore_signals(old);
	lab_job_destroy(&job);
	return 0;
}
