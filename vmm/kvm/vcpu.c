// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs: one thread each, running KVM_RUN and dispatching the exits that
 * reach userspace. A kick sets kvm_run->immediate_exit and then signals the
 * thread: the signal gets it out of KVM_RUN, and immediate_exit catches the
 * window where it is just about to enter (a plain signal alone would be
 * lost there).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "boot/boot.h"
#include "kvm/io.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "util/log.h"
#include "util/sandbox.h"
#include "util/shared.h"

#define VCPU_KICK_SIGNAL SIGUSR1

static int vcpu_set_cpuid(struct vcpu *v, const struct kvm_cpuid2 *supported)
{
	const struct vipi_config *cfg = v->vm->cfg;
	unsigned int max = supported->nent + 8;
	g_autofree struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + max * sizeof(c->entries[0]));
	struct cpuid_config cc = {
		.index = v->index,
		.ncpus = cfg->nr_cpus,
		.pv_ipi = cfg->pv_ipi,
		.no_pv_unhalt = cfg->exits.disable & KVM_X86_DISABLE_EXITS_HLT,
		.tsc_deadline = kvm_check_cap(v->vm->kvm_fd, KVM_CAP_TSC_DEADLINE_TIMER) > 0,
	};
	int n = cpuid_patch(supported->entries, supported->nent, c->entries, max, &cc);

	if (n < 0) {
		pr_err("vCPU %u: CPUID: %s", v->index, g_strerror(-n));
		return n;
	}
	c->nent = n;
	return vcpu_ioctl(v, KVM_SET_CPUID2, c);
}

/* Virtual wire mode: LINT0 takes the PIC's ExtINT, LINT1 the NMI. */
static int vcpu_setup_lapic(struct vcpu *v)
{
	struct kvm_lapic_state l;
	uint32_t *lvt0 = lapic_reg(&l, APIC_LVT0), *lvt1 = lapic_reg(&l, APIC_LVT1);
	int r = vcpu_ioctl(v, KVM_GET_LAPIC, &l);

	if (r)
		return r;
	*lvt0 = (*lvt0 & ~(APIC_MODE_MASK | APIC_LVT_MASKED)) | APIC_MODE_EXTINT;
	*lvt1 = (*lvt1 & ~(APIC_MODE_MASK | APIC_LVT_MASKED)) | APIC_MODE_NMI;
	return vcpu_ioctl(v, KVM_SET_LAPIC, &l);
}

static int vcpu_create(struct vm *vm, unsigned int index, const struct kvm_cpuid2 *supported)
{
	struct vcpu *v = &vm->vcpus[index];
	int r;

	v->vm = vm;
	v->index = index;
	v->fd = v->stats_fd = -1;
	r = __vm_ioctl(vm, KVM_CREATE_VCPU, (unsigned long)vm_vcpu_apic_id(vm, index));
	if (r < 0)
		return kvm_ioctl_report(r, "KVM_CREATE_VCPU", v);
	v->fd = r;
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return pr_errno(-errno, "vCPU %u: mmap kvm_run", index);
	}
	/* CPUID first: KVM derives what MSRs and features are valid from it. */
	r = vcpu_set_cpuid(v, supported);
	if (!r)
		r = vcpu_setup_lapic(v);
	if (!r)
		r = stats_vcpu_init(v);
	return r;
}

int vcpu_create_all(struct vm *vm)
{
	unsigned int n = vm->cfg->nr_cpus;
	g_autofree struct kvm_cpuid2 *cpuid = NULL;
	int r = kvm_get_supported_cpuid(vm->kvm_fd, &cpuid);

	if (r)
		return kvm_ioctl_report(r, "KVM_GET_SUPPORTED_CPUID", NULL);
	g_mutex_init(&vm->gate_lock);
	g_cond_init(&vm->gate_cond);
	vm->vcpus = g_new0(struct vcpu, n);
	for (unsigned int i = 0; i < n; i++) {
		vm->nr_vcpus = i + 1;
		r = vcpu_create(vm, i, cpuid);
		if (r)
			return r;
	}
	return 0;
}

void vcpu_destroy_all(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			munmap(v->run, vm->run_size);
		stats_vcpu_fini(v);
		if (v->fd >= 0)
			close(v->fd);
	}
	g_clear_pointer(&vm->vcpus, g_free);
	vm->nr_vcpus = 0;
	g_cond_clear(&vm->gate_cond);
	g_mutex_clear(&vm->gate_lock);
}

/* The BSP enters the kernel's 64-bit entry point; APs wait for INIT/SIPI
 * in the in-kernel LAPIC. */
int vcpu_setup_boot(struct vm *vm)
{
	struct vcpu *v = &vm->vcpus[0];
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	int r = vcpu_ioctl(v, KVM_GET_SREGS, &sregs);

	if (r)
		return r;
	boot_sregs(&sregs);
	r = vcpu_ioctl(v, KVM_SET_SREGS, &sregs);
	if (r)
		return r;
	boot_regs(&regs);
	r = vcpu_ioctl(v, KVM_SET_REGS, &regs);
	return r ? r : vcpu_ioctl(v, KVM_SET_FPU, &fpu);
}

static void vcpu_count_exit(struct vm *vm, unsigned int reason)
{
	if (reason < VM_EXIT_REASONS)
		atomic_fetch_add_explicit(&vm->exits[reason], 1, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&vm->exits_other, 1, memory_order_relaxed);
}

static bool vcpu_exit_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned int size = run->io.size, count = run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	/* KVM builds these, but check them against the page we mapped. */
	if (run->io.data_offset >= (uint64_t)v->vm->run_size ||
	    (uint64_t)size * count > v->vm->run_size - run->io.data_offset) {
		vm_end_request(v->vm, VM_END_CRASH, 0, "vCPU %u: bad KVM_EXIT_IO", v->index);
		return false;
	}
	for (unsigned int i = 0; i < count; i++)
		io_dispatch(v->vm, IO_PIO, run->io.port, data + i * size, size, write);
	return true;
}

static bool vcpu_exit_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_end_request(v->vm, VM_END_POWEROFF, 0, "guest powered off");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_end_request(v->vm, VM_END_RESET, 0, "guest reset");
		break;
	default:
		vm_end_request(v->vm, VM_END_CRASH, 0, "guest crashed (system event %u)",
			       v->run->system_event.type);
	}
	return false;
}

/* Returns false when this vCPU should stop. */
static bool vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return vcpu_exit_io(v);
	case KVM_EXIT_MMIO:
		io_dispatch(v->vm, IO_MMIO, run->mmio.phys_addr, run->mmio.data,
			    run->mmio.len <= 8 ? run->mmio.len : 8, run->mmio.is_write);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		return vcpu_exit_system_event(v);
	case KVM_EXIT_SHUTDOWN:
		vm_end_request(v->vm, VM_END_CRASH, 0,
			       "triple fault on vCPU %u (KVM_EXIT_SHUTDOWN)", v->index);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		vm_end_request(v->vm, VM_END_CRASH, 0, "vCPU %u: VM entry failed (reason 0x%llx)",
			       v->index,
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_end_request(v->vm, VM_END_CRASH, 0, "vCPU %u: KVM internal error %u", v->index,
			       run->internal.suberror);
		return false;
	default:
		vm_end_request(v->vm, VM_END_CRASH, 0, "vCPU %u: unexpected exit %u", v->index,
			       run->exit_reason);
		return false;
	}
}

/*
 * Confined (with --sandbox), this thread counts in and waits for the gate:
 * no vCPU runs the guest before every thread, the main one included, is
 * confined. False when the run stops instead.
 */
static bool vcpu_gate_pass(struct vcpu *v)
{
	const struct vipi_config *cfg = v->vm->cfg;
	struct vm *vm = v->vm;
	unsigned int when = cfg->trace_exits ? SANDBOX_TRACE : SANDBOX_ALWAYS;
	int r = cfg->sandbox ? sandbox_enter(SANDBOX_VCPU, when) : 0;

	g_mutex_lock(&vm->gate_lock);
	vm->gate_ready++;
	if (r && !vm->gate_err)
		vm->gate_err = r;
	g_cond_broadcast(&vm->gate_cond);
	while (!vm->gate_open)
		g_cond_wait(&vm->gate_cond, &vm->gate_lock);
	g_mutex_unlock(&vm->gate_lock);
	if (cfg->sandbox && cfg->sandbox_probe && !v->index)
		sandbox_probe();
	return !r && !atomic_load(&vm->stopping);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	char name[16];
	sigset_t set;

	snprintf(name, sizeof(name), "vcpu%u", v->index);
	pthread_setname_np(pthread_self(), name);
	atomic_store_explicit(&v->tid, (pid_t)syscall(SYS_gettid), memory_order_release);
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (!vcpu_gate_pass(v))
		return NULL;

	while (!atomic_load(&vm->stopping)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* Cleared before stopping is read again (seq_cst). */
				shared_store(&v->run->immediate_exit, 0);
				continue;
			}
			vm_end_request(vm, VM_END_CRASH, 0, "vCPU %u: KVM_RUN: %s", v->index,
				       g_strerror(errno));
			break;
		}
		vcpu_count_exit(vm, v->run->exit_reason);
		if (!vcpu_handle_exit(v))
			break;
	}
	return NULL;
}

static void vcpu_on_kick(int sig)
{
	/* Nothing: the signal's only job is to interrupt KVM_RUN. */
}

static void vcpu_kick(struct vcpu *v)
{
	if (!v->run)
		return;
	shared_store(&v->run->immediate_exit, 1);
	if (v->started)
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

/* Until every vCPU thread is confined: 0, or the first one's -errno. */
static int vcpu_gate_wait(struct vm *vm)
{
	int r;

	g_mutex_lock(&vm->gate_lock);
	while (vm->gate_ready < vm->nr_vcpus)
		g_cond_wait(&vm->gate_cond, &vm->gate_lock);
	r = vm->gate_err;
	g_mutex_unlock(&vm->gate_lock);
	return r;
}

int vcpu_start_all(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = vcpu_on_kick }; /* no SA_RESTART */
	sigset_t set;
	int r = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	/* Only vCPU threads take the kick signal; they unblock it themselves. */
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		r = pthread_create(&v->thread, NULL, vcpu_thread, v);
		if (r) {
			pr_err("vCPU %u: pthread_create: %s", i, g_strerror(r));
			return -r;
		}
		v->started = true;
	}
	return vcpu_gate_wait(vm);
}

void vcpu_run_all(struct vm *vm)
{
	g_mutex_lock(&vm->gate_lock);
	vm->gate_open = true;
	g_cond_broadcast(&vm->gate_cond);
	g_mutex_unlock(&vm->gate_lock);
}

void vcpu_stop_all(struct vm *vm)
{
	atomic_store(&vm->stopping, true);
	vcpu_run_all(vm); /* those still at the gate see STOPPING there */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->started)
			pthread_join(v->thread, NULL);
		v->started = false;
	}
}
