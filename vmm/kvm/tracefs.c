// SPDX-License-Identifier: GPL-2.0-only
/*
 * Private tracefs instances: where tracefs is, trigger writes, and the
 * instances of runs that were killed before they could remove their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "kvm/tracefs.h"
#include "util/log.h"

const char *tracefs_root(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
		g_autofree char *inst = g_build_filename(roots[i], "instances", NULL);

		if (g_file_test(inst, G_FILE_TEST_IS_DIR))
			return roots[i];
	}
	return NULL;
}

int tracefs_trigger_write(const char *dir, const char *event, const char *text)
{
	g_autofree char *path = g_build_filename(dir, "events", "kvm", event, "trigger", NULL);
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), r = 0;
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		r = -errno;
	close(fd);
	return r;
}

/* The pid of an instance named PREFIX<digits>, or 0. */
static unsigned long tracefs_instance_pid(const char *name, const char *prefix)
{
	const char *digits = name + strlen(prefix);

	if (!g_str_has_prefix(name, prefix) || !*digits ||
	    strspn(digits, "0123456789") != strlen(digits))
		return 0;
	return strtoul(digits, NULL, 10);
}

void tracefs_remove_stale(const char *root, const char *prefix, void (*untrigger)(const char *dir))
{
	g_autofree char *inst = g_build_filename(root, "instances", NULL);
	g_autoptr(GDir) d = g_dir_open(inst, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		unsigned long pid = tracefs_instance_pid(name, prefix);
		g_autofree char *proc = NULL, *path = NULL;

		if (!pid)
			continue;
		proc = g_strdup_printf("/proc/%lu", pid);
		if (g_file_test(proc, G_FILE_TEST_EXISTS))
			continue;
		path = g_build_filename(inst, name, NULL);
		untrigger(path);
		if (rmdir(path))
			pr_debug("tracefs: cannot remove the stale %s: %s", path,
				 g_strerror(errno));
	}
}
