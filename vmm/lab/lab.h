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
	 * 0: SIGINT/SIGTERM/SIGHUP stop the lab machine at once. Otherwise the
	 * signal is passed on to the command, which has this long to finish
	 * (e.g. to write partial results) before the machine is stopped; a
	 * second signal stops it at once.
	 */
	unsigned int signal_grace_s;
	/*
	 * Our stdin is a terminal for an interactive command: its keys reach
	 * the command's stdin, the machine's ttyS1 in raw mode, and the
	 * terminal is raw while the command runs (console.h).
	 */
	bool console;
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

/* How a lab machine ended (lab_run()); vmm/cli makes it an exit status. */
enum lab_end {
	LAB_END_EXITED,	  /* the command exited: lab_result.status is its status */
	LAB_END_NOSTATUS, /* the machine stopped without the command's status */
	LAB_END_NOQEMU,	  /* QEMU was forked but could not be executed */
	LAB_END_NOSPAWN,  /* QEMU could not be forked, or its log not created */
	LAB_END_NOSTART,  /* twice, the machine did not start the command in time */
	LAB_END_TIMEOUT,  /* cfg.timeout_s expired: the machine was stopped */
	LAB_END_SIGNAL,	  /* SIGINT/SIGTERM/SIGHUP (lab_result.signal) stopped the machine */
};

struct lab_result {
	enum lab_end end;
	int status; /* LAB_END_EXITED: the command's exit status */
	int signal; /* LAB_END_SIGNAL */
};

/*
 * Runs ARGV in a lab machine: 0 with *RES saying how it ended (every end but
 * LAB_END_EXITED after one line on why), or -errno after one line when no
 * machine ran: -ENOPKG for no QEMU or an incomplete kit, else the job
 * directory's errno.
 */
int lab_run(const struct lab_config *cfg, char *const argv[], struct lab_result *res);

/*
 * The side inside the lab machine: PID 1 after the init script's chroot.
 * lab_guest_run() runs the job in JOBDIR: 0 with its wait status in
 * *WSTATUS, or -errno after one line (-EFAULT: the job is incomplete).
 * lab_guest_finish() records STATUS for the host and reboots.
 */
int lab_guest_run(const char *jobdir, int *wstatus);
void lab_guest_finish(const char *jobdir, int status);
/* PID 1 of the lab machine: holds KVM's text-patching keys on (pin.c). */
void lab_pin_text(void);
/*
 * Writes TEXT to a kernel file (sysfs, tracefs, cgroupfs) in place, in one
 * write: 0 or -errno (-EIO for a short write). Not g_file_set_contents(),
 * whose temporary file and rename these file systems refuse.
 */
int lab_sysfs_write(const char *path, const char *text);

#endif
