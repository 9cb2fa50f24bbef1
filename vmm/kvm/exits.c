// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <glib.h>
#include <linux/kvm.h>

#include "kvm/exits.h"
#include "kvm/kvm.h"
#include "util/log.h"

static const struct {
	const char *name;
	uint32_t bit;
} exits_names[] = {
	{ "mwait", KVM_X86_DISABLE_EXITS_MWAIT },
	{ "hlt", KVM_X86_DISABLE_EXITS_HLT },
	{ "pause", KVM_X86_DISABLE_EXITS_PAUSE },
	{ "cstate", KVM_X86_DISABLE_EXITS_CSTATE },
};

static bool exits_parse_word(const char *w, uint32_t *mask)
{
	for (size_t i = 0; i < G_N_ELEMENTS(exits_names); i++) {
		if (!strcmp(w, exits_names[i].name)) {
			*mask |= exits_names[i].bit;
			return true;
		}
	}
	pr_err("--disable-exits: unknown exit '%s' (hlt, mwait, pause, cstate or none)", w);
	return false;
}

bool exits_parse(const char *list, uint32_t *mask)
{
	g_auto(GStrv) words = g_strsplit(list ? list : "", ",", -1);

	*mask = 0;
	if (!words[0] || (!words[1] && !*words[0])) {
		pr_err("--disable-exits needs a list: hlt, mwait, pause, cstate or none");
		return false;
	}
	if (!words[1] && !strcmp(words[0], "none"))
		return true;
	for (char **w = words; *w; w++)
		if (!exits_parse_word(*w, mask))
			return false;
	return true;
}

char *exits_describe(uint32_t mask)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(exits_names); i++) {
		if (!(mask & exits_names[i].bit))
			continue;
		if (s->len)
			g_string_append_c(s, ',');
		g_string_append(s, exits_names[i].name);
	}
	if (!s->len)
		g_string_append(s, "none");
	return g_string_free(s, FALSE);
}

static int exits_enable_cap(int vm_fd, uint32_t cap, uint64_t arg)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg } };

	return ioctl(vm_fd, KVM_ENABLE_CAP, &ec) < 0 ? -errno : 0;
}

int exits_check(uint32_t want, int allowed)
{
	g_autofree char *w = exits_describe(want);
	g_autofree char *refused = NULL;

	if (allowed <= 0) {
		pr_err("--disable-exits %s: this host's KVM cannot disable exits "
		       "(no KVM_CAP_X86_DISABLE_EXITS)",
		       w);
		return -EOPNOTSUPP;
	}
	if (want & ~(uint32_t)allowed) {
		refused = exits_describe(want & ~(uint32_t)allowed);
		pr_err("--disable-exits %s: this host's KVM cannot honour '%s'", w, refused);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int exits_apply_disable(int kvm_fd, int vm_fd, uint32_t want)
{
	g_autofree char *w = exits_describe(want);
	int r = exits_check(want, kvm_check_cap(kvm_fd, KVM_CAP_X86_DISABLE_EXITS));

	if (r)
		return r;
	r = exits_enable_cap(vm_fd, KVM_CAP_X86_DISABLE_EXITS, want);
	if (r) {
		pr_err("--disable-exits %s: KVM refused it: %s", w, g_strerror(-r));
		return -EOPNOTSUPP;
	}
	return 0;
}

static int exits_apply_halt_poll(int kvm_fd, int vm_fd, int64_t ns)
{
	int r;

	if (kvm_check_cap(vm_fd, KVM_CAP_HALT_POLL) <= 0 &&
	    kvm_check_cap(kvm_fd, KVM_CAP_HALT_POLL) <= 0) {
		pr_err("--halt-poll-ns: this host's KVM has no per-VM halt polling "
		       "(KVM_CAP_HALT_POLL)");
		return -EOPNOTSUPP;
	}
	r = exits_enable_cap(vm_fd, KVM_CAP_HALT_POLL, (uint64_t)ns);
	if (r) {
		pr_err("--halt-poll-ns %" G_GINT64_FORMAT ": KVM refused it: %s", ns,
		       g_strerror(-r));
		return -EOPNOTSUPP;
	}
	return 0;
}

int exits_apply(int kvm_fd, int vm_fd, const struct exits_config *cfg)
{
	int r = 0;

	if (cfg->disable)
		r = exits_apply_disable(kvm_fd, vm_fd, cfg->disable);
	if (!r && cfg->halt_poll_ns != EXITS_HALT_POLL_DEFAULT)
		r = exits_apply_halt_poll(kvm_fd, vm_fd, cfg->halt_poll_ns);
	if (!r && (cfg->disable || cfg->halt_poll_ns != EXITS_HALT_POLL_DEFAULT)) {
		g_autofree char *d = exits_describe(cfg->disable);

		pr_debug("exits disabled: %s; halt polling: %" G_GINT64_FORMAT " ns", d,
			 cfg->halt_poll_ns);
	}
	return r;
}
