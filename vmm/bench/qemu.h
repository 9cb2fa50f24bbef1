/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU/KVM as the bench's baseline VMM: its command line, its process and
 * its sockets (QMP and the phase-mark port), for the ipi rows
 * (ipi_qemu.c) and the boot suite (boot.c).
 */
#ifndef VIPI_BENCH_QEMU_H
#define VIPI_BENCH_QEMU_H

#include <gio/gio.h>
#include <stdbool.h>

#include "util/qmp.h"
#include "bench/suite.h"

/* QEMU starts slowly in the lab: its binary and libraries come over 9p under TCG. */
#define QEMU_CONNECT_MS 120000

/* Counters that are exits to QEMU: KVM_EXIT_IO and _MMIO (io_exits has ioeventfd ones too). */
extern const char *const qemu_userspace_stats[];

/* The QEMU command line shared with the boot suite; EXTRA_APPEND may be NULL. */
char **qemu_argv(const struct bench_opts *o, const char *initrd, const char *extra_append,
		 bool handshake);

/* Starts ARGV with its output in WORKDIR/qemu.log: 0 or -errno (after one error line). */
int qemu_spawn(const struct bench_opts *o, char **argv, GPid *pid);

/*
 * Connects to QEMU's abstract socket WHAT ("qmp", "mark"), retrying until
 * QEMU listens on it; gives up when QEMU exits first (then reaped, *EXITED
 * set), on the stop flag or after QEMU_CONNECT_MS.
 */
GSocketConnection *qemu_dial(const struct bench_opts *o, GPid pid, bool *exited, const char *what,
			     GError **err);

/* Waits up to GRACE_US for QEMU, then kills it; its wait status, -1 if killed. */
int qemu_reap(GPid pid, gint64 grace_us);
/* How QEMU ended (qemu_reap()'s status), for an error line. */
char *qemu_describe_exit(int status);
/* One error line for a run cut short: WHY, HOW QEMU ended (may be NULL), its log. */
void qemu_report_failure(const struct bench_opts *o, const char *why, const char *how);

/*
 * The boot watchdog (util/life.h): true once any vCPU has made a port I/O
 * or MMIO exit; else false and ERR.
 */
bool qemu_guest_alive(struct qmp *q, GError **err);

/*
 * The boot suite's watchdog for a QEMU started with qemu_argv(): false,
 * with *WHY (g_free), when its guest has made no port I/O or MMIO exit
 * yet, asked over QMP. True when QEMU is ending.
 */
bool qemu_boot_alive(const struct bench_opts *o, char **why);

#endif
