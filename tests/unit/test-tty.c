// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/util/tty.c on a pseudo-terminal: raw mode passes ^C and CR through as
 * bytes (the guest's tty, not ours, makes signals and newlines of them),
 * restores the exact modes, and leaves anything but a terminal alone.
 */
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/tty.h"

static int pty_slave(int *master)
{
	int fd;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	g_assert_cmpint(*master, >=, 0);
	g_assert_cmpint(grantpt(*master), ==, 0);
	g_assert_cmpint(unlockpt(*master), ==, 0);
	fd = open(ptsname(*master), O_RDWR | O_NOCTTY);
	g_assert_cmpint(fd, >=, 0);
	return fd;
}

static void assert_same_modes(const struct termios *a, const struct termios *b)
{
	g_assert_cmphex(a->c_iflag, ==, b->c_iflag);
	g_assert_cmphex(a->c_oflag, ==, b->c_oflag);
	g_assert_cmphex(a->c_cflag, ==, b->c_cflag);
	g_assert_cmphex(a->c_lflag, ==, b->c_lflag);
	g_assert_cmpmem(a->c_cc, sizeof(a->c_cc), b->c_cc, sizeof(b->c_cc));
}

static void test_raw_and_back(void)
{
	struct termios before, during, after;
	struct tty_raw t;
	int master, fd = pty_slave(&master);
	char in[3];

	g_assert_cmpint(tcgetattr(fd, &before), ==, 0);
	g_assert_true(tty_raw_on(&t, fd));
	g_assert_cmpint(tcgetattr(fd, &during), ==, 0);
	g_assert_cmphex(during.c_lflag & (ICANON | ECHO | ECHONL | ISIG | IEXTEN), ==, 0);
	g_assert_cmphex(during.c_iflag & (ICRNL | INLCR | IGNCR | IXON | ISTRIP), ==, 0);
	g_assert_cmphex(during.c_oflag & OPOST, ==, before.c_oflag & OPOST);
	g_assert_cmpint(during.c_cc[VMIN], ==, 1);

	/* ^C, CR and ^Z arrive as bytes, at once, not as a signal or a newline. */
	g_assert_cmpint(write(master, "\003\r\032", 3), ==, 3);
	g_assert_cmpint(read(fd, in, sizeof(in)), ==, 3);
	g_assert_cmpmem(in, 3, "\003\r\032", 3);
	/* Nothing echoed back to the terminal. */
	g_assert_cmpint(fcntl(master, F_SETFL, O_NONBLOCK), ==, 0);
	g_assert_cmpint(read(master, in, sizeof(in)), ==, -1);

	tty_raw_off(&t);
	g_assert_false(t.raw);
	g_assert_cmpint(tcgetattr(fd, &after), ==, 0);
	assert_same_modes(&before, &after);
	tty_raw_off(&t); /* twice: a no-op */
	close(fd);
	close(master);
}

static void test_not_a_tty(void)
{
	struct tty_raw t;
	int p[2];

	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_false(tty_raw_on(&t, p[0]));
	g_assert_false(t.raw);
	tty_raw_off(&t);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tty/raw-and-back", test_raw_and_back);
	g_test_add_func("/tty/not-a-tty", test_not_a_tty);
	return g_test_run();
}
