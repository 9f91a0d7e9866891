// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gkerr.h"

static const char *const gk_errstr[GK_ERR_MAX_] = {
	[0] = "success",
	[GK_ERR_NOMEM] = "out of memory",
	[GK_ERR_IO] = "input/output error",
	[GK_ERR_NOENT] = "no such file",
	[GK_ERR_ACCESS] = "permission denied",
	[GK_ERR_LOCKDOWN] = "refused by kernel lockdown",
	[GK_ERR_STRICT_DEVMEM] = "refused by STRICT_DEVMEM",
	[GK_ERR_UNMAPPED] = "physical address not available",
	[GK_ERR_ESCAPE] = "path leaves the system root",
	[GK_ERR_BADFDT] = "malformed device tree blob",
	[GK_ERR_FORMAT] = "malformed input",
	[GK_ERR_INVAL] = "invalid argument",
	[GK_ERR_NOTFOUND] = "not found",
	[GK_ERR_CORRUPT] = "corrupt structure",
	[GK_ERR_TOOBIG] = "input too large",
	[GK_ERR_RANGE] = "address out of range",
};

const char *gk_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= GK_ERR_MAX_ || !gk_errstr[err])
		return "unknown error";
	return gk_errstr[err];
}

/*
 * A message is one line whatever it quotes: names taken from the input
 * (a PE section's, a compression's, a path) may hold any byte, and a
 * newline or an escape sequence in an operator's error line would forge
 * a second line or drive the terminal. Control bytes become '?', as ls -q
 * shows them.
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int gk_vfail(struct gk_err *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		one_line(e->msg);
	}
	return code;
}

int gk_fail(struct gk_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gk_vfail(e, code, fmt, ap);
	va_end(ap);
	return code;
}

void gk_err_prefix(struct gk_err *e, const char *fmt, ...)
{
	char prefix[GK_ERR_MSG_MAX / 2], old[GK_ERR_MSG_MAX];
	size_t plen, olen, room = sizeof(e->msg) - 1;
	va_list ap;

	if (!e)
		return;
	memcpy(old, e->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	one_line(prefix);
	/* "PREFIX: OLD"; an overlong line loses its end, not its start */
	plen = strlen(prefix);
	olen = strlen(old);
	memcpy(e->msg, prefix, plen);
	memcpy(e->msg + plen, ": ", 2);
	room -= plen + 2;
	if (olen > room)
		olen = room;
	memcpy(e->msg + plen + 2, old, olen);
	e->msg[plen + 2 + olen] = '\0';
}

void gk_err_clear(struct gk_err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

int gk_errno(int errnum)
{
	switch (errnum) {
	case ENOMEM:
		return -GK_ERR_NOMEM;
	case ENOENT:
	case ENOTDIR:
		return -GK_ERR_NOENT;
	case EPERM:
	case EACCES:
		return -GK_ERR_ACCESS;
	case ELOOP:
	case EXDEV:
		return -GK_ERR_ESCAPE;
	case EFBIG:
	case E2BIG:
		return -GK_ERR_TOOBIG;
	case EINVAL:
		return -GK_ERR_INVAL;
	default:
		return -GK_ERR_IO;
	}
}
