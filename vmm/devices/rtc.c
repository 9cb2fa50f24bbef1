// SPDX-License-Identifier: GPL-2.0-only
/*
 * A read-only MC146818 CMOS clock at ports 0x70/0x71, giving the host's
 * UTC time. Without it Linux reads all ones, sees "update in progress"
 * forever and spins on the ports for tens of thousands of exits at boot.
 */
#include <glib.h>
#include <string.h>
#include <time.h>

#include "devices/devices.h"
#include "kvm/io.h"

#define RTC_INDEX   0x70
#define RTC_DATA    0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS   0x04
#define RTC_WDAY    0x06
#define RTC_MDAY    0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_REG_D   0x0d
#define RTC_CENTURY 0x32

#define REG_A_DV_32K 0x20 /* divider on, no update in progress */
#define REG_B_24H    0x02
#define REG_D_VRT    0x80 /* battery good */

static uint8_t bcd(unsigned int v)
{
	return (v / 10) << 4 | (v % 10);
}

static uint8_t rtc_reg(unsigned int reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return bcd(tm.tm_sec);
	case RTC_MINUTES:
		return bcd(tm.tm_min);
	case RTC_HOURS:
		return bcd(tm.tm_hour);
	case RTC_WDAY:
		return bcd(tm.tm_wday + 1);
	case RTC_MDAY:
		return bcd(tm.tm_mday);
	case RTC_MONTH:
		return bcd(tm.tm_mon + 1);
	case RTC_YEAR:
		return bcd(tm.tm_year % 100);
	case RTC_CENTURY:
		return bcd((tm.tm_year + 1900) / 100);
	case RTC_REG_A:
		return REG_A_DV_32K;
	case RTC_REG_B:
		return REG_B_24H;
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return 0; /* alarms, flags (C) and CMOS RAM: empty */
	}
}

static void rtc_io(void *opaque, uint64_t off, void *data, unsigned int len, bool write)
{
	struct devices *d = opaque;
	uint8_t *p = data;

	if (len != 1) {
		if (!write)
			memset(data, 0xff, len);
		return;
	}
	if (off == 0 && write)
		atomic_store(&d->rtc_index, *p & 0x7f); /* bit 7 is the NMI mask */
	else if (off == 0)
		*p = 0xff;
	else if (!write)
		*p = rtc_reg(atomic_load(&d->rtc_index));
}

static const struct io_ports rtc_ports[] = { { RTC_INDEX, 2, rtc_io } };

const struct device rtc_device = {
	.name = "rtc",
	.ports = rtc_ports,
	.nr_ports = G_N_ELEMENTS(rtc_ports),
};
