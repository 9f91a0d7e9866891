/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file descriptors kexec_file_load(2) is given. arm64's kexec_file
 * takes only an uncompressed Image (image_probe in the kernel's
 * kexec_image.c; neither a zboot PE nor a UKI), so whatever else kexec
 * reads is decompressed into a sealed memfd first.
 */
#ifndef GK_KEXEC_FILEFD_H
#define GK_KEXEC_FILEFD_H

#include "gkerr.h"
#include "plan.h"

/**
 * kx_file_fds - open the kernel and initrd for kexec_file_load
 * @o: the options: @o->kernel, @o->initrd
 * @kernel_fd: output: a raw Image's own file, opened read-only (so that
 *	       IMA's xattrs and appended signatures apply to the file as on
 *	       disk); for an Image.gz, an EFI zboot, a vmlinux ELF or a
 *	       UKI's .linux, a memfd holding the Image, sealed against any
 *	       change (F_SEAL_WRITE, SHRINK, GROW and SEAL). A signed
 *	       Image ends at its certificate table (kx_image_file_size).
 * @initrd_fd: output: @o->initrd opened read-only; else a UKI's .initrd
 *	       in a sealed memfd; else -1, and the caller passes
 *	       KEXEC_FILE_NO_INITRAMFS
 * @e: failure detail, one line naming the file
 *
 * No temporary file is written. Both descriptors are close-on-exec and
 * the caller closes them; on failure both are -1.
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int kx_file_fds(const struct kx_opts *o, int *kernel_fd, int *initrd_fd,
		struct gk_err *e);

/**
 * kx_file_fds_plan - kx_file_fds() for a load already planned from @o
 * @p: the kexec_load plan built from @o, or NULL: a kernel that had to be
 *     decoded is taken from @p's kernel segment (and a UKI's .initrd from
 *     its initrd segment) rather than decoded again
 *
 * returns: as kx_file_fds()
 */
int kx_file_fds_plan(const struct kx_opts *o, const struct kx_plan *p,
		     int *kernel_fd, int *initrd_fd, struct gk_err *e);

/**
 * kx_sealed_memfd - a memfd holding @len bytes of @buf, sealed
 * @name: the memfd's name (shown in /proc/PID/fd)
 * @fd: output
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int kx_sealed_memfd(const char *name, const void *buf, size_t len, int *fd,
		    struct gk_err *e);

#endif
