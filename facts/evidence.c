// SPDX-License-Identifier: GPL-2.0-or-later
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "strutils.h"

/* CPU numbers beyond this are not a real machine's (NR_CPUS <= 8192). */
#define GK_MAX_CPUS 65536u

/* ---- CPU sets ------------------------------------------------------ */

static bool parse_num(const char **s, uint64_t *v)
{
	char *end;

	if (**s < '0' || **s > '9')
		return false;
	*v = strtoull(*s, &end, 10);
	*s = end;
	return *v < GK_MAX_CPUS;
}

int gk_cpuset_parse(const char *text, struct gk_cpuset *out)
{
	const char *s = text;
	struct gk_range *r;

	memset(out, 0, sizeof(*out));
	while (*s && *s != '\n') {
		uint64_t a, b;

		if (!parse_num(&s, &a))
			goto bad;
		b = a;
		if (*s == '-' && (s++, !parse_num(&s, &b) || b < a))
			goto bad;
		r = realloc(out->r, (out->n + 1) * sizeof(*r));
		if (!r) {
			gk_cpuset_free(out);
			return -GK_ERR_NOMEM;
		}
		out->r = r;
		out->r[out->n++] = (struct gk_range){ a, b };
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			goto bad;
	}
	return 0;
bad:
	gk_cpuset_free(out);
	return -GK_ERR_FORMAT;
}

bool gk_cpuset_has(const struct gk_cpuset *s, unsigned int cpu)
{
	for (size_t i = 0; i < s->n; i++)
		if (cpu >= s->r[i].start && cpu <= s->r[i].end)
			return true;
	return false;
}

void gk_cpuset_free(struct gk_cpuset *s)
{
	free(s->r);
	s->r = NULL;
	s->n = 0;
}

/* ---- sources ------------------------------------------------------- */

/* Where @cpu is, or would go, in the sorted cpus[]: thousands of CPUs. */
static size_t cpu_index(const struct gk_lpisrc *s, unsigned int cpu)
{
	size_t i = 0, hi = s->n;

	while (i < hi) {
		size_t mid = i + (hi - i) / 2;

		if (s->cpus[mid].cpu < cpu)
			i = mid + 1;
		else
			hi = mid;
	}
	return i;
}

/*
 * Sources name CPUs in order of their number, thousands of them: a new
 * one at the end is found without a search, and the room doubles.
 */
struct gk_lpisrc_cpu *gk_lpisrc_cpu(struct gk_lpisrc *s, unsigned int cpu)
{
	size_t i = s->n && s->cpus[s->n - 1].cpu < cpu ? s->n :
							 cpu_index(s, cpu);
	struct gk_lpisrc_cpu *c;

	if (i < s->n && s->cpus[i].cpu == cpu)
		return &s->cpus[i];
	if (s->n >= s->cap) {
		c = realloc(s->cpus, 2 * (s->n + 16) * sizeof(*c));
		if (!c)
			return NULL;
		s->cpus = c;
		s->cap = 2 * (s->n + 16);
	}
	c = s->cpus;
	memmove(c + i + 1, c + i, (s->n - i) * sizeof(*c));
	c[i] = (struct gk_lpisrc_cpu){ .cpu = cpu, .lpis = -1 };
	s->n++;
	return &c[i];
}

static const struct gk_lpisrc_cpu *find_cpu(const struct gk_lpisrc *s,
					    unsigned int cpu)
{
	size_t i = cpu_index(s, cpu);

	return i < s->n && s->cpus[i].cpu == cpu ? &s->cpus[i] : NULL;
}

int gk_lpisrc_from_log(const struct lpilog *l, enum gk_src src, bool complete,
		       struct gk_lpisrc *out)
{
	memset(out, 0, sizeof(*out));
	out->src = src;
	out->complete = complete;
	out->prop = l->has_prop ? l->prop : 0;
	out->cpus = calloc(l->ncpus + 1, sizeof(*out->cpus));
	if (!out->cpus)
		return -GK_ERR_NOMEM;
	for (size_t i = 0; i < l->ncpus; i++) {
		const struct lpilog_cpu *c = &l->cpus[i];

		/*
		 * The pending table line follows the found line at once; a
		 * found line alone says LPIs stayed off only when nothing of
		 * the boot is missing.
		 */
		out->cpus[i] = (struct gk_lpisrc_cpu){
			.cpu = c->cpu,
			.rd_base = c->found ? c->rd_base : 0,
			.lpis = c->has_pend	     ? 1 :
				complete && c->found ? 0 :
						       -1,
			.pend = c->has_pend ? c->pend : 0,
			.reused = c->pend_reserved
		};
	}
	out->n = l->ncpus; /* lpilog keeps them sorted by CPU */
	return 0;
}

static int add_range(struct gk_lpisrc *s, uint64_t start, uint64_t size)
{
	struct gk_range *r = s->ranges;

	/* the room doubles each time n reaches a power of two */
	if (!(s->nranges & (s->nranges - 1))) {
		r = realloc(s->ranges, 2 * (s->nranges + 1) * sizeof(*r));
		if (!r)
			return -GK_ERR_NOMEM;
	}
	s->ranges = r;
	if (gk_range_from_len(&r[s->nranges], start, size))
		s->nranges++;
	return 0;
}

static bool node_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	const fdt32_t *reg;
	int len;

	/* our loader writes 2 + 2 cells under /reserved-memory */
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len != 16)
		return false;
	*base = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	*size = (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	return *size != 0;
}

static int from_node(const void *fdt, int node, const char *name,
		     struct gk_lpisrc *out)
{
	const fdt32_t *v;
	uint64_t base, size;
	int len;

	if (!node_reg(fdt, node, &base, &size))
		return 0;
	if (!strncmp(name, "gic-lpi-prop@", 13) && !out->prop) {
		out->prop = base;
		v = fdt_getprop(fdt, node, "gic-kexec,idbits", &len);
		out->idbits = v && len == 4 ? fdt32_to_cpu(*v) : 0;
		return 0;
	}
	v = fdt_getprop(fdt, node, "gic-kexec,cpu", &len);
	if (!strncmp(name, "gic-lpi-pend@", 13) && v && len == 4 &&
	    fdt32_to_cpu(*v) < GK_MAX_CPUS) {
		struct gk_lpisrc_cpu *c = gk_lpisrc_cpu(out, fdt32_to_cpu(*v));

		if (!c)
			return -GK_ERR_NOMEM;
		if (!c->pend) {
			c->pend = base;
			c->lpis = 1;
		}
		return 0;
	}
	return add_range(out, base, size); /* an older gic-lpi@ node */
}

int gk_lpisrc_from_fdt(const struct gk_fdt *fdt, struct gk_lpisrc *out)
{
	int rm, child, ret = 0;

	memset(out, 0, sizeof(*out));
	out->src = GK_SRC_INHERITED;
	if (!fdt->blob)
		return 0;
	rm = fdt_path_offset(fdt->blob, "/reserved-memory");
	if (rm < 0)
		return 0;
	fdt_for_each_subnode(child, fdt->blob, rm) {
		const char *name = fdt_get_name(fdt->blob, child, NULL);

		if (name && !strncmp(name, "gic-lpi", 7))
			ret = from_node(fdt->blob, child, name, out);
		if (ret < 0)
			return ret;
	}
	return 0;
}

void gk_lpisrc_free(struct gk_lpisrc *s)
{
	free(s->cpus);
	free(s->ranges);
	memset(s, 0, sizeof(*s));
}

/* ---- merging -------------------------------------------------------- */

struct merge {
	struct gk_facts *f;
	const struct gk_lpisrc *by[GK_NSRC]; /* the sources, strongest first */
	struct gk_range *named;
	size_t nnamed, capnamed;
	bool nomem;
};

static void conflict(struct merge *m, int cpu, enum gk_src won,
		     enum gk_src lost, uint64_t kept, uint64_t other)
{
	struct gk_facts *f = m->f;
	struct gk_conflict *c;

	c = realloc(f->conflicts, (f->nconflicts + 1) * sizeof(*c));
	if (!c) {
		m->nomem = true;
		return;
	}
	f->conflicts = c;
	c[f->nconflicts++] =
		(struct gk_conflict){ cpu, won, lost, kept, other };
}

static void name_table(struct merge *m, uint64_t start, uint64_t size)
{
	struct gk_range *r;

	if (!start)
		return;
	if (m->nnamed == m->capnamed) {
		size_t cap = m->capnamed ? 2 * m->capnamed : 64;

		r = realloc(m->named, cap * sizeof(*r));
		if (!r) {
			m->nomem = true;
			return;
		}
		m->named = r;
		m->capnamed = cap;
	}
	if (gk_range_from_len(&m->named[m->nnamed], start, size))
		m->nnamed++;
}

/*
 * gk_derive()'s rule, before it runs; when no redistributor tells, what a
 * source said (a disputed table is named too).
 */
static unsigned int merged_idbits(const struct merge *m)
{
	const struct gk_facts *f = m->f;
	enum gk_idbits_from from;
	unsigned int bits = gk_idbits_in_force(f, gk_boot_rd(f), &from);

	if (from != GK_IDBITS_DEFAULT)
		return bits;
	for (int s = 0; s < GK_NSRC; s++)
		if (m->by[s] && m->by[s]->idbits)
			return m->by[s]->idbits;
	return 16;
}

/* Every table any source names, for placement: even a partial one. */
static void name_all(struct merge *m)
{
	unsigned int bits = merged_idbits(m);
	const struct gk_facts *f = m->f;

	for (size_t i = 0; i < f->nrds; i++) {
		name_table(m, f->rds[i].prop, gk_prop_size(bits));
		name_table(m, f->rds[i].pend, gk_pend_size(bits));
	}
	for (int s = 0; s < GK_NSRC; s++) {
		const struct gk_lpisrc *src = m->by[s];

		if (!src)
			continue;
		name_table(m, src->prop,
			   gk_prop_size(src->idbits ? src->idbits : bits));
		for (size_t i = 0; i < src->n; i++)
			name_table(m, src->cpus[i].pend, gk_pend_size(bits));
		for (size_t i = 0; i < src->nranges; i++)
			name_table(m, src->ranges[i].start,
				   src->ranges[i].end - src->ranges[i].start +
					   1);
	}
}

/* The property table: the strongest source that names it. */
static uint64_t merged_prop(struct merge *m, enum gk_src *by,
			    unsigned int *idbits)
{
	uint64_t prop = 0;

	for (int s = 0; s < GK_NSRC; s++) {
		const struct gk_lpisrc *src = m->by[s];

		if (!src || !src->prop)
			continue;
		if (!prop) {
			prop = src->prop;
			*by = (enum gk_src)s;
			*idbits = src->idbits;
		} else if (src->prop != prop) {
			conflict(m, -1, *by, (enum gk_src)s, prop, src->prop);
		}
	}
	return prop;
}

/* With registers: where a source names another table, say so. */
static void compare_with_regs(struct merge *m)
{
	struct gk_facts *f = m->f;

	for (size_t i = 0; i < f->nrds; i++) {
		struct gk_rdfact *rd = &f->rds[i];

		rd->prop_src = rd->prop ? GK_SRC_REGS : GK_SRC_NONE;
		rd->pend_src = rd->pend ? GK_SRC_REGS : GK_SRC_NONE;
		for (int s = GK_SRC_REGS + 1; s < GK_NSRC; s++) {
			const struct gk_lpisrc *src = m->by[s];
			const struct gk_lpisrc_cpu *c;

			if (!src || rd->cpu < 0 ||
			    !(c = find_cpu(src, (unsigned int)rd->cpu)))
				continue;
			if (c->pend && rd->pend && c->pend != rd->pend)
				conflict(m, rd->cpu, GK_SRC_REGS,
					 (enum gk_src)s, rd->pend, c->pend);
			if (src->prop && rd->prop && src->prop != rd->prop &&
			    rd->cpu == 0)
				conflict(m, -1, GK_SRC_REGS, (enum gk_src)s,
					 rd->prop, src->prop);
		}
	}
}

/* One CPU's redistributor from the sources, strongest first. */
static void merge_cpu(struct merge *m, struct gk_rdfact *rd, uint64_t prop,
		      enum gk_src prop_by, unsigned int idbits)
{
	int lpis = -1;
	bool covered = false;

	for (int s = 0; s < GK_NSRC; s++) {
		const struct gk_lpisrc *src = m->by[s];
		const struct gk_lpisrc_cpu *c;

		if (!src)
			continue;
		c = find_cpu(src, (unsigned int)rd->cpu);
		covered |= src->complete && !c;
		if (!c)
			continue;
		if (!rd->base)
			rd->base = c->rd_base;
		if (c->pend && !rd->pend) {
			rd->pend = c->pend;
			rd->pend_src = (enum gk_src)s;
			rd->pend_reused = c->reused;
		} else if (c->pend && c->pend != rd->pend) {
			conflict(m, rd->cpu, rd->pend_src, (enum gk_src)s,
				 rd->pend, c->pend);
		}
		if (lpis < 0)
			lpis = c->lpis;
	}
	if (lpis < 0 && covered)
		lpis = 0; /* a whole-boot source never saw it enable LPIs */
	rd->lpis = rd->pend || lpis == 1;
	rd->unknown = !rd->pend && lpis != 0;
	rd->lpis &= !rd->unknown;
	if (rd->lpis) {
		rd->prop = prop;
		rd->prop_src = prop_by;
		rd->idbits = idbits;
	}
}

static bool any_complete(const struct merge *m)
{
	for (int s = 0; s < GK_NSRC; s++)
		if (m->by[s] && m->by[s]->complete)
			return true;
	return false;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* The CPUs: every present one, and every one a source names. */
static int cpu_universe(const struct merge *m, unsigned int **out, size_t *n)
{
	const struct gk_facts *f = m->f;
	size_t cap = (f->ncpus > 0 ? (size_t)f->ncpus : 0) + 1, k = 0;
	unsigned int *v;

	for (int s = 0; s < GK_NSRC; s++)
		cap += m->by[s] ? m->by[s]->n : 0;
	v = malloc(cap * sizeof(*v));
	if (!v)
		return -GK_ERR_NOMEM;
	for (int c = 0; c < f->ncpus; c++)
		v[k++] = (unsigned int)c;
	for (int s = 0; s < GK_NSRC; s++)
		for (size_t i = 0; m->by[s] && i < m->by[s]->n; i++)
			v[k++] = m->by[s]->cpus[i].cpu;
	qsort(v, k, sizeof(*v), cmp_uint);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (!*n || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	*out = v;
	return 0;
}

static int rds_from_sources(struct merge *m)
{
	struct gk_facts *f = m->f;
	enum gk_src prop_by = GK_SRC_NONE;
	unsigned int idbits = 0, *cpus;
	uint64_t prop = merged_prop(m, &prop_by, &idbits);
	size_t n;

	if (cpu_universe(m, &cpus, &n) < 0)
		return -GK_ERR_NOMEM;
	f->rds = calloc(n + 1, sizeof(*f->rds));
	if (!f->rds) {
		free(cpus);
		return -GK_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		f->rds[i] = (struct gk_rdfact){ .cpu = (int)cpus[i] };
		merge_cpu(m, &f->rds[i], prop, prop_by, idbits);
	}
	f->nrds = n;
	f->prop = prop;
	free(cpus);
	f->cpus_unknown = f->ncpus < 0 && !any_complete(m);
	if (prop || n)
		f->evidence = GK_EVID_SOURCES;
	return 0;
}

static void note_sources(struct merge *m)
{
	struct gk_facts *f = m->f;

	for (size_t i = 0; i < f->nrds; i++) {
		f->src[f->rds[i].prop_src].used |= f->rds[i].prop_src !=
						   GK_SRC_NONE;
		f->src[f->rds[i].pend_src].used |= f->rds[i].pend_src !=
						   GK_SRC_NONE;
	}
	for (int s = 0; s < GK_NSRC; s++)
		f->src[s].complete = m->by[s] && m->by[s]->complete;
	f->src[GK_SRC_NONE].used = false;
}

int gk_evidence_merge(struct gk_facts *f, struct gk_lpisrc *srcs, size_t n)
{
	struct merge m = { .f = f };
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		if (srcs[i].src > GK_SRC_NONE && srcs[i].src < GK_NSRC)
			m.by[srcs[i].src] = &srcs[i];
	if (f->evidence == GK_EVID_REGS)
		compare_with_regs(&m);
	else if (f->gic != 2)
		ret = rds_from_sources(&m);
	if (ret == 0) {
		note_sources(&m);
		name_all(&m);
	}
	f->nnamed = gk_ranges_merge(m.named, m.nnamed);
	f->named = m.named;
	return m.nomem ? -GK_ERR_NOMEM : ret;
}
