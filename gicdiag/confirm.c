// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <string.h>

#include "confirm.h"
#include "json.h"

/* The kernel's taint letters, bit 0 first (kernel/panic.c). */
static const char taint_letters[] = "PFSRMBUDAWCIOELKXTN";

static void taint_names(long long t, char *buf, size_t n)
{
	size_t k = 0;

	for (size_t bit = 0; bit < sizeof(taint_letters) - 1 && k + 1 < n;
	     bit++)
		if (t >= 0 && (t >> bit) & 1)
			buf[k++] = taint_letters[bit];
	buf[k] = '\0';
}

static bool any_cpu(const struct lpilog *ll, size_t field)
{
	for (size_t i = 0; i < ll->ncpus; i++)
		if (*(const bool *)((const char *)&ll->cpus[i] + field))
			return true;
	return false;
}

void gk_confirm(const struct lpilog *ll, long long tainted,
		struct gk_confirm *c)
{
	bool failed = any_cpu(ll, offsetof(struct lpilog_cpu, failed_disable));
	bool booted = any_cpu(ll, offsetof(struct lpilog_cpu, booted_enabled));

	memset(c, 0, sizeof(*c));
	c->tainted = tainted;
	taint_names(tainted, c->taint_flags, sizeof(c->taint_flags));
	if (failed) {
		c->outcome = GK_OUT_LOST;
		snprintf(
			c->why, sizeof(c->why),
			"LPIs could not be disabled (\"Failed to disable LPIs\"): the GIC keeps using the previous tables, which this kernel does not reserve");
	} else if (ll->expected_missing || booted) {
		c->outcome = GK_OUT_LOST;
		snprintf(
			c->why, sizeof(c->why),
			"booted with LPIs enabled and did not reuse the tables%s: memory of the previous kernel's tables may be corrupted",
			ll->expected_missing ?
				" (\"Expected reserved range ... not found\")" :
				"");
	} else if (ll->preallocated) {
		c->outcome = GK_OUT_REUSED;
		snprintf(
			c->why, sizeof(c->why),
			"reused the previous kernel's tables (\"Using preallocated redistributor tables\")%s",
			ll->its_warnings ? ", but the ITS code WARNed" : "");
	} else if (ll->has_prop) {
		c->outcome = GK_OUT_FRESH;
		snprintf(
			c->why, sizeof(c->why),
			"allocated new tables, none were inherited: a cold boot, or the kernel before had no LPIs enabled");
	} else {
		c->outcome = GK_OUT_UNKNOWN;
		snprintf(
			c->why, sizeof(c->why),
			"the kernel log has no GICv3 LPI lines (boot lines gone from the ring buffer? try --kmsg)");
	}
}

const char *gk_outcome_name(enum gk_outcome o)
{
	static const char *const n[] = { "REUSED", "FRESH", "LOST", "UNKNOWN" };

	return (unsigned int)o < 4 ? n[o] : "?";
}

int gk_outcome_exit(enum gk_outcome o)
{
	return o == GK_OUT_LOST ? 2 : o == GK_OUT_UNKNOWN ? 3 : 0;
}

static const char *pend_kind(const struct lpilog_cpu *c)
{
	if (!c->has_pend)
		return "-";
	return c->pend_reserved ? "reserved" : "allocated";
}

void gk_confirm_text(FILE *out, const struct lpilog *ll,
		     const struct gk_confirm *c)
{
	fprintf(out, "This boot: %s: %s\n", gk_outcome_name(c->outcome),
		c->why);
	if (ll->has_prop)
		fprintf(out, "Property table: 0x%llx\n",
			(unsigned long long)ll->prop);
	for (size_t i = 0; i < ll->ncpus; i++) {
		const struct lpilog_cpu *p = &ll->cpus[i];

		fprintf(out, "CPU%u: pending table %s 0x%llx%s%s\n", p->cpu,
			pend_kind(p), (unsigned long long)p->pend,
			p->booted_enabled ? ", booted with LPIs enabled" : "",
			p->failed_disable ? ", failed to disable LPIs" : "");
	}
	if (c->tainted >= 0)
		fprintf(out, "Tainted: %lld%s%s\n", c->tainted,
			c->taint_flags[0] ? " " : "", c->taint_flags);
}

/* what the journal, the console and pstore get: one line */
void gk_confirm_oneline(FILE *out, const struct gk_confirm *c)
{
	fprintf(out, "%s: %s", gk_outcome_name(c->outcome), c->why);
	if (c->taint_flags[0])
		fprintf(out, " (tainted %s)", c->taint_flags);
	fputc('\n', out);
}

void gk_confirm_json(FILE *out, const struct lpilog *ll,
		     const struct gk_confirm *c)
{
	struct gk_json j;

	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", 1);
	gk_json_str(&j, "outcome", gk_outcome_name(c->outcome));
	gk_json_int(&j, "exit", gk_outcome_exit(c->outcome));
	gk_json_str(&j, "reason", c->why);
	ll->has_prop ? gk_json_addr(&j, "prop", ll->prop) :
		       gk_json_null(&j, "prop");
	gk_json_open(&j, "cpus", '[');
	for (size_t i = 0; i < ll->ncpus; i++) {
		const struct lpilog_cpu *p = &ll->cpus[i];

		gk_json_open(&j, NULL, '{');
		gk_json_int(&j, "cpu", p->cpu);
		gk_json_str(&j, "pending", pend_kind(p));
		p->has_pend ? gk_json_addr(&j, "pend", p->pend) :
			      gk_json_null(&j, "pend");
		gk_json_bool(&j, "booted_enabled", p->booted_enabled);
		gk_json_bool(&j, "failed_disable", p->failed_disable);
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, ']');
	c->tainted >= 0 ? gk_json_int(&j, "tainted", c->tainted) :
			  gk_json_null(&j, "tainted");
	gk_json_str(&j, "taint_flags", c->taint_flags);
	gk_json_close(&j, '}');
}
