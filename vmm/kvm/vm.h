/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM: KVM fds, guest RAM, vCPUs and the services devices use.
 * Only what devices need is declared here; the rest is private to vmm/kvm/.
 */
#ifndef VIPI_KVM_VM_H
#define VIPI_KVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/*
 * Host address of guest-physical [GPA, GPA + LEN), or NULL when that range
 * is not wholly inside one RAM slot (outside RAM, in a hole, spanning a slot
 * edge, or wrapping). Every guest-supplied address goes through this.
 */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

unsigned int vm_nr_vcpus(struct vm *vm);
/* x86 APIC ID of vCPU INDEX (vipi numbers them 0..N-1, APIC ID = index). */
uint32_t vm_vcpu_apic_id(struct vm *vm, unsigned int index);

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
 * routing table is set once when all routes are known (vm_irqfd_commit()),
 * never per kick. Returns 0 or -errno.
 */
int vm_irqfd_msi_route(struct vm *vm, unsigned int gsi, unsigned int index, uint8_t vector);
int vm_irqfd_commit(struct vm *vm);
int vm_irqfd_bind(struct vm *vm, unsigned int gsi, int eventfd);

#endif
