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
#include <stddef.h>
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

/* A device's port range: [BASE, BASE + LEN) goes to FN. */
struct io_ports {
	uint16_t base, len;
	io_fn fn;
};

/*
 * Registers the N port ranges of PORTS for OPAQUE, all or none: 0, or
 * -errno after one line naming WHO and the range that could not be had.
 */
int io_register_ports(struct vm *vm, const struct io_ports *ports, size_t n, void *opaque,
		      const char *who);
void io_unregister_ports(struct vm *vm, const struct io_ports *ports, size_t n);
/*
 * Returns false when no device claims ADDR: reads then see all ones and the
 * exit is counted as unhandled (rate-limited log), as on real hardware.
 */
bool io_dispatch(struct vm *vm, enum io_space space, uint64_t addr, void *data, unsigned int len,
		 bool write);
/* One line: the ports the guest exits on most (--verbose). */
void io_report_ports(struct vm *vm);

#endif
