// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-control port: how the guest init reports back (busybox dd to
 * /dev/port). A status write ends the run with that status; the command's
 * output is already drained then, because the init writes the status only
 * after the command's terminal is closed.
 */
#include <stdio.h>
#include <string.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/kvm.h"
#include "util/log.h"

struct ctl {
	struct vm *vm;
	bool timing;
	gint64 t0_us;
	gint64 mark_us; /* 0: not marked */
	GMutex lock;
};

static void ctl_mark(struct ctl *c)
{
	gint64 now = g_get_monotonic_time();
	bool first;

	g_mutex_lock(&c->lock);
	first = !c->mark_us;
	if (first)
		c->mark_us = now;
	g_mutex_unlock(&c->lock);
	if (first && c->timing)
		fprintf(stderr, "vipi: timing: guest command starting after %.3f s\n",
			(now - c->t0_us) / 1e6);
}

static void ctl_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct ctl *c = opaque;
	uint8_t v = *(uint8_t *)data;

	if (len != 1) {
		pr_warn_ratelimited("control port: %u-byte access ignored", len);
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	if (!write) {
		*(uint8_t *)data = off == 0 ? CTL_SIGNATURE : 0;
		return;
	}
	if (off == 0)
		vm_end_request(c->vm, VM_END_STATUS, v, "guest command exited with status %u", v);
	else
		ctl_mark(c);
}

void *ctl_create(struct vm *vm, bool timing, gint64 t0_us)
{
	struct ctl *c = g_new0(struct ctl, 1);

	c->vm = vm;
	c->timing = timing;
	c->t0_us = t0_us;
	g_mutex_init(&c->lock);
	if (io_register(vm, IO_PIO, CTL_PORT_BASE, CTL_PORT_LEN, ctl_io, c)) {
		pr_err("control port 0x%x taken", CTL_PORT_BASE);
		ctl_destroy(c);
		return NULL;
	}
	return c;
}

void ctl_destroy(void *p)
{
	struct ctl *c = p;

	if (!c)
		return;
	io_unregister(c->vm, IO_PIO, CTL_PORT_BASE);
	g_mutex_clear(&c->lock);
	g_free(c);
}

double ctl_command_start_s(void *p)
{
	struct ctl *c = p;
	double r;

	g_mutex_lock(&c->lock);
	r = c->mark_us ? (c->mark_us - c->t0_us) / 1e6 : -1;
	g_mutex_unlock(&c->lock);
	return r;
}
