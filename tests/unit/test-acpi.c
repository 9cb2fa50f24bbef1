// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI tables read back the way Linux finds them: RSDP -> XSDT -> FADT
 * (hardware-reduced, X_DSDT) and MADT; checksums, one enabled local APIC per
 * vCPU, the IOAPIC as in the MP table; the DSDT's AML walked object by
 * object down to each device's resources.
 */
#include <glib.h>
#include <string.h>

#include "boot/boot.h"
#include "devices/devices.h"
#include "devices/pci.h"

static uint8_t buf[BOOT_ACPI_MAX];

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* The table at GPA, checked: signature, length inside SIZE, checksum. */
static const uint8_t *table(uint64_t gpa, size_t size, const char *sig)
{
	const uint8_t *t;

	g_assert_cmpuint(gpa, >=, BOOT_ACPI_GPA);
	g_assert_cmpuint(gpa + ACPI_HDR_LEN, <=, BOOT_ACPI_GPA + size);
	t = buf + (gpa - BOOT_ACPI_GPA);
	g_assert_cmpmem(t, 4, sig, 4);
	g_assert_cmpuint(gpa + get32(t + 4), <=, BOOT_ACPI_GPA + size);
	g_assert_cmpuint(sum(t, get32(t + 4)), ==, 0);
	return t;
}

static void check_madt(const uint8_t *m, unsigned int ncpus)
{
	const uint8_t *p = m + ACPI_HDR_LEN + 8, *end = m + get32(m + 4);
	unsigned int cpus = 0, ioapics = 0, nmis = 0;

	g_assert_cmphex(get32(m + ACPI_HDR_LEN), ==, BOOT_LAPIC_GPA);
	while (p < end) {
		g_assert_cmpuint(p[1], >=, 2);
		switch (p[0]) {
		case 0: /* local APIC: UID, APIC ID, enabled */
			g_assert_cmpuint(p[1], ==, 8);
			g_assert_cmpuint(p[3], ==, cpus);
			g_assert_cmpuint(get32(p + 4) & 1, ==, 1);
			cpus++;
			break;
		case 1: /* IOAPIC: the MP table's ID, address, GSI base 0 */
			g_assert_cmpuint(p[1], ==, 12);
			g_assert_cmpuint(p[2], ==, ncpus);
			g_assert_cmphex(get32(p + 4), ==, BOOT_IOAPIC_GPA);
			g_assert_cmpuint(get32(p + 8), ==, 0);
			ioapics++;
			break;
		case 4: /* local APIC NMI on LINT1, all CPUs */
			g_assert_cmpuint(p[2], ==, 0xff);
			g_assert_cmpuint(p[5], ==, 1);
			nmis++;
			break;
		default: /* no interrupt source override: ISA IRQs are 1:1 */
			g_assert_not_reached();
		}
		p += p[1];
	}
	g_assert_true(p == end);
	g_assert_cmpuint(cpus, ==, ncpus);
	g_assert_cmpuint(ioapics, ==, 1);
	g_assert_cmpuint(nmis, ==, 1);
}

/* AML PkgLength at *P: returns the package's end, advances *P past it. */
static const uint8_t *pkg_end(const uint8_t **p)
{
	const uint8_t *start = *p;
	unsigned int n = **p >> 6, len = n ? **p & 0xf : **p & 0x3f;

	for (unsigned int i = 1; i <= n; i++)
		len |= start[i] << (4 + 8 * (i - 1));
	*p += n + 1;
	return start + len;
}

struct dev {
	char name[5];
	uint32_t hid;
	unsigned int ports[4], nports, irqs, bus_max, io_min, io_max;
};

static void walk_crs(const uint8_t *r, const uint8_t *end, struct dev *d)
{
	while (r < end && r[0] != 0x79) {
		if (r[0] == 0x47) {
			g_assert_cmpuint(get16(r + 2), ==, get16(r + 4));
			d->ports[d->nports++] = get16(r + 2);
			r += 8;
		} else if (r[0] == 0x23) {
			g_assert_cmpuint(r[3] & 0x09, ==, 0x01); /* edge, active high */
			d->irqs |= get16(r + 1);
			r += 4;
		} else {
			g_assert_cmpuint(r[0], ==, 0x88);
			if (r[3] == 2)
				d->bus_max = get16(r + 10);
			else if (r[3] == 1)
				d->io_min = get16(r + 8), d->io_max = get16(r + 10);
			r += 3 + get16(r + 1);
		}
	}
	g_assert_true(r + 2 == end); /* the end tag closes the buffer */
}

/* One Device (...) { Name ... }: its name, _HID and _CRS. */
static void walk_device(const uint8_t *p, const uint8_t *end, struct dev *d)
{
	memcpy(d->name, p, 4);
	for (p += 4; p < end;) {
		const uint8_t *obj_end;

		g_assert_cmpuint(*p++, ==, 0x08); /* NameOp */
		if (!memcmp(p, "_HID", 4)) {
			g_assert_cmpuint(p[4], ==, 0x0c);
			d->hid = get32(p + 5);
			p += 9;
		} else if (!memcmp(p, "_UID", 4)) {
			g_assert_cmpuint(p[4], ==, 0x0a);
			p += 6;
		} else {
			g_assert_cmpmem(p, 4, "_CRS", 4);
			g_assert_cmpuint(p[4], ==, 0x11); /* Buffer */
			p += 5;
			obj_end = pkg_end(&p);
			g_assert_cmpuint(p[0], ==, 0x0a);
			g_assert_true(p + 2 + p[1] == obj_end);
			walk_crs(p + 2, obj_end, d);
			p = obj_end;
		}
	}
	g_assert_true(p == end);
}

static const struct dev *find(const struct dev *devs, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(devs[i].name, name))
			return &devs[i];
	g_assert_not_reached();
}

static void check_dsdt(const uint8_t *t)
{
	const uint8_t *p = t + ACPI_HDR_LEN, *end = t + get32(t + 4);
	struct dev devs[8] = { 0 };
	unsigned int n = 0;
	const struct dev *d;

	g_assert_cmpuint(*p++, ==, 0x10); /* Scope (\_SB_) spans the table */
	g_assert_true(pkg_end(&p) == end);
	g_assert_cmpmem(p, 5, "\\_SB_", 5);
	for (p += 5; p < end; n++) {
		const uint8_t *dev_end;

		g_assert_cmpuint(n, <, G_N_ELEMENTS(devs));
		g_assert_cmpuint(p[0], ==, 0x5b);
		g_assert_cmpuint(p[1], ==, 0x82);
		p += 2;
		dev_end = pkg_end(&p);
		walk_device(p, dev_end, &devs[n]);
		p = dev_end;
	}
	g_assert_true(p == end);
	/* EISA IDs as the ACPI spec encodes them: PNP0A03, PNP0501, PNP0B00. */
	d = find(devs, n, "PCI0");
	g_assert_cmphex(d->hid, ==, 0x030ad041);
	g_assert_cmpuint(d->bus_max, ==, 0xff);
	g_assert_cmphex(d->io_min, ==, PCI_IO_WINDOW_BASE);
	g_assert_cmphex(d->io_max, ==, PCI_IO_WINDOW_END - 1);
	g_assert_cmphex(d->ports[0], ==, 0xcf8);
	d = find(devs, n, "COM1");
	g_assert_cmphex(d->hid, ==, 0x0105d041);
	g_assert_cmphex(d->ports[0], ==, SERIAL_COM1);
	g_assert_cmphex(d->irqs, ==, 1u << SERIAL_IRQ_COM1);
	d = find(devs, n, "COM2");
	g_assert_cmphex(d->ports[0], ==, SERIAL_COM2);
	g_assert_cmphex(d->irqs, ==, 1u << SERIAL_IRQ_COM2);
	d = find(devs, n, "COM3");
	g_assert_cmphex(d->ports[0], ==, SERIAL_COM3);
	g_assert_cmphex(d->irqs, ==, 1u << SERIAL_IRQ_COM3);
	d = find(devs, n, "RTC_");
	g_assert_cmphex(d->hid, ==, 0x000bd041);
	g_assert_cmphex(d->ports[0], ==, 0x70);
	g_assert_cmphex(d->irqs, ==, 1u << 8);
}

static void check(unsigned int ncpus)
{
	size_t size;
	const uint8_t *x, *fadt = NULL, *madt = NULL;

	memset(buf, 0xcc, sizeof(buf));
	size = acpi_build(buf, sizeof(buf), BOOT_ACPI_GPA, ncpus);
	g_assert_cmpuint(size, >, 0);
	/* RSDP: ACPI 2.0, both checksums, an XSDT and no RSDT. */
	g_assert_cmpmem(buf, 8, "RSD PTR ", 8);
	g_assert_cmpuint(sum(buf, 20), ==, 0);
	g_assert_cmpuint(buf[15], ==, 2);
	g_assert_cmpuint(get32(buf + 20), ==, ACPI_RSDP_LEN);
	g_assert_cmpuint(sum(buf, ACPI_RSDP_LEN), ==, 0);
	g_assert_cmpuint(get32(buf + 16), ==, 0);
	x = table(get64(buf + 24), size, "XSDT");
	for (unsigned int off = ACPI_HDR_LEN; off < get32(x + 4); off += 8) {
		const uint8_t *t = buf + (get64(x + off) - BOOT_ACPI_GPA);

		if (!memcmp(t, "FACP", 4))
			fadt = table(get64(x + off), size, "FACP");
		else
			madt = table(get64(x + off), size, "APIC");
	}
	g_assert_nonnull(fadt);
	g_assert_nonnull(madt);
	g_assert_cmpuint(get32(fadt + 4), ==, ACPI_FADT_LEN);
	g_assert_cmphex(get32(fadt + ACPI_FADT_FLAGS), ==, ACPI_FADT_HW_REDUCED);
	g_assert_cmphex(get16(fadt + ACPI_FADT_BOOT_ARCH), ==, ACPI_BOOT_8042);
	check_madt(madt, ncpus);
	check_dsdt(table(get64(fadt + ACPI_FADT_X_DSDT), size, "DSDT"));
}

static void test_counts(void)
{
	static const unsigned int n[] = { 1, 2, 3, 8, 64, 254 };

	for (size_t i = 0; i < G_N_ELEMENTS(n); i++)
		check(n[i]);
}

static void test_limits(void)
{
	g_assert_cmpuint(acpi_build(buf, 64, BOOT_ACPI_GPA, 1), ==, 0);
	g_assert_cmpuint(acpi_build(buf, sizeof(buf), BOOT_ACPI_GPA, 0), ==, 0);
	g_assert_cmpuint(acpi_build(buf, sizeof(buf), BOOT_ACPI_GPA, 255), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/acpi/counts", test_counts);
	g_test_add_func("/acpi/limits", test_limits);
	return g_test_run();
}
