// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host record. Inside the lab the "host" is the lab machine: its kernel,
 * its (emulated) CPU and its kvm_amd parameters are what KVM ran on, so they
 * are what we report, with "kvm": "lab" to say the timings are emulated.
 */
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench/host.h"
#include "util/log.h"

static char *host_read_line(const char *root, const char *path)
{
	g_autofree char *full = g_build_filename(root, path, NULL);
	g_autofree char *text = NULL;

	if (!g_file_get_contents(full, &text, NULL, NULL))
		return NULL;
	return g_strdup(g_strstrip(text));
}

/* The lab's init puts vipi.job=DIR on the lab kernel's command line. */
static bool host_in_lab(const char *root)
{
	g_autofree char *cmdline = host_read_line(root, "proc/cmdline");

	return cmdline && strstr(cmdline, "vipi.job=");
}

static char *host_cpu_model(const char *root, unsigned int *cpus)
{
	g_autofree char *full = g_build_filename(root, "proc/cpuinfo", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	char *model = NULL;

	*cpus = 0;
	if (!g_file_get_contents(full, &text, NULL, NULL))
		return g_strdup("unknown");
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		char *colon = strchr(*l, ':');

		if (g_str_has_prefix(*l, "processor"))
			(*cpus)++;
		if (!model && colon && g_str_has_prefix(*l, "model name"))
			model = g_strdup(g_strstrip(colon + 1));
	}
	return model ? model : g_strdup("unknown");
}

/* A kvm module parameter, "absent" when that module is not loaded. */
static char *host_param(const char *root, const char *module, const char *param)
{
	g_autofree char *path = g_strdup_printf("sys/module/%s/parameters/%s", module, param);
	char *v = host_read_line(root, path);

	return v ? v : g_strdup("absent");
}

static char *host_kvm_module(const char *root)
{
	static const char *const mods[] = { "kvm_intel", "kvm_amd" };

	for (size_t i = 0; i < G_N_ELEMENTS(mods); i++) {
		g_autofree char *p = g_strdup_printf("%s/sys/module/%s", root, mods[i]);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			return g_strdup(mods[i]);
	}
	return g_strdup("none");
}

void bench_host_probe(struct bench_host *h, const char *root)
{
	struct utsname u;
	bool lab;

	if (!root)
		root = "/";
	lab = host_in_lab(root);
	h->kvm = g_strdup(lab ? "lab" : "native");
	h->timing = g_strdup(lab ? "emulated" : "real");
	h->kernel = g_strdup(uname(&u) == 0 ? u.release : "unknown");
	h->cpu_model = host_cpu_model(root, &h->cpus);
	h->kvm_module = host_kvm_module(root);
	h->apicv = host_param(root, "kvm_intel", "enable_apicv");
	h->ipiv = host_param(root, "kvm_intel", "enable_ipiv");
	h->avic = host_param(root, "kvm_amd", "avic");
	h->clocksource = host_read_line(
		root, "sys/devices/system/clocksource/clocksource0/current_clocksource");
	if (!h->clocksource)
		h->clocksource = g_strdup("unknown");
}

void bench_host_clear(struct bench_host *h)
{
	g_free(h->kvm);
	g_free(h->kernel);
	g_free(h->cpu_model);
	g_free(h->kvm_module);
	g_free(h->apicv);
	g_free(h->ipiv);
	g_free(h->avic);
	g_free(h->timing);
	g_free(h->clocksource);
	memset(h, 0, sizeof(*h));
}
