// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DSDT's AML: the devices a hardware-reduced ACPI guest cannot find
 * otherwise. With the FADT's HW_REDUCED_ACPI flag Linux sets up no legacy
 * PIC and so maps no ISA IRQ by itself: the UARTs and the RTC are declared
 * here with their ports and IRQs (edge, active high, as on the MP table's
 * ISA bus), and the PCI host bridge with the bus range and the I/O window
 * vipi's PCI bus decodes BARs in, so that Linux scans bus 0 through ACPI.
 * Only static objects (Name, Device, Scope): no method, nothing to run.
 */
#include <string.h>

#include "boot/boot.h"
#include "devices/devices.h"
#include "devices/pci.h"

#define AML_NAME     0x08
#define AML_BYTE     0x0a
#define AML_DWORD    0x0c
#define AML_SCOPE    0x10
#define AML_BUFFER   0x11
#define AML_EXT	     0x5b
#define AML_DEVICE   0x82 /* after AML_EXT */
#define AML_ROOT     0x5c /* '\' */
#define PCI_CFG_PORT 0xcf8

/* Resource descriptors (ACPI 6.5, 6.4): small IRQ, small I/O, large Word. */
#define RES_IRQ	     0x23
#define RES_IO	     0x47
#define RES_WORD     0x88
#define RES_END	     0x79
#define IRQ_EDGE_HI  0x01 /* edge, active high, exclusive */
#define IRQ_SHARED   0x10
#define WORD_IO	     1
#define WORD_BUS     2
#define WORD_WINDOW  0x0c /* producer, min and max fixed */
#define WORD_IO_BOTH 0x03 /* ISA and non-ISA ranges */

static void put16(GByteArray *a, uint16_t v)
{
	uint8_t b[] = { v, v >> 8 };

	g_byte_array_append(a, b, sizeof(b));
}

static void put8(GByteArray *a, uint8_t v)
{
	g_byte_array_append(a, &v, 1);
}

static void put_seg(GByteArray *a, const char *seg)
{
	g_byte_array_append(a, (const uint8_t *)seg, 4);
}

/* OP (1 or 2 bytes), PkgLength covering itself and BODY, then BODY. */
static void aml_pkg(GByteArray *out, const uint8_t *op, size_t oplen, GByteArray *body)
{
	size_t n = body->len < 63 ? 1 : body->len + 2 < 0x1000 ? 2 : 3;
	size_t len = body->len + n;

	g_byte_array_append(out, op, oplen);
	if (n == 1) {
		put8(out, len);
	} else {
		put8(out, (n - 1) << 6 | (len & 0xf));
		put8(out, len >> 4);
		if (n == 3)
			put8(out, len >> 12);
	}
	g_byte_array_append(out, body->data, body->len);
	g_byte_array_unref(body);
}

/* The compressed EISA ID of "PNPxxxx" as AML stores it. */
static uint32_t eisa_id(const char *id)
{
	uint32_t v = (id[0] - '@') << 26 | (id[1] - '@') << 21 | (id[2] - '@') << 16;

	v |= g_ascii_xdigit_value(id[3]) << 12 | g_ascii_xdigit_value(id[4]) << 8;
	v |= g_ascii_xdigit_value(id[5]) << 4 | g_ascii_xdigit_value(id[6]);
	/* Big-endian in the AML's little-endian DWord. */
	return GUINT32_SWAP_LE_BE(v);
}

static void name_hid(GByteArray *a, const char *id)
{
	uint32_t v = eisa_id(id);

	put8(a, AML_NAME);
	put_seg(a, "_HID");
	put8(a, AML_DWORD);
	put16(a, v);
	put16(a, v >> 16);
}

static void name_uid(GByteArray *a, uint8_t uid)
{
	put8(a, AML_NAME);
	put_seg(a, "_UID");
	put8(a, AML_BYTE);
	put8(a, uid);
}

/* Name (_CRS, Buffer () { RES, end tag }). Takes RES. */
static void name_crs(GByteArray *a, GByteArray *res)
{
	static const uint8_t op = AML_BUFFER;
	GByteArray *buf = g_byte_array_new();

	put8(res, RES_END);
	put8(res, 0); /* checksum 0: "treat as correct" */
	put8(buf, AML_BYTE);
	put8(buf, res->len);
	g_byte_array_append(buf, res->data, res->len);
	g_byte_array_unref(res);
	put8(a, AML_NAME);
	put_seg(a, "_CRS");
	aml_pkg(a, &op, 1, buf);
}

static void res_io(GByteArray *r, uint16_t base, uint8_t len)
{
	put8(r, RES_IO);
	put8(r, 1); /* 16-bit decode */
	put16(r, base);
	put16(r, base);
	put8(r, 1);
	put8(r, len);
}

static void res_irq(GByteArray *r, unsigned int irq, uint8_t flags)
{
	put8(r, RES_IRQ);
	put16(r, 1u << irq);
	put8(r, flags);
}

static void res_word(GByteArray *r, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	put8(r, RES_WORD);
	put16(r, 13);
	put8(r, type);
	put8(r, WORD_WINDOW);
	put8(r, tflags);
	put16(r, 0); /* granularity */
	put16(r, min);
	put16(r, max);
	put16(r, 0); /* translation */
	put16(r, max - min + 1);
}

static void device(GByteArray *scope, const char *name, GByteArray *body)
{
	static const uint8_t op[] = { AML_EXT, AML_DEVICE };
	GByteArray *named = g_byte_array_new();

	put_seg(named, name);
	g_byte_array_append(named, body->data, body->len);
	g_byte_array_unref(body);
	aml_pkg(scope, op, sizeof(op), named);
}

static void dev_uart(GByteArray *sb, const char *name, uint8_t uid, uint16_t port, unsigned int irq,
		     bool shared)
{
	GByteArray *d = g_byte_array_new(), *r = g_byte_array_new();

	name_hid(d, "PNP0501");
	name_uid(d, uid);
	res_io(r, port, 8);
	res_irq(r, irq, IRQ_EDGE_HI | (shared ? IRQ_SHARED : 0));
	name_crs(d, r);
	device(sb, name, d);
}

static void dev_rtc(GByteArray *sb)
{
	GByteArray *d = g_byte_array_new(), *r = g_byte_array_new();

	name_hid(d, "PNP0B00");
	res_io(r, 0x70, 2);
	res_irq(r, 8, IRQ_EDGE_HI);
	name_crs(d, r);
	device(sb, "RTC_", d);
}

static void dev_pci_root(GByteArray *sb)
{
	GByteArray *d = g_byte_array_new(), *r = g_byte_array_new();

	name_hid(d, "PNP0A03");
	name_uid(d, 0);
	res_word(r, WORD_BUS, 0, 0, 0xff);
	res_io(r, PCI_CFG_PORT, 8);
	res_word(r, WORD_IO, WORD_IO_BOTH, PCI_IO_WINDOW_BASE, PCI_IO_WINDOW_END - 1);
	name_crs(d, r);
	device(sb, "PCI0", d);
}

GByteArray *acpi_dsdt_aml(void)
{
	static const uint8_t op = AML_SCOPE;
	GByteArray *aml = g_byte_array_new(), *sb = g_byte_array_new();

	put8(sb, AML_ROOT);
	put_seg(sb, "_SB_");
	dev_pci_root(sb);
	/* ttyS0-2; COM3 shares IRQ 4 with COM1, as on PCs and in the MP table. */
	dev_uart(sb, "COM1", 1, SERIAL_COM1, SERIAL_IRQ_COM1, true);
	dev_uart(sb, "COM2", 2, SERIAL_COM2, SERIAL_IRQ_COM2, false);
	dev_uart(sb, "COM3", 3, SERIAL_COM3, SERIAL_IRQ_COM3, true);
	dev_rtc(sb);
	aml_pkg(aml, &op, 1, sb);
	return aml;
}
