// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/util/sandbox.c and its list, sandbox_rules.c: the list's shape, what
 * each class may and may not do, and the filters themselves, each loaded in
 * a forked child (a seccomp filter cannot be taken off again): allowed
 * calls pass, a forbidden one kills the child with SIGSYS after the one
 * line that names the call and the thread.
 */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <time.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/sandbox.h"

static bool allows(enum sandbox_class cls, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[6] = { a0, a1, a2 };

	return sandbox_allows(cls, SANDBOX_ALWAYS, nr, args);
}

static void test_list(void)
{
	for (unsigned int i = 0; i < sandbox_nr_rules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		g_assert_nonnull(r->name);
		g_assert_cmpuint(strlen(r->why), >, 5); /* each entry says why */
		g_assert_cmpint(r->nr, >=, 0);
		g_assert_cmpuint(r->classes, !=, 0);
		g_assert_cmpuint(r->classes >> SANDBOX_NR_CLASSES, ==, 0);
		g_assert_cmpint(r->arg, <, 6);
	}
}

/* The poller runs under the vCPU filter it inherited too: its list is within it. */
static void test_poller_within_vcpu(void)
{
	for (unsigned int i = 0; i < sandbox_nr_rules; i++)
		if (sandbox_rules[i].classes & (1u << SANDBOX_POLLER))
			g_assert_true(sandbox_rules[i].classes & (1u << SANDBOX_VCPU));
}

/* What no VMM thread needs, whatever it is made to do. */
static void test_never(void)
{
	const int never[] = { SYS_socket,
			      SYS_connect,
			      SYS_execve,
			      SYS_execveat,
			      SYS_ptrace,
			      SYS_fork,
			      SYS_vfork,
			      SYS_clone,
			      SYS_mount,
			      SYS_kill,
			      SYS_open_by_handle_at,
			      SYS_process_vm_writev,
			      SYS_bpf,
			      SYS_init_module };

	for (int c = 0; c < SANDBOX_NR_CLASSES; c++)
		for (size_t i = 0; i < G_N_ELEMENTS(never); i++) {
			uint64_t args[6] = { 0 };

			g_assert_false(sandbox_allows(c, SANDBOX_TRACE, never[i], args));
		}
}

static void test_ioctls(void)
{
	g_assert_true(allows(SANDBOX_VCPU, SYS_ioctl, 5, KVM_RUN, 0));
	g_assert_false(allows(SANDBOX_POLLER, SYS_ioctl, 5, KVM_RUN, 0));
	g_assert_false(allows(SANDBOX_MAIN, SYS_ioctl, 5, KVM_RUN, 0));
	g_assert_true(allows(SANDBOX_POLLER, SYS_ioctl, 5, KVM_SIGNAL_MSI, 0));
	g_assert_false(allows(SANDBOX_POLLER, SYS_ioctl, 5, KVM_IRQ_LINE, 0));
	g_assert_true(allows(SANDBOX_MAIN, SYS_ioctl, 0, TCSETS, 0));
	/* Setup's ioctls are over once a thread is confined. */
	for (int c = 0; c < SANDBOX_NR_CLASSES; c++) {
		g_assert_false(allows(c, SYS_ioctl, 5, KVM_CREATE_VCPU, 0));
		g_assert_false(allows(c, SYS_ioctl, 5, KVM_SET_USER_MEMORY_REGION, 0));
		g_assert_false(allows(c, SYS_ioctl, 5, KVM_SET_REGS, 0));
	}
}

static void test_args(void)
{
	g_assert_true(allows(SANDBOX_VCPU, SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE));
	g_assert_false(allows(SANDBOX_VCPU, SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC));
	g_assert_false(allows(SANDBOX_MAIN, SYS_mprotect, 0, 4096, PROT_EXEC));
	g_assert_true(allows(SANDBOX_VCPU, SYS_prctl, PR_SET_NAME, 0, 0));
	g_assert_false(allows(SANDBOX_VCPU, SYS_prctl, PR_SET_DUMPABLE, 0, 0));
	/* Files: the main thread's end; a vCPU only with --trace-exits. */
	g_assert_true(allows(SANDBOX_MAIN, SYS_openat, 0, 0, 0));
	g_assert_false(allows(SANDBOX_VCPU, SYS_openat, 0, 0, 0));
	g_assert_false(allows(SANDBOX_POLLER, SYS_openat, 0, 0, 0));
	g_assert_true(sandbox_allows(SANDBOX_VCPU, SANDBOX_TRACE, SYS_openat, (uint64_t[6]){ 0 }));
}

/* Runs FN in a forked child; its status, and what it wrote to stderr in *ERR. */
static int in_child(void (*fn)(void), char **err)
{
	int p[2], status;
	GString *s = g_string_new(NULL);
	char buf[256];
	ssize_t n;
	pid_t pid;

	g_assert_cmpint(pipe(p), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (!pid) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		/* No core file from the deaths this test asks for. */
		prctl(PR_SET_DUMPABLE, 0);
		fn();
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		g_string_append_len(s, buf, n);
	close(p[0]);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	*err = g_string_free(s, FALSE);
	return status;
}

static void confine(enum sandbox_class cls, const char *name)
{
	prctl(PR_SET_NAME, name);
	if (sandbox_prepare() || sandbox_enter(cls, SANDBOX_ALWAYS))
		_exit(3);
}

static void poller_socket(void)
{
	char c = 'x';

	confine(SANDBOX_POLLER, "vipi-poller");
	if (write(STDERR_FILENO, &c, 1) != 1) /* allowed */
		_exit(4);
	socket(AF_INET, SOCK_STREAM, 0);
	_exit(5);
}

static void test_forbidden_call(void)
{
	g_autofree char *err = NULL;
	int status = in_child(poller_socket, &err);

	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGSYS);
	g_assert_cmpstr(err, ==,
			"xvipi: sandbox: thread vipi-poller (poller) made a forbidden system call: "
			"socket (41); killed by SIGSYS\n");
}

static void poller_kvm_run(void)
{
	confine(SANDBOX_POLLER, "vipi-poller");
	ioctl(-1, KVM_RUN, 0);
	_exit(5);
}

static void test_forbidden_ioctl(void)
{
	g_autofree char *err = NULL;
	int status = in_child(poller_kvm_run, &err);

	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGSYS);
	g_assert_cmpstr(err, ==,
			"vipi: sandbox: thread vipi-poller (poller) made a forbidden system call: "
			"ioctl (16, request 0xae80); killed by SIGSYS\n");
}

/* The poller's start and the calls of its loop, under both filters. */
static void *poller_thread(void *arg)
{
	struct timespec ts;
	int r;

	pthread_setname_np(pthread_self(), "vipi-poller");
	r = sandbox_enter(SANDBOX_POLLER, SANDBOX_ALWAYS);
	if (!r && (poll(NULL, 0, 0) || clock_gettime(CLOCK_MONOTONIC, &ts) ||
		   ioctl(-1, KVM_SIGNAL_MSI, NULL) != -1))
		r = -EINVAL;
	return (void *)(intptr_t)r;
}

/* As the guest's ENABLE does: a vCPU starts the poller, which narrows its filter. */
static void *nothing(void *arg)
{
	return NULL;
}

static void vcpu_starts_poller(void)
{
	pthread_t t;
	void *ret;

	/* glibc's first pthread_create() sets up signal handlers; in vipi the
	 * main thread made the vCPU threads before any filter. */
	if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
		_exit(7);
	confine(SANDBOX_VCPU, "vcpu0");
	if (pthread_create(&t, NULL, poller_thread, NULL) || pthread_join(t, &ret) || ret)
		_exit(6);
	/* A vCPU thread never ends the process (exit_group): it ends itself. */
	syscall(SYS_exit, 0);
}

static void test_poller_from_vcpu(void)
{
	g_autofree char *err = NULL;
	int status;

	if (!SANDBOX_DEFAULT) {
		/* Its sched_getaffinity() and more: the reason for SANDBOX_DEFAULT. */
		g_test_skip("ASan's thread start makes calls the vCPU list does not allow");
		return;
	}
	status = in_child(vcpu_starts_poller, &err);
	g_assert_cmpstr(err, ==, "");
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sandbox/list", test_list);
	g_test_add_func("/sandbox/poller-within-vcpu", test_poller_within_vcpu);
	g_test_add_func("/sandbox/never", test_never);
	g_test_add_func("/sandbox/ioctls", test_ioctls);
	g_test_add_func("/sandbox/args", test_args);
	g_test_add_func("/sandbox/forbidden-call", test_forbidden_call);
	g_test_add_func("/sandbox/forbidden-ioctl", test_forbidden_ioctl);
	g_test_add_func("/sandbox/poller-from-vcpu", test_poller_from_vcpu);
	return g_test_run();
}
