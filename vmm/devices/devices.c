// SPDX-License-Identifier: GPL-2.0-only
/* The machine's device list, and the place where PCI plugs in. */
#include "devices/devices.h"
#include "devices/pci.h"
#include "kvm/kvm.h"
#include "util/log.h"
#include "util/status.h"
#include "util/vipi_config.h"

#include <unistd.h>

int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out)
{
	struct devices *d = g_new0(struct devices, 1);
	/* With a command, the console only feeds the crash reason. */
	int console_fd = !cfg->cmd ? STDOUT_FILENO : cfg->verbose ? STDERR_FILENO : -1;
	int r;

	*out = d;
	d->console = serial_create(vm, SERIAL_COM1, SERIAL_IRQ_COM1, console_fd, true);
	d->out = serial_create(vm, SERIAL_COM2, SERIAL_IRQ_COM2, STDOUT_FILENO, false);
	d->err = serial_create(vm, SERIAL_COM3, SERIAL_IRQ_COM3, STDERR_FILENO, false);
	d->i8042 = i8042_create(vm);
	d->rtc = rtc_create(vm);
	d->ctl = ctl_create(vm, cfg->timing, cfg->t0_us);
	if (!d->console || !d->out || !d->err || !d->i8042 || !d->rtc || !d->ctl)
		return VIPI_EXIT_SOFTWARE;

	/* ---- PCI host bridge and PCI devices (vmm/devices/pci.c) ---- */
	r = pci_init(vm, cfg);
	if (r)
		return r;
	return 0;
}

void devices_fini(struct devices *d)
{
	if (!d)
		return;
	serial_destroy(d->console);
	serial_destroy(d->out);
	serial_destroy(d->err);
	i8042_destroy(d->i8042);
	rtc_destroy(d->rtc);
	ctl_destroy(d->ctl);
	pci_fini();
	g_free(d);
}

double devices_command_start_s(struct devices *d)
{
	return d && d->ctl ? ctl_command_start_s(d->ctl) : -1;
}
