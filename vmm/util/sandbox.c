// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sandbox's mechanism (sandbox.h); the list is sandbox_rules.c.
 *
 * Why SECCOMP_RET_TRAP and not RET_KILL_PROCESS: a killed process says
 * nothing, and the operator needs to know which call and which thread. The
 * SIGSYS handler writes one line with write(2) alone (async-signal-safe:
 * syscall names were looked up beforehand, the thread's name is in a
 * thread-local buffer), then dies of SIGSYS like RET_KILL_PROCESS would:
 * SA_RESETHAND has put SIGSYS back to its default action, so repeating the
 * same call traps again and the kernel kills the process (status 128+31
 * in a shell, a core dump where enabled).
 */
#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sandbox.h"

/* Above every x86-64 system call number (462 in Linux 6.10). */
#define SANDBOX_MAX_NR 1024

static const char *sandbox_names[SANDBOX_MAX_NR];
/* The calling thread's name and class, for the SIGSYS line. */
static __thread char sandbox_thread[16];
static __thread const char *sandbox_thread_class;
static volatile size_t sandbox_strerror_len;

const char *sandbox_class_name(enum sandbox_class cls)
{
	static const char *const names[] = {
		[SANDBOX_MAIN] = "main",
		[SANDBOX_VCPU] = "vcpu",
		[SANDBOX_POLLER] = "poller",
	};

	return cls < SANDBOX_NR_CLASSES ? names[cls] : "?";
}

/* Appends S to BUF (of LEN bytes) at *AT; async-signal-safe. */
static void sandbox_cat(char *buf, size_t len, size_t *at, const char *s)
{
	while (*s && *at < len - 1)
		buf[(*at)++] = *s++;
}

/* Appends V in BASE (10 or 16); async-signal-safe. */
static void sandbox_cat_num(char *buf, size_t len, size_t *at, unsigned long v, unsigned int base)
{
	char digits[24];
	int n = sizeof(digits) - 1;

	digits[n] = '\0';
	do {
		digits[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && n > 0);
	if (base == 16)
		sandbox_cat(buf, len, at, "0x");
	sandbox_cat(buf, len, at, digits + n);
}

static void sandbox_sigsys(int sig, siginfo_t *si, void *ucontext)
{
	const greg_t *g = ((ucontext_t *)ucontext)->uc_mcontext.gregs;
	int nr = si->si_syscall;
	bool native = si->si_arch == AUDIT_ARCH_X86_64;
	char line[256];
	size_t at = 0;

	sandbox_cat(line, sizeof(line), &at, "vipi: sandbox: thread ");
	sandbox_cat(line, sizeof(line), &at, sandbox_thread[0] ? sandbox_thread : "(unnamed)");
	if (sandbox_thread_class) {
		sandbox_cat(line, sizeof(line), &at, " (");
		sandbox_cat(line, sizeof(line), &at, sandbox_thread_class);
		sandbox_cat(line, sizeof(line), &at, ")");
	}
	sandbox_cat(line, sizeof(line), &at, " made a forbidden system call: ");
	if (native && nr >= 0 && nr < SANDBOX_MAX_NR && sandbox_names[nr])
		sandbox_cat(line, sizeof(line), &at, sandbox_names[nr]);
	else
		sandbox_cat(line, sizeof(line), &at, native ? "syscall" : "non-x86-64 syscall");
	sandbox_cat(line, sizeof(line), &at, " (");
	sandbox_cat_num(line, sizeof(line), &at, (unsigned long)nr, 10);
	if (native && nr == SYS_ioctl) {
		sandbox_cat(line, sizeof(line), &at, ", request ");
		sandbox_cat_num(line, sizeof(line), &at, (unsigned int)g[REG_RSI], 16);
	}
	sandbox_cat(line, sizeof(line), &at, "); killed by SIGSYS\n");
	if (write(STDERR_FILENO, line, at) < 0) {
		/* Nothing else to say it with. */
	}
	/* SIGSYS is at its default action now (SA_RESETHAND): this kills us. */
	syscall(nr, g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9]);
}

/*
 * The names now, while malloc() may still run: the handler may not call
 * it, and seccomp_syscall_resolve_num_arch() returns a copy. Kept for the
 * process's life.
 */
static void sandbox_names_load(void)
{
	for (int nr = 0; nr < SANDBOX_MAX_NR; nr++)
		if (!sandbox_names[nr])
			sandbox_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
}

int sandbox_prepare(void)
{
	struct sigaction sa = { .sa_sigaction = sandbox_sigsys,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };

	sandbox_names_load();
	/* libseccomp probes the kernel once; here, not in racing threads. */
	if (seccomp_api_get() < 1) {
		pr_err("sandbox: this kernel has no seccomp filters (--sandbox off to run anyway)");
		return -EOPNOTSUPP;
	}
	/*
	 * GLib converts strerror()'s text to UTF-8 in non-UTF-8 locales, which
	 * may open iconv's files; every errno's text is cached now instead.
	 */
	/* glibc reads the time zone on the first gmtime_r() (the RTC, on a vCPU). */
	tzset();
	for (int e = 1; e < 134; e++)
		sandbox_strerror_len +=
			strlen(g_strerror(e)); /* used: g_strerror() is G_GNUC_CONST */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		return pr_errno(-errno, "sandbox: SIGSYS handler");
	return 0;
}

static bool sandbox_rule_applies(const struct sandbox_rule *r, enum sandbox_class cls,
				 unsigned int when)
{
	return (r->classes & (1u << cls)) && (r->when & when) == r->when;
}

static int sandbox_rule_add(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	if (r->arg < 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
	if (r->mask)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					SCMP_CMP64(r->arg, SCMP_CMP_MASKED_EQ, r->mask, r->value));
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
				SCMP_CMP32(r->arg, SCMP_CMP_EQ, (uint32_t)r->value));
}

static int sandbox_filter_load(enum sandbox_class cls, unsigned int when)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int r = ctx ? 0 : -ENOMEM;

	/* A 32-bit call (int 0x80) is reported too, not silently fatal. */
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	for (unsigned int i = 0; !r && i < sandbox_nr_rules; i++)
		if (sandbox_rule_applies(&sandbox_rules[i], cls, when)) {
			r = sandbox_rule_add(ctx, &sandbox_rules[i]);
			if (r)
				pr_err("sandbox: rule %s: %s", sandbox_rules[i].name,
				       g_strerror(-r));
		}
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

int sandbox_enter(enum sandbox_class cls, unsigned int when)
{
	int r;

	pthread_getname_np(pthread_self(), sandbox_thread, sizeof(sandbox_thread));
	sandbox_thread_class = sandbox_class_name(cls);
	r = sandbox_filter_load(cls, when);
	if (r)
		return pr_errno(r, "sandbox: %s thread %s", sandbox_thread_class, sandbox_thread);
	return 0;
}

static bool sandbox_rule_matches(const struct sandbox_rule *r, const uint64_t *args)
{
	if (r->arg < 0)
		return true;
	if (r->mask)
		return (args[r->arg] & r->mask) == r->value;
	return (uint32_t)args[r->arg] == (uint32_t)r->value;
}

bool sandbox_allows(enum sandbox_class cls, unsigned int when, int nr, const uint64_t *args)
{
	for (unsigned int i = 0; i < sandbox_nr_rules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		if (r->nr == nr && sandbox_rule_applies(r, cls, when) &&
		    sandbox_rule_matches(r, args))
			return true;
	}
	return false;
}

void sandbox_probe(void)
{
	/* Its line is the SIGSYS handler's: the probe adds none of its own. */
	socket(AF_INET, SOCK_STREAM, 0);
}
