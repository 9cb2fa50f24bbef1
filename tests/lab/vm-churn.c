// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm-churn SECS PROGRESS: creates and closes KVM VMs with one vCPU each,
 * alternately with an in-kernel irqchip and without, for SECS seconds, and
 * writes its count to PROGRESS once a second (tests/lab/pin-stress.sh).
 *
 * Each such VM flips, unless something holds them, the static keys KVM
 * keeps for VMs coming and going (preempt_notifier_key, apic_sw_disabled,
 * kvm_has_noapic_vcpu): kernel text patched under QEMU's TCG, which
 * vmm/lab/pin.c keeps the lab machine from doing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* One VM and its vCPU, both closed again: 0, or the failing call's name. */
static const char *churn_once(int kvm, int irqchip)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0), vcpu;
	const char *bad = NULL;

	if (vm < 0)
		return "KVM_CREATE_VM";
	if (irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0))
		bad = "KVM_CREATE_IRQCHIP";
	else if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		bad = "KVM_CREATE_VCPU";
	else
		close(vcpu);
	close(vm);
	return bad;
}

static void churn_report(const char *path, long n)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	time_t end, said = 0;
	long n = 0;
	int kvm;

	if (argc != 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: vm-churn SECS PROGRESS\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("vm-churn: /dev/kvm");
		return 1;
	}
	end = time(NULL) + atoi(argv[1]);
	for (time_t now; (now = time(NULL)) < end; n++) {
		const char *bad = churn_once(kvm, n & 1);

		if (bad) {
			fprintf(stderr, "vm-churn: %s: %s\n", bad, strerror(errno));
			return 1;
		}
		/* At most once a second: each report is a write over 9p. */
		if (now != said)
			churn_report(argv[2], n);
		said = now;
	}
	churn_report(argv[2], n);
	printf("%ld VMs\n", n);
	return 0;
}
