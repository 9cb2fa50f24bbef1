// SPDX-License-Identifier: GPL-2.0-only
/*
 * vipi-ctl PORT BYTE: one outb to an I/O port, for the guest's /init.
 *
 * /init reports to vipi's control port (vmm/devices/ctl.c) with busybox dd
 * to /dev/port, which Debian's cloud kernels do not have (no CONFIG_DEVPORT);
 * they do have CONFIG_X86_IOPL_IOPERM, so this helper asks for the one port
 * with ioperm() and writes it. No libc (raw system calls, its own _start):
 * a few kilobytes in the initramfs, built by guest/kit/mkinitramfs.sh.
 * Exit status 0, or 1 after one line on stderr (/init then tries dd).
 */
#define SYS_WRITE 1
#define SYS_EXIT 60
#define SYS_IOPERM 173

/* The kernel's entry stack: argc, argv[], NULL. Aligned, then C. */
__asm__(".globl _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call vipi_ctl_main\n"
	"	hlt\n");

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void fail(const char *msg)
{
	long len = 0;

	while (msg[len])
		len++;
	sys3(SYS_WRITE, 2, (long)msg, len);
	sys3(SYS_EXIT, 1, 0, 0);
	__builtin_unreachable();
}

/* A decimal number up to MAX, or -1. */
static long number(const char *s, long max)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

__attribute__((noreturn, used)) void vipi_ctl_main(long *sp)
{
	char **argv = (char **)(sp + 1);
	long port, byte;

	if (sp[0] != 3)
		fail("usage: vipi-ctl PORT BYTE (decimal)\n");
	port = number(argv[1], 0xffff);
	byte = number(argv[2], 0xff);
	if (port < 0 || byte < 0)
		fail("vipi-ctl: PORT 0-65535, BYTE 0-255, in decimal\n");
	if (sys3(SYS_IOPERM, port, 1, 1))
		fail("vipi-ctl: ioperm failed (no CONFIG_X86_IOPL_IOPERM?)\n");
	__asm__ volatile("outb %b0, %w1" : : "a"(byte), "Nd"(port));
	sys3(SYS_EXIT, 0, 0, 0);
	__builtin_unreachable();
}
