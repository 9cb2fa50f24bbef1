// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot suite. Both VMMs get the same kit kernel, the same initramfs and
 * the same command line; the guest's only command is `reboot -f` (reboot=k:
 * vipi's i8042 reset, QEMU's -no-reboot), so each VMM process ends when the
 * guest reaches its command. Timed by wall clock around the whole process:
 * that includes the VMM's own start-up and tear-down, the same for both.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/boot.h"
#include "bench/qemu.h"
#include "util/life.h"
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

/*
 * Runs ARGV to its end; seconds, or NAN with *WHY set. A vipi row has its
 * own boot watchdog; a QEMU row (QEMU set) gets it here: port I/O over QMP
 * by VIPI_LIFE_S, and the guest's end (its init is the reboot) by VIPI_INIT_S.
 */
static double boot_time(const struct bench_opts *o, char **argv, bool qemu, char **why)
{
	gint64 t0 = g_get_monotonic_time(), deadline = t0 + o->timeout_s * G_USEC_PER_SEC;
	gint64 life_by = qemu ? t0 + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC : 0;
	gint64 init_by = qemu ? t0 + (gint64)VIPI_INIT_S * G_USEC_PER_SEC : 0;
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
		if (life_by && g_get_monotonic_time() >= life_by) {
			life_by = 0;
			if (!qemu_boot_alive(o, why))
				init_by = 1; /* stop it now */
		}
		if (init_by && g_get_monotonic_time() >= init_by) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (!*why)
				*why = g_strdup_printf("the guest did not reach its init in %d s "
						       "(QEMU killed)",
						       VIPI_INIT_S);
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

int bench_boot(const struct bench_opts *o, char **vmms, struct bench_report *r)
{
	g_autofree char *initrd = NULL;
	int ret = bench_initramfs(o, "boot.cpio.gz", "guest-boot.sh", &initrd);

	if (ret)
		return ret;

	for (char **v = vmms; *v && !*o->stop; v++) {
		bool qemu = !strcmp(*v, "qemu");
		g_auto(GStrv) argv =
			qemu ? qemu_argv(o, initrd, NULL, false) : boot_vipi_argv(o, initrd);
		g_autofree char *why = NULL;
		double s;

		pr_info("bench: boot: %s ...", *v);
		s = boot_time(o, argv, qemu, &why);
		if (isnan(s)) {
			pr_warn("bench: boot %s: %s", *v, why);
			ret = -EIO;
		} else {
			pr_info("bench: boot: %s: %.2f s", *v, s);
		}
		bench_report_add_boot(r, *v, s, why);
	}
	return ret ?: (*o->stop ? -ECANCELED : 0);
}
