// SPDX-License-Identifier: GPL-2.0-only
/* The fake VM of vipi-dev-fake.h. */
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/vipi_config.h"
#include "vipi-dev-fake.h"

const uint32_t apic_ids[NR_VCPUS] = { 0, 1, 2, 70 };

void *fake_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len)
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

const struct vipi_ops fake_ops = {
	.gpa_to_hva = fake_gpa_to_hva,
	.nr_vcpus = fake_nr_vcpus,
	.vcpu_apic_id = fake_apic_id,
	.signal_msi = fake_signal_msi,
	.ioeventfd_add = fake_ioeventfd_add,
	.ioeventfd_remove = fake_ioeventfd_remove,
	.phase_mark = fake_phase,
};

void setup(struct fixture *f, unsigned int spin_us, const struct vipi_ops *ops)
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

void teardown(struct fixture *f)
{
	vipi_dev_free(f->dev);
	g_assert_cmpuint(f->vm.ioeventfds, ==, 0);
	for (int i = 0; i < 2; i++)
		g_free(f->vm.ram[i]);
	pthread_mutex_destroy(&f->vm.lock);
}

uint32_t reg_read(struct fixture *f, uint64_t off)
{
	uint32_t v = 0;

	vipi_bar_io(f->dev, 0, off, &v, 4, false);
	return v;
}

void reg_write(struct fixture *f, uint64_t off, uint32_t v)
{
	vipi_bar_io(f->dev, 0, off, &v, 4, true);
}

/* The guest driver's enable sequence; returns the status register. */
uint32_t enable_at(struct fixture *f, uint64_t gpa, bool magic)
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
void guest_post(struct fixture *f, uint32_t slot, uint32_t bits)
{
	uint32_t old = __atomic_fetch_or(&f->mbox->slot[slot].pending, bits, __ATOMIC_SEQ_CST);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!old &&
	    __atomic_load_n(&f->mbox->hdr.poller_state, __ATOMIC_SEQ_CST) == VIPI_POLLER_SLEEPING) {
		uint64_t one = 1;

		g_assert_cmpint(write(f->vm.doorbell_fd, &one, sizeof(one)), ==, sizeof(one));
	}
}

unsigned int msi_count(struct fixture *f, unsigned int vcpu, uint8_t vector)
{
	unsigned int n;

	pthread_mutex_lock(&f->vm.lock);
	n = f->vm.msi[vcpu][vector];
	pthread_mutex_unlock(&f->vm.lock);
	return n;
}

bool wait_msi(struct fixture *f, unsigned int vcpu, uint8_t vector, unsigned int want)
{
	for (int i = 0; i < 2000; i++) {
		if (msi_count(f, vcpu, vector) >= want)
			return true;
		g_usleep(1000);
	}
	return false;
}
