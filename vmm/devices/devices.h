/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The legacy devices of `vipi run`: three 8250 UARTs, the i8042's reset
 * line and the guest-control port, plus the hook where PCI plugs in.
 */
#ifndef VIPI_DEVICES_DEVICES_H
#define VIPI_DEVICES_DEVICES_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct serial;
struct vipi_config;

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

struct devices {
	struct serial *console, *out, *err;
	void *i8042;
	void *rtc;
	void *ctl;
};

int devices_init(struct vm *vm, const struct vipi_config *cfg, struct devices **out);
void devices_fini(struct devices *d);

/* Seconds from t0 to the guest's "command starting" mark, or -1. */
double devices_command_start_s(struct devices *d);

/*
 * PCI plugs in here: devices_init() calls pci_init(vm) (devices/pci.h,
 * vmm/devices/pci_vm.c) after the legacy devices, and devices_fini() calls
 * pci_fini() (devices/pci.h). pci_init registers 0xCF8-0xCFF through io.h; it returns 0 or
 * a VIPI_EXIT_* status.
 */
int pci_init(struct vm *vm, const struct vipi_config *cfg);

/* serial.c */
struct serial *serial_create(struct vm *vm, uint16_t base, unsigned int irq, int out_fd,
			     bool console);
void serial_destroy(struct serial *s);
/* Queues host input for the guest to read; returns how many bytes fit. */
size_t serial_rx(struct serial *s, const uint8_t *buf, size_t len);
size_t serial_rx_room(struct serial *s);
/* The console's "Kernel panic - not syncing: ..." line, if one was seen. */
char *serial_panic_line(struct serial *s);
/* The last complete console line (for crash reasons). */
char *serial_last_line(struct serial *s);

/* i8042.c, ctl.c */
void *i8042_create(struct vm *vm);
void i8042_destroy(void *p);
void *rtc_create(struct vm *vm);
void rtc_destroy(void *p);
void *ctl_create(struct vm *vm, bool timing, gint64 t0_us);
void ctl_destroy(void *p);
double ctl_command_start_s(void *p);

#endif
