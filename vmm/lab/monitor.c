// SPDX-License-Identifier: GPL-2.0-only
/*
 * A look at a lab machine's CPUs through its QEMU's QMP socket
 * (JOBDIR/qmp.sock; the human monitor's commands through
 * human-monitor-command), taken when a timeout is about to stop the machine.
 * Two looks a second apart tell a machine that stalled itself (its CPUs busy
 * at the same kernel RIPs, in int3 loops: docs/lab.md, "A lab machine that
 * stalls") from one whose job was only waiting (its CPUs halted, HLT=1).
 * The address of the IDT's entry 0 (asm_exc_divide_error) gives KASLR's
 * slide: with the System.map of the kernel's -dbg package (Debian's own
 * System.map is a stub) each kernel RIP can then be named (docs/lab.md).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "lab/monitor.h"
#include "util/qmp.h"

/* A stalled machine's QEMU still answers: its main loop is not the CPUs'. */
#define MON_WAIT_MS 3000
/* LAB_MAX_CPUS and the machine's own CPU 0, with room to spare. */
#define MON_MAX_CPUS 64
/* The read-only IDT of the cpu_entry_area (x86-64, Linux 4.15 and later). */
#define MON_IDT "fffffe0000000000"

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
static uint64_t mon_idt0(struct qmp *q)
{
	g_autofree char *out = qmp_hmp(q, "x/2gx 0x" MON_IDT, NULL);
	const char *p = out ? strstr(out, MON_IDT ":") : NULL;
	uint64_t lo, hi;
	char *end;

	if (!p)
		return 0;
	lo = g_ascii_strtoull(p + strlen(MON_IDT ":"), &end, 16);
	hi = g_ascii_strtoull(end, NULL, 16);
	return (lo & 0xffff) | ((lo >> 48) << 16) | ((hi & 0xffffffff) << 32);
}

char *lab_monitor_look(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, LAB_MONITOR_SOCK, NULL);
	struct qmp *q = qmp_connect(path, MON_WAIT_MS, NULL);
	struct mon_look look[2];
	uint64_t idt0;
	GString *line;

	if (!q)
		return NULL;
	for (int i = 0; i < 2; i++) {
		g_autofree char *regs = NULL;

		if (i)
			g_usleep(G_USEC_PER_SEC);
		regs = qmp_hmp(q, "info registers -a", NULL);
		if (!regs) {
			qmp_close(q);
			return NULL;
		}
		mon_parse(regs, &look[i]);
	}
	idt0 = mon_idt0(q);
	qmp_close(q);
	line = g_string_new(NULL);
	mon_format(line, &look[0]);
	g_string_append(line, "; 1 s later: ");
	mon_format(line, &look[1]);
	if (idt0)
		g_string_append_printf(line, " (asm_exc_divide_error at %" PRIx64 ")", idt0);
	return g_string_free(line, FALSE);
}
