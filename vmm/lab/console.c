// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host side of the lab's interactive console (console.h). Both FIFOs are
 * opened read-write and non-blocking, as QEMU opens its ends: no open
 * waits for the other side, and a machine that stops reading loses keys
 * instead of hanging us.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "lab/console.h"
#include "util/log.h"

static int console_fifo(const char *jobdir, const char *name)
{
	g_autofree char *p = g_strdup_printf("%s/console.%s", jobdir, name);
	int fd;

	if (mkfifo(p, 0600))
		return pr_errno(-errno, "lab: cannot create %s", p);
	fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? pr_errno(-errno, "lab: cannot open %s", p) : fd;
}

int lab_console_create(struct lab_console *c, const char *jobdir)
{
	*c = (struct lab_console){ .in_fd = -1, .out_fd = -1, .stdin_open = true };
	c->in_fd = console_fifo(jobdir, "in");
	if (c->in_fd < 0)
		return c->in_fd;
	c->out_fd = console_fifo(jobdir, "out");
	if (c->out_fd < 0) {
		int r = c->out_fd;

		lab_console_destroy(c);
		return r;
	}
	return 0;
}

char **lab_console_qemu_args(const char *jobdir)
{
	char **a = g_new0(char *, 5);

	/* The second -serial is the machine's ttyS1 (0x2f8, IRQ 3). */
	a[0] = g_strdup("-chardev");
	a[1] = g_strdup_printf("pipe,id=console,path=%s/console", jobdir);
	a[2] = g_strdup("-serial");
	a[3] = g_strdup("chardev:console");
	return a;
}

/* What stdin has, to the machine; a full FIFO drops it (see above). */
static void console_forward(struct lab_console *c)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->stdin_open = false; /* EOF or a hangup: nothing more comes */
		return;
	}
	if (write(c->in_fd, buf, n) < 0 && errno != EAGAIN)
		pr_warn_ratelimited("lab: console input lost: %s", g_strerror(errno));
}

void lab_console_pump(struct lab_console *c, bool started, int ms)
{
	struct pollfd p[2] = { { .fd = c->out_fd, .events = POLLIN },
			       { .fd = -1, .events = POLLIN } };
	char drop[4096];

	if (started && !c->started) {
		c->started = true;
		tty_raw_on(&c->tty, STDIN_FILENO);
	}
	if (c->started && c->stdin_open)
		p[1].fd = STDIN_FILENO;
	if (poll(p, 2, ms) <= 0)
		return;
	if (p[0].revents & POLLIN)
		while (read(c->out_fd, drop, sizeof(drop)) > 0)
			;
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		console_forward(c);
}

void lab_console_destroy(struct lab_console *c)
{
	tty_raw_off(&c->tty);
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->in_fd = c->out_fd = -1;
}
