// SPDX-License-Identifier: GPL-2.0-only
/* The machine's device table, and the host's side of the console. */
#include <glib.h>

#include "devices/devices.h"

/*
 * Brought up in this order, down in the reverse: the bus before the
 * devices on it. A new device is one more entry.
 */
static const struct devices_entry {
	int (*init)(struct devices *d);
	void (*exit)(struct devices *d);
} devices_table[] = {
	{ serial_init, serial_exit }, { i8042_init, i8042_exit }, { rtc_init, rtc_exit },
	{ ctl_init, ctl_exit },	      { pci_init, pci_exit },	  { vipi_init, vipi_exit },
};

/* Takes down the first N entries of the table, last first. */
static void devices_unwind(struct devices *d, size_t n)
{
	while (n--)
		devices_table[n].exit(d);
}

int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out)
{
	struct devices *d = g_new0(struct devices, 1);

	d->vm = vm;
	d->cfg = cfg;
	for (size_t i = 0; i < G_N_ELEMENTS(devices_table); i++) {
		int r = devices_table[i].init(d);

		if (r) {
			devices_unwind(d, i);
			g_free(d);
			*out = NULL;
			return r;
		}
	}
	*out = d;
	return 0;
}

void devices_exit(struct devices *d)
{
	if (!d)
		return;
	devices_unwind(d, G_N_ELEMENTS(devices_table));
	g_free(d);
}

size_t devices_console_room(struct devices *d)
{
	return serial_rx_room(d->console);
}

size_t devices_console_input(struct devices *d, const uint8_t *buf, size_t len)
{
	return serial_rx(d->console, buf, len);
}

char *devices_panic_line(struct devices *d)
{
	return serial_panic_line(d->console);
}

double devices_command_start_s(struct devices *d)
{
	return d ? ctl_command_start_s(d->ctl) : -1;
}
