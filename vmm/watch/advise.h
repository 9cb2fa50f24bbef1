/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --advise: a domain's nohz-relevant settings, read from its live XML,
 * side by side with what docs/nohz.md recommends for what was measured.
 */
#ifndef VIPI_WATCH_ADVISE_H
#define VIPI_WATCH_ADVISE_H

#include <stdbool.h>
#include <stdio.h>

#include "watch/estimate.h"
#include "watch/interval.h"

struct advise_settings {
	GPtrArray *vcpupin;  /* "vcpu N: cpuset" strings */
	char *emulatorpin;   /* cpuset, NULL: none */
	char *vcpu_cpuset;   /* <vcpu cpuset>: every unpinned vCPU's and the emulator's default */
	bool auto_placement; /* <vcpu placement='auto'>: numad chooses the CPUs */
	char *hint_dedicated, *pv_ipi, *poll_control; /* state='on|off', NULL: unset */
	bool cpu_pm;	    /* -overcommit ...cpu-pm=on in qemu:commandline */
	char *halt_poll_ns; /* the host's kvm.halt_poll_ns, NULL: unreadable */
	unsigned int vcpus; /* <vcpu> */
};

/* Parses a domain XML; false on malformed XML. */
bool advise_parse(const char *xml, struct advise_settings *s);
void advise_clear(struct advise_settings *s);

/* The table: each setting, its value, what the measurement suggests. */
void advise_print(FILE *f, const struct advise_settings *s, const struct watch_interval *iv,
		  const struct watch_costs *costs);

#endif
