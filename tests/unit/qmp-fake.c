// SPDX-License-Identifier: GPL-2.0-only
/* The fake QEMU of qmp-fake.h. */
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qmp-fake.h"

static const char greeting[] =
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
	"\"capabilities\": []}}\n";

static gboolean fake_line(int fd, GString *line)
{
	char c;

	g_string_truncate(line, 0);
	while (read(fd, &c, 1) == 1) {
		if (c == '\n')
			return TRUE;
		g_string_append_c(line, c);
	}
	return FALSE;
}

static void fake_send(int fd, const char *s)
{
	g_assert_cmpint(write(fd, s, strlen(s)), ==, (ssize_t)strlen(s));
}

static gpointer fake_main(gpointer p)
{
	struct qmp_fake *f = p;
	g_autoptr(GString) line = g_string_new(NULL);
	int fd = accept(f->listen_fd, NULL, NULL);

	g_assert_cmpint(fd, >=, 0);
	fake_send(fd, greeting);
	g_assert_true(fake_line(fd, line));
	g_assert_nonnull(strstr(line->str, "qmp_capabilities"));
	fake_send(fd, "{\"return\": {}}\n");
	for (const char *const *r = f->replies; *r; r++) {
		if (!fake_line(fd, line))
			break;
		g_ptr_array_add(f->seen, g_strdup(line->str));
		fake_send(fd, *r);
	}
	close(fd);
	return NULL;
}

void qmp_fake_start(struct qmp_fake *f, const char *const *replies)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	f->dir = g_dir_make_tmp("vipi-qmp-XXXXXX", NULL);
	f->path = g_build_filename(f->dir, "qmp.sock", NULL);
	g_strlcpy(sa.sun_path, f->path, sizeof(sa.sun_path));
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	g_assert_cmpint(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(listen(f->listen_fd, 1), ==, 0);
	f->replies = replies;
	f->seen = g_ptr_array_new_with_free_func(g_free);
	f->thread = g_thread_new("fake-qmp", fake_main, f);
}

void qmp_fake_stop(struct qmp_fake *f)
{
	g_thread_join(f->thread);
	close(f->listen_fd);
	unlink(f->path);
	rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_ptr_array_unref(f->seen);
}
