// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM: KVM_CREATE_VM, the in-kernel irqchip and PIT, guest RAM around
 * the 32-bit PCI hole, MSIs, ioeventfds and irqfd routes.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/boot.h"
#include "kvm/exits.h"
#include "kvm/kvm.h"
#include "kvm/stats.h"
#include "kvm/trace.h"
#include "util/log.h"

/* Just below the BIOS area at the top of 4 GiB, as is customary. */
#define VM_TSS_GPA	0xfffbd000ULL
#define VM_IRQCHIP_GSIS 24
#define VM_MAX_ROUTES	1024

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < vm->nr_slots; i++) {
		const struct vm_slot *s = &vm->slots[i];

		/* Written so that no sum can wrap. */
		if (gpa < s->gpa || len > s->size || gpa - s->gpa > s->size - len)
			continue;
		return s->hva + (gpa - s->gpa);
	}
	return NULL;
}

unsigned int vm_nr_vcpus(struct vm *vm)
{
	return vm->nr_vcpus;
}

uint32_t vm_vcpu_apic_id(struct vm *vm, unsigned int index)
{
	return index;
}

int vm_irq_line(struct vm *vm, unsigned int gsi, bool level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	return __vm_ioctl(vm, KVM_IRQ_LINE, &irq);
}

int vm_signal_msi(struct vm *vm, unsigned int index, uint8_t vector)
{
	struct kvm_msi msi = { 0 };

	if (index >= vm->nr_vcpus)
		return -EINVAL;
	/* Physical destination, fixed delivery, edge: only the vector in data. */
	msi.address_lo = BOOT_LAPIC_GPA | vm_vcpu_apic_id(vm, index) << 12;
	msi.data = vector;
	return __vm_ioctl(vm, KVM_SIGNAL_MSI, &msi);
}

static int vm_ioeventfd(struct vm *vm, uint16_t port, unsigned int len, int64_t datamatch,
			int eventfd, uint32_t flags)
{
	struct kvm_ioeventfd io = {
		.addr = port,
		.len = len,
		.fd = eventfd,
		.flags = KVM_IOEVENTFD_FLAG_PIO | flags,
	};

	if (len != 1 && len != 2 && len != 4)
		return -EINVAL;
	if (datamatch >= 0) {
		io.datamatch = datamatch;
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	}
	return __vm_ioctl(vm, KVM_IOEVENTFD, &io);
}

int vm_ioeventfd_add(struct vm *vm, uint16_t port, unsigned int len, int64_t datamatch, int eventfd)
{
	return vm_ioeventfd(vm, port, len, datamatch, eventfd, 0);
}

int vm_ioeventfd_remove(struct vm *vm, uint16_t port, unsigned int len, int64_t datamatch,
			int eventfd)
{
	return vm_ioeventfd(vm, port, len, datamatch, eventfd, KVM_IOEVENTFD_FLAG_DEASSIGN);
}

/* KVM_SET_GSI_ROUTING replaces the whole table: start from the irqchip's
 * own default routes (GSI 0-15 to the PICs and IOAPIC, 16-23 to the IOAPIC). */
static void vm_routing_init(struct vm *vm)
{
	struct kvm_irq_routing *r;

	r = g_malloc0(sizeof(*r) + VM_MAX_ROUTES * sizeof(r->entries[0]));
	for (unsigned int gsi = 0; gsi < VM_IRQCHIP_GSIS; gsi++) {
		if (gsi < 16) {
			r->entries[r->nr++] = (struct kvm_irq_routing_entry){
				.gsi = gsi,
				.type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { .irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
								  : KVM_IRQCHIP_PIC_SLAVE,
					       .pin = gsi % 8 },
			};
		}
		r->entries[r->nr++] = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = gsi },
		};
	}
	vm->routing = r;
}

int vm_irqfd_msi_route(struct vm *vm, unsigned int gsi, unsigned int index, uint8_t vector)
{
	struct kvm_irq_routing *r = vm->routing;

	if (gsi < VM_IRQCHIP_GSIS || index >= vm->nr_vcpus)
		return -EINVAL;
	if (r->nr >= VM_MAX_ROUTES)
		return -ENOSPC;
	for (unsigned int i = 0; i < r->nr; i++)
		if (r->entries[i].gsi == gsi)
			return -EEXIST;
	r->entries[r->nr++] = (struct kvm_irq_routing_entry){
		.gsi = gsi,
		.type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = BOOT_LAPIC_GPA | vm_vcpu_apic_id(vm, index) << 12,
			   .data = vector },
	};
	return 0;
}

int vm_irqfd_commit(struct vm *vm)
{
	return vm_ioctl(vm, KVM_SET_GSI_ROUTING, vm->routing);
}

int vm_irqfd_bind(struct vm *vm, unsigned int gsi, int eventfd)
{
	struct kvm_irqfd irqfd = { .fd = eventfd, .gsi = gsi };

	return __vm_ioctl(vm, KVM_IRQFD, &irqfd);
}

void vm_end_request(struct vm *vm, enum vm_end end, int status, const char *fmt, ...)
{
	uint64_t one = 1;
	va_list ap;

	g_mutex_lock(&vm->end_lock);
	if (vm->end == VM_RUNNING) {
		vm->end = end;
		vm->end_status = status;
		va_start(ap, fmt);
		vm->end_reason = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		if (write(vm->end_efd, &one, sizeof(one)) < 0)
			pr_warn("cannot wake the main loop: %s", g_strerror(errno));
	}
	g_mutex_unlock(&vm->end_lock);
}

enum vm_end vm_end_get(struct vm *vm, int *status, const char **reason)
{
	enum vm_end end;

	g_mutex_lock(&vm->end_lock);
	end = vm->end;
	if (status)
		*status = vm->end_status;
	if (reason)
		*reason = vm->end_reason;
	g_mutex_unlock(&vm->end_lock);
	return end;
}

int vm_end_fd(struct vm *vm)
{
	return vm->end_efd;
}

uint64_t vm_exits(struct vm *vm, int reason)
{
	uint64_t n = 0;

	if (reason >= 0)
		return reason < VM_EXIT_REASONS ? atomic_load(&vm->exits[reason]) : 0;
	for (unsigned int r = 0; r < VM_EXIT_REASONS; r++)
		n += atomic_load(&vm->exits[r]);
	return n + atomic_load(&vm->exits_other);
}

static int vm_create_chips(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = 0 };
	int r = vm_ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)VM_TSS_GPA);

	/* Both before any vCPU exists: the LAPICs are created with them. */
	if (!r)
		r = vm_ioctl(vm, KVM_CREATE_IRQCHIP, 0);
	if (!r)
		r = vm_ioctl(vm, KVM_CREATE_PIT2, &pit);
	return r;
}

/* KVM_CAP_MAX_VCPUS is the hard limit; without it, KVM_CAP_NR_VCPUS. */
static int vm_check_cpus(int kvm_fd, unsigned int ncpus)
{
	int max = kvm_check_cap(kvm_fd, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = kvm_check_cap(kvm_fd, KVM_CAP_NR_VCPUS);
	if (max > 0 && ncpus > (unsigned int)max) {
		pr_err("--cpus %u: KVM on this host allows at most %d vCPUs", ncpus, max);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* --trace-exits is best effort: without tracefs the run goes on, and says so. */
static void vm_trace_open(struct vm *vm)
{
	vm->trace = trace_open(&vm->trace_why);
	if (!vm->trace)
		pr_warn("--trace-exits: no exits by reason: %s", vm->trace_why);
}

/* What every VM has, with KVM or without: its I/O registry, its end, its snapshots. */
static int vm_alloc(const struct vipi_config *cfg, struct vm **out)
{
	struct vm *vm = g_new0(struct vm, 1);

	vm->cfg = cfg;
	vm->kvm_fd = vm->fd = vm->ram_fd = -1;
	g_mutex_init(&vm->end_lock);
	g_mutex_init(&vm->stats_lock);
	vm->snapshots = g_ptr_array_new_with_free_func(stats_snapshot_free);
	vm->t0_us = g_get_monotonic_time();
	io_init(vm);
	*out = vm;
	vm->end_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return vm->end_efd < 0 ? pr_errno(-errno, "eventfd") : 0;
}

int vm_create(const struct vipi_config *cfg, struct vm **out)
{
	int r = vm_alloc(cfg, out);
	struct vm *vm = *out;

	if (!r)
		r = kvm_open();
	if (r < 0)
		return r;
	vm->kvm_fd = r;
	r = vm_check_cpus(vm->kvm_fd, cfg->nr_cpus);
	if (r)
		return r;
	vm->fd = kvm_ioctl(vm, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return vm->fd;
	vm->run_size = kvm_ioctl(vm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < 0)
		return vm->run_size;
	r = vm_create_chips(vm);
	if (r)
		return r;
	/* Before any vCPU: KVM refuses exit controls once one exists. */
	r = exits_apply(vm->kvm_fd, vm->fd, &cfg->exits);
	if (r)
		return r;
	r = ram_create(vm, cfg->ram_size, cfg->nr_shares > 0);
	if (r)
		return r;
	vm_routing_init(vm);
	if (cfg->trace_exits)
		vm_trace_open(vm);
	return 0;
}

struct vm *vm_create_nokvm(void)
{
	struct vm *vm;

	if (!vm_alloc(NULL, &vm))
		return vm;
	vm_destroy(vm);
	return NULL;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	ram_destroy(vm);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->end_efd >= 0)
		close(vm->end_efd);
	io_fini(vm);
	trace_close(vm->trace);
	g_free(vm->trace_why);
	g_ptr_array_free(vm->snapshots, TRUE);
	g_free(vm->routing);
	g_free(vm->end_reason);
	g_free(vm);
}
