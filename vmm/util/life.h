/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot watchdog every guest vipi starts has. A guest that has made no
 * port I/O or MMIO exit (the console, PCI config, the PIC: any device) by
 * this many seconds after its start is stuck, and its run fails at once
 * with one line, instead of waiting out --timeout. Seen: Linux's first
 * port I/O comes about 6 s after start in the lab with the other core busy
 * (its decompressor and early boot make none); on real KVM well under 1 s.
 * A /dev/kvm that cannot run the guest at all (PVM's) never gets there.
 */
#ifndef VIPI_UTIL_LIFE_H
#define VIPI_UTIL_LIFE_H

#define VIPI_LIFE_S 60

/*
 * A VMM with firmware (QEMU's SeaBIOS) makes port I/O before the kernel
 * runs, so the QEMU rows also demand that the guest reach its init (the
 * init's first line, or, in the boot suite, the guest's end) by this
 * bound. Seen: the lab's QEMU guest reaches init in about 24 s.
 */
#define VIPI_INIT_S 120

#endif
