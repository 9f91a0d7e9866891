/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract of a fuzz target: gk_fuzz_one() parses one input and
 * checks the parser's promises (no crash, a failure with a one-line
 * message, a result that is well formed). fuzz-main.c turns it into a
 * libFuzzer target (-DGK_LIBFUZZER) or a TAP replay program.
 */
#ifndef GK_FUZZ_H
#define GK_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gkerr.h"

/* Physical memory at @base held in the fuzz input (an eft_reader). */
struct gk_fuzz_mem {
	const uint8_t *data;
	size_t size;
	uint64_t base;
};

static inline int gk_fuzz_mem_read(void *d, uint64_t pa, void *buf, size_t len,
				   struct gk_err *e)
{
	const struct gk_fuzz_mem *m = d;

	if (pa < m->base || pa - m->base > m->size ||
	    len > m->size - (pa - m->base))
		return gk_fail(e, -GK_ERR_UNMAPPED, "fuzz: 0x%llx not captured",
			       (unsigned long long)pa);
	memcpy(buf, m->data + (pa - m->base), len);
	return 0;
}

static inline const char *gk_fuzz_mem_name(void *d)
{
	(void)d;
	return "fuzz";
}

/* returns: false when a promise was broken */
bool gk_fuzz_one(const uint8_t *data, size_t size);

/* A failure must carry its code and exactly one line of text. */
static inline bool gk_fuzz_failed_well(int ret, const struct gk_err *e)
{
	return ret < 0 && ret > -GK_ERR_MAX_ && e->code == ret && e->msg[0] &&
	       !strchr(e->msg, '\n');
}

#endif
