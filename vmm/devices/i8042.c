// SPDX-License-Identifier: GPL-2.0-only
/*
 * The i8042 keyboard controller, reduced to its reset line: the 0xFE
 * command on port 0x64 resets the machine, which ends the VM (Linux with
 * reboot=k uses it). There is no keyboard: the status register always says
 * "output full", so Linux's probe finds no controller after a few reads
 * instead of timing out on self-test commands, and its reboot path never
 * waits for "input full" to clear.
 */
#include <glib.h>
#include <string.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/vm.h"

#define I8042_DATA	0x60
#define I8042_CMD	0x64
#define I8042_STR_OBF	0x01
#define I8042_CMD_RESET 0xfe

static void i8042_data(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	if (!write)
		memset(data, 0, len);
}

static void i8042_cmd(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct devices *d = opaque;

	if (!write) {
		memset(data, 0, len);
		*(uint8_t *)data = I8042_STR_OBF;
		return;
	}
	if (len == 1 && *(uint8_t *)data == I8042_CMD_RESET)
		vm_end_request(d->vm, VM_END_RESET, 0, "guest reset (i8042)");
}

static const struct io_ports i8042_ports[] = {
	{ I8042_DATA, 1, i8042_data },
	{ I8042_CMD, 1, i8042_cmd },
};

const struct device i8042_device = {
	.name = "i8042",
	.ports = i8042_ports,
	.nr_ports = G_N_ELEMENTS(i8042_ports),
};
