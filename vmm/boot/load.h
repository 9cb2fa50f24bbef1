/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading a bzImage, its initrd and the boot tables into a VM's RAM. */
#ifndef VIPI_BOOT_LOAD_H
#define VIPI_BOOT_LOAD_H

struct vm;
struct vipi_config;

/*
 * Everything the BSP needs before its first KVM_RUN (except registers).
 * Returns 0 or -errno after one error line: the file's own errno, -ENOEXEC
 * (not a bootable bzImage), -EFBIG (does not fit in the RAM), -E2BIG (the
 * command line is longer than the kernel takes), -EFAULT (a bug of ours).
 */
int boot_load(struct vm *vm, const struct vipi_config *cfg);

/*
 * What boot_load() checks before it touches the VM (CFG's kernel, initrd,
 * command and RAM): the kernel is a
 * readable bzImage that fits in the RAM, the initrd (with the command's
 * archive) is a readable file that fits beside it. For early errors, before
 * /dev/kvm or the lab. Returns 0 or -errno (as boot_load()) after one line.
 */
int boot_check(const struct vipi_config *cfg);

#endif
