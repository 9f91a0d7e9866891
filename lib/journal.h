/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * This boot's kernel messages from the systemd journal.
 *
 * The kernel's ring buffer is small (Debian: 128 KiB): on a server up for
 * months the boot lines naming the LPI tables ("GICv3: using LPI property
 * table @0x...") are gone from /dev/kmsg, while journald usually kept them.
 *
 * Live, the journal is read through sd-journal (persistent in
 * /var/log/journal, or volatile in /run/log/journal). A snapshot carries
 * either var/log/journal.export, in the journal export format, as
 * gicdiag --dump writes it, or the journal files themselves; those are
 * opened here, inside the snapshot, and only their descriptors are handed
 * to sd-journal, so that a symbolic link cannot take it out of the
 * snapshot.
 */
#ifndef GK_JOURNAL_H
#define GK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gkerr.h"
#include "klog.h"
#include "sysroot.h"

/* Where a snapshot keeps this boot's kernel messages from the journal. */
#define GK_JOURNAL_EXPORT "/var/log/journal.export"

/* Sanity bounds: journald keeps at most 100 files per directory. */
#define GK_JOURNAL_MAX_FILES 512u
#define GK_JOURNAL_MAX_EXPORT (4 * (size_t)KLOG_MAX_SIZE)
#define GK_JOURNAL_MAX_GAPS 32u

/**
 * struct gk_journal_gap - one "Missed N kernel messages" of journald
 * @before: index in the log of the first message after the gap (the log's
 *	size when none came after it)
 * @count: N, as journald printed it
 * @usec: journald's monotonic time of the entry, when @has_time
 * @has_time: whether @usec is known
 */
struct gk_journal_gap {
	size_t before;
	uint64_t count;
	uint64_t usec;
	bool has_time;
};

/**
 * struct gk_journal_info - what the journal holds of this boot, and why not
 * @found: any kernel message of this boot
 * @from_start: the boot's first kernel message ("Booting Linux on physical
 *	CPU ...", or "Linux version ...") is there
 * @missed: the sum of journald's "Missed N kernel messages" for this boot
 * @boot_id: the boot, 32 lower-case hex digits
 * @where: "persistent journal /var/log/journal", "volatile journal
 *	/run/log/journal", "journal export /var/log/journal.export", named as
 *	on the live system even in a snapshot (a replay prints the same)
 * @why: when !@found, or the copy is incomplete: why, in sentences an
 *	operator can act on; "" otherwise
 * @ngaps: entries of @gaps in use
 * @gaps: journald's "Missed" entries, in order; past GK_JOURNAL_MAX_GAPS
 *	the last one sums the rest
 */
struct gk_journal_info {
	bool found;
	bool from_start;
	uint64_t missed;
	char boot_id[33];
	char where[96];
	char why[GK_ERR_MSG_MAX];
	size_t ngaps;
	struct gk_journal_gap gaps[GK_JOURNAL_MAX_GAPS];
};

/**
 * gk_journal_kernel - this boot's kernel messages from the journal
 * @sr: the system root
 * @boot_id: the boot, as /proc/sys/kernel/random/boot_id shows it (with
 *	dashes) or as the journal does (32 hex digits); NULL for the one in
 *	@sr's /proc/sys/kernel/random/boot_id
 * @out: the messages (format KLOG_JOURNAL_MONOTONIC: @usec is the kernel's
 *	timestamp), to be freed with klog_free(); NULL when !@info->found
 * @info: what was found, and why not
 * @e: failure detail, or NULL
 *
 * No journal, or none of this boot, is not a failure: @info->found is false
 * and @info->why says why.
 *
 * returns: 0, or a negative GK_ERR_* code: -GK_ERR_FORMAT for a malformed
 * export file, -GK_ERR_ESCAPE for a snapshot's journal file that is a
 * symbolic link or not a regular file, -GK_ERR_TOOBIG past the bounds
 */
int gk_journal_kernel(const struct sysroot *sr, const char *boot_id,
		      struct klog **out, struct gk_journal_info *info,
		      struct gk_err *e);

/**
 * gk_journal_parse_export - this boot's kernel messages from export text
 * @buf: the journal export format (journalctl -o export), binary-safe
 * @len: size of @buf, at most GK_JOURNAL_MAX_EXPORT
 * @file: file name for messages
 * @boot_id: the boot, as for gk_journal_kernel() (not NULL)
 * @out: as for gk_journal_kernel()
 * @info: as for gk_journal_kernel(); @where is left to the caller
 * @e: failure detail ("FILE:LINE: what is wrong"), or NULL
 *
 * returns: 0, -GK_ERR_FORMAT, -GK_ERR_INVAL (@boot_id), -GK_ERR_TOOBIG or
 * -GK_ERR_NOMEM
 */
int gk_journal_parse_export(const char *buf, size_t len, const char *file,
			    const char *boot_id, struct klog **out,
			    struct gk_journal_info *info, struct gk_err *e);

/**
 * gk_journal_write_export - write a log in the journal export format
 * @f: where to write
 * @log: the messages of @info's boot, as gk_journal_kernel() gave them
 * @info: the boot id and journald's "Missed" entries, written back where
 *	they were
 * @e: failure detail, or NULL
 *
 * Only what gicdiag needs is written: MESSAGE, _BOOT_ID, _TRANSPORT,
 * __MONOTONIC_TIMESTAMP, PRIORITY, SYSLOG_FACILITY, and MESSAGE_ID for
 * the "Missed" entries. This is what a snapshot keeps in
 * var/log/journal.export.
 *
 * returns: 0, or -GK_ERR_IO when @f fails
 */
int gk_journal_write_export(FILE *f, const struct klog *log,
			    const struct gk_journal_info *info,
			    struct gk_err *e);

#endif
