// SPDX-License-Identifier: GPL-2.0-only
/*
 * A libvirt domain as a watch target, through libvirt's C API: the domain
 * by name or UUID, that it runs, its QEMU process (the pid file libvirt's
 * QEMU driver keeps, checked against the process's "-name guest=NAME"),
 * KVM's per-vCPU exit counter from virDomainListGetStats(VCPU) where
 * QEMU answers query-stats, and its live XML for --advise. tracefs is
 * local, so the domain must run on this host.
 */
#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "watch/watch.h"

#define LIBVIRT_RUN_DIR "/run/libvirt/qemu"

struct watch_libvirt {
	virConnectPtr conn;
	virDomainPtr dom;
};

/* libvirt prints every error by default; we say one line ourselves. */
static void libvirt_quiet(void *opaque, virErrorPtr err)
{
}

static const char *libvirt_why(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

void libvirt_close(struct watch_libvirt *lv)
{
	if (lv->dom)
		virDomainFree(lv->dom);
	if (lv->conn)
		virConnectClose(lv->conn);
	g_free(lv);
}

static virDomainPtr libvirt_lookup(virConnectPtr conn, const char *domain)
{
	virDomainPtr d = virDomainLookupByName(conn, domain);

	if (!d && g_uuid_string_is_valid(domain))
		d = virDomainLookupByUUIDString(conn, domain);
	return d;
}

/* The QEMU process of a running domain: its pid file, checked by its command line. */
static pid_t libvirt_qemu_pid(const char *name)
{
	g_autofree char *path = g_strdup_printf("%s/%s.pid", LIBVIRT_RUN_DIR, name);
	g_autofree char *text = NULL, *cmdline = NULL, *cmd_path = NULL, *want = NULL;
	gsize len;
	pid_t pid;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return -1;
	pid = atoi(text);
	cmd_path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
	if (pid <= 0 || !g_file_get_contents(cmd_path, &cmdline, &len, NULL))
		return -1;
	want = g_strdup_printf("guest=%s", name);
	for (gsize off = 0; off < len; off += strlen(cmdline + off) + 1)
		if (g_str_has_prefix(cmdline + off, want))
			return pid;
	return -1;
}

static int libvirt_open(const char *uri, const char *domain, struct watch_libvirt *lv)
{
	virSetErrorFunc(NULL, libvirt_quiet);
	lv->conn = virConnectOpen(uri);
	if (!lv->conn) {
		pr_err("watch: cannot connect to libvirt%s%s: %s", uri ? " at " : "",
		       uri ? uri : "", libvirt_why());
		return -ENOTCONN;
	}
	lv->dom = libvirt_lookup(lv->conn, domain);
	if (!lv->dom) {
		pr_err("watch: no libvirt domain '%s'", domain);
		return -ENOENT;
	}
	if (virDomainIsActive(lv->dom) != 1) {
		pr_err("watch: domain '%s' is not running", domain);
		return -ESRCH;
	}
	return 0;
}

int target_from_domain(const char *uri, const char *domain, struct watch_target **out)
{
	struct watch_libvirt *lv = g_new0(struct watch_libvirt, 1);
	char uuid[VIR_UUID_STRING_BUFLEN];
	const char *name;
	pid_t pid;
	int r = libvirt_open(uri, domain, lv);

	if (r) {
		libvirt_close(lv);
		return r;
	}
	name = virDomainGetName(lv->dom);
	pid = libvirt_qemu_pid(name);
	if (pid <= 0) {
		pr_err("watch: domain '%s' runs, but not as a QEMU process on this host "
		       "(no %s/%s.pid): tracefs is local",
		       name, LIBVIRT_RUN_DIR, name);
		libvirt_close(lv);
		return -ENODEV;
	}
	r = target_from_pid(pid, out);
	if (r) {
		libvirt_close(lv);
		return r;
	}
	(*out)->kind = "libvirt";
	g_free((*out)->name);
	(*out)->name = g_strdup(name);
	if (!virDomainGetUUIDString(lv->dom, uuid))
		(*out)->uuid = g_strdup(uuid);
	(*out)->lv = lv;
	return 0;
}

bool libvirt_domain_running(struct watch_target *t)
{
	return t->lv && virDomainIsActive(t->lv->dom) == 1;
}

/* "vcpu.N.exits.sum" (libvirt's name for a cumulative KVM stat) or "vcpu.N.exits". */
static bool libvirt_param(virTypedParameterPtr p, int n, unsigned int vcpu, guint64 *out)
{
	g_autofree char *sum = g_strdup_printf("vcpu.%u.exits.sum", vcpu);
	g_autofree char *plain = g_strdup_printf("vcpu.%u.exits", vcpu);
	unsigned long long v;

	if (virTypedParamsGetULLong(p, n, sum, &v) == 1 ||
	    virTypedParamsGetULLong(p, n, plain, &v) == 1) {
		*out = v;
		return true;
	}
	return false;
}

bool libvirt_vcpu_exits(struct watch_target *t, guint64 *exits)
{
	virDomainPtr doms[] = { t->lv->dom, NULL };
	virDomainStatsRecordPtr *rec = NULL;
	bool ok;

	if (virDomainListGetStats(doms, VIR_DOMAIN_STATS_VCPU, &rec, 0) != 1)
		return false;
	ok = true;
	for (guint i = 0; ok && i < t->vcpus->len; i++)
		ok = libvirt_param(rec[0]->params, rec[0]->nparams, i, &exits[i]);
	virDomainStatsRecordListFree(rec);
	return ok;
}

char *libvirt_domain_xml(struct watch_target *t)
{
	char *xml = virDomainGetXMLDesc(t->lv->dom, 0), *copy;

	if (!xml) {
		pr_err("watch: cannot read the domain's XML: %s", libvirt_why());
		return NULL;
	}
	copy = g_strdup(xml);
	free(xml);
	return copy;
}
