/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exit statuses of the vipi command. A guest command's own status (0-255)
 * passes through unchanged, so vipi's own failures use the sysexits(3)
 * range and the timeout(1) convention, which guest commands rarely use.
 */
#ifndef VIPI_UTIL_STATUS_H
#define VIPI_UTIL_STATUS_H

#include <sysexits.h>

enum vipi_status {
	VIPI_OK = 0,
	VIPI_EXIT_USAGE = EX_USAGE,		/* 64: bad command line */
	VIPI_EXIT_BADIMAGE = EX_DATAERR,	/* 65: kernel/initrd is not what it claims */
	VIPI_EXIT_NOINPUT = EX_NOINPUT,		/* 66: missing or unreadable input file */
	VIPI_EXIT_UNAVAILABLE = EX_UNAVAILABLE, /* 69: missing tool (QEMU) or kit */
	VIPI_EXIT_SOFTWARE = EX_SOFTWARE,	/* 70: internal error */
	VIPI_EXIT_OSERR = EX_OSERR,		/* 71: a system call failed */
	VIPI_EXIT_CANTCREAT = EX_CANTCREAT,	/* 73: cannot write an output file */
	VIPI_EXIT_NOPERM = EX_NOPERM,		/* 77: /dev/kvm permission */
	VIPI_EXIT_CONFIG = EX_CONFIG,		/* 78: host cannot do what was asked */
	VIPI_EXIT_TIMEOUT = 124,		/* --timeout expired, as timeout(1) */
	VIPI_EXIT_GUEST_CRASH = 125,		/* guest panic, triple fault, no status */
	VIPI_EXIT_SIGINT = 130,
	VIPI_EXIT_SIGTERM = 143,
};

#endif
