// SPDX-License-Identifier: GPL-2.0-only
/*
 * One line per stopped vCPU: where a guest that stopped making progress
 * was. For a guest stuck for seconds (one look at the end also catches a
 * vector that just arrived): a vCPU halted with interrupts enabled and a
 * vector in its LAPIC's IRR above its priority was not woken by KVM; one
 * halted with an empty IRR was never sent the interrupt it waits for; one
 * halted with interrupts off, or with a vector in service, stopped itself.
 * Its LAPIC timer tells the rest. KVM moves a deadline its timer reached
 * into the IRR as the vCPU leaves KVM_RUN (it then reads as none), so a
 * halted vCPU's deadline overdue by seconds is a host timer that never ran;
 * a halted vCPU with no deadline and an empty IRR had nothing left that
 * could wake it.
 * Read after vcpu_stop_all(): no vCPU is in KVM_RUN, which holds the
 * vCPU's mutex and would make these ioctls wait.
 */
#include <stdio.h>

#include "kvm/kvm.h"
#include "kvm/vcpu.h"
#include "util/log.h"

#define X86_EFLAGS_IF	      0x200
#define MSR_IA32_TSC	      0x10
#define MSR_IA32_TSC_DEADLINE 0x6e0
/* LVTT bits 18:17, the timer's mode. */
#define APIC_LVTT_MODE(v)  (((v) >> 17) & 3)
#define APIC_LVTT_DEADLINE 2

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

/*
 * The TSC-deadline timer as "+Nus" until it fires, "-Nus" overdue, or
 * "none" (a deadline of 0 is disarmed). The guest's TSC is read with the
 * deadline, so the difference is the guest's own.
 */
static int vcpu_dump_deadline(struct vcpu *v, char *buf, size_t len)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[2];
	} m = { .hdr.nmsrs = 2,
		.e = { { .index = MSR_IA32_TSC_DEADLINE }, { .index = MSR_IA32_TSC } } };
	int khz, r;

	r = vcpu_ioctl(v, KVM_GET_MSRS, &m);
	if (r < 0)
		return r;
	khz = __vcpu_ioctl(v, KVM_GET_TSC_KHZ, NULL);
	if (r != 2 || khz <= 0) {
		snprintf(buf, len, "unknown");
		return 0;
	}
	if (!m.e[0].data) {
		snprintf(buf, len, "none");
		return 0;
	}
	/* In double: a far deadline times 1000 would overflow 64 bits. */
	snprintf(buf, len, "%+.0fus", (double)(int64_t)(m.e[0].data - m.e[1].data) * 1000.0 / khz);
	return 0;
}

/* The LAPIC timer: masked, the TSC deadline, or a one-shot/periodic count left. */
static int vcpu_dump_timer(struct vcpu *v, struct kvm_lapic_state *l, char *buf, size_t len)
{
	uint32_t lvtt = *lapic_reg(l, APIC_LVTT);

	if (lvtt & APIC_LVT_MASKED)
		snprintf(buf, len, "masked");
	else if (APIC_LVTT_MODE(lvtt) == APIC_LVTT_DEADLINE)
		return vcpu_dump_deadline(v, buf, len);
	else if (!*lapic_reg(l, APIC_TMICT))
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "count:%u", *lapic_reg(l, APIC_TMCCT));
	return 0;
}

static int vcpu_dump(struct vcpu *v)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	struct kvm_lapic_state lapic;
	char timer[32];
	int r;

	r = vcpu_ioctl(v, KVM_GET_MP_STATE, &mp);
	if (!r)
		r = vcpu_ioctl(v, KVM_GET_REGS, &regs);
	if (!r)
		r = vcpu_ioctl(v, KVM_GET_LAPIC, &lapic);
	if (!r)
		r = vcpu_dump_timer(v, &lapic, timer, sizeof(timer));
	if (r)
		return r;
	pr_info("vCPU %u at the end: %s rip=%#llx if=%d tpr=%#x ppr=%#x irr-top=%d isr-top=%d "
		"timer=%s",
		v->index, vcpu_mp_name(mp.mp_state), (unsigned long long)regs.rip,
		!!(regs.rflags & X86_EFLAGS_IF), *lapic_reg(&lapic, APIC_TPR),
		*lapic_reg(&lapic, APIC_PPR), lapic_highest(&lapic, APIC_IRR),
		lapic_highest(&lapic, APIC_ISR), timer);
	return 0;
}

void vcpu_dump_all(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].fd >= 0 && vcpu_dump(&vm->vcpus[i]))
			return;
}
