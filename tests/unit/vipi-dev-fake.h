/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake VM under the vipi device model's unit tests: two RAM slots, vCPUs
 * with a gap in their APIC IDs, MSIs recorded instead of injected, the
 * doorbell ioeventfd simulated by writing its eventfd as KVM would. The
 * tests play the guest with the sender protocol of docs/abi.md.
 */
#ifndef VIPI_TESTS_VIPI_DEV_FAKE_H
#define VIPI_TESTS_VIPI_DEV_FAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/vipi.h"

#define SLOT_SIZE (1u << 20)
#define NR_VCPUS  4
#define MBOX_GPA  0x10000ull
#define BAR	  0xc000

/* APIC IDs 3..69: nobody. 71 slots make a mailbox larger than a page. */
extern const uint32_t apic_ids[NR_VCPUS];
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

struct fixture {
	struct fake_vm vm;
	struct vipi_dev *dev;
	struct vipi_mbox *mbox;
};

extern const struct vipi_ops fake_ops;

void *fake_gpa_to_hva(void *ctx, uint64_t gpa, uint64_t len);
void setup(struct fixture *f, unsigned int spin_us, const struct vipi_ops *ops);
void teardown(struct fixture *f);
uint32_t reg_read(struct fixture *f, uint64_t off);
void reg_write(struct fixture *f, uint64_t off, uint32_t v);
/* The guest driver's enable sequence; returns the status register. */
uint32_t enable_at(struct fixture *f, uint64_t gpa, bool magic);
/* The guest sender of docs/abi.md; KVM's part of the doorbell is the eventfd write. */
void guest_post(struct fixture *f, uint32_t slot, uint32_t bits);
unsigned int msi_count(struct fixture *f, unsigned int vcpu, uint8_t vector);
/* Waits up to 2 s for WANT MSIs of VECTOR at VCPU. */
bool wait_msi(struct fixture *f, unsigned int vcpu, uint8_t vector, unsigned int want);

#endif
