// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vipi run`'s real command line parser (run_check_args(): GOption, the
 * "--" split, every option's range and on|off check, --lab) on any argv:
 * the input split at NUL bytes. It must accept or give VIPI_EXIT_USAGE,
 * never crash, leak or read past an argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"
#include "cli/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *buf = g_malloc(size + 1);
	int ret;

	memcpy(buf, data, size);
	buf[size] = '\0';
	g_ptr_array_add(args, g_strdup("run"));
	/* Each argument its own allocation, so that ASan sees any overread. */
	for (size_t off = 0; off < size; off += strlen(buf + off) + 1)
		g_ptr_array_add(args, g_strdup(buf + off));
	g_ptr_array_add(args, NULL);

	log_set_prefix("fuzz");
	/* GOption reorders and drops entries of the array it is given. */
	{
		g_autofree char **argv = g_memdup2(args->pdata, args->len * sizeof(char *));

		ret = run_check_args(args->len - 1, argv);
	}
	if (ret != 0 && ret != VIPI_EXIT_USAGE)
		abort();
	return 0;
}
