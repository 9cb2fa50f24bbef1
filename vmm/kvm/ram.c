// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM: one mapping, 2 MiB aligned, split into two KVM slots around
 * the 32-bit PCI hole. Private anonymous memory, or a memfd mapped shared
 * when a vhost-user backend (virtiofsd) must map the same pages: it gets
 * the fd and each slot's offset in it (vm_ram_regions()).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/boot.h"
#include "kvm/kvm.h"
#include "util/log.h"

#define RAM_HUGE_PAGE (2u << 20)

static int ram_add_slot(struct vm *vm, uint64_t gpa, uint64_t size, uint8_t *hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = vm->nr_slots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	int r = vm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);

	if (r)
		return r;
	vm->slots[vm->nr_slots++] = (struct vm_slot){ .gpa = gpa, .size = size, .hva = hva };
	return 0;
}

/*
 * MEM bytes, 2 MiB aligned. KVM maps a slot with 2 MiB pages only where the
 * guest-physical and host-virtual addresses agree modulo 2 MiB (else every
 * 4 KiB page the guest touches is its own nested page fault, ~27000 of them
 * in a boot); QEMU aligns its RAM the same way. NORESERVE: pages exist only
 * once the guest touches them. With FD >= 0 the memfd is mapped shared over
 * the aligned part of the reservation.
 */
static uint8_t *ram_map(uint64_t mem, int fd)
{
	uint64_t len = mem + RAM_HUGE_PAGE, head;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	head = (RAM_HUGE_PAGE - (uintptr_t)p % RAM_HUGE_PAGE) % RAM_HUGE_PAGE;
	if (head)
		munmap(p, head);
	munmap(p + head + mem, RAM_HUGE_PAGE - head);
	p += head;
	if (fd >= 0 && mmap(p, mem, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
			    fd, 0) == MAP_FAILED) {
		int e = errno;

		munmap(p, mem);
		errno = e;
		return NULL;
	}
	/* Where THP is "madvise" rather than "always"; harmless without THP. */
	madvise(p, mem, MADV_HUGEPAGE);
	return p;
}

/* A memfd of MEM bytes, sealed against shrinking (the backend maps it whole). */
static int ram_memfd(uint64_t mem)
{
	int fd = memfd_create("vipi-guest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return pr_errno(-errno, "guest RAM: memfd_create");
	if (ftruncate(fd, mem) || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
		int r = pr_errno(-errno, "guest RAM: sizing the memfd");

		close(fd);
		return r;
	}
	return fd;
}

int ram_create(struct vm *vm, uint64_t mem, bool shared)
{
	uint64_t low = boot_low_ram_end(mem);
	uint8_t *hva;
	int r;

	if (shared) {
		vm->ram_fd = ram_memfd(mem);
		if (vm->ram_fd < 0)
			return vm->ram_fd;
	}
	hva = ram_map(mem, vm->ram_fd);
	if (!hva)
		return pr_errno(-errno, "guest RAM");
	r = ram_add_slot(vm, 0, low, hva);
	if (!r && mem > low)
		r = ram_add_slot(vm, BOOT_HIGH_RAM_START, mem - low, hva + low);
	if (r) {
		munmap(hva, mem);
		vm->nr_slots = 0;
	}
	return r;
}

void ram_destroy(struct vm *vm)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < vm->nr_slots; i++)
		total += vm->slots[i].size;
	if (vm->nr_slots)
		munmap(vm->slots[0].hva, total);
	vm->nr_slots = 0;
	if (vm->ram_fd >= 0)
		close(vm->ram_fd);
	vm->ram_fd = -1;
}

int vm_ram_regions(struct vm *vm, struct vm_ram_region *out, unsigned int max)
{
	if (vm->ram_fd < 0)
		return -ENODEV;
	for (unsigned int i = 0; i < vm->nr_slots && i < max; i++)
		out[i] = (struct vm_ram_region){
			.gpa = vm->slots[i].gpa,
			.size = vm->slots[i].size,
			.hva = (uintptr_t)vm->slots[i].hva,
			.offset = vm->slots[i].hva - vm->slots[0].hva,
			.fd = vm->ram_fd,
		};
	return MIN(vm->nr_slots, max);
}
