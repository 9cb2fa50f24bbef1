// SPDX-License-Identifier: GPL-2.0-only
/* -errno and what vipi was doing -> its exit status (status.h). */
#include <errno.h>
#include <signal.h>

#include "cli/status.h"

static int cli_status_kvm(int e)
{
	if (e == ENOENT || e == ENODEV || e == ENXIO)
		return VIPI_EXIT_UNAVAILABLE;
	if (e == EACCES || e == EPERM)
		return VIPI_EXIT_NOPERM;
	return VIPI_EXIT_OSERR;
}

int cli_status(enum cli_stage stage, int err)
{
	int e = -err;

	switch (e) {
	case EFAULT:
		return VIPI_EXIT_SOFTWARE;
	case ENOEXEC:
		return VIPI_EXIT_BADIMAGE;
	case EOPNOTSUPP:
	case EFBIG:
		return VIPI_EXIT_CONFIG;
	case ENOPKG:
		return VIPI_EXIT_UNAVAILABLE;
	}
	switch (stage) {
	case CLI_STAGE_INPUT:
		/* The kernel's command line (--append) is longer than it takes. */
		return e == E2BIG ? VIPI_EXIT_USAGE : VIPI_EXIT_NOINPUT;
	case CLI_STAGE_KVM:
		return cli_status_kvm(e);
	case CLI_STAGE_DEVICES:
		return VIPI_EXIT_SOFTWARE;
	case CLI_STAGE_OUTPUT:
		return VIPI_EXIT_CANTCREAT;
	case CLI_STAGE_KERNEL:
		if (e == EINVAL)
			return VIPI_EXIT_USAGE;
		return e == EINTR ? VIPI_EXIT_SIGINT : VIPI_EXIT_UNAVAILABLE;
	case CLI_STAGE_SYSTEM:
	default:
		return VIPI_EXIT_OSERR;
	}
}

int cli_signal_status(int sig)
{
	if (sig == SIGHUP)
		return VIPI_EXIT_SIGHUP;
	return sig == SIGINT ? VIPI_EXIT_SIGINT : VIPI_EXIT_SIGTERM;
}
