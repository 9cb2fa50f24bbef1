// SPDX-License-Identifier: GPL-2.0-only
/*
 * kcore-word SYMBOL...: prints "SYMBOL=N" for each, N the 32-bit word at the
 * symbol's address in the running kernel (/proc/kallsyms, /proc/kcore), or
 * "SYMBOL=?" when either cannot say. A static key's first word is its enable
 * count: tests/lab/lab-kvm-status.sh checks that the lab holds the keys VMs
 * would flip (vmm/lab/pin.c). Root only.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The address of NAME (a symbol of the kernel or of a module), or 0. */
static unsigned long kword_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long a, found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name))
			found = a;
	if (f)
		fclose(f);
	return found;
}

/* The word at kernel address VA, through /proc/kcore's program headers. */
static int kword_read(int kcore, unsigned long va, uint32_t *out)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(kcore, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return -1;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (pread(kcore, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)) != sizeof(ph))
			return -1;
		if (ph.p_type != PT_LOAD || va < ph.p_vaddr || va + 4 > ph.p_vaddr + ph.p_memsz)
			continue;
		return pread(kcore, out, 4, ph.p_offset + (va - ph.p_vaddr)) == 4 ? 0 : -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int kcore = open("/proc/kcore", O_RDONLY | O_CLOEXEC);

	for (int i = 1; i < argc; i++) {
		unsigned long va = kword_addr(argv[i]);
		uint32_t w;

		if (kcore >= 0 && va && !kword_read(kcore, va, &w))
			printf("%s=%u\n", argv[i], w);
		else
			printf("%s=?\n", argv[i]);
	}
	return 0;
}
