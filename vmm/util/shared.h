/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access to memory the VMM shares with code that is not its own: guest RAM
 * (the vipi mailbox of <vipi/abi.h>, which the guest kernel reads and
 * writes at the same time) and a vCPU's kvm_run page (which KVM reads).
 *
 * Why not the C11 atomics that VMM-owned state uses (atomic_ulong,
 * atomic_load_explicit(), ...): the layout of this memory is fixed by an
 * ABI whose fields are plain integers (the kernel compiles abi.h and
 * linux/kvm.h too), and an _Atomic type need not have the size and
 * representation of the plain one. GCC's __atomic builtins work on plain
 * objects with the same memory orders; this header is the only place vipi
 * uses them. The orders each access needs are in docs/abi.md.
 *
 * Locks: VMM-owned state is locked with GLib's GMutex (GRWLock for the I/O
 * dispatcher, which vCPUs read concurrently). The kick path (the poller)
 * takes no lock and allocates nothing.
 */
#ifndef VIPI_UTIL_SHARED_H
#define VIPI_UTIL_SHARED_H

/* A relaxed read or add: values that order nothing else (a magic, a count). */
#define shared_read(p)	 __atomic_load_n((p), __ATOMIC_RELAXED)
#define shared_add(p, n) __atomic_fetch_add((p), (n), __ATOMIC_RELAXED)

/* Sequentially consistent: the handshakes (the kick, the poller's sleep). */
#define shared_store(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define shared_xchg(p, v)  __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
/* A store to shared memory, then loads of it: only a full fence orders that. */
#define shared_fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
