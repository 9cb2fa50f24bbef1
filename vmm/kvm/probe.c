// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe guest: one vCPU entered in exactly the state vipi's 64-bit boot
 * entry gives a bzImage (vmm/boot/entry.c: long mode, flat GDT, CS 0x10,
 * identity-mapped page tables, the supported CPUID). It must
 *  1. write to a port a value that only 64-bit decoding yields,
 *  2. run a 2-million-instruction loop with next to no exits, which only
 *     hardware virtualization does: an emulating KVM exits all through it,
 *  3. write its own CS selector, which must be the one it was given.
 * A real VMX or SVM KVM passes in a millisecond. PVM passes 1 and 3 (its
 * instruction emulator runs such a guest) and fails 2, with about 2,000
 * exits in 1.5 s; an unmodified kernel spins there without an I/O exit.
 * Any other KVM that cannot run a PC guest fails, or hangs until the
 * timeout ends it.
 *
 * It runs in a child process, so that a KVM_RUN that never returns, or
 * anything the probe leaves behind, dies with the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "boot/boot.h"
#include "kvm/hostkvm.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"

#define PROBE_MEM      0x10000 /* GDT at 0x500, code at 0x1000, page tables at 0x9000 */
#define PROBE_CODE_GPA 0x1000
#define PROBE_PORT_LM  0x10
#define PROBE_PORT_CS  0x11
#define PROBE_LM_VALUE 0x11223344u
#define PROBE_EXITS    8 /* it needs two */
/*
 * The loop takes under a millisecond in hardware (some milliseconds in the
 * lab's TCG), so a timer interrupt's exit or two at most; PVM: ~2,000.
 */
#define PROBE_LOOPS	     1000000
#define PROBE_LOOP_EXITS_MAX 64

/* clang-format off */
static const uint8_t probe_code[] = {
	/* movabs $0x1122334455667788, %rax: in 32-bit mode this is dec/mov/garbage */
	0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	0x48, 0xc1, 0xe8, 0x20,	/* shr $32, %rax */
	0xe7, PROBE_PORT_LM,	/* out %eax, $PROBE_PORT_LM */
	0xb9, PROBE_LOOPS & 0xff, (PROBE_LOOPS >> 8) & 0xff,	/* mov $PROBE_LOOPS, %ecx */
	(PROBE_LOOPS >> 16) & 0xff, PROBE_LOOPS >> 24,
	0xff, 0xc9, 0x75, 0xfc,	/* 1: dec %ecx; jnz 1b */
	0x8c, 0xc8,		/* mov %cs, %eax */
	0xe7, PROBE_PORT_CS,	/* out %eax, $PROBE_PORT_CS */
	0xf4,			/* hlt */
};
/* clang-format on */

struct probe {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	uint8_t *mem;
	uint16_t cs; /* the selector it was given */
	char *msg;
	size_t len;
};

static int probe_fail(struct probe *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int probe_fail(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, p->len, fmt, ap);
	va_end(ap);
	return -EPROTO;
}

/* A system call other than an ioctl failed (errno). */
static int probe_errno(struct probe *p, const char *what)
{
	return probe_fail(p, "failed at %s: %s", what, strerror(errno));
}

/* The probe's vm_ioctl() (kvm.h): RET, or -EPROTO with a message naming NAME. */
#define probe_ioctl(p, fd, cmd, arg) probe_check(p, __kvm_ioctl(fd, cmd, arg), #cmd)

static int probe_check(struct probe *p, int ret, const char *name)
{
	return ret < 0 ? probe_fail(p, "failed at %s: %s", name, strerror(-ret)) : ret;
}

static int probe_create(struct probe *p)
{
	struct kvm_userspace_memory_region slot = { .memory_size = PROBE_MEM };
	int size, r;

	p->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (p->kvm < 0)
		return probe_errno(p, "open /dev/kvm");
	p->vm = probe_ioctl(p, p->kvm, KVM_CREATE_VM, 0);
	if (p->vm < 0)
		return p->vm;
	p->mem = mmap(NULL, PROBE_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->mem == MAP_FAILED)
		return probe_errno(p, "mmap");
	slot.userspace_addr = (uintptr_t)p->mem;
	r = probe_ioctl(p, p->vm, KVM_SET_USER_MEMORY_REGION, &slot);
	if (r < 0)
		return r;
	p->vcpu = probe_ioctl(p, p->vm, KVM_CREATE_VCPU, 0);
	if (p->vcpu < 0)
		return p->vcpu;
	size = probe_ioctl(p, p->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return size;
	p->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, p->vcpu, 0);
	if (p->run == MAP_FAILED)
		return probe_errno(p, "mmap of kvm_run");
	return 0;
}

/* The boot entry state of vmm/boot/entry.c, with RIP at the probe's code. */
static int probe_setup(struct probe *p)
{
	g_autofree struct kvm_cpuid2 *cpuid = NULL;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int r;

	r = probe_check(p, kvm_get_supported_cpuid(p->kvm, &cpuid), "KVM_GET_SUPPORTED_CPUID");
	if (!r)
		r = probe_ioctl(p, p->vcpu, KVM_SET_CPUID2, cpuid);
	if (r < 0)
		return r;
	boot_pagetables(p->mem);
	boot_gdt(p->mem);
	memcpy(p->mem + PROBE_CODE_GPA, probe_code, sizeof(probe_code));
	r = probe_ioctl(p, p->vcpu, KVM_GET_SREGS, &sregs);
	if (r < 0)
		return r;
	boot_sregs(&sregs);
	p->cs = sregs.cs.selector;
	r = probe_ioctl(p, p->vcpu, KVM_SET_SREGS, &sregs);
	if (r < 0)
		return r;
	boot_regs(&regs);
	regs.rip = PROBE_CODE_GPA;
	r = probe_ioctl(p, p->vcpu, KVM_SET_REGS, &regs);
	return r < 0 ? r : 0;
}

/* Runs it to its second port write; 0 when both writes were right. */
static int probe_run(struct probe *p)
{
	bool long_mode = false;
	uint64_t e0 = 0, e1 = 0;
	int sfd = probe_ioctl(p, p->vcpu, KVM_GET_STATS_FD, NULL);

	if (sfd < 0)
		return sfd;

	for (int n = 0; n < PROBE_EXITS; n++) {
		struct kvm_run *run = p->run;
		int r = probe_ioctl(p, p->vcpu, KVM_RUN, 0);
		uint32_t data;

		if (r < 0)
			return r;
		if (run->exit_reason != KVM_EXIT_IO) {
			const char *name = kvm_exit_name(run->exit_reason);

			return probe_fail(p, "stopped with KVM exit %s (%u) before its I/O",
					  name ? name : "?", run->exit_reason);
		}
		if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1)
			return probe_fail(p, "made a %u-byte I/O at port %#x it does not make",
					  run->io.size, run->io.port);
		memcpy(&data, (uint8_t *)run + run->io.data_offset, sizeof(data));
		if (run->io.port == PROBE_PORT_LM) {
			if (data != PROBE_LM_VALUE)
				return probe_fail(p, "did not run in long mode (port %#x got %#x)",
						  PROBE_PORT_LM, data);
			long_mode = true;
			if (stats_fd_get(sfd, "exits", &e0))
				return probe_fail(p, "has no readable \"exits\" stat");
		} else if (run->io.port == PROBE_PORT_CS && long_mode) {
			if ((data & 0xffff) != p->cs)
				return probe_fail(p, "ran with CS %#x, not the %#x it was given",
						  data & 0xffff, p->cs);
			if (stats_fd_get(sfd, "exits", &e1))
				return probe_fail(p, "has no readable \"exits\" stat");
			/* e1 counts the CS port write itself. */
			if (e1 - e0 > PROBE_LOOP_EXITS_MAX)
				return probe_fail(p,
						  "ran %d instructions with %" PRIu64
						  " exits: emulated, not in hardware",
						  2 * PROBE_LOOPS, e1 - e0);
			return 0;
		} else {
			return probe_fail(p, "wrote port %#x out of order", run->io.port);
		}
	}
	return probe_fail(p, "made more than %d exits", PROBE_EXITS);
}

/* The child's side: its verdict goes up the pipe as text ("" when it passed). */
static G_NORETURN void probe_child(int out, unsigned int timeout_ms)
{
	char msg[256] = "";
	struct probe p = { .kvm = -1, .vm = -1, .vcpu = -1, .msg = msg, .len = sizeof(msg) };
	int r;

	/* Dies with vipi, and by itself if the parent's kill never comes. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(timeout_ms / 1000 + 2);
	r = probe_create(&p);
	if (!r)
		r = probe_setup(&p);
	if (!r)
		r = probe_run(&p);
	if (write(out, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(r ? 1 : 0);
}

/* Reads the child's message until EOF or DEADLINE_US; false on the deadline. */
static bool probe_read(int fd, gint64 deadline_us, GString *msg)
{
	char buf[256];

	for (;;) {
		gint64 left = deadline_us - g_get_monotonic_time();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (left <= 0)
			return false;
		if (poll(&pfd, 1, (int)MAX(left / 1000, 1)) < 0 && errno != EINTR)
			return false;
		if (!pfd.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		g_string_append_len(msg, buf, n);
	}
}

int hostkvm_probe(unsigned int timeout_ms, char **why)
{
	g_autoptr(GString) msg = g_string_new(NULL);
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	int fds[2], wstatus;
	bool in_time;
	pid_t pid;

	*why = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		*why = g_strdup_printf("could not start: fork: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		close(fds[0]);
		probe_child(fds[1], timeout_ms);
	}
	close(fds[1]);
	in_time = probe_read(fds[0], deadline, msg);
	close(fds[0]);
	if (!in_time)
		kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (!in_time) {
		*why = g_strdup_printf("did not reach its first I/O within %u ms", timeout_ms);
		return -ETIMEDOUT;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	if (WIFSIGNALED(wstatus))
		*why = g_strdup_printf("died of signal %d (%s)", WTERMSIG(wstatus),
				       strsignal(WTERMSIG(wstatus)));
	else
		*why = g_strdup(msg->len ? msg->str : "failed without a word");
	return -EPROTO;
}
