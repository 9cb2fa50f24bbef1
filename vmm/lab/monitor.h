/* SPDX-License-Identifier: GPL-2.0-only */
/* A look at a running lab machine's CPUs through its QEMU monitor. */
#ifndef VIPI_LAB_MONITOR_H
#define VIPI_LAB_MONITOR_H

/* In the job's directory: QEMU's QMP socket (-qmp unix:...). */
#define LAB_MONITOR_SOCK "qmp.sock"

/*
 * Two looks, a second apart, at the CPUs of the lab machine whose job
 * directory is DIR, on one line (g_free): "N rip=R cpl=C hlt=H, ...; 1 s
 * later: ..." and the address of asm_exc_divide_error (KASLR's slide); NULL
 * when the monitor did not answer within 3 s.
 */
char *lab_monitor_look(const char *dir);

#endif
