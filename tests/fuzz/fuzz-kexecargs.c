// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for kexec's command line (kexec/kexec.c's parse_args,
 * included here with its main renamed): the input is an argument vector,
 * NUL-separated. The parser never crashes; a refusal is exactly one line
 * on stderr, "kexec: ..." (or -? 's usage on stdout), and nothing else;
 * an accepted command line names one action that can be carried out.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define main kexec_main
int kexec_main(int argc, char **argv);
#include "../../kexec/kexec.c" /* NOLINT: the static parser under test */
#undef main
#include "fuzz.h"

#define MAX_ARGS 64
#define OUT_MAX 8192

struct capture {
	int fd, saved;
};

static int capture_start(struct capture *c, FILE *f)
{
	fflush(f);
	c->fd = memfd_create("fuzz-out", MFD_CLOEXEC);
	c->saved = dup(fileno(f));
	if (c->fd < 0 || c->saved < 0 || dup2(c->fd, fileno(f)) < 0) {
		if (c->fd >= 0)
			close(c->fd);
		if (c->saved >= 0)
			close(c->saved);
		return -1;
	}
	return 0;
}

/* returns: the bytes written to @f while captured, NUL-terminated */
static size_t capture_end(struct capture *c, FILE *f, char *buf)
{
	ssize_t n;

	fflush(f);
	dup2(c->saved, fileno(f));
	close(c->saved);
	n = pread(c->fd, buf, OUT_MAX - 1, 0);
	close(c->fd);
	n = n < 0 ? 0 : n;
	buf[n] = '\0';
	return (size_t)n;
}

static size_t split(char *s, size_t size, char **argv)
{
	size_t argc = 0;

	argv[argc++] = (char *)"kexec";
	for (size_t i = 0; i < size && argc < MAX_ARGS; argc++) {
		argv[argc] = s + i;
		i += strlen(s + i) + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static bool accepted_ok(const struct args *a)
{
	if (a->print_ckr_size)
		return true;
	if (a->action == ACT_NONE || (a->action == ACT_LOAD) != !!a->o.kernel)
		return false;
	/* --dry-run plans a load, of this host or of --sysroot's */
	if (a->dry_run)
		return a->action == ACT_LOAD;
	return !a->sysroot || a->action == ACT_EXEC;
}

static bool one_line(const char *err)
{
	size_t n = strlen(err);

	return !strncmp(err, "kexec: ", 7) && n > 7 && err[n - 1] == '\n' &&
	       strchr(err, '\n') == err + n - 1;
}

static bool run(char **argv, int argc, char *out, char *err)
{
	struct capture co, ce;
	struct args a = { .sc = SC_AUTO };
	int ret;

	if (capture_start(&co, stdout) < 0)
		return true;
	if (capture_start(&ce, stderr) < 0) {
		capture_end(&co, stdout, out);
		return true;
	}
	optind = 0; /* glibc: start a new scan */
	ret = parse_args(&a, argc, argv);
	capture_end(&ce, stderr, err);
	capture_end(&co, stdout, out);
	if (ret == 0)
		return !out[0] && !err[0] && accepted_ok(&a);
	if (ret < 0) /* -v, -h */
		return out[0] && !err[0];
	return ret == 1 && (one_line(err) ? !out[0] : !err[0] && out[0]);
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *s = malloc(size + 1);
	char *out = malloc(OUT_MAX), *err = malloc(OUT_MAX);
	bool ok = true;

	if (s && out && err) {
		memcpy(s, data, size);
		s[size] = '\0';
		ok = run(argv, (int)split(s, size, argv), out, err);
	}
	free(s);
	free(out);
	free(err);
	return ok;
}
