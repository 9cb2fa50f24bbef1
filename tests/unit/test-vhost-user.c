// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost-user messages as they go on the wire (QEMU's vhost-user.rst): the
 * header, each payload's layout, the fds riding along, and the replies a
 * frontend must refuse, over a socketpair standing in for virtiofsd.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/vhost_user.h"

static uint64_t le(const void *buf, size_t off, unsigned int n)
{
	const uint8_t *p = buf;
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

static void check_header(const void *m, uint32_t request, uint32_t size)
{
	g_assert_cmpuint(le(m, 0, 4), ==, request);
	g_assert_cmpuint(le(m, 4, 4), ==, VHOST_USER_VERSION); /* no reply asked */
	g_assert_cmpuint(le(m, 8, 4), ==, size);
}

static void test_u64(void)
{
	struct vhost_user_msg m;
	size_t len = vhost_user_msg_u64(&m, VHOST_USER_SET_FEATURES, 0x100000003ull);

	g_assert_cmpuint(len, ==, 20);
	check_header(&m, 2, 8);
	g_assert_cmpuint(le(&m, 12, 8), ==, 0x100000003ull);
}

static void test_state_addr(void)
{
	struct vhost_user_msg m;

	g_assert_cmpuint(vhost_user_msg_state(&m, VHOST_USER_SET_VRING_NUM, 1, 256), ==, 20);
	check_header(&m, 8, 8);
	g_assert_cmpuint(le(&m, 12, 4), ==, 1);
	g_assert_cmpuint(le(&m, 16, 4), ==, 256);

	/* index, flags, descriptor, used, available, log: in that order. */
	g_assert_cmpuint(vhost_user_msg_addr(&m, 1, 0x1000, 0x2000, 0x3000), ==, 52);
	check_header(&m, 9, 40);
	g_assert_cmpuint(le(&m, 12, 4), ==, 1);
	g_assert_cmpuint(le(&m, 16, 4), ==, 0);
	g_assert_cmpuint(le(&m, 20, 8), ==, 0x1000);
	g_assert_cmpuint(le(&m, 28, 8), ==, 0x2000);
	g_assert_cmpuint(le(&m, 36, 8), ==, 0x3000);
	g_assert_cmpuint(le(&m, 44, 8), ==, 0);
}

static void test_mem(void)
{
	const struct vhost_user_region r[2] = {
		{ .gpa = 0, .size = 0xc0000000, .uaddr = 0x7f0000000000, .mmap_offset = 0 },
		{ .gpa = 0x100000000,
		  .size = 0x40000000,
		  .uaddr = 0x7f00c0000000,
		  .mmap_offset = 0xc0000000 },
	};
	struct vhost_user_msg m;

	/* Only the regions in use: 8 bytes of count and padding, 32 per region. */
	g_assert_cmpuint(vhost_user_msg_mem(&m, r, 2), ==, 12 + 8 + 64);
	check_header(&m, 5, 72);
	g_assert_cmpuint(le(&m, 12, 4), ==, 2);
	g_assert_cmpuint(le(&m, 16, 4), ==, 0);
	g_assert_cmpuint(le(&m, 20 + 32, 8), ==, 0x100000000ull);
	g_assert_cmpuint(le(&m, 28 + 32, 8), ==, 0x40000000);
	g_assert_cmpuint(le(&m, 36 + 32, 8), ==, 0x7f00c0000000ull);
	g_assert_cmpuint(le(&m, 44 + 32, 8), ==, 0xc0000000ull);
	/* More than the protocol's eight are cut to eight, never overflow. */
	{
		struct vhost_user_region many[VHOST_USER_MAX_REGIONS + 2] = { 0 };

		g_assert_cmpuint(vhost_user_msg_mem(&m, many, G_N_ELEMENTS(many)), ==,
				 12 + 8 + 32 * VHOST_USER_MAX_REGIONS);
	}
}

static void test_vring_fd(void)
{
	struct vhost_user_msg m;

	vhost_user_msg_vring_fd(&m, VHOST_USER_SET_VRING_KICK, 1, 0);
	check_header(&m, 12, 8);
	g_assert_cmpuint(le(&m, 12, 8), ==, 1);
	vhost_user_msg_vring_fd(&m, VHOST_USER_SET_VRING_CALL, 1, 1);
	check_header(&m, 13, 8);
	g_assert_cmpuint(le(&m, 12, 8), ==, 0x101); /* bit 8: no fd */
}

/* The memory table's fds arrive as SCM_RIGHTS with the header. */
static void test_send_fds(void)
{
	const struct vhost_user_region r[2] = { { 0, 4096, 0x1000, 0 },
						{ 8192, 4096, 0x3000, 8192 } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 2)];
		struct cmsghdr align;
	} ctl;
	uint8_t buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	int sv[2], fds[2] = { STDIN_FILENO, STDERR_FILENO }, got[2];
	struct cmsghdr *c;
	struct stat a, b;
	ssize_t n;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	g_assert_cmpint(vhost_user_set_mem_table(sv[0], r, fds, 2), ==, 0);
	n = recvmsg(sv[1], &mh, 0);
	g_assert_cmpint(n, ==, 12 + 8 + 64);
	check_header(buf, 5, 72);
	c = CMSG_FIRSTHDR(&mh);
	g_assert_nonnull(c);
	g_assert_cmpint(c->cmsg_type, ==, SCM_RIGHTS);
	g_assert_cmpuint(c->cmsg_len, ==, CMSG_LEN(sizeof(int) * 2));
	memcpy(got, CMSG_DATA(c), sizeof(got));
	/* The same open files, under new numbers. */
	g_assert_cmpint(fstat(got[1], &a), ==, 0);
	g_assert_cmpint(fstat(STDERR_FILENO, &b), ==, 0);
	g_assert_cmpuint(a.st_ino, ==, b.st_ino);
	close(got[0]);
	close(got[1]);
	close(sv[0]);
	close(sv[1]);
}

/* GET_FEATURES against REPLY written ahead into the peer (NULL: the peer closed). */
static int get_features(const struct vhost_user_msg *reply, uint64_t *v)
{
	uint8_t req[64];
	int sv[2], r;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
	if (reply)
		g_assert_cmpint(write(sv[1], reply, 20), ==, 20);
	else
		close(sv[1]);
	r = vhost_user_get_u64(sv[0], VHOST_USER_GET_FEATURES, v);
	if (reply) {
		/* The request: GET_FEATURES has no payload. */
		g_assert_cmpint(read(sv[1], req, sizeof(req)), ==, 12);
		check_header(req, 1, 0);
		close(sv[1]);
	}
	close(sv[0]);
	return r;
}

static void test_replies(void)
{
	struct vhost_user_msg reply;
	uint64_t v = 0;

	vhost_user_msg_u64(&reply, VHOST_USER_GET_FEATURES, 0x140000000ull);
	reply.flags |= VHOST_USER_REPLY;
	g_assert_cmpint(get_features(&reply, &v), ==, 0);
	g_assert_cmpuint(v, ==, 0x140000000ull);

	reply.request = VHOST_USER_GET_VRING_BASE; /* an answer to another question */
	g_assert_cmpint(get_features(&reply, &v), ==, -EPROTO);
	vhost_user_msg_u64(&reply, VHOST_USER_GET_FEATURES, 1); /* no reply flag */
	g_assert_cmpint(get_features(&reply, &v), ==, -EPROTO);
	reply.flags |= VHOST_USER_REPLY;
	reply.size = 4; /* a payload of the wrong size */
	g_assert_cmpint(get_features(&reply, &v), ==, -EPROTO);
	g_assert_cmpint(get_features(NULL, &v), ==, -ECONNRESET);
	g_assert_cmpuint(v, ==, 0x140000000ull); /* untouched by the failures */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vhost-user/u64", test_u64);
	g_test_add_func("/vhost-user/state-addr", test_state_addr);
	g_test_add_func("/vhost-user/mem-table", test_mem);
	g_test_add_func("/vhost-user/vring-fd", test_vring_fd);
	g_test_add_func("/vhost-user/send-fds", test_send_fds);
	g_test_add_func("/vhost-user/replies", test_replies);
	return g_test_run();
}
