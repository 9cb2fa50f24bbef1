// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "lab/job.h"
#include "lab/monitor.h"
#include "util/log.h"

extern char **environ;

static int job_write(const char *dir, const char *name, const char *data, gsize len)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	g_autoptr(GError) err = NULL;

	if (!g_file_set_contents(p, data, len, &err)) {
		pr_err("lab: %s", err->message);
		return -EIO;
	}
	return 0;
}

/* VEC as NUL-terminated strings back to back. */
static GString *job_join(char *const vec[])
{
	GString *s = g_string_new(NULL);

	for (; *vec; vec++)
		g_string_append_len(s, *vec, strlen(*vec) + 1);
	return s;
}

int lab_job_create(struct lab_job *job, char *const argv[])
{
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *cwd = g_get_current_dir();
	g_autoptr(GString) a = job_join(argv);
	g_autoptr(GString) e = job_join(environ);
	const struct {
		const char *name, *data;
		gssize len;
	} files[] = {
		{ "exe", self, -1 }, { "argv", a->str, a->len }, { "env", e->str, e->len },
		{ "cwd", cwd, -1 },  { "stdout", "", 0 },	 { "stderr", "", 0 },
	};
	g_autofree char *out = NULL, *errp = NULL;
	int r;

	job->out_fd = job->err_fd = -1;
	job->look = NULL;
	/* /tmp, not $TMPDIR: the path goes on a kernel command line, unquoted. */
	job->dir = g_strdup("/tmp/vipi-lab-XXXXXX");
	if (!g_mkdtemp(job->dir)) {
		r = pr_errno(-errno, "lab: cannot create %s", job->dir);
		g_clear_pointer(&job->dir, g_free);
		return r;
	}
	r = self ? 0 : pr_errno(-ENOENT, "lab: /proc/self/exe");
	for (size_t i = 0; i < G_N_ELEMENTS(files) && !r; i++)
		r = job_write(job->dir, files[i].name, files[i].data, files[i].len);
	if (r)
		goto fail;
	out = g_build_filename(job->dir, "stdout", NULL);
	errp = g_build_filename(job->dir, "stderr", NULL);
	job->out_fd = open(out, O_RDONLY | O_CLOEXEC);
	job->err_fd = open(errp, O_RDONLY | O_CLOEXEC);
	if (job->out_fd < 0 || job->err_fd < 0) {
		r = pr_errno(-errno, "lab: cannot open %s", out);
		goto fail;
	}
	return 0;
fail:
	lab_job_destroy(job);
	return r;
}

static void job_copy(int from, int to)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(to, buf + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return; /* our reader went away: drop, as a pipe would */
			off += w;
		}
	}
}

void lab_job_pump(struct lab_job *job)
{
	/* The files only grow; a read at our offset returns what is new. */
	job_copy(job->out_fd, STDOUT_FILENO);
	job_copy(job->err_fd, STDERR_FILENO);
}

bool lab_job_status(struct lab_job *job, int *status)
{
	g_autofree char *p = g_build_filename(job->dir, "status", NULL);
	g_autofree char *s = NULL;
	char *end;
	long v;

	if (!g_file_get_contents(p, &s, NULL, NULL))
		return false;
	v = strtol(s, &end, 10);
	if (end == s || v < 0 || v > 255)
		return false;
	*status = v;
	return true;
}

bool lab_job_started(struct lab_job *job)
{
	g_autofree char *p = g_build_filename(job->dir, "started", NULL);

	return g_file_test(p, G_FILE_TEST_EXISTS);
}

bool lab_job_signal(struct lab_job *job, int sig)
{
	g_autofree char *p = g_build_filename(job->dir, "signal", NULL);
	g_autofree char *s = g_strdup_printf("%d\n", sig);

	/* g_file_set_contents writes a temporary file and renames it. */
	return g_file_set_contents(p, s, -1, NULL);
}

char *lab_job_tail(struct lab_job *job, const char *name)
{
	g_autofree char *p = g_build_filename(job->dir, name, NULL);
	g_autofree char *s = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(p, &s, NULL, NULL))
		return NULL;
	lines = g_strsplit_set(s, "\r\n", -1);
	for (int i = g_strv_length(lines) - 1; i >= 0; i--) {
		g_strstrip(lines[i]);
		if (*lines[i])
			return g_strdup(lines[i]);
	}
	return NULL;
}

void lab_job_destroy(struct lab_job *job)
{
	static const char *const files[] = { "exe",	    "argv",	  "env",
					     "cwd",	    "stdout",	  "stderr",
					     "status",	    "status.tmp", "qemu.log",
					     "console.log", "signal",	  LAB_MONITOR_SOCK,
					     "started",	    "console.in", "console.out" };
	GDir *d;

	if (job->out_fd >= 0)
		close(job->out_fd);
	if (job->err_fd >= 0)
		close(job->err_fd);
	job->out_fd = job->err_fd = -1;
	g_clear_pointer(&job->look, g_free);
	if (!job->dir)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *p = g_build_filename(job->dir, files[i], NULL);

		g_unlink(p);
	}
	/* Anything else is not ours to guess at; say so rather than rm -rf. */
	if (g_rmdir(job->dir) && (d = g_dir_open(job->dir, 0, NULL))) {
		pr_warn("lab: left %s behind (unexpected files in it)", job->dir);
		g_dir_close(d);
	}
	g_clear_pointer(&job->dir, g_free);
}
