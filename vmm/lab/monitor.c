// SPDX-License-Identifier: GPL-2.0-only
/*
 * A look at a lab machine's CPUs through its QEMU monitor (HMP on
 * JOBDIR/monitor.sock), taken when a timeout is about to stop the machine.
 * Two looks a second apart tell a machine that stalled itself (its CPUs busy
 * at the same kernel RIPs, in int3 loops: docs/lab.md, "A lab machine that
 * stalls") from one whose job was only waiting (its CPUs halted, HLT=1).
 * The address of the IDT's entry 0 (asm_exc_divide_error) gives KASLR's
 * slide: with the System.map of the kernel's -dbg package (Debian's own
 * System.map is a stub) each kernel RIP can then be named (docs/lab.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "lab/monitor.h"

#define MON_PROMPT  "(qemu) "
#define MON_WAIT_MS 3000
/* LAB_MAX_CPUS and the machine's own CPU 0, with room to spare. */
#define MON_MAX_CPUS 64
/* The read-only IDT of the cpu_entry_area (x86-64, Linux 4.15 and later). */
#define MON_IDT "fffffe0000000000"

static int mon_connect(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, n;

	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/monitor.sock", dir);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

/* Reads into OUT until the monitor's prompt; -ETIMEDOUT after MON_WAIT_MS. */
static int mon_read_prompt(int fd, GString *out)
{
	gint64 end = g_get_monotonic_time() + MON_WAIT_MS * 1000;
	char buf[4096];

	while (!strstr(out->str, MON_PROMPT)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		gint64 left = (end - g_get_monotonic_time()) / 1000;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return n ? -errno : -EPIPE;
		g_string_append_len(out, buf, n);
	}
	return 0;
}

/* CMD's output (with the monitor's echo of it) in OUT, or -errno. */
static int mon_command(int fd, const char *cmd, GString *out)
{
	size_t len = strlen(cmd);

	g_string_truncate(out, 0);
	if (write(fd, cmd, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		return -EIO;
	return mon_read_prompt(fd, out);
}

/* After KEY in S: the hex number there, and true; false if there is none. */
static bool mon_hex_after(const char *s, const char *key, uint64_t *v)
{
	const char *p = strstr(s, key);
	char *end;

	if (!p)
		return false;
	*v = g_ascii_strtoull(p + strlen(key), &end, 16);
	return end != p + strlen(key);
}

struct mon_cpu {
	int id;
	uint64_t rip, cpl, hlt;
};

struct mon_look {
	unsigned int n;
	struct mon_cpu cpu[MON_MAX_CPUS];
};

/* Each CPU's RIP, CPL and HLT from the output of `info registers -a`. */
static void mon_parse(const char *regs, struct mon_look *l)
{
	g_auto(GStrv) cpus = g_strsplit(regs, "CPU#", -1);

	l->n = 0;
	for (char **c = cpus + 1; *c && l->n < MON_MAX_CPUS; c++) {
		struct mon_cpu *m = &l->cpu[l->n];

		*m = (struct mon_cpu){ .id = atoi(*c) }; /* "N\r\nRAX=..." */
		if (!mon_hex_after(*c, "RIP=", &m->rip))
			continue;
		/* Absent, they stay 0. */
		mon_hex_after(*c, "CPL=", &m->cpl);
		mon_hex_after(*c, "HLT=", &m->hlt);
		l->n++;
	}
}

/* "N rip=R cpl=C hlt=H, ..." for one look. */
static void mon_format(GString *line, const struct mon_look *l)
{
	for (unsigned int i = 0; i < l->n; i++)
		g_string_append_printf(line, "%s%d rip=%" PRIx64 " cpl=%" PRIu64 " hlt=%" PRIu64,
				       i ? ", " : "", l->cpu[i].id, l->cpu[i].rip, l->cpu[i].cpl,
				       l->cpu[i].hlt);
}

/* Entry 0 of the IDT: the address of asm_exc_divide_error, or 0. */
static uint64_t mon_idt0(int fd, GString *out)
{
	const char *p;
	uint64_t lo, hi;
	char *end;

	if (mon_command(fd, "x/2gx 0x" MON_IDT, out))
		return 0;
	p = strstr(out->str, MON_IDT ":");
	if (!p)
		return 0;
	lo = g_ascii_strtoull(p + strlen(MON_IDT ":"), &end, 16);
	hi = g_ascii_strtoull(end, NULL, 16);
	return (lo & 0xffff) | ((lo >> 48) << 16) | ((hi & 0xffffffff) << 32);
}

char *lab_monitor_look(const char *dir)
{
	g_autoptr(GString) out = g_string_new(NULL);
	struct mon_look look[2];
	uint64_t idt0;
	GString *line;
	int fd = mon_connect(dir);

	if (fd < 0 || mon_read_prompt(fd, out))
		goto fail;
	for (int i = 0; i < 2; i++) {
		if (i)
			g_usleep(G_USEC_PER_SEC);
		if (mon_command(fd, "info registers -a", out))
			goto fail;
		mon_parse(out->str, &look[i]);
	}
	idt0 = mon_idt0(fd, out);
	close(fd);
	line = g_string_new(NULL);
	mon_format(line, &look[0]);
	g_string_append(line, "; 1 s later: ");
	mon_format(line, &look[1]);
	if (idt0)
		g_string_append_printf(line, " (asm_exc_divide_error at %" PRIx64 ")", idt0);
	return g_string_free(line, FALSE);
fail:
	if (fd >= 0)
		close(fd);
	return NULL;
}
