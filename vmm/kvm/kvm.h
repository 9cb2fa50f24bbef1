/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vmm/kvm/: /dev/kvm, the insides of the VM and its vCPUs.
 * Everyone else uses vm.h, vcpu.h, io.h and stats.h.
 */
#ifndef VIPI_KVM_KVM_H
#define VIPI_KVM_KVM_H

#include <errno.h>
#include <glib.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>

#include "kvm/exits.h"
#include "kvm/vcpu.h"
#include "kvm/vm.h"
#include "util/vipi_config.h"

struct vcpu;

/*
 * KVM ioctls as the KVM selftests spell them. The __ forms return the
 * ioctl's result (>= 0) or -errno and say nothing: for callers that report
 * in their own words, or at a limited rate. The plain forms print one line
 * naming the ioctl ("vCPU 1: KVM_SET_CPUID2: Invalid argument") when it
 * fails, then return the same.
 */
#define __kvm_ioctl(fd, cmd, arg)    kvm_ret(ioctl(fd, cmd, arg))
#define __vm_ioctl(vm, cmd, arg)     __kvm_ioctl((vm)->fd, cmd, arg)
#define __vcpu_ioctl(vcpu, cmd, arg) __kvm_ioctl((vcpu)->fd, cmd, arg)
#define kvm_ioctl(vm, cmd, arg)	     kvm_ioctl_report(__kvm_ioctl((vm)->kvm_fd, cmd, arg), #cmd, NULL)
#define vm_ioctl(vm, cmd, arg)	     kvm_ioctl_report(__vm_ioctl(vm, cmd, arg), #cmd, NULL)
#define vcpu_ioctl(vcpu, cmd, arg)   kvm_ioctl_report(__vcpu_ioctl(vcpu, cmd, arg), #cmd, vcpu)

static inline int kvm_ret(int ret)
{
	return ret < 0 ? -errno : ret;
}

/* RET unchanged, after one error line naming NAME (and VCPU) when it is -errno. */
int kvm_ioctl_report(int ret, const char *name, const struct vcpu *vcpu);

/* Opens /dev/kvm and checks the capabilities we need. Returns the fd or
 * -errno after one error line (hostkvm.h words what is wrong with it). */
int kvm_open(void);
/* KVM_CHECK_EXTENSION on FD; <= 0 means absent. */
int kvm_check_cap(int fd, long cap);
/* KVM_GET_SUPPORTED_CPUID, sized as it needs (g_free *OUT); 0 or -errno, silently. */
int kvm_get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **out);

struct vm_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct vcpu {
	struct vm *vm;
	unsigned int index;
	int fd;
	int stats_fd;
	struct kvm_run *run;
	struct vcpu_stats *stats; /* stats.c */
	pthread_t thread;
	_Atomic pid_t tid; /* the thread's, once it runs: tracefs counts by it */
	bool started;
};

/* Userspace exit reasons we count (KVM_EXIT_* values below this). */
#define VM_EXIT_REASONS 64

struct vcpu_stats;

struct vm {
	const struct vipi_config *cfg; /* NULL for vm_create_nokvm() */
	int kvm_fd;
	int fd;
	int run_size;
	struct vm_slot slots[2]; /* ram.c */
	unsigned int nr_slots;
	int ram_fd; /* the memfd behind the slots when RAM is shared; -1: private */
	struct vcpu *vcpus;
	unsigned int nr_vcpus;

	/* io.c */
	GRWLock io_lock;
	GArray *io_ranges[2];
	atomic_ulong io_unclaimed;
	atomic_uint io_port_exits[0x10000]; /* per port, for --verbose */

	/* irqfd routing, set once (vm.c) */
	struct kvm_irq_routing *routing;

	/* The end of the run (vm_end_request()). */
	GMutex end_lock;
	enum vm_end end;
	int end_status;
	char *end_reason;
	int end_efd; /* written once when END is set: wakes the main loop */
	atomic_bool stopping;

	/*
	 * vcpu.c: the started vCPU threads confine themselves (util/sandbox.h),
	 * count in (GATE_READY, the first error in GATE_ERR) and wait for
	 * vcpu_run_all() to open the gate before their first KVM_RUN.
	 */
	GMutex gate_lock;
	GCond gate_cond;
	unsigned int gate_ready;
	int gate_err;
	bool gate_open;

	atomic_ulong exits[VM_EXIT_REASONS];
	atomic_ulong exits_other;

	/* trace.c: per-reason exit counts (--trace-exits), or why not */
	struct vm_trace *trace;
	char *trace_why;

	/* stats.c */
	GMutex stats_lock;
	GPtrArray *snapshots;
	gint64 t0_us;
};

/* io.c */
void io_init(struct vm *vm);
void io_fini(struct vm *vm);

/* ram.c: guest RAM in its slots (a memfd when SHARED), and its end. */
int ram_create(struct vm *vm, uint64_t mem, bool shared);
void ram_destroy(struct vm *vm);

/* stats.c */
int stats_vcpu_init(struct vcpu *v);
void stats_vcpu_fini(struct vcpu *v);
void stats_snapshot_free(void *p);

const char *kvm_exit_name(unsigned int reason);

/* The LAPIC page of KVM_GET_LAPIC/KVM_SET_LAPIC: registers at their MMIO offsets. */
#define APIC_TPR	 0x80
#define APIC_PPR	 0xa0
#define APIC_ISR	 0x100 /* 8 words, 0x10 apart */
#define APIC_IRR	 0x200 /* 8 words, 0x10 apart */
#define APIC_LVTT	 0x320
#define APIC_LVT0	 0x350
#define APIC_LVT1	 0x360
#define APIC_MODE_MASK	 0x700
#define APIC_MODE_NMI	 0x400
#define APIC_MODE_EXTINT 0x700
#define APIC_LVT_MASKED	 (1u << 16)
#define APIC_TMICT	 0x380
#define APIC_TMCCT	 0x390

static inline uint32_t *lapic_reg(struct kvm_lapic_state *l, unsigned int off)
{
	return (uint32_t *)(l->regs + off);
}

#endif
