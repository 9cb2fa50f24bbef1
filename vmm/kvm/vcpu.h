/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM's vCPUs, for vmm/cli: created after the VM, started last, stopped
 * first and destroyed before the VM. One thread each runs KVM_RUN and
 * dispatches the exits that reach userspace (kvm/io.h).
 */
#ifndef VIPI_KVM_VCPU_H
#define VIPI_KVM_VCPU_H

struct vm;

/* The config's nr_cpus vCPUs: CPUID, LAPIC, stats. 0 or -errno after one line. */
int vcpu_create_all(struct vm *vm);
void vcpu_destroy_all(struct vm *vm);
/* The BSP's registers at the kernel's 64-bit entry; the APs wait for INIT/SIPI. */
int vcpu_setup_boot(struct vm *vm);
/*
 * One thread per vCPU, each confined to the vCPU sandbox (--sandbox) and
 * waiting for vcpu_run_all(): 0 or -errno after one line.
 */
int vcpu_start_all(struct vm *vm);
/* Lets the started vCPUs enter KVM_RUN. */
void vcpu_run_all(struct vm *vm);
/* Makes every started vCPU leave KVM_RUN and its loop, and joins it. */
void vcpu_stop_all(struct vm *vm);
/* After vcpu_stop_all(): one line per vCPU, its run state, RIP and LAPIC (vcpu_dump.c). */
void vcpu_dump_all(struct vm *vm);

#endif
