// SPDX-License-Identifier: GPL-2.0-only
/*
 * PIO/MMIO dispatch. Lookups take a reader lock and call the handler after
 * dropping it, so that a handler may itself (un)register ranges (a PCI BAR
 * being moved) without deadlocking.
 */
#include <errno.h>
#include <string.h>

#include "kvm/io.h"
#include "kvm/kvm.h"
#include "util/log.h"

struct io_range {
	uint64_t base;
	uint64_t len;
	io_fn fn;
	void *opaque;
};

void io_init(struct vm *vm)
{
	g_rw_lock_init(&vm->io_lock);
	for (int s = 0; s < 2; s++)
		vm->io_ranges[s] = g_array_new(FALSE, FALSE, sizeof(struct io_range));
}

void io_fini(struct vm *vm)
{
	for (int s = 0; s < 2; s++)
		g_array_free(vm->io_ranges[s], TRUE);
	g_rw_lock_clear(&vm->io_lock);
}

static bool io_space_ok(enum io_space space)
{
	return space == IO_PIO || space == IO_MMIO;
}

/* [a, a + alen) and [b, b + blen) overlap; lengths are non-zero. */
static bool io_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a <= b + (blen - 1) && b <= a + (alen - 1);
}

int io_register(struct vm *vm, enum io_space space, uint64_t base, uint64_t len, io_fn fn,
		void *opaque)
{
	struct io_range r = { .base = base, .len = len, .fn = fn, .opaque = opaque };
	GArray *a;
	int ret = 0;

	if (!io_space_ok(space) || !len || !fn || base + (len - 1) < base ||
	    (space == IO_PIO && base + (len - 1) > 0xffff))
		return -EINVAL;
	g_rw_lock_writer_lock(&vm->io_lock);
	a = vm->io_ranges[space];
	for (unsigned int i = 0; i < a->len; i++) {
		const struct io_range *o = &g_array_index(a, struct io_range, i);

		if (io_overlap(o->base, o->len, base, len)) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret)
		g_array_append_val(a, r);
	g_rw_lock_writer_unlock(&vm->io_lock);
	return ret;
}

int io_unregister(struct vm *vm, enum io_space space, uint64_t base)
{
	GArray *a;
	int ret = -ENOENT;

	if (!io_space_ok(space))
		return -EINVAL;
	g_rw_lock_writer_lock(&vm->io_lock);
	a = vm->io_ranges[space];
	for (unsigned int i = 0; i < a->len; i++) {
		if (g_array_index(a, struct io_range, i).base == base) {
			g_array_remove_index_fast(a, i);
			ret = 0;
			break;
		}
	}
	g_rw_lock_writer_unlock(&vm->io_lock);
	return ret;
}

int io_register_ports(struct vm *vm, const struct io_ports *ports, size_t n, void *opaque,
		      const char *who)
{
	for (size_t i = 0; i < n; i++) {
		int r = io_register(vm, IO_PIO, ports[i].base, ports[i].len, ports[i].fn, opaque);

		if (r) {
			pr_err("%s: ports %#x-%#x: %s", who, ports[i].base,
			       ports[i].base + ports[i].len - 1, g_strerror(-r));
			io_unregister_ports(vm, ports, i);
			return r;
		}
	}
	return 0;
}

void io_unregister_ports(struct vm *vm, const struct io_ports *ports, size_t n)
{
	for (size_t i = 0; i < n; i++)
		io_unregister(vm, IO_PIO, ports[i].base);
}

static bool io_find(struct vm *vm, enum io_space space, uint64_t addr, unsigned int len,
		    struct io_range *out)
{
	GArray *a;
	bool found = false;

	g_rw_lock_reader_lock(&vm->io_lock);
	a = vm->io_ranges[space];
	for (unsigned int i = 0; i < a->len; i++) {
		const struct io_range *r = &g_array_index(a, struct io_range, i);

		/* The whole access must fall inside one range. */
		if (addr >= r->base && addr - r->base < r->len &&
		    len <= r->len - (addr - r->base)) {
			*out = *r;
			found = true;
			break;
		}
	}
	g_rw_lock_reader_unlock(&vm->io_lock);
	return found;
}

bool io_dispatch(struct vm *vm, enum io_space space, uint64_t addr, void *data, unsigned int len,
		 bool write)
{
	struct io_range r;

	if (!io_space_ok(space) || (len != 1 && len != 2 && len != 4 && len != 8))
		return false;
	if (space == IO_PIO)
		atomic_fetch_add_explicit(&vm->io_port_exits[addr & 0xffff], 1,
					  memory_order_relaxed);
	if (!write)
		memset(data, 0, len);
	if (io_find(vm, space, addr, len, &r)) {
		r.fn(r.opaque, addr - r.base, data, len, write);
		return true;
	}
	if (!write)
		memset(data, 0xff, len);
	atomic_fetch_add_explicit(&vm->io_unclaimed, 1, memory_order_relaxed);

	/* Booting Linux probes many absent legacy ports: only say so when asked. */
	if (log_verbose())
		pr_warn_ratelimited("unclaimed %s %s of %u bytes at 0x%llx",
				    space == IO_PIO ? "port" : "MMIO", write ? "write" : "read",
				    len, (unsigned long long)addr);
	return false;
}

void io_report_ports(struct vm *vm)
{
	GString *s = g_string_new(NULL);

	for (unsigned int port = 0; port < 0x10000; port++) {
		unsigned int n = atomic_load(&vm->io_port_exits[port]);

		if (n >= 10)
			g_string_append_printf(s, " 0x%x:%u", port, n);
	}
	if (s->len)
		pr_info("port exits (port:count, >= 10):%s", s->str);
	g_string_free(s, TRUE);
}
