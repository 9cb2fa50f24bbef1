// SPDX-License-Identifier: GPL-2.0-only
/* /dev/kvm: opening it, and the capabilities vipi cannot do without. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm/hostkvm.h"
#include "kvm/kvm.h"
#include "util/log.h"

static const struct {
	long cap;
	const char *name;
} kvm_required_caps[] = {
	{ KVM_CAP_IRQCHIP, "IRQCHIP" },
	{ KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT" },
	{ KVM_CAP_IRQFD, "IRQFD" },
	{ KVM_CAP_IOEVENTFD, "IOEVENTFD" },
	{ KVM_CAP_SIGNAL_MSI, "SIGNAL_MSI" },
	{ KVM_CAP_BINARY_STATS_FD, "BINARY_STATS_FD" },
	{ KVM_CAP_IRQ_ROUTING, "IRQ_ROUTING" },
	{ KVM_CAP_PIT2, "PIT2" },
};

int kvm_ioctl_report(int ret, const char *name, const struct vcpu *vcpu)
{
	if (ret >= 0)
		return ret;
	if (vcpu)
		pr_err("vCPU %u: %s: %s", vcpu->index, name, g_strerror(-ret));
	else
		pr_err("%s: %s", name, g_strerror(-ret));
	return ret;
}

int kvm_check_cap(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap);
}

int kvm_open(void)
{
	g_autofree char *why = NULL;
	int fd = hostkvm_open("/dev/kvm", &why);

	if (fd < 0) {
		pr_err("%s", why);
		return fd;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(kvm_required_caps); i++) {
		if (kvm_check_cap(fd, kvm_required_caps[i].cap) <= 0) {
			pr_err("/dev/kvm lacks KVM_CAP_%s", kvm_required_caps[i].name);
			close(fd);
			return -EOPNOTSUPP;
		}
	}
	return fd;
}

int kvm_get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **out)
{
	/* The kernel says E2BIG until the array is large enough. */
	for (unsigned int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(c->entries[0]));
		int r;

		c->nent = n;
		r = __kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
		if (!r) {
			*out = c;
			return 0;
		}
		g_free(c);
		if (r != -E2BIG)
			return r;
	}
	return -E2BIG;
}

const char *kvm_exit_name(unsigned int reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "unknown",
		[KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io",
		[KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug",
		[KVM_EXIT_HLT] = "hlt",
		[KVM_EXIT_MMIO] = "mmio",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
		[KVM_EXIT_SHUTDOWN] = "shutdown",
		[KVM_EXIT_FAIL_ENTRY] = "fail_entry",
		[KVM_EXIT_INTR] = "intr",
		[KVM_EXIT_SET_TPR] = "set_tpr",
		[KVM_EXIT_TPR_ACCESS] = "tpr_access",
		[KVM_EXIT_NMI] = "nmi",
		[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
		[KVM_EXIT_SYSTEM_EVENT] = "system_event",
	};

	if (reason < G_N_ELEMENTS(names) && names[reason])
		return names[reason];
	return NULL;
}
