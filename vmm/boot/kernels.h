/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest kernels other than the kit's (`vipi run|bench --guest-kernel NAME`):
 * a Debian kernel with vipi.ko, the bench modules and the initramfs images
 * built for it, in BUILD/kernels/RELEASE/ (the kit's layout: vmlinuz,
 * guest.cpio.gz, bench.cpio.gz). guest/kit/guest-kernel.sh fetches and
 * builds; the lab's own kernel stays the kit's (BUILD/guest).
 */
#ifndef VIPI_BOOT_KERNELS_H
#define VIPI_BOOT_KERNELS_H

#include <stdbool.h>

/*
 * The directory of guest kernel NAME (a Debian release, or a short name:
 * amd64, cloud, rt, 6.12, 6.12-cloud, 6.12-rt) into *DIR (g_free), fetched
 * and built first where it is not cached; its progress and the release a
 * short name stands for go to stderr. 0, or -EINVAL for a NAME that names
 * no kernel (after one line listing those that exist), -EOPNOTSUPP for a
 * kernel that lacks what vipi's guests need (one line naming it), -ENOPKG
 * when fetching or building failed, -EINTR when a signal stopped it.
 */
int kernels_find(const char *name, char **dir);

/*
 * The directory for a kernel the user built (`--kernel BZIMAGE --kdir
 * KDIR`): vipi.ko, the bench modules and the images built against the
 * Kbuild tree KDIR, cached per release and hash of the bzImage, .config
 * and Module.symvers. NOHZ: also check what the nohz suite needs. The
 * errors are kernels_find()'s; -EOPNOTSUPP comes after one line naming
 * what is missing (no .config, no Module.symvers, a CONFIG option, a
 * bzImage of another release).
 */
int kernels_build(const char *bzimage, const char *kdir, bool nohz, char **dir);

/* The release of a kernel directory from kernels_find(): its last component. */
const char *kernels_release(const char *dir);

#endif
