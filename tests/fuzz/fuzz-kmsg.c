// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for lib/klog: every kernel log format it detects.
 *
 * Built with -DGK_LIBFUZZER and clang -fsanitize=fuzzer, it is a libFuzzer
 * target. Built without, it is a TAP program that replays the files named
 * on its command line (or every file of a directory named there) through
 * the same checks, so that make check runs the saved corpus with any
 * compiler.
 *
 * Besides not crashing, the parser must keep its promises: a failure comes
 * with a one-line message and no log, and every message it keeps is a
 * NUL-terminated text of the length it claims.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool check_failure(int ret, const struct klog *log,
			  const struct gk_err *e)
{
	return ret < 0 && ret > -GK_ERR_MAX_ && !log && e->code == ret &&
	       e->msg[0] && !strchr(e->msg, '\n');
}

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

static bool fuzz_one(const uint8_t *data, size_t size)
{
	struct gk_err e = { 0 };
	struct klog *log = NULL;
	char needle[4] = { 0 };
	bool ok;
	int ret;

	ret = klog_parse((const char *)data, size, "fuzz", &log, &e);
	if (ret)
		return check_failure(ret, log, &e);
	/* a needle from the input itself, so that some searches match */
	memcpy(needle, data, size < 3 ? size : 3);
	ok = check_lines(log, size) && check_grep(log, "GICv3") &&
	     check_grep(log, needle);
	klog_free(log);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_one(data, size))
		__builtin_trap();
	return 0;
}

#ifndef GK_LIBFUZZER

/* Bound for a replayed input, as for the largest log we read. */
#define REPLAY_MAX (64u << 20)

struct paths {
	char **v;
	size_t n;
	size_t cap;
};

static int paths_add(struct paths *p, const char *dir, const char *name)
{
	size_t len = strlen(name) + (dir ? strlen(dir) + 1 : 0) + 1;
	char *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	s = malloc(len);
	if (!s)
		return -1;
	if (dir)
		snprintf(s, len, "%s/%s", dir, name);
	else
		snprintf(s, len, "%s", name);
	p->v[p->n++] = s;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir, sorted so that the TAP numbers stay put. */
static int paths_add_dir(struct paths *p, const char *dir)
{
	size_t first = p->n;
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (paths_add(p, dir, d->d_name)) {
			closedir(dp);
			return -1;
		}
	}
	closedir(dp);
	qsort(p->v + first, p->n - first, sizeof(*p->v), cmp_str);
	return 0;
}

static int read_input(const char *path, uint8_t **buf, size_t *len)
{
	size_t n = 0, cap = 4096;
	uint8_t *p = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !p)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *np = NULL;

			if (cap < REPLAY_MAX)
				np = realloc(p, cap * 2);
			if (!np)
				goto fail;
			p = np;
			cap *= 2;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = n;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(p);
	return -1;
}

int main(int argc, char **argv)
{
	struct paths p = { 0 };
	int status = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int ret;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			ret = paths_add_dir(&p, argv[i]);
		else
			ret = paths_add(&p, NULL, argv[i]);
		if (ret) {
			fprintf(stderr, "%s: cannot list %s\n", argv[0],
				argv[i]);
			status = 1;
		}
	}
	printf("1..%zu\n", p.n);
	for (size_t i = 0; i < p.n; i++) {
		uint8_t *buf;
		size_t len;

		if (read_input(p.v[i], &buf, &len)) {
			printf("not ok %zu - %s # cannot read\n", i + 1,
			       p.v[i]);
			status = 1;
		} else if (!fuzz_one(buf, len)) {
			printf("not ok %zu - %s\n", i + 1, p.v[i]);
			status = 1;
			free(buf);
		} else {
			printf("ok %zu - %s\n", i + 1, p.v[i]);
			free(buf);
		}
		free(p.v[i]);
	}
	free(p.v);
	return status;
}

#endif
