// SPDX-License-Identifier: GPL-2.0-only
/*
 * kcore: looks at the running kernel's memory (/proc/kallsyms, /proc/kcore;
 * root only). Test code for the lab (vmm/lab/pin.c):
 *
 *   kcore word SYMBOL...   prints "SYMBOL=N", N the 32-bit word at the
 *                          symbol, or "SYMBOL=?". A static key's first word
 *                          is its enable count (lab-kvm-status.sh).
 *   kcore watch SECS OUT   every SECS seconds, compares the kernel's text
 *                          (_stext.._etext) and the .text of kvm and kvm_amd
 *                          with the previous look and appends each changed
 *                          run of bytes to OUT (time, nearest symbol, old and
 *                          new bytes), then "T tick"; runs until killed
 *                          (watch-lab.sh). A change undone within SECS goes
 *                          unseen: it shows, it cannot prove.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

struct kc_sym {
	unsigned long addr;
	char *name;
};

struct kc_range {
	const char *name;
	unsigned long start, end;
	guint8 *seen;
};

static int kc_fd = -1;
static GArray *kc_phdrs; /* the PT_LOAD headers of /proc/kcore */

static bool kc_open(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	kc_fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (kc_fd < 0 || pread(kc_fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return false;
	kc_phdrs = g_array_new(FALSE, FALSE, sizeof(Elf64_Phdr));
	for (int i = 0; i < eh.e_phnum; i++) {
		if (pread(kc_fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)) != sizeof(ph))
			return false;
		if (ph.p_type == PT_LOAD)
			g_array_append_val(kc_phdrs, ph);
	}
	return true;
}

static bool kc_read(unsigned long va, void *buf, size_t len)
{
	for (guint i = 0; kc_phdrs && i < kc_phdrs->len; i++) {
		Elf64_Phdr *ph = &g_array_index(kc_phdrs, Elf64_Phdr, i);

		if (va >= ph->p_vaddr && va + len <= ph->p_vaddr + ph->p_memsz)
			return pread(kc_fd, buf, len, ph->p_offset + (va - ph->p_vaddr)) ==
			       (ssize_t)len;
	}
	return false;
}

static gint kc_sym_cmp(gconstpointer a, gconstpointer b)
{
	const struct kc_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every symbol of /proc/kallsyms, or only its text ones, by address. */
static GArray *kc_syms(bool text_only)
{
	GArray *syms = g_array_new(FALSE, FALSE, sizeof(struct kc_sym));
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	struct kc_sym s;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &s.addr, &type, name) != 3 ||
		    (text_only && type != 't' && type != 'T'))
			continue;
		s.name = g_strdup(name);
		g_array_append_val(syms, s);
	}
	if (f)
		fclose(f);
	g_array_sort(syms, kc_sym_cmp);
	return syms;
}

static unsigned long kc_addr_of(GArray *syms, const char *name)
{
	for (guint i = 0; i < syms->len; i++)
		if (!strcmp(g_array_index(syms, struct kc_sym, i).name, name))
			return g_array_index(syms, struct kc_sym, i).addr;
	return 0;
}

static const char *kc_name_at(GArray *syms, unsigned long addr, unsigned long *off)
{
	guint lo = 0, hi = syms->len;

	if (!syms->len)
		return "?";
	while (hi - lo > 1) {
		guint mid = (lo + hi) / 2;

		if (g_array_index(syms, struct kc_sym, mid).addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - g_array_index(syms, struct kc_sym, lo).addr;
	return g_array_index(syms, struct kc_sym, lo).name;
}

static int kc_word(int n, char **names)
{
	GArray *syms = kc_syms(false);
	bool readable = kc_open();

	for (int i = 0; i < n; i++) {
		unsigned long va = kc_addr_of(syms, names[i]);
		guint32 w;

		if (readable && va && kc_read(va, &w, sizeof(w)))
			printf("%s=%u\n", names[i], w);
		else
			printf("%s=?\n", names[i]);
	}
	return 0;
}

static unsigned long kc_hex_file(const char *path)
{
	g_autofree char *text = NULL;

	return g_file_get_contents(path, &text, NULL, NULL) ? strtoul(text, NULL, 16) : 0;
}

/* A module's .text: from its start to the next section above it. */
static void kc_module_text(struct kc_range *r)
{
	g_autofree char *dir = g_strdup_printf("/sys/module/%s/sections", r->name);
	g_autofree char *text = g_build_filename(dir, ".text", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *e;

	r->start = kc_hex_file(text);
	r->end = ~0ul;
	while (d && (e = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, e, NULL);
		unsigned long a = kc_hex_file(path);

		if (a > r->start && a < r->end)
			r->end = a;
	}
	if (d)
		g_dir_close(d);
	if (!r->start || r->end == ~0ul)
		r->start = r->end = 0;
}

/* Writes each changed run of NOW against R->seen, at most 16 bytes a line. */
static void kc_compare(FILE *out, GArray *syms, struct kc_range *r, const guint8 *now, double t)
{
	size_t len = r->end - r->start;

	for (size_t i = 0; i < len; i++) {
		unsigned long off = 0;
		const char *name;
		size_t j = i;

		if (now[i] == r->seen[i])
			continue;
		while (j < len && j < i + 16 && now[j] != r->seen[j])
			j++;
		name = kc_name_at(syms, r->start + i, &off);
		fprintf(out, "%.3f %s %s+0x%lx old=", t, r->name, name, off);
		for (size_t k = i; k < j; k++)
			fprintf(out, "%02x", r->seen[k]);
		fputs(" new=", out);
		for (size_t k = i; k < j; k++)
			fprintf(out, "%02x", now[k]);
		fputc('\n', out);
		i = j - 1;
	}
}

static int kc_watch(int secs, const char *path)
{
	struct kc_range ranges[] = { { "vmlinux" }, { "kvm" }, { "kvm_amd" } };
	GArray *syms = kc_syms(true);
	FILE *out = fopen(path, "a");
	g_autofree guint8 *now = NULL;
	size_t max = 0;

	if (!out || !kc_open()) {
		perror("kcore watch");
		return 1;
	}
	ranges[0].start = kc_addr_of(syms, "_stext");
	ranges[0].end = kc_addr_of(syms, "_etext");
	kc_module_text(&ranges[1]);
	kc_module_text(&ranges[2]);
	for (size_t r = 0; r < G_N_ELEMENTS(ranges); r++) {
		size_t len = ranges[r].end - ranges[r].start;

		ranges[r].seen = g_malloc(len ? len : 1);
		if (!len || !kc_read(ranges[r].start, ranges[r].seen, len)) {
			fprintf(stderr, "kcore watch: cannot read the text of %s\n",
				ranges[r].name);
			return 1;
		}
		fprintf(out, "range %s %lx-%lx\n", ranges[r].name, ranges[r].start, ranges[r].end);
		max = MAX(max, len);
	}
	fflush(out);
	now = g_malloc(max);
	for (;;) {
		double t;

		sleep(secs);
		t = g_get_real_time() / 1e6;
		for (size_t r = 0; r < G_N_ELEMENTS(ranges); r++) {
			size_t len = ranges[r].end - ranges[r].start;

			if (!kc_read(ranges[r].start, now, len))
				continue;
			kc_compare(out, syms, &ranges[r], now, t);
			memcpy(ranges[r].seen, now, len);
		}
		fprintf(out, "%.3f tick\n", t);
		fflush(out);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "word"))
		return kc_word(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "watch") && atoi(argv[2]) > 0)
		return kc_watch(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: kcore word SYMBOL... | kcore watch SECS OUT\n");
	return 2;
}
