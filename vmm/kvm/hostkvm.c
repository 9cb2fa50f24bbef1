// SPDX-License-Identifier: GPL-2.0-only
/* The host's /dev/kvm: the facts, and the verdict they support (hostkvm.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib.h>

#include "kvm/hostkvm.h"

static bool hostkvm_has_module(const char *sysmod, const char *name)
{
	g_autofree char *p = g_build_filename(sysmod, name, NULL);

	return g_file_test(p, G_FILE_TEST_IS_DIR);
}

/* Whether any "flags" line of CPUINFO holds the word FLAG (a plain word: vmx, svm). */
static bool hostkvm_cpu_flag(const char *cpuinfo, const char *flag)
{
	g_autofree char *re = g_strdup_printf("^flags.*[ \t]%s([ \t]|$)", flag);
	g_autofree char *text = NULL;

	return g_file_get_contents(cpuinfo, &text, NULL, NULL) &&
	       g_regex_match_simple(re, text, G_REGEX_MULTILINE, 0);
}

void hostkvm_facts_read(struct hostkvm_facts *f, const char *dev, const char *sysmod,
			const char *cpuinfo)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	*f = (struct hostkvm_facts){ .open_errno = fd < 0 ? errno : 0 };
	if (fd >= 0) {
		f->api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
		close(fd);
	}
	f->mod_intel = hostkvm_has_module(sysmod, "kvm_intel");
	f->mod_amd = hostkvm_has_module(sysmod, "kvm_amd");
	f->mod_pvm = hostkvm_has_module(sysmod, "kvm_pvm");
	f->cpu_vmx = hostkvm_cpu_flag(cpuinfo, "vmx");
	f->cpu_svm = hostkvm_cpu_flag(cpuinfo, "svm");
}

void hostkvm_facts_clear(struct hostkvm_facts *f)
{
	g_clear_pointer(&f->probe_why, g_free);
}

/* What the modules and CPU flags add to a failed probe. */
static const char *hostkvm_hint(const struct hostkvm_facts *f)
{
	if (!f->mod_intel && !f->mod_amd)
		return "; neither kvm_intel nor kvm_amd is loaded";
	if (!f->cpu_vmx && !f->cpu_svm)
		return "; the CPU shows no vmx or svm flag";
	return "";
}

/*
 * The /dev/kvm part of the verdict: HOSTKVM_USABLE when it opened (E is
 * open()'s errno, 0 when it did) with our API version. The one place that
 * words what is wrong with /dev/kvm, for the host check and for the VM.
 */
static enum hostkvm_verdict hostkvm_judge_dev(int e, int api_version, char **why)
{
	*why = NULL;
	if (e == ENOENT || e == ENODEV || e == ENXIO) {
		*why = g_strdup("no /dev/kvm here");
		return HOSTKVM_ABSENT;
	}
	if (e == EACCES || e == EPERM) {
		*why = g_strdup_printf("/dev/kvm: %s (add yourself to the kvm group)", strerror(e));
		return HOSTKVM_NOPERM;
	}
	if (e) {
		*why = g_strdup_printf("/dev/kvm: %s", strerror(e));
		return HOSTKVM_UNUSABLE;
	}
	if (api_version != KVM_API_VERSION) {
		*why = g_strdup_printf("/dev/kvm: API version %d, not %d", api_version,
				       KVM_API_VERSION);
		return HOSTKVM_UNUSABLE;
	}
	return HOSTKVM_USABLE;
}

int hostkvm_open(const char *dev, char **why)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	int e = fd < 0 ? errno : 0;
	int api_version = fd < 0 ? 0 : ioctl(fd, KVM_GET_API_VERSION, 0);

	if (hostkvm_judge_dev(e, api_version, why) == HOSTKVM_USABLE)
		return fd;
	if (fd >= 0)
		close(fd);
	return e ? -e : -EOPNOTSUPP;
}

enum hostkvm_verdict hostkvm_judge(const struct hostkvm_facts *f, char **why)
{
	enum hostkvm_verdict v = hostkvm_judge_dev(f->open_errno, f->api_version, why);

	if (v != HOSTKVM_USABLE)
		return v;
	/* Known without a probe: PVM runs only kernels built as PVM guests. */
	if (f->mod_pvm && !f->mod_intel && !f->mod_amd) {
		*why = g_strdup("this /dev/kvm is PVM's (kvm_pvm, no kvm_intel or kvm_amd), "
				"which runs only PVM guest kernels, not an unmodified PC guest");
		return HOSTKVM_UNUSABLE;
	}
	if (!f->probed)
		return HOSTKVM_UNPROBED;
	if (f->probe_err) {
		*why = g_strdup_printf("this /dev/kvm cannot run an unmodified PC guest "
				       "(vipi's probe guest %s%s)",
				       f->probe_why ? f->probe_why : "failed", hostkvm_hint(f));
		return HOSTKVM_UNUSABLE;
	}
	return HOSTKVM_USABLE;
}

enum hostkvm_verdict hostkvm_check(char **why)
{
	struct hostkvm_facts f;
	enum hostkvm_verdict v;

	hostkvm_facts_read(&f, "/dev/kvm", "/sys/module", "/proc/cpuinfo");
	v = hostkvm_judge(&f, why);
	if (v == HOSTKVM_UNPROBED) {
		f.probed = true;
		f.probe_err = hostkvm_probe(HOSTKVM_PROBE_TIMEOUT_MS, &f.probe_why);
		v = hostkvm_judge(&f, why);
	}
	hostkvm_facts_clear(&f);
	return v;
}
