// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi watch's command line and exit statuses (vmm/cli/watch.c), without a
 * VM: bad options (64), libvirt's test:///default mock for an unknown
 * domain (66) and a running domain that is no QEMU process here (69), and
 * a --pid that is no KVM VM (69). The real VMs are tests/lab/watch.sh's.
 */
#include <unistd.h>

#include "cli/cli.h"
#include "cli/status.h"
#include "util/log.h"

static int watch(const char *args)
{
	g_autofree char *line = g_strdup_printf("watch %s", args);
	g_auto(GStrv) argv = g_strsplit(line, " ", -1);
	guint n = g_strv_length(argv);
	/* The parser drops what it took from the array; argv still frees it all. */
	g_autofree char **view = g_memdup2(argv, (n + 1) * sizeof(*argv));

	return cmd_watch(n, view);
}

static void test_usage(void)
{
	g_assert_cmpint(watch("--seconds 1"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--domain d --pid 1"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 0"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid x1"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 --interval 0.01"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 --interval x"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 --seconds 0"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 --connect test:///default"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 extra"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--pid 1 -- true"), ==, VIPI_EXIT_USAGE);
	g_assert_cmpint(watch("--bogus"), ==, VIPI_EXIT_USAGE);
}

static void test_libvirt_mock(void)
{
	g_assert_cmpint(watch("--domain nosuch --connect test:///default"), ==, VIPI_EXIT_NOINPUT);
	/* The mock's domain "test" runs, but as no QEMU process on this host. */
	g_assert_cmpint(watch("--domain test --connect test:///default"), ==,
			VIPI_EXIT_UNAVAILABLE);
	/* By UUID too (the mock's fixed one). */
	g_assert_cmpint(watch("--domain 6695eb01-f6a4-8304-79aa-97f2502e193f "
			      "--connect test:///default"),
			==, VIPI_EXIT_UNAVAILABLE);
	g_assert_cmpint(watch("--domain test --connect bogus:///nowhere"), ==,
			VIPI_EXIT_UNAVAILABLE);
}

static void test_pid(void)
{
	g_autofree char *self = g_strdup_printf("--pid %d", (int)getpid());

	g_assert_cmpint(watch(self), ==, VIPI_EXIT_UNAVAILABLE);	       /* no KVM VM */
	g_assert_cmpint(watch("--pid 2147483647"), ==, VIPI_EXIT_UNAVAILABLE); /* no process */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	log_set_prefix("test");
	g_test_add_func("/watch-cli/usage", test_usage);
	g_test_add_func("/watch-cli/libvirt-mock", test_libvirt_mock);
	g_test_add_func("/watch-cli/pid", test_pid);
	return g_test_run();
}
