// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interactive console of `vipi run` (no guest command): the host
 * terminal goes to character mode without echo, and stdin feeds ttyS0 as
 * fast as the guest takes it (the UART holds input until the guest's driver
 * enables receive interrupts).
 */
#include <glib.h>
#include <stdint.h>
#include <termios.h>
#include <unistd.h>

#include "cli/run.h"
#include "devices/devices.h"

/* Interactive console: keys go to the guest as typed; ^C still stops vipi. */
void run_console_open(struct run *r)
{
	struct termios t;

	if (r->cfg.cmd || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->tty_saved))
		return;
	t = r->tty_saved;
	t.c_lflag &= ~(ICANON | ECHO | IEXTEN);
	t.c_iflag &= ~(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t))
		r->tty_raw = true;
}

void run_console_close(struct run *r)
{
	if (r->tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->tty_saved);
	r->tty_raw = false;
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
