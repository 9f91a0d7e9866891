/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Little-endian loads from byte buffers. Firmware and GIC structures are
 * little-endian whatever the host is; going through bytes also avoids
 * unaligned access to buffers read from memory images.
 */
#ifndef GK_LE_H
#define GK_LE_H

#include <stdint.h>

static inline uint16_t gk_le16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t gk_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t gk_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)gk_le32(b) | (uint64_t)gk_le32(b + 4) << 32;
}

#endif
