/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer for documented, stable schemas: nested
 * objects and arrays, two-space indentation, keys in the order written.
 */
#ifndef GK_JSON_H
#define GK_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GK_JSON_MAX_DEPTH 16

struct gk_json {
	FILE *out;
	int depth;
	bool first[GK_JSON_MAX_DEPTH];
};

void gk_json_init(struct gk_json *j, FILE *out);
/* @key is NULL inside arrays and for the top-level value */
void gk_json_open(struct gk_json *j, const char *key, char brace);
void gk_json_close(struct gk_json *j, char brace);
void gk_json_str(struct gk_json *j, const char *key, const char *val);
void gk_json_int(struct gk_json *j, const char *key, long long val);
void gk_json_bool(struct gk_json *j, const char *key, bool val);
void gk_json_null(struct gk_json *j, const char *key);
/* an address as a "0x..." string: JSON numbers lose 64-bit precision */
void gk_json_addr(struct gk_json *j, const char *key, uint64_t val);

#endif
