// SPDX-License-Identifier: GPL-2.0-only
/*
 * File side of the boot: reads the kernel and initrd straight into guest
 * RAM (no host copy, so the VMM's RSS stays guest RAM plus a little), and
 * writes the tables the pure functions in this directory build.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/boot.h"
#include "boot/load.h"
#include "kvm/vm.h"
#include "util/vipi_config.h"
#include "util/log.h"

#define MIB ((uint64_t)1 << 20)

static int boot_open(const char *what, const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return pr_errno(-errno, "%s %s", what, path);
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pr_err("%s %s: not a regular file", what, path);
		close(fd);
		return -EINVAL;
	}
	*size = st.st_size;
	return fd;
}

/* Reads LEN bytes at OFF of FD to guest-physical GPA. */
static int boot_read_to_guest(struct vm *vm, int fd, uint64_t off, uint64_t gpa, uint64_t len,
			      const char *what)
{
	uint8_t *dst = vm_gpa_to_hva(vm, gpa, len);

	if (!dst) {
		pr_err("%s does not fit in guest RAM", what);
		return -EFBIG;
	}
	while (len) {
		ssize_t n = pread(fd, dst, len, off);

		if (n <= 0) {
			if (n)
				return pr_errno(-errno, "%s: read failed", what);
			pr_err("%s: read failed: file shrank", what);
			return -EIO;
		}
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int boot_read_header(const char *path, uint8_t *hdr, size_t *len, uint64_t *size,
			    struct bzimage_info *info)
{
	const char *why = NULL;
	ssize_t n;
	int fd = boot_open("kernel", path, size);

	if (fd < 0)
		return fd;
	n = pread(fd, hdr, BZIMAGE_HDR_LEN, 0);
	if (n < 0) {
		n = pr_errno(-errno, "kernel %s", path);
		close(fd);
		return n;
	}
	*len = n;
	if (bzimage_parse(hdr, n, *size, info, &why)) {
		pr_err("kernel %s: %s", path, why);
		close(fd);
		return -ENOEXEC;
	}
	return fd;
}

/*
 * Where the initrd of SIZE bytes (our command archive included) goes, or
 * -EFBIG after one line when it does not fit beside the kernel.
 */
static int boot_initrd_place(const struct vipi_config *cfg, const struct bzimage_info *info,
			     uint64_t avoid_end, uint64_t total, uint64_t *gpa)
{
	if (!initrd_place(boot_low_ram_end(cfg->ram_size), info->initrd_addr_max, avoid_end, total,
			  gpa))
		return 0;
	pr_err("initrd %s (%" G_GUINT64_FORMAT " MiB) does not fit in %" G_GUINT64_FORMAT
	       " MiB of guest RAM beside the kernel; raise --mem",
	       cfg->initrd, (total + MIB - 1) / MIB, cfg->ram_size / MIB);
	return -EFBIG;
}

/* The kernel decompresses itself to 16 MiB and needs init_size there. */
static int boot_kernel_end(const struct vipi_config *cfg, const struct bzimage_info *info,
			   uint64_t *run_end)
{
	*run_end = MAX(BOOT_KERNEL_GPA + info->kernel_size, BOOT_KERNEL_RUN_GPA + info->init_size);
	if (*run_end <= boot_low_ram_end(cfg->ram_size))
		return 0;
	pr_err("kernel needs %" G_GUINT64_FORMAT " MiB of guest RAM; raise --mem",
	       (*run_end + MIB - 1) / MIB);
	return -EFBIG;
}

/*
 * What follows the initrd: with shares, the kit's virtio-fs modules
 * (virtiofs.cpio.gz, a complete archive, when the kernel has one) and the
 * list of shares; the command and where it runs. The kernel unpacks each
 * archive in turn, compressed or not, at 4-byte aligned offsets.
 */
static GByteArray *boot_extra(const struct vipi_config *cfg)
{
	static const uint8_t zero[4];
	g_autoptr(GString) shares = g_string_new(NULL);
	g_autofree char *mods = NULL;
	GByteArray *a = g_byte_array_new(), *files;
	gsize len;

	if (!cfg->cmd && !cfg->nr_shares)
		return a;
	if (cfg->nr_shares && cfg->fs_modules &&
	    g_file_get_contents(cfg->fs_modules, &mods, &len, NULL)) {
		g_byte_array_append(a, (const uint8_t *)mods, len);
		g_byte_array_append(a, zero, (4 - (len & 3)) & 3);
	}
	for (unsigned int i = 0; i < cfg->nr_shares; i++) {
		g_string_append_printf(shares, VIPI_SHARE_TAG_FMT, i);
		g_string_append_printf(shares, " %s %s\n", cfg->shares[i].writable ? "rw" : "ro",
				       cfg->shares[i].guest);
	}
	files = cpio_run_files(cfg->cmd, cfg->nr_shares ? shares->str : NULL, cfg->cwd);
	g_byte_array_append(a, files->data, files->len);
	g_byte_array_unref(files);
	return a;
}

/* Size of the initrd file, padded, plus the command archive. */
static uint64_t boot_initrd_total(uint64_t size, const GByteArray *extra)
{
	/*
	 * The kernel looks for the next archive's magic only at a 4-byte
	 * aligned offset: the image is padded with zeros (which it skips).
	 */
	return size + ((4 - (size & 3)) & 3) + extra->len;
}

int boot_check(const struct vipi_config *cfg)
{
	g_autoptr(GByteArray) extra = NULL;
	uint8_t hdr[BZIMAGE_HDR_LEN];
	struct bzimage_info info;
	uint64_t size, run_end, gpa;
	size_t len;
	int fd, r;

	fd = boot_read_header(cfg->kernel, hdr, &len, &size, &info);
	if (fd < 0)
		return fd;
	close(fd);
	r = boot_kernel_end(cfg, &info, &run_end);
	if (r || !cfg->initrd)
		return r;
	fd = boot_open("initrd", cfg->initrd, &size);
	if (fd < 0)
		return fd;
	close(fd);
	extra = boot_extra(cfg);
	return boot_initrd_place(cfg, &info, run_end, boot_initrd_total(size, extra), &gpa);
}

static int boot_initrd(struct vm *vm, const struct vipi_config *cfg,
		       const struct bzimage_info *info, uint64_t avoid_end, uint64_t *gpa,
		       uint64_t *total)
{
	g_autoptr(GByteArray) extra = boot_extra(cfg);
	uint64_t size, pad;
	uint8_t *dst;
	int fd, r;

	fd = boot_open("initrd", cfg->initrd, &size);
	if (fd < 0)
		return fd;
	pad = (4 - (size & 3)) & 3;
	*total = boot_initrd_total(size, extra);
	r = boot_initrd_place(cfg, info, avoid_end, *total, gpa);
	if (r) {
		close(fd);
		return r;
	}
	r = boot_read_to_guest(vm, fd, 0, *gpa, size, "initrd");
	close(fd);
	if (r)
		return r;
	/* A second archive right after the first: the kernel unpacks both. */
	dst = vm_gpa_to_hva(vm, *gpa + size, pad + extra->len);
	if (dst) {
		memset(dst, 0, pad);
		memcpy(dst + pad, extra->data, extra->len);
	}
	return 0;
}

static int boot_tables(struct vm *vm, const struct vipi_config *cfg, const uint8_t *hdr,
		       const struct bzimage_info *info, uint64_t initrd_gpa, uint64_t initrd_size)
{
	struct boot_e820 e820[E820_MAX];
	uint8_t *low = vm_gpa_to_hva(vm, 0, 0x100000);
	size_t cmdlen = strlen(cfg->cmdline);
	uint32_t cmdmax = info->cmdline_size ? info->cmdline_size : 255;
	struct zeropage_args za = { .hdr = hdr, .info = info, .e820 = e820 };

	if (!low) {
		pr_err("no guest RAM below 1 MiB");
		return -EFAULT;
	}
	if (cmdlen > cmdmax || cmdlen >= BOOT_CMDLINE_MAX) {
		pr_err("kernel command line is %zu bytes; this kernel takes %u", cmdlen, cmdmax);
		return -E2BIG;
	}
	memcpy(low + BOOT_CMDLINE_GPA, cfg->cmdline, cmdlen + 1);
	za.cmdline_gpa = BOOT_CMDLINE_GPA;
	za.cmdline_len = cmdlen;
	za.initrd_gpa = initrd_gpa;
	za.initrd_size = initrd_size;
	za.nr_e820 = e820_build(cfg->ram_size, e820, E820_MAX);
	za.acpi_rsdp_gpa = BOOT_ACPI_GPA;
	if (zeropage_build(low + BOOT_ZEROPAGE_GPA, &za)) {
		pr_err("zero page: the boot header does not describe it");
		return -EFAULT; /* bzimage_parse() accepted it: a bug */
	}
	if (!mptable_build(low + BOOT_MPTABLE_GPA, BOOT_MPTABLE_MAX, BOOT_MPTABLE_GPA,
			   cfg->nr_cpus)) {
		pr_err("MP table: cannot describe %u vCPUs", cfg->nr_cpus);
		return -EFBIG;
	}
	/* Both: kernels without CONFIG_X86_MPPARSE read ACPI, acpi=off the MP table. */
	if (!acpi_build(low + BOOT_ACPI_GPA, BOOT_ACPI_MAX, BOOT_ACPI_GPA, cfg->nr_cpus)) {
		pr_err("ACPI tables: cannot describe %u vCPUs", cfg->nr_cpus);
		return -EFBIG;
	}
	boot_pagetables(low);
	boot_gdt(low);
	return 0;
}

int boot_load(struct vm *vm, const struct vipi_config *cfg)
{
	uint8_t hdr[BZIMAGE_HDR_LEN];
	struct bzimage_info info;
	uint64_t size, run_end, initrd_gpa = 0, initrd_size = 0;
	size_t hdrlen;
	int fd, r;

	fd = boot_read_header(cfg->kernel, hdr, &hdrlen, &size, &info);
	if (fd < 0)
		return fd;
	r = boot_kernel_end(cfg, &info, &run_end);
	if (r) {
		close(fd);
		return r;
	}
	r = boot_read_to_guest(vm, fd, info.kernel_off, BOOT_KERNEL_GPA, info.kernel_size,
			       "kernel");
	close(fd);
	if (r)
		return r;
	if (cfg->initrd) {
		r = boot_initrd(vm, cfg, &info, run_end, &initrd_gpa, &initrd_size);
		if (r)
			return r;
	}
	return boot_tables(vm, cfg, hdr, &info, initrd_gpa, initrd_size);
}
