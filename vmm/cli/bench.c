// SPDX-License-Identifier: GPL-2.0-only
#include "cli/cli.h"
#include "util/log.h"
#include "util/status.h"

int cmd_bench(int argc, char **argv)
{
	pr_err("bench: not built yet (issue #5)");
	return VIPI_EXIT_UNAVAILABLE;
}
