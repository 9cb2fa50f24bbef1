/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exit controls operators tune for latency-sensitive guests:
 * KVM_CAP_X86_DISABLE_EXITS (--disable-exits) and KVM_CAP_HALT_POLL
 * (--halt-poll-ns). Both are per VM and must be set before any vCPU exists.
 */
#ifndef VIPI_KVM_EXITS_H
#define VIPI_KVM_EXITS_H

#include <stdbool.h>
#include <stdint.h>

#define EXITS_HALT_POLL_DEFAULT (-1)	   /* leave KVM's default window */
#define EXITS_HALT_POLL_MAX	100000000U /* 100 ms: anything longer is a typo */

struct exits_config {
	uint32_t disable;     /* KVM_X86_DISABLE_EXITS_* */
	int64_t halt_poll_ns; /* EXITS_HALT_POLL_DEFAULT or 0..EXITS_HALT_POLL_MAX */
};

/*
 * Parses "hlt,mwait,pause,cstate" (any subset, or "none") into *MASK.
 * Returns false after one error line naming the bad word.
 */
bool exits_parse(const char *list, uint32_t *mask);

/* "hlt,pause" for MASK (static storage is not used: free the result). */
char *exits_describe(uint32_t mask);

/*
 * Applies CFG to the VM before its vCPUs are created. A setting the host
 * refuses or cannot honour (KVM 6.1 silently ignores MWAIT where the host
 * cannot let the guest use it) gives one error line and -EOPNOTSUPP:
 * never a guest that runs with a setting other than the one asked for.
 */
int exits_apply(int kvm_fd, int vm_fd, const struct exits_config *cfg);

/*
 * WANT against what KVM_CHECK_EXTENSION(KVM_CAP_X86_DISABLE_EXITS) said
 * (ALLOWED; <= 0: the capability is absent). 0, or one error line and
 * -EOPNOTSUPP. Exposed for tests: hosts differ in what they refuse.
 */
int exits_check(uint32_t want, int allowed);

#endif
