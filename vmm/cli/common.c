// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/kernels.h"
#include "cli/cli.h"
#include "kvm/exits.h"
#include "util/log.h"
#include "cli/status.h"

bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, char ***cmd)
{
	g_autoptr(GError) err = NULL;
	int opts = *argc;

	/*
	 * Split at "--" ourselves: GOption would otherwise go on parsing the
	 * guest command's own options (sh -c ...).
	 */
	*cmd = NULL;
	for (int i = 1; i < *argc; i++) {
		if (!strcmp((*argv)[i], "--")) {
			opts = i;
			if (i + 1 < *argc)
				*cmd = &(*argv)[i + 1];
			break;
		}
	}
	(*argv)[opts] = NULL; /* was "--" or the terminator */
	*argc = opts;
	if (!g_option_context_parse(ctx, argc, argv, &err)) {
		pr_err("%s", err->message);
		return false;
	}
	if (*argc > 1) {
		pr_err("unexpected argument '%s' (the guest command goes after --)", (*argv)[1]);
		return false;
	}
	return true;
}

bool cli_uint(const char *opt, const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		goto bad;
	if (v < min || v > max) {
		pr_err("%s %s is out of range (%u..%u)", opt, s, min, max);
		return false;
	}
	*out = v;
	return true;
bad:
	pr_err("%s needs a whole number, not '%s'", opt, s ? s : "");
	return false;
}

bool cli_exits(const char *disable, const char *halt_poll_ns, struct exits_config *out)
{
	unsigned int ns;

	out->disable = 0;
	out->halt_poll_ns = EXITS_HALT_POLL_DEFAULT;
	if (disable && !exits_parse(disable, &out->disable))
		return false;
	if (halt_poll_ns && !cli_uint("--halt-poll-ns", halt_poll_ns, 0, EXITS_HALT_POLL_MAX, &ns))
		return false;
	if (halt_poll_ns)
		out->halt_poll_ns = ns;
	return true;
}

bool cli_onoff(const char *opt, const char *s, bool *out)
{
	if (!s)
		return true;
	if (strcmp(s, "on") && strcmp(s, "off")) {
		pr_err("%s takes on or off, not '%s'", opt, s);
		return false;
	}
	*out = !strcmp(s, "on");
	return true;
}

int cli_place(enum lab_mode mode, bool *in_lab, char **why)
{
	enum lab_place place = lab_place(mode, why);

	*in_lab = place == LAB_PLACE_LAB;
	if (place == LAB_PLACE_HOST || place == LAB_PLACE_LAB)
		return 0;
	pr_err("%s", *why);
	return place == LAB_PLACE_NOPERM ? VIPI_EXIT_NOPERM : VIPI_EXIT_UNAVAILABLE;
}

int cli_guest_kernel(const char *name, char **dir)
{
	int ret = kernels_find(name, dir);

	return ret ? cli_status(CLI_STAGE_KERNEL, ret) : 0;
}

int cli_kdir(const char *bzimage, const char *kdir, bool nohz, char **dir)
{
	int ret = kernels_build(bzimage, kdir, nohz, dir);

	return ret ? cli_status(CLI_STAGE_KERNEL, ret) : 0;
}

void cli_argv_set(char **argv, const char *opt, const char *value)
{
	g_autofree char *eq = g_strconcat(opt, "=", NULL);

	for (; *argv && strcmp(*argv, "--"); argv++) {
		if (!strcmp(*argv, opt) && argv[1]) {
			g_free(argv[1]);
			argv[1] = g_strdup(value);
			argv++;
		} else if (g_str_has_prefix(*argv, eq)) {
			g_free(*argv);
			*argv = g_strconcat(eq, value, NULL);
		}
	}
}
