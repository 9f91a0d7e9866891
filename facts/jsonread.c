// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdbool.h>
#include <string.h>

#include "jsonread.h"

static bool only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

int gk_json_parse_whole(const char *buf, size_t len, const char *file,
			json_object **out, struct gk_err *e)
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	json_object *top;
	size_t end;
	int ret = 0;

	*out = NULL;
	if (memchr(buf, '\0', len))
		return gk_fail(e, -GK_ERR_FORMAT, "%s: a NUL byte", file);
	tok = json_tokener_new();
	if (!tok)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	top = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	/* a file cut short leaves the tokener waiting for more */
	if (jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	end = json_tokener_get_parse_end(tok);
	if (!top || jerr != json_tokener_success)
		ret = gk_fail(e, -GK_ERR_FORMAT, "%s: not JSON (%s)", file,
			      json_tokener_error_desc(jerr));
	else if (!only_space(buf + end, len - end))
		ret = gk_fail(e, -GK_ERR_FORMAT,
			      "%s: more after the JSON object", file);
	json_tokener_free(tok);
	if (ret < 0)
		json_object_put(top);
	else
		*out = top;
	return ret;
}
