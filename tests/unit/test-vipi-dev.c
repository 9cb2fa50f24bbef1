// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vipi device model on a fake VM (vipi-dev-fake.h): registers, the
 * phase hook, injection, BAR moves, and every honest request delivered
 * across the poller's sleep/doorbell race (no kick lost).
 */
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/vipi_config.h"
#include "vipi-dev-fake.h"

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
	g_test_add_func("/vipi-dev/bar-moves", test_bar_moves);
	g_test_add_func("/vipi-dev/sleep-and-doorbell", test_sleep_and_doorbell);
	g_test_add_func("/vipi-dev/no-lost-kick", test_no_lost_kick);
	return g_test_run();
}
