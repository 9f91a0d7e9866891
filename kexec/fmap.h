/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kernel or initrd file in memory without a copy: a regular file is
 * mapped read-only (MAP_PRIVATE), so its pages are the page cache's and a
 * raw Image or an initrd goes to kexec_load(2) straight from there. What
 * cannot be mapped (a pipe, a /proc file, an empty file) is read.
 */
#ifndef GK_KEXEC_FMAP_H
#define GK_KEXEC_FMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"

struct kx_fmap {
	uint8_t *data; /* the file's bytes; never NULL once opened */
	size_t len;    /* how many */
	size_t maplen; /* > 0: @data is an mmap of this length; 0: malloc'd */
};

/**
 * kx_fmap_open - the whole of the file at @path, mapped or read
 * @path: a host path (also a pipe, /dev/fd/N, a /proc file)
 * @max: the most bytes it may have
 * @m: output; release with kx_fmap_close()
 * @e: failure detail, one line naming @path
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_TOOBIG past @max)
 */
int kx_fmap_open(const char *path, uint64_t max, struct kx_fmap *m,
		 struct gk_err *e);

/* kx_fmap_open() of an open descriptor (@name for messages); @fd stays open */
int kx_fmap_fd(int fd, const char *name, uint64_t max, struct kx_fmap *m,
	       struct gk_err *e);

/* Unmap or free; a zeroed or closed @m is ignored. */
void kx_fmap_close(struct kx_fmap *m);

/* Is [@p, @p + @len) inside @m's bytes? */
bool kx_fmap_holds(const struct kx_fmap *m, const void *p, size_t len);

#endif
