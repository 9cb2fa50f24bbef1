/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vipi watch: the IPI exits of KVM VMs that are already running (a libvirt
 * domain or any VMM process), per vCPU and per interval, from KVM's
 * tracepoints in a private tracefs instance, beside KVM's own exit counter.
 * docs/watch.md.
 *
 *   target.c          a VMM process: its vCPUs, threads, stats fds, QMP socket
 *   target_libvirt.c  a libvirt domain -> its QEMU process; its vCPU stats; its XML
 *   kvmstat.c         KVM's per-vCPU exit counter (stats fds, QMP, libvirt)
 *   tracefs.c         the instance, its hist triggers, reading them
 *   interval.c        two snapshots -> one interval's figures
 *   view.c            the live view, plain lines, the summary
 *   output.c          --json, --csv
 *   estimate.c        what vipi would save (--costs FILE)
 *   advise.c          --advise: the domain's nohz settings beside docs/nohz.md
 */
#ifndef VIPI_WATCH_WATCH_H
#define VIPI_WATCH_WATCH_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct qmp;
struct watch_libvirt;

/* Linux x86 vectors (arch/x86/include/asm/irq_vectors.h). */
#define WATCH_VEC_RESCHEDULE	       0xfd
#define WATCH_VEC_CALL_FUNCTION	       0xfc
#define WATCH_VEC_CALL_FUNCTION_SINGLE 0xfb
#define WATCH_VEC_IRQ_WORK	       0xf6
#define WATCH_VEC_LOCAL_TIMER	       0xec

enum watch_class {
	WATCH_RESCHEDULE,
	WATCH_CALL_FUNCTION,
	WATCH_CALL_FUNCTION_SINGLE,
	WATCH_IRQ_WORK,
	WATCH_TIMER,
	WATCH_OTHER,
	WATCH_CLASSES
};

enum watch_class watch_class_of(unsigned int vector);
const char *watch_class_name(enum watch_class c);

struct watch_vcpu {
	unsigned int id; /* KVM's vcpu_id: the APIC ID under QEMU and vipi */
	pid_t tid;	 /* its thread; 0 until known */
	int stats_fd;	 /* a KVM stats fd copied from the VMM (vipi keeps them), or -1 */
};

struct watch_target {
	pid_t pid;
	char *name;		  /* the domain's name, else the process's comm */
	char *uuid;		  /* libvirt only */
	const char *kind;	  /* "libvirt" or "pid" */
	GArray *vcpus;		  /* struct watch_vcpu, by id */
	GArray *tids;		  /* pid_t: every thread of the process, when found */
	char *qmp_path;		  /* QEMU's QMP socket from its command line, or NULL */
	struct watch_libvirt *lv; /* NULL for --pid */
	struct qmp *qmp;	  /* connected to qmp_path once asked (kvmstat.c) */
};

/*
 * A VMM process PID: its vCPUs from its "kvm-vcpu:N" fds, their threads by
 * name ("CPU N/KVM" for QEMU, "vcpuN" for vipi; others are matched from
 * kvm:kvm_entry later). 0, or -ESRCH (no such process), -ENODEV (no KVM
 * VM in it), -EACCES, each after one line.
 */
int target_from_pid(pid_t pid, struct watch_target **out);
void target_free(struct watch_target *t);
/* Re-reads the thread list; false once the process is gone. */
bool target_alive(struct watch_target *t);
/* The index in t->vcpus of the vCPU with APIC ID APIC, or -1. */
int target_vcpu_index(const struct watch_target *t, unsigned int apic);

/* libvirt (target_libvirt.c). */
int target_from_domain(const char *uri, const char *domain, struct watch_target **out);
/* The domain is still running. */
bool libvirt_domain_running(struct watch_target *t);
/* vcpu.N.exits from virDomainListGetStats; false if libvirt has none. */
bool libvirt_vcpu_exits(struct watch_target *t, guint64 *exits);
/* The domain's live XML; NULL after one line. */
char *libvirt_domain_xml(struct watch_target *t);
void libvirt_close(struct watch_libvirt *lv);

/*
 * KVM's own per-vCPU exit counter for every vCPU of T into EXITS (by
 * index), from whichever source T has; *SOURCE names it. False if none.
 */
bool kvmstat_exits(struct watch_target *t, guint64 *exits, const char **source);

#endif
