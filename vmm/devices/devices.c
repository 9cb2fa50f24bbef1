// SPDX-License-Identifier: GPL-2.0-only
/* The machine's device table, and the host's side of the console. */
#include <glib.h>

#include "devices/devices.h"
#include "util/vipi_config.h"

/*
 * Brought up in this order, down in the reverse: the bus before the
 * devices on it. A new device is one more entry.
 */
static const struct device *const devices_table[] = {
	&serial_device, &i8042_device, &rtc_device,	  &ctl_device,
	&pci_device,	&vipi_device,  &virtio_fs_device,
};

static int device_up(struct devices *d, const struct device *dev)
{
	int r = dev->init ? dev->init(d) : 0;

	if (r || !dev->nr_ports)
		return r;
	r = io_register_ports(d->vm, dev->ports, dev->nr_ports, d, dev->name);
	if (r && dev->exit)
		dev->exit(d);
	return r;
}

static void device_down(struct devices *d, const struct device *dev)
{
	io_unregister_ports(d->vm, dev->ports, dev->nr_ports);
	if (dev->exit)
		dev->exit(d);
}

/* Takes down the first N entries of the table, last first. */
static void devices_unwind(struct devices *d, size_t n)
{
	while (n--)
		device_down(d, devices_table[n]);
}

int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out)
{
	struct devices *d = g_new0(struct devices, 1);

	d->vm = vm;
	d->cfg = cfg;
	for (size_t i = 0; i < G_N_ELEMENTS(devices_table); i++) {
		int r = device_up(d, devices_table[i]);

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
	int64_t mark = d ? atomic_load(&d->command_start_us) : 0;

	return mark ? (mark - d->cfg->t0_us) / 1e6 : -1;
}

int devices_watch_fd(struct devices *d)
{
	return d && d->fs ? virtio_fs_watch_fd(d->fs) : -1;
}

void devices_watch(struct devices *d)
{
	if (d && d->fs)
		virtio_fs_watch(d->fs, d->vm);
}
