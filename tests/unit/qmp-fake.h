/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny fake QEMU on a unix socket for the QMP client's unit tests: it
 * greets, takes qmp_capabilities, then answers each command line with the
 * next of its canned replies and records the line; it hangs up when they
 * run out.
 */
#ifndef VIPI_TESTS_QMP_FAKE_H
#define VIPI_TESTS_QMP_FAKE_H

#include <glib.h>

struct qmp_fake {
	char *dir, *path; /* path is DIR/qmp.sock, the lab's name too */
	int listen_fd;
	const char *const *replies; /* one per command after qmp_capabilities */
	GThread *thread;
	GPtrArray *seen; /* command lines received */
};

void qmp_fake_start(struct qmp_fake *f, const char *const *replies);
/* Joins the fake (it ends when its replies or the client's lines run out). */
void qmp_fake_stop(struct qmp_fake *f);

#endif
