// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtiofsd as vipi runs it, without a VM: started on a directory (the
 * namespace sandbox) and on / (chroot sandbox, read-only), it answers the
 * vhost-user handshake; the socket's private directory is gone as soon as
 * we are connected; stopping reaps it; a daemon killed mid-run is seen
 * dead with its signal; a missing binary names the package. Needs root and
 * Debian's virtiofsd (qemu-system-common): skipped, and says so, otherwise.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "devices/vhost_user.h"
#include "devices/virtiofsd.h"

static char *tmp;

/* Nothing of ours in TMPDIR: the socket's directory went at connect time. */
static guint tmp_entries(void)
{
	g_autoptr(GDir) d = g_dir_open(tmp, 0, NULL);
	guint n = 0;

	while (d && g_dir_read_name(d))
		n++;
	return n;
}

static bool can_run(void)
{
	if (geteuid() || !virtiofsd_find()) {
		g_test_skip("needs root and " VIRTIOFSD_PATH);
		return false;
	}
	return true;
}

/* Every mount virtiofsd sees is read-only (mountinfo's 6th field, per-mount options). */
static void check_readonly(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/mountinfo", pid);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	guint n = 0;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] && *lines[i]; i++, n++) {
		g_auto(GStrv) f = g_strsplit(lines[i], " ", 7);

		g_assert_cmpuint(g_strv_length(f), >=, 6);
		if (!g_str_has_prefix(f[5], "ro"))
			g_error("virtiofsd sees a writable mount: %s", lines[i]);
	}
	g_assert_cmpuint(n, >, 0);
}

static void handshake(const char *source, bool readonly)
{
	struct virtiofsd d;
	uint64_t features = 0;
	g_autofree char *why = NULL;

	g_assert_cmpint(virtiofsd_start(source, readonly, &d), ==, 0);
	g_assert_cmpuint(tmp_entries(), ==, 0);
	g_assert_cmpint(vhost_user_set_u64(d.sock, VHOST_USER_SET_OWNER, 0), ==, 0);
	g_assert_cmpint(vhost_user_get_u64(d.sock, VHOST_USER_GET_FEATURES, &features), ==, 0);
	g_assert_cmpuint(features & (1ull << 32), !=, 0); /* VIRTIO_F_VERSION_1 */
	g_assert_false(virtiofsd_dead(&d, &why));
	if (readonly)
		check_readonly(d.pid);
	virtiofsd_stop(&d);
	g_assert_cmpint(d.pid, ==, 0);
	g_assert_cmpint(d.sock, ==, -1);
	g_assert_cmpuint(tmp_entries(), ==, 0);
}

static void test_dir(void)
{
	if (!can_run())
		return;
	handshake(tmp, false);
	handshake(tmp, true); /* its namespace sandbox over our read-only bind */
}

static void test_root(void)
{
	if (can_run())
		handshake("/", true);
}

static void test_killed(void)
{
	struct virtiofsd d;
	g_autofree char *why = NULL;
	uint64_t features;

	if (!can_run())
		return;
	g_assert_cmpint(virtiofsd_start(tmp, false, &d), ==, 0);
	g_assert_cmpint(vhost_user_get_u64(d.sock, VHOST_USER_GET_FEATURES, &features), ==, 0);
	g_assert_cmpint(kill(d.pid, SIGKILL), ==, 0);
	for (int i = 0; i < 200 && !virtiofsd_dead(&d, &why); i++)
		g_usleep(10000);
	g_assert_nonnull(why);
	g_assert_nonnull(strstr(why, "killed by signal 9"));
	virtiofsd_stop(&d);
	g_assert_cmpuint(tmp_entries(), ==, 0);
}

static void test_missing(void)
{
	struct virtiofsd d;

	g_setenv("VIPI_VIRTIOFSD", "/nonexistent/virtiofsd", TRUE);
	g_assert_null(virtiofsd_find());
	g_assert_cmpint(virtiofsd_start(tmp, false, &d), ==, -ENOPKG);
	g_assert_cmpuint(tmp_entries(), ==, 0);
	g_unsetenv("VIPI_VIRTIOFSD");
}

int main(int argc, char **argv)
{
	int r;

	/* Before anything asks GLib for the temporary directory (it caches it). */
	tmp = g_strdup("/tmp/vipi-test-vfsd.XXXXXX");
	g_assert_nonnull(g_mkdtemp(tmp));
	g_setenv("TMPDIR", tmp, TRUE);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/virtiofsd/dir", test_dir);
	g_test_add_func("/virtiofsd/root-readonly", test_root);
	g_test_add_func("/virtiofsd/killed", test_killed);
	g_test_add_func("/virtiofsd/missing", test_missing);
	r = g_test_run();
	g_rmdir(tmp);
	return r;
}
