// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include <gio/gio.h>

#include "bench/suite.h"
#include "config.h"
#include "util/log.h"

int bench_script(const char *name, char **text)
{
	g_autofree char *path = g_build_filename(VIPI_SOURCE_DIR, "vmm/bench", name, NULL);
	g_autoptr(GError) err = NULL;

	if (!g_file_get_contents(path, text, NULL, &err)) {
		pr_err("bench: %s", err->message);
		return bench_errno(err);
	}
	return 0;
}

/* Errnos that GLib turns into a GFileError or a GIOErrorEnum. */
static const int bench_known_errnos[] = {
	EEXIST,	  EISDIR,	EACCES,	     ENAMETOOLONG, ENOENT,    ENOTDIR,	    ENXIO,
	ENODEV,	  EROFS,	ETXTBSY,     EFAULT,	   ELOOP,     ENOSPC,	    ENOMEM,
	EMFILE,	  ENFILE,	EBADF,	     EINVAL,	   EPIPE,     EAGAIN,	    EINTR,
	EIO,	  EPERM,	ENOSYS,	     ETIMEDOUT,	   ECANCELED, ECONNREFUSED, ECONNRESET,
	ENOTCONN, EHOSTUNREACH, ENETUNREACH, EADDRINUSE,   ENOTSUP,   EBUSY,	    EMSGSIZE,
};

/* g_spawn_*()'s errors that say which errno the exec or fork met. */
static const struct {
	GSpawnError code;
	int err;
} bench_spawn_errnos[] = {
	{ G_SPAWN_ERROR_NOENT, ENOENT },  { G_SPAWN_ERROR_ACCES, EACCES },
	{ G_SPAWN_ERROR_PERM, EPERM },	  { G_SPAWN_ERROR_NOEXEC, ENOEXEC },
	{ G_SPAWN_ERROR_NOMEM, ENOMEM },  { G_SPAWN_ERROR_FORK, EAGAIN },
	{ G_SPAWN_ERROR_TOO_BIG, E2BIG }, { G_SPAWN_ERROR_ISDIR, EISDIR },
};

int bench_errno(const GError *err)
{
	if (!err)
		return -EIO;
	/* GLib maps errno to its codes, not back: try each errno it knows. */
	for (size_t i = 0; i < G_N_ELEMENTS(bench_known_errnos); i++) {
		int e = bench_known_errnos[i];

		if (err->domain == G_FILE_ERROR && err->code != G_FILE_ERROR_FAILED &&
		    (int)g_file_error_from_errno(e) == err->code)
			return -e;
		if (err->domain == G_IO_ERROR && err->code != G_IO_ERROR_FAILED &&
		    (int)g_io_error_from_errno(e) == err->code)
			return -e;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bench_spawn_errnos); i++)
		if (err->domain == G_SPAWN_ERROR && (int)bench_spawn_errnos[i].code == err->code)
			return -bench_spawn_errnos[i].err;
	return -EIO;
}
