// SPDX-License-Identifier: GPL-2.0-only
/*
 * One watch (session.h): find the target, open the tracefs instance on its
 * threads, take a snapshot every interval until --seconds, a signal or the
 * VM's end, then the summary, --advise and the files. The instance is
 * removed on every way out: signals arrive on a signalfd (blocked
 * otherwise), so the normal path runs; only SIGKILL skips it, and the next
 * watch removes what it left (tracefs.c).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "kvm/trace.h"
#include "util/log.h"
#include "watch/advise.h"
#include "watch/output.h"
#include "watch/session.h"
#include "watch/tracefs.h"
#include "watch/view.h"

struct watch_session {
	const struct watch_config *cfg;
	struct watch_target *t;
	struct watch_trace *trace;
	struct watch_costs costs;
	pid_t *tids; /* the threads the instance filters on, fixed at the start */
	unsigned int nt;
	int sig_fd;
	int early_sig; /* a signal before the watch began: it ends at once */
	gint64 start_us;
	double start_unix_s; /* the first snapshot on the wall clock, for the JSON */
	struct watch_snap first, prev;
	GPtrArray *intervals;
	GArray *ends;
	const char *kvm_source;
};

static int watch_signals(struct watch_session *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return pr_errno(-errno, "watch: sigprocmask");
	s->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->sig_fd < 0 ? pr_errno(-errno, "watch: signalfd") : 0;
}

/* KVM's counter, the histograms, KVM's counter again (interval.h). */
static int watch_snapshot(struct watch_session *s, struct watch_snap *snap)
{
	unsigned int nv = s->t->vcpus->len;
	guint64 *before = g_new0(guint64, nv), *after = g_new0(guint64, nv);
	const char *src;
	bool kvm = kvmstat_exits(s->t, before, &src);

	snap->raw = watch_trace_read(s->trace, s->tids, s->nt);
	snap->t_us = g_get_monotonic_time();
	kvm = kvm && kvmstat_exits(s->t, after, &src);
	if (kvm) {
		snap->kvm_before = before;
		snap->kvm_after = after;
		s->kvm_source = src;
	} else {
		g_free(before);
		g_free(after);
	}
	if (!snap->raw) {
		pr_err("watch: the tracefs histograms are unreadable or dropped entries");
		return -EPROTO;
	}
	return 0;
}

/* A pending signal's number, or 0: the signalfd does not block. */
static int watch_signal_pending(struct watch_session *s)
{
	struct signalfd_siginfo si;

	return read(s->sig_fd, &si, sizeof(si)) == sizeof(si) ? (int)si.ssi_signo : 0;
}

/* Waits until DEADLINE_US or a signal: the signal's number, 0 at the deadline. */
static int watch_wait(struct watch_session *s, gint64 deadline_us)
{
	for (;;) {
		gint64 left = deadline_us - g_get_monotonic_time();
		struct pollfd p = { .fd = s->sig_fd, .events = POLLIN };
		int sig;

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)((left + 999) / 1000)) > 0 && (sig = watch_signal_pending(s)))
			return sig;
	}
}

static enum watch_end watch_end_of(int sig)
{
	return sig == SIGINT ? WATCH_END_SIGINT : WATCH_END_SIGTERM;
}

static bool watch_vm_running(struct watch_session *s)
{
	if (!target_alive(s->t))
		return false;
	return !s->t->lv || libvirt_domain_running(s->t);
}

static void watch_show(struct watch_session *s, const struct watch_interval *iv, double end)
{
	if (s->cfg->live)
		view_live(stdout, s->t, iv, &s->costs, end);
	else
		view_lines(stdout, s->t, iv, end);
}

/* Intervals until the end; *END says which. */
static int watch_loop(struct watch_session *s, enum watch_end *end)
{
	gint64 step = (gint64)(s->cfg->interval_s * G_USEC_PER_SEC), next = s->start_us + step;
	gint64 stop = s->cfg->seconds ? s->start_us + (gint64)s->cfg->seconds * G_USEC_PER_SEC : 0;

	for (;;) {
		int sig = watch_wait(s, stop && stop < next ? stop : next);
		struct watch_snap cur = { 0 };
		struct watch_interval *iv;
		int r;

		if (sig) {
			*end = watch_end_of(sig);
			return 0;
		}
		if (!watch_vm_running(s)) {
			*end = WATCH_END_VM;
			return 0;
		}
		r = watch_snapshot(s, &cur);
		if (r) {
			watch_snap_clear(&cur, s->nt);
			return r;
		}
		iv = watch_interval_new(s->t, s->tids, s->nt, &s->prev, &cur);
		g_ptr_array_add(s->intervals, iv);
		g_array_append_val(s->ends, ((double){ (cur.t_us - s->start_us) / 1e6 }));
		watch_show(s, iv, (cur.t_us - s->start_us) / 1e6);
		if (s->prev.raw != s->first.raw)
			watch_snap_clear(&s->prev, s->nt);
		s->prev = cur;
		if (stop && g_get_monotonic_time() >= stop - step / 100) {
			*end = WATCH_END_SECONDS;
			return 0;
		}
		next += step;
	}
}

static const char *watch_end_name(enum watch_end end)
{
	static const char *const names[] = { "seconds", "sigint", "sigterm", "vm-ended" };

	return names[end];
}

static int watch_finish(struct watch_session *s, enum watch_end end)
{
	struct watch_interval *sum = watch_interval_new(s->t, s->tids, s->nt, &s->first, &s->prev);
	struct watch_record rec = { .target = s->t,
				    .intervals = s->intervals,
				    .ends = s->ends,
				    .summary = sum,
				    .costs = &s->costs,
				    .kvm_source = s->kvm_source,
				    .end = watch_end_name(end),
				    .interval_s = s->cfg->interval_s,
				    .start_unix_s = s->start_unix_s };
	g_autofree char *title = g_strdup_printf(
		"vipi watch summary: %s %s (pid %d), %.1f s, %u intervals%s", s->t->kind,
		s->t->name, (int)s->t->pid, sum->seconds, s->intervals->len,
		s->kvm_source ? "" : "; KVM's exit counter: not available for this VMM");
	int r = 0;

	printf("\n");
	view_table(stdout, s->t, sum, &s->costs, title);
	if (s->cfg->advise && s->t->lv) {
		g_autofree char *xml = libvirt_domain_xml(s->t);
		struct advise_settings set;

		if (xml && advise_parse(xml, &set))
			advise_print(stdout, &set, sum, &s->costs);
		if (xml)
			advise_clear(&set);
	} else if (s->cfg->advise) {
		printf("\nadvice: needs a libvirt domain (--domain): a --pid target has no domain "
		       "XML\n");
	}
	if (s->cfg->json)
		r = output_json(&rec, s->cfg->json);
	if (!r && s->cfg->csv)
		r = output_csv(&rec, s->cfg->csv);
	watch_interval_free(sum);
	return r;
}

static int watch_open(struct watch_session *s)
{
	g_autofree char *why = NULL;
	int r, err = 0;

	r = s->cfg->domain ? target_from_domain(s->cfg->uri, s->cfg->domain, &s->t)
			   : target_from_pid(s->cfg->pid, &s->t);
	if (r)
		return r;
	if (s->cfg->costs) {
		r = estimate_load(s->cfg->costs, &s->costs);
		if (r)
			return r;
	}
	s->nt = s->t->tids->len;
	s->tids = g_memdup2(s->t->tids->data, s->nt * sizeof(pid_t));
	/* Told to end while finding the target: nothing to measure, tracefs untouched. */
	s->early_sig = watch_signal_pending(s);
	if (s->early_sig)
		return 0;
	s->trace = watch_trace_open(s->tids, s->nt, &why, &err);
	if (!s->trace) {
		pr_err("watch: %s", why);
		return err;
	}
	s->start_us = g_get_monotonic_time();
	r = watch_snapshot(s, &s->first);
	s->prev = s->first;
	s->start_us = s->first.t_us;
	s->start_unix_s = (g_get_real_time() - (g_get_monotonic_time() - s->start_us)) / 1e6;
	return r;
}

int watch_run(const struct watch_config *cfg, enum watch_end *end)
{
	struct watch_session s = { .cfg = cfg, .sig_fd = -1 };
	int r;

	s.intervals = g_ptr_array_new_with_free_func((GDestroyNotify)watch_interval_free);
	s.ends = g_array_new(false, false, sizeof(double));
	/*
	 * Signals first, before finding the target: a shell starts a
	 * background job with SIGINT ignored, and an ignored SIGINT that is
	 * not blocked is lost. Blocked, it waits on the signalfd, and the
	 * watch ends before it traces anything (watch_open) or at the next
	 * interval. Before main() nothing can catch it: in the lab, loading
	 * the shared libraries takes seconds (docs/watch.md, "Exit statuses").
	 */
	r = watch_signals(&s);
	if (!r)
		r = watch_open(&s);
	if (!r && s.early_sig) {
		*end = watch_end_of(s.early_sig);
		pr_info("watch: %s before the watch began: nothing measured, no file written",
			strsignal(s.early_sig));
		goto out;
	}
	if (!r)
		r = watch_loop(&s, end);
	if (!r && *end == WATCH_END_VM)
		pr_err("watch: the VM ended mid-watch, after %.1f s",
		       (g_get_monotonic_time() - s.start_us) / 1e6);
	if (!r)
		r = watch_finish(&s, *end);
out:
	/* Before anything else can fail: nothing of ours stays in tracefs. */
	watch_trace_close(s.trace);
	if (s.prev.raw != s.first.raw)
		watch_snap_clear(&s.prev, s.nt);
	watch_snap_clear(&s.first, s.nt);
	g_ptr_array_unref(s.intervals);
	g_array_unref(s.ends);
	estimate_clear(&s.costs);
	target_free(s.t);
	g_free(s.tids);
	if (s.sig_fd >= 0)
		close(s.sig_fd);
	return r;
}
