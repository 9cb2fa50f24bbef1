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

/* The first mark counts: a command that restarts is still the same run. */
static void ctl_mark(struct devices *d)
{
	int64_t now = g_get_monotonic_time(), none = 0;

	if (atomic_compare_exchange_strong(&d->command_start_us, &none, now) && d->cfg->timing)
		fprintf(stderr, "vipi: timing: guest command starting after %.3f s\n",
			(now - d->cfg->t0_us) / 1e6);
}

static void ctl_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct devices *d = opaque;
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
		vm_end_request(d->vm, VM_END_STATUS, v, "guest command exited with status %u", v);
	else
		ctl_mark(d);
}

static const struct io_ports ctl_ports[] = { { CTL_PORT_BASE, CTL_PORT_LEN, ctl_io } };

const struct device ctl_device = {
	.name = "control port",
	.ports = ctl_ports,
	.nr_ports = G_N_ELEMENTS(ctl_ports),
};
