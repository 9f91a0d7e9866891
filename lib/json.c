// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

void gk_json_init(struct gk_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Comma, newline, indentation and "key": before a value. */
static void member(struct gk_json *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->first[j->depth] ? "\n" : ",\n", j->out);
		fprintf(j->out, "%*s", 2 * j->depth, "");
	}
	j->first[j->depth] = false;
	if (key) {
		put_string(j->out, key);
		fputs(": ", j->out);
	}
}

void gk_json_open(struct gk_json *j, const char *key, char brace)
{
	member(j, key);
	fputc(brace, j->out);
	if (j->depth + 1 < GK_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

void gk_json_close(struct gk_json *j, char brace)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	fputc(brace, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void gk_json_str(struct gk_json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->out, val);
}

void gk_json_int(struct gk_json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->out, "%lld", val);
}

void gk_json_bool(struct gk_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void gk_json_null(struct gk_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void gk_json_addr(struct gk_json *j, const char *key, uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)val);
	gk_json_str(j, key, buf);
}
