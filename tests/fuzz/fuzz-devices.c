// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile guest against the legacy devices of `vipi run`: the three 8250
 * UARTs, the i8042, the RTC and the guest-control port, all registered on a
 * VM without KVM (vm_create_nokvm(): its IRQ line calls fail with -EBADF).
 * The input is a sequence of 4-byte operations: port accesses of any size
 * at and around each device's ports (through io_dispatch(), as a vCPU
 * would), and host input queued on a UART (as `vipi run` does from stdin).
 * Any crash, sanitizer report or leak is a bug; so is a UART that holds more
 * input than it has room for, or an end of the run without a reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/devices.h"
#include "kvm/io.h"
#include "kvm/kvm.h"
#include "util/log.h"

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

static void run_op(struct vm *vm, struct serial *uart[3], const uint8_t *op)
{
	unsigned int len = 1u << ((op[0] >> 4) & 3);
	bool write = op[0] & 0x08;
	uint64_t data = op[2] | (uint64_t)op[3] << 8 | 0x5a5a5a5a5a5a0000ull;
	unsigned int dev = op[0] & 7;
	uint16_t port;

	if (dev == 7) { /* host input for one of the UARTs */
		uint8_t buf[64];
		struct serial *s = uart[op[1] % 3];
		size_t n = op[2] % sizeof(buf);

		memset(buf, op[3], n);
		if (serial_rx(s, buf, n) > n || serial_rx_room(s) > RX_ROOM_MAX)
			abort();
		return;
	}
	/* Offsets from two below the range to two past its end. */
	port = ports[dev].base + op[1] % (ports[dev].len + 4) - 2;
	io_dispatch(vm, IO_PIO, port, &data, len, write);
}

/*
 * One VM for all inputs (creating its 256 KiB of port counters each time
 * would dominate the run); each input gets fresh devices and a fresh end.
 */
static struct vm *fuzz_vm(void)
{
	static struct vm *vm;
	uint64_t n;

	if (!vm) {
		log_set_prefix("fuzz");
		vm = vm_create_nokvm();
		if (!vm)
			abort();
	}
	g_free(vm->end_reason);
	vm->end_reason = NULL;
	vm->end = VM_RUNNING;
	vm->end_status = 0;
	if (read(vm->end_efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		abort();
	return vm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm *vm = fuzz_vm();
	struct serial *uart[3];
	void *i8042, *rtc, *ctl;
	char *line;

	/* The console's output goes nowhere; it still tracks lines. */
	uart[0] = serial_create(vm, SERIAL_COM1, SERIAL_IRQ_COM1, -1, true);
	uart[1] = serial_create(vm, SERIAL_COM2, SERIAL_IRQ_COM2, -1, false);
	uart[2] = serial_create(vm, SERIAL_COM3, SERIAL_IRQ_COM3, -1, false);
	i8042 = i8042_create(vm);
	rtc = rtc_create(vm);
	ctl = ctl_create(vm, false, 0);
	if (!uart[0] || !uart[1] || !uart[2] || !i8042 || !rtc || !ctl)
		abort();
	for (size_t i = 0; i + 4 <= size; i += 4)
		run_op(vm, uart, data + i);
	if (vm->end != VM_RUNNING && !vm->end_reason)
		abort();
	line = serial_panic_line(uart[0]);
	g_free(line);
	line = serial_last_line(uart[0]);
	g_free(line);
	ctl_command_start_s(ctl);
	ctl_destroy(ctl);
	rtc_destroy(rtc);
	i8042_destroy(i8042);
	for (int i = 0; i < 3; i++)
		serial_destroy(uart[i]);
	if (vm->io_ranges[IO_PIO]->len)
		abort(); /* a device left a port behind */
	return 0;
}
