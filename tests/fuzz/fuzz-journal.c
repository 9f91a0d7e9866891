// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the journal export reader (lib/journal.c), which a
 * snapshot's var/log/journal.export goes through: a failure comes with a
 * one-line message and no log; a log holds NUL-terminated texts of the
 * length they claim, whose LPI lines lpilog can parse.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "journal.h"
#include "lpilog.h"

#define BOOT_ID "6b1e7c2a54d14f0e9a3b2f6d8e1c0b47"

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_journal_info info = { 0 };
	struct gk_err e = { 0 };
	struct klog *log = NULL;
	struct lpilog ll;
	bool ok = true;
	int ret;

	ret = gk_journal_parse_export((const char *)data, size, "fuzz", BOOT_ID,
				      &log, &info, &e);
	if (ret < 0)
		return !log && gk_fuzz_failed_well(ret, &e);
	if (!log)
		return !info.found;
	for (size_t i = 0; i < log->n; i++) {
		const struct klog_line *l = &log->lines[i];

		ok &= l->text && l->len <= size && l->text[l->len] == '\0';
	}
	if (lpilog_parse(log, &ll, NULL) == 0)
		lpilog_free(&ll);
	klog_free(log);
	return ok && info.found;
}
