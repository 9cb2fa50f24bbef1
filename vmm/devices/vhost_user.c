// SPDX-License-Identifier: GPL-2.0-only
/* The vhost-user frontend's messages (vhost_user.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "devices/vhost_user.h"

static size_t msg_init(struct vhost_user_msg *m, uint32_t request, uint32_t size)
{
	memset(m, 0, sizeof(*m));
	m->request = request;
	m->flags = VHOST_USER_VERSION;
	m->size = size;
	return VHOST_USER_HDR_SIZE + size;
}

size_t vhost_user_msg_u64(struct vhost_user_msg *m, uint32_t request, uint64_t v)
{
	size_t len = msg_init(m, request, sizeof(m->payload.u64));

	m->payload.u64 = v;
	return len;
}

size_t vhost_user_msg_state(struct vhost_user_msg *m, uint32_t request, uint32_t index,
			    uint32_t num)
{
	size_t len = msg_init(m, request, sizeof(m->payload.state));

	m->payload.state.index = index;
	m->payload.state.num = num;
	return len;
}

size_t vhost_user_msg_addr(struct vhost_user_msg *m, uint32_t index, uint64_t desc, uint64_t used,
			   uint64_t avail)
{
	size_t len = msg_init(m, VHOST_USER_SET_VRING_ADDR, sizeof(m->payload.addr));

	m->payload.addr.index = index;
	m->payload.addr.desc = desc;
	m->payload.addr.used = used;
	m->payload.addr.avail = avail;
	return len;
}

size_t vhost_user_msg_mem(struct vhost_user_msg *m, const struct vhost_user_region *r,
			  unsigned int n)
{
	size_t len;

	if (n > VHOST_USER_MAX_REGIONS)
		n = VHOST_USER_MAX_REGIONS;
	/* Only the regions used go on the wire, as QEMU sends them. */
	len = msg_init(m, VHOST_USER_SET_MEM_TABLE, 8 + n * sizeof(*r));
	m->payload.mem.nregions = n;
	memcpy(m->payload.mem.regions, r, n * sizeof(*r));
	return len;
}

size_t vhost_user_msg_vring_fd(struct vhost_user_msg *m, uint32_t request, uint32_t index, int nofd)
{
	return vhost_user_msg_u64(m, request, (index & 0xff) | (nofd ? VHOST_USER_VRING_NOFD : 0));
}

int vhost_user_send(int sock, const struct vhost_user_msg *m, size_t len, const int *fds,
		    unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_REGIONS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (nfds > VHOST_USER_MAX_REGIONS)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EPIPE ? -ECONNRESET : -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Reads exactly LEN bytes; a closed socket is -ECONNRESET. */
static int recv_all(int sock, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(sock, (char *)buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		got += n;
	}
	return 0;
}

/* The reply to REQUEST, whose payload must be SIZE bytes. */
static int recv_reply(int sock, uint32_t request, struct vhost_user_msg *m, uint32_t size)
{
	int r = recv_all(sock, m, VHOST_USER_HDR_SIZE);

	if (r)
		return r;
	if (m->request != request || !(m->flags & VHOST_USER_REPLY) || m->size != size)
		return -EPROTO;
	return recv_all(sock, &m->payload, size);
}

int vhost_user_get_u64(int sock, uint32_t request, uint64_t *out)
{
	struct vhost_user_msg m;
	size_t len = msg_init(&m, request, 0);
	int r = vhost_user_send(sock, &m, len, NULL, 0);

	if (!r)
		r = recv_reply(sock, request, &m, sizeof(m.payload.u64));
	if (!r)
		*out = m.payload.u64;
	return r;
}

int vhost_user_set_u64(int sock, uint32_t request, uint64_t v)
{
	struct vhost_user_msg m;
	size_t len = request == VHOST_USER_SET_OWNER ? msg_init(&m, request, 0)
						     : vhost_user_msg_u64(&m, request, v);

	return vhost_user_send(sock, &m, len, NULL, 0);
}

int vhost_user_set_mem_table(int sock, const struct vhost_user_region *r, const int *fds,
			     unsigned int n)
{
	struct vhost_user_msg m;
	size_t len = vhost_user_msg_mem(&m, r, n);

	return vhost_user_send(sock, &m, len, fds, m.payload.mem.nregions);
}

/* Call before kick: the backend starts the ring when it gets its kick fd. */
int vhost_user_set_vring(int sock, unsigned int index, uint16_t num, uint64_t desc, uint64_t used,
			 uint64_t avail, int kick_fd, int call_fd)
{
	struct vhost_user_msg m;
	size_t len;
	int r;

	len = vhost_user_msg_state(&m, VHOST_USER_SET_VRING_NUM, index, num);
	r = vhost_user_send(sock, &m, len, NULL, 0);
	if (!r) {
		len = vhost_user_msg_state(&m, VHOST_USER_SET_VRING_BASE, index, 0);
		r = vhost_user_send(sock, &m, len, NULL, 0);
	}
	if (!r) {
		len = vhost_user_msg_addr(&m, index, desc, used, avail);
		r = vhost_user_send(sock, &m, len, NULL, 0);
	}
	if (!r) {
		len = vhost_user_msg_vring_fd(&m, VHOST_USER_SET_VRING_CALL, index, 0);
		r = vhost_user_send(sock, &m, len, &call_fd, 1);
	}
	if (!r) {
		len = vhost_user_msg_vring_fd(&m, VHOST_USER_SET_VRING_KICK, index, 0);
		r = vhost_user_send(sock, &m, len, &kick_fd, 1);
	}
	return r;
}

int vhost_user_get_vring_base(int sock, unsigned int index, uint32_t *base)
{
	struct vhost_user_msg m;
	size_t len = vhost_user_msg_state(&m, VHOST_USER_GET_VRING_BASE, index, 0);
	int r = vhost_user_send(sock, &m, len, NULL, 0);

	if (!r)
		r = recv_reply(sock, VHOST_USER_GET_VRING_BASE, &m, sizeof(m.payload.state));
	if (!r)
		*base = m.payload.state.num;
	return r;
}
