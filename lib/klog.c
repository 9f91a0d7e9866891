// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* State while the lines are read one by one. */
struct klog_parser {
	struct klog *log;
	const char *file;
	unsigned int lineno;
	size_t cap;    /* lines allocated */
	char *out;     /* next free byte of log->store_ */
	bool joinable; /* journal: an indented line extends the last */
	size_t indent; /* journal: column where that message began */
	struct gk_err *e;
};

/* A growing buffer for klog_load(), bounded by KLOG_MAX_SIZE. */
struct klog_buf {
	char *p;
	size_t n;
	size_t cap;
};

static int parse_fail(struct klog_parser *p, const char *what)
{
	return gk_fail(p->e, -GK_ERR_FORMAT, "%s:%u: %s", p->file, p->lineno,
		       what);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
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

/* "[    0.000000]", as dmesg and journalctl -o short-monotonic print it. */
static bool parse_stamp(const char **s, const char *end, uint64_t *usec)
{
	const char *q = *s;
	uint64_t sec, frac;

	if (q == end || *q++ != '[')
		return false;
	while (q < end && *q == ' ')
		q++;
	if (!parse_dec(&q, end, &sec) || q == end || *q++ != '.')
		return false;
	if (!parse_frac(&q, end, &frac) || q == end || *q++ != ']')
		return false;
	if (sec > (UINT64_MAX - frac) / 1000000)
		return false;
	*usec = sec * 1000000 + frac;
	*s = q;
	return true;
}

/*
 * "Nov 24 10:00:00", as journalctl -o short prints it (syslog pads the day
 * with a space instead of a zero); optional fraction of a second.
 */
static bool parse_wallclock(const char **s, const char *end)
{
	static const char pattern[] = "Aaa _9 99:99:99";
	const char *q = *s;
	uint64_t frac;

	if ((size_t)(end - q) < sizeof(pattern) - 1)
		return false;
	for (size_t i = 0; i < sizeof(pattern) - 1; i++, q++) {
		char c = *q, want = pattern[i];

		if ((want == 'A' && !(c >= 'A' && c <= 'Z')) ||
		    (want == 'a' && !(c >= 'a' && c <= 'z')) ||
		    (want == '9' && !is_digit(c)) ||
		    (want == '_' && !is_digit(c) && c != ' ') ||
		    (!strchr("Aa9_", want) && c != want))
			return false;
	}
	if (q < end && *q == '.') {
		q++;
		if (!parse_frac(&q, end, &frac))
			return false;
	}
	*s = q;
	return true;
}

/*
 * " HOST kernel: " after a journal timestamp; the text may be empty, and
 * then so is the space after the colon.
 */
static bool parse_journal_prefix(const char **s, const char *end)
{
	static const char ident[] = "kernel:";
	const char *q = *s, *host;

	if (q == end || *q++ != ' ')
		return false;
	host = q;
	while (q < end && *q != ' ')
		q++;
	if (q == host || q == end)
		return false;
	q++;
	if ((size_t)(end - q) < sizeof(ident) - 1 ||
	    memcmp(q, ident, sizeof(ident) - 1) != 0)
		return false;
	q += sizeof(ident) - 1;
	if (q < end && *q++ != ' ')
		return false;
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

/*
 * Tell the format from the first line that says something. A dmesg line
 * can look like "HOST IDENT:" ("Machine model: ..."), so short-monotonic
 * needs the "kernel:" identifier or a journal marker before it.
 */
static enum klog_format detect_format(const char *buf, size_t len)
{
	bool marker = false;
	size_t pos = 0, n;
	const char *s, *q;
	uint64_t usec, prio;

	while (next_line(buf, len, &pos, &s, &n)) {
		n = strip_cr(s, n);
		if (!n)
			continue;
		if (is_marker(s, n)) {
			marker = true;
			continue;
		}
		if (looks_kmsg(s, n))
			return KLOG_KMSG;
		q = s;
		parse_raw_prio(&q, s + n, &prio); /* dmesg -r */
		if (parse_stamp(&q, s + n, &usec))
			return marker || parse_journal_prefix(&q, s + n)
				       ? KLOG_JOURNAL_MONOTONIC
				       : KLOG_DMESG;
		q = s;
		if (parse_wallclock(&q, s + n))
			return KLOG_JOURNAL;
		return KLOG_PLAIN;
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

/* The same, decoding the \xNN escapes /dev/kmsg writes for odd bytes. */
static void put_unescaped(struct klog_parser *p, struct klog_line *l,
			  const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    (hi = gk_hexval(s[i + 2])) >= 0 &&
		    (lo = gk_hexval(s[i + 3])) >= 0) {
			p->out[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		p->out[o++] = s[i];
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

/* "Nov 24 10:00:00 HOST kernel: TEXT" or "[    0.000000] HOST kernel: TEXT" */
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
	has_time = parse_stamp(&q, end, &usec);
	if (!has_time && !parse_wallclock(&q, end))
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

static int parse_one(struct klog_parser *p, const char *s, size_t n)
{
	switch (p->log->format) {
	case KLOG_KMSG:
		return kmsg_line(p, s, n);
	case KLOG_JOURNAL:
	case KLOG_JOURNAL_MONOTONIC:
		return journal_line(p, s, n);
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
	return 0;
}

int klog_parse(const char *buf, size_t len, const char *file, struct klog **out,
	       struct gk_err *e)
{
	struct klog_parser p = {.file = file ? file : "<log>", .e = e};
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
	ret = parse_lines(&p, buf, len);
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
	}
	return "unknown";
}

/* Append @n bytes, keeping within KLOG_MAX_SIZE. */
static int buf_append(struct klog_buf *b, const char *s, size_t n)
{
	if (n > KLOG_MAX_SIZE - b->n)
		return -GK_ERR_TOOBIG;
	if (!b->p || b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		char *np;

		while (cap < b->n + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -GK_ERR_NOMEM;
		b->p = np;
		b->cap = cap;
	}
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

/* A file or a pipe, to its end. Returns 0, an errno or a GK_ERR_* code. */
static int read_stream(int fd, struct klog_buf *b)
{
	char chunk[16384];

	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		int ret;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (!r)
			return 0;
		ret = buf_append(b, chunk, (size_t)r);
		if (ret)
			return ret;
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
		ret = read_stream(fd, b);
	} else if (S_ISFIFO(st.st_mode) && (allow & KLOG_ALLOW_FIFO)) {
		/* opened without blocking; now wait for the writer */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
			return read_fail(errno, name, e);
		ret = read_stream(fd, b);
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

int klog_load(const struct sysroot *sr, const char *file, struct klog **out,
	      struct gk_err *e)
{
	struct klog_buf b = {0};
	char name[PATH_MAX];
	unsigned int allow = 0;
	int fd, ret;

	*out = NULL;
	fd = open_log(sr, file, name, sizeof(name), &allow, e);
	if (fd < 0)
		return fd;
	ret = read_log(fd, name, allow, &b, e);
	close(fd);
	if (!ret)
		ret = klog_parse(b.p ? b.p : "", b.n, name, out, e);
	free(b.p);
	return ret;
}
