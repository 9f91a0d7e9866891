// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for lib/klog, all formats; fuzz-main.c makes it a libFuzzer
 * target or a TAP replay program.
 *
 * Besides not crashing, the parser must keep its promises: a failure comes
 * with a one-line message and no log, and every message it keeps is a
 * NUL-terminated text of the length it claims.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "klog.h"
#include "lpilog.h"

static bool check_line(const struct klog *log, const struct klog_line *l,
		       size_t size)
{
	if (!l->text || l->len > size || l->text[l->len] != '\0' || !l->line)
		return false;
	if (l->prio < -1 || l->prio > 7 || l->facility < -1 ||
	    l->facility > 255 || (l->prio < 0) != (l->facility < 0))
		return false;
	/* a kmsg record always has a level, a time and a sequence number */
	if (log->format == KLOG_KMSG)
		return l->prio >= 0 && l->has_time;
	return !l->seq;
}

static bool check_lines(const struct klog *log, size_t size)
{
	for (size_t i = 0; i < log->n; i++) {
		if (!check_line(log, &log->lines[i], size))
			return false;
		if (i && log->lines[i].line <= log->lines[i - 1].line)
			return false;
	}
	return true;
}

static bool has(const struct klog_line *l, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= l->len; i++)
		if (!memcmp(l->text + i, needle, n))
			return true;
	return false;
}

/* Chained searches move forward, skip no match and end past the last. */
static bool check_grep(const struct klog *log, const char *needle)
{
	const struct klog_line *l;
	size_t pos = 0, last = 0;

	while ((l = klog_grep(log, needle, &pos))) {
		if (pos <= last || pos > log->n || l != &log->lines[pos - 1] ||
		    !has(l, needle))
			return false;
		for (size_t i = last; i < pos - 1; i++)
			if (has(&log->lines[i], needle))
				return false;
		last = pos;
	}
	for (size_t i = last; i < log->n; i++)
		if (has(&log->lines[i], needle))
			return false;
	return pos == log->n;
}

/* The LPI facts drawn from any log: CPUs sorted and unique. */
static bool check_lpilog(const struct klog *log)
{
	struct lpilog ll;
	bool ok = true;

	if (lpilog_parse(log, &ll, NULL) < 0)
		return true; /* out of memory only */
	for (size_t i = 1; i < ll.ncpus; i++)
		ok &= ll.cpus[i - 1].cpu < ll.cpus[i].cpu;
	for (size_t i = 0; i < ll.ncpus; i++)
		ok &= lpilog_cpu(&ll, ll.cpus[i].cpu) == &ll.cpus[i];
	lpilog_free(&ll);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_err e = { 0 };
	struct klog *log = NULL;
	char needle[4] = { 0 };
	bool ok;
	int ret;

	ret = klog_parse((const char *)data, size, "fuzz", &log, &e);
	if (ret)
		return !log && gk_fuzz_failed_well(ret, &e);
	/* a needle from the input itself, so that some searches match */
	memcpy(needle, data, size < 3 ? size : 3);
	ok = check_lines(log, size) && check_grep(log, "GICv3") &&
	     check_grep(log, needle) && check_lpilog(log);
	klog_free(log);
	return ok;
}
