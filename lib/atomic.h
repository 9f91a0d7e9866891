/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write a whole file or nothing: the content goes to a temporary file in
 * the same directory, which is renamed over the destination once it is
 * complete, so a reader (node_exporter, gicdiag, kexec -e) never sees half
 * of it and a failure leaves nothing behind.
 */
#ifndef GK_ATOMIC_H
#define GK_ATOMIC_H

#include <stdio.h>
#include <sys/types.h>

#include "gkerr.h"

/* Writes the content; returns 0, or a negative GK_ERR_* code. */
typedef int (*gk_fill_fn)(FILE *out, void *arg);

/**
 * gk_atomic_write - write @path through @fill
 * @path: the destination; "-" writes to standard output
 * @mode: permissions of the new file
 * @fill: writes the content
 * @arg: for @fill
 * @e: failure detail ("PATH: reason"), or NULL
 *
 * returns: 0, or a negative GK_ERR_* code; the destination is unchanged on
 * failure and no temporary file is left
 */
int gk_atomic_write(const char *path, mode_t mode, gk_fill_fn fill, void *arg,
		    struct gk_err *e);

#endif
