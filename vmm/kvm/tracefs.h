/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every user of a private tracefs instance needs: the bench's and
 * `vipi run --trace-exits`' (kvm/trace.c) and `vipi watch`'s (watch/tracefs.c).
 */
#ifndef VIPI_KVM_TRACEFS_H
#define VIPI_KVM_TRACEFS_H

/* The tracefs mount that has instances/, or NULL. */
const char *tracefs_root(void);

/* Appends TEXT to DIR's events/kvm/EVENT/trigger: 0 or -errno. */
int tracefs_trigger_write(const char *dir, const char *event, const char *text);

/*
 * Removes ROOT's instances named PREFIX<pid> whose process is gone (killed
 * before its own cleanup), after UNTRIGGER(dir) took their triggers off:
 * an instance with triggers on its events cannot be removed.
 */
void tracefs_remove_stale(const char *root, const char *prefix, void (*untrigger)(const char *dir));

#endif
