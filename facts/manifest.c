// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a kernel loaded by our kexec reserves for the next one, as its
 * manifest (GK_MANIFEST_KEXEC or _CRASH, kexec(8)) says: read by
 * kexec -e at the jump and by gicdiag's LOADED check.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "manifest.h"
#include "strutils.h"

static int bad(struct gk_err *e, const char *file, const char *what)
{
	return gk_fail(e, -GK_ERR_FORMAT, "%s: %s", file, what);
}

static bool get_addr(json_object *o, const char *key, uint64_t *v)
{
	json_object *x;

	return json_object_object_get_ex(o, key, &x) &&
	       json_object_is_type(x, json_type_string) &&
	       !gk_parse_u64(json_object_get_string(x), v);
}

static int one_table(json_object *o, const char *file, struct gk_range *r,
		     struct gk_err *e)
{
	if (!json_object_is_type(o, json_type_object) ||
	    !get_addr(o, "start", &r->start) || !get_addr(o, "end", &r->end))
		return bad(e, file,
			   "an lpi_tables entry without start and end");
	if (r->end < r->start)
		return bad(e, file,
			   "an lpi_tables entry that ends before it starts");
	return 0;
}

static int from_json(json_object *top, const char *file, struct gk_range **r,
		     size_t *n, bool *passed, struct gk_err *e)
{
	json_object *v, *t, *p;
	size_t k;
	int ret = 0;

	if (!json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != 1)
		return bad(e, file, "not a gic-kexec manifest (version 1)");
	if (!json_object_object_get_ex(top, "lpi_tables", &t) ||
	    !json_object_is_type(t, json_type_array))
		return bad(e, file, "no lpi_tables array");
	if (!json_object_object_get_ex(top, "lpi_tables_passed", &p) ||
	    !json_object_is_type(p, json_type_boolean))
		return bad(e, file, "no lpi_tables_passed true or false");
	*passed = json_object_get_boolean(p);
	k = json_object_array_length(t);
	*r = calloc(k ? k : 1, sizeof(**r));
	if (!*r)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < k && !ret; i++)
		ret = one_table(json_object_array_get_idx(t, i), file, &(*r)[i],
				e);
	if (ret < 0) {
		free(*r);
		*r = NULL;
		return ret;
	}
	gk_ranges_sort(*r, k); /* as gk_ranges_covers() wants them */
	*n = gk_ranges_merge(*r, k);
	return 0;
}

int gk_manifest_parse(const char *buf, size_t len, const char *file,
		      struct gk_range **r, size_t *n, bool *passed,
		      struct gk_err *e)
{
	json_object *top;
	int ret;

	*r = NULL;
	*n = 0;
	*passed = false;
	if (len > GK_MANIFEST_MAX)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: over %u bytes", file,
			       GK_MANIFEST_MAX);
	ret = gk_json_parse_whole(buf, len, file, &top, e);
	if (ret < 0)
		return ret;
	ret = from_json(top, file, r, n, passed, e);
	json_object_put(top);
	return ret;
}

int gk_manifest_tables(const struct sysroot *sr, const char *path,
		       struct gk_range **r, size_t *n, bool *passed,
		       struct gk_err *e)
{
	size_t len;
	char *buf;
	int ret;

	*r = NULL;
	*n = 0;
	*passed = false;
	ret = sysroot_read_file(sr, path, GK_MANIFEST_MAX, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = gk_manifest_parse(buf, len, path, r, n, passed, e);
	free(buf);
	return ret;
}

bool gk_manifest_file_load(const struct sysroot *sr, const char *path)
{
	json_object *top, *v;
	bool file = false;
	size_t len;
	char *buf;

	if (sysroot_read_file(sr, path, GK_MANIFEST_MAX, &buf, &len, NULL) < 0)
		return false;
	if (gk_json_parse_whole(buf, len, path, &top, NULL) == 0) {
		file = json_object_object_get_ex(top, "syscall", &v) &&
		       json_object_is_type(v, json_type_string) &&
		       !strcmp(json_object_get_string(v), "kexec_file_load");
		json_object_put(top);
	}
	free(buf);
	return file;
}
