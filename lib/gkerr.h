/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error codes shared by every gic-kexec library, and the one-line message
 * that goes with a failure.
 *
 * Functions return 0 (or a count, or an fd) on success and a negative
 * GK_ERR_* code on failure, in the libfdt manner. The code says what kind of
 * failure it was, so callers can map it to an exit status; the optional
 * struct gk_err says where and why, in one line, for the operator.
 */
#ifndef GK_GKERR_H
#define GK_GKERR_H

#include <stdarg.h>
#include <stddef.h>

enum {
	GK_ERR_NOMEM = 1,     /* out of memory */
	GK_ERR_IO,	      /* a read failed */
	GK_ERR_NOENT,	      /* a file or directory does not exist */
	GK_ERR_ACCESS,	      /* permission denied (root, CAP_SYS_RAWIO) */
	GK_ERR_LOCKDOWN,      /* kernel lockdown refuses the access */
	GK_ERR_STRICT_DEVMEM, /* /dev/mem mmap refused (STRICT_DEVMEM) */
	GK_ERR_UNMAPPED,      /* physical address not available here */
	GK_ERR_ESCAPE,	      /* a path would leave the system root */
	GK_ERR_BADFDT,	      /* malformed device tree blob */
	GK_ERR_FORMAT,	      /* malformed input of another kind */
	GK_ERR_INVAL,	      /* bad argument */
	GK_ERR_NOTFOUND,      /* the thing looked for is not there */
	GK_ERR_CORRUPT,	      /* a structure that breaks its consumer */
	GK_ERR_TOOBIG,	      /* input over a sanity bound */
	GK_ERR_RANGE,	      /* address outside RAM or overflowing */
	GK_ERR_MAX_,
};

#define GK_ERR_MSG_MAX 512

/**
 * struct gk_err - where and why an operation failed
 * @code: the negative GK_ERR_* code, 0 when nothing failed
 * @msg: one line, no trailing newline, naming the file or address
 */
struct gk_err {
	int code;
	char msg[GK_ERR_MSG_MAX];
};

/**
 * gk_strerror - describe an error code
 * @err: a negative GK_ERR_* code (a positive one is accepted too)
 *
 * returns: a static string, never NULL
 */
const char *gk_strerror(int err);

/**
 * gk_fail - record a failure and return its code
 * @e: where to record it, or NULL
 * @code: negative GK_ERR_* code
 * @fmt: printf format of the one-line message
 *
 * returns: @code, so callers can write "return gk_fail(e, ...);"
 */
int gk_fail(struct gk_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * gk_vfail - va_list form of gk_fail()
 */
int gk_vfail(struct gk_err *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/**
 * gk_err_prefix - prepend "PREFIX: " to a recorded message
 * @e: the record, or NULL
 * @fmt: printf format of the prefix
 */
void gk_err_prefix(struct gk_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * gk_err_clear - forget a recorded failure
 */
void gk_err_clear(struct gk_err *e);

/**
 * gk_errno - map an errno value to a GK_ERR_* code
 * @errnum: a positive errno value
 *
 * returns: a negative GK_ERR_* code
 */
int gk_errno(int errnum);

#define GK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
