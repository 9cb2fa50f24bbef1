/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The frontend side of the vhost-user protocol (QEMU's
 * docs/interop/vhost-user.rst), the few messages a device whose backend
 * serves its queues needs: features, the memory table, the rings. A
 * message is a 12-byte header and a payload on a Unix socket, file
 * descriptors riding along as SCM_RIGHTS. Requests ask for no reply
 * unless they are GET_* ones (no protocol features are negotiated, so
 * the backend enables each ring when it gets its kick fd).
 *
 * The vhost_user_msg_*() builders are pure, for the unit tests; the
 * vhost_user_*() calls send them and read the replies.
 */
#ifndef VIPI_DEVICES_VHOST_USER_H
#define VIPI_DEVICES_VHOST_USER_H

#include <stddef.h>
#include <stdint.h>

enum vhost_user_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
};

#define VHOST_USER_VERSION	       0x1
#define VHOST_USER_REPLY	       0x4
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VHOST_USER_MAX_REGIONS	       8
#define VHOST_USER_VRING_NOFD	       (1u << 8)
#define VHOST_USER_HDR_SIZE	       12

struct vhost_user_region {
	uint64_t gpa, size, uaddr, mmap_offset;
};

struct vhost_user_msg {
	uint32_t request, flags, size;
	union {
		uint64_t u64;
		struct {
			uint32_t index, num;
		} state;
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} addr;
		struct {
			uint32_t nregions, padding;
			struct vhost_user_region regions[VHOST_USER_MAX_REGIONS];
		} mem;
	} payload;
} __attribute__((packed));

/* The builders: each returns the message's length on the wire. */
size_t vhost_user_msg_u64(struct vhost_user_msg *m, uint32_t request, uint64_t v);
size_t vhost_user_msg_state(struct vhost_user_msg *m, uint32_t request, uint32_t index,
			    uint32_t num);
size_t vhost_user_msg_addr(struct vhost_user_msg *m, uint32_t index, uint64_t desc, uint64_t used,
			   uint64_t avail);
/* N regions (at most VHOST_USER_MAX_REGIONS), their fds sent alongside. */
size_t vhost_user_msg_mem(struct vhost_user_msg *m, const struct vhost_user_region *r,
			  unsigned int n);
/* SET_VRING_KICK/CALL: INDEX, with an fd alongside unless NOFD. */
size_t vhost_user_msg_vring_fd(struct vhost_user_msg *m, uint32_t request, uint32_t index,
			       int nofd);

/*
 * On the backend's socket SOCK; each 0 or -errno (a closed socket is
 * -ECONNRESET, a malformed reply -EPROTO), silently: the caller says what
 * it was doing.
 */
int vhost_user_send(int sock, const struct vhost_user_msg *m, size_t len, const int *fds,
		    unsigned int nfds);
int vhost_user_get_u64(int sock, uint32_t request, uint64_t *out);
int vhost_user_set_u64(int sock, uint32_t request, uint64_t v);
int vhost_user_set_mem_table(int sock, const struct vhost_user_region *r, const int *fds,
			     unsigned int n);
int vhost_user_set_vring(int sock, unsigned int index, uint16_t num, uint64_t desc, uint64_t used,
			 uint64_t avail, int kick_fd, int call_fd);
/* Stops ring INDEX: the backend answers with where it stopped. */
int vhost_user_get_vring_base(int sock, unsigned int index, uint32_t *base);

#endif
