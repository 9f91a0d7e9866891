/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libarchive, loaded when a snapshot archive is read or written. Linking
 * it would pull libxml2 and ICU (30 MiB) into every image gicdiag goes
 * in, a crash kernel's initrd among them, for a feature used off-line.
 */
#ifndef GK_ARLIB_H
#define GK_ARLIB_H

#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>

#include "gkerr.h"

#define GK_ARLIB_SONAME "libarchive.so.13"

struct gk_arlib {
	void *handle;
	/* reading */
	struct archive *(*read_new)(void);
	int (*read_support_filter_all)(struct archive *);
	int (*read_support_format_tar)(struct archive *);
	int (*read_support_format_gnutar)(struct archive *);
	int (*read_support_format_cpio)(struct archive *);
	int (*read_open_filename)(struct archive *, const char *, size_t);
	int (*read_next_header)(struct archive *, struct archive_entry **);
	int (*read_data_block)(struct archive *, const void **, size_t *,
			       la_int64_t *);
	int (*read_free)(struct archive *);
	const char *(*error_string)(struct archive *);
	const char *(*entry_pathname)(struct archive_entry *);
	const char *(*entry_hardlink)(struct archive_entry *);
	const char *(*entry_symlink)(struct archive_entry *);
	mode_t (*entry_filetype)(struct archive_entry *);
	la_int64_t (*entry_size)(struct archive_entry *);
	/* writing */
	struct archive *(*write_new)(void);
	int (*write_add_filter_gzip)(struct archive *);
	int (*write_set_format_pax_restricted)(struct archive *);
	int (*write_set_bytes_in_last_block)(struct archive *, int);
	int (*write_open_FILE)(struct archive *, FILE *);
	int (*write_header)(struct archive *, struct archive_entry *);
	la_ssize_t (*write_data)(struct archive *, const void *, size_t);
	int (*write_close)(struct archive *);
	int (*write_free)(struct archive *);
	struct archive_entry *(*entry_new)(void);
	void (*entry_free)(struct archive_entry *);
	void (*entry_set_pathname)(struct archive_entry *, const char *);
	void (*entry_set_filetype)(struct archive_entry *, unsigned int);
	void (*entry_set_perm)(struct archive_entry *, mode_t);
	void (*entry_set_size)(struct archive_entry *, la_int64_t);
};

/**
 * gk_arlib_open - load libarchive and resolve every function above
 * @l: output; gk_arlib_close() it
 * @what: the file that needs it, for the message
 *
 * returns: 0, or -GK_ERR_NOTFOUND with @e naming the library to install
 */
int gk_arlib_open(struct gk_arlib *l, const char *what, struct gk_err *e);
void gk_arlib_close(struct gk_arlib *l);

#endif
