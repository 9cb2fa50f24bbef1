// SPDX-License-Identifier: GPL-2.0-only
#include "cli/cli.h"
#include "util/log.h"
#include "util/status.h"

int cmd_run(int argc, char **argv)
{
	pr_err("run: not built yet (issue #3)");
	return VIPI_EXIT_UNAVAILABLE;
}
