// SPDX-License-Identifier: GPL-2.0-only
/*
 * The main loop of `vipi run`: the main thread keeps SIGINT/SIGTERM/SIGHUP
 * blocked and reads them from a signalfd, together with the VM's end
 * eventfd, the console's input and the devices' helper processes
 * (virtiofsd), until the run ends: by the guest, a signal, the boot
 * watchdog (util/life.h) or --timeout.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/run.h"
#include "devices/devices.h"
#include "kvm/stats.h"
#include "kvm/vm.h"
#include "util/life.h"
#include "util/log.h"

/*
 * SIGINT/SIGTERM/SIGHUP arrive on a signalfd; SIGPIPE must not kill us
 * mid-run. SIGHUP is a terminal hung up: left to its default it would kill
 * us with the terminal raw and virtiofsd running.
 */
int run_signals_init(struct run *r)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	r->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return r->sig_fd < 0 ? pr_errno(-errno, "signalfd") : 0;
}

void run_signals_exit(struct run *r)
{
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	r->sig_fd = -1;
}

/* Any port I/O or MMIO exit to us: the guest runs (util/life.h). */
static bool run_alive(struct vm *vm)
{
	return vm_exits(vm, KVM_EXIT_IO) || vm_exits(vm, KVM_EXIT_MMIO);
}

/* The boot watchdog: true when it ended the run. */
static bool run_check_life(struct run *r, gint64 *life_by)
{
	uint64_t exits = 0, v;

	if (!*life_by || g_get_monotonic_time() < *life_by)
		return false;
	*life_by = 0;
	if (run_alive(r->vm))
		return false;
	for (unsigned int i = 0; i < vm_nr_vcpus(r->vm); i++)
		if (stats_vcpu_get(r->vm, i, "exits", &v))
			exits += v;
	vm_end_request(r->vm, VM_END_CRASH, 0,
		       "no sign of life from the guest in %d s: no console output, no port I/O "
		       "(%" PRIu64 " KVM exits); this KVM may not run it",
		       VIPI_LIFE_S, exits);
	return true;
}

/* Waits for the end: a device's request, a signal, the boot watchdog or the timeout. */
void run_wait(struct run *r)
{
	const struct vipi_config *c = &r->cfg;
	gint64 deadline = c->timeout_s ? c->t0_us + (gint64)c->timeout_s * G_USEC_PER_SEC : 0;
	gint64 life_by = c->t0_us + (gint64)VIPI_LIFE_S * G_USEC_PER_SEC;
	bool stdin_open = !c->cmd;

	while (vm_end_get(r->vm, NULL, NULL) == VM_RUNNING) {
		struct pollfd p[4] = { { .fd = vm_end_fd(r->vm), .events = POLLIN },
				       { .fd = r->sig_fd, .events = POLLIN },
				       { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
				       { .fd = devices_watch_fd(r->dev), .events = POLLIN } };
		bool full = stdin_open && !devices_console_room(r->dev);
		int ms = full ? 10 : -1;
		struct signalfd_siginfo si;

		if (full)
			p[2].fd = -1; /* the guest has not read what it has yet */
		if (deadline) {
			gint64 left = (deadline - g_get_monotonic_time()) / 1000;

			if (left <= 0) {
				vm_end_request(r->vm, VM_END_TIMEOUT, 0,
					       "timed out after %u s (--timeout)", c->timeout_s);
				break;
			}
			ms = ms < 0 ? (int)MIN(left, G_MAXINT) : MIN(ms, (int)left);
		}
		if (run_check_life(r, &life_by))
			break;
		if (life_by) {
			gint64 left = (life_by - g_get_monotonic_time()) / 1000 + 1;

			ms = ms < 0 ? (int)MIN(left, G_MAXINT) : MIN(ms, (int)left);
		}
		if (poll(p, 4, ms) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) && read(r->sig_fd, &si, sizeof(si)) == sizeof(si))
			vm_end_request(r->vm, VM_END_SIGNAL, si.ssi_signo, "stopped by SIG%s",
				       sigabbrev_np(si.ssi_signo));
		if (p[2].revents & (POLLIN | POLLHUP))
			run_console_input(r, &stdin_open);
		if (p[3].revents & POLLIN)
			devices_watch(r->dev); /* a helper (virtiofsd) died: the run ends */
	}
}
