/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtiofsd, the vhost-user-fs backend QEMU and Cloud Hypervisor use, as
 * vipi starts and stops it: one daemon per shared directory (QEMU 7.2's C
 * virtiofsd serves one source each), in its own sandbox (-o sandbox=
 * namespace: mount, pid and net namespaces, pivot_root into the source,
 * its own seccomp filter). A read-only share is also read-only where the
 * daemon stands: it starts in a private mount namespace in which the
 * source is bound onto itself and made read-only recursively.
 *
 * Its socket lives in a fresh 0700 directory (mkdtemp) only until we are
 * connected: we bind and listen, the daemon inherits the listening fd
 * (--fd), we connect, then the socket and its directory are removed, so
 * that no exit of ours, SIGKILL included, leaves one behind. The daemon
 * gets SIGKILL when vipi's main thread dies (PR_SET_PDEATHSIG), and its
 * pid-namespace child follows its parent the same way. Its stderr goes to
 * a memfd, read only when it fails (its last line is the reason).
 */
#ifndef VIPI_DEVICES_VIRTIOFSD_H
#define VIPI_DEVICES_VIRTIOFSD_H

#include <stdbool.h>
#include <sys/types.h>

/* Debian 12 ships it in qemu-system-common; VIPI_VIRTIOFSD overrides. */
#define VIRTIOFSD_PATH	  "/usr/lib/qemu/virtiofsd"
#define VIRTIOFSD_PACKAGE "qemu-system-common"

struct virtiofsd {
	pid_t pid;
	int pidfd; /* readable once the daemon has exited */
	int sock;  /* the connected vhost-user socket */
	int log_fd;
	const char *source;
};

/* The daemon's path, or NULL when it is not there (or not executable). */
const char *virtiofsd_find(void);

/*
 * Starts a daemon serving SOURCE (READONLY or not) and connects to it.
 * Before the seccomp filters: this forks and execs. 0, or -errno after one
 * line; nothing is left running or on disk either way.
 */
int virtiofsd_start(const char *source, bool readonly, struct virtiofsd *d);
/* Has it exited? Then *WHY (g_free) says how, with its last line. */
bool virtiofsd_dead(struct virtiofsd *d, char **why);
/* Disconnects, lets it exit (SIGKILL after a second), reaps it. */
void virtiofsd_stop(struct virtiofsd *d);

#endif
