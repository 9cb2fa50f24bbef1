// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line is host input: any argv must give either a parse or one
 * error line, never a crash. The input is split at NUL bytes into argv;
 * option values go through cli_uint() as `vipi run`/`lab` do.
 */
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *buf = g_malloc(size + 1);
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autofree char *cpus = NULL, *mem = NULL;
	gboolean flag = FALSE;
	unsigned int v;
	char **argv, **cmd;
	int argc;
	GOptionEntry entries[] = { { "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus, "", "N" },
				   { "mem", 0, 0, G_OPTION_ARG_STRING, &mem, "", "MiB" },
				   { "flag", 'f', 0, G_OPTION_ARG_NONE, &flag, "", NULL },
				   { NULL } };

	memcpy(buf, data, size);
	buf[size] = '\0';
	g_ptr_array_add(args, "vipi-run");
	for (size_t off = 0; off < size; off += strlen(buf + off) + 1)
		g_ptr_array_add(args, buf + off);
	g_ptr_array_add(args, NULL);
	argc = args->len - 1;
	argv = (char **)args->pdata;

	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_add_main_entries(ctx, entries, NULL);
	log_set_prefix("fuzz");
	if (!cli_parse(ctx, &argc, &argv, &cmd))
		return 0;
	if (cpus)
		cli_uint("--cpus", cpus, 1, 288, &v);
	if (mem)
		cli_uint("--mem", mem, 64, 65536, &v);
	return 0;
}
