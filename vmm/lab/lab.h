/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lab: a machine with a real /dev/kvm where the host has none. QEMU's TCG
 * emulator boots the kit's Debian kernel with nested SVM, loads kvm-amd,
 * mounts the host's root over 9p and runs one command there, in the caller's
 * working directory, with its output streamed back and its status returned.
 * Exit counts of KVM inside are exact; timings are emulated.
 */
#ifndef VIPI_LAB_LAB_H
#define VIPI_LAB_LAB_H

#include <stdbool.h>

enum lab_mode {
	LAB_AUTO,   /* use the lab only where /dev/kvm is absent */
	LAB_NEVER,  /* run on this host's /dev/kvm or fail */
	LAB_ALWAYS, /* use the lab even where /dev/kvm exists */
};

struct lab_config {
	unsigned int cpus;	/* emulated CPUs of the lab machine */
	unsigned int mem_mib;	/* its RAM */
	unsigned int timeout_s; /* 0: none */
	const char *kit_dir;	/* vmlinuz and lab.cpio.gz */
	bool quiet;		/* don't say that timings are emulated */
	/*
	 * 0: SIGINT/SIGTERM stop the lab machine at once. Otherwise the
	 * signal is passed on to the command, which has this long to finish
	 * (e.g. to write partial results) before the machine is stopped; a
	 * second signal stops it at once.
	 */
	unsigned int signal_grace_s;
};

#define LAB_DEFAULT_CPUS    2
#define LAB_DEFAULT_MEM_MIB 2048
#define LAB_MAX_CPUS	    16
#define LAB_MIN_MEM_MIB	    256
#define LAB_MAX_MEM_MIB	    16384

void lab_config_init(struct lab_config *cfg);
bool lab_mode_parse(const char *s, enum lab_mode *mode);
bool lab_host_has_kvm(void);
/* True when MODE asks for the lab on this host. */
bool lab_wanted(enum lab_mode mode);

/* Runs ARGV in the lab; returns its exit status or a VIPI_EXIT_* failure. */
int lab_run(const struct lab_config *cfg, char *const argv[]);

/*
 * Runs this very program again inside the lab, as "vipi SUBCMD --lab=never
 * ARGS...", for `vipi run` and `vipi bench` on hosts without /dev/kvm.
 */
int lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv);

/* The side inside the lab machine: PID 1 after the init script's chroot. */
int lab_guest_main(const char *jobdir);
/* PID 1 of the lab machine: holds KVM's text-patching keys on (pin.c). */
void lab_pin_text(void);

#endif
