/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A terminal in raw mode for an interactive guest console, shared by
 * `vipi run` (cli/run_console.c) and the lab's host side (lab/console.c).
 */
#ifndef VIPI_UTIL_TTY_H
#define VIPI_UTIL_TTY_H

#include <stdbool.h>
#include <termios.h>

struct tty_raw {
	int fd;
	bool raw; /* SAVED holds the modes to restore */
	struct termios saved;
};

/*
 * Puts the terminal FD in raw mode: no echo, no line editing, no signals
 * from ^C, ^Z or ^\ (they become bytes for the guest), 8-bit clean input;
 * output post-processing stays on. Returns false (and changes nothing) when
 * FD is not a terminal or refuses.
 */
bool tty_raw_on(struct tty_raw *t, int fd);
/* Restores the saved modes; a no-op when tty_raw_on() did nothing. */
void tty_raw_off(struct tty_raw *t);

#endif
