// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "boot/kernels.h"
#include "config.h"
#include "util/log.h"

/* guest-kernel.sh's statuses: a name that names no kernel; a kernel that lacks what vipi needs. */
#define KERNELS_UNKNOWN	   2
#define KERNELS_UNSUITABLE 3

/*
 * A release already cached is used as it is, without the script: inside
 * the lab (`vipi run|bench` hand it the release they resolved) there may be
 * no network, and apt under TCG is slow.
 */
static char *kernels_cached(const char *name)
{
	g_autofree char *dir = NULL, *image = NULL;

	if (!*name || strchr(name, '/') || name[0] == '.')
		return NULL;
	dir = g_build_filename(VIPI_BUILD_DIR, "kernels", name, NULL);
	image = g_build_filename(dir, "bench.cpio.gz", NULL);
	return g_file_test(image, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer(&dir) : NULL;
}

/* Runs guest-kernel.sh with ARGS (after BUILDDIR SRCDIR); its stdout into *DIR. */
static int kernels_script(const char *const *args, char **dir)
{
	g_autofree char *script =
		g_build_filename(VIPI_SOURCE_DIR, "guest", "kit", "guest-kernel.sh", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *out = NULL;
	g_autoptr(GError) err = NULL;
	int wstatus;

	g_ptr_array_add(argv, "sh");
	g_ptr_array_add(argv, script);
	g_ptr_array_add(argv, VIPI_BUILD_DIR);
	g_ptr_array_add(argv, VIPI_SOURCE_DIR);
	for (; *args; args++)
		g_ptr_array_add(argv, (char *)*args);
	g_ptr_array_add(argv, NULL);
	/* stderr stays ours: the script's progress and its one error line. */
	if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &out,
			  NULL, &wstatus, &err)) {
		pr_err("guest kernel: %s", err->message);
		return -ENOPKG;
	}
	if (WIFSIGNALED(wstatus) || (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) >= 128))
		return -EINTR;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == KERNELS_UNKNOWN)
		return -EINVAL;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == KERNELS_UNSUITABLE)
		return -EOPNOTSUPP;
	g_strchomp(out);
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) || !*out)
		return -ENOPKG; /* the script said why */
	*dir = g_steal_pointer(&out);
	return 0;
}

int kernels_find(const char *name, char **dir)
{
	const char *args[] = { name, NULL };

	*dir = kernels_cached(name);
	if (*dir)
		return 0;
	return kernels_script(args, dir);
}

int kernels_build(const char *bzimage, const char *kdir, bool nohz, char **dir)
{
	const char *args[] = { "--kdir", kdir, bzimage, nohz ? "nohz" : NULL, NULL };

	*dir = NULL;
	return kernels_script(args, dir);
}

const char *kernels_release(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}
