// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi watch: the IPI exits of a running VM (vmm/watch/, docs/watch.md).
 * Parses the options into struct watch_config and turns the outcome into
 * the exit status; watch_run() does the rest. No lab: it watches VMs that
 * run on this host, whatever runs them.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/status.h"
#include "util/log.h"
#include "watch/session.h"

#define WATCH_MAX_SECONDS 86400

struct watch_opts {
	char *domain, *uri, *pid, *interval, *seconds, *json, *csv, *costs;
	gboolean advise, plain;
};

static bool watch_interval_arg(const char *s, double *out)
{
	char *end;
	double v;

	if (!s) {
		*out = 1.0;
		return true;
	}
	v = g_ascii_strtod(s, &end);
	if (end == s || *end || !(v >= 0.1 && v <= 3600)) {
		pr_err("--interval %s: seconds from 0.1 to 3600", s);
		return false;
	}
	*out = v;
	return true;
}

/* The options as typed -> CFG; false after one line. */
static bool watch_config_fill(struct watch_opts *o, struct watch_config *cfg)
{
	unsigned int pid = 0;

	if (!!o->domain == !!o->pid) {
		pr_err("watch: give one of --domain NAME|UUID or --pid PID");
		return false;
	}
	if (o->uri && !o->domain) {
		pr_err("watch: --connect goes with --domain");
		return false;
	}
	if (o->pid && !cli_uint("--pid", o->pid, 1, INT32_MAX, &pid))
		return false;
	if (o->seconds && !cli_uint("--seconds", o->seconds, 1, WATCH_MAX_SECONDS, &cfg->seconds))
		return false;
	if (!watch_interval_arg(o->interval, &cfg->interval_s))
		return false;
	cfg->domain = o->domain;
	cfg->uri = o->uri;
	cfg->pid = pid;
	cfg->json = o->json;
	cfg->csv = o->csv;
	cfg->costs = o->costs;
	cfg->advise = o->advise;
	cfg->live = !o->plain && isatty(STDOUT_FILENO);
	return true;
}

static int watch_parse(int argc, char **argv, struct watch_opts *o, struct watch_config *cfg)
{
	GOptionEntry entries[] = {
		CLI_OPT_STRING("domain", &o->domain, "libvirt domain to watch", "NAME|UUID"),
		CLI_OPT_STRING("connect", &o->uri, "libvirt URI (default: libvirt's)", "URI"),
		CLI_OPT_STRING("pid", &o->pid, "any KVM VMM process to watch (QEMU, vipi, ...)",
			       "PID"),
		CLI_OPT_STRING("interval", &o->interval, "seconds per interval (default 1)", "S"),
		CLI_OPT_STRING("seconds", &o->seconds, "watch S seconds (default: until Ctrl-C)",
			       "S"),
		CLI_OPT_FILE("json", &o->json, "write every interval and the summary as JSON",
			     "FILE"),
		CLI_OPT_FILE("csv", &o->csv, "the same figures as CSV", "FILE"),
		CLI_OPT_FILE("costs", &o->costs,
			     "a vipi bench --json file of this host: the per-exit cost and the "
			     "poller's CPU for the estimate",
			     "FILE"),
		CLI_OPT_FLAG("advise", &o->advise,
			     "the domain's nohz settings beside what docs/nohz.md suggests"),
		CLI_OPT_FLAG("plain", &o->plain, "plain lines even on a terminal"),
		CLI_OPT_END,
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
		"- the IPI exits of a running KVM VM, per vCPU, and what vipi would save");
	char **cmd;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, &cmd))
		return VIPI_EXIT_USAGE;
	if (cmd) {
		pr_err("watch: takes no command");
		return VIPI_EXIT_USAGE;
	}
	return watch_config_fill(o, cfg) ? 0 : VIPI_EXIT_USAGE;
}

static int watch_status(int err)
{
	switch (err) {
	case -ENOENT:
		return VIPI_EXIT_NOINPUT; /* no such domain, no --costs file */
	case -EINVAL:
		return VIPI_EXIT_BADIMAGE; /* a --costs file that is no bench JSON */
	case -EACCES:
	case -EPERM:
		return VIPI_EXIT_NOPERM;
	case -EIO:
		return VIPI_EXIT_CANTCREAT;
	case -ESRCH:	/* not running, no such process */
	case -ENODEV:	/* not a KVM VM, or not on this host */
	case -ENOTCONN: /* no libvirt */
		return VIPI_EXIT_UNAVAILABLE;
	default:
		return cli_status(CLI_STAGE_SYSTEM, err);
	}
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = { 0 };
	struct watch_config cfg = { 0 };
	enum watch_end end = WATCH_END_SECONDS;
	int status = watch_parse(argc, argv, &o, &cfg), r;

	if (!status) {
		r = watch_run(&cfg, &end);
		if (r)
			status = watch_status(r);
		else if (end == WATCH_END_VM)
			status = VIPI_EXIT_UNAVAILABLE;
		else if (end == WATCH_END_SIGTERM)
			status = VIPI_EXIT_SIGTERM;
		/* ^C is how a watch without --seconds ends; with them it cuts it short. */
		else if (end == WATCH_END_SIGINT && cfg.seconds)
			status = VIPI_EXIT_SIGINT;
	}
	g_free(o.domain);
	g_free(o.uri);
	g_free(o.pid);
	g_free(o.interval);
	g_free(o.seconds);
	g_free(o.json);
	g_free(o.csv);
	g_free(o.costs);
	return status;
}
