// SPDX-License-Identifier: GPL-2.0-only
/*
 * --rootfs DIR and --rwdir HOSTDIR[=GUESTDIR] into the config's shares
 * (util/vipi_config.h): run_shares_config() when parsing (no I/O), then
 * run_shares_check() before anything starts, on the host, so that a bad
 * directory or a missing virtiofsd costs one line and no lab boot.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli/run.h"
#include "cli/status.h"
#include "devices/virtiofsd.h"
#include "util/log.h"

static char *shares_abs(const char *path)
{
	g_autofree char *abs = g_canonicalize_filename(path, NULL);

	return g_strdup(abs);
}

/* HOSTDIR[=GUESTDIR], GUESTDIR absolute: one more share, or false after one line. */
static bool shares_add_rw(struct vipi_config *c, const char *spec)
{
	const char *eq = strchr(spec, '=');
	g_autofree char *host = eq ? g_strndup(spec, eq - spec) : g_strdup(spec);
	struct vipi_share *s;

	if (!*host || (eq && eq[1] != '/')) {
		pr_err("--rwdir %s: want HOSTDIR[=/GUESTDIR], GUESTDIR absolute", spec);
		return false;
	}
	if (c->nr_shares == VIPI_MAX_SHARES) {
		pr_err("--rwdir: at most %u shares", VIPI_MAX_SHARES - 1);
		return false;
	}
	s = &c->shares[c->nr_shares++];
	s->host = shares_abs(host);
	s->guest = eq ? g_canonicalize_filename(eq + 1, "/") : g_strdup(s->host);
	s->writable = true;
	return true;
}

bool run_shares_config(struct vipi_config *c, const char *rootfs, char **rwdirs)
{
	if (rootfs) {
		c->rootfs = true;
		c->shares[0] =
			(struct vipi_share){ .host = shares_abs(rootfs), .guest = g_strdup("/") };
		c->nr_shares = 1;
		c->cwd = g_get_current_dir();
	}
	for (size_t i = 0; rwdirs && rwdirs[i]; i++)
		if (!shares_add_rw(c, rwdirs[i]))
			return false;
	return true;
}

void run_shares_clear(struct vipi_config *c)
{
	for (unsigned int i = 0; i < c->nr_shares; i++) {
		g_free(c->shares[i].host);
		g_free(c->shares[i].guest);
	}
	c->nr_shares = 0;
	g_clear_pointer(&c->cwd, g_free);
}

/* A directory, and for --rwdir one we may write: 0 or -errno after one line. */
static int shares_check_one(const struct vipi_share *s)
{
	const char *opt = s->writable ? "--rwdir" : "--rootfs";
	struct statvfs vfs;
	struct stat st;

	if (stat(s->host, &st))
		return pr_errno(-errno, "%s %s", opt, s->host);
	if (!S_ISDIR(st.st_mode))
		return pr_errno(-ENOTDIR, "%s %s", opt, s->host);
	if (!s->writable)
		return 0;
	if (!statvfs(s->host, &vfs) && (vfs.f_flag & ST_RDONLY))
		return pr_errno(-EROFS, "%s %s", opt, s->host);
	if (access(s->host, W_OK))
		return pr_errno(-errno, "%s %s", opt, s->host);
	return 0;
}

int run_shares_check(const struct vipi_config *c)
{
	for (unsigned int i = 0; i < c->nr_shares; i++) {
		int r = shares_check_one(&c->shares[i]);

		if (r)
			return r;
	}
	if (c->nr_shares && !virtiofsd_find()) {
		pr_err("--rootfs/--rwdir need virtiofsd (%s): apt-get install %s",
		       g_getenv("VIPI_VIRTIOFSD") ? g_getenv("VIPI_VIRTIOFSD") : VIRTIOFSD_PATH,
		       VIRTIOFSD_PACKAGE);
		return -ENOPKG;
	}
	return 0;
}
