// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ipi and boot suites' terminal table (report.h): a row per VMM, method
 * and scenario, each poller row's break-even under the rows (cost.c), then
 * the boot times. docs/measuring.md names the columns.
 */
#include <math.h>

#include "bench/report.h"

/*
 * Exits per kick beside exits per delivered interrupt, kicks/s beside
 * deliveries/s: a method whose kicks merge into one pending interrupt sends
 * many kicks but delivers few.
 */
static const char *const report_fmt =
	"%-5s %-14s %-5s %9s %5s %9s %9s %9s %9s %9s %9s %9s %12s %12s %10s %10s %9s %9s%s\n";

static void report_print_row(FILE *f, const struct bench_row *row)
{
	char k[24], l[24], dl[24], co[24], se[24], re[24], sd[24], rd[24], ue[24], sc[24];
	char rt[24], kps[24], dps[24], pc[24], pcs[24];

	g_snprintf(k, sizeof(k), "%" G_GUINT64_FORMAT, row->kicks);
	g_snprintf(l, sizeof(l), "%" G_GUINT64_FORMAT, row->lost);
	g_snprintf(dl, sizeof(dl), "%" G_GUINT64_FORMAT, row->delivered);
	g_snprintf(co, sizeof(co), "%" G_GUINT64_FORMAT, row->coalesced);
	bench_fmt_num(se, sizeof(se), row->sender_exits_per_kick, 4);
	bench_fmt_num(re, sizeof(re), row->receiver_exits_per_kick, 4);
	bench_fmt_num(sd, sizeof(sd), row->sender_exits_per_delivered, 4);
	bench_fmt_num(rd, sizeof(rd), row->receiver_exits_per_delivered, 4);
	bench_fmt_num(ue, sizeof(ue), row->userspace_exits_per_kick, 4);
	bench_fmt_num(sc, sizeof(sc), row->sender_cycles_per_kick, 0);
	bench_fmt_num(rt, sizeof(rt), row->roundtrip_cycles, 0);
	bench_fmt_num(kps, sizeof(kps), row->kicks_per_second, 0);
	bench_fmt_num(dps, sizeof(dps), row->deliveries_per_second, 0);
	bench_fmt_num(pc, sizeof(pc), row->poller_cpu_seconds, 3);
	bench_fmt_num(pcs, sizeof(pcs), row->poller_cpu_per_s, 3);
	fprintf(f, report_fmt, row->vmm, row->method, row->scenario, k, l, se, re, dl, co, sd, rd,
		ue, sc, rt, kps, dps, pc, pcs, row->partial ? " (partial)" : "");
}

/* One line per row that has a break-even figure (or saves no exit). */
static void report_print_breakeven(FILE *f, const struct bench_row *row)
{
	char be[24];

	if (isnan(row->exits_saved_per_kick) || !row->breakeven_basis)
		return;
	bench_fmt_num(be, sizeof(be), row->breakeven_ipi_per_s, 0);
	fprintf(f,
		"break-even: %s %s %s: saves %.4f exits/kick against native, poller %.3f CPU-s/s, "
		"%.0f ns/exit (%s): pays above %s IPIs/s%s\n",
		row->vmm, row->method, row->scenario, row->exits_saved_per_kick,
		row->poller_cpu_per_s, row->breakeven_exit_ns, row->breakeven_basis, be,
		isnan(row->breakeven_ipi_per_s) ? " (saves no exit: never)" : "");
}

/* Where a round trip's cycles went (docs/measuring.md, "The round trip"). */
static void report_print_round_trip(FILE *f, const struct bench_row *row)
{
	char rt[24], post[24], hand[24], db[24], se[24], re[24], wk[24];

	if (isnan(row->roundtrip_post_cycles))
		return;
	bench_fmt_num(rt, sizeof(rt), row->roundtrip_cycles, 0);
	bench_fmt_num(post, sizeof(post), row->roundtrip_post_cycles, 0);
	bench_fmt_num(hand, sizeof(hand), row->roundtrip_handler_cycles, 0);
	bench_fmt_num(db, sizeof(db), row->roundtrip_doorbells, 2);
	bench_fmt_num(se, sizeof(se), row->roundtrip_sender_exits, 2);
	bench_fmt_num(re, sizeof(re), row->roundtrip_receiver_exits, 2);
	bench_fmt_num(wk, sizeof(wk), row->roundtrip_poller_wakeups, 2);
	fprintf(f,
		"round trip: %s %s %s: %s cycles; send %s, kick to target back from its handler "
		"%s; "
		"per round trip: doorbells %s, exits %s + %s, poller wake-ups %s\n",
		row->vmm, row->method, row->scenario, rt, post, hand, db, se, re, wk);
}

void bench_report_print(const struct bench_report *r, FILE *f)
{
	const struct bench_host *h = &r->head.host;
	char s[24];

	fprintf(f, "host: kvm=%s (timings %s), kernel %s, %s, %s apicv=%s ipiv=%s avic=%s\n",
		h->kvm, h->timing, h->kernel, h->cpu_model, h->kvm_module, h->apicv, h->ipiv,
		h->avic);
	bench_print_guest(f, &r->head);
	fprintf(f, report_fmt, "vmm", "method", "scen", "kicks", "lost", "s-exit/k", "r-exit/k",
		"deliv", "coal", "s-exit/d", "r-exit/d", "u-exit/k", "s-cyc/kick", "rt-cycles",
		"kicks/s", "deliv/s", "poller-s", "poller/s", "");
	for (guint i = 0; i < r->rows->len; i++)
		report_print_row(f, g_ptr_array_index(r->rows, i));
	for (guint i = 0; i < r->rows->len; i++)
		report_print_round_trip(f, g_ptr_array_index(r->rows, i));
	for (guint i = 0; i < r->rows->len; i++)
		report_print_breakeven(f, g_ptr_array_index(r->rows, i));
	for (guint i = 0; i < r->boot->len; i++) {
		const struct bench_boot *b = g_ptr_array_index(r->boot, i);

		bench_fmt_num(s, sizeof(s), b->seconds, 2);
		fprintf(f, "boot: %-5s %8s s%s%s\n", b->vmm, s, b->note ? "  " : "",
			b->note ? b->note : "");
	}
	bench_print_partial(f, &r->head);
}
