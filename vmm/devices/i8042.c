// SPDX-License-Identifier: GPL-2.0-only
/*
 * The i8042 keyboard controller, reduced to its reset line: the 0xFE
 * command on port 0x64 resets the machine, which ends the VM (Linux with
 * reboot=k uses it). There is no keyboard: the status register always says
 * "output full", so Linux's probe finds no controller after a few reads
 * instead of timing out on self-test commands, and its reboot path never
 * waits for "input full" to clear.
 */
#include <string.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/kvm.h"
#include "util/log.h"

#define I8042_DATA	0x60
#define I8042_CMD	0x64
#define I8042_STR_OBF	0x01
#define I8042_CMD_RESET 0xfe

struct i8042 {
	struct vm *vm;
};

static void i8042_data(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	if (!write)
		memset(data, 0, len);
}

static void i8042_cmd(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct i8042 *k = opaque;

	if (!write) {
		memset(data, 0, len);
		*(uint8_t *)data = I8042_STR_OBF;
		return;
	}
	if (len == 1 && *(uint8_t *)data == I8042_CMD_RESET)
		vm_end_request(k->vm, VM_END_RESET, 0, "guest reset (i8042)");
}

void *i8042_create(struct vm *vm)
{
	struct i8042 *k = g_new0(struct i8042, 1);

	k->vm = vm;
	if (io_register(vm, IO_PIO, I8042_DATA, 1, i8042_data, k) ||
	    io_register(vm, IO_PIO, I8042_CMD, 1, i8042_cmd, k)) {
		pr_err("i8042: ports 0x60/0x64 taken");
		i8042_destroy(k);
		return NULL;
	}
	return k;
}

void i8042_destroy(void *p)
{
	struct i8042 *k = p;

	if (!k)
		return;
	io_unregister(k->vm, IO_PIO, I8042_DATA);
	io_unregister(k->vm, IO_PIO, I8042_CMD);
	g_free(k);
}
