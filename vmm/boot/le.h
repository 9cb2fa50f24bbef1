/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Little-endian stores into guest-visible tables (the zero page, MP and
 * ACPI tables, page tables): byte by byte, so that neither alignment nor the
 * host's byte order matters.
 */
#ifndef VIPI_BOOT_LE_H
#define VIPI_BOOT_LE_H

#include <stdint.h>

static inline void le_put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void le_put32(uint8_t *p, uint32_t v)
{
	le_put16(p, v);
	le_put16(p + 2, v >> 16);
}

static inline void le_put64(uint8_t *p, uint64_t v)
{
	le_put32(p, v);
	le_put32(p + 4, v >> 32);
}

#endif
