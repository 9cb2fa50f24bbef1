/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exit statuses of the vipi command, decided here in vmm/cli and nowhere
 * else: everything below returns -errno (after one line saying what failed)
 * or an outcome, and cli_status() turns an -errno into a status. A guest
 * command's own status (0-255) passes through unchanged, so vipi's own
 * failures use the sysexits(3) range and the timeout(1) convention, which
 * guest commands rarely use.
 */
#ifndef VIPI_CLI_STATUS_H
#define VIPI_CLI_STATUS_H

#include <sysexits.h>

enum vipi_status {
	VIPI_OK = 0,
	VIPI_EXIT_USAGE = EX_USAGE,		/* 64: bad command line */
	VIPI_EXIT_BADIMAGE = EX_DATAERR,	/* 65: kernel/initrd is not what it claims */
	VIPI_EXIT_NOINPUT = EX_NOINPUT,		/* 66: missing or unreadable input file */
	VIPI_EXIT_UNAVAILABLE = EX_UNAVAILABLE, /* 69: no KVM, missing tool (QEMU) or kit */
	VIPI_EXIT_SOFTWARE = EX_SOFTWARE,	/* 70: internal error */
	VIPI_EXIT_OSERR = EX_OSERR,		/* 71: a system call failed */
	VIPI_EXIT_CANTCREAT = EX_CANTCREAT,	/* 73: cannot write an output file */
	VIPI_EXIT_NOPERM = EX_NOPERM,		/* 77: /dev/kvm permission */
	VIPI_EXIT_CONFIG = EX_CONFIG,		/* 78: host cannot do what was asked */
	VIPI_EXIT_TIMEOUT = 124,		/* --timeout expired, as timeout(1) */
	VIPI_EXIT_GUEST_CRASH = 125,		/* guest panic, triple fault, no status */
	VIPI_EXIT_SIGHUP = 129,			/* 128 + the signal, as a shell reports it */
	VIPI_EXIT_SIGINT = 130,
	VIPI_EXIT_SIGTERM = 143,
};

/*
 * What vipi was doing when an -errno came back: the same errno means a
 * different thing for the kernel file (66) than for /dev/kvm (69, 77, 71).
 */
enum cli_stage {
	CLI_STAGE_INPUT,   /* reading the kernel and the initrd into place */
	CLI_STAGE_KVM,	   /* /dev/kvm, the VM, its vCPUs and their threads */
	CLI_STAGE_DEVICES, /* bringing up the machine's devices */
	CLI_STAGE_SYSTEM,  /* a system call of vipi's own (signals, /proc) */
	CLI_STAGE_OUTPUT,  /* writing a report, or the lab's job directory */
	CLI_STAGE_KERNEL,  /* finding, fetching, building a --guest-kernel */
};

/*
 * The exit status for ERR (-errno, not 0) in STAGE. Some errnos mean the
 * same in every stage; vmm/ returns them for exactly that:
 *   -EFAULT      70  vipi's own data is inconsistent: a bug
 *   -ENOEXEC     65  the kernel is not a bootable bzImage
 *   -EOPNOTSUPP  78  the host's KVM cannot do what was asked
 *   -EFBIG       78  the kernel or initrd does not fit in --mem
 *   -ENOPKG      69  a tool (QEMU) or the guest kit is missing
 * and in CLI_STAGE_KERNEL -EINVAL (64) is a name that names no kernel,
 * -EINTR (130) a ^C while fetching; -EOPNOTSUPP (78) a kernel that lacks
 * what vipi's guests need.
 */
int cli_status(enum cli_stage stage, int err);

/* The status for a run that SIGHUP, SIGINT or SIGTERM ended. */
int cli_signal_status(int sig);

#endif
