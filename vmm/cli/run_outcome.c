// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a `vipi run` ended, in vmm/cli where exit statuses are decided: the
 * VM's end (kvm/vm.h) and the console's panic line give the status and the
 * one line that says why; then the counter summary and the --stats report.
 */
#include <signal.h>

#include "cli/run.h"
#include "cli/status.h"
#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/stats.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "util/log.h"

static const char *run_end_name(enum vm_end e)
{
	static const char *const names[] = {
		[VM_RUNNING] = "running",	[VM_END_STATUS] = "status",
		[VM_END_POWEROFF] = "poweroff", [VM_END_RESET] = "reset",
		[VM_END_CRASH] = "crash",	[VM_END_TIMEOUT] = "timeout",
		[VM_END_SIGNAL] = "signal",
	};

	return e < G_N_ELEMENTS(names) ? names[e] : "unknown";
}

/* Our exit status and, for failures, the one line that says why. */
static int run_status(struct run *r, char **reason)
{
	g_autofree char *panic = devices_panic_line(r->dev);
	const char *why;
	int status;
	enum vm_end end = vm_end_get(r->vm, &status, &why);

	*reason = NULL;
	if (panic && end != VM_END_STATUS && end != VM_END_SIGNAL && end != VM_END_TIMEOUT) {
		*reason = g_strdup_printf("guest %s", panic);
		return VIPI_EXIT_GUEST_CRASH;
	}
	switch (end) {
	case VM_END_STATUS:
		return status;
	case VM_END_POWEROFF:
		return 0;
	case VM_END_RESET:
		if (!r->cfg.cmd)
			return 0;
		*reason = g_strdup("guest reset before its command reported a status");
		return VIPI_EXIT_GUEST_CRASH;
	case VM_END_TIMEOUT:
		*reason = g_strdup(why);
		return VIPI_EXIT_TIMEOUT;
	case VM_END_SIGNAL:
		return cli_signal_status(status);
	default:
		*reason = g_strdup(why ? why : "guest stopped");
		return VIPI_EXIT_GUEST_CRASH;
	}
}

static int run_report(struct run *r, int status, const char *reason)
{
	double wall = (g_get_monotonic_time() - r->cfg.t0_us) / 1e6;
	g_autofree char *summary = stats_summary(r->vm, wall);
	struct stats_run_info info = { .end = run_end_name(vm_end_get(r->vm, NULL, NULL)),
				       .reason = reason,
				       .exit_status = status,
				       .wall_s = wall,
				       .command_start_s = devices_command_start_s(r->dev) };
	int ret;

	if (r->cfg.verbose) {
		struct host_accel h;

		host_accel_read(&h);
		pr_info("host KVM: APICv %s, IPIv %s, AVIC %s", host_accel_str(h.apicv),
			host_accel_str(h.ipiv), host_accel_str(h.avic));
		io_report_ports(r->vm);
	}
	pr_info("%s", summary);
	if (!r->cfg.stats_path)
		return 0;
	ret = stats_write_json(r->vm, r->cfg.stats_path, &info);
	return ret ? cli_status(CLI_STAGE_OUTPUT, ret) : 0;
}

int run_outcome(struct run *r)
{
	g_autofree char *reason = NULL;
	int status = run_status(r, &reason);
	int ret;

	if (reason)
		pr_err("%s", reason);
	/* Where a guest that stopped answering was: for a watchdog's end, and on request. */
	if (r->cfg.verbose || vm_end_get(r->vm, NULL, NULL) == VM_END_TIMEOUT)
		vcpu_dump_all(r->vm);
	ret = run_report(r, status, reason);
	return ret ? ret : status;
}
