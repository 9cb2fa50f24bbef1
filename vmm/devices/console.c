// SPDX-License-Identifier: GPL-2.0-only
/* The guest console's lines (console.h). */
#include <glib.h>
#include <string.h>

#include "devices/console.h"
#include "kvm/vm.h"

static void console_line_done(struct console_lines *c, struct vm *vm)
{
	c->line[c->len] = '\0';
	c->len = 0;
	if (!c->line[0])
		return;
	g_free(c->last);
	c->last = g_strdup(c->line);
	if (!c->panic && strstr(c->line, "Kernel panic - not syncing"))
		c->panic = g_strdup(strstr(c->line, "Kernel panic"));
	/* No ACPI, so a power-off ends in a halt loop; the kernel says so first. */
	if (strstr(c->line, "reboot: Power down") || strstr(c->line, "reboot: System halted"))
		vm_end_request(vm, VM_END_POWEROFF, 0, "guest powered off");
}

void console_lines_put(struct console_lines *c, struct vm *vm, uint8_t ch)
{
	if (ch == '\n') {
		console_line_done(c, vm);
		return;
	}
	if (ch == '\r')
		return;
	if (c->len < CONSOLE_LINE_MAX)
		c->line[c->len++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
}

void console_lines_clear(struct console_lines *c)
{
	g_clear_pointer(&c->last, g_free);
	g_clear_pointer(&c->panic, g_free);
}
