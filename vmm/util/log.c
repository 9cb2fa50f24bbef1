// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>

#include "util/log.h"

static const char *log_prefix = "vipi";
static bool log_is_verbose;
static GMutex log_lock;

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

void log_set_verbose(bool verbose)
{
	log_is_verbose = verbose;
}

bool log_verbose(void)
{
	return log_is_verbose;
}

/* One fprintf per line, so that lines from threads never interleave. */
static void log_line(const char *level, const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	fprintf(stderr, "%s: %s%s\n", log_prefix, level, msg);
}

#define DEFINE_LOG(name, level, cond)                                                              \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		if (!(cond))                                                                       \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		log_line(level, fmt, ap);                                                          \
		va_end(ap);                                                                        \
	}

DEFINE_LOG(pr_err, "", true)
DEFINE_LOG(pr_warn, "warning: ", true)
DEFINE_LOG(pr_info, "", true)
DEFINE_LOG(pr_debug, "debug: ", log_is_verbose)

int pr_errno(int err, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	pr_err("%s: %s", what, g_strerror(-err));
	return err;
}

bool ratelimit_ok(struct ratelimit *rl, unsigned int *suppressed)
{
	gint64 now = g_get_monotonic_time();
	bool ok;

	g_mutex_lock(&log_lock);
	*suppressed = 0;
	if (!rl->window_start || now - rl->window_start >= RATELIMIT_INTERVAL_US) {
		*suppressed = rl->suppressed;
		rl->window_start = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	ok = rl->printed < RATELIMIT_BURST;
	if (ok)
		rl->printed++;
	else
		rl->suppressed++;
	g_mutex_unlock(&log_lock);
	return ok;
}
