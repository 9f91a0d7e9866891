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

/* returns: false when a promise was broken */
bool gk_fuzz_one(const uint8_t *data, size_t size);

/* A failure must carry its code and exactly one line of text. */
static inline bool gk_fuzz_failed_well(int ret, const struct gk_err *e)
{
	return ret < 0 && ret > -GK_ERR_MAX_ && e->code == ret && e->msg[0] &&
	       !strchr(e->msg, '\n');
}

#endif
