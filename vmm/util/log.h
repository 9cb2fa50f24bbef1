/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VIPI_UTIL_LOG_H
#define VIPI_UTIL_LOG_H

#include <glib.h>
#include <stdbool.h>

/* Every message is one line on stderr, prefixed "vipi: " (or the set name). */
void log_set_prefix(const char *prefix);
void log_set_verbose(bool verbose);
bool log_verbose(void);

void pr_err(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void pr_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void pr_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void pr_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/*
 * For a failed system call: prints "WHAT: strerror(-ERR)", WHAT formatted
 * from FMT, and returns ERR (-errno; pass -errno itself, read before any
 * other call can change it): return pr_errno(-errno, "kernel %s", path);
 */
int pr_errno(int err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * A hostile guest can make the VMM log at the rate it traps: each call site
 * gets a budget of RATELIMIT_BURST lines per RATELIMIT_INTERVAL_US, and the
 * number it swallowed is reported when the next window opens.
 */
#define RATELIMIT_BURST	      10
#define RATELIMIT_INTERVAL_US (5 * G_USEC_PER_SEC)

struct ratelimit {
	gint64 window_start;
	unsigned int printed;
	unsigned int suppressed;
};

bool ratelimit_ok(struct ratelimit *rl, unsigned int *suppressed);

#define pr_warn_ratelimited(fmt, ...)                                                              \
	do {                                                                                       \
		static struct ratelimit rl__;                                                      \
		unsigned int missed__;                                                             \
		if (ratelimit_ok(&rl__, &missed__)) {                                              \
			if (missed__)                                                              \
				pr_warn("(%u similar messages suppressed)", missed__);             \
			pr_warn(fmt, ##__VA_ARGS__);                                               \
		}                                                                                  \
	} while (0)

#endif
