/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM as the rest of vipi sees it: vmm/cli creates and ends it, devices
 * use its RAM, interrupts and end. Its insides (kvm/kvm.h) are private to
 * vmm/kvm/. Every function returning int gives 0 (or a count) or -errno.
 */
#ifndef VIPI_KVM_VM_H
#define VIPI_KVM_VM_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vipi_config;

/*
 * Creates the VM of CFG (kept, not copied) with its irqchip, PIT and RAM,
 * no vCPUs yet (kvm/vcpu.h). 0, or -errno after one line; *OUT is set
 * either way, for vm_destroy().
 */
int vm_create(const struct vipi_config *cfg, struct vm **out);
/* After vcpu_destroy_all(). NULL is fine. */
void vm_destroy(struct vm *vm);
/*
 * For unit tests and fuzz targets: a VM without /dev/kvm, RAM, vCPUs or
 * config. Its I/O registry and its end work; every KVM ioctl on it
 * (vm_irq_line(), vm_signal_msi(), ...) fails with -EBADF. NULL on failure.
 */
struct vm *vm_create_nokvm(void);

/*
 * Host address of guest-physical [GPA, GPA + LEN), or NULL when that range
 * is not wholly inside one RAM slot (outside RAM, in a hole, spanning a slot
 * edge, or wrapping). Every guest-supplied address goes through this.
 */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/*
 * Guest RAM as a vhost-user backend maps it (struct vhost_user_region): each
 * slot's guest-physical range, our address of it, its offset in the memfd
 * FD. Shared RAM exists only for a config with shares (nr_shares), -ENODEV
 * otherwise; returns the number of regions filled (at most MAX).
 */
struct vm_ram_region {
	uint64_t gpa, size, hva, offset;
	int fd;
};
int vm_ram_regions(struct vm *vm, struct vm_ram_region *out, unsigned int max);

unsigned int vm_nr_vcpus(struct vm *vm);
/* x86 APIC ID of vCPU INDEX (vipi numbers them 0..N-1, APIC ID = index). */
uint32_t vm_vcpu_apic_id(struct vm *vm, unsigned int index);

/* Drives ISA interrupt line GSI of the in-kernel irqchip (KVM_IRQ_LINE). */
int vm_irq_line(struct vm *vm, unsigned int gsi, bool level);

/*
 * Sends a fixed, edge, physical-destination MSI of VECTOR to the APIC of
 * vCPU INDEX (KVM_SIGNAL_MSI). Returns >0 delivered, 0 coalesced, <0 -errno.
 */
int vm_signal_msi(struct vm *vm, unsigned int index, uint8_t vector);

/*
 * Registers EVENTFD as a KVM ioeventfd on PIO PORT (LEN bytes). With
 * DATAMATCH >= 0 only writes of that value signal it. Returns 0 or -errno.
 * vm_ioeventfd_remove() takes the same arguments.
 */
int vm_ioeventfd_add(struct vm *vm, uint16_t port, unsigned int len, int64_t datamatch,
		     int eventfd);
int vm_ioeventfd_remove(struct vm *vm, uint16_t port, unsigned int len, int64_t datamatch,
			int eventfd);

/*
 * Routes GSI as an MSI of VECTOR to vCPU INDEX and binds EVENTFD to it with
 * KVM_IRQFD: a write to EVENTFD then injects in the kernel, without us. The
 * routing table is set once when all routes are known: vmm/cli calls
 * vm_irqfd_commit() after every device is up, never per kick.
 */
int vm_irqfd_msi_route(struct vm *vm, unsigned int gsi, unsigned int index, uint8_t vector);
int vm_irqfd_commit(struct vm *vm);
int vm_irqfd_bind(struct vm *vm, unsigned int gsi, int eventfd);

/* How a run ended; the first reason recorded wins. */
enum vm_end {
	VM_RUNNING,
	VM_END_STATUS,	 /* the guest reported its command's status */
	VM_END_POWEROFF, /* clean power-off or halt */
	VM_END_RESET,	 /* reset (i8042, KVM system event) */
	VM_END_CRASH,	 /* triple fault, entry failure, emulation error */
	VM_END_TIMEOUT,
	VM_END_SIGNAL,
};

/* Records how the run ended (first caller wins) and wakes the main loop. */
void vm_end_request(struct vm *vm, enum vm_end end, int status, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
/*
 * How the run ended so far (VM_RUNNING: not yet), with the status and the
 * one-line reason it was recorded with (the VM's, valid until vm_destroy()).
 * STATUS and REASON may be NULL.
 */
enum vm_end vm_end_get(struct vm *vm, int *status, const char **reason);
/* Readable (poll) once the end is recorded. */
int vm_end_fd(struct vm *vm);

/* vm_exits(): every reason together. */
#define VM_EXITS_ALL (-1)
/* Exits that reached vipi since the start, of REASON (a KVM_EXIT_*) or all. */
uint64_t vm_exits(struct vm *vm, int reason);

#endif
