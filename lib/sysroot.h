/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every system path (/sys, /proc, /dev) is opened through a sysroot: "/"
 * on a live system, or a snapshot directory that mirrors it. A snapshot
 * can never make us open a file outside it: symbolic links and ".." are
 * resolved as if the snapshot were the root (RESOLVE_IN_ROOT).
 */
#ifndef GK_SYSROOT_H
#define GK_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "gkerr.h"

struct sysroot;

/* sysroot_new() flags */
#define SYSROOT_NO_OPENAT2 \
	0x1 /* resolve in user space (tests, old kernels)   \
				*/

/**
 * sysroot_new - open a system root
 * @dir: snapshot directory, or NULL for the live system
 * @flags: SYSROOT_* flags
 * @out: the new sysroot
 * @e: failure detail, or NULL
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_NOENT when @dir is not a
 * directory)
 */
int sysroot_new(const char *dir, unsigned int flags, struct sysroot **out,
		struct gk_err *e);

/**
 * sysroot_free - close a system root (NULL is ignored)
 */
void sysroot_free(struct sysroot *sr);

/**
 * sysroot_is_live - whether @sr is the running system
 */
bool sysroot_is_live(const struct sysroot *sr);

/**
 * sysroot_open - open a system path under the root
 * @sr: the root
 * @path: absolute path as on a live system ("/proc/iomem")
 * @flags: open(2) flags; O_CLOEXEC is added, O_CREAT is refused
 * @e: failure detail, or NULL
 *
 * returns: a file descriptor, or a negative GK_ERR_* code
 */
int sysroot_open(const struct sysroot *sr, const char *path, int flags,
		 struct gk_err *e);

/**
 * sysroot_read_file - read a whole file under the root
 * @sr: the root
 * @path: absolute path as on a live system
 * @max: largest size accepted; a larger file fails with -GK_ERR_TOOBIG
 * @buf: the contents, NUL-terminated, to be freed by the caller
 * @len: the size read (without the terminating NUL)
 * @e: failure detail, or NULL
 *
 * Works on files whose st_size is 0 or a page (sysfs, procfs).
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int sysroot_read_file(const struct sysroot *sr, const char *path, size_t max,
		      char **buf, size_t *len, struct gk_err *e);

/**
 * sysroot_label - the root itself as the operator gave it (a directory or
 * an archive's file name), for messages about the whole root
 * @sr: the root
 * @buf: output buffer
 * @size: size of @buf
 *
 * returns: @buf
 */
const char *sysroot_label(const struct sysroot *sr, char *buf, size_t size);

/**
 * sysroot_name - the name of @path as shown to the operator
 * @sr: the root
 * @path: absolute path as on a live system
 * @buf: output buffer
 * @size: size of @buf
 *
 * A live path is shown as it is; a snapshot path with the snapshot
 * directory in front.
 *
 * returns: @buf
 */
const char *sysroot_name(const struct sysroot *sr, const char *path, char *buf,
			 size_t size);

/**
 * sysroot_unname - @text with the snapshot's name taken out of its paths
 * @sr: the root
 * @text: output that may name files of the snapshot
 *
 * "SNAP/dev/kmsg" and "SNAP.tar.gz:/dev/kmsg" become "/dev/kmsg", as a
 * live run names them: a replay prints what the live run printed.
 *
 * returns: a new string (the caller frees it), or NULL when out of memory
 */
char *sysroot_unname(const struct sysroot *sr, const char *text);

/**
 * sysroot_dir - the snapshot directory as given, or "" when live
 */
const char *sysroot_dir(const struct sysroot *sr);

/**
 * sysroot_fd - the snapshot root's directory fd, for self-confinement
 *
 * returns: the fd, -1 when live
 */
int sysroot_fd(const struct sysroot *sr);

/**
 * sysroot_scratch - an archive's unpacked copy, removed by sysroot_free()
 *
 * returns: its directory, NULL when there is none
 */
const char *sysroot_scratch(const struct sysroot *sr);

#endif
