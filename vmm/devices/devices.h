/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's devices: three 8250 UARTs, the i8042's reset line, the CMOS
 * clock, the guest-control port, the PCI bus and the vipi device on it.
 * devices.c brings them up from one table of struct device, in order, and
 * down in the reverse (kvmtool's dev_init()/dev_exit()). A device is one
 * struct device in its own file and one entry of that table; it reaches
 * the VM through kvm/vm.h and kvm/io.h only, keeps its state in struct
 * devices, and says in one line why it could not come up.
 */
#ifndef VIPI_DEVICES_DEVICES_H
#define VIPI_DEVICES_DEVICES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm/io.h"

struct vm;
struct vipi_config;
struct serial;
struct pci_bus;
struct vipi_dev;
struct virtio_fs;

/* The machine's devices and their state; the opaque of every device's ports. */
struct devices {
	struct vm *vm;
	const struct vipi_config *cfg;
	struct serial *console, *out, *err; /* ttyS0-2: console, command's stdout, stderr */
	atomic_uchar rtc_index;		    /* the CMOS index register */
	_Atomic int64_t command_start_us;   /* the guest's "command starting" mark; 0: none */
	struct pci_bus *pci;
	struct vipi_dev *vipi; /* on pci; NULL with --vipi off */
	struct virtio_fs *fs;  /* on pci: the cfg's shares; NULL without */
};

/*
 * Up: INIT (if any), then PORTS are registered with the struct devices as
 * their opaque. Down: the ports, then EXIT (if any). INIT returns 0 or
 * -errno after one line; EXIT undoes a successful INIT.
 */
struct device {
	const char *name;
	int (*init)(struct devices *d);
	void (*exit)(struct devices *d);
	const struct io_ports *ports;
	size_t nr_ports;
};

extern const struct device serial_device, i8042_device, rtc_device, ctl_device;
extern const struct device pci_device, vipi_device, virtio_fs_device;

/* Every device of the table, for VM and CFG: 0, or -errno with none left up. */
int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out);
/* Every device, in reverse order. NULL is fine. */
void devices_exit(struct devices *d);

/* The console's host side: room for input, input, and the panic line seen (g_free). */
size_t devices_console_room(struct devices *d);
size_t devices_console_input(struct devices *d, const uint8_t *buf, size_t len);
char *devices_panic_line(struct devices *d);
/*
 * The devices' helper processes (virtio-fs's virtiofsd): an fd the main
 * loop polls, readable once one has died, or -1; devices_watch() then
 * ends the run saying which and how.
 */
int devices_watch_fd(struct devices *d);
void devices_watch(struct devices *d);
/* virtio_fs.c: the same for its daemons. */
int virtio_fs_watch_fd(struct virtio_fs *fs);
void virtio_fs_watch(struct virtio_fs *fs, struct vm *vm);

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

/* serial.c: queues host input for the guest to read; returns how many bytes fit. */
size_t serial_rx(struct serial *s, const uint8_t *buf, size_t len);
size_t serial_rx_room(struct serial *s);
/* The console's "Kernel panic - not syncing: ..." line, if one was seen. */
char *serial_panic_line(struct serial *s);
/* The last complete console line (for crash reasons). */
char *serial_last_line(struct serial *s);

#endif
