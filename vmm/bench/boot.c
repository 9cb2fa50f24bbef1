// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot suite. Both VMMs get the same kit kernel, the same initramfs and
 * the same command line; the guest's only command is `reboot -f` (reboot=k:
 * vipi's i8042 reset, QEMU's -no-reboot), so each VMM process ends when the
 * guest reaches its command. Timed by wall clock around the whole process:
 * that includes the VMM's own start-up and tear-down, the same for both.
 */
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/boot.h"
#include "util/log.h"

#define BOOT_APPEND "console=ttyS0 quiet panic=-1 reboot=k"

static char **boot_vipi_argv(const struct bench_opts *o, const char *initrd)
{
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	GPtrArray *a = g_ptr_array_new();

#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("%s", self ? self : "vipi");
	ARG("run"), ARG("--lab=never");
	ARG("--kernel"), ARG("%s/vmlinuz", o->kit_dir);
	ARG("--initrd"), ARG("%s", initrd);
	ARG("--cpus"), ARG("%u", BENCH_VCPUS);
	ARG("--mem"), ARG("%u", BENCH_GUEST_MIB);
	ARG("--append"), ARG(BOOT_APPEND);
#undef ARG
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* Runs ARGV to its end; seconds, or NAN with *WHY set. */
static double boot_time(const struct bench_opts *o, char **argv, char **why)
{
	gint64 t0 = g_get_monotonic_time(), deadline = t0 + o->timeout_s * G_USEC_PER_SEC;
	g_autoptr(GError) err = NULL;
	int status;
	GPid pid;

	if (!g_spawn_async(NULL, argv, NULL,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
				   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
			   NULL, NULL, &pid, &err)) {
		*why = g_strdup(err->message);
		return NAN;
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (*o->stop || g_get_monotonic_time() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*why = g_strdup(*o->stop ? "interrupted" : "timed out");
			return NAN;
		}
		g_usleep(5000);
	}
	g_spawn_close_pid(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*why = g_strdup_printf("%s exited with status %d", argv[0],
				       WIFEXITED(status) ? WEXITSTATUS(status)
							 : 128 + WTERMSIG(status));
		return NAN;
	}
	return (g_get_monotonic_time() - t0) / 1e6;
}

bool boot_bench(const struct bench_opts *o, char **vmms, struct bench_report *r)
{
	g_autofree char *initrd = bench_initramfs(o, "boot.cpio.gz", "guest-boot.sh");

	if (!initrd)
		return false;
	bool ok = true;

	for (char **v = vmms; *v && !*o->stop; v++) {
		g_auto(GStrv) argv = !strcmp(*v, "qemu") ? qemu_argv(o, initrd, NULL, false)
							 : boot_vipi_argv(o, initrd);
		g_autofree char *why = NULL;
		double s;

		pr_info("bench: boot: %s ...", *v);
		s = boot_time(o, argv, &why);
		if (isnan(s)) {
			pr_warn("bench: boot %s: %s", *v, why);
			ok = false;
		} else {
			pr_info("bench: boot: %s: %.2f s", *v, s);
		}
		bench_report_add_boot(r, *v, s, why);
	}
	return ok && !*o->stop;
}
