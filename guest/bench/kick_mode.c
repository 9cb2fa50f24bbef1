// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi_bench: the ways a call-function-single kick can travel, for the
 * stream to compare: the device (vipi.ko's vipi_post()), the native path
 * vipi.ko saved, KVM's PV send-IPI hypercall, and kick_cpu_async().
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/kvm_para.h>
#include <asm/smp.h>
#include <uapi/linux/kvm_para.h>
#include <vipi/abi.h>

#include "vipi_api.h"
#include "bench.h"

static const char *const kick_mode_names[] = {
	/* through the device */
	[KICK_MODE_VIPI] = "vipi",
	[KICK_MODE_DOORBELL] = "doorbell",
	/* around it */
	[KICK_MODE_NATIVE] = "native",
	[KICK_MODE_PV] = "pv",
	[KICK_MODE_AUTO] = "auto",
};

const char *kick_mode_name(enum kick_mode mode)
{
	return kick_mode_names[mode];
}

/* The PV send-IPI hypercall, as the guest kernel's kvm.c detects it. */
static bool kick_mode_has_pv(void)
{
	u32 base = hypervisor_cpuid_base(KVM_SIGNATURE, 0);

	return base && (cpuid_eax(base | KVM_CPUID_FEATURES) & BIT(KVM_FEATURE_PV_SEND_IPI));
}

static bool kick_mode_available(enum kick_mode mode)
{
	switch (mode) {
	case KICK_MODE_VIPI:
	case KICK_MODE_DOORBELL:
		return vipi_bound();
	case KICK_MODE_NATIVE:
	case KICK_MODE_AUTO:
		return true;
	case KICK_MODE_PV:
		return kick_mode_has_pv();
	}
	return false;
}

int kick_mode_parse(const char *name, enum kick_mode *mode)
{
	int i;

	i = match_string(kick_mode_names, ARRAY_SIZE(kick_mode_names), name);
	if (i < 0)
		return -EINVAL;
	*mode = i;
	return kick_mode_available(*mode) ? 0 : -ENODEV;
}

bool kick_mode_send(int cpu, enum kick_mode mode)
{
	bool ok = true;

	preempt_disable();
	switch (mode) {
	case KICK_MODE_VIPI:
	case KICK_MODE_DOORBELL:
		ok = vipi_post(cpu, VIPI_CLASS_CALL_FUNC_SINGLE, mode == KICK_MODE_DOORBELL);
		break;
	case KICK_MODE_NATIVE:
		vipi_native_call_func_single(cpu);
		break;
	case KICK_MODE_PV:
		/* One-bit bitmap based at the target's APIC ID, as kvm.c does. */
		kvm_hypercall4(KVM_HC_SEND_IPI, 1, 0, per_cpu(x86_cpu_to_apicid, cpu),
			       APIC_DM_FIXED | CALL_FUNCTION_SINGLE_VECTOR);
		break;
	case KICK_MODE_AUTO:
		kick_cpu_async(cpu);
		break;
	}
	preempt_enable();
	return ok;
}
