/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log, from wherever it was kept.
 *
 * The lines gicdiag looks for ("GICv3: CPU0: using reserved LPI pending
 * table @0x...") read the same in every form of the log; what differs is
 * the prefix. These are told apart per file, from its first line:
 *
 *  - /dev/kmsg records, "PRIO,SEQ,USEC,FLAGS[,...];TEXT", each followed by
 *    dictionary lines that start with a space (the live device and the
 *    dev/kmsg file of a snapshot);
 *  - dmesg output, "[    0.000000] TEXT", or plain TEXT without a timestamp
 *    (also "<6>[    0.000000] TEXT" as dmesg -r prints it, and
 *    journalctl -o cat);
 *  - journalctl -k output in the short family, "TIME HOST kernel: TEXT",
 *    where TIME is "Nov 24 10:00:00[.000000]" (short, short-precise),
 *    "Fri 2023-11-24 10:00:00 UTC" (short-full, with-unit),
 *    "2023-11-24T10:00:00[.000000]+0000" (short-iso[-precise]),
 *    "1700820000.000000" (short-unix), or "[    0.000000]" and
 *    "[    0.000000 <    0.000000 >]" (short-monotonic, short-delta);
 *    a syslog kern.log reads the same;
 *  - journalctl -o verbose, -o json (json-pretty, json-seq) and -o export,
 *    which name the fields of each entry: of these only the entries with
 *    _TRANSPORT=kernel are kept, and of those only the last boot's.
 */
#ifndef GK_KLOG_H
#define GK_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "sysroot.h"

/* Sanity bounds: the largest kernel ring buffer is 32 MiB. */
#define KLOG_MAX_SIZE (64u << 20)
#define KLOG_MAX_LINE (64u << 10)
#define KLOG_MAX_LINES 4000000u

enum klog_format {
	KLOG_KMSG,		/* /dev/kmsg records */
	KLOG_DMESG,		/* dmesg, with timestamps */
	KLOG_JOURNAL,		/* journalctl -o short, short-iso, ... */
	KLOG_JOURNAL_MONOTONIC, /* -o short-monotonic, short-delta */
	KLOG_PLAIN,		/* anything else: dmesg -t, a bare log */
	KLOG_JOURNAL_VERBOSE,	/* journalctl -o verbose */
	KLOG_JOURNAL_JSON,	/* -o json, json-pretty, json-seq */
	KLOG_JOURNAL_EXPORT,	/* journalctl -o export */
};

/**
 * struct klog_line - one kernel message
 * @usec: time since boot in microseconds, when @has_time (in the journal,
 *	_SOURCE_MONOTONIC_TIMESTAMP, which is the kernel's own, or else
 *	__MONOTONIC_TIMESTAMP, when journald got it)
 * @seq: the kmsg sequence number (0 in the other formats)
 * @text: the message, NUL-terminated; kmsg \xNN escapes are decoded, so a
 *	message spread over several lines holds its '\n's
 * @len: length of @text (it may hold a decoded NUL)
 * @line: line number in the file where the message starts
 * @prio: log level 0 (emerg) to 7 (debug), or -1 when the format lacks it
 * @facility: syslog facility (0 for the kernel), or -1
 * @has_time: whether @usec is known
 */
struct klog_line {
	uint64_t usec;
	uint64_t seq;
	const char *text;
	size_t len;
	unsigned int line;
	int prio;
	int facility;
	bool has_time;
};

/**
 * struct klog - the messages of one log
 * @n: number of messages
 * @lines: the messages, in file order
 * @format: what the file was recognised as
 * @boot_id: the _BOOT_ID of the messages, 32 lowercase hex digits, in the
 *	formats that name it (verbose, json, export); "" in the others
 * @store_: private; holds the texts
 */
struct klog {
	size_t n;
	struct klog_line *lines;
	enum klog_format format;
	char boot_id[33];
	char *store_;
};

/**
 * klog_parse - split a kernel log into messages
 * @buf: the log (need not be NUL-terminated)
 * @len: size of @buf, at most KLOG_MAX_SIZE
 * @file: file name for messages
 * @out: the log, to be freed with klog_free()
 * @e: failure detail ("FILE:LINE: what is wrong"), or NULL
 *
 * Blank lines are skipped in every format, and so are journal lines of
 * other programs and journal markers ("-- Boot ..."). A dmesg line without
 * a timestamp is kept as text; a kmsg line that is not a record is an
 * error. Where the journal names each entry's boot (verbose, json,
 * export), a file may hold several boots and only the kernel messages of
 * the last one are kept: the boot of the last kernel message, whose id
 * goes to @out->boot_id. Binary messages of verbose output ("[12B blob
 * data]") are skipped; those of json and export are decoded.
 *
 * returns: 0, -GK_ERR_FORMAT, -GK_ERR_TOOBIG or -GK_ERR_NOMEM
 */
int klog_parse(const char *buf, size_t len, const char *file, struct klog **out,
	       struct gk_err *e);

/**
 * klog_load - read and parse a kernel log
 * @sr: the system root; may be NULL when @file is given
 * @file: a log file on the host (--kmsg FILE), or NULL for /dev/kmsg
 * @out: the log, to be freed with klog_free()
 * @e: failure detail, or NULL
 *
 * Live, /dev/kmsg is read record by record without blocking, up to the
 * newest one. In a snapshot, dev/kmsg must be a regular file: a device or
 * a FIFO there would make us read the host. @file may also be a pipe
 * ("--kmsg <(journalctl -k)") or the kmsg device itself.
 *
 * returns: 0, or a negative GK_ERR_* code (-GK_ERR_NOENT when there is no
 * log, -GK_ERR_ACCESS when dmesg_restrict refuses it)
 */
int klog_load(const struct sysroot *sr, const char *file, struct klog **out,
	      struct gk_err *e);

/**
 * klog_free - release a log (NULL is ignored)
 */
void klog_free(struct klog *log);

/**
 * klog_grep - find the next message that contains @needle
 * @log: the log
 * @needle: the string to look for (an empty one matches every message)
 * @pos: index of the first message to look at; on return, the index after
 *	the message found (or @log->n), so that calls can be chained
 *
 * returns: the message, or NULL when no more match
 */
const struct klog_line *klog_grep(const struct klog *log, const char *needle,
				  size_t *pos);

/**
 * klog_format_name - a short name for @format ("kmsg", "journal", ...)
 */
const char *klog_format_name(enum klog_format format);

#endif
