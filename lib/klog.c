// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klog.h"
#include "strutils.h"

/*
 * One read() of /dev/kmsg returns one record, or EINVAL when the buffer is
 * smaller than it: the kernel formats records into CONSOLE_EXT_LOG_MAX
 * (8 KiB), so this size always fits.
 */
#define KMSG_RECORD_MAX 8192

/* The kernel keeps the facility in a u8 and the level in 3 bits. */
#define KLOG_PRIO_MAX 2047

/* Which kinds of file klog_load() reads. */
#define KLOG_ALLOW_FIFO 0x1
#define KLOG_ALLOW_CHR 0x2

/* journald's field names: A-Z, 0-9 and '_', at most 64 of them. */
#define FIELD_NAME_MAX 64

/* journalctl nests nothing; this only bounds the recursion on bad input. */
#define JSON_MAX_DEPTH 32

/* The journal fields of one entry that klog reads, as they come. */
struct klog_entry {
	uint64_t usec;	   /* __MONOTONIC_TIMESTAMP, or the cursor's m= */
	uint64_t src_usec; /* _SOURCE_MONOTONIC_TIMESTAMP: the kernel's own */
	size_t len;	   /* of the MESSAGE written at klog_parser.out */
	unsigned int line; /* where the MESSAGE is */
	int prio;	   /* PRIORITY, or -1 */
	int facility;	   /* SYSLOG_FACILITY, or -1 */
	size_t indent;	   /* verbose: column of the MESSAGE value */
	char boot_id[33];
	bool open;
	bool has_usec;
	bool has_src_usec;
	bool has_msg;
	bool in_msg;  /* verbose: continuation lines extend the MESSAGE */
	bool foreign; /* _TRANSPORT is not "kernel" */
};

/* State while the lines are read one by one. */
struct klog_parser {
	struct klog *log;
	const char *file;
	const char *buf;
	unsigned int lineno;
	size_t line_off; /* json, export: lineno is the line at this offset */
	size_t cap;	 /* lines allocated */
	char *out;	 /* next free byte of log->store_ */
	bool joinable;	 /* journal: an indented line extends the last */
	size_t indent;	 /* journal: column where that message began */
	struct klog_entry ent;
	/* the boots, in runs of consecutive messages; a message's run */
	char (*runs)[33];
	size_t nruns;
	size_t runs_cap;
	uint32_t *run_of;
	size_t run_of_cap;
	struct gk_err *e;
};

/* A growing buffer for klog_load(), bounded by KLOG_MAX_SIZE. */
struct klog_buf {
	char *p;
	size_t n;
	size_t cap;
};

/* A position in JSON text. */
struct json_cur {
	const char *s;
	const char *end;
};

static int parse_fail(struct klog_parser *p, const char *what)
{
	return gk_fail(p->e, -GK_ERR_FORMAT, "%s:%u: %s", p->file, p->lineno,
		       what);
}

/*
 * The line of @at, in the formats read as a whole rather than line by
 * line; the positions asked for only move forward, so counting is cheap.
 */
static unsigned int line_at(struct klog_parser *p, const char *at)
{
	const char *q = p->buf + p->line_off, *nl;

	if (at < q) {
		q = p->buf;
		p->lineno = 1;
	}
	while ((nl = memchr(q, '\n', (size_t)(at - q)))) {
		p->lineno++;
		q = nl + 1;
	}
	p->line_off = (size_t)(at - p->buf);
	return p->lineno;
}

static int fail_at(struct klog_parser *p, const char *at, const char *what)
{
	line_at(p, at);
	return parse_fail(p, what);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* @c is one of @set; strchr() alone would find the NUL too. */
static bool in_set(char c, const char *set)
{
	return c && strchr(set, c);
}

/* A decimal number of at least one digit that fits 64 bits. */
static bool parse_dec(const char **s, const char *end, uint64_t *val)
{
	const char *q = *s;
	uint64_t v = 0;

	while (q < end && is_digit(*q)) {
		unsigned int d = (unsigned int)(*q - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		q++;
	}
	if (q == *s)
		return false;
	*s = q;
	*val = v;
	return true;
}

/* All of @s .. @end is a decimal number, no larger than @max. */
static bool whole_dec(const char *s, const char *end, uint64_t max,
		      uint64_t *val)
{
	return parse_dec(&s, end, val) && s == end && *val <= max;
}

/* All of @s .. @end is a hex number that fits 64 bits. */
static bool whole_hex(const char *s, const char *end, uint64_t *val)
{
	uint64_t v = 0;

	if (s == end || end - s > 16)
		return false;
	for (; s < end; s++) {
		int d = gk_hexval(*s);

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*val = v;
	return true;
}

/*
 * The fraction of a "[SECONDS.FRACTION]" stamp, in microseconds. dmesg and
 * journalctl print six digits; up to nine are taken, cut to six.
 */
static bool parse_frac(const char **s, const char *end, uint64_t *usec)
{
	const char *q = *s;
	uint64_t v = 0;
	int digits = 0;

	for (; q < end && is_digit(*q); q++, digits++) {
		if (digits == 9)
			return false;
		if (digits < 6)
			v = v * 10 + (uint64_t)(*q - '0');
	}
	if (!digits)
		return false;
	for (; digits < 6; digits++)
		v *= 10;
	*s = q;
	*usec = v;
	return true;
}

/* "SECONDS.FRACTION" in microseconds. */
static bool parse_seconds(const char **s, const char *end, uint64_t *usec)
{
	const char *q = *s;
	uint64_t sec, frac;

	if (!parse_dec(&q, end, &sec) || q == end || *q++ != '.')
		return false;
	if (!parse_frac(&q, end, &frac) || sec > (UINT64_MAX - frac) / 1000000)
		return false;
	*usec = sec * 1000000 + frac;
	*s = q;
	return true;
}

static void skip_spaces(const char **s, const char *end)
{
	while (*s < end && **s == ' ')
		(*s)++;
}

/* "[    0.000000]", as dmesg and journalctl -o short-monotonic print it. */
static bool parse_stamp(const char **s, const char *end, uint64_t *usec)
{
	const char *q = *s;

	if (q == end || *q++ != '[')
		return false;
	skip_spaces(&q, end);
	if (!parse_seconds(&q, end, usec) || q == end || *q++ != ']')
		return false;
	*s = q;
	return true;
}

/*
 * journalctl -o short-delta: "[    1.000000 <    0.500000 >]", the first
 * line "[    0.000000                ]", the first of a boot "[    0.000000
 * <172799.200958*>]"; or a short-monotonic stamp.
 */
static bool parse_journal_stamp(const char **s, const char *end, uint64_t *usec)
{
	const char *q = *s;
	uint64_t delta;

	if (parse_stamp(s, end, usec))
		return true;
	if (q == end || *q++ != '[')
		return false;
	skip_spaces(&q, end);
	if (!parse_seconds(&q, end, usec))
		return false;
	skip_spaces(&q, end);
	if (q < end && *q == '<') {
		q++;
		skip_spaces(&q, end);
		if (!parse_seconds(&q, end, &delta))
			return false;
		if (q < end && *q == '*') /* since the last boot's line */
			q++;
		skip_spaces(&q, end);
		if (q == end || *q++ != '>')
			return false;
	}
	if (q == end || *q++ != ']')
		return false;
	*s = q;
	return true;
}

/*
 * @pattern at *@s: 'A' an upper-case letter, 'a' a lower-case one, '9' a
 * digit, '_' a digit or a space; anything else stands for itself.
 */
static bool match_pattern(const char **s, const char *end, const char *pattern)
{
	size_t n = strlen(pattern);
	const char *q = *s;

	if ((size_t)(end - q) < n)
		return false;
	for (size_t i = 0; i < n; i++, q++) {
		char c = *q, want = pattern[i];

		if ((want == 'A' && !(c >= 'A' && c <= 'Z')) ||
		    (want == 'a' && !(c >= 'a' && c <= 'z')) ||
		    (want == '9' && !is_digit(c)) ||
		    (want == '_' && !is_digit(c) && c != ' ') ||
		    (!strchr("Aa9_", want) && c != want))
			return false;
	}
	*s = q;
	return true;
}

/* An optional fraction of a second after a wall clock. */
static bool parse_opt_frac(const char **s, const char *end)
{
	const char *q = *s;
	uint64_t frac;

	if (q == end || *q != '.')
		return true;
	q++;
	if (!parse_frac(&q, end, &frac))
		return false;
	*s = q;
	return true;
}

/*
 * "Nov 24 10:00:00", as journalctl -o short prints it (syslog pads the day
 * with a space instead of a zero); optional fraction of a second.
 */
static bool parse_wallclock(const char **s, const char *end)
{
	const char *q = *s;

	if (!match_pattern(&q, end, "Aaa _9 99:99:99") ||
	    !parse_opt_frac(&q, end))
		return false;
	*s = q;
	return true;
}

/*
 * "Fri 2023-11-24 10:00:00 UTC" (short-full, with-unit); the zone is any
 * word the C library names it by.
 */
static bool parse_fullclock(const char **s, const char *end)
{
	const char *q = *s, *zone;

	if (!match_pattern(&q, end, "Aaa 9999-99-99 99:99:99") ||
	    !parse_opt_frac(&q, end) || q == end || *q++ != ' ')
		return false;
	for (zone = q; q < end && *q != ' ';)
		q++;
	if (q == zone)
		return false;
	*s = q;
	return true;
}

/*
 * "2023-11-24T10:00:00+0000" (short-iso; "+00:00" since systemd 255,
 * rsyslog's RFC 3339 stamps too), with a fraction in short-iso-precise.
 */
static bool parse_isoclock(const char **s, const char *end)
{
	const char *q = *s;

	if (!match_pattern(&q, end, "9999-99-99T99:99:99") ||
	    !parse_opt_frac(&q, end))
		return false;
	while (q < end && *q != ' ')
		q++;
	*s = q;
	return true;
}

/* "1700820000.000000" (short-unix) */
static bool parse_unixclock(const char **s, const char *end)
{
	uint64_t usec;

	return parse_seconds(s, end, &usec);
}

static bool parse_dateclock(const char **s, const char *end)
{
	return parse_wallclock(s, end) || parse_fullclock(s, end) ||
	       parse_isoclock(s, end);
}

/* "kernel:" then a space, or the end of the line (an empty message). */
static bool parse_kernel_ident(const char **s, const char *end)
{
	static const char ident[] = "kernel:";
	const char *q = *s;

	if ((size_t)(end - q) < sizeof(ident) - 1 ||
	    memcmp(q, ident, sizeof(ident) - 1) != 0)
		return false;
	q += sizeof(ident) - 1;
	if (q < end && *q++ != ' ')
		return false;
	*s = q;
	return true;
}

/*
 * " HOST kernel: " after a journal timestamp, or " kernel: " as
 * --no-hostname prints it (no host name holds a ':'); the text may be
 * empty, and then so is the space after the colon.
 */
static bool parse_journal_prefix(const char **s, const char *end)
{
	const char *q = *s, *host;

	if (q == end || *q++ != ' ')
		return false;
	if (!parse_kernel_ident(&q, end)) {
		host = q;
		while (q < end && *q != ' ')
			q++;
		if (q == host || q == end)
			return false;
		q++;
		if (!parse_kernel_ident(&q, end))
			return false;
	}
	*s = q;
	return true;
}

/* "<6>" as dmesg -r prints it. */
static bool parse_raw_prio(const char **s, const char *end, uint64_t *prio)
{
	const char *q = *s;

	if (q == end || *q++ != '<')
		return false;
	if (!parse_dec(&q, end, prio) || q == end || *q++ != '>' ||
	    *prio > KLOG_PRIO_MAX)
		return false;
	*s = q;
	return true;
}

/* Journal markers: "-- Boot 1a2b... --", "-- No entries --", ... */
static bool is_marker(const char *s, size_t n)
{
	return n >= 3 && !memcmp(s, "-- ", 3);
}

/* The next line of @buf at *@pos: its start and length, without '\n'. */
static bool next_line(const char *buf, size_t len, size_t *pos, const char **s,
		      size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*s = buf + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + 1;
	return true;
}

/* A CRLF file is as readable as an LF one. */
static size_t strip_cr(const char *s, size_t n)
{
	return n && s[n - 1] == '\r' ? n - 1 : n;
}

static bool looks_kmsg(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return i && i < n && s[i] == ',';
}

/* A journal field name (sd_journal's rules, lower case aside). */
static bool field_name_ok(const char *s, size_t n)
{
	if (!n || n > FIELD_NAME_MAX || is_digit(*s))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') && !is_digit(s[i]) &&
		    s[i] != '_')
			return false;
	return true;
}

static bool field_is(const char *key, size_t klen, const char *name)
{
	return klen == strlen(name) && !memcmp(key, name, klen);
}

/* Export output starts with "__CURSOR=..." or another "FIELD=value". */
static bool looks_export(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);

	return eq && field_name_ok(s, (size_t)(eq - s));
}

/* A boot or machine id: 32 hex digits, kept in lower case. */
static bool parse_id128(const char *s, const char *end, char id[33])
{
	if (end - s != 32)
		return false;
	for (int i = 0; i < 32; i++) {
		if (gk_hexval(s[i]) < 0)
			return false;
		id[i] = s[i] >= 'A' && s[i] <= 'F' ? (char)(s[i] - 'A' + 'a') :
						     s[i];
	}
	id[32] = '\0';
	return true;
}

/*
 * The header of an entry in journalctl -o verbose: "Fri 2023-11-24
 * 10:00:00.123456 UTC [s=...;i=...;b=BOOT;m=MONOTONIC;t=...;x=...]". The
 * cursor names the boot and the monotonic time (in hex); the wall clock
 * says nothing klog keeps, so it is not read.
 */
static bool verbose_header(const char *s, size_t n, struct klog_entry *ent)
{
	const char *end = s + n, *q = end - 1, *item;

	if (n < 5 || *q != ']')
		return false;
	while (q > s && *q != '[')
		q--;
	if (q == s || q[-1] != ' ' || end - q < 4 || memcmp(q, "[s=", 3))
		return false;
	for (q++; q < end - 1; q++) {
		for (item = q; q < end - 1 && *q != ';';)
			q++;
		if (q - item > 2 && !memcmp(item, "b=", 2))
			parse_id128(item + 2, q, ent->boot_id);
		if (q - item > 2 && !memcmp(item, "m=", 2))
			ent->has_usec = whole_hex(item + 2, q, &ent->usec);
	}
	return true;
}

/*
 * Tell the format from the first line that says something. A dmesg line
 * can look like "HOST IDENT:" ("Machine model: ..."), so short-monotonic
 * and short-unix need the "kernel:" identifier or a journal marker before
 * them.
 */
static enum klog_format detect_line(const char *s, size_t n, bool marker)
{
	const char *q = s, *end = s + n;
	struct klog_entry ent = { 0 };
	uint64_t usec, prio;

	if (looks_kmsg(s, n))
		return KLOG_KMSG;
	if (*s == '{' || *s == '\x1e') /* json, json-seq */
		return KLOG_JOURNAL_JSON;
	if (looks_export(s, n))
		return KLOG_JOURNAL_EXPORT;
	if (verbose_header(s, n, &ent))
		return KLOG_JOURNAL_VERBOSE;
	parse_raw_prio(&q, end, &prio); /* dmesg -r */
	if (parse_stamp(&q, end, &usec))
		return marker || parse_journal_prefix(&q, end) ?
			       KLOG_JOURNAL_MONOTONIC :
			       KLOG_DMESG;
	q = s;
	if (parse_journal_stamp(&q, end, &usec))
		return KLOG_JOURNAL_MONOTONIC; /* short-delta */
	q = s;
	if (parse_dateclock(&q, end))
		return KLOG_JOURNAL;
	q = s;
	if (parse_unixclock(&q, end) &&
	    (marker || parse_journal_prefix(&q, end)))
		return KLOG_JOURNAL;
	return KLOG_PLAIN;
}

static enum klog_format detect_format(const char *buf, size_t len)
{
	bool marker = false;
	size_t pos = 0, n;
	const char *s;

	while (next_line(buf, len, &pos, &s, &n)) {
		n = strip_cr(s, n);
		if (!n)
			continue;
		if (is_marker(s, n)) {
			marker = true;
			continue;
		}
		return detect_line(s, n, marker);
	}
	return marker ? KLOG_JOURNAL : KLOG_PLAIN;
}

/* Start a message on the current line; its text comes next. */
static int add_line(struct klog_parser *p, struct klog_line **out)
{
	struct klog *log = p->log;
	struct klog_line *l;

	if (log->n == KLOG_MAX_LINES)
		return gk_fail(p->e, -GK_ERR_TOOBIG,
			       "%s:%u: more than %u messages", p->file,
			       p->lineno, KLOG_MAX_LINES);
	if (log->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct klog_line *nl;

		nl = realloc(log->lines, cap * sizeof(*nl));
		if (!nl)
			return gk_fail(p->e, -GK_ERR_NOMEM, "out of memory");
		log->lines = nl;
		p->cap = cap;
	}
	l = &log->lines[log->n++];
	memset(l, 0, sizeof(*l));
	l->line = p->lineno;
	l->prio = -1;
	l->facility = -1;
	l->text = p->out;
	*out = l;
	return 0;
}

/*
 * Copy @n bytes of text for @l. No message comes out longer than its line
 * was, so the store (input size + 1) never runs out.
 */
static void put_text(struct klog_parser *p, struct klog_line *l, const char *s,
		     size_t n)
{
	memcpy(p->out, s, n);
	p->out[n] = '\0';
	p->out += n + 1;
	l->len = n;
}

/*
 * The same, decoding the \xNN escapes /dev/kmsg writes for odd bytes;
 * the runs between backslashes, nearly all of a log, go in one copy.
 */
static void put_unescaped(struct klog_parser *p, struct klog_line *l,
			  const char *s, size_t n)
{
	const char *end = s + n, *bs;
	size_t o = 0;

	while (s < end) {
		int hi, lo;

		bs = memchr(s, '\\', (size_t)(end - s));
		if (!bs)
			bs = end;
		memcpy(p->out + o, s, (size_t)(bs - s));
		o += (size_t)(bs - s);
		s = bs;
		if (s == end)
			break;
		if (end - s > 3 && s[1] == 'x' && (hi = gk_hexval(s[2])) >= 0 &&
		    (lo = gk_hexval(s[3])) >= 0) {
			p->out[o++] = (char)(hi << 4 | lo);
			s += 4;
			continue;
		}
		p->out[o++] = *s++;
	}
	p->out[o] = '\0';
	p->out += o + 1;
	l->len = o;
}

static void set_prio(struct klog_line *l, uint64_t prio)
{
	l->prio = (int)(prio & 7);
	l->facility = (int)(prio >> 3);
}

/* "PRIO,SEQ,USEC,FLAGS[,MORE];TEXT" */
static int kmsg_line(struct klog_parser *p, const char *s, size_t n)
{
	const char *q = s, *end = s + n, *semi;
	uint64_t prio, seq, usec;
	struct klog_line *l;
	int ret;

	/* dictionary lines (" SUBSYSTEM=cpu") belong to the record above */
	if (*s == ' ')
		return 0;
	if (!parse_dec(&q, end, &prio) || q == end || *q++ != ',' ||
	    prio > KLOG_PRIO_MAX)
		return parse_fail(p, "bad priority in kmsg record");
	if (!parse_dec(&q, end, &seq) || q == end || *q++ != ',')
		return parse_fail(p, "bad sequence number in kmsg record");
	if (!parse_dec(&q, end, &usec) || q == end || (*q != ',' && *q != ';'))
		return parse_fail(p, "bad timestamp in kmsg record");
	semi = memchr(q, ';', (size_t)(end - q));
	if (!semi)
		return parse_fail(p, "no ';' after the kmsg record header");
	ret = add_line(p, &l);
	if (ret)
		return ret;
	set_prio(l, prio);
	l->seq = seq;
	l->usec = usec;
	l->has_time = true;
	put_unescaped(p, l, semi + 1, (size_t)(end - semi - 1));
	return 0;
}

/* "[    0.000000] TEXT", or anything else, kept whole as text. */
static int dmesg_line(struct klog_parser *p, const char *s, size_t n)
{
	const char *q = s, *end = s + n;
	struct klog_line *l;
	uint64_t prio;
	int ret;

	ret = add_line(p, &l);
	if (ret)
		return ret;
	if (parse_raw_prio(&q, end, &prio))
		set_prio(l, prio);
	if (parse_stamp(&q, end, &l->usec)) {
		l->has_time = true;
		if (q < end && *q == ' ')
			q++;
	}
	put_text(p, l, q, (size_t)(end - q));
	return 0;
}

/*
 * journalctl indents the further lines of a multi-line message to the
 * column of its text; give them back their '\n' and their own indentation.
 */
static void journal_join(struct klog_parser *p, const char *s, size_t n)
{
	struct klog_line *l = &p->log->lines[p->log->n - 1];
	size_t k = 0;

	while (k < n && k < p->indent && (s[k] == ' ' || s[k] == '\t'))
		k++;
	p->out[-1] = '\n';
	memcpy(p->out, s + k, n - k);
	p->out[n - k] = '\0';
	p->out += n - k + 1;
	l->len += 1 + n - k;
}

/*
 * "TIME HOST kernel: TEXT", TIME in any of the short-* forms. Only the
 * monotonic ones tell the time since boot.
 */
static int journal_line(struct klog_parser *p, const char *s, size_t n)
{
	const char *q = s, *end = s + n;
	struct klog_line *l;
	bool has_time;
	uint64_t usec = 0;
	int ret;

	if (*s == ' ' || *s == '\t') {
		if (p->joinable)
			journal_join(p, s, n);
		return 0;
	}
	p->joinable = false;
	has_time = parse_journal_stamp(&q, end, &usec);
	if (!has_time && !parse_dateclock(&q, end) && !parse_unixclock(&q, end))
		return 0;
	/* other programs' lines, when the journal was not read with -k */
	if (!parse_journal_prefix(&q, end))
		return 0;
	/* a syslog kern.log carries the kernel's own stamp in the text */
	if (!has_time && parse_stamp(&q, end, &usec)) {
		has_time = true;
		if (q < end && *q == ' ')
			q++;
	}
	ret = add_line(p, &l);
	if (ret)
		return ret;
	l->usec = usec;
	l->has_time = has_time;
	put_text(p, l, q, (size_t)(end - q));
	p->joinable = true;
	p->indent = (size_t)(q - s);
	return 0;
}

/* ---- entries with named fields: verbose, json, export ---------------- */

static void entry_begin(struct klog_parser *p)
{
	memset(&p->ent, 0, sizeof(p->ent));
	p->ent.prio = -1;
	p->ent.facility = -1;
	p->ent.open = true;
}

/*
 * The MESSAGE is decoded straight into the store, at p->out: it becomes a
 * message only if the entry turns out to be the kernel's, since the
 * fields come in any order. Only the first MESSAGE of an entry counts.
 */
static bool entry_wants_message(struct klog_parser *p, unsigned int line)
{
	if (p->ent.has_msg)
		return false;
	p->ent.has_msg = true;
	p->ent.line = line;
	p->ent.len = 0;
	p->out[0] = '\0';
	return true;
}

static int set_usec(struct klog_parser *p, const char *name, const char *val,
		    size_t vlen, uint64_t *usec, bool *has)
{
	char what[64];

	if (!whole_dec(val, val + vlen, UINT64_MAX, usec)) {
		snprintf(what, sizeof(what), "bad %s", name);
		return parse_fail(p, what);
	}
	*has = true;
	return 0;
}

/*
 * A field other than MESSAGE, at p->lineno: whose entry it is, when and
 * in which boot. PRIORITY and SYSLOG_FACILITY are what any program may
 * set, so odd values are ignored rather than refused.
 */
static int entry_field(struct klog_parser *p, const char *key, size_t klen,
		       const char *val, size_t vlen)
{
	struct klog_entry *ent = &p->ent;
	uint64_t v;

	if (field_is(key, klen, "_TRANSPORT")) {
		ent->foreign = !(vlen == 6 && !memcmp(val, "kernel", 6));
	} else if (field_is(key, klen, "_BOOT_ID")) {
		if (!parse_id128(val, val + vlen, ent->boot_id))
			return parse_fail(p, "bad _BOOT_ID");
	} else if (field_is(key, klen, "_SOURCE_MONOTONIC_TIMESTAMP")) {
		return set_usec(p, "_SOURCE_MONOTONIC_TIMESTAMP", val, vlen,
				&ent->src_usec, &ent->has_src_usec);
	} else if (field_is(key, klen, "__MONOTONIC_TIMESTAMP")) {
		return set_usec(p, "__MONOTONIC_TIMESTAMP", val, vlen,
				&ent->usec, &ent->has_usec);
	} else if (field_is(key, klen, "PRIORITY")) {
		ent->prio = whole_dec(val, val + vlen, 7, &v) ? (int)v : -1;
	} else if (field_is(key, klen, "SYSLOG_FACILITY")) {
		ent->facility = whole_dec(val, val + vlen, 255, &v) ? (int)v :
								      -1;
	}
	return 0;
}

/*
 * Which boot each message belongs to, in runs of consecutive messages. A
 * message without a boot id stays in the run before it.
 */
static int note_boot(struct klog_parser *p, const char *boot_id)
{
	size_t i = p->log->n - 1;

	if (!p->nruns ||
	    (boot_id[0] && strcmp(p->runs[p->nruns - 1], boot_id))) {
		if (p->nruns == p->runs_cap) {
			size_t cap = p->runs_cap ? p->runs_cap * 2 : 8;
			char(*nr)[33] = realloc(p->runs, cap * sizeof(*nr));

			if (!nr)
				return gk_fail(p->e, -GK_ERR_NOMEM,
					       "out of memory");
			p->runs = nr;
			p->runs_cap = cap;
		}
		memcpy(p->runs[p->nruns++], boot_id, sizeof(p->runs[0]));
	}
	if (i >= p->run_of_cap) {
		uint32_t *nr = realloc(p->run_of, p->cap * sizeof(*nr));

		if (!nr)
			return gk_fail(p->e, -GK_ERR_NOMEM, "out of memory");
		p->run_of = nr;
		p->run_of_cap = p->cap;
	}
	p->run_of[i] = (uint32_t)(p->nruns - 1);
	return 0;
}

/* The entry is complete: keep its MESSAGE if it is the kernel's. */
static int entry_end(struct klog_parser *p)
{
	struct klog_entry *ent = &p->ent;
	struct klog_line *l;
	char what[64];
	int ret;

	if (!ent->open)
		return 0;
	ent->open = false;
	ent->in_msg = false;
	if (!ent->has_msg || ent->foreign)
		return 0;
	if (ent->len > KLOG_MAX_LINE) {
		snprintf(what, sizeof(what), "message longer than %u bytes",
			 KLOG_MAX_LINE);
		p->lineno = ent->line;
		return parse_fail(p, what);
	}
	ret = add_line(p, &l);
	if (ret)
		return ret;
	l->line = ent->line;
	l->len = ent->len;
	p->out += ent->len + 1;
	if (ent->has_src_usec || ent->has_usec) {
		l->usec = ent->has_src_usec ? ent->src_usec : ent->usec;
		l->has_time = true;
	}
	if (ent->prio >= 0) {
		l->prio = ent->prio;
		l->facility = ent->facility >= 0 ? ent->facility : 0;
	}
	return note_boot(p, ent->boot_id);
}

/*
 * The last boot counts: the one of the last kernel message. Messages of
 * other boots go; their texts stay unused in the store.
 */
static void select_boot(struct klog_parser *p)
{
	struct klog *log = p->log;
	const char *last;
	size_t k = 0;

	if (!log->n || !p->nruns)
		return;
	last = p->runs[p->run_of[log->n - 1]];
	memcpy(log->boot_id, last, sizeof(log->boot_id));
	for (size_t i = 0; i < log->n; i++)
		if (!strcmp(p->runs[p->run_of[i]], last))
			log->lines[k++] = log->lines[i];
	log->n = k;
}

/* ---- journalctl -o verbose ------------------------------------------- */

/* "[31B blob data]", "[1.2K blob data]": what verbose prints for binary. */
static bool is_blob(const char *s, size_t n)
{
	static const char tail[] = " blob data]";
	size_t t = sizeof(tail) - 1;

	if (n < t + 2 || s[0] != '[' || memcmp(s + n - t, tail, t))
		return false;
	for (size_t i = 1; i < n - t; i++)
		if (!is_digit(s[i]) && !in_set(s[i], ".BKMGTPE"))
			return false;
	return true;
}

/* A further line of the MESSAGE, indented to the column of its value. */
static void verbose_join(struct klog_parser *p, const char *s, size_t n)
{
	struct klog_entry *ent = &p->ent;
	size_t k = 0;

	while (k < n && k < ent->indent && s[k] == ' ')
		k++;
	p->out[ent->len] = '\n';
	memcpy(p->out + ent->len + 1, s + k, n - k);
	ent->len += 1 + n - k;
	p->out[ent->len] = '\0';
}

/* "    KEY=VALUE" */
static int verbose_field(struct klog_parser *p, const char *s, size_t n)
{
	const char *key = s + 4, *end = s + n, *eq;
	struct klog_entry *ent = &p->ent;
	size_t klen;

	eq = memchr(key, '=', (size_t)(end - key));
	if (!eq || !field_name_ok(key, (size_t)(eq - key)))
		return parse_fail(p, "bad field line in a verbose entry");
	klen = (size_t)(eq - key);
	ent->in_msg = false;
	if (!field_is(key, klen, "MESSAGE"))
		return entry_field(p, key, klen, eq + 1,
				   (size_t)(end - eq - 1));
	/* binary: its bytes are not in the output */
	if (is_blob(eq + 1, (size_t)(end - eq - 1)) ||
	    !entry_wants_message(p, p->lineno))
		return 0;
	ent->len = (size_t)(end - eq - 1);
	memcpy(p->out, eq + 1, ent->len);
	p->out[ent->len] = '\0';
	ent->in_msg = true;
	ent->indent = (size_t)(eq + 1 - s);
	return 0;
}

/*
 * An entry is its header line and its fields, indented by four spaces;
 * the further lines of a multi-line value are indented more. Lines of no
 * entry (markers, hints) end the one before.
 */
static int verbose_line(struct klog_parser *p, const char *s, size_t n)
{
	if (*s == ' ') {
		if (!p->ent.open)
			return 0;
		if (n > 4 && !memcmp(s, "    ", 4) && s[4] != ' ')
			return verbose_field(p, s, n);
		if (p->ent.in_msg)
			verbose_join(p, s, n);
		return 0;
	}
	if (p->ent.open) {
		int ret = entry_end(p);

		if (ret)
			return ret;
	}
	entry_begin(p);
	if (!verbose_header(s, n, &p->ent))
		p->ent.open = false;
	return 0;
}

/* ---- journalctl -o json, json-pretty, json-seq ----------------------- */

static int json_value(struct klog_parser *p, struct json_cur *c, int depth);

static void json_ws(struct json_cur *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' ||
				 *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static bool json_hex4(const char *s, const char *end, unsigned int *v)
{
	uint64_t x;

	if (end - s < 4 || !whole_hex(s, s + 4, &x))
		return false;
	*v = (unsigned int)x;
	return true;
}

/* @cp in UTF-8 at @out; returns the length. */
static size_t utf8_put(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * "\uXXXX" at *@sp (on the 'u'), with its low surrogate if it is a high
 * one; a lone surrogate is no character and becomes U+FFFD. No escape is
 * shorter than its UTF-8, so decoding never outgrows the input.
 */
static int json_unicode(struct klog_parser *p, const char **sp, const char *end,
			char *out, size_t *k)
{
	const char *s = *sp;
	unsigned int cp, lo;

	if (!json_hex4(s + 1, end, &cp))
		return fail_at(p, s, "bad \\u escape in a JSON string");
	s += 5;
	if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 6 && s[0] == '\\' &&
	    s[1] == 'u' && json_hex4(s + 2, end, &lo) && lo >= 0xdc00 &&
	    lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = 0xfffd;
	}
	*k = utf8_put(out, cp);
	*sp = s;
	return 0;
}

/* The escape at *@sp (on the backslash), decoded into @out. */
static int json_escape(struct klog_parser *p, const char **sp, const char *end,
		       char *out, size_t *k)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *s = *sp + 1, *hit;

	if (s == end)
		return fail_at(p, s, "unterminated JSON string");
	if (*s == 'u') {
		*sp = s;
		return json_unicode(p, sp, end, out, k);
	}
	hit = memchr(from, *s, sizeof(from) - 1);
	if (!hit)
		return fail_at(p, s, "bad escape in a JSON string");
	out[0] = to[hit - from];
	*k = 1;
	*sp = s + 1;
	return 0;
}

/*
 * The string at c->s (on its opening quote), decoded into @out unless it
 * is NULL; at most @cap bytes are written, *@n says how long it is.
 */
static int json_string(struct klog_parser *p, struct json_cur *c, char *out,
		       size_t cap, size_t *n)
{
	const char *s = c->s + 1, *end = c->end;
	size_t o = 0;

	while (s < end && *s != '"') {
		char tmp[4];
		size_t k = 1;
		int ret;

		if ((unsigned char)*s < 0x20)
			return fail_at(p, s,
				       "control character in a JSON string");
		if (*s == '\\') {
			ret = json_escape(p, &s, end, tmp, &k);
			if (ret)
				return ret;
		} else {
			tmp[0] = *s++;
		}
		for (size_t i = 0; out && i < k && o + i < cap; i++)
			out[o + i] = tmp[i];
		o += k;
	}
	if (s == end)
		return fail_at(p, s, "unterminated JSON string");
	c->s = s + 1;
	*n = o;
	return 0;
}

/* An array of byte values, as journalctl prints a binary field. */
static int json_bytes(struct klog_parser *p, struct json_cur *c, char *out,
		      size_t *n)
{
	size_t o = 0;
	uint64_t v;

	c->s++;
	json_ws(c);
	if (c->s < c->end && *c->s == ']') {
		c->s++;
		*n = 0;
		return 0;
	}
	for (;;) {
		const char *num;

		json_ws(c);
		num = c->s;
		if (!parse_dec(&c->s, c->end, &v) || v > 255 || c->s - num > 3)
			return fail_at(p, num, "bad byte in a JSON array");
		out[o++] = (char)v;
		json_ws(c);
		if (c->s == c->end)
			return fail_at(p, c->s, "unterminated JSON array");
		if (*c->s++ == ']')
			break;
		if (c->s[-1] != ',')
			return fail_at(p, c->s - 1,
				       "expected ',' or ']' in a JSON array");
	}
	*n = o;
	return 0;
}

/* The rest of an array after its first element, up to its bracket. */
static int json_array_tail(struct klog_parser *p, struct json_cur *c, int depth)
{
	for (;;) {
		int ret;

		json_ws(c);
		if (c->s == c->end)
			return fail_at(p, c->s, "unterminated JSON array");
		if (*c->s == ']') {
			c->s++;
			return 0;
		}
		if (*c->s++ != ',')
			return fail_at(p, c->s - 1,
				       "expected ',' or ']' in a JSON array");
		json_ws(c);
		ret = json_value(p, c, depth + 1);
		if (ret)
			return ret;
	}
}

/* A literal or a number, skipped: nothing klog reads is either. */
static int json_scalar(struct klog_parser *p, struct json_cur *c)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *s = c->s;

	for (size_t i = 0; i < GK_ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(c->end - s) >= n && !memcmp(s, words[i], n)) {
			c->s += n;
			return 0;
		}
	}
	if (s < c->end && *s == '-')
		s++;
	if (s == c->end || !is_digit(*s))
		return fail_at(p, c->s, "bad JSON value");
	while (s < c->end && (is_digit(*s) || in_set(*s, ".eE+-")))
		s++;
	c->s = s;
	return 0;
}

static int json_object(struct klog_parser *p, struct json_cur *c, int depth);

/* Any value, skipped. */
static int json_value(struct klog_parser *p, struct json_cur *c, int depth)
{
	size_t n;
	int ret;

	if (depth > JSON_MAX_DEPTH)
		return fail_at(p, c->s, "JSON nested too deep");
	if (c->s == c->end)
		return fail_at(p, c->s, "JSON value missing");
	switch (*c->s) {
	case '"':
		return json_string(p, c, NULL, 0, &n);
	case '[':
		c->s++;
		json_ws(c);
		if (c->s < c->end && *c->s == ']') {
			c->s++;
			return 0;
		}
		ret = json_value(p, c, depth + 1);
		return ret ? ret : json_array_tail(p, c, depth);
	case '{':
		return json_object(p, c, depth);
	default:
		return json_scalar(p, c);
	}
}

/* A string or a byte array, into @out. */
static int json_text(struct klog_parser *p, struct json_cur *c, char *out,
		     size_t *n, bool *ok)
{
	*ok = true;
	if (*c->s == '"')
		return json_string(p, c, out, SIZE_MAX, n);
	if (*c->s == '[')
		return json_bytes(p, c, out, n);
	*ok = false;
	return json_value(p, c, 1);
}

/*
 * MESSAGE: a string, an array of bytes (binary), null, or an array of
 * such values when the entry has the field more than once: the first one
 * counts.
 */
static int json_message(struct klog_parser *p, struct json_cur *c)
{
	struct klog_entry *ent = &p->ent;
	const char *q;
	bool ok;
	int ret;

	if (!entry_wants_message(p, line_at(p, c->s)))
		return json_value(p, c, 1);
	if (*c->s == '[') {
		q = c->s + 1;
		while (q < c->end && in_set(*q, " \t\r\n"))
			q++;
		if (q < c->end && (*q == '"' || *q == '[')) {
			c->s = q;
			ret = json_text(p, c, p->out, &ent->len, &ok);
			if (!ret)
				ret = json_array_tail(p, c, 1);
			p->out[ent->len] = '\0';
			return ret;
		}
	}
	ret = json_text(p, c, p->out, &ent->len, &ok);
	if (!ok)
		ent->has_msg = false; /* null: no text */
	p->out[ent->len] = '\0';
	return ret;
}

/*
 * Another field of the entry: a short string (or number) when it is one
 * klog reads. Longer ones are cut, which leaves them as wrong as they were.
 */
static int json_field(struct klog_parser *p, struct json_cur *c,
		      const char *key, size_t klen)
{
	const char *start = c->s;
	char val[80];
	size_t n;
	int ret;

	if (field_is(key, klen, "MESSAGE"))
		return json_message(p, c);
	if (*c->s == '"') {
		ret = json_string(p, c, val, sizeof(val), &n);
		if (ret)
			return ret;
		line_at(p, start);
		return entry_field(p, key, klen, val,
				   n < sizeof(val) ? n : sizeof(val));
	}
	ret = json_value(p, c, 1);
	if (ret || *start == '[' || *start == '{' || *start == 'n')
		return ret;
	line_at(p, start);
	return entry_field(p, key, klen, start, (size_t)(c->s - start));
}

/*
 * An object: the entry itself at depth 0, whose fields are read; any
 * other is skipped.
 */
static int json_object(struct klog_parser *p, struct json_cur *c, int depth)
{
	char key[FIELD_NAME_MAX];
	size_t klen;
	int ret;

	c->s++;
	json_ws(c);
	if (c->s < c->end && *c->s == '}') {
		c->s++;
		return 0;
	}
	for (;;) {
		json_ws(c);
		if (c->s == c->end || *c->s != '"')
			return fail_at(p, c->s, "expected a JSON object key");
		ret = json_string(p, c, key, sizeof(key), &klen);
		if (ret)
			return ret;
		json_ws(c);
		if (c->s == c->end || *c->s++ != ':')
			return fail_at(p, c->s,
				       "expected ':' after a JSON key");
		json_ws(c);
		if (c->s == c->end)
			return fail_at(p, c->s, "JSON value missing");
		ret = depth ? json_value(p, c, depth + 1) :
			      json_field(p, c, key, klen);
		if (ret)
			return ret;
		json_ws(c);
		if (c->s == c->end)
			return fail_at(p, c->s, "unterminated JSON object");
		if (*c->s++ == '}')
			return 0;
		if (c->s[-1] != ',')
			return fail_at(p, c->s - 1,
				       "expected ',' or '}' in a JSON object");
	}
}

/*
 * One object per entry, each on lines of its own: json prints one a line,
 * json-pretty spreads them, json-seq puts an RS (0x1e) before each.
 */
static int json_parse(struct klog_parser *p, const char *buf, size_t len)
{
	struct json_cur c = { buf, buf + len };
	int ret;

	for (;;) {
		while (c.s < c.end && in_set(*c.s, " \t\r\n\x1e"))
			c.s++;
		if (c.s == c.end)
			return 0;
		if (*c.s != '{')
			return fail_at(p, c.s, "expected a JSON object");
		entry_begin(p);
		ret = json_object(p, &c, 0);
		if (!ret) {
			line_at(p, c.s);
			ret = entry_end(p);
		}
		if (ret)
			return ret;
		while (c.s < c.end &&
		       (*c.s == ' ' || *c.s == '\t' || *c.s == '\r'))
			c.s++;
		if (c.s < c.end && *c.s != '\n')
			return fail_at(
				p, c.s,
				"expected a new line after a JSON object");
	}
}

/* ---- journalctl -o export -------------------------------------------- */

/* A text field, "KEY=value\n"; @end is the end of its line. */
static int export_text(struct klog_parser *p, const char *s, const char *eq,
		       const char *end)
{
	size_t klen = (size_t)(eq - s), n;

	if (!field_name_ok(s, klen))
		return fail_at(p, s, "bad field name in an export entry");
	line_at(p, s);
	n = strip_cr(eq + 1, (size_t)(end - eq - 1));
	if (!field_is(s, klen, "MESSAGE"))
		return entry_field(p, s, klen, eq + 1, n);
	if (entry_wants_message(p, p->lineno)) {
		memcpy(p->out, eq + 1, n);
		p->out[n] = '\0';
		p->ent.len = n;
	}
	return 0;
}

/*
 * A binary field: "KEY\n", its length as 64-bit little endian, the bytes,
 * "\n". Returns where the next field starts in *@next.
 */
static int export_binary(struct klog_parser *p, const char *s, const char *nl,
			 const char *end, const char **next)
{
	size_t klen = strip_cr(s, (size_t)(nl - s));
	const char *data = nl + 1;
	uint64_t size = 0;
	bool msg;

	if (!field_name_ok(s, klen))
		return fail_at(p, s, "bad field name in an export entry");
	if (nl == end || end - data < 8)
		return fail_at(p, end, "binary field cut short: no length");
	for (int i = 7; i >= 0; i--)
		size = size << 8 | (unsigned char)data[i];
	data += 8;
	if (size > (uint64_t)(end - data))
		return fail_at(p, data, "binary field length past the end");
	*next = data + size;
	if (*next < end && **next == '\r')
		(*next)++;
	if (*next == end || **next != '\n')
		return fail_at(p, *next, "no new line after a binary field");
	(*next)++;
	line_at(p, s);
	msg = field_is(s, klen, "MESSAGE");
	if (!msg)
		return entry_field(p, s, klen, data, (size_t)size);
	if (entry_wants_message(p, p->lineno)) {
		memcpy(p->out, data, (size_t)size);
		p->out[size] = '\0';
		p->ent.len = (size_t)size;
	}
	return 0;
}

/* Entries of fields, each entry ended by an empty line. */
static int export_parse(struct klog_parser *p, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len, *nl, *eol, *eq, *next = end;
	int ret;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		eol = nl ? nl : end;
		if (strip_cr(s, (size_t)(eol - s)) == 0) {
			line_at(p, s);
			ret = entry_end(p);
			if (ret)
				return ret;
			s = eol + (nl != NULL);
			continue;
		}
		if (!p->ent.open)
			entry_begin(p);
		eq = memchr(s, '=', (size_t)(eol - s));
		if (eq) {
			ret = export_text(p, s, eq, eol);
			next = eol + (nl != NULL);
		} else {
			ret = export_binary(p, s, eol, end, &next);
		}
		if (ret)
			return ret;
		s = next;
	}
	line_at(p, end);
	return entry_end(p);
}

/* ---- the whole file ---------------------------------------------------- */

static int parse_one(struct klog_parser *p, const char *s, size_t n)
{
	switch (p->log->format) {
	case KLOG_KMSG:
		return kmsg_line(p, s, n);
	case KLOG_JOURNAL:
	case KLOG_JOURNAL_MONOTONIC:
		return journal_line(p, s, n);
	case KLOG_JOURNAL_VERBOSE:
		return verbose_line(p, s, n);
	default:
		return dmesg_line(p, s, n);
	}
}

static int parse_lines(struct klog_parser *p, const char *buf, size_t len)
{
	size_t pos = 0, n;
	const char *s;
	char what[64];

	while (next_line(buf, len, &pos, &s, &n)) {
		int ret;

		p->lineno++;
		if (n > KLOG_MAX_LINE) {
			snprintf(what, sizeof(what),
				 "line longer than %u bytes", KLOG_MAX_LINE);
			return parse_fail(p, what);
		}
		n = strip_cr(s, n);
		if (!n) {
			p->joinable = false;
			continue;
		}
		ret = parse_one(p, s, n);
		if (ret)
			return ret;
	}
	return entry_end(p);
}

static int parse_all(struct klog_parser *p, const char *buf, size_t len)
{
	switch (p->log->format) {
	case KLOG_JOURNAL_JSON:
		p->lineno = 1;
		return json_parse(p, buf, len);
	case KLOG_JOURNAL_EXPORT:
		p->lineno = 1;
		return export_parse(p, buf, len);
	default:
		return parse_lines(p, buf, len);
	}
}

int klog_parse(const char *buf, size_t len, const char *file, struct klog **out,
	       struct gk_err *e)
{
	struct klog_parser p = { .file = file ? file : "<log>",
				 .buf = buf,
				 .e = e };
	int ret;

	*out = NULL;
	if (len > KLOG_MAX_SIZE)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: larger than %u bytes",
			       p.file, KLOG_MAX_SIZE);
	p.log = calloc(1, sizeof(*p.log));
	if (!p.log)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	p.log->store_ = malloc(len + 1);
	if (!p.log->store_) {
		klog_free(p.log);
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	}
	p.out = p.log->store_;
	p.log->format = detect_format(buf, len);
	ret = parse_all(&p, buf, len);
	if (!ret)
		select_boot(&p);
	free(p.runs);
	free(p.run_of);
	if (ret) {
		klog_free(p.log);
		return ret;
	}
	*out = p.log;
	return 0;
}

void klog_free(struct klog *log)
{
	if (!log)
		return;
	free(log->lines);
	free(log->store_);
	free(log);
}

static bool line_has(const struct klog_line *l, const char *needle, size_t n)
{
	if (n > l->len)
		return false;
	for (size_t i = 0; i + n <= l->len; i++)
		if (!memcmp(l->text + i, needle, n))
			return true;
	return false;
}

const struct klog_line *klog_grep(const struct klog *log, const char *needle,
				  size_t *pos)
{
	size_t n = strlen(needle);

	for (size_t i = *pos; i < log->n; i++) {
		if (line_has(&log->lines[i], needle, n)) {
			*pos = i + 1;
			return &log->lines[i];
		}
	}
	*pos = log->n;
	return NULL;
}

const char *klog_format_name(enum klog_format format)
{
	switch (format) {
	case KLOG_KMSG:
		return "kmsg";
	case KLOG_DMESG:
		return "dmesg";
	case KLOG_JOURNAL:
		return "journal";
	case KLOG_JOURNAL_MONOTONIC:
		return "journal-monotonic";
	case KLOG_PLAIN:
		return "plain";
	case KLOG_JOURNAL_VERBOSE:
		return "journal-verbose";
	case KLOG_JOURNAL_JSON:
		return "journal-json";
	case KLOG_JOURNAL_EXPORT:
		return "journal-export";
	}
	return "unknown";
}

/* Room for @more bytes after the @b->n held, keeping within KLOG_MAX_SIZE. */
static int buf_reserve(struct klog_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 65536;
	char *np;

	if (more > KLOG_MAX_SIZE - b->n)
		more = KLOG_MAX_SIZE - b->n + 1; /* one byte over: TOOBIG */
	if (b->p && b->n + more <= b->cap)
		return 0;
	while (cap < b->n + more)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np)
		return -GK_ERR_NOMEM;
	b->p = np;
	b->cap = cap;
	return 0;
}

/* Append @n bytes, keeping within KLOG_MAX_SIZE. */
static int buf_append(struct klog_buf *b, const char *s, size_t n)
{
	int ret;

	if (n > KLOG_MAX_SIZE - b->n)
		return -GK_ERR_TOOBIG;
	ret = buf_reserve(b, n);
	if (ret)
		return ret;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return 0;
}

/*
 * Report what a reader returned: a positive errno value from the system,
 * or a negative GK_ERR_* code of our own.
 */
static int read_fail(int err, const char *name, struct gk_err *e)
{
	if (err > 0)
		return gk_fail(e, gk_errno(err), "%s: %s", name, strerror(err));
	if (err == -GK_ERR_TOOBIG)
		return gk_fail(e, err, "%s: larger than %u bytes", name,
			       KLOG_MAX_SIZE);
	return gk_fail(e, err, "out of memory");
}

/*
 * A file or a pipe, to its end, read straight into the buffer (@hint: the
 * size of a regular file, so that one read() takes it). Returns 0, an
 * errno or a GK_ERR_* code.
 */
static int read_stream(int fd, struct klog_buf *b, size_t hint)
{
	for (;;) {
		ssize_t r;
		int ret = 0;

		/* a file's size, and a byte to see its end without a realloc */
		if (b->n == b->cap)
			ret = buf_reserve(b, hint > 16384 ? hint + 1 : 16384);
		if (ret)
			return ret;
		hint = 0;
		r = read(fd, b->p + b->n, b->cap - b->n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (!r)
			return 0;
		if ((size_t)r > KLOG_MAX_SIZE - b->n)
			return -GK_ERR_TOOBIG;
		b->n += (size_t)r;
	}
}

/*
 * The kmsg device, one record per read() up to the newest (EAGAIN). EPIPE
 * says the ring buffer overwrote records before we got to them; the next
 * read() goes on from the oldest one left.
 */
static int read_records(int fd, struct klog_buf *b)
{
	char rec[KMSG_RECORD_MAX];

	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec));
		int ret;

		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r < 0)
			return errno;
		if (!r)
			return 0;
		ret = buf_append(b, rec, (size_t)r);
		if (!ret && rec[r - 1] != '\n')
			ret = buf_append(b, "\n", 1);
		if (ret)
			return ret;
	}
}

/* Read @fd as its type and @allow say; -GK_ERR_* on failure. */
static int read_log(int fd, const char *name, unsigned int allow,
		    struct klog_buf *b, struct gk_err *e)
{
	struct stat st;
	int ret;

	if (fstat(fd, &st) < 0)
		return read_fail(errno, name, e);
	if (S_ISREG(st.st_mode)) {
		ret = read_stream(fd, b,
				  st.st_size > 0 &&
						  st.st_size <= KLOG_MAX_SIZE ?
					  (size_t)st.st_size :
					  0);
	} else if (S_ISFIFO(st.st_mode) && (allow & KLOG_ALLOW_FIFO)) {
		/* opened without blocking; now wait for the writer */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
			return read_fail(errno, name, e);
		ret = read_stream(fd, b, 0);
	} else if (S_ISCHR(st.st_mode) && (allow & KLOG_ALLOW_CHR)) {
		ret = read_records(fd, b);
	} else {
		return gk_fail(e, -GK_ERR_FORMAT, "%s: not a regular file",
			       name);
	}
	return ret ? read_fail(ret, name, e) : 0;
}

/*
 * Open the log without blocking: a FIFO would wait for a writer at open(),
 * and the kmsg device would wait for the next message at read().
 */
static int open_log(const struct sysroot *sr, const char *file, char *name,
		    size_t size, unsigned int *allow, struct gk_err *e)
{
	int fd;

	if (file) {
		snprintf(name, size, "%s", file);
		*allow = KLOG_ALLOW_FIFO | KLOG_ALLOW_CHR;
		fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return gk_fail(e, gk_errno(errno), "%s: %s", file,
				       strerror(errno));
		return fd;
	}
	if (!sr)
		return gk_fail(e, -GK_ERR_INVAL,
			       "no system root and no log file");
	sysroot_name(sr, "/dev/kmsg", name, size);
	/* a device in a snapshot would be the host's */
	*allow = sysroot_is_live(sr) ? KLOG_ALLOW_CHR : 0;
	return sysroot_open(sr, "/dev/kmsg", O_RDONLY | O_NONBLOCK, e);
}

/*
 * A snapshot's dev/kmsg, mapped rather than copied: it does not change
 * under us. Returns 1 when parsed (@ret its result), 0 to read it instead.
 */
static int parse_mapped(int fd, const char *name, struct klog **out, int *ret,
			struct gk_err *e)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > KLOG_MAX_SIZE)
		return 0;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return 0;
	*ret = klog_parse(p, (size_t)st.st_size, name, out, e);
	munmap(p, (size_t)st.st_size);
	return 1;
}

int klog_load(const struct sysroot *sr, const char *file, struct klog **out,
	      struct gk_err *e)
{
	struct klog_buf b = { 0 };
	char name[PATH_MAX];
	unsigned int allow = 0;
	int fd, ret;

	*out = NULL;
	fd = open_log(sr, file, name, sizeof(name), &allow, e);
	if (fd < 0)
		return fd;
	if (!file && !sysroot_is_live(sr) &&
	    parse_mapped(fd, name, out, &ret, e)) {
		close(fd);
		return ret;
	}
	ret = read_log(fd, name, allow, &b, e);
	close(fd);
	if (!ret)
		ret = klog_parse(b.p ? b.p : "", b.n, name, out, e);
	free(b.p);
	return ret;
}
