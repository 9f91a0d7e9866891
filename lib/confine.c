// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

/* Landlock's constants by value: the build host's header may be older */
#define LL_CREATE_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_ABI1 ((1ULL << 13) - 1)
#define LL_FS_REFER (1ULL << 13)     /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_NET_ALL 3ULL		     /* ABI 4: bind, connect TCP */
#define LL_SCOPE_ALL 3ULL	     /* ABI 6: abstract sockets, signals */
#define LL_FILE_RIGHTS \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE)

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* struct landlock_ruleset_attr as of ABI 6; its size says which fields */
struct ll_attr {
	uint64_t fs;
	uint64_t net;
	uint64_t scoped;
};

static uint64_t ll_fs_rights(int abi)
{
	uint64_t r = LL_FS_ABI1;

	if (abi >= 2)
		r |= LL_FS_REFER;
	if (abi >= 3)
		r |= LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

/* Allow @want (within what is handled) beneath @fd; files take fewer. */
static int ll_allow_fd(int ruleset, int fd, uint64_t want, uint64_t handled)
{
	struct landlock_path_beneath_attr pb = { .parent_fd = fd };
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		want &= LL_FILE_RIGHTS;
	pb.allowed_access = want & handled;
	return (int)syscall(__NR_landlock_add_rule, ruleset,
			    LL_RULE_PATH_BENEATH, &pb, 0);
}

/* A path that does not exist yet is allowed through its nearest parent. */
static int ll_allow_path(int ruleset, const char *path, uint64_t want,
			 uint64_t handled, bool parent)
{
	char buf[PATH_MAX], *slash;
	int fd, ret;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (;;) {
		if (parent) {
			slash = strrchr(buf, '/');
			if (!slash)
				strcpy(buf, ".");
			else if (slash == buf)
				buf[1] = '\0';
			else
				*slash = '\0';
		}
		fd = open(buf, O_PATH | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT || !strcmp(buf, ".") ||
		    !strcmp(buf, "/"))
			break;
		parent = true;
	}
	if (fd < 0 && errno == ENOENT)
		return 0; /* unreachable anyway: nothing to allow */
	if (fd < 0)
		return -1; /* a rule we need is missing: not confined */
	ret = ll_allow_fd(ruleset, fd, want, handled);
	close(fd);
	return ret;
}

bool gk_confine_sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}

static int ll_rules(int rs, const struct gk_confine_policy *p, uint64_t fs)
{
	const uint64_t rd = LL_FS_READ_FILE | LL_FS_READ_DIR;
	int ret = 0;

	if (p->root_fd >= 0)
		ret |= ll_allow_fd(rs, p->root_fd, rd, fs);
	else
		ret |= ll_allow_path(rs, "/", rd, fs, false);
	/* LeakSanitizer's tracer lists this process's threads there */
	if (gk_confine_sanitized())
		ret |= ll_allow_path(rs, "/proc/self", rd, fs, false);
	for (size_t i = 0; p->reads && p->reads[i]; i++)
		ret |= ll_allow_path(rs, p->reads[i], rd, fs, false);
	/* an atomic write makes a temporary beside the output, renames it */
	for (size_t i = 0; p->writes && p->writes[i]; i++)
		ret |= ll_allow_path(rs, p->writes[i],
				     fs & ~LL_FS_EXECUTE & ~LL_FS_IOCTL_DEV, fs,
				     true);
	/* emptied, then removed from its parent (rmdir takes empty ones only) */
	if (p->scratch) {
		ret |= ll_allow_path(rs, p->scratch,
				     rd | LL_FS_REMOVE_FILE | LL_FS_REMOVE_DIR,
				     fs, false);
		ret |= ll_allow_path(rs, p->scratch, LL_FS_REMOVE_DIR, fs,
				     true);
	}
	return ret;
}

/* Returns the ABI enforced, 0 when the kernel has no Landlock, or -1. */
static int landlock(const struct gk_confine_policy *p)
{
	int abi = (int)syscall(__NR_landlock_create_ruleset, NULL, 0,
			       LL_CREATE_VERSION);
	struct ll_attr a = { 0 };
	size_t size = sizeof(a.fs);
	int rs, ret;

	if (abi <= 0)
		return 0;
	a.fs = ll_fs_rights(abi);
	if (abi >= 4) {
		a.net = LL_NET_ALL;
		size = offsetof(struct ll_attr, scoped);
	}
	if (abi >= 6) {
		a.scoped = LL_SCOPE_ALL;
		size = sizeof(a);
	}
	rs = (int)syscall(__NR_landlock_create_ruleset, &a, size, 0);
	if (rs < 0)
		return -1;
	ret = ll_rules(rs, p, a.fs);
	if (!ret)
		ret = (int)syscall(__NR_landlock_restrict_self, rs, 0);
	close(rs);
	return ret ? -1 : abi;
}

#ifdef HAVE_LIBSECCOMP
/* The calls a tool makes once its inputs are open (strace of the goldens). */
static const char *const base_calls[] = {
	"read",
	"pread64",
	"readv",
	"preadv",
	"preadv2",
	"write",
	"pwrite64",
	"writev",
	"lseek",
	"_llseek",
	"close",
	"fstat",
	"fstat64",
	"newfstatat",
	"fstatat64",
	"statx",
	"stat",
	"lstat",
	"statfs",
	"fstatfs",
	"getdents64",
	"getdents",
	"readlink",
	"readlinkat",
	"access",
	"faccessat",
	"faccessat2",
	"fcntl",
	"dup",
	"dup2",
	"dup3",
	"brk",
	"munmap",
	"mremap",
	"madvise",
	"exit",
	"exit_group",
	"rt_sigreturn",
	"rt_sigaction",
	"rt_sigprocmask",
	"sigaltstack",
	"getpid",
	"gettid",
	"getppid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"uname",
	"clock_gettime",
	"clock_getres",
	"gettimeofday",
	"time",
	"nanosleep",
	"clock_nanosleep",
	"getrandom",
	"futex",
	"set_robust_list",
	"get_robust_list",
	"rseq",
	"sched_yield",
	"sched_getaffinity",
	"prlimit64",
	"getrlimit",
	"getcwd",
	"restart_syscall",
	"pipe2",
	"memfd_create",
	"ftruncate",
	"fsync",
	"fdatasync",
	"close_range",
	"mincore",
	"membarrier",
	"set_tid_address",
	"sysinfo",
};

/* Only with a declared output or scratch directory. */
static const char *const write_calls[] = {
	"unlink",   "unlinkat",	 "rmdir",     "mkdir",	"mkdirat",  "rename",
	"renameat", "renameat2", "chmod",     "fchmod", "fchmodat", "umask",
	"linkat",   "symlinkat", "utimensat", "fchown",
};

/*
 * The sanitizers' runtime: LeakSanitizer stops the world at exit with a
 * tracer thread (clone, ptrace, waitpid) and reads /proc/self/task.
 */
static const char *const san_calls[] = {
	"clone",  "ptrace", "wait4",
	"waitid", "prctl",  "sched_getparam",
	"kill",	  "tgkill", "sched_setaffinity",
};

/* A call this architecture lacks (open on arm64) is skipped. */
static int allow(scmp_filter_ctx f, const char *name, unsigned int n,
		 const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add_array(f, SCMP_ACT_ALLOW, nr, n, cmp);
}

static int allow_list(scmp_filter_ctx f, const char *const *names, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++)
		ret = allow(f, names[i], 0, NULL);
	return ret;
}

/*
 * Read-only opens, or any open when an output was declared. openat2's
 * flags sit behind a pointer: allowed under Landlock, which then keeps
 * its writes to the outputs (sysroot resolves in the kernel, beneath the
 * root); else ENOSYS, and sysroot resolves in user space.
 */
static int allow_open(scmp_filter_ctx f, bool writes, bool landlocked)
{
	/* O_TMPFILE without O_DIRECTORY, which read-only opens use */
	const uint64_t wr = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND |
			    (O_TMPFILE & ~O_DIRECTORY);
	struct scmp_arg_cmp at = SCMP_A2(SCMP_CMP_MASKED_EQ, wr, 0);
	struct scmp_arg_cmp op = SCMP_A1(SCMP_CMP_MASKED_EQ, wr, 0);
	int nr = seccomp_syscall_resolve_name("openat2");
	int ret;

	ret = seccomp_rule_add(
		f, landlocked ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	if (!ret)
		ret = allow(f, "openat", writes ? 0 : 1, &at);
	if (!ret)
		ret = allow(f, "open", writes ? 0 : 1, &op);
	return ret;
}

/* Never executable; /dev/mem read-only and shared. */
static int allow_maps(scmp_filter_ctx f, int devmem)
{
	struct scmp_arg_cmp noexec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	struct scmp_arg_cmp m[3] = { noexec,
				     SCMP_A4(SCMP_CMP_NE, (uint64_t)devmem) };
	int ret;

	ret = allow(f, "mmap", devmem >= 0 ? 2 : 1, m);
	if (!ret)
		ret = allow(f, "mmap2", devmem >= 0 ? 2 : 1, m);
	if (!ret)
		ret = allow(f, "mprotect", 1, &noexec);
	if (!ret)
		ret = allow(f, "pkey_mprotect", 1, &noexec);
	if (ret || devmem < 0)
		return ret;
	m[0] = SCMP_A2(SCMP_CMP_EQ, PROT_READ);
	m[1] = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_TYPE, MAP_SHARED);
	m[2] = SCMP_A4(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (uint64_t)devmem);
	ret = allow(f, "mmap", 3, m);
	if (!ret)
		ret = allow(f, "mmap2", 3, m);
	return ret;
}

/* Threads through clone; clone3's flags sit behind a pointer. */
static int allow_misc(scmp_filter_ctx f, const struct gk_confine_policy *p)
{
	struct scmp_arg_cmp tty[] = { SCMP_A1(SCMP_CMP_EQ, TCGETS),
				      SCMP_A1(SCMP_CMP_EQ, TIOCGWINSZ) };
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid());
	int nr = seccomp_syscall_resolve_name("clone3");
	int ret = 0;

	if (nr != __NR_SCMP_ERROR)
		ret = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	if (!ret && p->threads && !gk_confine_sanitized())
		ret = allow(f, "clone", 0, NULL);
	/* isatty() and the terminal's width, nothing else */
	if (!ret)
		ret = allow(f, "ioctl", 1, &tty[0]);
	if (!ret)
		ret = allow(f, "ioctl", 1, &tty[1]);
	/* abort() signals itself only */
	if (!ret && !gk_confine_sanitized())
		ret = allow(f, "tgkill", 1, &self);
	return ret;
}

static int seccomp(const struct gk_confine_policy *p, bool landlocked,
		   struct gk_err *e)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	bool writes = p->writes && p->writes[0];
	int ret;

	if (!f)
		return gk_fail(e, -GK_ERR_NOMEM, "seccomp: out of memory");
	ret = allow_list(f, base_calls,
			 sizeof(base_calls) / sizeof(base_calls[0]));
	/* an unpacked archive is removed, never written to */
	if (!ret && (writes || p->scratch))
		ret = allow_list(f, write_calls,
				 sizeof(write_calls) / sizeof(write_calls[0]));
	if (!ret && gk_confine_sanitized())
		ret = allow_list(f, san_calls,
				 sizeof(san_calls) / sizeof(san_calls[0]));
	if (!ret)
		ret = allow_open(f, writes, landlocked);
	if (!ret)
		ret = allow_maps(f, p->devmem_fd);
	if (!ret)
		ret = allow_misc(f, p);
	if (!ret)
		ret = seccomp_load(f);
	seccomp_release(f);
	if (ret < 0)
		return gk_fail(e, -GK_ERR_INVAL, "seccomp: %s", strerror(-ret));
	return 0;
}

#else
/* built --without-libseccomp (the lab's cross build): Landlock only */
static int seccomp(const struct gk_confine_policy *p, bool landlocked,
		   struct gk_err *e)
{
	(void)p;
	(void)landlocked;
	(void)e;
	return 1;
}
#endif

static bool env_is(const char *value)
{
	const char *v = getenv(GK_CONFINE_ENV);

	return v && !strcmp(v, value);
}

int gk_confine(const struct gk_confine_policy *p, struct gk_confinement *c,
	       struct gk_err *e)
{
	int ret;

	*c = (struct gk_confinement){ 0 };
	if (env_is("off")) {
		c->off = true;
		return 0;
	}
	for (size_t i = 0; p->preload && p->preload[i]; i++)
		dlopen(p->preload[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	/* both need it unprivileged; as root it keeps setuid helpers honest */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return gk_fail(e, -GK_ERR_ACCESS, "no_new_privs: %s",
			       strerror(errno));
	c->landlock_abi = landlock(p);
	if (c->landlock_abi < 0) {
		c->landlock_abi = 0;
		return gk_fail(e, -GK_ERR_ACCESS, "landlock: %s",
			       strerror(errno));
	}
	ret = seccomp(p, c->landlock_abi > 0, e);
	if (ret < 0)
		return ret;
	c->seccomp = ret == 0;
	return 0;
}

const char *gk_confine_describe(const struct gk_confinement *c, char *buf,
				size_t size)
{
	if (c->off)
		snprintf(buf, size, "off (" GK_CONFINE_ENV "=off)");
	else if (c->landlock_abi)
		snprintf(buf, size, "landlock ABI %d, %s", c->landlock_abi,
			 c->seccomp ? "seccomp" : "no seccomp");
	else
		snprintf(buf, size, "landlock none (kernel), %s",
			 c->seccomp ? "seccomp" : "no seccomp");
	return buf;
}

void gk_confine_report(const char *tool, const struct gk_confinement *c,
		       int ret, const struct gk_err *e, bool verbose)
{
	char buf[64];
	int err;

	verbose |= env_is("verbose");
	if (verbose && ret < 0)
		fprintf(stderr, "%s: not confined: %s\n", tool, e->msg);
	else if (verbose)
		fprintf(stderr, "%s: confined: %s\n", tool,
			gk_confine_describe(c, buf, sizeof(buf)));
	err = gk_confine_selftest();
	if (err >= 0)
		fprintf(stderr, "%s: selftest %s: %s\n", tool,
			getenv(GK_CONFINE_TEST_ENV),
			err ? strerror(err) : "allowed");
}

/* Each returns the errno of a call the confinement must refuse. */
static int try_write(void)
{
	int fd = open("/tmp/gk-confine-selftest", O_WRONLY | O_CREAT, 0600);

	if (fd < 0)
		return errno;
	close(fd);
	unlink("/tmp/gk-confine-selftest");
	return 0;
}

static int try_exec(void)
{
	char *argv[] = { "true", NULL };

	execve("/bin/true", argv, environ);
	return errno;
}

static int try_kexec(void)
{
	return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL) < 0 ? errno : 0;
}

static int try_mmap_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, 4096);
	return 0;
}

static int try_read_outside(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

int gk_confine_selftest(void)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} t[] = {
		{ "write", try_write },
		{ "exec", try_exec },
		{ "kexec", try_kexec },
		{ "mmap-exec", try_mmap_exec },
		{ "read-outside", try_read_outside },
	};
	const char *v = getenv(GK_CONFINE_TEST_ENV);

	for (size_t i = 0; v && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(v, t[i].name))
			return t[i].fn();
	return -1;
}
