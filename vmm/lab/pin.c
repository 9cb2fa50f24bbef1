// SPDX-License-Identifier: GPL-2.0-only
/*
 * Keeps the lab machine's kernel from patching its own text while jobs run.
 *
 * QEMU's TCG (7.2, Debian 12) can go on executing a stale translation of a
 * kernel site that another CPU rewrote with text_poke_bp(). A CPU then
 * traps on an int3 that is no longer in memory; kprobes, finding no probe
 * and no int3 there, takes it for one just removed and resumes at the same
 * address, and the CPU traps again, forever. Read off a stalled lab machine
 * (QEMU monitor, `info registers -a` against /proc/kallsyms): every CPU
 * looping between __schedule+0x2ab and exc_int3, memory at that address
 * already holding the new jmp, the patching long finished. Userspace never
 * ran again; the test timed out (CI, run-basics, 900 s).
 *
 * The sites that flip there are static keys and static calls that go
 * between "off" and "on" as VMs come and go: preempt_notifier_key
 * (KVM_CREATE_VM and the VM's release), apic_sw_disabled (a vCPU's
 * in-kernel LAPIC until its guest enables it), kvm_has_noapic_vcpu (a vCPU
 * of a VM without an in-kernel irqchip, such as vipi's own probe guest,
 * kvm/probe.c; lapic_in_kernel() tests it all over KVM's run loop) and the
 * kvm tracepoints that vipi hooks: kvm_exit and kvm_msr (vipi run
 * --trace-exits), and those of vipi watch's hist triggers
 * (watch/tracefs.c), whose kvm_vcpu_wakeup site the vCPU threads of a
 * halting guest pass at every wake-up. PID 1 holds each of them on for the
 * machine's life, so no job flips them: two VMs, one with an in-kernel
 * irqchip and one without, each with a vCPU that never runs, and the
 * tracepoints enabled in two tracefs instances that record nothing (a
 * tracepoint's static call changes with its first and its second probe; a
 * third changes only a pointer).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "lab/lab.h"

#define PIN_TRACEFS "/sys/kernel/tracing"

/* Every kvm event a vipi command enables: kvm/trace.c, watch/tracefs.c. */
static const char *const pin_events[] = { "kvm_exit",	  "kvm_msr",	   "kvm_entry",
					  "kvm_apic_ipi", "kvm_hypercall", "kvm_vcpu_wakeup" };

/*
 * A VM and its vCPU that stay open until the machine powers off: with an
 * in-kernel irqchip, or without one (a vCPU with no in-kernel LAPIC).
 */
static bool pin_vm(int kvm, bool irqchip)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		return false;
	if ((irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0)) || ioctl(vm, KVM_CREATE_VCPU, 0) < 0) {
		close(vm);
		return false;
	}
	return true;
}

static bool pin_kvm(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool ok;

	if (kvm < 0)
		return false;
	ok = pin_vm(kvm, true) && pin_vm(kvm, false);
	close(kvm);
	return ok;
}

static bool pin_tracepoints(void)
{
	for (int i = 0; i < 2; i++) {
		g_autofree char *dir = g_strdup_printf(PIN_TRACEFS "/instances/vipi-lab-pin%d", i);
		g_autofree char *on = g_build_filename(dir, "tracing_on", NULL);

		if (mkdir(dir, 0700) && errno != EEXIST)
			return false;
		/* Recording off first: the events then only hold their probes. */
		if (lab_sysfs_write(on, "0"))
			return false;
		for (size_t e = 0; e < G_N_ELEMENTS(pin_events); e++) {
			g_autofree char *en = g_build_filename(dir, "events", "kvm", pin_events[e],
							       "enable", NULL);

			if (lab_sysfs_write(en, "1"))
				return false;
		}
	}
	return true;
}

void lab_pin_text(void)
{
	/* Best effort: a lab machine without KVM fails its jobs more clearly. */
	if (!pin_kvm())
		fprintf(stderr, "vipi lab: cannot hold a VM open: %s\n", g_strerror(errno));
	if (!pin_tracepoints())
		fprintf(stderr, "vipi lab: cannot hold the kvm tracepoints: %s\n",
			g_strerror(errno));
}
