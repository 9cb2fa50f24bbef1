// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi device model on a fake VM: two RAM slots, vCPUs with a gap in
 * their APIC IDs, MSIs recorded instead of injected, the doorbell ioeventfd
 * simulated by writing its eventfd as KVM would. The test plays the guest
 * with the sender protocol of docs/abi.md.
 *
 * Hostile content: mailboxes outside RAM, across the slot edge, misaligned,
 * without magic; reserved class bits; requests for APIC IDs without a vCPU;
 * garbage at every register offset and size. The device must survive,
 * ignore, count, and still deliver every honest request, including across
 * the poller's sleep/doorbell race (no kick lost).
 */
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/vipi.h"
#include "util/vipi_config.h"

#define SLOT_SIZE (1u << 20)
#define NR_VCPUS  4
#define MBOX_GPA  0x10000ull
#define BAR	  0xc000

/* APIC IDs 3..69: nobody. 71 slots make a mailbox larger than a page. */
static const uint32_t apic_ids[NR_VCPUS] = { 0, 1, 2, 70 };
#define NR_SLOTS 71

struct fake_vm {
	uint8_t *ram[2]; /* GPA [0, 1M) and [1M, 2M): separate mappings */
	pthread_mutex_t lock;
	unsigned int msi[NR_VCPUS][256];
	int doorbell_fd;
	uint16_t doorbell_port;
	unsigned int ioeventfds;
	uint32_t last_phase;
	/* No-lost-kick bookkeeping: what was queued, what the "handler" saw. */
	unsigned long queued[NR_VCPUS], handled[NR_VCPUS];
};

static void *fake_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_vm *vm = ctx;
	unsigned int s = gpa / SLOT_SIZE;
	uint64_t off = gpa % SLOT_SIZE;

	if (gpa >= 2ull * SLOT_SIZE || len > SLOT_SIZE || off > SLOT_SIZE - len)
		return NULL;
	return vm->ram[s] + off;
}

static unsigned int fake_nr_vcpus(void *ctx)
{
	return NR_VCPUS;
}

static uint32_t fake_apic_id(void *ctx, unsigned int index)
{
	return apic_ids[index];
}

static int fake_signal_msi(void *ctx, unsigned int index, uint8_t vector)
{
	struct fake_vm *vm = ctx;

	g_assert_cmpuint(index, <, NR_VCPUS);
	pthread_mutex_lock(&vm->lock);
	vm->msi[index][vector]++;
	/* The stock handler runs the whole queue of the target. */
	vm->handled[index] = __atomic_load_n(&vm->queued[index], __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->lock);
	return 1;
}

static int fake_ioeventfd_add(void *ctx, uint16_t port, unsigned int len, int64_t dm, int fd)
{
	struct fake_vm *vm = ctx;

	g_assert_cmpuint(len, ==, 4);
	g_assert_cmpint(dm, ==, -1);
	vm->doorbell_fd = fd;
	vm->doorbell_port = port;
	vm->ioeventfds++;
	return 0;
}

static int fake_ioeventfd_remove(void *ctx, uint16_t port, unsigned int len, int64_t dm, int fd)
{
	struct fake_vm *vm = ctx;

	g_assert_cmpuint(port, ==, vm->doorbell_port);
	g_assert_cmpint(fd, ==, vm->doorbell_fd);
	vm->doorbell_port = 0;
	vm->ioeventfds--;
	return 0;
}

static int fake_phase(void *ctx, uint32_t label, uint64_t *userspace_exits)
{
	((struct fake_vm *)ctx)->last_phase = label;
	*userspace_exits = 0;
	return 0;
}

static const struct vipi_ops fake_ops = {
	.gpa_to_hva = fake_gpa_to_hva,
	.nr_vcpus = fake_nr_vcpus,
	.vcpu_apic_id = fake_apic_id,
	.signal_msi = fake_signal_msi,
	.ioeventfd_add = fake_ioeventfd_add,
	.ioeventfd_remove = fake_ioeventfd_remove,
	.phase_mark = fake_phase,
};

struct fixture {
	struct fake_vm vm;
	struct vipi_dev *dev;
	struct vipi_mbox *mbox;
};

static void setup(struct fixture *f, unsigned int spin_us, const struct vipi_ops *ops)
{
	struct vipi_config cfg = { .vipi_spin_us = spin_us, .vipi_poller_cpu = -1 };

	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->vm.lock, NULL);
	for (int i = 0; i < 2; i++)
		f->vm.ram[i] = g_malloc0(SLOT_SIZE);
	g_assert_cmpint(vipi_dev_new(ops, &f->vm, &cfg, &f->dev), ==, 0);
	g_assert_nonnull(f->dev);
	vipi_bar_moved(f->dev, 0, 0, BAR);
	f->mbox = fake_gpa_to_hva(&f->vm, MBOX_GPA, 4096);
}

static void teardown(struct fixture *f)
{
	vipi_dev_free(f->dev);
	g_assert_cmpuint(f->vm.ioeventfds, ==, 0);
	for (int i = 0; i < 2; i++)
		g_free(f->vm.ram[i]);
	pthread_mutex_destroy(&f->vm.lock);
}

static uint32_t reg_read(struct fixture *f, uint64_t off)
{
	uint32_t v = 0;

	vipi_bar_io(f->dev, 0, off, &v, 4, false);
	return v;
}

static void reg_write(struct fixture *f, uint64_t off, uint32_t v)
{
	vipi_bar_io(f->dev, 0, off, &v, 4, true);
}

/* The guest driver's enable sequence; returns the status register. */
static uint32_t enable_at(struct fixture *f, uint64_t gpa, bool magic)
{
	struct vipi_mbox *mb = fake_gpa_to_hva(&f->vm, gpa & ~0xfffull, 64);

	if (mb)
		mb->hdr.magic = magic ? VIPI_MAGIC : 0;
	reg_write(f, VIPI_REG_GUEST_FEATURES, VIPI_F_MAILBOX | VIPI_F_DOORBELL);
	reg_write(f, VIPI_REG_MBOX_LO, (uint32_t)gpa);
	reg_write(f, VIPI_REG_MBOX_HI, gpa >> 32);
	reg_write(f, VIPI_REG_CTRL, VIPI_CTRL_ENABLE);
	return reg_read(f, VIPI_REG_CTRL);
}

/* The guest sender of docs/abi.md; KVM's part of the doorbell is the eventfd write. */
static void guest_post(struct fixture *f, uint32_t slot, uint32_t bits)
{
	uint32_t old = __atomic_fetch_or(&f->mbox->slot[slot].pending, bits, __ATOMIC_SEQ_CST);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!old &&
	    __atomic_load_n(&f->mbox->hdr.poller_state, __ATOMIC_SEQ_CST) == VIPI_POLLER_SLEEPING) {
		uint64_t one = 1;

		g_assert_cmpint(write(f->vm.doorbell_fd, &one, sizeof(one)), ==, sizeof(one));
	}
}

static unsigned int msi_count(struct fixture *f, unsigned int vcpu, uint8_t vector)
{
	unsigned int n;

	pthread_mutex_lock(&f->vm.lock);
	n = f->vm.msi[vcpu][vector];
	pthread_mutex_unlock(&f->vm.lock);
	return n;
}

static bool wait_msi(struct fixture *f, unsigned int vcpu, uint8_t vector, unsigned int want)
{
	for (int i = 0; i < 2000; i++) {
		if (msi_count(f, vcpu, vector) >= want)
			return true;
		g_usleep(1000);
	}
	return false;
}

static void test_registers(void)
{
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100, &fake_ops);
	g_assert_cmphex(reg_read(&f, VIPI_REG_MAGIC), ==, VIPI_MAGIC);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_VERSION), ==, VIPI_ABI_VERSION);
	g_assert_cmphex(reg_read(&f, VIPI_REG_HOST_FEATURES), ==, VIPI_F_ALL);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_NR_SLOTS), ==, NR_SLOTS); /* max APIC ID + 1 */
	g_assert_cmpuint(reg_read(&f, VIPI_REG_MBOX_SIZE), ==, 64 + NR_SLOTS * 64);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_SPIN_US), ==, 100);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 0);
	g_assert_cmphex(f.vm.doorbell_port, ==, BAR + VIPI_REG_DOORBELL);
	/* Phase marks reach the VMM's hook. */
	reg_write(&f, VIPI_REG_PHASE, 7);
	g_assert_cmpuint(f.vm.last_phase, ==, 7);
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.phase_marks, ==, 1);
	/* A doorbell write that exits (no ioeventfd) is counted, never silent. */
	reg_write(&f, VIPI_REG_DOORBELL, 1);
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.userspace_doorbells, ==, 1);
	teardown(&f);
}

static void test_no_phase_hook(void)
{
	struct vipi_ops ops = fake_ops;
	struct fixture f;

	ops.phase_mark = NULL;
	setup(&f, 100, &ops);
	g_assert_cmphex(reg_read(&f, VIPI_REG_HOST_FEATURES) & VIPI_F_PHASE, ==, 0);
	reg_write(&f, VIPI_REG_PHASE, 1);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 1);
	/* Asking for the feature anyway is refused at ENABLE. */
	reg_write(&f, VIPI_REG_GUEST_FEATURES, VIPI_F_ALL);
	reg_write(&f, VIPI_REG_MBOX_LO, MBOX_GPA);
	f.mbox->hdr.magic = VIPI_MAGIC;
	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_ENABLE);
	g_assert_cmphex(reg_read(&f, VIPI_REG_CTRL), ==, VIPI_STATUS_BAD_FEATURES);
	teardown(&f);
}

static void test_inject(void)
{
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100000, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	g_assert_true(vipi_dev_enabled(f.dev));
	g_assert_cmpint(vipi_dev_poller_tid(f.dev), >, 0);

	guest_post(&f, 1, VIPI_CLASS_CALL_FUNC_SINGLE);
	g_assert_true(wait_msi(&f, 1, 0xfb, 1));
	/* APIC ID 70 is vCPU 3: all three classes, one vector each. */
	guest_post(&f, 70, VIPI_CLASS_MASK);
	g_assert_true(wait_msi(&f, 3, 0xfb, 1));
	g_assert_true(wait_msi(&f, 3, 0xfd, 1));
	g_assert_true(wait_msi(&f, 3, 0xfc, 1));
	g_assert_cmpuint(msi_count(&f, 1, 0xfd), ==, 0);
	g_assert_cmpuint(f.mbox->slot[70].pending, ==, 0);

	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_DISABLE);
	g_assert_cmphex(reg_read(&f, VIPI_REG_CTRL), ==, 0);
	g_assert_cmpint(vipi_dev_poller_tid(f.dev), ==, 0);
	/* Disabled: nothing reads the mailbox any more. */
	f.mbox->slot[0].pending = VIPI_CLASS_RESCHEDULE;
	g_usleep(20000);
	g_assert_cmpuint(msi_count(&f, 0, 0xfd), ==, 0);
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.injections, ==, 4);
	g_assert_cmpuint(c.invalid_class + c.invalid_slot + c.invalid_reg + c.invalid_mbox, ==, 0);
	teardown(&f);
}

static void test_hostile_mailbox(void)
{
	static const struct {
		uint64_t gpa;
		bool magic;
	} bad[] = {
		{ 0, true },			 /* null */
		{ 0x40000000ull, true },	 /* outside RAM */
		{ SLOT_SIZE - 4096, true },	 /* spans the slot edge: 4608 bytes */
		{ 2ull * SLOT_SIZE - 64, true }, /* runs off the end of RAM */
		{ MBOX_GPA + 64, true },	 /* not page-aligned */
		{ 0xfffffffffffff000ull, true }, /* wraps */
		{ MBOX_GPA, false },		 /* no magic */
	};
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100, &fake_ops);
	/* The slot-edge case fails only because of the edge: the mailbox is 4608 bytes. */
	g_assert_cmpuint(VIPI_MBOX_SIZE(NR_SLOTS), >, 4096);
	for (unsigned int i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_cmphex(enable_at(&f, bad[i].gpa, bad[i].magic), ==, VIPI_STATUS_BAD_MBOX);
		g_assert_false(vipi_dev_enabled(f.dev));
		g_assert_cmpint(vipi_dev_poller_tid(f.dev), ==, 0);
	}
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.invalid_mbox, ==, G_N_ELEMENTS(bad));
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, G_N_ELEMENTS(bad));
	/* Two pages before the edge it fits: enabled. */
	g_assert_cmphex(enable_at(&f, SLOT_SIZE - 8192, true), ==, VIPI_STATUS_ENABLED);
	teardown(&f);
}

static void test_hostile_requests(void)
{
	struct fixture f;
	struct vipi_counters c;

	setup(&f, 100000, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	/* Reserved bits beside a valid one: the valid one is delivered. */
	guest_post(&f, 0, 0xfffffff8u | VIPI_CLASS_CALL_FUNC_SINGLE);
	g_assert_true(wait_msi(&f, 0, 0xfb, 1));
	/* Reserved bits alone, and APIC IDs 3 and 4, which no vCPU has. */
	guest_post(&f, 2, 0x80000000u);
	guest_post(&f, 3, VIPI_CLASS_MASK);
	guest_post(&f, 4, VIPI_CLASS_RESCHEDULE);
	/* Beyond the mailbox: the device never reads there. */
	f.mbox->slot[NR_SLOTS].pending = VIPI_CLASS_MASK;
	for (int i = 0; i < 2000; i++) {
		vipi_dev_get_counters(f.dev, &c);
		if (c.invalid_class == 2 && c.invalid_slot == 2)
			break;
		g_usleep(1000);
	}
	g_assert_cmpuint(c.invalid_class, ==, 2);
	g_assert_cmpuint(c.invalid_slot, ==, 2);
	g_assert_cmpuint(f.mbox->slot[NR_SLOTS].pending, ==, VIPI_CLASS_MASK);
	g_assert_cmpuint(c.injections, ==, 1);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		for (unsigned int vec = 0; vec < 256; vec++)
			if (v || vec != 0xfb)
				g_assert_cmpuint(msi_count(&f, v, vec), ==, 0);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 4);
	teardown(&f);
}

static void test_hostile_registers(void)
{
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	GRand *rnd = g_rand_new_with_seed(5);
	struct vipi_counters c;
	struct fixture f;
	uint64_t data;

	setup(&f, 50, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	/* Enabled: the mailbox registers and a second ENABLE are refused. */
	reg_write(&f, VIPI_REG_MBOX_LO, 0x40000000);
	reg_write(&f, VIPI_REG_MBOX_HI, 0xffffffff);
	reg_write(&f, VIPI_REG_GUEST_FEATURES, 0xffffffff);
	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_ENABLE);
	g_assert_cmphex(reg_read(&f, VIPI_REG_MBOX_LO), ==, MBOX_GPA);
	g_assert_cmphex(reg_read(&f, VIPI_REG_MBOX_HI), ==, 0);
	g_assert_cmpuint(reg_read(&f, VIPI_REG_ERRORS), ==, 4);
	guest_post(&f, 2, VIPI_CLASS_CALL_FUNC);
	g_assert_true(wait_msi(&f, 2, 0xfc, 1));

	/* Garbage at every offset (and past BAR0), every size, random values. */
	for (unsigned int round = 0; round < 20; round++) {
		for (uint64_t off = 0; off < VIPI_BAR0_SIZE + 16; off++) {
			unsigned int len = lens[g_rand_int_range(rnd, 0, G_N_ELEMENTS(lens))];

			data = (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
			vipi_bar_io(f.dev, g_rand_int_range(rnd, 0, 2), off, &data, len, true);
			vipi_bar_io(f.dev, 0, off, &data, len, false);
		}
	}
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.invalid_reg, >, 20 * VIPI_BAR0_SIZE);
	g_assert_cmpuint(c.inject_errors, ==, 0);

	/* Whatever state that left: the honest sequence works again. */
	reg_write(&f, VIPI_REG_CTRL, VIPI_CTRL_DISABLE);
	memset(f.mbox, 0, VIPI_MBOX_SIZE(NR_SLOTS));
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	guest_post(&f, 1, VIPI_CLASS_RESCHEDULE);
	g_assert_true(wait_msi(&f, 1, 0xfd, 1));
	g_rand_free(rnd);
	teardown(&f);
}

static void test_bar_moves(void)
{
	struct fixture f;

	setup(&f, 100, &fake_ops);
	g_assert_cmphex(f.vm.doorbell_port, ==, BAR + VIPI_REG_DOORBELL);
	vipi_bar_moved(f.dev, 0, BAR, 0xd000);
	g_assert_cmphex(f.vm.doorbell_port, ==, 0xd000 + VIPI_REG_DOORBELL);
	g_assert_cmpuint(f.vm.ioeventfds, ==, 1);
	vipi_bar_moved(f.dev, 0, 0xd000, 0);
	g_assert_cmpuint(f.vm.ioeventfds, ==, 0);
	vipi_bar_moved(f.dev, 3, 0, 0xe000); /* no such BAR: ignored */
	g_assert_cmpuint(f.vm.ioeventfds, ==, 0);
	vipi_bar_moved(f.dev, 0, 0, BAR);
	g_assert_cmpuint(f.vm.ioeventfds, ==, 1);
	teardown(&f);
}

static bool wait_sleeping(struct fixture *f)
{
	for (int i = 0; i < 2000; i++) {
		if (__atomic_load_n(&f->mbox->hdr.poller_state, __ATOMIC_SEQ_CST) ==
		    VIPI_POLLER_SLEEPING)
			return true;
		g_usleep(1000);
	}
	return false;
}

static void test_sleep_and_doorbell(void)
{
	struct vipi_counters c;
	struct fixture f;
	uint64_t cpu0, cpu1;

	setup(&f, 200, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	g_assert_true(wait_sleeping(&f));
	/* Asleep, the poller costs (almost) nothing: < 10% of 300 ms. */
	cpu0 = vipi_dev_poller_cpu_ns(f.dev);
	g_usleep(300000);
	cpu1 = vipi_dev_poller_cpu_ns(f.dev);
	g_test_message("poller CPU while asleep: %llu ns in 300 ms",
		       (unsigned long long)(cpu1 - cpu0));
	g_assert_cmpuint(cpu1 - cpu0, <, 30000000);
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.sleeps, >=, 1);

	guest_post(&f, 0, VIPI_CLASS_CALL_FUNC_SINGLE);
	g_assert_true(wait_msi(&f, 0, 0xfb, 1));
	vipi_dev_get_counters(f.dev, &c);
	g_assert_cmpuint(c.wakeups, >=, 1);
	g_assert_cmpuint(f.mbox->hdr.poller_wakeups, >=, 1);
	teardown(&f);
}

struct sender {
	struct fixture *f;
	unsigned int seed, n;
};

static void *sender_run(void *arg)
{
	struct sender *s = arg;
	GRand *rnd = g_rand_new_with_seed(s->seed);

	for (unsigned int i = 0; i < s->n; i++) {
		unsigned int v = g_rand_int_range(rnd, 0, NR_VCPUS);

		/* Queue work (a csd), then kick: the handler must see it. */
		__atomic_fetch_add(&s->f->vm.queued[v], 1, __ATOMIC_SEQ_CST);
		guest_post(s->f, apic_ids[v], VIPI_CLASS_CALL_FUNC_SINGLE);
		/* Pauses long enough that the poller goes to sleep in between. */
		if (!g_rand_int_range(rnd, 0, 64))
			g_usleep(g_rand_int_range(rnd, 0, 300));
	}
	g_rand_free(rnd);
	return NULL;
}

static void test_no_lost_kick(void)
{
	struct sender s[4];
	pthread_t t[4];
	struct vipi_counters c;
	struct fixture f;
	bool done = false;

	/* A tiny spin window: the sleep/doorbell race is hit all the time. */
	setup(&f, 5, &fake_ops);
	g_assert_cmphex(enable_at(&f, MBOX_GPA, true), ==, VIPI_STATUS_ENABLED);
	for (int i = 0; i < 4; i++) {
		s[i] = (struct sender){ .f = &f, .seed = 100 + i, .n = 20000 };
		pthread_create(&t[i], NULL, sender_run, &s[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 3000 && !done; i++) {
		done = true;
		pthread_mutex_lock(&f.vm.lock);
		for (int v = 0; v < NR_VCPUS; v++)
			done &= f.vm.handled[v] == f.vm.queued[v];
		pthread_mutex_unlock(&f.vm.lock);
		if (!done)
			g_usleep(1000);
	}
	for (int v = 0; v < NR_VCPUS; v++)
		g_assert_cmpuint(f.vm.handled[v], ==, f.vm.queued[v]);
	vipi_dev_get_counters(f.dev, &c);
	g_test_message("80000 kicks: %llu words, %llu sleeps, %llu wakeups",
		       (unsigned long long)c.words_taken, (unsigned long long)c.sleeps,
		       (unsigned long long)c.wakeups);
	/* The race was exercised: the poller slept and was woken by doorbells. */
	g_assert_cmpuint(c.sleeps, >, 10);
	g_assert_cmpuint(c.wakeups, >, 10);
	teardown(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vipi-dev/registers", test_registers);
	g_test_add_func("/vipi-dev/no-phase-hook", test_no_phase_hook);
	g_test_add_func("/vipi-dev/inject", test_inject);
	g_test_add_func("/vipi-dev/hostile-mailbox", test_hostile_mailbox);
	g_test_add_func("/vipi-dev/hostile-requests", test_hostile_requests);
	g_test_add_func("/vipi-dev/hostile-registers", test_hostile_registers);
	g_test_add_func("/vipi-dev/bar-moves", test_bar_moves);
	g_test_add_func("/vipi-dev/sleep-and-doorbell", test_sleep_and_doorbell);
	g_test_add_func("/vipi-dev/no-lost-kick", test_no_lost_kick);
	return g_test_run();
}
