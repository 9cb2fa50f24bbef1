/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Can this host's /dev/kvm run an unmodified x86-64 PC guest? A /dev/kvm
 * that exists is not enough: PVM's (kvm_pvm) opens, reports every
 * capability vipi checks and runs a real-mode stub, yet an unmodified
 * kernel spins in it without a single I/O exit. So the answer comes from
 * the vendor modules in /sys/module and, where they do not settle it, from
 * a probe guest that must reach long mode at vipi's own boot entry state
 * and write to two ports (docs/lab.md, "Which /dev/kvm is usable").
 */
#ifndef VIPI_KVM_HOSTKVM_H
#define VIPI_KVM_HOSTKVM_H

#include <stdbool.h>

enum hostkvm_verdict {
	HOSTKVM_USABLE,
	HOSTKVM_ABSENT,	  /* no /dev/kvm */
	HOSTKVM_NOPERM,	  /* /dev/kvm is there, but not ours to open */
	HOSTKVM_UNUSABLE, /* it opens, but cannot run an unmodified PC guest */
	HOSTKVM_UNPROBED, /* hostkvm_judge() only: the probe guest must decide */
};

/* What the verdict rests on. */
struct hostkvm_facts {
	int open_errno;	 /* 0: /dev/kvm opened read-write */
	int api_version; /* KVM_GET_API_VERSION, when it opened */
	bool mod_intel, mod_amd, mod_pvm;
	bool cpu_vmx, cpu_svm;
	bool probed;
	int probe_err;	 /* 0: the probe guest passed; else -errno */
	char *probe_why; /* what the probe guest did instead */
};

/* The probe guest gets this long; a real KVM answers in milliseconds. */
#define HOSTKVM_PROBE_TIMEOUT_MS 10000

/*
 * Fills F from DEV (/dev/kvm), SYSMOD (/sys/module) and CPUINFO
 * (/proc/cpuinfo); does not probe. Paths are parameters for the tests.
 */
void hostkvm_facts_read(struct hostkvm_facts *f, const char *dev, const char *sysmod,
			const char *cpuinfo);
void hostkvm_facts_clear(struct hostkvm_facts *f);

/*
 * Opens DEV (/dev/kvm) read-write with our API version: the fd, or -errno
 * (-EOPNOTSUPP: another API version) with *WHY (g_free) worded as
 * hostkvm_judge() words it.
 */
int hostkvm_open(const char *dev, char **why);

/*
 * The verdict F supports, with *WHY (g_free) a one-line reason for any
 * verdict but USABLE. HOSTKVM_UNPROBED when only the probe can tell.
 */
enum hostkvm_verdict hostkvm_judge(const struct hostkvm_facts *f, char **why);

/*
 * Runs the probe guest on /dev/kvm in a child process, killed after
 * TIMEOUT_MS. Returns 0 when it reached long mode and did its I/O; else
 * -errno with *WHY (g_free) saying what happened. Call it before the
 * process starts threads (it forks).
 */
int hostkvm_probe(unsigned int timeout_ms, char **why);

/* This host's verdict: the facts, then the probe if they need it. */
enum hostkvm_verdict hostkvm_check(char **why);

#endif
