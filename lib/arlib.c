// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "arlib.h"
#include "dl.h"

#define SYM(field, name) GK_DLSYM(struct gk_arlib, field, name)

static const struct gk_dlsym syms[] = {
	SYM(read_new, "archive_read_new"),
	SYM(read_support_filter_all, "archive_read_support_filter_all"),
	SYM(read_support_format_tar, "archive_read_support_format_tar"),
	SYM(read_support_format_gnutar, "archive_read_support_format_gnutar"),
	SYM(read_support_format_cpio, "archive_read_support_format_cpio"),
	SYM(read_open_filename, "archive_read_open_filename"),
	SYM(read_next_header, "archive_read_next_header"),
	SYM(read_data_block, "archive_read_data_block"),
	SYM(read_free, "archive_read_free"),
	SYM(error_string, "archive_error_string"),
	SYM(entry_pathname, "archive_entry_pathname"),
	SYM(entry_hardlink, "archive_entry_hardlink"),
	SYM(entry_symlink, "archive_entry_symlink"),
	SYM(entry_filetype, "archive_entry_filetype"),
	SYM(entry_size, "archive_entry_size"),
	SYM(write_new, "archive_write_new"),
	SYM(write_add_filter_gzip, "archive_write_add_filter_gzip"),
	SYM(write_set_format_pax_restricted,
	    "archive_write_set_format_pax_restricted"),
	SYM(write_set_bytes_in_last_block,
	    "archive_write_set_bytes_in_last_block"),
	SYM(write_open_FILE, "archive_write_open_FILE"),
	SYM(write_header, "archive_write_header"),
	SYM(write_data, "archive_write_data"),
	SYM(write_close, "archive_write_close"),
	SYM(write_free, "archive_write_free"),
	SYM(entry_new, "archive_entry_new"),
	SYM(entry_free, "archive_entry_free"),
	SYM(entry_set_pathname, "archive_entry_set_pathname"),
	SYM(entry_set_filetype, "archive_entry_set_filetype"),
	SYM(entry_set_perm, "archive_entry_set_perm"),
	SYM(entry_set_size, "archive_entry_set_size"),
};

int gk_arlib_open(struct gk_arlib *l, const char *what, struct gk_err *e)
{
	struct gk_err why = { 0 };
	int ret;

	memset(l, 0, sizeof(*l));
	ret = gk_dl_open(GK_ARLIB_SONAME, "libarchive13", syms,
			 GK_ARRAY_SIZE(syms), l, &l->handle, &why);
	if (ret < 0)
		return gk_fail(e, ret,
			       "%s: reading or writing a snapshot archive: %s",
			       what, why.msg);
	return 0;
}

void gk_arlib_close(struct gk_arlib *l)
{
	if (l->handle)
		dlclose(l->handle);
	memset(l, 0, sizeof(*l));
}
