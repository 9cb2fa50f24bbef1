// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest command of `vipi run -- CMD...` becomes /vipi/cmd.sh in a cpio
 * archive appended to the initramfs. The input, split at NUL bytes, is that
 * argv. The shell line must give back exactly the same words (sh quoting,
 * checked with GLib's POSIX shell parser), and the archive must be a
 * well-formed "newc" stream: two entries and the trailer, every header and
 * name where the kernel's unpacker will look for it.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"

#define NEWC_HDR 110

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static unsigned long field(const uint8_t *hdr, unsigned int i)
{
	char buf[9];

	memcpy(buf, hdr + 6 + 8 * i, 8);
	buf[8] = '\0';
	return strtoul(buf, NULL, 16);
}

/* Walks the archive; returns cmd.sh's contents (not NUL-terminated). */
static const uint8_t *check_archive(const GByteArray *a, size_t *script_len)
{
	static const char *const names[] = { "vipi", "vipi/cmd.sh", "TRAILER!!!" };
	const uint8_t *script = NULL;
	size_t off = 0;

	for (unsigned int e = 0; e < 3; e++) {
		const uint8_t *h = a->data + off;
		unsigned long namesize, filesize;

		if (off + NEWC_HDR > a->len || memcmp(h, "070701", 6))
			abort();
		filesize = field(h, 6);
		namesize = field(h, 11);
		if (namesize != strlen(names[e]) + 1 || off + NEWC_HDR + namesize > a->len ||
		    memcmp(h + NEWC_HDR, names[e], namesize))
			abort();
		off = align4(off + NEWC_HDR + namesize);
		if (off + filesize > a->len)
			abort();
		if (e == 1) {
			script = a->data + off;
			*script_len = filesize;
		}
		off = align4(off + filesize);
	}
	if (off != a->len)
		abort();
	return script;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "# written by vipi run\n";
	g_autofree char *buf = g_malloc(size + 1);
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_autoptr(GByteArray) a = NULL;
	g_autofree char *line = NULL, *script = NULL;
	g_auto(GStrv) back = NULL;
	const uint8_t *s;
	size_t slen = 0;
	int n;

	if (!size)
		return 0; /* vipi run has no command then */
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t off = 0; off < size; off += strlen(buf + off) + 1)
		g_ptr_array_add(args, buf + off);
	g_ptr_array_add(args, NULL);

	line = shell_join((char *const *)args->pdata);
	if (!g_shell_parse_argv(line, &n, &back, NULL) || (unsigned int)n != args->len - 1)
		abort();
	for (int i = 0; i < n; i++)
		if (strcmp(back[i], args->pdata[i]))
			abort(); /* the guest would run other words */

	a = cpio_command((char *const *)args->pdata);
	s = check_archive(a, &slen);
	script = g_strdup_printf("%s%s\n", prefix, line);
	if (slen != strlen(script) || memcmp(s, script, slen))
		abort();
	return 0;
}
