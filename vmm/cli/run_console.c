// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interactive console of `vipi run` (no guest command): stdin feeds
 * ttyS0 as fast as the guest takes it (the UART holds input until the
 * guest's driver enables receive interrupts). A terminal on stdin goes raw
 * for the run (util/tty.h): the guest's tty echoes and edits lines, and ^C
 * is a byte for the guest's shell, not a SIGINT for vipi. Other stdin
 * (a pipe, a file) is passed on unchanged, up to its end.
 */
#include <glib.h>
#include <stdint.h>
#include <unistd.h>

#include "cli/run.h"
#include "devices/devices.h"

void run_console_open(struct run *r)
{
	if (!r->cfg.cmd)
		tty_raw_on(&r->tty, STDIN_FILENO);
}

void run_console_close(struct run *r)
{
	tty_raw_off(&r->tty);
}

void run_console_input(struct run *r, bool *open)
{
	uint8_t buf[256];
	size_t room = MIN(sizeof(buf), devices_console_room(r->dev));
	ssize_t n;

	if (!room)
		return;
	n = read(STDIN_FILENO, buf, room);
	if (n <= 0) {
		*open = false; /* EOF: stop polling it */
		return;
	}
	devices_console_input(r->dev, buf, n);
}
