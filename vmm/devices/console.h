/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What vipi reads in the guest console's output (ttyS0), line by line: the
 * last line, the kernel's panic line (the crash reason), and the power-off
 * line (there is no ACPI: Linux's power-off otherwise only halts). Private
 * to vmm/devices; the UART that carries the console locks it.
 */
#ifndef VIPI_DEVICES_CONSOLE_H
#define VIPI_DEVICES_CONSOLE_H

#include <stdint.h>

#define CONSOLE_LINE_MAX 240

struct vm;

struct console_lines {
	char line[CONSOLE_LINE_MAX + 1]; /* the line being written */
	unsigned int len;
	char *last;  /* the last complete line */
	char *panic; /* "Kernel panic - not syncing: ...", the first one */
};

/* One byte of output from the guest; a power-off line ends VM's run. */
void console_lines_put(struct console_lines *c, struct vm *vm, uint8_t ch);
void console_lines_clear(struct console_lines *c);

#endif
