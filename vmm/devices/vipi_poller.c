// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi poller: one host thread that takes pending words out of the
 * guest's mailbox and injects one MSI per class bit at the target vCPU.
 *
 * It spins while requests keep coming and for a window (adaptive, at most
 * --vipi-spin-us) after the last one, then sleeps on the doorbell eventfd. Going to sleep is the
 * guest sender's mirror image (docs/abi.md, "Memory ordering"):
 *
 *   poller: state = SLEEPING; full fence; rescan every slot; block
 *   sender: fetch-or pending;  full fence; read state; ring if SLEEPING
 *
 * Either the rescan sees the sender's bits or the sender sees SLEEPING and
 * rings, so no request waits for a poller that will never look.
 *
 * Nothing here allocates or takes a lock: the kick path is the mailbox, a
 * system call per injection and, when asleep, one eventfd read.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "devices/vipi_priv.h"
#include "util/log.h"
#include "util/sandbox.h"
#include "util/shared.h"

#define VIPI_SPIN_GROW_MIN_NS 10000ull

static const uint8_t vipi_class_vector[VIPI_NR_CLASSES] = {
	VIPI_VECTOR_CALL_FUNC_SINGLE,
	VIPI_VECTOR_RESCHEDULE,
	VIPI_VECTOR_CALL_FUNC,
};

static uint64_t vipi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void vipi_inject(struct vipi_dev *dev, uint32_t slot, uint32_t word)
{
	int vcpu = dev->slot_vcpu[slot];

	if (word & ~VIPI_CLASS_MASK) {
		vipi_count(dev, invalid_class, 1);
		pr_warn_ratelimited("vipi-dev: reserved class bits %#x for APIC ID %u dropped",
				    word & ~VIPI_CLASS_MASK, slot);
	}
	if (vcpu == VIPI_NO_VCPU) {
		vipi_count(dev, invalid_slot, 1);
		pr_warn_ratelimited("vipi-dev: request for APIC ID %u, which no vCPU has", slot);
		return;
	}
	for (unsigned int c = 0; c < VIPI_NR_CLASSES; c++) {
		int r;

		if (!(word & (1u << c)))
			continue;
		r = dev->ops->signal_msi(dev->ctx, vcpu, vipi_class_vector[c]);
		if (r > 0) {
			vipi_count(dev, injections, 1);
		} else if (r == 0) {
			vipi_count(dev, inject_coalesced, 1);
		} else {
			vipi_count(dev, inject_errors, 1);
			pr_warn_ratelimited("vipi-dev: MSI %#x to vCPU %d failed: %s",
					    vipi_class_vector[c], vcpu, strerror(-r));
		}
	}
}

unsigned int vipi_poller_scan(struct vipi_dev *dev)
{
	struct vipi_mbox *mb = dev->mbox;
	unsigned int taken = 0;

	for (uint32_t s = 0; s < dev->nr_slots; s++) {
		uint32_t *p = &mb->slot[s].pending, w;

		/* A plain load first: no locked operation on lines with nothing. */
		if (!shared_read(p))
			continue;
		w = shared_xchg(p, 0);
		if (!w)
			continue;
		taken++;
		vipi_inject(dev, s, w);
	}
	if (taken) {
		vipi_count(dev, words_taken, taken);
		/* Informational only: the guest reads it for its sysfs. */
		shared_add(&mb->hdr.poller_takes, taken);
	}
	return taken;
}

/*
 * Slots whose pending word is non-zero, without taking them: at exit, a
 * request the guest posted and nobody delivered shows here.
 */
unsigned int vipi_poller_pending(struct vipi_dev *dev)
{
	unsigned int n = 0;

	for (uint32_t s = 0; dev->mbox && s < dev->nr_slots; s++)
		n += shared_read(&dev->mbox->slot[s].pending) != 0;
	return n;
}

static void vipi_set_state(struct vipi_dev *dev, uint32_t state)
{
	shared_store(&dev->mbox->hdr.poller_state, state);
	/* Then the pending words are loaded (vipi_poller_scan()). */
	shared_fence();
}

static bool vipi_stopping(struct vipi_dev *dev)
{
	return atomic_load_explicit(&dev->poller_stop, memory_order_acquire);
}

/* Blocks until the doorbell rings or we are told to stop. */
static void vipi_sleep(struct vipi_dev *dev)
{
	struct pollfd pfd[2] = {
		{ .fd = dev->doorbell_fd, .events = POLLIN },
		{ .fd = dev->stop_fd, .events = POLLIN },
	};
	uint64_t v;

	vipi_count(dev, sleeps, 1);
	while (poll(pfd, 2, -1) < 0 && errno == EINTR)
		;
	if (pfd[0].revents & POLLIN) {
		/* Resets the count: rings while we were waking coalesce. */
		if (read(dev->doorbell_fd, &v, sizeof(v)) == sizeof(v))
			vipi_count(dev, wakeups, 1);
		shared_add(&dev->mbox->hdr.poller_wakeups, 1);
	}
}

static void vipi_pin(struct vipi_dev *dev)
{
	cpu_set_t set;
	int r;

	if (dev->poller_cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(dev->poller_cpu, &set);
	r = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (r)
		pr_warn("vipi-dev: cannot pin the poller to CPU %d: %s", dev->poller_cpu,
			strerror(r));
}

/*
 * The spin window adapts as KVM's halt polling does, between 0 and
 * --vipi-spin-us: a sleep that a doorbell ended sooner than the maximum window
 * means spinning longer would have caught that request (grow); a longer
 * sleep means the guest is idle (shrink). An idle guest thus pays for
 * wake-ups only, a busy one keeps the poller awake.
 */
static uint64_t vipi_spin_adapt(uint64_t cur, uint64_t max, uint64_t slept)
{
	if (slept < max)
		return cur < VIPI_SPIN_GROW_MIN_NS ? MIN(VIPI_SPIN_GROW_MIN_NS, max)
						   : MIN(cur * 2, max);
	return cur / 2 < VIPI_SPIN_GROW_MIN_NS ? 0 : cur / 2;
}

/*
 * Named, pinned and confined (with --sandbox) before it touches the
 * mailbox; then it publishes its TID, or -1 when it could not confine
 * itself and quits.
 */
static bool vipi_poller_setup(struct vipi_dev *dev)
{
	pid_t tid = (pid_t)syscall(SYS_gettid); /* the poller's filter has no gettid */
	int r;

	pthread_setname_np(pthread_self(), "vipi-poller");
	vipi_pin(dev);
	r = dev->sandbox ? sandbox_enter(SANDBOX_POLLER, SANDBOX_ALWAYS) : 0;
	atomic_store_explicit(&dev->poller_tid, r ? -1 : tid, memory_order_release);
	return !r;
}

static void *vipi_poller(void *arg)
{
	struct vipi_dev *dev = arg;
	uint64_t max_ns = (uint64_t)dev->spin_us * 1000, spin_ns = max_ns, last, t;

	if (!vipi_poller_setup(dev))
		return NULL;
	vipi_set_state(dev, VIPI_POLLER_AWAKE);
	last = vipi_now_ns();
	while (!vipi_stopping(dev)) {
		if (vipi_poller_scan(dev)) {
			last = vipi_now_ns();
			continue;
		}
		if (vipi_now_ns() - last < spin_ns) {
			__builtin_ia32_pause();
			continue;
		}
		vipi_set_state(dev, VIPI_POLLER_SLEEPING);
		if (!vipi_poller_scan(dev)) {
			t = vipi_now_ns();
			vipi_sleep(dev);
			last = vipi_now_ns();
			spin_ns = vipi_spin_adapt(spin_ns, max_ns, last - t);
		}
		vipi_set_state(dev, VIPI_POLLER_AWAKE);
		last = vipi_now_ns();
	}
	/* Requests posted before the guest disabled us are still delivered. */
	vipi_poller_scan(dev);
	return NULL;
}

int vipi_poller_start(struct vipi_dev *dev)
{
	uint64_t v;
	int r;

	/* Stale rings from an earlier life would only cost one empty scan. */
	while (read(dev->stop_fd, &v, sizeof(v)) == sizeof(v))
		;
	atomic_store_explicit(&dev->poller_stop, false, memory_order_release);
	r = pthread_create(&dev->poller, NULL, vipi_poller, dev);
	if (r) {
		pr_err("vipi-dev: cannot start the poller: %s", strerror(r));
		return -r;
	}
	/* Its TID is what one reads /proc/self/task/TID/stat by: wait for it. */
	while (!atomic_load_explicit(&dev->poller_tid, memory_order_acquire))
		sched_yield();
	if (atomic_load_explicit(&dev->poller_tid, memory_order_acquire) < 0) {
		pthread_join(dev->poller, NULL);
		atomic_store_explicit(&dev->poller_tid, 0, memory_order_release);
		return -EPERM; /* sandbox_enter() said why */
	}
	dev->poller_running = true;
	return 0;
}

void vipi_poller_stop(struct vipi_dev *dev)
{
	uint64_t one = 1;

	if (!dev->poller_running)
		return;
	atomic_store_explicit(&dev->poller_stop, true, memory_order_release);
	if (write(dev->stop_fd, &one, sizeof(one)) != sizeof(one))
		pr_warn("vipi-dev: cannot wake the poller: %s", strerror(errno));
	pthread_join(dev->poller, NULL);
	dev->poller_running = false;
	atomic_store_explicit(&dev->poller_tid, 0, memory_order_release);
}
