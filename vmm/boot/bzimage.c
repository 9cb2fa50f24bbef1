// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bzImage header check. We only use the 64-bit entry point, so the
 * kernel must speak boot protocol 2.12 or later and set XLF_KERNEL_64.
 */
#include <string.h>

#include <errno.h>

#include "boot/boot.h"

#define HDR_SETUP_SECTS	    0x1f1
#define HDR_SYSSIZE	    0x1f4
#define HDR_BOOT_FLAG	    0x1fe
#define HDR_JUMP	    0x200
#define HDR_MAGIC	    0x202
#define HDR_VERSION	    0x206
#define HDR_LOADFLAGS	    0x211
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_XLOADFLAGS	    0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_INIT_SIZE	    0x260
/* The last field we read; protocol 2.12 headers reach further. */
#define HDR_MIN_LEN 0x264

#define LOADED_HIGH   0x01
#define XLF_KERNEL_64 0x01
#define MIN_VERSION   0x020c

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bzimage_info *info,
		  const char **why)
{
	unsigned int sects;
	uint64_t syssize;

	memset(info, 0, sizeof(*info));
	/* Up to and including the protocol version, read before HDR_MIN_LEN is checked. */
	if (len < HDR_VERSION + 2 || file_size < len)
		return bad(why, "truncated: shorter than a boot sector and header");
	if (memcmp(buf + HDR_MAGIC, "HdrS", 4))
		return bad(why, "not a bzImage (no \"HdrS\" at 0x202)");
	if (get16(buf + HDR_BOOT_FLAG) != 0xaa55)
		return bad(why, "not a bzImage (no 0xAA55 boot flag)");
	info->version = get16(buf + HDR_VERSION);
	if (info->version < MIN_VERSION)
		return bad(why, "boot protocol older than 2.12 (no 64-bit entry)");
	if (len < HDR_MIN_LEN)
		return bad(why, "truncated in the setup header");
	if (!(buf[HDR_LOADFLAGS] & LOADED_HIGH))
		return bad(why, "not a bzImage (a zImage loads low)");
	if (!(get16(buf + HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return bad(why, "no 64-bit entry point (XLF_KERNEL_64 clear)");

	/* setup_sects 0 means 4, for historical reasons. */
	sects = buf[HDR_SETUP_SECTS] ? buf[HDR_SETUP_SECTS] : 4;
	info->setup_size = (size_t)(sects + 1) * 512;
	info->kernel_off = info->setup_size;
	if (file_size <= info->setup_size)
		return bad(why, "truncated: no protected-mode kernel after the setup code");
	info->kernel_size = file_size - info->setup_size;
	syssize = (uint64_t)get32(buf + HDR_SYSSIZE) * 16;
	if (!syssize || syssize > info->kernel_size)
		return bad(why, "truncated: the kernel is shorter than its header says");
	if (info->kernel_size > 512 << 20)
		return bad(why, "kernel larger than 512 MiB");

	info->hdr_end = HDR_JUMP + 2 + buf[HDR_JUMP + 1];
	if (info->hdr_end > len || info->hdr_end > ZP_E820_TABLE)
		return bad(why, "setup header extends past its area");
	info->init_size = get32(buf + HDR_INIT_SIZE);
	info->initrd_addr_max = get32(buf + HDR_INITRD_ADDR_MAX);
	info->cmdline_size = get32(buf + HDR_CMDLINE_SIZE);
	if (!info->init_size)
		return bad(why, "header gives no init_size");
	return 0;
}
