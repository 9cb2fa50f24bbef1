// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-control port: how the guest init reports back (busybox dd to
 * /dev/port). A status write ends the run with that status; the command's
 * output is already drained then, because the init writes the status only
 * after the command's terminal is closed.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/vm.h"
#include "util/log.h"
#include "util/vipi_config.h"

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

static const struct io_ports ctl_ports[] = { { CTL_PORT_BASE, CTL_PORT_LEN, ctl_io } };

static void ctl_free(struct ctl *c)
{
	g_mutex_clear(&c->lock);
	g_free(c);
}

int ctl_init(struct devices *d)
{
	struct ctl *c = g_new0(struct ctl, 1);
	int r;

	c->vm = d->vm;
	c->timing = d->cfg->timing;
	c->t0_us = d->cfg->t0_us;
	g_mutex_init(&c->lock);
	r = io_register_ports(d->vm, ctl_ports, G_N_ELEMENTS(ctl_ports), c, "control port");
	if (r)
		ctl_free(c);
	else
		d->ctl = c;
	return r;
}

void ctl_exit(struct devices *d)
{
	io_unregister_ports(d->vm, ctl_ports, G_N_ELEMENTS(ctl_ports));
	g_clear_pointer(&d->ctl, ctl_free);
}

double ctl_command_start_s(struct ctl *c)
{
	double r;

	g_mutex_lock(&c->lock);
	r = c->mark_us ? (c->mark_us - c->t0_us) / 1e6 : -1;
	g_mutex_unlock(&c->lock);
	return r;
}
