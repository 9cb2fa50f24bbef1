// SPDX-License-Identifier: GPL-2.0-only
/*
 * --advise (advise.h). libvirt 9.0's names: <cputune><vcpupin vcpu cpuset>
 * and <emulatorpin cpuset>, <vcpu placement cpuset> (the default of every
 * vCPU without a vcpupin and of the emulator without an emulatorpin),
 * <features><kvm><hint-dedicated|pv-ipi|
 * poll-control state>, QEMU's cpu-pm only through <qemu:commandline>
 * (-overcommit cpu-pm=on), and halt_poll_ns, which has no libvirt knob:
 * the host's kvm module parameter.
 */
#include <string.h>

#include "watch/advise.h"

struct advise_ctx {
	struct advise_settings *s;
	GPtrArray *path; /* element names from the root */
	bool in_vcpu;
	GString *vcpu_text;
};

static const char *advise_attr(const char **names, const char **values, const char *want)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], want))
			return values[i];
	return NULL;
}

static bool advise_under(struct advise_ctx *c, const char *a, const char *b)
{
	guint n = c->path->len;

	return n >= 2 && !strcmp(g_ptr_array_index(c->path, n - 2), a) &&
	       !strcmp(g_ptr_array_index(c->path, n - 1), b);
}

static void advise_start(GMarkupParseContext *ctx, const char *el, const char **names,
			 const char **values, gpointer data, GError **err)
{
	struct advise_ctx *c = data;
	struct advise_settings *s = c->s;
	const char *state = advise_attr(names, values, "state");
	const char *value = advise_attr(names, values, "value");

	if (c->path->len && !strcmp(g_ptr_array_index(c->path, c->path->len - 1), "cputune")) {
		if (!strcmp(el, "vcpupin"))
			g_ptr_array_add(s->vcpupin,
					g_strdup_printf("vcpu %s: %s",
							advise_attr(names, values, "vcpu"),
							advise_attr(names, values, "cpuset")));
		else if (!strcmp(el, "emulatorpin"))
			s->emulatorpin = g_strdup(advise_attr(names, values, "cpuset"));
	}
	if (advise_under(c, "features", "kvm") && state) {
		if (!strcmp(el, "hint-dedicated"))
			s->hint_dedicated = g_strdup(state);
		else if (!strcmp(el, "pv-ipi"))
			s->pv_ipi = g_strdup(state);
		else if (!strcmp(el, "poll-control"))
			s->poll_control = g_strdup(state);
	}
	/* <qemu:commandline><qemu:arg value='cpu-pm=on'/> or mem-lock=off,cpu-pm=on. */
	if (!strcmp(el, "qemu:arg") && value && strstr(value, "cpu-pm=on"))
		s->cpu_pm = true;
	c->in_vcpu = c->path->len == 1 && !strcmp(el, "vcpu");
	if (c->in_vcpu) {
		const char *placement = advise_attr(names, values, "placement");

		s->vcpu_cpuset = g_strdup(advise_attr(names, values, "cpuset"));
		s->auto_placement = placement && !strcmp(placement, "auto");
	}
	g_ptr_array_add(c->path, g_strdup(el));
}

static void advise_end(GMarkupParseContext *ctx, const char *el, gpointer data, GError **err)
{
	struct advise_ctx *c = data;

	c->in_vcpu = false;
	if (c->path->len)
		g_ptr_array_remove_index(c->path, c->path->len - 1);
}

static void advise_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
			GError **err)
{
	struct advise_ctx *c = data;

	if (c->in_vcpu)
		g_string_append_len(c->vcpu_text, text, len);
}

bool advise_parse(const char *xml, struct advise_settings *s)
{
	static const GMarkupParser parser = { advise_start, advise_end, advise_text, NULL, NULL };
	struct advise_ctx c = { .s = s,
				.path = g_ptr_array_new_with_free_func(g_free),
				.vcpu_text = g_string_new(NULL) };
	GMarkupParseContext *ctx;
	bool ok;

	memset(s, 0, sizeof(*s));
	s->vcpupin = g_ptr_array_new_with_free_func(g_free);
	ctx = g_markup_parse_context_new(&parser, 0, &c, NULL);
	ok = g_markup_parse_context_parse(ctx, xml, -1, NULL) &&
	     g_markup_parse_context_end_parse(ctx, NULL);
	g_markup_parse_context_free(ctx);
	s->vcpus = atoi(c.vcpu_text->str);
	g_ptr_array_unref(c.path);
	g_string_free(c.vcpu_text, true);
	if (g_file_get_contents("/sys/module/kvm/parameters/halt_poll_ns", &s->halt_poll_ns, NULL,
				NULL))
		g_strchomp(s->halt_poll_ns);
	return ok;
}

void advise_clear(struct advise_settings *s)
{
	g_clear_pointer(&s->vcpupin, g_ptr_array_unref);
	g_free(s->emulatorpin);
	g_free(s->vcpu_cpuset);
	g_free(s->hint_dedicated);
	g_free(s->pv_ipi);
	g_free(s->poll_control);
	g_free(s->halt_poll_ns);
	memset(s, 0, sizeof(*s));
}

static void advise_row(FILE *f, const char *what, const char *now, const char *advice)
{
	fprintf(f, "%-16s %-22s %s\n", what, now ? now : "(unset)", advice);
}

/*
 * What holds threads that have no pin of their own: <vcpu cpuset='1-4'>
 * (all of them share those CPUs and may move among them), numad's choice,
 * or nothing (every host CPU). NULL for nothing.
 */
static char *advise_default_cpus(const struct advise_settings *s)
{
	if (s->vcpu_cpuset)
		return g_strdup_printf("%s (<vcpu cpuset>)", s->vcpu_cpuset);
	return s->auto_placement ? g_strdup("numad's (placement=auto)") : NULL;
}

void advise_print(FILE *f, const struct advise_settings *s, const struct watch_interval *iv,
		  const struct watch_costs *costs)
{
	double exits = 0, multi = 0, wakes = 0, dt = iv->seconds > 0 ? iv->seconds : 1;
	g_autoptr(GString) pins = g_string_new(NULL);
	g_autofree char *shared = advise_default_cpus(s);
	struct watch_estimate e;
	char buf[160];

	for (guint i = 0; i < s->vcpupin->len; i++)
		g_string_append_printf(pins, "%s%s", i ? "; " : "",
				       (char *)g_ptr_array_index(s->vcpupin, i));
	for (unsigned int i = 0; i < iv->nv; i++) {
		exits += iv->v[i].icr_writes + iv->v[i].pv_calls;
		multi += iv->v[i].sent[WATCH_CALL_FUNCTION];
		wakes += iv->v[i].wake_wait;
	}
	exits /= dt, multi /= dt, wakes /= dt;
	estimate_compute(iv, costs, &e);
	fprintf(f,
		"\nadvice (docs/nohz.md), for %.0f IPI sender exits/s, %.0f multicast "
		"(call-function) IPIs/s, %.0f halt wake-ups/s measured:\n",
		exits, multi, wakes);
	fprintf(f, "%-16s %-22s %s\n", "setting", "now", "suggested for what was measured");
	if (shared && s->vcpupin->len < s->vcpus)
		g_string_append_printf(pins, "%s%s", pins->len ? "; others " : "all ", shared);
	advise_row(f, "vcpupin", pins->len ? pins->str : NULL,
		   s->vcpupin->len >= s->vcpus && s->vcpus
			   ? "every vCPU pinned: keep, one host CPU each"
			   : "pin each vCPU to its own host CPU (nohz_full vCPUs need one)");
	advise_row(
		f, "emulatorpin", s->emulatorpin ? s->emulatorpin : shared,
		s->emulatorpin || !shared
			? "keep QEMU's own threads (and a vipi poller) off the vCPUs' host CPUs"
			: "QEMU's own threads share the vCPUs' CPUs: give them CPUs of their own");
	advise_row(f, "hint-dedicated", s->hint_dedicated,
		   "on once every vCPU is pinned: the guest then trusts its CPUs not to be shared");
	snprintf(
		buf, sizeof(buf), "%s",
		multi > 0
			? "on: one hypercall per multicast IPI instead of one ICR write per target"
			: "on (no multicast IPIs measured: unicast IPIs cost the same either way)");
	advise_row(f, "pv-ipi", s->pv_ipi, buf);
	advise_row(f, "poll-control", s->poll_control,
		   wakes > 0 ? "on with dedicated CPUs: the guest polls before it halts"
			     : "no halt wake-ups measured: no change needed");
	advise_row(
		f, "cpu-pm", s->cpu_pm ? "on" : "off",
		"on only with dedicated CPUs: HLT stays in the guest (vipi: --disable-exits hlt)");
	advise_row(f, "halt_poll_ns", s->halt_poll_ns,
		   wakes > 0 ? "host-wide; keep the default 200000 while vCPUs wake often"
			     : "host-wide; no halt wake-ups measured");
	snprintf(buf, sizeof(buf), "%s",
		 !e.has_cost ? "estimate needs --costs FILE (a vipi bench JSON of this host)"
		 : e.net_cpu_per_s > 0
			 ? "estimate: vipi's exitless kick would pay for its poller"
			 : "estimate: below vipi's break-even: its poller would cost more");
	advise_row(f, "IPI path", exits > 0 ? "ICR/PV exits" : "no IPI exits", buf);
}
