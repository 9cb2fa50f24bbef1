// SPDX-License-Identifier: GPL-2.0-only
/*
 * Phase marks: the guest writes a label to VIPI_REG_PHASE around what it
 * measures; the device snapshots KVM's counters (vipi_ops.phase_mark) and
 * prints the phase lines of vipi.h, the one place they are printed. The
 * poller's CPU time at each mark is how its idle cost is measured.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>

#include "devices/vipi_priv.h"
#include "util/log.h"

/* VIPI_PHASE_LINE_PREFIX "N: " and the key=value pairs of FMT. */
static void vipi_phase_line(uint32_t label, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void vipi_phase_line(uint32_t label, const char *fmt, ...)
{
	g_autofree char *pairs = NULL;
	va_list ap;

	va_start(ap, fmt);
	pairs = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	pr_info(VIPI_PHASE_LINE_PREFIX "%" PRIu32 ": %s", label, pairs);
}

/*
 * One line per snapshot kept, so at most STATS_MAX_SNAPSHOTS: the bench
 * reads every one, which a time rate limit dropped on fast guests. The
 * mark's own write is one userspace exit, already counted.
 */
static void vipi_phase_snapshot(struct vipi_dev *dev, uint32_t label)
{
	uint64_t exits;
	int r = dev->ops->phase_mark(dev->ctx, label, &exits);

	if (r)
		pr_warn_ratelimited("vipi-dev: phase mark %u: no snapshot (%d)", label, r);
	else
		vipi_phase_line(label, "userspace_exits=%" PRIu64, exits);
}

/*
 * Bounded by count like the snapshots, not by time: the bench needs every
 * mark's line, and a fast guest marks more than ten in five seconds; a
 * guest marking in a loop still gets VIPI_PHASE_LOG_MAX lines.
 */
static void vipi_phase_poller(struct vipi_dev *dev, uint32_t label)
{
	struct vipi_counters c;

	vipi_dev_get_counters(dev, &c);
	if (c.phase_marks > VIPI_PHASE_LOG_MAX) {
		if (c.phase_marks == VIPI_PHASE_LOG_MAX + 1)
			pr_warn("vipi-dev: more than %u phase marks; the rest are not logged",
				VIPI_PHASE_LOG_MAX);
		return;
	}
	vipi_phase_line(label,
			"poller_cpu_ns=%" PRIu64 " sleeps=%" PRIu64 " wakeups=%" PRIu64
			" injected=%" PRIu64 " userspace_doorbells=%" PRIu64
			" inject_coalesced=%" PRIu64,
			dev->poller_cpu_done + vipi_poller_cpu_now(dev), c.sleeps, c.wakeups,
			c.injections, c.userspace_doorbells, c.inject_coalesced);
}

void vipi_phase_mark(struct vipi_dev *dev, uint32_t label)
{
	vipi_count(dev, phase_marks, 1);
	vipi_phase_snapshot(dev, label);
	vipi_phase_poller(dev, label);
}
