// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "dl.h"
#include "journal.h"
#include "le.h"
#include "strutils.h"

/*
 * journald's own entry when /dev/kmsg's sequence numbers jump
 * (dev_kmsg_record() in src/journal/journald-kmsg.c): "Missed N kernel
 * messages", _TRANSPORT=driver. Every journald that reads /dev/kmsg prints
 * it; most with MESSAGE_ID=SD_MESSAGE_JOURNAL_MISSED (e9bf28e6...), some
 * around v230 without one, and the older ones (RHEL 7's v219) count one
 * fewer than were lost. So it is recognised by its text, from journald.
 */
#define MISSED_ID "e9bf28e6e834481bb6f48f548ad13606"
#define MISSED_PRE "Missed "
#define MISSED_POST " kernel messages"

/* A journal field name: at most 64 of [A-Z0-9_] (journal-file.c). */
#define FIELD_NAME_MAX 64
/* kmsg records are under 1 KiB; anything near this bound is not one. */
#define FIELD_MAX KLOG_MAX_LINE
#define BOOT_ID_LEN 32
/* _BOOT_ID values to look through for this boot and the others */
#define MAX_BOOTS 100000u

static const char *const journal_dirs[] = { "/var/log/journal",
					    "/run/log/journal" };

/* One entry, as far as it matters here. */
struct jentry {
	const char *msg;
	size_t msg_len;
	bool has_msg;
	unsigned int line;
	int prio;
	int facility;
	uint64_t usec; /* the kernel's timestamp, else journald's */
	bool has_time;
	uint64_t jusec; /* journald's monotonic time */
	bool has_jtime;
	bool kernel;	/* _TRANSPORT=kernel */
	bool driver;	/* _TRANSPORT=driver: journald itself */
	bool missed_id; /* MESSAGE_ID=SD_MESSAGE_JOURNAL_MISSED */
};

/* The messages of this boot as they are read, and what else was seen. */
struct jstate {
	struct gk_journal_info *info;
	const char *name; /* for messages */
	bool live;
	struct klog_line *lines;
	size_t *offs; /* where each text starts in @store */
	size_t n, cap;
	char *store;
	size_t used, store_cap;
	unsigned int nfiles; /* journal files there (1 for an export) */
	bool any_entry;	     /* any entry at all, of any boot */
	bool boot_seen;	     /* any entry of this boot */
	bool other_boots;    /* entries of other boots */
	struct gk_err *e;
};

/* ---- boot ids ---------------------------------------------------- */

/*
 * /proc/sys/kernel/random/boot_id is a UUID with dashes; the journal
 * writes the same 128 bits as 32 hex digits.
 */
static int boot_id_norm(const char *in, char out[BOOT_ID_LEN + 1],
			struct gk_err *e)
{
	size_t n = 0, i;

	for (i = 0; in[i] && in[i] != '\n'; i++) {
		bool dash_ok = i == 8 || i == 13 || i == 18 || i == 23;

		if (in[i] == '-' && dash_ok)
			continue;
		if (gk_hexval(in[i]) < 0 || n == BOOT_ID_LEN)
			break;
		out[n++] = (char)(in[i] | 0x20);
	}
	out[n] = '\0';
	if (n != BOOT_ID_LEN || (in[i] && strcmp(in + i, "\n")))
		return gk_fail(e, -GK_ERR_INVAL,
			       "boot id \"%.40s\": not 32 hex digits", in);
	return 0;
}

static int boot_id_get(const struct sysroot *sr, const char *given,
		       char out[BOOT_ID_LEN + 1], struct gk_err *e)
{
	static const char path[] = "/proc/sys/kernel/random/boot_id";
	char name[PATH_MAX];
	size_t len;
	char *buf;
	int ret;

	if (given)
		return boot_id_norm(given, out, e);
	ret = sysroot_read_file(sr, path, 64, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = boot_id_norm(buf, out, e);
	free(buf);
	if (ret < 0)
		gk_err_prefix(e, "%s",
			      sysroot_name(sr, path, name, sizeof(name)));
	return ret;
}

/* ---- the log being built ----------------------------------------- */

/* Room for one more message and @len more bytes of text. */
static int make_room(struct jstate *s, size_t len)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? 2 * s->cap : 256;
		struct klog_line *nl;
		size_t *no;

		nl = realloc(s->lines, ncap * sizeof(*nl));
		if (!nl)
			return -GK_ERR_NOMEM;
		s->lines = nl;
		no = realloc(s->offs, ncap * sizeof(*no));
		if (!no)
			return -GK_ERR_NOMEM;
		s->offs = no;
		s->cap = ncap;
	}
	if (s->used + len + 1 > s->store_cap) {
		size_t ncap = s->store_cap ? s->store_cap : 4096;
		char *ns;

		while (ncap < s->used + len + 1)
			ncap *= 2;
		ns = realloc(s->store, ncap);
		if (!ns)
			return -GK_ERR_NOMEM;
		s->store = ns;
		s->store_cap = ncap;
	}
	return 0;
}

static int push_line(struct jstate *s, const struct jentry *en)
{
	/* kernel records are short: a longer message is cut, not refused */
	size_t len = en->msg_len < FIELD_MAX ? en->msg_len : FIELD_MAX;
	struct klog_line *l;

	if (s->n >= KLOG_MAX_LINES)
		return gk_fail(s->e, -GK_ERR_TOOBIG,
			       "%s: more than %u kernel messages", s->name,
			       KLOG_MAX_LINES);
	if (s->used + len + 1 > KLOG_MAX_SIZE)
		return gk_fail(s->e, -GK_ERR_TOOBIG,
			       "%s: kernel messages over %u bytes", s->name,
			       KLOG_MAX_SIZE);
	if (make_room(s, len) < 0)
		return gk_fail(s->e, -GK_ERR_NOMEM, "out of memory");
	memcpy(s->store + s->used, en->msg, len);
	s->store[s->used + len] = '\0';
	s->offs[s->n] = s->used;
	l = &s->lines[s->n++];
	*l = (struct klog_line){
		.usec = en->usec,
		.len = len,
		.line = en->line,
		.prio = en->prio,
		.facility = en->facility,
		.has_time = en->has_time,
	};
	s->used += len + 1;
	return 0;
}

/* Decimal digits only, as journald writes its numbers. */
static int parse_dec(const char *p, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (!len || len > 20)
		return -GK_ERR_INVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned char)p[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -GK_ERR_INVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static bool parse_missed(const char *m, size_t len, uint64_t *count)
{
	size_t pre = sizeof(MISSED_PRE) - 1, post = sizeof(MISSED_POST) - 1;

	if (len <= pre + post || memcmp(m, MISSED_PRE, pre) ||
	    memcmp(m + len - post, MISSED_POST, post))
		return false;
	return parse_dec(m + pre, len - pre - post, count) == 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void add_gap(struct jstate *s, uint64_t count, const struct jentry *en)
{
	struct gk_journal_info *info = s->info;
	struct gk_journal_gap *g;

	info->missed = sat_add(info->missed, count);
	if (info->ngaps == GK_JOURNAL_MAX_GAPS) {
		g = &info->gaps[info->ngaps - 1];
		g->count = sat_add(g->count, count);
		return;
	}
	info->gaps[info->ngaps++] = (struct gk_journal_gap){
		.before = s->n,
		.count = count,
		.usec = en->jusec,
		.has_time = en->has_jtime,
	};
}

static int take_entry(struct jstate *s, const struct jentry *en)
{
	uint64_t count;

	if (!en->has_msg)
		return 0;
	if (en->kernel)
		return push_line(s, en);
	if ((en->driver || en->missed_id) &&
	    parse_missed(en->msg, en->msg_len, &count))
		add_gap(s, count, en);
	return 0;
}

static bool has_prefix(const char *text, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(text, prefix, n);
}

/*
 * The first line a kernel logs: arm and arm64 print "Booting Linux on
 * physical CPU" before the banner, the others start with the banner.
 */
static bool starts_boot(const char *text, size_t len)
{
	return has_prefix(text, len, "Booting Linux on physical CPU") ||
	       has_prefix(text, len, "Linux version ");
}

static int finish_log(struct jstate *s, struct klog **out)
{
	struct klog *log;

	if (!s->n)
		return 0;
	log = calloc(1, sizeof(*log));
	if (!log)
		return gk_fail(s->e, -GK_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < s->n; i++)
		s->lines[i].text = s->store + s->offs[i];
	log->n = s->n;
	log->lines = s->lines;
	log->store_ = s->store;
	log->format = KLOG_JOURNAL_MONOTONIC;
	s->lines = NULL;
	s->store = NULL;
	*out = log;
	return 0;
}

static void jstate_release(struct jstate *s)
{
	free(s->lines);
	free(s->offs);
	free(s->store);
}

/* ---- why the journal falls short ---------------------------------- */

static void why_add(struct gk_journal_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void why_add(struct gk_journal_info *info, const char *fmt, ...)
{
	size_t n = strlen(info->why);
	va_list ap;

	if (n && n + 1 < sizeof(info->why))
		info->why[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(info->why + n, sizeof(info->why) - n, fmt, ap);
	va_end(ap);
}

static void why_not_found(const struct jstate *s)
{
	struct gk_journal_info *info = s->info;

	if (!s->nfiles)
		why_add(info,
			"no systemd journal: neither /var/log/journal nor "
			"/run/log/journal holds journal files (journald "
			"is not running, or keeps nothing: Storage=none).");
	else if (!s->any_entry && s->live)
		why_add(info,
			"the %s holds no entries this user can read: run "
			"as root, or in group systemd-journal or adm.",
			info->where);
	else if (!s->any_entry)
		why_add(info, "the %s holds no entries.", info->where);
	else if (!s->boot_seen)
		why_add(info,
			"the %s holds other boots but none of boot %s: "
			"its entries were vacuumed (SystemMaxUse=, "
			"MaxRetentionSec= in journald.conf), or the "
			"volatile journal was rotated.",
			info->where, info->boot_id);
	else
		why_add(info,
			"the %s holds boot %s but none of its kernel "
			"messages: journald does not read them "
			"(ReadKMsg=no in journald.conf), or they were "
			"vacuumed.",
			info->where, info->boot_id);
}

static void explain(const struct jstate *s)
{
	struct gk_journal_info *info = s->info;

	info->found = s->n > 0;
	if (!info->found) {
		why_not_found(s);
		return;
	}
	info->from_start = starts_boot(s->store + s->offs[0], s->lines[0].len);
	if (!info->from_start)
		why_add(info,
			"the %s's copy of boot %s begins after the boot's "
			"first kernel message: its oldest entries were "
			"vacuumed, or journald started after the ring "
			"buffer had dropped them.",
			info->where, info->boot_id);
	if (info->missed)
		why_add(info,
			"journald missed %llu kernel messages of this "
			"boot: the ring buffer overflowed before journald "
			"read them.",
			(unsigned long long)info->missed);
}

/* ---- the export format --------------------------------------------- */

/*
 * journalctl -o export: entries of "KEY=value\n" fields separated by an
 * empty line; a value that is not printable text is written as "KEY\n",
 * its size as a little-endian u64, the bytes and "\n".
 */
struct xfield {
	const char *key;
	size_t klen;
	const char *val;
	size_t vlen;
	unsigned int line;
};

/* The fields of one entry that matter here. */
struct xraw {
	struct xfield boot, transport, msg, mono, src_mono, prio, fac, msgid;
	unsigned int line;
	bool any;
};

struct xparser {
	const char *p, *end;
	const char *file;
	unsigned int lineno;
	struct jstate *s;
	struct gk_err *e;
};

static bool valid_key(const char *k, size_t n)
{
	if (!n || n > FIELD_NAME_MAX || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

/* At most 40 bytes of @p, made printable, for a message. */
static const char *shown(const char *p, size_t n, char buf[44])
{
	size_t i;

	for (i = 0; i < n && i < 40; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	strcpy(buf + i, n > 40 ? "..." : "");
	return buf;
}

static size_t count_nl(const char *p, size_t n)
{
	size_t c = 0;
	const char *q;

	while (n && (q = memchr(p, '\n', n))) {
		c++;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	return c;
}

static int binary_field(struct xparser *x, const char *nl, struct xfield *f)
{
	const char *p = nl + 1;
	char kb[44];
	uint64_t len;
	size_t left;

	shown(f->key, f->klen, kb);
	if (x->end - p < 8)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: binary field's length truncated",
			       x->file, f->line, kb);
	len = gk_le64(p);
	p += 8;
	left = (size_t)(x->end - p);
	if (len > FIELD_MAX)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: binary field of %llu bytes, over %u",
			       x->file, f->line, kb, (unsigned long long)len,
			       FIELD_MAX);
	if (left < len + 1)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: binary field truncated: %llu bytes "
			       "announced, %zu there",
			       x->file, f->line, kb, (unsigned long long)len,
			       left);
	if (p[len] != '\n')
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: no newline after the binary field",
			       x->file, f->line, kb);
	f->val = p;
	f->vlen = (size_t)len;
	x->lineno += 2 + (unsigned int)count_nl(nl + 1, 8 + (size_t)len);
	x->p = p + len + 1;
	return 1;
}

/* returns: 1 with a field, 0 at the end of an entry, or an error */
static int next_field(struct xparser *x, struct xfield *f)
{
	const char *p = x->p, *nl, *eol, *eq;
	char kb[44];

	if (p == x->end)
		return 0;
	f->line = x->lineno;
	if (*p == '\n') {
		x->p++;
		x->lineno++;
		return 0;
	}
	nl = memchr(p, '\n', (size_t)(x->end - p));
	eol = nl ? nl : x->end;
	if ((size_t)(eol - p) > FIELD_NAME_MAX + 1 + FIELD_MAX)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: line over %u bytes", x->file, f->line,
			       FIELD_NAME_MAX + 1 + FIELD_MAX);
	eq = memchr(p, '=', (size_t)(eol - p));
	f->key = p;
	f->klen = (size_t)((eq ? eq : eol) - p);
	if (!valid_key(p, f->klen))
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       eq ? "%s:%u: bad field name \"%s\"" :
				    "%s:%u: no '=' in \"%s\"",
			       x->file, f->line, shown(p, f->klen, kb));
	if (!eq && !nl)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: binary field's length truncated",
			       x->file, f->line, shown(p, f->klen, kb));
	if (!eq)
		return binary_field(x, nl, f);
	f->val = eq + 1;
	f->vlen = (size_t)(eol - f->val);
	x->p = nl ? nl + 1 : x->end;
	x->lineno++;
	return 1;
}

static bool key_is(const struct xfield *f, const char *key)
{
	return f->klen == strlen(key) && !memcmp(f->key, key, f->klen);
}

static bool val_is(const struct xfield *f, const char *val)
{
	return f->val && f->vlen == strlen(val) &&
	       !memcmp(f->val, val, f->vlen);
}

static void keep_field(struct xraw *r, const struct xfield *f)
{
	static const struct {
		const char *key;
		size_t off;
	} keep[] = {
		{ "_BOOT_ID", offsetof(struct xraw, boot) },
		{ "_TRANSPORT", offsetof(struct xraw, transport) },
		{ "MESSAGE", offsetof(struct xraw, msg) },
		{ "__MONOTONIC_TIMESTAMP", offsetof(struct xraw, mono) },
		{ "_SOURCE_MONOTONIC_TIMESTAMP",
		  offsetof(struct xraw, src_mono) },
		{ "PRIORITY", offsetof(struct xraw, prio) },
		{ "SYSLOG_FACILITY", offsetof(struct xraw, fac) },
		{ "MESSAGE_ID", offsetof(struct xraw, msgid) },
	};

	if (!r->any) {
		r->any = true;
		r->line = f->line;
	}
	for (size_t i = 0; i < GK_ARRAY_SIZE(keep); i++)
		if (key_is(f, keep[i].key))
			*(struct xfield *)((char *)r + keep[i].off) = *f;
}

/* A number field of an entry of this boot; absent leaves @v alone. */
static int num_field(struct xparser *x, const struct xfield *f, uint64_t max,
		     uint64_t *v, bool *has)
{
	char kb[44], vb[44];

	if (!f->val)
		return 0;
	if (parse_dec(f->val, f->vlen, v) < 0 || *v > max)
		return gk_fail(x->e, -GK_ERR_FORMAT,
			       "%s:%u: %s: \"%s\" is not a number up to %llu",
			       x->file, f->line, shown(f->key, f->klen, kb),
			       shown(f->val, f->vlen, vb),
			       (unsigned long long)max);
	if (has)
		*has = true;
	return 0;
}

static int raw_numbers(struct xparser *x, const struct xraw *r,
		       struct jentry *en)
{
	uint64_t prio = 0, fac = 0;
	bool has_prio = false, has_fac = false, has_src = false;
	int ret;

	ret = num_field(x, &r->prio, 7, &prio, &has_prio);
	if (!ret)
		ret = num_field(x, &r->fac, 255, &fac, &has_fac);
	if (!ret)
		ret = num_field(x, &r->mono, UINT64_MAX, &en->jusec,
				&en->has_jtime);
	if (!ret)
		ret = num_field(x, &r->src_mono, UINT64_MAX, &en->usec,
				&has_src);
	en->prio = has_prio ? (int)prio : -1;
	en->facility = has_fac ? (int)fac : -1;
	if (!has_src) {
		en->usec = en->jusec;
		en->has_time = en->has_jtime;
	} else {
		en->has_time = true;
	}
	return ret;
}

static int export_entry(struct xparser *x, const struct xraw *r)
{
	struct jstate *s = x->s;
	struct jentry en = { .line = r->line };
	int ret;

	s->any_entry = true;
	if (!r->boot.val)
		return 0;
	if (r->boot.vlen != BOOT_ID_LEN ||
	    strncasecmp(r->boot.val, s->info->boot_id, BOOT_ID_LEN)) {
		s->other_boots = true;
		return 0;
	}
	s->boot_seen = true;
	en.kernel = val_is(&r->transport, "kernel");
	en.driver = val_is(&r->transport, "driver");
	en.missed_id = val_is(&r->msgid, MISSED_ID);
	if (!en.kernel && !en.driver && !en.missed_id)
		return 0;
	ret = raw_numbers(x, r, &en);
	if (ret < 0)
		return ret;
	en.msg = r->msg.val;
	en.msg_len = r->msg.vlen;
	en.has_msg = r->msg.val != NULL;
	return take_entry(s, &en);
}

static int parse_entries(struct xparser *x)
{
	struct xraw raw = { 0 };
	struct xfield f;
	int ret;

	for (;;) {
		ret = next_field(x, &f);
		if (ret < 0)
			return ret;
		if (ret > 0) {
			keep_field(&raw, &f);
			continue;
		}
		if (raw.any) {
			ret = export_entry(x, &raw);
			if (ret < 0)
				return ret;
			memset(&raw, 0, sizeof(raw));
		}
		if (x->p == x->end)
			return 0;
	}
}

static void info_reset(struct gk_journal_info *info, const char *boot_id)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->boot_id, sizeof(info->boot_id), "%s", boot_id);
}

static int export_state(struct jstate *s, const char *buf, size_t len,
			const char *file)
{
	struct xparser x = {
		.p = buf,
		.end = buf + len,
		.file = file,
		.lineno = 1,
		.s = s,
		.e = s->e,
	};

	if (len > GK_JOURNAL_MAX_EXPORT)
		return gk_fail(s->e, -GK_ERR_TOOBIG,
			       "%s: larger than %zu bytes", file,
			       GK_JOURNAL_MAX_EXPORT);
	s->name = file;
	s->nfiles = 1;
	return parse_entries(&x);
}

int gk_journal_parse_export(const char *buf, size_t len, const char *file,
			    const char *boot_id, struct klog **out,
			    struct gk_journal_info *info, struct gk_err *e)
{
	struct jstate s = { .info = info, .e = e };
	char id[BOOT_ID_LEN + 1];
	int ret;

	*out = NULL;
	ret = boot_id_norm(boot_id, id, e);
	if (ret < 0)
		return ret;
	info_reset(info, id);
	ret = export_state(&s, buf, len, file);
	if (!ret) {
		explain(&s);
		ret = finish_log(&s, out);
	}
	jstate_release(&s);
	return ret;
}

/* ---- journal files ------------------------------------------------ */

/* Journal files found, and opened in a snapshot. */
struct jfiles {
	int fds[GK_JOURNAL_MAX_FILES];
	unsigned int nfds;
	unsigned int count[GK_ARRAY_SIZE(journal_dirs)];
};

static void jfiles_close(struct jfiles *jf)
{
	for (unsigned int i = 0; i < jf->nfds; i++)
		close(jf->fds[i]);
	jf->nfds = 0;
}

/*
 * After a failed sd_journal_open_files_fd(), the descriptors it had taken
 * are closed by some systemd versions and left open by others (v252 gives
 * them back); single-threaded, none of them can have been reused yet.
 */
static void jfiles_close_left(struct jfiles *jf)
{
	for (unsigned int i = 0; i < jf->nfds; i++)
		if (fcntl(jf->fds[i], F_GETFD) >= 0)
			close(jf->fds[i]);
	jf->nfds = 0;
}

/* journald's files, and those it renamed on finding them damaged */
static bool is_journal_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 8 && !strcmp(name + n - 8, ".journal")) ||
	       (n > 9 && !strcmp(name + n - 9, ".journal~"));
}

/*
 * sd-journal never opens a path of a snapshot itself: a symbolic link there
 * would take it to the host. The file is opened inside the root, must be a
 * regular file, and only its descriptor is handed over.
 */
static int open_journal_file(const struct sysroot *sr, int dfd,
			     const char *path, const char *base,
			     struct jfiles *jf, struct gk_err *e)
{
	char name[PATH_MAX];
	struct stat st;
	int fd;

	sysroot_name(sr, path, name, sizeof(name));
	if (jf->nfds == GK_JOURNAL_MAX_FILES)
		return gk_fail(e, -GK_ERR_TOOBIG,
			       "%s: more than %u journal files", name,
			       GK_JOURNAL_MAX_FILES);
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return gk_fail(e, gk_errno(errno), "%s: %s", name,
			       strerror(errno));
	if (S_ISLNK(st.st_mode))
		return gk_fail(
			e, -GK_ERR_ESCAPE,
			"%s: a symbolic link: a snapshot's journal files "
			"must be regular files",
			name);
	fd = sysroot_open(sr, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, e);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return gk_fail(e, -GK_ERR_ESCAPE,
			       "%s: not a regular file: a snapshot's journal "
			       "files must be regular files",
			       name);
	}
	jf->fds[jf->nfds++] = fd;
	return 0;
}

struct scan {
	const struct sysroot *sr;
	struct jfiles *jf;
	unsigned int *count;
	struct gk_err *e;
};

typedef int (*entry_fn)(struct scan *sc, int dfd, const char *path,
			const char *name);

/* @fn for each entry of @dir (under the root); no directory: nothing */
static int each_entry(struct scan *sc, const char *dir, entry_fn fn)
{
	char path[PATH_MAX];
	struct dirent *de;
	int dfd, ret = 0;
	DIR *d;

	dfd = sysroot_open(sc->sr, dir, O_RDONLY | O_DIRECTORY, NULL);
	if (dfd < 0)
		return 0; /* not a directory: no journal there */
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return gk_fail(sc->e, -GK_ERR_NOMEM, "out of memory");
	}
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path))
			continue;
		ret = fn(sc, dirfd(d), path, de->d_name);
	}
	closedir(d);
	return ret;
}

/* DIR/MACHINE/ *.journal; live, they are only counted */
static int journal_file(struct scan *sc, int dfd, const char *path,
			const char *name)
{
	if (!is_journal_name(name))
		return 0;
	(*sc->count)++;
	if (sysroot_is_live(sc->sr))
		return 0;
	return open_journal_file(sc->sr, dfd, path, name, sc->jf, sc->e);
}

static int machine_dir(struct scan *sc, int dfd, const char *path,
		       const char *name)
{
	(void)dfd;
	(void)name;
	return each_entry(sc, path, journal_file);
}

static int scan_journals(const struct sysroot *sr, struct jfiles *jf,
			 struct jstate *s)
{
	struct gk_journal_info *info = s->info;
	int ret = 0;

	for (size_t i = 0; !ret && i < GK_ARRAY_SIZE(journal_dirs); i++) {
		struct scan sc = { sr, jf, &jf->count[i], s->e };

		ret = each_entry(&sc, journal_dirs[i], machine_dir);
	}
	if (ret < 0) {
		jfiles_close(jf);
		return ret;
	}
	s->nfiles = jf->count[0] + jf->count[1];
	if (jf->count[0] && jf->count[1])
		snprintf(info->where, sizeof(info->where), "journals %s and %s",
			 journal_dirs[0], journal_dirs[1]);
	else if (jf->count[1])
		snprintf(info->where, sizeof(info->where),
			 "volatile journal %s", journal_dirs[1]);
	else
		snprintf(info->where, sizeof(info->where),
			 "persistent journal %s", journal_dirs[0]);
	s->name = info->where;
	return 0;
}

/* ---- sd-journal ----------------------------------------------------- */

static int sd_fail(const struct jstate *s, int r, const char *what)
{
	return gk_fail(s->e, r == -EBADMSG ? -GK_ERR_CORRUPT : gk_errno(-r),
		       "%s: %s: %s", s->name, what, strerror(-r));
}

/* ---- libsystemd, loaded when the journal is read (lib/dl.h) -------- */

struct sdlib {
	int (*open)(sd_journal **, int);
	int (*open_files_fd)(sd_journal **, int[], unsigned int, int);
	void (*close)(sd_journal *);
	int (*add_match)(sd_journal *, const void *, size_t);
	int (*next)(sd_journal *);
	int (*get_data)(sd_journal *, const char *, const void **, size_t *);
	int (*get_monotonic_usec)(sd_journal *, uint64_t *, sd_id128_t *);
	int (*query_unique)(sd_journal *, const char *);
	void (*restart_unique)(sd_journal *);
	int (*enumerate_unique)(sd_journal *, const void **, size_t *);
};

static const struct gk_dlsym sd_syms[] = {
	GK_DLSYM(struct sdlib, open, "sd_journal_open"),
	GK_DLSYM(struct sdlib, open_files_fd, "sd_journal_open_files_fd"),
	GK_DLSYM(struct sdlib, close, "sd_journal_close"),
	GK_DLSYM(struct sdlib, add_match, "sd_journal_add_match"),
	GK_DLSYM(struct sdlib, next, "sd_journal_next"),
	GK_DLSYM(struct sdlib, get_data, "sd_journal_get_data"),
	GK_DLSYM(struct sdlib, get_monotonic_usec,
		 "sd_journal_get_monotonic_usec"),
	GK_DLSYM(struct sdlib, query_unique, "sd_journal_query_unique"),
	GK_DLSYM(struct sdlib, restart_unique, "sd_journal_restart_unique"),
	{ offsetof(struct sdlib, enumerate_unique),
	  "sd_journal_enumerate_available_unique",
	  "sd_journal_enumerate_unique" }, /* before systemd 246 */
};

/* An open journal, with the functions to read it. */
struct jrn {
	sd_journal *j;
	const struct sdlib *f;
};

/* FIELD's value in the current entry: 1, 0 when absent, or -errno */
static int sd_field(struct jrn *j, const char *field, const char **val,
		    size_t *len)
{
	size_t n = strlen(field);
	const void *d;
	size_t l;
	int r;

	r = j->f->get_data(j->j, field, &d, &l);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (l <= n || ((const char *)d)[n] != '=')
		return -EBADMSG;
	*val = (const char *)d + n + 1;
	*len = l - n - 1;
	return 1;
}

static int sd_number(struct jrn *j, const char *field, uint64_t max,
		     uint64_t *v)
{
	const char *val;
	size_t len;
	int r = sd_field(j, field, &val, &len);

	if (r <= 0)
		return r;
	return parse_dec(val, len, v) == 0 && *v <= max;
}

static bool sd_is(struct jrn *j, const char *field, const char *want)
{
	const char *val;
	size_t len;

	return sd_field(j, field, &val, &len) > 0 && len == strlen(want) &&
	       !memcmp(val, want, len);
}

/*
 * Each value returned by sd_journal_get_data() is valid only until the
 * next call: the numbers are parsed at once, the message is taken last.
 */
static int sd_entry(struct jrn *j, struct jentry *en)
{
	sd_id128_t boot;
	uint64_t v;
	int r;

	en->kernel = sd_is(j, "_TRANSPORT", "kernel");
	en->driver = sd_is(j, "_TRANSPORT", "driver");
	en->missed_id = sd_is(j, "MESSAGE_ID", MISSED_ID);
	en->prio = sd_number(j, "PRIORITY", 7, &v) > 0 ? (int)v : -1;
	en->facility = sd_number(j, "SYSLOG_FACILITY", 255, &v) > 0 ? (int)v :
								      -1;
	/* without a boot id to fill, it fails for any boot but the host's */
	en->has_jtime = j->f->get_monotonic_usec(j->j, &en->jusec, &boot) >= 0;
	en->has_time = sd_number(j, "_SOURCE_MONOTONIC_TIMESTAMP", UINT64_MAX,
				 &en->usec) > 0;
	if (!en->has_time) {
		en->usec = en->jusec;
		en->has_time = en->has_jtime;
	}
	r = sd_field(j, "MESSAGE", &en->msg, &en->msg_len);
	en->has_msg = r > 0;
	return r < 0 ? r : 0;
}

/* Which boots the journal holds: this one, others. */
static int sd_boots(struct jrn *j, struct jstate *s)
{
	const void *d;
	size_t l, k = sizeof("_BOOT_ID=") - 1;
	unsigned int n = 0;
	int r;

	r = j->f->query_unique(j->j, "_BOOT_ID");
	if (r < 0)
		return sd_fail(s, r, "listing its boots");
	for (j->f->restart_unique(j->j);
	     j->f->enumerate_unique(j->j, &d, &l) > 0;) {
		s->any_entry = true;
		if (l == k + BOOT_ID_LEN &&
		    !strncasecmp((const char *)d + k, s->info->boot_id,
				 BOOT_ID_LEN))
			s->boot_seen = true;
		else
			s->other_boots = true;
		if (++n == MAX_BOOTS || (s->boot_seen && s->other_boots))
			break;
	}
	return 0;
}

static int sd_read(struct jrn *j, struct jstate *s)
{
	char match[sizeof("_BOOT_ID=") + BOOT_ID_LEN];
	unsigned int n = 0;
	int r;

	r = sd_boots(j, s);
	if (r < 0 || !s->boot_seen)
		return r;
	/* this boot's kernel messages, and journald's own for the "Missed" */
	snprintf(match, sizeof(match), "_BOOT_ID=%s", s->info->boot_id);
	r = j->f->add_match(j->j, match, 0);
	if (!r)
		r = j->f->add_match(j->j, "_TRANSPORT=kernel", 0);
	if (!r)
		r = j->f->add_match(j->j, "_TRANSPORT=driver", 0);
	if (r < 0)
		return sd_fail(s, r, "matching this boot");
	while ((r = j->f->next(j->j)) > 0) {
		struct jentry en = { .line = ++n };

		if (n > KLOG_MAX_LINES + 4096u)
			return gk_fail(s->e, -GK_ERR_TOOBIG,
				       "%s: more than %u entries of this boot",
				       s->name, KLOG_MAX_LINES);
		r = sd_entry(j, &en);
		if (r < 0)
			return sd_fail(s, r, "reading an entry");
		r = take_entry(s, &en);
		if (r < 0)
			return r;
	}
	return r < 0 ? sd_fail(s, r, "reading") : 0;
}

#define SD_SONAME "libsystemd.so.0"

static int load_sd(struct sdlib *f, void **h, struct jstate *s)
{
	return gk_dl_open(SD_SONAME, "libsystemd0", sd_syms,
			  GK_ARRAY_SIZE(sd_syms), f, h, s->e);
}

static int read_live(const struct sysroot *sr, struct jstate *s)
{
	struct jfiles jf = { 0 };
	struct sdlib f;
	struct jrn j = { .f = &f };
	void *h;
	int r;

	s->live = true;
	r = scan_journals(sr, &jf, s);
	if (r < 0 || !s->nfiles)
		return r; /* no journal file: nothing to read */
	r = load_sd(&f, &h, s);
	if (r < 0)
		return r;
	r = f.open(&j.j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0) {
		gk_dl_close(h);
		return sd_fail(s, r, "opening");
	}
	r = sd_read(&j, s);
	f.close(j.j);
	gk_dl_close(h);
	return r;
}

static int read_files(const struct sysroot *sr, struct jstate *s)
{
	struct jfiles jf = { 0 };
	struct sdlib f;
	struct jrn j = { .f = &f };
	void *h;
	int r;

	r = scan_journals(sr, &jf, s);
	if (r < 0 || !jf.nfds)
		return r;
	r = load_sd(&f, &h, s);
	if (r < 0) {
		jfiles_close_left(&jf);
		return r;
	}
	r = f.open_files_fd(&j.j, jf.fds, jf.nfds, 0);
	if (r < 0) {
		jfiles_close_left(&jf);
		gk_dl_close(h);
		return sd_fail(s, r, "opening");
	}
	/* closing the journal closes them: they are the journal's now */
	jf.nfds = 0;
	r = sd_read(&j, s);
	f.close(j.j);
	gk_dl_close(h);
	return r;
}

/* A snapshot's file, refused unless regular: a FIFO would read the host. */
static int read_regular(const struct sysroot *sr, const char *path, size_t max,
			char **buf, size_t *len, struct gk_err *e)
{
	char name[PATH_MAX];
	struct stat st;
	size_t n = 0;
	char *p;
	int fd;

	fd = sysroot_open(sr, path, O_RDONLY | O_NONBLOCK, e);
	if (fd < 0)
		return fd;
	sysroot_name(sr, path, name, sizeof(name));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return gk_fail(e, -GK_ERR_ESCAPE, "%s: not a regular file",
			       name);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return gk_fail(e, -GK_ERR_TOOBIG, "%s: larger than %zu bytes",
			       name, max);
	}
	p = malloc((size_t)st.st_size + 1);
	while (p && n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? errno : EIO;

			free(p);
			close(fd);
			return gk_fail(e, gk_errno(err), "%s: %s", name,
				       r < 0 ? strerror(err) : "file shrank");
		}
		n += (size_t)r;
	}
	close(fd);
	if (!p)
		return gk_fail(e, -GK_ERR_NOMEM, "out of memory");
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

static int read_snapshot(const struct sysroot *sr, struct jstate *s)
{
	char name[PATH_MAX];
	struct gk_err e2 = { 0 };
	size_t len = 0;
	char *buf = NULL;
	int r;

	r = read_regular(sr, GK_JOURNAL_EXPORT, GK_JOURNAL_MAX_EXPORT, &buf,
			 &len, &e2);
	if (r == -GK_ERR_NOENT)
		return read_files(sr, s);
	if (r < 0) {
		if (s->e)
			*s->e = e2;
		return r;
	}
	snprintf(s->info->where, sizeof(s->info->where), "journal export %s",
		 GK_JOURNAL_EXPORT);
	r = export_state(s, buf, len,
			 sysroot_name(sr, GK_JOURNAL_EXPORT, name,
				      sizeof(name)));
	free(buf);
	return r;
}

int gk_journal_kernel(const struct sysroot *sr, const char *boot_id,
		      struct klog **out, struct gk_journal_info *info,
		      struct gk_err *e)
{
	struct jstate s = { .info = info, .e = e };
	char id[BOOT_ID_LEN + 1];
	int ret;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	ret = boot_id_get(sr, boot_id, id, e);
	if (ret < 0)
		return ret;
	info_reset(info, id);
	if (sysroot_is_live(sr))
		ret = read_live(sr, &s);
	else
		ret = read_snapshot(sr, &s);
	if (!ret) {
		explain(&s);
		ret = finish_log(&s, out);
	}
	jstate_release(&s);
	return ret;
}

/* ---- writing ------------------------------------------------------ */

/* The export format's rule: text unless a byte would break the line. */
static bool needs_binary(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

static void put_field(FILE *f, const char *key, const char *val, size_t n)
{
	uint8_t le[8];

	if (!needs_binary(val, n)) {
		fprintf(f, "%s=", key);
		fwrite(val, 1, n, f);
		fputc('\n', f);
		return;
	}
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)n >> (8 * i));
	fprintf(f, "%s\n", key);
	fwrite(le, 1, sizeof(le), f);
	fwrite(val, 1, n, f);
	fputc('\n', f);
}

static void put_gap(FILE *f, const struct gk_journal_info *info,
		    const struct gk_journal_gap *g)
{
	if (g->has_time)
		fprintf(f, "__MONOTONIC_TIMESTAMP=%llu\n",
			(unsigned long long)g->usec);
	fprintf(f,
		"_BOOT_ID=%s\n_TRANSPORT=driver\nPRIORITY=6\n"
		"MESSAGE_ID=" MISSED_ID "\n"
		"MESSAGE=" MISSED_PRE "%llu" MISSED_POST "\n\n",
		info->boot_id, (unsigned long long)g->count);
}

static void put_message(FILE *f, const struct gk_journal_info *info,
			const struct klog_line *l)
{
	if (l->has_time)
		fprintf(f, "__MONOTONIC_TIMESTAMP=%llu\n",
			(unsigned long long)l->usec);
	fprintf(f, "_BOOT_ID=%s\n_TRANSPORT=kernel\n", info->boot_id);
	if (l->prio >= 0)
		fprintf(f, "PRIORITY=%d\n", l->prio);
	if (l->facility >= 0)
		fprintf(f, "SYSLOG_FACILITY=%d\n", l->facility);
	put_field(f, "MESSAGE", l->text, l->len);
	fputc('\n', f);
}

int gk_journal_write_export(FILE *f, const struct klog *log,
			    const struct gk_journal_info *info,
			    struct gk_err *e)
{
	size_t n = log ? log->n : 0, g = 0;

	for (size_t i = 0; i <= n; i++) {
		while (g < info->ngaps && info->gaps[g].before <= i)
			put_gap(f, info, &info->gaps[g++]);
		if (i < n)
			put_message(f, info, &log->lines[i]);
	}
	if (fflush(f) || ferror(f))
		return gk_fail(e, -GK_ERR_IO, "writing the journal export: %s",
			       strerror(errno));
	return 0;
}
