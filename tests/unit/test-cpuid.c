// SPDX-License-Identifier: GPL-2.0-only
/* CPUID patching over a fake KVM_GET_SUPPORTED_CPUID answer. */
#include <glib.h>
#include <string.h>

#include "boot/boot.h"

static const struct kvm_cpuid_entry2 *fake(unsigned int *n)
{
	static struct kvm_cpuid_entry2 e[] = {
		{ .function = 0, .eax = 0x1f },
		{ .function = 1, .eax = 0x806f8, .ebx = 0x00ff0800, .ecx = 0, .edx = 1 << 28 },
		{ .function = 4,
		  .index = 0,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		  .eax = 0x121 },
		{ .function = 4,
		  .index = 3,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		  .eax = 0x163 },
		{ .function = 0xb, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 2 },
		{ .function = 0xb,
		  .index = 1,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		  .ebx = 64 },
		{ .function = 0x40000001, .eax = 0x01fffbff },
		{ .function = 0x80000008, .ecx = 0x0000703f },
	};

	*n = G_N_ELEMENTS(e);
	return e;
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e, int n,
					   uint32_t function, uint32_t index)
{
	for (int i = 0; i < n; i++)
		if (e[i].function == function && e[i].index == index)
			return &e[i];
	return NULL;
}

static int patch(unsigned int index, unsigned int ncpus, bool pv_ipi, struct kvm_cpuid_entry2 *out)
{
	unsigned int nin;
	const struct kvm_cpuid_entry2 *in = fake(&nin);
	struct cpuid_config cfg = {
		.index = index, .ncpus = ncpus, .pv_ipi = pv_ipi, .tsc_deadline = true
	};

	return cpuid_patch(in, nin, out, 64, &cfg);
}

static void test_apic_id(void)
{
	struct kvm_cpuid_entry2 out[64];

	for (unsigned int i = 0; i < 4; i++) {
		int n = patch(i, 4, true, out);
		const struct kvm_cpuid_entry2 *l1 = find(out, n, 1, 0);

		g_assert_cmpint(n, >, 0);
		g_assert_nonnull(l1);
		g_assert_cmpuint(l1->ebx >> 24, ==, i);
		g_assert_cmpuint(l1->ebx & 0xffff, ==, 0x0800); /* clflush size kept */
		g_assert_cmpuint(l1->eax, ==, 0x806f8);
		g_assert_true(l1->ecx & (1u << 31)); /* hypervisor */
		g_assert_true(l1->ecx & (1u << 24)); /* TSC deadline */
		for (unsigned int sub = 0; sub < 3; sub++)
			g_assert_cmpuint(find(out, n, 0xb, sub)->edx, ==, i);
	}
}

static void test_topology(void)
{
	struct kvm_cpuid_entry2 out[64];
	int n = patch(1, 3, true, out);
	const struct kvm_cpuid_entry2 *smt = find(out, n, 0xb, 0), *core = find(out, n, 0xb, 1),
				      *end = find(out, n, 0xb, 2);

	g_assert_nonnull(smt);
	g_assert_nonnull(core);
	g_assert_nonnull(end);
	g_assert_cmpuint(smt->ebx, ==, 1);
	g_assert_cmpuint((smt->ecx >> 8) & 0xff, ==, 1);
	g_assert_cmpuint(core->ebx, ==, 3);
	g_assert_cmpuint(core->eax & 0x1f, ==, 2); /* 3 cores need 2 APIC ID bits */
	g_assert_cmpuint((core->ecx >> 8) & 0xff, ==, 2);
	g_assert_cmpuint((end->ecx >> 8) & 0xff, ==, 0);
	/* Leaf 1: HTT with 4 (next power of two) logical IDs per package. */
	g_assert_true(find(out, n, 1, 0)->edx & (1u << 28));
	g_assert_cmpuint((find(out, n, 1, 0)->ebx >> 16) & 0xff, ==, 4);
	/* Leaf 4: 3 cores; L1 private, L3 shared by all. */
	g_assert_cmpuint(find(out, n, 4, 0)->eax >> 26, ==, 2);
	g_assert_cmpuint((find(out, n, 4, 0)->eax >> 14) & 0xfff, ==, 0);
	g_assert_cmpuint((find(out, n, 4, 3)->eax >> 14) & 0xfff, ==, 2);
	/* AMD: NC = cores - 1. */
	g_assert_cmpuint(find(out, n, 0x80000008, 0)->ecx & 0xff, ==, 2);

	/* One vCPU: no HTT. */
	n = patch(0, 1, true, out);
	g_assert_false(find(out, n, 1, 0)->edx & (1u << 28));
}

static void test_pv_ipi(void)
{
	struct kvm_cpuid_entry2 out[64];
	int n;

	n = patch(0, 2, true, out);
	g_assert_true(find(out, n, 0x40000001, 0)->eax & (1u << KVM_FEATURE_PV_SEND_IPI_BIT));
	n = patch(0, 2, false, out);
	g_assert_false(find(out, n, 0x40000001, 0)->eax & (1u << KVM_FEATURE_PV_SEND_IPI_BIT));
	/* Only that bit changes. */
	g_assert_cmphex(find(out, n, 0x40000001, 0)->eax, ==,
			0x01fffbff & ~(1u << KVM_FEATURE_PV_SEND_IPI_BIT));
}

static void test_errors(void)
{
	unsigned int nin;
	const struct kvm_cpuid_entry2 *in = fake(&nin);
	struct kvm_cpuid_entry2 out[4];
	struct cpuid_config cfg = { .index = 0, .ncpus = 2 };

	g_assert_cmpint(cpuid_patch(in, nin, out, 4, &cfg), <, 0);
	cfg.index = 2; /* not a vCPU of 2 */
	g_assert_cmpint(cpuid_patch(in, nin, out, 4, &cfg), <, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cpuid/apic-id", test_apic_id);
	g_test_add_func("/cpuid/topology", test_topology);
	g_test_add_func("/cpuid/pv-ipi", test_pv_ipi);
	g_test_add_func("/cpuid/errors", test_errors);
	return g_test_run();
}
