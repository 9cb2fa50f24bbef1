// SPDX-License-Identifier: GPL-2.0-only
/*
 * One line per stopped vCPU: where a guest that stopped making progress
 * was. For a guest stuck for seconds (one look at the end also catches a
 * vector that just arrived): a vCPU halted with interrupts enabled and a
 * vector in its LAPIC's IRR above its priority was not woken by KVM; one
 * halted with an empty IRR was never sent the interrupt it waits for; one
 * halted with interrupts off, or with a vector in service, stopped itself.
 * Read after vcpu_stop_all(): no vCPU is in KVM_RUN, which holds the
 * vCPU's mutex and would make these ioctls wait.
 */
#include "kvm/kvm.h"
#include "kvm/vcpu.h"
#include "util/log.h"

#define X86_EFLAGS_IF 0x200

static const char *vcpu_mp_name(uint32_t s)
{
	static const char *const names[] = {
		[KVM_MP_STATE_RUNNABLE] = "runnable",
		[KVM_MP_STATE_UNINITIALIZED] = "uninitialized",
		[KVM_MP_STATE_INIT_RECEIVED] = "init-received",
		[KVM_MP_STATE_HALTED] = "halted",
		[KVM_MP_STATE_SIPI_RECEIVED] = "sipi-received",
	};

	return s < G_N_ELEMENTS(names) && names[s] ? names[s] : "other";
}

/* The highest vector set in a 256-bit LAPIC register array (IRR, ISR), or -1. */
static int lapic_highest(struct kvm_lapic_state *l, unsigned int base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = *lapic_reg(l, base + 0x10 * i);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static int vcpu_dump(struct vcpu *v)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	struct kvm_lapic_state lapic;
	int r;

	r = vcpu_ioctl(v, KVM_GET_MP_STATE, &mp);
	if (!r)
		r = vcpu_ioctl(v, KVM_GET_REGS, &regs);
	if (!r)
		r = vcpu_ioctl(v, KVM_GET_LAPIC, &lapic);
	if (r)
		return r;
	pr_info("vCPU %u at the end: %s rip=%#llx if=%d tpr=%#x ppr=%#x irr-top=%d isr-top=%d",
		v->index, vcpu_mp_name(mp.mp_state), (unsigned long long)regs.rip,
		!!(regs.rflags & X86_EFLAGS_IF), *lapic_reg(&lapic, APIC_TPR),
		*lapic_reg(&lapic, APIC_PPR), lapic_highest(&lapic, APIC_IRR),
		lapic_highest(&lapic, APIC_ISR));
	return 0;
}

void vcpu_dump_all(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].fd >= 0 && vcpu_dump(&vm->vcpus[i]))
			return;
}
