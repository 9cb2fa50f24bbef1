// SPDX-License-Identifier: GPL-2.0-only
#include <sys/stat.h>

#include "bench/suite.h"
#include "boot/boot.h"
#include "config.h"
#include "util/log.h"

/*
 * The kit's bench initramfs (busybox, vipi.ko and the bench modules at
 * /lib/vipi/: guest/meson.build) with a second, uncompressed archive appended whose /init replaces
 * the kit's: the kernel unpacks both in order, the later file winning. Building it this way costs
 * no busybox links or cpio runs, which are slow in the lab.
 */
int bench_initramfs(const struct bench_opts *o, const char *name, const char *init, char **path)
{
	g_autofree char *out = g_build_filename(o->workdir, name, NULL);
	g_autofree char *script = g_build_filename(VIPI_SOURCE_DIR, "vmm/bench", init, NULL);
	g_autofree char *kit = g_build_filename(o->kit_dir, "bench.cpio.gz", NULL);
	g_autofree char *base = NULL, *text = NULL;
	g_autoptr(GByteArray) a = NULL;
	g_autoptr(GError) err = NULL;
	gsize base_len, text_len;

	if (!g_file_get_contents(kit, &base, &base_len, &err) ||
	    !g_file_get_contents(script, &text, &text_len, &err)) {
		pr_err("bench: initramfs: %s (build the kit: ninja -C build)", err->message);
		return bench_errno(err);
	}
	a = g_byte_array_new_take((guint8 *)g_steal_pointer(&base), base_len);
	/* The next archive starts on a 4-byte boundary. */
	while (a->len & 3)
		g_byte_array_append(a, (const guint8 *)"", 1);
	cpio_add(a, "init", S_IFREG | 0755, text, text_len);
	cpio_finish(a);
	/* Written to a temporary name and renamed. */
	if (!g_file_set_contents(out, (const char *)a->data, a->len, &err)) {
		pr_err("bench: initramfs: %s", err->message);
		return bench_errno(err);
	}
	*path = g_steal_pointer(&out);
	return 0;
}
