// SPDX-License-Identifier: GPL-2.0-only
/* The newc writer and the shell quoting of the guest command. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot/boot.h"

static unsigned long hex8(const uint8_t *p)
{
	char s[9];

	memcpy(s, p, 8);
	s[8] = 0;
	return strtoul(s, NULL, 16);
}

/* Parses archive A; returns the contents of NAME (or NULL), checking
 * alignment and that the archive ends with the trailer. */
static char *cpio_lookup(GByteArray *a, const char *name, unsigned long *mode)
{
	size_t off = 0;
	char *found = NULL;

	for (;;) {
		const uint8_t *h = a->data + off;
		unsigned long fsize, nsize;
		const char *n;

		g_assert_cmpuint(off % 4, ==, 0);
		g_assert_cmpuint(off + 110, <=, a->len);
		g_assert_cmpmem(h, 6, "070701", 6);
		fsize = hex8(h + 54);
		nsize = hex8(h + 94);
		n = (const char *)h + 110;
		g_assert_cmpuint(n[nsize - 1], ==, 0);
		off = (off + 110 + nsize + 3) & ~3UL;
		if (!strcmp(n, "TRAILER!!!")) {
			g_assert_cmpuint(off, ==, a->len);
			return found;
		}
		if (!strcmp(n, name)) {
			found = g_strndup((const char *)a->data + off, fsize);
			*mode = hex8(h + 14);
		}
		off = (off + fsize + 3) & ~3UL;
	}
}

static void test_archive(void)
{
	char *argv[] = { "sh", "-c", "exit 7", NULL };
	g_autoptr(GByteArray) a = cpio_command(argv);
	g_autofree char *script = NULL;
	unsigned long mode = 0;

	script = cpio_lookup(a, "vipi/cmd.sh", &mode);
	g_assert_nonnull(script);
	g_assert_true(S_ISREG(mode));
	g_assert_nonnull(strstr(script, "'sh' '-c' 'exit 7'\n"));
	g_free(cpio_lookup(a, "vipi", &mode));
	g_assert_true(S_ISDIR(mode));
}

/* A --rootfs run's files: the shares list and the working directory beside the command. */
static void test_run_files(void)
{
	char *argv[] = { "true", NULL };
	g_autoptr(GByteArray) a = cpio_run_files(argv, "vipifs0 ro /\n", "/home/x y");
	g_autoptr(GByteArray) b = cpio_run_files(NULL, "vipifs0 rw /out\n", NULL);
	g_autofree char *shares = NULL, *cwd = NULL, *cmd = NULL;
	unsigned long mode = 0;

	shares = cpio_lookup(a, "vipi/shares", &mode);
	g_assert_cmpstr(shares, ==, "vipifs0 ro /\n");
	cwd = cpio_lookup(a, "vipi/cwd", &mode);
	g_assert_cmpstr(cwd, ==, "/home/x y");
	g_free(cpio_lookup(a, "vipi/cmd.sh", &mode));
	g_assert_true(S_ISREG(mode));
	/* Without a command (the interactive shell): no cmd.sh, no cwd. */
	cmd = cpio_lookup(b, "vipi/cmd.sh", &mode);
	g_assert_null(cmd);
	g_assert_null(cpio_lookup(b, "vipi/cwd", &mode));
	g_free(cpio_lookup(b, "vipi/shares", &mode));
}

/* Each word survives sh: compare with GLib's parser of sh syntax. */
static void test_quoting(void)
{
	char *argv[] = { "printf", "%s\\n", "it's", "a b", "$HOME", "`x`", "\"q\"", "", "*", NULL };
	g_autofree char *line = shell_join(argv);
	g_auto(GStrv) back = NULL;
	int n = 0;

	g_assert_true(g_shell_parse_argv(line, &n, &back, NULL));
	g_assert_cmpint(n, ==, (int)g_strv_length(argv));
	for (int i = 0; i < n; i++)
		g_assert_cmpstr(back[i], ==, argv[i]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cpio/archive", test_archive);
	g_test_add_func("/cpio/quoting", test_quoting);
	g_test_add_func("/cpio/run-files", test_run_files);
	return g_test_run();
}
