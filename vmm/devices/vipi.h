/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vipi device: a PCI function whose driver hands us a mailbox in guest
 * RAM; a poller thread takes IPI requests from it and injects the guest's
 * own vectors. Protocol and ordering: docs/abi.md and <vipi/abi.h>.
 *
 * The device reaches the VM only through struct vipi_ops, which vipi_vm.c
 * fills from vm.h (vipi_device, an entry of the devices table) and unit tests
 * fill with fakes.
 */
#ifndef VIPI_DEVICES_VIPI_H
#define VIPI_DEVICES_VIPI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <vipi/abi.h>

struct pci_bus;
struct pci_dev;
struct vipi_config;
struct vipi_dev;

struct vipi_ops {
	/* NULL unless [GPA, GPA + LEN) lies inside one RAM slot. */
	void *(*gpa_to_hva)(void *ctx, uint64_t gpa, uint64_t len);
	unsigned int (*nr_vcpus)(void *ctx);
	uint32_t (*vcpu_apic_id)(void *ctx, unsigned int index);
	/* >0 delivered, 0 coalesced, <0 -errno (as KVM_SIGNAL_MSI). */
	int (*signal_msi)(void *ctx, unsigned int index, uint8_t vector);
	int (*ioeventfd_add)(void *ctx, uint16_t port, unsigned int len, int64_t datamatch, int fd);
	int (*ioeventfd_remove)(void *ctx, uint16_t port, unsigned int len, int64_t datamatch,
				int fd);
	/*
	 * Snapshots KVM's per-vCPU stats under LABEL, with *USERSPACE_EXITS the
	 * exits that reached the VMM so far, read first: 0 or -errno (no
	 * snapshot kept). NULL: phase marks are not offered.
	 */
	int (*phase_mark)(void *ctx, uint32_t label, uint64_t *userspace_exits);
};

/*
 * The phase-line interface. At each phase mark N (the guest's write of N
 * to VIPI_REG_PHASE) the device logs, through pr_info() on stderr,
 *   vipi: vipi-dev phase N: userspace_exits=U
 *   vipi: vipi-dev phase N: poller_cpu_ns=C sleeps=S wakeups=W injected=I userspace_doorbells=D
 *         inject_coalesced=K (on the same line)
 * that is VIPI_PHASE_LINE_PREFIX, N in decimal, ": ", then key=value pairs
 * (decimal) separated by one space. The first line comes only when the
 * mark's KVM snapshot was kept (at most STATS_MAX_SNAPSHOTS), the second
 * for the first VIPI_PHASE_LOG_MAX marks. Readers find the prefix anywhere
 * in a line and merge the pairs of every line of one N: the bench
 * (vmm/bench/vipi.c) and tests/lab/vipi-phase.py. docs/vipi.md, "Phase
 * lines". Keys may be added, never renamed.
 */
#define VIPI_PHASE_LINE_PREFIX "vipi-dev phase "
#define VIPI_PHASE_LOG_MAX     4096

#define VIPI_SPIN_US_DEFAULT 200
#define VIPI_SPIN_US_MAX     1000000

/* Everything the device counts. The invalid_* sum is the ERRORS register. */
struct vipi_counters {
	uint64_t words_taken;	      /* non-zero pending words taken */
	uint64_t injections;	      /* MSIs sent, one per class bit */
	uint64_t inject_coalesced;    /* KVM found the vector already pending */
	uint64_t inject_errors;	      /* KVM_SIGNAL_MSI failed */
	uint64_t sleeps;	      /* times the poller went to sleep */
	uint64_t wakeups;	      /* doorbell wake-ups */
	uint64_t userspace_doorbells; /* doorbell writes that exited to us */
	uint64_t phase_marks;
	uint64_t invalid_class; /* reserved class bits dropped */
	uint64_t invalid_slot;	/* requests for an APIC ID with no vCPU */
	uint64_t invalid_mbox;	/* ENABLE with a GPA outside RAM, misaligned, ... */
	uint64_t invalid_reg;	/* bad offset, size, value or state */
};

/* Reads CFG's vipi_spin_us and vipi_poller_cpu: 0, or -errno after one line. */
int vipi_dev_new(const struct vipi_ops *ops, void *ctx, const struct vipi_config *cfg,
		 struct vipi_dev **out);
/* Stops the poller (after a last drain), drops the ioeventfd, frees DEV. */
void vipi_dev_free(struct vipi_dev *dev);

/* Puts DEV on BUS (BAR0 of VIPI_BAR0_SIZE ports). Returns 0 or -errno. */
int vipi_dev_attach(struct vipi_dev *dev, struct pci_bus *bus);
/* Its PCI function once attached, else NULL. */
struct pci_dev *vipi_dev_pci(struct vipi_dev *dev);

/* BAR0 accesses and BAR0 moves, as the PCI bus delivers them. */
void vipi_bar_io(void *dev, unsigned int bar, uint64_t off, void *data, unsigned int len,
		 bool write);
void vipi_bar_moved(void *dev, unsigned int bar, uint16_t old_base, uint16_t new_base);

void vipi_dev_get_counters(struct vipi_dev *dev, struct vipi_counters *c);
bool vipi_dev_enabled(struct vipi_dev *dev);
/* CPU time the poller thread used so far, and its TID (0: not running). */
uint64_t vipi_dev_poller_cpu_ns(struct vipi_dev *dev);
pid_t vipi_dev_poller_tid(struct vipi_dev *dev);
/* One summary line through pr_info. */
void vipi_dev_report(struct vipi_dev *dev, const char *when);

#endif
