/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's devices: three 8250 UARTs, the i8042's reset line, the CMOS
 * clock, the guest-control port, the PCI bus and the vipi device on it.
 * devices.c brings them up from a table of {init, exit}, in order, and
 * down in the reverse (kvmtool's dev_init()/dev_exit()). A device is one
 * table entry and one member of struct devices; its init stores what it
 * made there, reaches the VM through kvm/vm.h and kvm/io.h only, and says
 * in one line why it failed.
 */
#ifndef VIPI_DEVICES_DEVICES_H
#define VIPI_DEVICES_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vipi_config;
struct serial;
struct rtc;
struct ctl;
struct pci_bus;
struct vipi_dev;

struct devices {
	struct vm *vm;
	const struct vipi_config *cfg;
	struct serial *console, *out, *err; /* ttyS0-2: console, command's stdout, stderr */
	struct rtc *rtc;
	struct ctl *ctl;
	struct pci_bus *pci;
	struct vipi_dev *vipi; /* on pci; NULL with --vipi off */
};

/* Every device of the table, for VM and CFG: 0, or -errno with none left up. */
int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out);
/* Every device, in reverse order. NULL is fine. */
void devices_exit(struct devices *d);

/* The console's host side: room for input, input, and the panic line seen (g_free). */
size_t devices_console_room(struct devices *d);
size_t devices_console_input(struct devices *d, const uint8_t *buf, size_t len);
char *devices_panic_line(struct devices *d);
/* Seconds from the run's start to the guest's "command starting" mark, or -1. */
double devices_command_start_s(struct devices *d);

/*
 * Guest-control port (see docs/run.md). Byte writes only:
 *   CTL_PORT_STATUS: the guest command's exit status (0-255); ends the run.
 *   CTL_PORT_MARK:   "the command is starting now" (for --timing).
 * A byte read of CTL_PORT_STATUS returns CTL_SIGNATURE ('V').
 */
#define CTL_PORT_BASE	0x500
#define CTL_PORT_STATUS 0x500
#define CTL_PORT_MARK	0x501
#define CTL_PORT_LEN	2
#define CTL_SIGNATURE	'V'

/* UARTs: ttyS0 console, ttyS1 the command's stdout, ttyS2 its stderr. */
#define SERIAL_COM1	0x3f8
#define SERIAL_COM2	0x2f8
#define SERIAL_COM3	0x3e8
#define SERIAL_IRQ_COM1 4
#define SERIAL_IRQ_COM2 3
#define SERIAL_IRQ_COM3 4 /* shared with COM1, as on PCs */

/* The table's entries (devices.c), one pair per device file. */
int serial_init(struct devices *d);
void serial_exit(struct devices *d);
int i8042_init(struct devices *d);
void i8042_exit(struct devices *d);
int rtc_init(struct devices *d);
void rtc_exit(struct devices *d);
int ctl_init(struct devices *d);
void ctl_exit(struct devices *d);
int pci_init(struct devices *d); /* pci_vm.c: the bus on the VM's ports */
void pci_exit(struct devices *d);
int vipi_init(struct devices *d); /* vipi_vm.c: the vipi device on the bus */
void vipi_exit(struct devices *d);

/* serial.c: queues host input for the guest to read; returns how many bytes fit. */
size_t serial_rx(struct serial *s, const uint8_t *buf, size_t len);
size_t serial_rx_room(struct serial *s);
/* The console's "Kernel panic - not syncing: ..." line, if one was seen. */
char *serial_panic_line(struct serial *s);
/* The last complete console line (for crash reasons). */
char *serial_last_line(struct serial *s);

/* ctl.c */
double ctl_command_start_s(struct ctl *c);

#endif
