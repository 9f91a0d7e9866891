// SPDX-License-Identifier: GPL-2.0-or-later
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bootrec.h"
#include "json.h"
#include "jsonread.h"
#include "strutils.h"

#define BOOTREC_MAX_CPUS 65536

static void put_cpu(struct gk_json *j, const struct gk_rdfact *rd)
{
	gk_json_open(j, NULL, '{');
	gk_json_int(j, "cpu", rd->cpu);
	if (rd->base)
		gk_json_addr(j, "base", rd->base);
	gk_json_bool(j, "lpis", rd->lpis);
	if (rd->lpis) {
		gk_json_addr(j, "pend", rd->pend);
		gk_json_str(j, "source", gk_src_name(rd->pend_src));
	}
	gk_json_close(j, '}');
}

static const struct gk_rdfact *boot_rd(const struct gk_facts *f)
{
	for (size_t i = 0; i < f->nrds; i++)
		if (f->rds[i].lpis && f->rds[i].prop)
			return &f->rds[i];
	return NULL;
}

int gk_bootrec_write(FILE *out, const struct gk_facts *f)
{
	const struct gk_rdfact *b = boot_rd(f);
	struct gk_json j;

	if (!f->boot_id[0])
		return -GK_ERR_INVAL;
	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", 1);
	gk_json_str(&j, "boot_id", f->boot_id);
	gk_json_str(&j, "kernel", f->version);
	if (b) {
		if (b->idbits)
			gk_json_int(&j, "idbits", b->idbits);
		gk_json_addr(&j, "prop", b->prop);
		gk_json_str(&j, "prop_source", gk_src_name(b->prop_src));
	}
	gk_json_open(&j, "cpus", '[');
	/* an unknown CPU stays out: the record says only what it knew */
	for (size_t i = 0; i < f->nrds; i++)
		if (f->rds[i].cpu >= 0 && !f->rds[i].unknown &&
		    (!f->rds[i].lpis || f->rds[i].pend))
			put_cpu(&j, &f->rds[i]);
	gk_json_close(&j, ']');
	gk_json_close(&j, '}');
	fputc('\n', out);
	return 0;
}

/* ---- reading ------------------------------------------------------- */

struct rd_ctx {
	const char *file;
	struct gk_err *e;
};

static int bad(struct rd_ctx *c, const char *what)
{
	return gk_fail(c->e, -GK_ERR_FORMAT, "%s: %s", c->file, what);
}

static bool get_addr(json_object *o, const char *key, uint64_t *v)
{
	json_object *x;

	*v = 0;
	if (!json_object_object_get_ex(o, key, &x))
		return true; /* absent: unknown */
	return json_object_is_type(x, json_type_string) &&
	       !gk_parse_u64(json_object_get_string(x), v);
}

/* Boot ids are printed with dashes by the kernel, without by journald. */
static void plain_id(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (; *in && k + 1 < n; in++)
		if (*in != '-' && *in != '\n')
			out[k++] = *in;
	out[k] = '\0';
}

static int one_cpu(struct rd_ctx *c, json_object *o,
		   const struct gk_cpuset *online, struct gk_lpisrc *out)
{
	json_object *cpu, *lpis;
	struct gk_lpisrc_cpu *s;
	uint64_t base, pend;
	int n;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "cpu", &cpu) ||
	    !json_object_is_type(cpu, json_type_int) ||
	    !json_object_object_get_ex(o, "lpis", &lpis) ||
	    !json_object_is_type(lpis, json_type_boolean))
		return bad(c, "a cpus entry without cpu and lpis");
	n = json_object_get_int(cpu);
	if (n < 0 || n >= BOOTREC_MAX_CPUS || !get_addr(o, "base", &base) ||
	    !get_addr(o, "pend", &pend))
		return bad(c, "a cpus entry with a bad cpu, base or pend");
	if (json_object_get_boolean(lpis) && !pend)
		return bad(c, "a cpus entry with lpis but no pend");
	s = gk_lpisrc_cpu(out, (unsigned int)n);
	if (!s)
		return gk_fail(c->e, -GK_ERR_NOMEM, "out of memory");
	s->rd_base = base;
	s->pend = json_object_get_boolean(lpis) ? pend : 0;
	/* off when recorded, on since if the CPU came online after it */
	s->lpis = s->pend ? 1 : gk_cpuset_has(online, (unsigned int)n) ? -1 : 0;
	return 0;
}

static int check_top(struct rd_ctx *c, json_object *top, const char *boot_id)
{
	json_object *v, *id;
	char want[40], got[40];

	if (!json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "version", &v) ||
	    json_object_get_int(v) != 1)
		return bad(c, "not a gic-kexec boot record (version 1)");
	if (!json_object_object_get_ex(top, "boot_id", &id) ||
	    !json_object_is_type(id, json_type_string))
		return bad(c, "no boot_id");
	plain_id(boot_id, want, sizeof(want));
	plain_id(json_object_get_string(id), got, sizeof(got));
	if (!want[0] || strcmp(want, got))
		return gk_fail(c->e, -GK_ERR_NOTFOUND,
			       "%s: of another boot (%s), not this one (%s)",
			       c->file, got, want[0] ? want : "unknown");
	return 0;
}

static int from_json(struct rd_ctx *c, json_object *top, const char *boot_id,
		     const struct gk_cpuset *online, struct gk_lpisrc *out)
{
	json_object *cpus, *bits;
	int ret = check_top(c, top, boot_id);
	size_t n;

	if (ret < 0)
		return ret;
	if (!get_addr(top, "prop", &out->prop))
		return bad(c, "a bad prop");
	if (json_object_object_get_ex(top, "idbits", &bits)) {
		int b = json_object_get_int(bits);

		if (b < 14 || b > 32)
			return bad(c, "idbits out of range (14-32)");
		out->idbits = (unsigned int)b;
	}
	if (!json_object_object_get_ex(top, "cpus", &cpus) ||
	    !json_object_is_type(cpus, json_type_array))
		return bad(c, "no cpus array");
	n = json_object_array_length(cpus);
	if (n > BOOTREC_MAX_CPUS)
		return bad(c, "more than 65536 cpus");
	for (size_t i = 0; i < n && !ret; i++)
		ret = one_cpu(c, json_object_array_get_idx(cpus, i), online,
			      out);
	return ret;
}

int gk_bootrec_parse(const char *buf, size_t len, const char *file,
		     const char *boot_id, const struct gk_cpuset *online,
		     struct gk_lpisrc *out, struct gk_err *e)
{
	struct rd_ctx c = { .file = file, .e = e };
	json_object *top = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->src = GK_SRC_BOOTREC;
	if (len > GK_BOOTREC_MAX)
		return gk_fail(e, -GK_ERR_FORMAT, "%s: too large", file);
	ret = gk_json_parse_whole(buf, len, file, &top, e);
	if (ret < 0)
		return ret;
	ret = from_json(&c, top, boot_id, online, out);
	json_object_put(top);
	if (ret < 0)
		gk_lpisrc_free(out);
	out->src = GK_SRC_BOOTREC;
	return ret;
}

int gk_bootrec_read(const struct sysroot *sr, const char *boot_id,
		    const struct gk_cpuset *online, struct gk_lpisrc *out,
		    struct gk_err *e)
{
	size_t len;
	char *buf;
	int ret;

	memset(out, 0, sizeof(*out));
	out->src = GK_SRC_BOOTREC;
	ret = sysroot_read_file(sr, GK_BOOTREC_PATH, GK_BOOTREC_MAX, &buf, &len,
				e);
	if (ret < 0)
		return ret;
	ret = gk_bootrec_parse(buf, len, GK_BOOTREC_PATH, boot_id, online, out,
			       e);
	free(buf);
	return ret;
}
