// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile guest against the legacy devices of `vipi run`: the three 8250
 * UARTs, the i8042, the RTC and the guest-control port, brought up by the
 * devices table (devices_init(), --vipi off) on a fresh VM without KVM per
 * input (vm_create_nokvm(): its IRQ line calls fail with -EBADF). The input
 * is a sequence of 4-byte operations: port accesses of any size at and
 * around each device's ports (through io_dispatch(), as a vCPU would), and
 * host input queued on a UART (as `vipi run` does from stdin). Any crash,
 * sanitizer report or leak is a bug; so is a UART that holds more input
 * than it has room for, an end of the run without a reason, or a port left
 * registered after devices_exit().
 */
#include <stdlib.h>
#include <string.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/vm.h"
#include "util/log.h"
#include "util/vipi_config.h"

#define RX_ROOM_MAX 256 /* serial.c's receive buffer */

static const struct {
	uint16_t base, len;
} ports[] = {
	{ SERIAL_COM1, 8 },
	{ SERIAL_COM2, 8 },
	{ SERIAL_COM3, 8 },
	{ 0x60, 1 },
	{ 0x64, 1 },
	{ 0x70, 2 },
	{ CTL_PORT_BASE, CTL_PORT_LEN },
};

static void run_op(struct vm *vm, struct devices *d, const uint8_t *op)
{
	unsigned int len = 1u << ((op[0] >> 4) & 3);
	bool write = op[0] & 0x08;
	uint64_t data = op[2] | (uint64_t)op[3] << 8 | 0x5a5a5a5a5a5a0000ull;
	unsigned int dev = op[0] & 7;
	uint16_t port;

	if (dev == 7) { /* host input for one of the UARTs */
		struct serial *uart[] = { d->console, d->out, d->err };
		struct serial *s = uart[op[1] % 3];
		size_t n = op[2] % 64;
		uint8_t buf[64];

		memset(buf, op[3], n);
		if (serial_rx(s, buf, n) > n || serial_rx_room(s) > RX_ROOM_MAX)
			abort();
		return;
	}
	/* Offsets from two below the range to two past its end. */
	port = ports[dev].base + op[1] % (ports[dev].len + 4) - 2;
	io_dispatch(vm, IO_PIO, port, &data, len, write);
}

/* After devices_exit(): no device may have left a port behind. */
static void check_ports_free(struct vm *vm)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ports); i++) {
		for (unsigned int p = ports[i].base; p < ports[i].base + ports[i].len; p++) {
			uint8_t v;

			if (io_dispatch(vm, IO_PIO, p, &v, 1, false))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* No output anywhere; the console still tracks lines. */
	struct vipi_config cfg = { .serial_fds = { -1, -1, -1 } };
	struct vm *vm = vm_create_nokvm();
	struct devices *d;
	const char *reason;
	char *line;

	log_set_prefix("fuzz");
	if (!vm || devices_init(vm, &cfg, &d))
		abort();
	for (size_t i = 0; i + 4 <= size; i += 4)
		run_op(vm, d, data + i);
	if (vm_end_get(vm, NULL, &reason) != VM_RUNNING && !reason)
		abort();
	line = serial_panic_line(d->console);
	g_free(line);
	line = serial_last_line(d->console);
	g_free(line);
	devices_command_start_s(d);
	devices_exit(d);
	check_ports_free(vm);
	vm_destroy(vm);
	return 0;
}
