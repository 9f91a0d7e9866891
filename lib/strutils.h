/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers as operators write them, and back. */
#ifndef GK_STRUTILS_H
#define GK_STRUTILS_H

#include <stddef.h>
#include <stdint.h>

/**
 * gk_hexval - the value of a hex digit, or -1
 */
static inline int gk_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * gk_parse_u64 - parse an address or size
 * @s: decimal, 0x-hex or 0-octal, with an optional K, M, G, T (or KiB,
 *     MiB, GiB, TiB) binary suffix
 * @v: the value
 *
 * returns: 0, or -GK_ERR_INVAL for junk or overflow
 */
int gk_parse_u64(const char *s, uint64_t *v);

/**
 * gk_size_human - format a size the way lsmem does ("64K", "1.5G")
 * @size: bytes
 * @buf: output
 * @len: size of @buf
 *
 * returns: @buf
 */
const char *gk_size_human(uint64_t size, char *buf, size_t len);

#endif
