/* SPDX-License-Identifier: GPL-2.0-only */
/* What vipi.c (registers, control) and vipi_poller.c (the thread) share. */
#ifndef VIPI_DEVICES_VIPI_PRIV_H
#define VIPI_DEVICES_VIPI_PRIV_H

#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>

#include "devices/pci.h"
#include "devices/vipi.h"

#define VIPI_NO_VCPU (-1)

struct vipi_dev {
	const struct vipi_ops *ops;
	void *ctx;
	unsigned int spin_us; /* poll this long after the last request, then sleep */
	int poller_cpu;	      /* pin the poller to this host CPU; -1: don't */
	bool sandbox;	      /* the poller confines itself (util/sandbox.h) */

	/* Control plane: registers, enable/disable, the doorbell's place. */
	GMutex lock;
	uint32_t guest_features;
	uint32_t mbox_lo, mbox_hi;
	uint32_t status;
	uint16_t doorbell_port; /* where the ioeventfd is, 0: nowhere */
	struct pci_dev *pci;

	/* Fixed at creation. */
	uint32_t nr_slots;
	int slot_vcpu[VIPI_MAX_SLOTS]; /* APIC ID -> vCPU index, or VIPI_NO_VCPU */
	int doorbell_fd;	       /* the ioeventfd's eventfd */
	int stop_fd;		       /* tells a sleeping poller to quit */

	/* The poller, while enabled. */
	struct vipi_mbox *mbox; /* host view of the guest's mailbox */
	pthread_t poller;
	bool poller_running;
	atomic_bool poller_stop;
	_Atomic pid_t poller_tid; /* 0 until it runs; -1: it could not confine itself */
	uint64_t poller_cpu_done; /* CPU time of earlier poller lives, ns */

	/* struct vipi_counters, field by field, as atomics (vipi_count()). */
	atomic_uint_least64_t cnt[sizeof(struct vipi_counters) / sizeof(uint64_t)];
};

/* Adds N to counter FIELD of struct vipi_counters; relaxed: nothing waits on it. */
#define vipi_count(dev, field, n)                                                                  \
	atomic_fetch_add_explicit(                                                                 \
		&(dev)->cnt[offsetof(struct vipi_counters, field) / sizeof(uint64_t)], (n),        \
		memory_order_relaxed)

int vipi_poller_start(struct vipi_dev *dev);
/* Stops the poller; it drains the mailbox once more before it exits. */
void vipi_poller_stop(struct vipi_dev *dev);
/* Takes and injects every pending word once; returns how many were non-zero. */
unsigned int vipi_poller_scan(struct vipi_dev *dev);
/* How many slots hold a non-zero word, taking none (the report at exit). */
unsigned int vipi_poller_pending(struct vipi_dev *dev);
/* CPU time of the running poller thread, 0 when none. Called locked. */
uint64_t vipi_poller_cpu_now(struct vipi_dev *dev);

/* vipi_phase.c: the guest marked phase LABEL (VIPI_REG_PHASE). Called locked. */
void vipi_phase_mark(struct vipi_dev *dev, uint32_t label);

#endif
