// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpilog.h"
#include "strutils.h"

/* A sane bound on CPU numbers: the kernel's NR_CPUS is at most 8192 here. */
#define LPILOG_MAX_CPU 65535u

/* Parse "0x" followed by hex digits at @s; *@end after them. */
static bool hexarg(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	int n = 0, d;

	if (s[0] != '0' || s[1] != 'x')
		return false;
	for (s += 2; (d = gk_hexval(*s)) >= 0 && n < 16; s++, n++)
		x = x << 4 | (uint64_t)d;
	if (!n || gk_hexval(*s) >= 0)
		return false;
	*v = x;
	if (end)
		*end = s;
	return true;
}

/* "CPU<n>: " at @s; returns what follows, or NULL. */
static const char *cpu_prefix(const char *s, unsigned int *cpu)
{
	unsigned long n = 0;
	int digits = 0;

	if (strncmp(s, "CPU", 3))
		return NULL;
	for (s += 3; *s >= '0' && *s <= '9' && digits < 6; s++, digits++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (!digits || n > LPILOG_MAX_CPU || s[0] != ':' || s[1] != ' ')
		return NULL;
	*cpu = (unsigned int)n;
	return s + 2;
}

/*
 * The CPU's entry, added where it sorts. CPUs log in order of their
 * number (two lines each, thousands of CPUs): a new one goes at the end,
 * into room that doubles, so that no line costs a realloc() or a move.
 */
static struct lpilog_cpu *get_cpu(struct lpilog *ll, size_t *cap,
				  unsigned int cpu)
{
	size_t i = 0, hi = ll->ncpus;
	struct lpilog_cpu *c;

	if (hi && ll->cpus[hi - 1].cpu < cpu)
		i = hi;
	while (i < hi) { /* bisect */
		size_t mid = i + (hi - i) / 2;

		if (ll->cpus[mid].cpu < cpu)
			i = mid + 1;
		else
			hi = mid;
	}
	if (i < ll->ncpus && ll->cpus[i].cpu == cpu)
		return &ll->cpus[i];
	if (ll->ncpus == *cap) {
		c = realloc(ll->cpus, 2 * (*cap + 16) * sizeof(*c));
		if (!c)
			return NULL;
		ll->cpus = c;
		*cap = 2 * (*cap + 16);
	}
	c = ll->cpus;
	memmove(c + i + 1, c + i, (ll->ncpus - i) * sizeof(*c));
	memset(c + i, 0, sizeof(*c));
	c[i].cpu = cpu;
	ll->ncpus++;
	return &c[i];
}

/* "found redistributor A region R:0xBASE" */
static bool found_rd(const char *s, struct lpilog_cpu *c)
{
	unsigned long long aff;
	unsigned int region;
	char *end;

	if (strncmp(s, "found redistributor ", 20))
		return false;
	aff = strtoull(s + 20, &end, 16);
	if (end == s + 20 || strncmp(end, " region ", 8))
		return false;
	s = end + 8;
	region = (unsigned int)strtoul(s, &end, 10);
	if (end == s || *end != ':' || !hexarg(end + 1, &c->rd_base, NULL))
		return false;
	c->found = true;
	c->affinity = aff;
	c->region = region;
	return true;
}

/* "using allocated|reserved LPI pending table @0x..." */
static bool pend_line(const char *s, struct lpilog_cpu *c)
{
	static const char *const kinds[] = { "allocated", "reserved" };

	if (strncmp(s, "using ", 6))
		return false;
	s += 6;
	for (size_t i = 0; i < GK_ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i]);

		if (strncmp(s, kinds[i], n) ||
		    strncmp(s + n, " LPI pending table @", 20))
			continue;
		if (!hexarg(s + n + 20, &c->pend, NULL))
			return false;
		c->has_pend = true;
		c->pend_reserved = i == 1;
		return true;
	}
	return false;
}

/* The per-CPU lines, after "GICv3: CPUn: " or "CPUn: ". */
static int cpu_line(struct lpilog *ll, size_t *cap, unsigned int cpu,
		    const char *rest)
{
	struct lpilog_cpu tmp = { .cpu = cpu }, *c;
	bool hit = found_rd(rest, &tmp) || pend_line(rest, &tmp);

	if (!strncmp(rest, "Booted with LPIs enabled", 24))
		tmp.booted_enabled = hit = true;
	if (!strncmp(rest, "Failed to disable LPIs", 22) ||
	    !strncmp(rest, "Timeout while disabling LPIs", 28))
		tmp.failed_disable = hit = true;
	if (!hit)
		return 0;
	c = get_cpu(ll, cap, cpu);
	if (!c)
		return -GK_ERR_NOMEM;
	if (tmp.found) {
		c->found = true;
		c->affinity = tmp.affinity;
		c->region = tmp.region;
		c->rd_base = tmp.rd_base;
	}
	if (tmp.has_pend) {
		c->has_pend = true;
		c->pend = tmp.pend;
		c->pend_reserved = tmp.pend_reserved;
	}
	c->booted_enabled |= tmp.booted_enabled;
	c->failed_disable |= tmp.failed_disable;
	return 0;
}

static void gic_line(struct lpilog *ll, const char *s)
{
	const char *p;

	if (!strcmp(s, "Using preallocated redistributor tables")) {
		ll->preallocated = true;
	} else if (!strncmp(s, "using LPI property table @", 26)) {
		ll->has_prop = hexarg(s + 26, &ll->prop, NULL);
	} else if (!strncmp(s, "Expected reserved range [", 25) &&
		   hexarg(s + 25, &ll->expected_start, &p) && *p == ':' &&
		   hexarg(p + 1, &ll->expected_end, &p) && *p == ']') {
		ll->expected_missing = true;
	}
}

static void efi_line(struct lpilog *ll, const char *s)
{
	const char *m = strstr(s, " MEMRESERVE=");

	if (!strcmp(s, "efi: UEFI not found."))
		ll->efi_none = true;
	if (m && hexarg(m + 12, &ll->memreserve, NULL))
		ll->has_memreserve = true;
}

static int one_line(struct lpilog *ll, size_t *cap, const char *s)
{
	unsigned int cpu;
	const char *rest;

	if (!strncmp(s, "GICv3: ", 7)) {
		ll->gicv3 = true;
		rest = cpu_prefix(s + 7, &cpu);
		if (rest)
			return cpu_line(ll, cap, cpu, rest);
		gic_line(ll, s + 7);
	} else if ((rest = cpu_prefix(s, &cpu))) {
		return cpu_line(ll, cap, cpu, rest); /* no pr_fmt in ITS code */
	} else if (!strncmp(s, "efi: ", 5)) {
		efi_line(ll, s);
	} else if (!strcmp(s, "ITS: No ITS available, not enabling LPIs")) {
		ll->no_its = true;
	} else if (!strncmp(s, "WARNING: ", 9) &&
		   strstr(s, "drivers/irqchip/irq-gic-v3-its.c")) {
		ll->its_warnings++;
	}
	return 0;
}

int lpilog_parse(const struct klog *log, struct lpilog *out, struct gk_err *e)
{
	size_t first = 0, cap = 0;

	memset(out, 0, sizeof(*out));
	/* a saved console or journal may hold several boots: the last counts */
	for (size_t i = 0; i < log->n; i++) {
		if (!strncmp(log->lines[i].text,
			     "Booting Linux on physical CPU", 29)) {
			first = i;
			out->boots++;
		}
	}
	for (size_t i = first; i < log->n; i++) {
		if (one_line(out, &cap, log->lines[i].text) < 0) {
			lpilog_free(out);
			return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

void lpilog_free(struct lpilog *ll)
{
	free(ll->cpus);
	ll->cpus = NULL;
	ll->ncpus = 0;
}

const struct lpilog_cpu *lpilog_cpu(const struct lpilog *ll, unsigned int cpu)
{
	for (size_t i = 0; i < ll->ncpus; i++)
		if (ll->cpus[i].cpu == cpu)
			return &ll->cpus[i];
	return NULL;
}
