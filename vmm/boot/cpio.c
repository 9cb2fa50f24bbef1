// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tiny "newc" cpio writer. The kernel unpacks concatenated archives into
 * one rootfs, so appending ours to the kit's initramfs adds /vipi/cmd.sh
 * without rewriting (or decompressing) the image.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot/boot.h"

static void pad4(GByteArray *a)
{
	static const uint8_t zero[4];

	if (a->len & 3)
		g_byte_array_append(a, zero, 4 - (a->len & 3));
}

void cpio_add(GByteArray *a, const char *name, uint32_t mode, const void *data, size_t len)
{
	static unsigned int ino = 0x7100;
	char hdr[111];
	size_t namesize = strlen(name) + 1;

	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	 * devminor, rdevmajor, rdevminor, namesize, check */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino++, mode, 0, 0, S_ISDIR(mode) ? 2 : 1, 0, (unsigned int)len, 0, 0, 0, 0,
		 (unsigned int)namesize, 0);
	g_byte_array_append(a, (const uint8_t *)hdr, 110);
	g_byte_array_append(a, (const uint8_t *)name, namesize);
	pad4(a);
	if (len)
		g_byte_array_append(a, data, len);
	pad4(a);
}

void cpio_finish(GByteArray *a)
{
	cpio_add(a, "TRAILER!!!", 0, NULL, 0);
}

char *shell_join(char *const *argv)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; argv && argv[i]; i++) {
		g_autofree char *q = g_shell_quote(argv[i]);

		if (i)
			g_string_append_c(s, ' ');
		g_string_append(s, q);
	}
	return g_string_free(s, FALSE);
}

GByteArray *cpio_run_files(char *const *cmd, const char *shares, const char *cwd)
{
	GByteArray *a = g_byte_array_new();

	cpio_add(a, "vipi", S_IFDIR | 0755, NULL, 0);
	if (cmd) {
		g_autofree char *line = shell_join(cmd);
		g_autofree char *script = g_strdup_printf("# written by vipi run\n%s\n", line);

		cpio_add(a, "vipi/cmd.sh", S_IFREG | 0644, script, strlen(script));
	}
	if (shares)
		cpio_add(a, "vipi/shares", S_IFREG | 0644, shares, strlen(shares));
	if (cwd)
		cpio_add(a, "vipi/cwd", S_IFREG | 0644, cwd, strlen(cwd));
	cpio_finish(a);
	return a;
}

GByteArray *cpio_command(char *const *argv)
{
	return cpio_run_files(argv, NULL, NULL);
}
