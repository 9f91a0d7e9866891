/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write a whole file or nothing: the content goes to a temporary file in
 * the same directory, which is synced and renamed over the destination once
 * it is complete, so a reader (node_exporter, gicdiag, kexec -e) never sees
 * half of it and a failure leaves nothing behind. Every file gic-kexec
 * writes for another program goes through here.
 */
#ifndef GK_ATOMIC_H
#define GK_ATOMIC_H

#include <stdio.h>
#include <sys/types.h>

#include "gkerr.h"

/*
 * Writes the content to @out; returns 0, or a negative GK_ERR_* code and
 * says why in @e. A failed write of @out need not be reported: the caller
 * checks the stream and names it.
 */
typedef int (*gk_fill_fn)(FILE *out, void *arg, struct gk_err *e);

/**
 * gk_atomic_write - write @path through @fill
 * @path: the destination
 * @mode: permissions of the new file (the umask applies)
 * @fill: writes the content
 * @arg: for @fill
 * @e: failure detail ("PATH: reason"), or NULL
 *
 * returns: 0, or a negative GK_ERR_* code; on failure the destination is
 * unchanged, no temporary file is left and nothing stays open
 */
int gk_atomic_write(const char *path, mode_t mode, gk_fill_fn fill, void *arg,
		    struct gk_err *e);

#endif
