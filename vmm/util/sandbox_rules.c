// SPDX-License-Identifier: GPL-2.0-only
/*
 * What each thread of `vipi run` may do once the machine is set up: the one
 * list of the sandbox (sandbox.h), with why each entry is there. Anything
 * else traps. Found by reading the code and by strace -f of runs in the lab
 * (docs/robustness.md, "Sandbox").
 *
 * The classes: MAIN is the main thread (cli/run_loop.c: the signalfd, the
 * end eventfd, the console, the watchdog; then the run's end, its report and
 * teardown, which it does sandboxed too). VCPU is each vCPU thread (KVM_RUN
 * and every device model, which runs on the vCPU that trapped). POLLER is
 * the vipi poller (devices/vipi_poller.c).
 *
 * The guest starts the poller by a register write, so on a vCPU thread:
 * the poller inherits the vCPU filter and adds its own, and a call passes
 * only if both allow it. So every poller entry is a vCPU entry too (PV,
 * tests/unit/test-sandbox.c checks it), and VCPU lists what creating a
 * thread takes (clone3, rseq, set_robust_list, the poller's name, affinity
 * and filter).
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "util/sandbox.h"

#define M   (1u << SANDBOX_MAIN)
#define V   (1u << SANDBOX_VCPU)
#define P   (1u << SANDBOX_POLLER)
#define ALL (M | V | P)
/* The poller's: also the vCPU filter's, which the poller inherits (above). */
#define PV (P | V)

/* Any arguments. */
#define ANY(sys, cls, why_)                                                                        \
	{                                                                                          \
		SCMP_SYS(sys), #sys, cls, SANDBOX_ALWAYS, -1, 0, 0, why_                           \
	}
/* Only with --trace-exits. */
#define TRACE(sys, cls, why_)                                                                      \
	{                                                                                          \
		SCMP_SYS(sys), #sys, cls, SANDBOX_TRACE, -1, 0, 0, why_                            \
	}
/* Only with --trace-exits, argument ARG (its low 32 bits) equal to VALUE. */
#define TRACE_ARG(sys, arg_, v, cls, why_)                                                         \
	{                                                                                          \
		SCMP_SYS(sys), #sys "(" #v ")", cls, SANDBOX_TRACE, arg_, 0, v, why_               \
	}
/* Argument ARG (its low 32 bits) equal to VALUE. */
#define ARG(sys, arg_, v, cls, why_)                                                               \
	{                                                                                          \
		SCMP_SYS(sys), #sys "(" #v ")", cls, SANDBOX_ALWAYS, arg_, 0, v, why_              \
	}
/* Argument ARG with the bits of MASK all clear. */
#define CLEAR(sys, arg_, m, cls, why_)                                                             \
	{                                                                                          \
		SCMP_SYS(sys), #sys "(no " #m ")", cls, SANDBOX_ALWAYS, arg_, m, 0, why_           \
	}
/* ioctl(fd, REQ, ...): the request compared as the kernel does, 32 bits. */
#define IOCTL(req, cls, why_)                                                                      \
	{                                                                                          \
		SCMP_SYS(ioctl), #req, cls, SANDBOX_ALWAYS, 1, 0, req, why_                        \
	}

const struct sandbox_rule sandbox_rules[] = {
	/* ioctls, by request number. */
	IOCTL(KVM_RUN, V, "the vCPU's loop"),
	IOCTL(KVM_IRQ_LINE, M | V,
	      "the UARTs' interrupt edges: the guest's register writes (vCPU), console input "
	      "arriving (main)"),
	IOCTL(KVM_IOEVENTFD, M | V,
	      "the vipi doorbell's ioeventfd moves when the guest enables the device or moves "
	      "BAR0 (vCPU); devices_exit() removes it (main)"),
	IOCTL(KVM_SIGNAL_MSI, PV, "the poller's kick injection"),
	IOCTL(KVM_GET_MP_STATE, M, "vcpu_dump_all(): the stopped vCPUs' state at a run's end"),
	IOCTL(KVM_GET_REGS, M, "vcpu_dump_all(): the stopped vCPUs' state at a run's end"),
	IOCTL(KVM_GET_LAPIC, M, "vcpu_dump_all(): the stopped vCPUs' state at a run's end"),
	IOCTL(KVM_GET_MSRS, M, "vcpu_dump_all(): the stopped vCPUs' TSC deadline and TSC"),
	IOCTL(KVM_GET_TSC_KHZ, M, "vcpu_dump_all(): the guest TSC's rate, for the deadline in us"),
	IOCTL(TCGETS, M, "isatty() and tcgetattr(): the interactive console (run_console.c)"),
	IOCTL(TCSETS, M, "tcsetattr(TCSANOW): the console's raw mode on, and back off at the end"),

	/* Reading and writing what is already open. */
	ANY(read, ALL,
	    "main: the signalfd, the end eventfd, stdin; vCPU: drains the poller's stop eventfd "
	    "before starting it; poller: the doorbell eventfd"),
	ANY(write, ALL,
	    "every thread logs whole lines to stderr (util/log.c); vCPU: the UARTs write the "
	    "guest's output, vm_end_request() the end eventfd; main: the poller's stop eventfd, "
	    "the --stats file, tracefs triggers at the end"),
	ANY(pread64, M | V,
	    "KVM's binary stats fds: the summary, the watchdog and --stats (main), phase-mark "
	    "snapshots (vCPU)"),
	ANY(poll, M | PV, "the main loop's wait; the poller's sleep on the doorbell"),

	/* Memory: GLib allocates for log lines and end reasons; thread stacks. */
	ANY(brk, ALL, "malloc()"),
	CLEAR(mmap, 2, PROT_EXEC, ALL,
	      "malloc()'s arenas and large blocks, thread stacks; never executable"),
	CLEAR(mprotect, 2, PROT_EXEC, ALL,
	      "malloc() growing a thread's arena, thread stacks' guard pages; never executable"),
	ANY(mremap, ALL, "realloc() of large blocks (a tracefs hist file read whole)"),
	ANY(munmap, ALL, "free() of large blocks, thread stacks; main: guest RAM, kvm_run pages"),
	ANY(madvise, ALL, "free() trimming arenas; a thread's stack released at its exit"),

	/* Threads and time. */
	ANY(futex, ALL,
	    "GMutex/GCond/GRWLock (I/O dispatch, the log's rate limits, the run's end), "
	    "pthread_join(), glibc's locks"),
	ANY(clock_gettime, ALL,
	    "g_get_monotonic_time(), the poller's spin window, the RTC, thread CPU time: a real "
	    "call where the clocksource has no vDSO (the lab) and for CPU-time clocks"),
	ANY(gettimeofday, ALL, "glibc's gettimeofday() where the vDSO cannot serve it (the lab)"),
	ANY(rt_sigprocmask, ALL, "glibc masks signals around thread creation and exit"),
	ANY(rt_sigreturn, ALL, "the return from a signal handler: the vCPU kick (SIGUSR1)"),
	ANY(exit, PV, "a thread's end"),
	ANY(exit_group, M, "the process's end"),
	ANY(sched_yield, V, "vipi_poller_start() waits for the new poller's TID"),
	ANY(getpid, M, "pthread_kill(): the vCPU kick"),
	ANY(tgkill, M, "pthread_kill(): the vCPU kick (SIGUSR1) at the run's end"),

	/* Starting the poller (the guest enables the device from a vCPU). */
	ANY(clone3, V, "pthread_create() of the poller"),
	ANY(set_robust_list, V, "glibc's start of a new thread (the poller)"),
	ANY(rseq, V, "glibc's start of a new thread (the poller) registers its rseq area"),
	ANY(gettid, V, "the poller publishes its TID (its CPU time, tracefs)"),
	ANY(sched_setaffinity, V, "--vipi-poller-cpu: the poller pins itself"),
	ARG(prctl, 0, PR_SET_NAME, V, "the poller names itself vipi-poller"),
	ARG(prctl, 0, PR_GET_NAME, V, "the poller's sandbox_enter() keeps its name for SIGSYS"),
	ARG(prctl, 0, PR_SET_NO_NEW_PRIVS, V,
	    "the poller confines itself further (libseccomp sets it first); only takes away"),
	ARG(seccomp, 0, SECCOMP_SET_MODE_FILTER, V,
	    "the poller adds its own filter: a filter can only take calls away"),

	/* virtio-fs (devices/virtio_fs.c): virtiofsd was started before any filter. */
	ANY(sendmsg, V,
	    "virtio-fs: the guest's DRIVER_OK (or reset) sends virtiofsd the vhost-user setup: "
	    "features, the guest RAM memfd, the rings and their eventfds (SCM_RIGHTS)"),
	ANY(recvfrom, V, "virtio-fs: virtiofsd's reply to GET_VRING_BASE when the guest resets"),
	ANY(waitid, M,
	    "virtio-fs: a virtiofsd that died mid-run is reaped (its status in the end line); the "
	    "end reaps each one"),
	ANY(pidfd_send_signal, M,
	    "virtio-fs: a virtiofsd still there a second after disconnecting gets SIGKILL, "
	    "through its pidfd: that process and no other"),

	/* Files: only the main thread, at the run's end. */
	ANY(openat, M,
	    "the --stats file (a temporary file then renamed), tracefs hist files and triggers "
	    "(--trace-exits), sysfs (--verbose: the host's APICv/AVIC)"),
	ANY(close, M, "the end: every fd of the VM, its vCPUs and devices"),
	ANY(newfstatat, M, "g_file_get_contents(), g_file_set_contents(), stdio"),
	ANY(fstat, M, "g_file_get_contents(), stdio"),
	ANY(lseek, M, "stdio: g_file_get_contents() of sysfs and tracefs files (size 0)"),
	ARG(fcntl, 1, F_GETFL, M, "fdopen(): g_file_get_contents() of sysfs and tracefs files"),
	ANY(rename, M, "g_file_set_contents(): the --stats file takes its place whole"),
	ANY(fallocate, M, "g_file_set_contents() reserves the --stats file's size"),
	ANY(unlink, M, "g_file_set_contents() removes its temporary file when writing fails"),
	ANY(fsync, M, "g_file_set_contents() syncs before the rename when the file existed"),
	ANY(rmdir, M, "--trace-exits: the tracefs instance goes at the end"),
	TRACE(openat, V, "--trace-exits: a phase mark's snapshot reads the tracefs hist files"),
	TRACE(close, V, "--trace-exits: the same, g_file_get_contents()"),
	TRACE(newfstatat, V, "--trace-exits: the same, g_file_get_contents()"),
	TRACE(fstat, V, "--trace-exits: the same, g_file_get_contents()"),
	TRACE(lseek, V, "--trace-exits: the same, through stdio (tracefs files have size 0)"),
	TRACE_ARG(fcntl, 1, F_GETFL, V, "--trace-exits: the same, fdopen()"),
};

const unsigned int sandbox_nr_rules = sizeof(sandbox_rules) / sizeof(sandbox_rules[0]);
