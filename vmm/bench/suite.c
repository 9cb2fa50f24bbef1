// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include "bench/suite.h"
#include "config.h"
#include "util/log.h"

char *bench_script(const char *name)
{
	g_autofree char *path = g_build_filename(VIPI_SOURCE_DIR, "vmm/bench", name, NULL);
	g_autoptr(GError) err = NULL;
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, &err))
		pr_err("bench: %s", err->message);
	return text;
}

int bench_errno(const GError *err)
{
	/* GLib maps errno to GFileError but not back: try each it knows. */
	static const int known[] = { EEXIST, EISDIR, EACCES, ENAMETOOLONG, ENOENT, ENOTDIR,
				     ENXIO,  ENODEV, EROFS,  ETXTBSY,	   EFAULT, ELOOP,
				     ENOSPC, ENOMEM, EMFILE, ENFILE,	   EBADF,  EINVAL,
				     EPIPE,  EAGAIN, EINTR,  EIO,	   EPERM,  ENOSYS };

	if (err && err->domain == G_FILE_ERROR)
		for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
			if (g_file_error_from_errno(known[i]) == (GFileError)err->code)
				return -known[i];
	return -EIO;
}
