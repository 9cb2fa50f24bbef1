/* SPDX-License-Identifier: GPL-2.0-only */
/* Moved to vmm/cli/status.h; kept for vmm/cli/bench.c until it includes that. */
#include "cli/status.h"
