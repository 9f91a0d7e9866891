// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/confine: each test forks a child that confines itself with a tool's
 * policy, then makes one call; the child's exit status is that call's
 * errno (0: it succeeded). The forbidden calls must fail with EPERM (the
 * filter) or EACCES (Landlock), the allowed ones still work.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/reboot.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "confine.h"
#include "sysroot.h"
#include "testutil.h"

/* A snapshot root with one file, an output directory, a file outside. */
struct fx {
	char *dir;
	char root[512], out[512], outside[512], rootfile[512], dump[600];
	const char *none[1], *dumps[2];
	int rootfd, memfd;
};

static int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, 1U);

	return abi < 0 ? 0 : (int)abi;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	assert_non_null(x->dir);
	snprintf(x->root, sizeof(x->root), "%s/root", x->dir);
	snprintf(x->out, sizeof(x->out), "%s/out", x->dir);
	snprintf(x->outside, sizeof(x->outside), "%s/outside", x->dir);
	snprintf(x->rootfile, sizeof(x->rootfile), "%s/root/mem", x->dir);
	snprintf(x->dump, sizeof(x->dump), "%s/snap", x->out);
	x->dumps[0] = x->dump;
	assert_int_equal(mkdir(x->root, 0755), 0);
	assert_int_equal(mkdir(x->out, 0755), 0);
	put(x->outside, "secret\n");
	put(x->rootfile, "physical memory, one page of it\n");
	assert_int_equal(truncate(x->rootfile, 4096), 0);
	x->rootfd = open(x->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	x->memfd = open(x->rootfile, O_RDONLY | O_CLOEXEC);
	assert_true(x->rootfd >= 0 && x->memfd >= 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	close(x->rootfd);
	close(x->memfd);
	tu_rmtree(x->dir); /* frees it */
	free(x);
	return 0;
}

/* gicdiag's policy on a snapshot, writing --dump OUT/snap */
static struct gk_confine_policy policy(const struct fx *x, bool write)
{
	return (struct gk_confine_policy){
		.root_fd = x->rootfd,
		.writes = write ? x->dumps : x->none,
		.devmem_fd = x->memfd,
		.threads = true,
	};
}

/* Run @fn(@x) confined by @p in a child; returns the child's errno. */
static int confined(const struct fx *x, const struct gk_confine_policy *p,
		    int (*fn)(const struct fx *x))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct gk_confinement c;
		struct gk_err e;

		if (gk_confine(p, &c, &e) < 0 || !c.seccomp)
			_exit(250);
		_exit(fn(x));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status)); /* denied, never killed */
	return WEXITSTATUS(status);
}

static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int write_outside(const struct fx *x)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/new", x->dir);
	return open_close(path, O_WRONLY | O_CREAT);
}

static int write_output(const struct fx *x)
{
	char tmp[600], path[600];
	int ret;

	snprintf(tmp, sizeof(tmp), "%s/snap.tmp", x->out);
	snprintf(path, sizeof(path), "%s/snap", x->out);
	ret = open_close(tmp, O_WRONLY | O_CREAT | O_EXCL);
	if (!ret)
		ret = err_of(rename(tmp, path));
	if (!ret)
		ret = err_of(unlink(path));
	return ret;
}

static int rdwr_in_root(const struct fx *x)
{
	return open_close(x->rootfile, O_RDWR);
}

static int read_in_root(const struct fx *x)
{
	return open_close(x->rootfile, O_RDONLY);
}

static int read_outside(const struct fx *x)
{
	return open_close(x->outside, O_RDONLY);
}

static int sysroot_lazy_open(const struct fx *x)
{
	struct sysroot *sr;
	int fd, ret;

	/* openat2 under Landlock, else user space: either way it opens */
	if (sysroot_new(x->root, 0, &sr, NULL) < 0)
		return 252;
	fd = sysroot_open(sr, "/mem", O_RDONLY, NULL);
	ret = fd < 0 ? -fd : 0;
	if (fd >= 0)
		close(fd);
	sysroot_free(sr);
	return ret;
}

/* openat2's flags are out of the filter's sight */
static int openat2_rdwr(const struct fx *x)
{
	struct open_how how = { .flags = O_RDWR };

	return err_of(
		syscall(SYS_openat2, x->rootfd, "mem", &how, sizeof(how)));
}

static int map_of(int fd, int prot, int flags)
{
	void *p = mmap(NULL, 4096, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, 4096);
	return 0;
}

static int mmap_exec(const struct fx *x)
{
	(void)x;
	return map_of(-1, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
}

static int mprotect_exec(const struct fx *x)
{
	void *p =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	(void)x;
	if (p == MAP_FAILED)
		return 253;
	ret = err_of(mprotect(p, 4096, PROT_READ | PROT_EXEC));
	munmap(p, 4096);
	return ret;
}

static int mem_shared_read(const struct fx *x)
{
	return map_of(x->memfd, PROT_READ, MAP_SHARED);
}

static int mem_private(const struct fx *x)
{
	return map_of(x->memfd, PROT_READ, MAP_PRIVATE);
}

static int mem_write(const struct fx *x)
{
	return map_of(x->memfd, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static int do_execve(const struct fx *x)
{
	char *argv[] = { (char *)"true", NULL };

	(void)x;
	execve("/bin/true", argv, environ);
	return errno;
}

static int do_kexec_load(const struct fx *x)
{
	(void)x;
	return err_of(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
}

/* no valid magic: without the filter the kernel says EINVAL */
static int do_reboot(const struct fx *x)
{
	(void)x;
	return err_of(
		syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int do_ptrace(const struct fx *x)
{
	(void)x;
	return err_of(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static void *nothing(void *arg)
{
	return arg;
}

static int thread(const struct fx *x)
{
	pthread_t t;
	int ret;

	(void)x;
	/* clone3 ENOSYS: glibc falls back to clone */
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 254;
	ret = pthread_create(&t, NULL, nothing, NULL);
	if (!ret)
		ret = pthread_join(t, NULL);
	return ret;
}

static void forbidden_seccomp(void **state)
{
	struct fx *x = *state;
	struct gk_confine_policy ro = policy(x, false);

	assert_int_equal(confined(x, &ro, write_outside), EPERM);
	assert_int_equal(confined(x, &ro, write_output), EPERM);
	assert_int_equal(confined(x, &ro, rdwr_in_root), EPERM);
	assert_int_equal(confined(x, &ro, mmap_exec), EPERM);
	assert_int_equal(confined(x, &ro, mprotect_exec), EPERM);
	assert_int_equal(confined(x, &ro, mem_private), EPERM);
	assert_int_equal(confined(x, &ro, mem_write), EPERM);
	assert_int_equal(confined(x, &ro, do_execve), EPERM);
	assert_int_equal(confined(x, &ro, do_kexec_load), EPERM);
	assert_int_equal(confined(x, &ro, do_reboot), EPERM);
	/* without Landlock to guard it, openat2 is left out */
	if (!landlock_abi())
		assert_int_equal(confined(x, &ro, openat2_rdwr), ENOSYS);
}

/* LeakSanitizer's tracer needs ptrace: a sanitized build allows it */
static void forbidden_ptrace(void **state)
{
	struct fx *x = *state;
	struct gk_confine_policy ro = policy(x, false);

	if (gk_confine_sanitized())
		return; /* its TAP line says so */
	assert_int_equal(confined(x, &ro, do_ptrace), EPERM);
}

static void allowed(void **state)
{
	struct fx *x = *state;
	struct gk_confine_policy ro = policy(x, false);
	struct gk_confine_policy rw = policy(x, true);

	assert_int_equal(confined(x, &ro, read_in_root), 0);
	assert_int_equal(confined(x, &ro, sysroot_lazy_open), 0);
	assert_int_equal(confined(x, &ro, mem_shared_read), 0);
	assert_int_equal(confined(x, &ro, thread), 0);
	assert_int_equal(confined(x, &rw, write_output), 0);
	/* a declared output still keeps exec and O_RDWR in the root out */
	assert_int_equal(confined(x, &rw, do_execve), EPERM);
	assert_int_equal(confined(x, &rw, mmap_exec), EPERM);
}

/* Landlock: what the filter cannot see, the paths */
static void forbidden_landlock(void **state)
{
	struct fx *x = *state;
	struct gk_confine_policy ro = policy(x, false);
	struct gk_confine_policy rw = policy(x, true);

	if (!landlock_abi())
		return; /* its TAP line says so */
	assert_int_equal(confined(x, &ro, read_outside), EACCES);
	/* an output declared: opens for writing pass the filter */
	assert_int_equal(confined(x, &rw, write_outside), EACCES);
	assert_int_equal(confined(x, &rw, rdwr_in_root), EACCES);
	assert_int_equal(confined(x, &ro, openat2_rdwr), EACCES);
}

/* Without confinement each call above works: the tests test something. */
static void off(void **state)
{
	struct fx *x = *state;
	struct gk_confine_policy ro = policy(x, false);
	struct gk_confinement c;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv(GK_CONFINE_ENV, "off", 1);
		if (gk_confine(&ro, &c, NULL) < 0 || !c.off || c.seccomp)
			_exit(250);
		if (read_outside(x) || rdwr_in_root(x) || openat2_rdwr(x) ||
		    mmap_exec(x) || mem_private(x) || do_reboot(x) != EINVAL)
			_exit(251);
		_exit(write_outside(x));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void describe(void **state)
{
	struct gk_confinement c = { .landlock_abi = 3, .seccomp = true };
	char buf[64];

	(void)state;
	assert_string_equal(gk_confine_describe(&c, buf, sizeof(buf)),
			    "landlock ABI 3, seccomp");
	c.landlock_abi = 0;
	assert_string_equal(gk_confine_describe(&c, buf, sizeof(buf)),
			    "landlock none (kernel), seccomp");
}

int main(void)
{
	/* the TAP line says what could not be tested here */
	struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(forbidden_seccomp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(forbidden_ptrace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(forbidden_landlock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(off, setup, teardown),
		cmocka_unit_test(describe),
	};

	if (gk_confine_sanitized())
		tests[1].name = "forbidden_ptrace: not tested in a sanitized "
				"build (LeakSanitizer's tracer needs ptrace)";
	if (!landlock_abi())
		tests[2].name = "forbidden_landlock: not tested, no Landlock "
				"in this kernel";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
