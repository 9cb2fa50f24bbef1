/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sandbox: once `vipi run` has set the machine up, each of its threads
 * confines itself with a seccomp filter (libseccomp) that allows only the
 * system calls, and the ioctls by number, that its class needs. The list is
 * sandbox_rules.c, with why each entry is there (docs/robustness.md).
 *
 * A forbidden call traps (SECCOMP_RET_TRAP): a SIGSYS handler writes one
 * line naming the call and the thread, then the process dies of SIGSYS, as
 * it would with SECCOMP_RET_KILL_PROCESS (sandbox.c says how).
 */
#ifndef VIPI_UTIL_SANDBOX_H
#define VIPI_UTIL_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

/*
 * ASan's LeakSanitizer stops the world with clone() and ptrace() at exit,
 * which no class allows: sanitizer builds run with --sandbox off unless
 * asked (docs/robustness.md).
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_DEFAULT false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_DEFAULT false
#endif
#endif
#ifndef SANDBOX_DEFAULT
#define SANDBOX_DEFAULT true
#endif

enum sandbox_class {
	SANDBOX_MAIN,	/* the main thread: the run's loop, its end and teardown */
	SANDBOX_VCPU,	/* a vCPU thread: KVM_RUN and the device models */
	SANDBOX_POLLER, /* the vipi poller: the mailbox and KVM_SIGNAL_MSI */
	SANDBOX_NR_CLASSES,
};

/* Rules that hold only for some runs (enum sandbox_when). */
#define SANDBOX_ALWAYS 0u
#define SANDBOX_TRACE  (1u << 0) /* --trace-exits: tracefs hist files are read */

/*
 * One allowed system call for some classes: any arguments (arg < 0), or only
 * with argument ARG equal to VALUE in its low 32 bits (an ioctl's request,
 * a prctl's option), or with (ARG & MASK) == VALUE when MASK is not 0.
 */
struct sandbox_rule {
	int nr;
	const char *name; /* as written, for the tests and messages */
	unsigned int classes;
	unsigned int when;
	int arg;
	uint64_t mask, value;
	const char *why;
};

extern const struct sandbox_rule sandbox_rules[];
extern const unsigned int sandbox_nr_rules;

const char *sandbox_class_name(enum sandbox_class cls);

/*
 * Once, on the main thread, before any thread confines itself: the SIGSYS
 * reporter and what it needs at hand (syscall names), libseccomp's probe of
 * the kernel. 0 or -errno after one line.
 */
int sandbox_prepare(void);

/*
 * Confines the calling thread to CLASS's rules (those whose `when` bits are
 * all in WHEN). Threads it creates later inherit the filter and may only
 * narrow it. 0 or -errno after one line.
 */
int sandbox_enter(enum sandbox_class cls, unsigned int when);

/* Does CLASS's list allow syscall NR with argument values ARGS[6]? */
bool sandbox_allows(enum sandbox_class cls, unsigned int when, int nr, const uint64_t *args);

/*
 * A debug aid (`vipi run --sandbox probe`, hidden): makes one call no class
 * allows (socket()), to show what a violation looks like.
 */
void sandbox_probe(void);

#endif
