// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iomem.h"
#include "strutils.h"

/* The kernel pads addresses to 8 digits; 16 is all 64 bits hold. */
#define IOMEM_MIN_DIGITS 8
#define IOMEM_MAX_DIGITS 16

/* How much of a bad line an error message quotes. */
#define IOMEM_QUOTE_MAX 40

struct iomem {
	struct iomem_res *res; /* every resource, in file (pre-)order */
	size_t n;
	char *names; /* copy of the text; names point into it */
	bool zeroed;
};

/* State while the lines are read one by one. */
struct iomem_parser {
	struct iomem *io;
	const char *file;
	unsigned int lineno;
	struct gk_err *e;
};

/*
 * Quote @s for a one-line message: control bytes and quotes become \xNN,
 * and a long line is cut, so the message stays one short line whatever the
 * input holds.
 */
static const char *quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == IOMEM_QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

static int parse_fail(struct iomem_parser *p, const char *what)
{
	return gk_fail(p->e, -GK_ERR_FORMAT, "%s:%u: %s", p->file, p->lineno,
		       what);
}

/*
 * Read one address at *@s. Counting digits, not checking for overflow
 * after the fact, is what keeps 17 digits from wrapping silently.
 */
static bool parse_addr(const char **s, const char *end, uint64_t *val)
{
	const char *p = *s;
	uint64_t v = 0;
	int d;

	while (p < end && (d = gk_hexval(*p)) >= 0) {
		if (p - *s == IOMEM_MAX_DIGITS)
			return false;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (p - *s < IOMEM_MIN_DIGITS)
		return false;
	*s = p;
	*val = v;
	return true;
}

/* Split "START-END : NAME"; @line starts after the indentation. */
static bool parse_range(char *line, size_t len, struct iomem_res *r)
{
	const char *p = line, *end = line + len;

	if (!parse_addr(&p, end, &r->start))
		return false;
	if (p == end || *p++ != '-')
		return false;
	if (!parse_addr(&p, end, &r->end))
		return false;
	if (end - p < 3 || memcmp(p, " : ", 3) != 0)
		return false;
	r->name = p + 3;
	return true;
}

/* Control bytes never appear in kernel output, '\r' included. */
static int check_chars(struct iomem_parser *p, const char *line, size_t len)
{
	char what[64];

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(what, sizeof(what), "bad character 0x%02x", c);
			return parse_fail(p, what);
		}
	}
	return 0;
}

static int check_depth(struct iomem_parser *p, const struct iomem_res *prev,
		       size_t spaces)
{
	char what[96];
	size_t depth = spaces / 2;

	if (spaces % 2) {
		snprintf(what, sizeof(what),
			 "indented by an odd number of spaces (%zu)", spaces);
		return parse_fail(p, what);
	}
	if (!prev && depth)
		return parse_fail(p, "first resource is indented");
	if (prev && depth > (size_t)prev->depth + 1) {
		snprintf(what, sizeof(what),
			 "indentation jumps from depth %u to %zu", prev->depth,
			 depth);
		return parse_fail(p, what);
	}
	return 0;
}

static bool is_zero(const struct iomem_res *r)
{
	return !r->start && !r->end;
}

/*
 * Hang @r into the tree after @prev, the resource on the line before. The
 * kernel keeps siblings sorted and disjoint and children inside their
 * parent; a file that breaks this is not /proc/iomem. In a zeroed view all
 * ranges are 0-0, so siblings compare equal there and are let through.
 */
static int link_res(struct iomem_parser *p, struct iomem_res *prev,
		    struct iomem_res *r)
{
	struct iomem_res *sib = prev;
	char what[96];

	if (!prev)
		return 0;
	if (r->depth > prev->depth) {
		r->parent = prev;
		prev->child = r;
	} else {
		while (sib->depth > r->depth)
			sib = sib->parent;
		if (r->start <= sib->end && !(is_zero(sib) && is_zero(r))) {
			snprintf(what, sizeof(what),
				 "range does not follow the one on line %u",
				 sib->line);
			return parse_fail(p, what);
		}
		sib->next = r;
		r->parent = sib->parent;
	}
	if (r->parent &&
	    (r->start < r->parent->start || r->end > r->parent->end)) {
		snprintf(what, sizeof(what),
			 "child outside its parent on line %u",
			 r->parent->line);
		return parse_fail(p, what);
	}
	return 0;
}

/* Parse the NUL-terminated @line of @len bytes into the next resource. */
static int parse_line(struct iomem_parser *p, char *line, size_t len)
{
	struct iomem *io = p->io;
	struct iomem_res *prev = io->n ? &io->res[io->n - 1] : NULL;
	struct iomem_res *r = &io->res[io->n];
	char q[IOMEM_QUOTE_MAX * 4 + 8], what[sizeof(q) + 16];
	size_t spaces = 0;
	int ret;

	if (!len)
		return parse_fail(p, "empty line");
	ret = check_chars(p, line, len);
	if (ret)
		return ret;
	while (spaces < len && line[spaces] == ' ')
		spaces++;
	ret = check_depth(p, prev, spaces);
	if (ret)
		return ret;
	if (!parse_range(line + spaces, len - spaces, r)) {
		snprintf(what, sizeof(what), "bad range \"%s\"",
			 quote(line + spaces, len - spaces, q, sizeof(q)));
		return parse_fail(p, what);
	}
	if (r->end < r->start)
		return parse_fail(p, "END before START");
	r->depth = (unsigned int)(spaces / 2);
	r->line = p->lineno;
	ret = link_res(p, prev, r);
	if (ret)
		return ret;
	io->zeroed = io->zeroed && is_zero(r);
	io->n++;
	return 0;
}

/* Lines in @text, the last one possibly without its newline. */
static size_t count_lines(const char *text, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		n++;
	return n;
}

static int parse_lines(struct iomem_parser *p, size_t len)
{
	char *line = p->io->names, *end = line + len;

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		int ret;

		line[n] = '\0';
		p->lineno++;
		ret = parse_line(p, line, n);
		if (ret)
			return ret;
		line += n + 1;
	}
	return 0;
}

static struct iomem *iomem_alloc(const char *text, size_t len, size_t lines)
{
	struct iomem *io = calloc(1, sizeof(*io));

	if (!io)
		return NULL;
	io->names = malloc(len + 1);
	io->res = calloc(lines ? lines : 1, sizeof(*io->res));
	if (!io->names || !io->res) {
		iomem_free(io);
		return NULL;
	}
	memcpy(io->names, text, len);
	io->names[len] = '\0';
	io->zeroed = true;
	return io;
}

int iomem_parse(const char *text, size_t len, const char *file,
		struct iomem **out, struct gk_err *e)
{
	struct iomem_parser p = { .file = file ? file : "<iomem>", .e = e };
	size_t lines = count_lines(text, len);
	int ret;

	*out = NULL;
	if (lines > IOMEM_MAX_LINES)
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: more than %u lines",
			       p.file, IOMEM_MAX_LINES);
	p.io = iomem_alloc(text, len, lines);
	if (!p.io)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	ret = parse_lines(&p, len);
	if (ret) {
		iomem_free(p.io);
		return ret;
	}
	p.io->zeroed = p.io->zeroed && p.io->n;
	*out = p.io;
	return 0;
}

int iomem_load(const struct sysroot *sr, struct iomem **out, struct gk_err *e)
{
	char name[PATH_MAX];
	size_t len;
	char *buf;
	int ret;

	*out = NULL;
	ret = sysroot_read_file(sr, "/proc/iomem", IOMEM_MAX_SIZE, &buf, &len,
				e);
	if (ret)
		return ret;
	ret = iomem_parse(buf, len,
			  sysroot_name(sr, "/proc/iomem", name, sizeof(name)),
			  out, e);
	free(buf);
	return ret;
}

void iomem_free(struct iomem *io)
{
	if (!io)
		return;
	free(io->res);
	free(io->names);
	free(io);
}

const struct iomem_res *iomem_root(const struct iomem *io)
{
	return io->n ? &io->res[0] : NULL;
}

size_t iomem_count(const struct iomem *io)
{
	return io->n;
}

bool iomem_zeroed(const struct iomem *io)
{
	return io->zeroed;
}

int iomem_find(const struct iomem *io, const char *name, struct gk_range **out,
	       size_t *n)
{
	struct gk_range *r;
	size_t count = 0, k = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < io->n; i++)
		count += !strcmp(io->res[i].name, name);
	if (!count)
		return 0;
	r = calloc(count, sizeof(*r));
	if (!r)
		return -GK_ERR_NOMEM;
	/* file order is pre-order, which is address order in this tree */
	for (size_t i = 0; i < io->n; i++) {
		if (strcmp(io->res[i].name, name))
			continue;
		r[k].start = io->res[i].start;
		r[k].end = io->res[i].end;
		k++;
	}
	*out = r;
	*n = count;
	return 0;
}

bool iomem_in_ram(const struct iomem *io, uint64_t start, uint64_t len)
{
	struct gk_range want, run = { 0, 0 };
	bool have = false;

	if (io->zeroed || !gk_range_from_len(&want, start, len))
		return false;
	for (const struct iomem_res *r = iomem_root(io); r; r = r->next) {
		if (strcmp(r->name, "System RAM"))
			continue;
		/* top-level siblings are sorted and disjoint, see link_res() */
		if (have && run.end != UINT64_MAX && r->start == run.end + 1) {
			run.end = r->end;
			continue;
		}
		if (have && gk_range_contains(&run, &want))
			return true;
		run.start = r->start;
		run.end = r->end;
		have = true;
	}
	return have && gk_range_contains(&run, &want);
}
