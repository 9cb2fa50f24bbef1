/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot suite: vipi and QEMU boot the same kernel and initramfs, whose /init
 * (vmm/bench/guest-boot.sh) runs one command, `reboot -f`, which ends both
 * VMMs. Wall seconds from spawning the VMM to its exit.
 */
#ifndef VIPI_BENCH_BOOT_H
#define VIPI_BENCH_BOOT_H

#include <stdbool.h>

#include "bench/report.h"
#include "bench/suite.h"

/* Adds one boot entry per VMM in VMMS to R: 0, or -errno when one failed or when stopped. */
int bench_boot(const struct bench_opts *o, char **vmms, struct bench_report *r);

#endif
