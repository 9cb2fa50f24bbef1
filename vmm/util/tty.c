// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw mode for the terminal an interactive guest console runs on (tty.h).
 * The flags are those QEMU's stdio chardev and kvmtool's term.c clear: the
 * guest's own tty then echoes, edits lines and turns ^C into SIGINT for its
 * foreground job. OPOST stays on, as in both, so a line vipi itself prints
 * mid-run still starts at the left margin.
 */
#include <unistd.h>

#include "util/tty.h"

bool tty_raw_on(struct tty_raw *t, int fd)
{
	struct termios m;

	t->raw = false;
	t->fd = fd;
	if (!isatty(fd) || tcgetattr(fd, &t->saved))
		return false;
	m = t->saved;
	m.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN | ISIG);
	m.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	m.c_cflag = (m.c_cflag & ~(CSIZE | PARENB)) | CS8;
	m.c_cc[VMIN] = 1;
	m.c_cc[VTIME] = 0;
	t->raw = !tcsetattr(fd, TCSANOW, &m);
	return t->raw;
}

void tty_raw_off(struct tty_raw *t)
{
	if (t->raw)
		tcsetattr(t->fd, TCSANOW, &t->saved);
	t->raw = false;
}
