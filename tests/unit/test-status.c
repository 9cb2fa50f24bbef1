// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/cli/status.c: the one place an -errno becomes an exit status. These
 * are the statuses docs/run.md promises and the lab tests run-badinput and
 * lab-badinput check, for the errnos vmm/ returns for them.
 */
#include <errno.h>
#include <signal.h>
#include <glib.h>

#include "cli/status.h"

static void test_input(void)
{
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -ENOENT), ==, 66);	/* missing file */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -EACCES), ==, 66);	/* unreadable */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -EINVAL), ==, 66);	/* not a regular file */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -ENOEXEC), ==, 65); /* not a bzImage */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -EFBIG), ==, 78);	/* beyond --mem */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -E2BIG), ==, 64);	/* --append too long */
	g_assert_cmpint(cli_status(CLI_STAGE_INPUT, -EFAULT), ==, 70);	/* a bug of ours */
}

static void test_kvm(void)
{
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -ENOENT), ==, 69); /* no /dev/kvm */
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -ENXIO), ==, 69);
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -EACCES), ==, 77); /* not ours to open */
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -EPERM), ==, 77);
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -EOPNOTSUPP), ==, 78); /* host refuses */
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -EINVAL), ==, 71);	 /* an ioctl failed */
	g_assert_cmpint(cli_status(CLI_STAGE_KVM, -ENOMEM), ==, 71);
}

static void test_other_stages(void)
{
	g_assert_cmpint(cli_status(CLI_STAGE_DEVICES, -EEXIST), ==, 70);
	g_assert_cmpint(cli_status(CLI_STAGE_SYSTEM, -EMFILE), ==, 71);
	g_assert_cmpint(cli_status(CLI_STAGE_OUTPUT, -EACCES), ==, 73);
	g_assert_cmpint(cli_status(CLI_STAGE_OUTPUT, -EIO), ==, 73);
	/* The same meaning whatever the stage. */
	g_assert_cmpint(cli_status(CLI_STAGE_OUTPUT, -ENOPKG), ==, 69); /* no QEMU or kit */
	g_assert_cmpint(cli_status(CLI_STAGE_SYSTEM, -EFAULT), ==, 70);
	g_assert_cmpint(cli_status(CLI_STAGE_DEVICES, -EOPNOTSUPP), ==, 78);
}

static void test_kernel(void)
{
	g_assert_cmpint(cli_status(CLI_STAGE_KERNEL, -EINVAL), ==, 64); /* no such kernel */
	g_assert_cmpint(cli_status(CLI_STAGE_KERNEL, -ENOPKG), ==, 69); /* fetch or build */
	g_assert_cmpint(cli_status(CLI_STAGE_KERNEL, -EINTR), ==, 130);
	g_assert_cmpint(cli_status(CLI_STAGE_KERNEL, -EOPNOTSUPP), ==, 78);
	/* lacks CONFIG_* */ /* ^C */
}

/* 128 + the signal, as a shell reports a command killed by it. */
static void test_signals(void)
{
	g_assert_cmpint(cli_signal_status(SIGINT), ==, 130);
	g_assert_cmpint(cli_signal_status(SIGTERM), ==, 143);
	g_assert_cmpint(cli_signal_status(SIGHUP), ==, 129);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/status/input", test_input);
	g_test_add_func("/status/kvm", test_kvm);
	g_test_add_func("/status/other-stages", test_other_stages);
	g_test_add_func("/status/kernel", test_kernel);
	g_test_add_func("/status/signals", test_signals);
	return g_test_run();
}
