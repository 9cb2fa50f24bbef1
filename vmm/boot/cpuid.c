// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU CPUID from what KVM supports. The guest learns its APIC ID and
 * the package topology here: we describe one socket of NCPUS cores with
 * one thread each, with APIC ID = vCPU index, on Intel and AMD leaves.
 */
#include <errno.h>
#include <string.h>

#include "boot/boot.h"

#define LEAF_FEATURES	  0x1
#define LEAF_CACHE	  0x4
#define LEAF_TOPO	  0xb
#define LEAF_TOPO_V2	  0x1f
#define LEAF_KVM_FEATURES 0x40000001
#define LEAF_AMD_SIZES	  0x80000008
#define LEAF_AMD_TOPO	  0x8000001e

#define F1_EDX_HTT	    (1u << 28)
#define F1_ECX_HYPERVISOR   (1u << 31)
#define F1_ECX_TSC_DEADLINE (1u << 24)
#define TOPO_LEVEL_SMT	    1
#define TOPO_LEVEL_CORE	    2

/* Bits needed to number N cores. */
static unsigned int order(unsigned int n)
{
	unsigned int s = 0;

	while ((1u << s) < n)
		s++;
	return s;
}

static bool push(struct kvm_cpuid_entry2 *out, unsigned int *n, unsigned int max,
		 const struct kvm_cpuid_entry2 *e)
{
	if (*n >= max)
		return false;
	out[(*n)++] = *e;
	return true;
}

/* Leaf 0xB / 0x1F: SMT level (1 thread), core level (NCPUS), then the end. */
static bool topo_leaf(struct kvm_cpuid_entry2 *out, unsigned int *n, unsigned int max,
		      uint32_t function, const struct cpuid_config *cfg)
{
	static const unsigned int levels[] = { TOPO_LEVEL_SMT, TOPO_LEVEL_CORE, 0 };

	for (unsigned int i = 0; i < G_N_ELEMENTS(levels); i++) {
		struct kvm_cpuid_entry2 e = {
			.function = function,
			.index = i,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.ecx = levels[i] << 8 | i,
			.edx = cfg->index,
		};

		if (levels[i] == TOPO_LEVEL_SMT) {
			e.eax = 0;
			e.ebx = 1;
		} else if (levels[i] == TOPO_LEVEL_CORE) {
			e.eax = order(cfg->ncpus);
			e.ebx = cfg->ncpus;
		}
		if (!push(out, n, max, &e))
			return false;
	}
	return true;
}

static void patch(struct kvm_cpuid_entry2 *e, const struct cpuid_config *cfg)
{
	unsigned int shift = order(cfg->ncpus);

	switch (e->function) {
	case LEAF_FEATURES:
		/* EBX[31:24] initial APIC ID, [23:16] logical CPUs per package. */
		e->ebx = (e->ebx & 0xffff) | cfg->index << 24 | (1u << shift & 0xff) << 16;
		if (cfg->ncpus > 1)
			e->edx |= F1_EDX_HTT;
		else
			e->edx &= ~F1_EDX_HTT;
		e->ecx |= F1_ECX_HYPERVISOR;
		/*
		 * KVM emulates the TSC-deadline timer but leaves the bit to us.
		 * Without it Linux calibrates the LAPIC timer against the PIT,
		 * which is slow and, nested, fails and falls back to the PIT.
		 */
		if (cfg->tsc_deadline)
			e->ecx |= F1_ECX_TSC_DEADLINE;
		break;
	case LEAF_CACHE: {
		unsigned int level = (e->eax >> 5) & 7;
		/* [31:26] cores per package - 1; [25:14] CPUs sharing it - 1. */
		unsigned int sharing = level >= 3 ? cfg->ncpus - 1 : 0;

		e->eax = (e->eax & 0x3fff) | (sharing & 0xfff) << 14 |
			 ((cfg->ncpus - 1) & 0x3f) << 26;
		break;
	}
	case LEAF_KVM_FEATURES:
		if (!cfg->pv_ipi)
			e->eax &= ~(1u << KVM_FEATURE_PV_SEND_IPI_BIT);
		if (cfg->no_pv_unhalt)
			e->eax &= ~(1u << KVM_FEATURE_PV_UNHALT_BIT);
		break;
	case LEAF_AMD_SIZES:
		/* ECX[7:0] cores - 1, [15:12] APIC ID bits for the core. */
		e->ecx = (e->ecx & ~0xf0ffu) | ((cfg->ncpus - 1) & 0xff) | (shift & 0xf) << 12;
		break;
	case LEAF_AMD_TOPO:
		e->eax = cfg->index;
		e->ebx = cfg->index & 0xff; /* one thread per core */
		e->ecx = 0;		    /* node 0 */
		break;
	}
}

int cpuid_patch(const struct kvm_cpuid_entry2 *in, unsigned int nin, struct kvm_cpuid_entry2 *out,
		unsigned int max, const struct cpuid_config *cfg)
{
	bool topo_done = false, topo2_done = false;
	unsigned int n = 0;

	if (!cfg->ncpus || cfg->index >= cfg->ncpus)
		return -EINVAL;
	for (unsigned int i = 0; i < nin; i++) {
		struct kvm_cpuid_entry2 e = in[i];

		/* The topology leaves are replaced as a whole, once. */
		if (e.function == LEAF_TOPO || e.function == LEAF_TOPO_V2) {
			bool *done = e.function == LEAF_TOPO ? &topo_done : &topo2_done;

			if (!*done && !topo_leaf(out, &n, max, e.function, cfg))
				return -E2BIG;
			*done = true;
			continue;
		}
		patch(&e, cfg);
		if (!push(out, &n, max, &e))
			return -E2BIG;
	}
	return n;
}
