/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Port and MMIO dispatch for exits that reach userspace. Devices register a
 * range and a handler; the vCPU run loop calls io_dispatch() for each
 * KVM_EXIT_IO / KVM_EXIT_MMIO. Handlers run on vCPU threads, concurrently:
 * a device with state locks it itself. Nothing here is on the kick path.
 */
#ifndef VIPI_KVM_IO_H
#define VIPI_KVM_IO_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

enum io_space {
	IO_PIO,
	IO_MMIO,
};

/*
 * ADDR is the absolute port or guest-physical address, OFF its offset in the
 * registered range. DATA is LEN bytes (1, 2, 4 or 8) in guest byte order;
 * a read handler fills it (it is zeroed before the call).
 */
typedef void (*io_fn)(void *opaque, uint64_t off, void *data, unsigned int len, bool write);

/* Returns 0, or -EEXIST when the range overlaps one already there. */
int io_register(struct vm *vm, enum io_space space, uint64_t base, uint64_t len, io_fn fn,
		void *opaque);
/* Removes the range that starts at BASE; -ENOENT if there is none. */
int io_unregister(struct vm *vm, enum io_space space, uint64_t base);
/*
 * Returns false when no device claims ADDR: reads then see all ones and the
 * exit is counted as unhandled (rate-limited log), as on real hardware.
 */
bool io_dispatch(struct vm *vm, enum io_space space, uint64_t addr, void *data, unsigned int len,
		 bool write);

#endif
