// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for kexec's command line (kexec/kexec.c's parse_args,
 * included here with its main renamed): the input is an argument vector,
 * NUL-separated. The parser never crashes; a refusal is exactly one line
 * on stderr, "kexec: ..." (or -? 's usage on stdout), and nothing else;
 * an accepted command line names one action that can be carried out.
 */
#include <stdio.h>

#define main kexec_main
int kexec_main(int argc, char **argv);
#include "../../kexec/kexec.c" /* NOLINT: the static parser under test */
#undef main
#include "fuzz.h"

#define MAX_ARGS 64

/*
 * What the parser prints: stdout and stderr, glibc's assignable FILE
 * pointers, point at memory streams meanwhile. The descriptors stay, so
 * a sanitizer's report still reaches the terminal.
 */
struct capture {
	FILE *out, *err, *saved_out, *saved_err;
	char *obuf, *ebuf;
	size_t olen, elen;
};

static int capture_start(struct capture *c)
{
	c->obuf = c->ebuf = NULL;
	c->out = open_memstream(&c->obuf, &c->olen);
	c->err = open_memstream(&c->ebuf, &c->elen);
	if (!c->out || !c->err) {
		if (c->out)
			fclose(c->out);
		if (c->err)
			fclose(c->err);
		free(c->obuf);
		free(c->ebuf);
		return -1;
	}
	c->saved_out = stdout;
	c->saved_err = stderr;
	stdout = c->out;
	stderr = c->err;
	return 0;
}

/* the streams closed: c->obuf and c->ebuf hold what was printed */
static int capture_end(struct capture *c)
{
	int ret = 0;

	stdout = c->saved_out;
	stderr = c->saved_err;
	ret |= fclose(c->out);
	ret |= fclose(c->err);
	return ret ? -1 : 0;
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

static bool judge(int ret, const struct args *a, const char *out,
		  const char *err)
{
	if (ret == 0)
		return !out[0] && !err[0] && accepted_ok(a);
	if (ret < 0) /* -v, -h */
		return out[0] && !err[0];
	return ret == 1 && (one_line(err) ? !out[0] : !err[0] && out[0]);
}

static bool run(char **argv, int argc)
{
	struct args a = { .sc = SC_AUTO };
	struct capture c;
	bool ok = true;
	int ret;

	if (capture_start(&c) < 0)
		return true; /* out of memory */
	optind = 0;	     /* glibc: start a new scan */
	ret = parse_args(&a, argc, argv);
	if (!capture_end(&c))
		ok = judge(ret, &a, c.obuf, c.ebuf);
	free(c.obuf);
	free(c.ebuf);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *s = malloc(size + 1);
	bool ok = true;

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		ok = run(argv, (int)split(s, size, argv));
	}
	free(s);
	return ok;
}
