// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which /dev/kvm vipi runs on: the verdict for each kind of host from its
 * facts, the facts read from a made-up /sys/module and /proc/cpuinfo, and
 * the probe guest on this host's real /dev/kvm, whatever it is.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kvm/hostkvm.h"
#include "lab/lab.h"

/* A host whose /dev/kvm opens: the facts of stock KVM on Intel. */
static struct hostkvm_facts facts_intel(void)
{
	return (struct hostkvm_facts){ .api_version = KVM_API_VERSION,
				       .mod_intel = true,
				       .cpu_vmx = true };
}

static enum hostkvm_verdict judge(const struct hostkvm_facts *f, const char *want_why)
{
	g_autofree char *why = NULL;
	enum hostkvm_verdict v = hostkvm_judge(f, &why);

	g_test_message("verdict %d: %s", v, why ? why : "(none)");
	if (want_why)
		g_assert_nonnull(strstr(why ? why : "", want_why));
	else
		g_assert_null(why);
	return v;
}

static void test_judge_open_errors(void)
{
	struct hostkvm_facts f = { .open_errno = ENOENT };

	g_assert_cmpint(judge(&f, "no /dev/kvm"), ==, HOSTKVM_ABSENT);
	f.open_errno = ENXIO;
	g_assert_cmpint(judge(&f, "no /dev/kvm"), ==, HOSTKVM_ABSENT);
	f.open_errno = EACCES;
	g_assert_cmpint(judge(&f, "/dev/kvm: Permission denied"), ==, HOSTKVM_NOPERM);
	f.open_errno = EPERM;
	g_assert_cmpint(judge(&f, "kvm group"), ==, HOSTKVM_NOPERM);
	f.open_errno = EIO;
	g_assert_cmpint(judge(&f, "/dev/kvm: Input/output error"), ==, HOSTKVM_UNUSABLE);
}

static void test_judge_api_version(void)
{
	struct hostkvm_facts f = facts_intel();

	f.api_version = 11;
	g_assert_cmpint(judge(&f, "API version 11, not 12"), ==, HOSTKVM_UNUSABLE);
}

/* This project's machines: kvm_pvm alone. Decided without a probe. */
static void test_judge_pvm(void)
{
	struct hostkvm_facts f = { .api_version = KVM_API_VERSION, .mod_pvm = true };

	g_assert_cmpint(judge(&f, "PVM's (kvm_pvm"), ==, HOSTKVM_UNUSABLE);
	/* Beside a vendor module, the probe decides which one /dev/kvm is. */
	f.mod_amd = f.cpu_svm = true;
	g_assert_cmpint(judge(&f, NULL), ==, HOSTKVM_UNPROBED);
}

static void test_judge_probe(void)
{
	struct hostkvm_facts f = facts_intel();

	g_assert_cmpint(judge(&f, NULL), ==, HOSTKVM_UNPROBED);
	f.probed = true;
	g_assert_cmpint(judge(&f, NULL), ==, HOSTKVM_USABLE);
	f.probe_err = -EPROTO;
	f.probe_why = "did not run in long mode";
	g_assert_cmpint(judge(&f, "probe guest did not run in long mode"), ==, HOSTKVM_UNUSABLE);
	/* What the modules and flags add to a failed probe. */
	f.mod_intel = false;
	g_assert_cmpint(judge(&f, "neither kvm_intel nor kvm_amd"), ==, HOSTKVM_UNUSABLE);
	f.mod_intel = true;
	f.cpu_vmx = false;
	g_assert_cmpint(judge(&f, "no vmx or svm flag"), ==, HOSTKVM_UNUSABLE);
	f.probe_err = -ETIMEDOUT;
	f.probe_why = "did not reach its first I/O within 10000 ms";
	g_assert_cmpint(judge(&f, "within 10000 ms"), ==, HOSTKVM_UNUSABLE);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static void mkdir_in(const char *dir, const char *name)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);

	g_assert_cmpint(g_mkdir_with_parents(p, 0755), ==, 0);
}

static void test_facts_read(void)
{
	g_autofree char *dir = g_dir_make_tmp("test-hostkvm-XXXXXX", NULL);
	g_autofree char *mods = g_build_filename(dir, "module", NULL);
	g_autofree char *cpuinfo = g_build_filename(dir, "cpuinfo", NULL);
	g_autofree char *why = NULL, *cmd = NULL;
	struct hostkvm_facts f;

	g_assert_nonnull(dir);
	mkdir_in(mods, "kvm");
	mkdir_in(mods, "kvm_pvm");
	/* "svm" only as a word of a flags line counts, not inside another word. */
	write_file(dir, "cpuinfo",
		   "processor\t: 0\nflags\t\t: fpu vme svm_lock\nmodel name\t: svm\n"
		   "processor\t: 1\nflags\t\t: fpu vmx\n");
	hostkvm_facts_read(&f, "/nonexistent/kvm", mods, cpuinfo);
	g_assert_cmpint(f.open_errno, ==, ENOENT);
	g_assert_true(f.mod_pvm);
	g_assert_false(f.mod_intel || f.mod_amd);
	g_assert_true(f.cpu_vmx);
	g_assert_false(f.cpu_svm);
	g_assert_cmpint(hostkvm_judge(&f, &why), ==, HOSTKVM_ABSENT);
	g_clear_pointer(&why, g_free);

	/* A node that opens but is no KVM: its API version ioctl fails. */
	hostkvm_facts_read(&f, "/dev/null", mods, cpuinfo);
	g_assert_cmpint(f.open_errno, ==, 0);
	g_assert_cmpint(f.api_version, ==, -1);
	g_assert_cmpint(hostkvm_judge(&f, &why), ==, HOSTKVM_UNUSABLE);
	g_assert_nonnull(strstr(why, "API version -1"));

	write_file(dir, "cpuinfo", "");
	mkdir_in(mods, "kvm_amd");
	hostkvm_facts_read(&f, "/nonexistent/kvm", mods, cpuinfo);
	g_assert_true(f.mod_amd && f.mod_pvm);
	g_assert_false(f.cpu_vmx || f.cpu_svm);
	cmd = g_strdup_printf("rm -rf '%s'", dir);
	g_assert_cmpint(system(cmd), ==, 0);
}

/*
 * The probe guest on this host's /dev/kvm, without the module shortcut:
 * it must fail on kvm_pvm (this project's machines) and pass on kvm_intel
 * or kvm_amd (inside the lab: tests/lab/lab-hostkvm.sh runs this there).
 */
static void test_probe_real(void)
{
	g_autofree char *why = NULL;
	struct hostkvm_facts f;
	gint64 t0;
	int r;

	hostkvm_facts_read(&f, "/dev/kvm", "/sys/module", "/proc/cpuinfo");
	if (f.open_errno) {
		g_test_skip("this host's /dev/kvm does not open");
		return;
	}
	t0 = g_get_monotonic_time();
	r = hostkvm_probe(HOSTKVM_PROBE_TIMEOUT_MS, &why);
	g_test_message("probe: %d (%s) after %" G_GINT64_FORMAT " ms; kvm_intel %d kvm_amd %d "
		       "kvm_pvm %d",
		       r, why ? why : "passed", (g_get_monotonic_time() - t0) / 1000, f.mod_intel,
		       f.mod_amd, f.mod_pvm);
	if (f.mod_pvm && !f.mod_intel && !f.mod_amd) {
		g_assert_cmpint(r, <, 0);
		g_assert_nonnull(why);
	} else if ((f.mod_intel && f.cpu_vmx) || (f.mod_amd && f.cpu_svm)) {
		g_assert_cmpint(r, ==, 0);
		g_assert_null(why);
	} else {
		g_test_skip("a /dev/kvm from neither PVM nor a vendor module: no expectation");
	}
}

/*
 * Where --lab sends a run on this host, and the rule that makes re-execution
 * finite: inside a lab machine (LAB_MACHINE_ENV) the lab is never chosen.
 */
static void test_place(void)
{
	g_autofree char *why = NULL, *vwhy = NULL;
	enum hostkvm_verdict v = hostkvm_check(&vwhy);
	enum lab_place p;

	g_unsetenv(LAB_MACHINE_ENV);
	p = lab_place(LAB_ALWAYS, &why);
	g_assert_cmpint(p, ==, LAB_PLACE_LAB);
	g_assert_cmpstr(why, ==, "--lab always");
	g_clear_pointer(&why, g_free);

	p = lab_place(LAB_AUTO, &why);
	g_test_message("this host: verdict %d (%s), auto: %d", v, vwhy ? vwhy : "usable", p);
	if (v == HOSTKVM_USABLE)
		g_assert_cmpint(p, ==, LAB_PLACE_HOST);
	else if (v == HOSTKVM_NOPERM)
		g_assert_cmpint(p, ==, LAB_PLACE_NOPERM);
	else
		g_assert_cmpint(p, ==, LAB_PLACE_LAB);
	g_clear_pointer(&why, g_free);

	p = lab_place(LAB_NEVER, &why);
	g_assert_cmpint(p, ==,
			v == HOSTKVM_USABLE   ? LAB_PLACE_HOST
			: v == HOSTKVM_NOPERM ? LAB_PLACE_NOPERM
					      : LAB_PLACE_NONE);
	if (p == LAB_PLACE_NONE)
		g_assert_true(g_str_has_prefix(why, "--lab never: "));
	g_clear_pointer(&why, g_free);

	/* Inside a lab machine, --lab always is --lab never. */
	g_setenv(LAB_MACHINE_ENV, "1", TRUE);
	for (enum lab_mode m = LAB_AUTO; m <= LAB_ALWAYS; m++) {
		p = lab_place(m, &why);
		g_assert_cmpint(p, !=, LAB_PLACE_LAB);
		if (p == LAB_PLACE_NONE)
			g_assert_true(g_str_has_prefix(why, "inside the lab machine: "));
		g_clear_pointer(&why, g_free);
	}
	g_unsetenv(LAB_MACHINE_ENV);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostkvm/judge/open-errors", test_judge_open_errors);
	g_test_add_func("/hostkvm/judge/api-version", test_judge_api_version);
	g_test_add_func("/hostkvm/judge/pvm", test_judge_pvm);
	g_test_add_func("/hostkvm/judge/probe", test_judge_probe);
	g_test_add_func("/hostkvm/facts-read", test_facts_read);
	g_test_add_func("/hostkvm/probe-real", test_probe_real);
	g_test_add_func("/hostkvm/place", test_place);
	return g_test_run();
}
