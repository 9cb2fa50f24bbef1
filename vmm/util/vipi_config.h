/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One run's configuration, as kvmtool's struct kvm_config: `vipi run`'s
 * option parser (vmm/cli) fills it once, and every part of the VMM it sets
 * up reads it: vmm/kvm (the machine), vmm/boot (what it boots),
 * vmm/devices (its devices). Nothing below vmm/cli writes it.
 */
#ifndef VIPI_UTIL_VIPI_CONFIG_H
#define VIPI_UTIL_VIPI_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "kvm/exits.h"
#include "lab/lab.h"

/*
 * One virtio-fs share (devices/virtio_fs.c): a host directory the guest
 * mounts at GUEST under the tag VIPI_SHARE_TAG_FMT with the share's index.
 * --rootfs is share 0 when given (GUEST "/", read-only), then each --rwdir.
 */
struct vipi_share {
	char *host;  /* absolute, checked to be a directory (writable for --rwdir) */
	char *guest; /* absolute, in the guest's root */
	bool writable;
};
#define VIPI_SHARE_TAG_FMT "vipifs%u"
#define VIPI_MAX_SHARES	   8
/* In a kernel's kit directory: its virtio-fs modules (guest/meson.build). */
#define VIPI_FS_MODULES "virtiofs.cpio.gz"

struct vipi_config {
	/* The machine: vm_create(), vcpu_create_all(). */
	unsigned int nr_cpus;	   /* --cpus */
	uint64_t ram_size;	   /* --mem, in bytes */
	bool pv_ipi;		   /* --pv-ipi: KVM's PV IPIs in the guest's CPUID */
	struct exits_config exits; /* --disable-exits, --halt-poll-ns */
	bool trace_exits;	   /* --trace-exits */

	/* What it boots: boot_check(), boot_load(). */
	char *kernel;	    /* --kernel, or the kit's or --guest-kernel's */
	char *initrd;	    /* --initrd, or the kit's or --guest-kernel's */
	char *guest_kernel; /* --guest-kernel as typed (boot/kernels.h); NULL: the kit's */
	char *kdir;	    /* --kdir: --kernel's Kbuild tree, its modules built there */
	char *cmdline;	    /* the kernel's command line, --append included */
	char **cmd;	    /* the guest command (not owned); NULL: a shell on the console */

	/* Its devices: devices_init(). */
	bool vipi;		   /* --vipi: the vipi PCI device */
	unsigned int vipi_spin_us; /* --vipi-spin-us */
	int vipi_poller_cpu;	   /* --vipi-poller-cpu; -1: not pinned */
	bool verbose;		   /* --verbose: the guest console on stderr, and more */
	bool timing;		   /* --timing: say when the guest command starts */
	struct vipi_share shares[VIPI_MAX_SHARES]; /* --rootfs, then --rwdir */
	unsigned int nr_shares;
	bool rootfs;	  /* --rootfs: shares[0] is the guest's root */
	char *cwd;	  /* --rootfs: the command's working directory, the caller's */
	char *fs_modules; /* the kernel's virtio-fs modules as an archive (virtiofs.cpio.gz) */
	/*
	 * Where ttyS0-2 (the console, the command's stdout and stderr) write;
	 * -1: nowhere. From CMD and --verbose: without a command the console is
	 * the terminal, with one it only feeds the crash reason.
	 */
	int serial_fds[3];

	/* The run itself: vmm/cli. */
	gint64 t0_us;		/* vipi's start: --timing, --timeout, the watchdog */
	unsigned int timeout_s; /* --timeout; 0: none */
	char *stats_path;	/* --stats */
	enum lab_mode lab;	/* --lab */

	/* Its threads (util/sandbox.h). */
	bool sandbox;	    /* --sandbox: each thread confines itself before the first KVM_RUN */
	bool sandbox_probe; /* --sandbox-probe (hidden): vCPU 0 makes a forbidden call */
};

#endif
