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
	LAB_AUTO,   /* the lab where this host's /dev/kvm cannot run a PC guest */
	LAB_NEVER,  /* run on this host's /dev/kvm or fail */
	LAB_ALWAYS, /* use the lab even where /dev/kvm can */
};

/* Where a vipi command runs its guests (lab_place()). */
enum lab_place {
	LAB_PLACE_HOST,	  /* this host's KVM */
	LAB_PLACE_LAB,	  /* a lab machine */
	LAB_PLACE_NOPERM, /* nowhere: /dev/kvm is not ours to open */
	LAB_PLACE_NONE,	  /* nowhere: no usable KVM, and the lab is ruled out */
};

/*
 * Set in the environment of every command a lab machine runs: there, the
 * lab is never chosen again (one vipi command starts at most one lab
 * machine, whatever --lab values it carries).
 */
#define LAB_MACHINE_ENV "VIPI_LAB_MACHINE"

struct lab_config {
	unsigned int cpus;	/* emulated CPUs of the lab machine */
	unsigned int mem_mib;	/* its RAM */
	unsigned int timeout_s; /* 0: none */
	const char *kit_dir;	/* vmlinuz and lab.cpio.gz */
	bool quiet;		/* don't say that timings are emulated */
	const char *why;	/* why the lab: opens the line that says it */
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
/* Whether this process runs inside a lab machine. */
bool lab_machine(void);
/*
 * Where MODE sends a run on this host, decided by hostkvm_check(). *WHY
 * (g_free) is NULL for LAB_PLACE_HOST, else one line: why the lab, or why
 * nowhere. Forks the probe guest: call it before starting threads.
 */
enum lab_place lab_place(enum lab_mode mode, char **why);

/* Runs ARGV in a lab machine; returns its exit status or a VIPI_EXIT_* failure. */
int lab_run(const struct lab_config *cfg, char *const argv[]);
/* Runs ARGV here, as it is (a host whose KVM runs PC guests). */
int lab_run_here(char *const argv[]);

/*
 * Runs this very program again in a lab machine, as "vipi SUBCMD ARGS...",
 * for `vipi run` and `vipi bench` where lab_place() chose the lab.
 */
int lab_reexec(const struct lab_config *cfg, const char *subcmd, int argc, char **argv);

/* The side inside the lab machine: PID 1 after the init script's chroot. */
int lab_guest_main(const char *jobdir);
/* PID 1 of the lab machine: holds KVM's text-patching keys on (pin.c). */
void lab_pin_text(void);

#endif
