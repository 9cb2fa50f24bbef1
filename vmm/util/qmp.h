/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small synchronous QMP client over a unix socket (GIO + json-glib), for
 * the three QEMUs vipi talks to: the bench's baseline and `vipi watch`'s
 * targets (the vCPU map and per-vCPU KVM statistics from `query-stats`, QEMU
 * >= 7.1) and the lab machine (its human monitor's commands, for a look at
 * its CPUs when it times out).
 */
#ifndef VIPI_UTIL_QMP_H
#define VIPI_UTIL_QMP_H

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <sys/types.h>

struct qmp;

/*
 * Connects to PATH, retrying while QEMU has not created it yet (up to
 * TIMEOUT_MS), reads the greeting and negotiates capabilities. Every later
 * read waits at most TIMEOUT_MS too. NULL and ERR on failure.
 */
struct qmp *qmp_connect(const char *path, unsigned int timeout_ms, GError **err);
/*
 * The same over CONN, already connected (e.g. to an abstract socket, which
 * the caller dials while watching QEMU's process); takes CONN over.
 */
struct qmp *qmp_open(GSocketConnection *conn, unsigned int timeout_ms, GError **err);
void qmp_close(struct qmp *q);

/* Runs CMD with ARGS (a JSON object text, or NULL); returns its "return" node. */
JsonNode *qmp_execute(struct qmp *q, const char *cmd, const char *args, GError **err);

/*
 * Per-vCPU KVM stats: a new array of GHashTable (name -> guint64 *), one per
 * vCPU in cpu-index order. Only scalar counters are kept (histograms and
 * booleans are left out).
 */
GPtrArray *qmp_vcpu_stats(struct qmp *q, GError **err);

/*
 * Every vCPU's host thread id (query-cpus-fast "thread-id"), a new array of
 * pid_t in cpu-index order: for tracefs, whose counts are per thread.
 */
GArray *qmp_vcpu_tids(struct qmp *q, GError **err);

/*
 * Runs CMDLINE on QEMU's human monitor (human-monitor-command, e.g. "info
 * registers -a"): its text output (g_free), or NULL and ERR.
 */
char *qmp_hmp(struct qmp *q, const char *cmdline, GError **err);

/* Asks QEMU to quit; it may close the socket before answering. */
void qmp_quit(struct qmp *q);

#endif
