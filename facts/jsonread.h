/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a whole JSON file with json-c: the boot record and our kexec's
 * manifests, both files a crash or a full disk may have cut short.
 */
#ifndef GK_JSONREAD_H
#define GK_JSONREAD_H

#include <json-c/json.h>
#include <stddef.h>

#include "gkerr.h"

/**
 * gk_json_parse_whole - @buf (@len bytes, read from @file) as one JSON
 * value with nothing after it but white space. A NUL byte, a value cut
 * short or anything after it is -GK_ERR_FORMAT naming @file. On success
 * *@out is the caller's (json_object_put()).
 */
int gk_json_parse_whole(const char *buf, size_t len, const char *file,
			json_object **out, struct gk_err *e);

#endif
