// SPDX-License-Identifier: GPL-2.0-only
/* bzImage header checks: the real kit kernel, and crafted bad images. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "boot/boot.h"

/* A minimal header that passes: protocol 2.15, 64-bit entry, 4 setup sectors. */
static void make_header(uint8_t *buf, size_t len)
{
	memset(buf, 0, len);
	buf[0x1f1] = 4;			      /* setup_sects */
	buf[0x1f4] = 0x00, buf[0x1f5] = 0x10; /* syssize 0x1000 paragraphs = 64 KiB */
	buf[0x1fe] = 0x55, buf[0x1ff] = 0xaa;
	buf[0x200] = 0xeb, buf[0x201] = 0x66; /* jump: header ends at 0x268 */
	memcpy(buf + 0x202, "HdrS", 4);
	buf[0x206] = 0x0f, buf[0x207] = 0x02; /* 2.15 */
	buf[0x211] = 0x01;		      /* LOADED_HIGH */
	buf[0x22c] = 0xff, buf[0x22d] = 0xff, buf[0x22e] = 0xff, buf[0x22f] = 0x7f;
	buf[0x236] = 0x03;		      /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	buf[0x238] = 0xff, buf[0x239] = 0x07; /* cmdline_size 2047 */
	buf[0x260] = 0x00, buf[0x262] = 0x40; /* init_size 4 MiB */
}

static int parse(const uint8_t *buf, size_t len, uint64_t size, const char **why)
{
	struct bzimage_info info;

	return bzimage_parse(buf, len, size, &info, why);
}

static void test_crafted_ok(void)
{
	uint8_t buf[BZIMAGE_HDR_LEN];
	struct bzimage_info info;
	const char *why = NULL;

	make_header(buf, sizeof(buf));
	g_assert_cmpint(bzimage_parse(buf, sizeof(buf), 5 * 512 + 0x10000, &info, &why), ==, 0);
	g_assert_cmpuint(info.kernel_off, ==, 5 * 512);
	g_assert_cmpuint(info.kernel_size, ==, 0x10000);
	g_assert_cmpuint(info.version, ==, 0x20f);
	g_assert_cmpuint(info.hdr_end, ==, 0x268);
	g_assert_cmpuint(info.init_size, ==, 4 << 20);
	g_assert_cmpuint(info.cmdline_size, ==, 2047);
}

static void test_real_kernel(void)
{
	const char *build = g_getenv("VIPI_BUILD");
	g_autofree char *path = NULL;
	g_autofree char *data = NULL;
	struct bzimage_info info;
	const char *why = NULL;
	gsize size;

	if (!build) {
		g_test_skip("VIPI_BUILD not set (run through meson test)");
		return;
	}
	path = g_build_filename(build, "guest", "vmlinuz", NULL);
	if (!g_file_get_contents(path, &data, &size, NULL)) {
		g_test_skip("no kit kernel (make kit)");
		return;
	}
	g_assert_cmpint(
		bzimage_parse((uint8_t *)data, MIN(size, BZIMAGE_HDR_LEN), size, &info, &why), ==,
		0);
	g_assert_cmpuint(info.version, >=, 0x20c);
	g_assert_cmpuint(info.kernel_off + info.kernel_size, ==, size);
	g_assert_cmpuint(info.init_size, >, info.kernel_size);
	/* The same file cut short is refused as truncated. */
	g_assert_cmpint(bzimage_parse((uint8_t *)data, BZIMAGE_HDR_LEN, size / 2, &info, &why), ==,
			-ENOEXEC);
	g_assert_nonnull(strstr(why, "truncated"));
}

static void test_truncated(void)
{
	uint8_t buf[BZIMAGE_HDR_LEN];
	const char *why = NULL;

	make_header(buf, sizeof(buf));
	/* Shorter than the header itself. */
	g_assert_cmpint(parse(buf, 0x100, 0x100, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "truncated"));
	/* Header only, no kernel after the setup sectors. */
	g_assert_cmpint(parse(buf, sizeof(buf), 5 * 512, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "truncated"));
	/* Less kernel than syssize says. */
	g_assert_cmpint(parse(buf, sizeof(buf), 5 * 512 + 0x8000, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "truncated"));
}

static void test_not_bzimage(void)
{
	uint8_t buf[BZIMAGE_HDR_LEN];
	const char *why = NULL;

	make_header(buf, sizeof(buf));
	memcpy(buf + 0x202, "ELF!", 4);
	g_assert_cmpint(parse(buf, sizeof(buf), 1 << 20, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "not a bzImage"));

	make_header(buf, sizeof(buf));
	buf[0x1fe] = 0;
	g_assert_cmpint(parse(buf, sizeof(buf), 1 << 20, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "not a bzImage"));

	memset(buf, 0x41, sizeof(buf)); /* a text file */
	g_assert_cmpint(parse(buf, sizeof(buf), 1 << 20, &why), ==, -ENOEXEC);
}

static void test_old_protocol(void)
{
	uint8_t buf[BZIMAGE_HDR_LEN];
	const char *why = NULL;

	make_header(buf, sizeof(buf));
	buf[0x206] = 0x0b; /* 2.11: no 64-bit entry in the protocol */
	g_assert_cmpint(parse(buf, sizeof(buf), 1 << 20, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "older than 2.12"));

	make_header(buf, sizeof(buf));
	buf[0x236] = 0; /* new protocol, but a 32-bit-only kernel */
	g_assert_cmpint(parse(buf, sizeof(buf), 1 << 20, &why), ==, -ENOEXEC);
	g_assert_nonnull(strstr(why, "64-bit"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/bzimage/crafted-ok", test_crafted_ok);
	g_test_add_func("/bzimage/real-kernel", test_real_kernel);
	g_test_add_func("/bzimage/truncated", test_truncated);
	g_test_add_func("/bzimage/not-bzimage", test_not_bzimage);
	g_test_add_func("/bzimage/old-protocol", test_old_protocol);
	return g_test_run();
}
