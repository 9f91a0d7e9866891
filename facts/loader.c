// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"

/* Where Debian puts kexec, and where our package diverts kexec-tools'. */
static const char *const on_path[] = { "/usr/local/sbin/kexec",
				       "/usr/sbin/kexec", "/sbin/kexec",
				       "/usr/bin/kexec", "/bin/kexec" };
static const char *const diverted[] = {
	"/sbin/kexec.kexec-tools", "/usr/sbin/kexec.kexec-tools.usr-is-merged",
	"/usr/sbin/kexec.kexec-tools"
};

#define PROBE_MS 3000

/* Read what the child prints, up to @n - 1 bytes or PROBE_MS. */
static void read_bounded(int fd, char *buf, size_t n)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t k = 0;

	while (k + 1 < n && poll(&p, 1, PROBE_MS) > 0) {
		ssize_t r = read(fd, buf + k, n - 1 - k);

		if (r <= 0)
			break;
		k += (size_t)r;
	}
	buf[k] = '\0';
}

/* `PATH -v`, its first line into @line; never waits past PROBE_MS. */
static bool run_v(const char *path, char *line, size_t n)
{
	char *const argv[] = { (char *)path, (char *)"-v", NULL };
	char *const envp[] = { (char *)"LC_ALL=C", NULL };
	int pfd[2], status;
	pid_t pid;

	if (access(path, X_OK) < 0 || pipe2(pfd, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pfd[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		execve(path, argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	if (pid > 0)
		read_bounded(pfd[0], line, n);
	close(pfd[0]);
	if (pid < 0)
		return false;
	kill(pid, SIGKILL); /* done or stuck: either way it ends */
	waitpid(pid, &status, 0);
	line[strcspn(line, "\n")] = '\0';
	return line[0] != '\0';
}

static void probe_live(bool kexec_tools, struct gk_loader_probe *out)
{
	for (size_t i = 0; i < GK_ARRAY_SIZE(on_path) && !out->line[0]; i++)
		if (run_v(on_path[i], out->line, sizeof(out->line)))
			snprintf(out->path, sizeof(out->path), "%s",
				 on_path[i]);
	out->ours = strstr(out->line, "gic-kexec") != NULL;
	if (!out->ours && !(kexec_tools && !out->line[0]))
		return;
	/* ours is on PATH (or nothing is): kexec-tools' diverted binary */
	if (!kexec_tools)
		return;
	out->line[0] = '\0';
	for (size_t i = 0; i < GK_ARRAY_SIZE(diverted) && !out->line[0]; i++)
		if (run_v(diverted[i], out->line, sizeof(out->line)))
			snprintf(out->path, sizeof(out->path), "%s",
				 diverted[i]);
}

int gk_loader_probe(const struct sysroot *sr, bool kexec_tools,
		    struct gk_loader_probe *out)
{
	size_t len;
	char *buf;

	memset(out, 0, sizeof(*out));
	if (sysroot_is_live(sr)) {
		probe_live(kexec_tools, out);
		return 0;
	}
	if (sysroot_read_file(sr, GK_LOADER_FILE, 4096, &buf, &len, NULL) < 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out->line, sizeof(out->line), "%s", buf);
	out->ours = strstr(out->line, "gic-kexec") != NULL;
	free(buf);
	return 0;
}

void gk_loader_version(const struct gk_loader_probe *p, struct gk_facts *f)
{
	const char *v = strstr(p->line, "kexec-tools ");
	size_t n;

	f->kt_version[0] = '\0';
	snprintf(f->kt_probe, sizeof(f->kt_probe), "%s", p->line);
	if (!v)
		return;
	v += 12;
	n = strspn(v, "0123456789.");
	if (n && n < sizeof(f->kt_version))
		snprintf(f->kt_version, sizeof(f->kt_version), "%.*s", (int)n,
			 v);
}

#define KCONFIG_MAX (4u << 20) /* a distribution's config is ~250 KiB */

/* @buf's line starting with @key, into @out; whether there is one */
static bool find_line(const char *buf, const char *key, char *out, size_t n)
{
	const char *l = buf;

	for (; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, strlen(key))) {
			snprintf(out, n, "%.*s", (int)strcspn(l, "\n"), l);
			return true;
		}
	return false;
}

int gk_kexec_file_probe(const struct sysroot *sr, struct gk_kconfig *k)
{
	char *buf, rel[65];
	size_t len;
	int ret;

	memset(k, 0, sizeof(*k));
	k->kexec_file = -1;
	ret = sysroot_read_file(sr, "/proc/sys/kernel/osrelease", 4096, &buf,
				&len, NULL);
	if (ret < 0)
		return ret == -GK_ERR_NOMEM ? ret : 0;
	snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(buf, "\n"), buf);
	free(buf);
	if (!rel[0] || strchr(rel, '/'))
		return 0;
	snprintf(k->path, sizeof(k->path), "/boot/config-%s", rel);
	ret = sysroot_read_file(sr, k->path, KCONFIG_MAX, &buf, &len, NULL);
	if (ret < 0)
		return ret == -GK_ERR_NOMEM ? ret : 0;
	/* either line is there in a whole config; neither: unknown */
	if (find_line(buf, "CONFIG_KEXEC_FILE=", k->line, sizeof(k->line)))
		k->kexec_file = !strcmp(k->line, "CONFIG_KEXEC_FILE=y");
	else if (find_line(buf, "# CONFIG_KEXEC_FILE is not set", k->line,
			   sizeof(k->line)))
		k->kexec_file = 0;
	free(buf);
	return 0;
}

bool gk_kt_file_first(const char *version)
{
	static const unsigned long since[] = { 2, 0, 27 };
	const char *v = version;

	if (!v[0])
		return false;
	for (size_t i = 0; i < GK_ARRAY_SIZE(since); i++) {
		unsigned long x = strtoul(v, (char **)&v, 10);

		if (x != since[i])
			return x > since[i];
		if (*v == '.')
			v++;
	}
	return true;
}
