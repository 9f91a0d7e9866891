// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faultinj.so: LD_PRELOAD it to make the N-th allocation or system-call
 * wrapper the program calls fail, as the real call could (tests/ts/faults.sh).
 *
 *   FAULTINJ_N=N         the N-th counted call fails (1-based; unset or 0:
 *                        count only)
 *   FAULTINJ_CLASS=C     alloc (malloc, calloc, realloc, strdup, ...), sys
 *                        (open, read, mmap, rename, ...) or all (default)
 *   FAULTINJ_COUNT_FILE  at exit: the number of calls counted, then the
 *                        name of the call made to fail, if one was, and
 *                        where it was called (an offset for addr2line -e)
 *   FAULTINJ_PROG=NAME   only a program of that name counts (not the
 *                        timeout or wrapper that executes it, which the
 *                        preload reaches first)
 *
 * Counted are the calls the program itself makes: from code in the main
 * executable (our libraries are linked in statically), once main has
 * started. Excluded, by design:
 *  - calls before main (the dynamic loader, constructors): nothing there
 *    is ours to handle;
 *  - calls libc, libz, libfdt, json-c... make for themselves (fopen's
 *    buffer, dlopen's tables, inflate's window): their failure reaches us
 *    as the failure of the entry point we called, where that one is
 *    counted; some of them (dlopen's, the dynamic loader's) abort rather
 *    than return;
 *  - close, free and munmap, which a correct program never needs to see
 *    fail, and stdio's output (fprintf, fwrite, fflush: the one line of an
 *    error would be what fails), stdio's reads (fgets, getdelim: a failure
 *    there looks like the end of the file, not an error).
 * The counter is the one mutable global a test tool needs; it is atomic,
 * as kexec gathers facts in a thread while it plans.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum fi_class { FI_ALLOC = 1, FI_SYS = 2 };

static struct {
	unsigned long count;	/* calls counted so far */
	unsigned long fail_at;	/* FAULTINJ_N */
	int classes;		/* FAULTINJ_CLASS */
	bool armed;		/* main has started */
	uintptr_t lo[8], hi[8]; /* the executable's code */
	int nranges;
	const char *failed;    /* the name of the call made to fail */
	uintptr_t base, where; /* the executable's load address, the caller */
} fi;

/* dlsym may allocate before calloc is known: from here, never freed */
static char arena[4096] __attribute__((aligned(16)));
static size_t arena_used;

static bool in_arena(const void *p)
{
	return (const char *)p >= arena &&
	       (const char *)p < arena + sizeof(arena);
}

static void *arena_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(arena) - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += n;
	return p;
}

/*
 * volatile: glibc declares dlsym a leaf, which lets the compiler drop the
 * count around it, yet dlsym calls back into calloc and free
 */
static volatile int resolving;

static void *real(const char *name)
{
	void *f;

	resolving++;
	f = dlsym(RTLD_NEXT, name);
	resolving--;
	if (!f) {
		static const char msg[] = "faultinj: a libc symbol not found\n";

		syscall(SYS_write, 2, msg, sizeof(msg) - 1);
		_exit(127);
	}
	return f;
}

/* r_NAME: the next definition of NAME, libc's (or a sanitizer's) */
#define REAL(type, name)                  \
	static __typeof__(type) r_##name; \
	if (!r_##name)                    \
	r_##name = (__typeof__(type))real(#name)

static int exe_range(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	/* the first object is the main program */
	fi.base = info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum && fi.nranges < 8; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		fi.lo[fi.nranges] = info->dlpi_addr + ph->p_vaddr;
		fi.hi[fi.nranges] = fi.lo[fi.nranges] + ph->p_memsz;
		fi.nranges++;
	}
	return 1;
}

static bool from_exe(const void *ret)
{
	uintptr_t a = (uintptr_t)ret;

	for (int i = 0; i < fi.nranges; i++)
		if (a >= fi.lo[i] && a < fi.hi[i])
			return true;
	return false;
}

/* true: the call is to fail (errno set to @err) */
static bool inject(enum fi_class c, const char *name, const void *caller,
		   int err)
{
	unsigned long n;

	if (!fi.armed || !(fi.classes & c) || !from_exe(caller))
		return false;
	n = __atomic_add_fetch(&fi.count, 1, __ATOMIC_SEQ_CST);
	if (n != fi.fail_at)
		return false;
	fi.failed = name;
	fi.where = (uintptr_t)caller - fi.base;
	errno = err;
	return true;
}

#define CALLER __builtin_return_address(0)
#define ALLOC_FAILS(name) inject(FI_ALLOC, name, CALLER, ENOMEM)
#define SYS_FAILS(name, err) inject(FI_SYS, name, CALLER, err)

static void write_count(void)
{
	const char *path = getenv("FAULTINJ_COUNT_FILE");
	char line[128];
	int fd, len;

	if (!path)
		return;
	len = snprintf(line, sizeof(line), "%lu\n%s 0x%lx\n",
		       __atomic_load_n(&fi.count, __ATOMIC_SEQ_CST),
		       fi.failed ? fi.failed : "-", (unsigned long)fi.where);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path,
			  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)len) != len)
		syscall(SYS_unlinkat, AT_FDCWD, path, 0);
	syscall(SYS_close, fd);
}

static void arm(const char *argv0)
{
	const char *n = getenv("FAULTINJ_N"), *c = getenv("FAULTINJ_CLASS");
	const char *prog = getenv("FAULTINJ_PROG");
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	if (prog && (!base || strcmp(prog, base)))
		return;
	fi.fail_at = n ? strtoul(n, NULL, 10) : 0;
	fi.classes = FI_ALLOC | FI_SYS;
	if (c && !strcmp(c, "alloc"))
		fi.classes = FI_ALLOC;
	else if (c && !strcmp(c, "sys"))
		fi.classes = FI_SYS;
	dl_iterate_phdr(exe_range, NULL);
	atexit(write_count);
	fi.armed = true;
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int main_armed(int argc, char **argv, char **envp)
{
	arm(argc > 0 ? argv[0] : NULL);
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack);

/* main started through this wrapper: what runs before it is not counted */
int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack)
{
	typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
				void (*)(void), void (*)(void), void *);
	REAL(start_fn, __libc_start_main);

	real_main = main;
	return r___libc_start_main(main_armed, argc, argv, init, fini,
				   rtld_fini, stack);
}

/* ---- allocations -------------------------------------------------- */

void *malloc(size_t n)
{
	static void *(*r_malloc)(size_t);

	if (!r_malloc) {
		if (resolving)
			return arena_alloc(n);
		r_malloc = (void *(*)(size_t))real("malloc");
	}
	if (ALLOC_FAILS("malloc"))
		return NULL;
	return r_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	static void *(*r_calloc)(size_t, size_t);

	if (!r_calloc) {
		if (resolving)
			return arena_alloc(n * m); /* zeroed: static */
		r_calloc = (void *(*)(size_t, size_t))real("calloc");
	}
	if (ALLOC_FAILS("calloc"))
		return NULL;
	return r_calloc(n, m);
}

/* dlsym frees its error strings: while it runs, they are let go */
void free(void *p)
{
	static void (*r_free)(void *);

	if (!r_free) {
		if (resolving)
			return;
		r_free = (void (*)(void *))real("free");
	}
	if (!in_arena(p))
		r_free(p);
}

void *realloc(void *p, size_t n)
{
	REAL(void *(*)(void *, size_t), realloc);
	if (ALLOC_FAILS("realloc"))
		return NULL;
	return r_realloc(p, n);
}

void *aligned_alloc(size_t a, size_t n)
{
	REAL(void *(*)(size_t, size_t), aligned_alloc);
	if (ALLOC_FAILS("aligned_alloc"))
		return NULL;
	return r_aligned_alloc(a, n);
}

int posix_memalign(void **p, size_t a, size_t n)
{
	REAL(int (*)(void **, size_t, size_t), posix_memalign);
	if (ALLOC_FAILS("posix_memalign"))
		return ENOMEM;
	return r_posix_memalign(p, a, n);
}

char *strdup(const char *s)
{
	REAL(char *(*)(const char *), strdup);
	if (ALLOC_FAILS("strdup"))
		return NULL;
	return r_strdup(s);
}

char *strndup(const char *s, size_t n)
{
	REAL(char *(*)(const char *, size_t), strndup);
	if (ALLOC_FAILS("strndup"))
		return NULL;
	return r_strndup(s, n);
}

int vasprintf(char **p, const char *fmt, va_list ap)
{
	REAL(int (*)(char **, const char *, va_list), vasprintf);
	if (ALLOC_FAILS("vasprintf"))
		return -1;
	return r_vasprintf(p, fmt, ap);
}

int asprintf(char **p, const char *fmt, ...)
{
	va_list ap;
	int ret;

	REAL(int (*)(char **, const char *, va_list), vasprintf);
	if (ALLOC_FAILS("asprintf"))
		return -1;
	va_start(ap, fmt);
	ret = r_vasprintf(p, fmt, ap);
	va_end(ap);
	return ret;
}

FILE *open_memstream(char **p, size_t *n)
{
	REAL(FILE * (*)(char **, size_t *), open_memstream);
	if (ALLOC_FAILS("open_memstream"))
		return NULL;
	return r_open_memstream(p, n);
}

/* ---- system-call wrappers ------------------------------------------ */

/* the mode argument is there when O_CREAT or O_TMPFILE asks for it */
static mode_t open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
		       (mode_t)va_arg(ap, int) :
		       0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int (*)(const char *, int, ...), open);
	if (SYS_FAILS("open", EMFILE))
		return -1;
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return r_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int (*)(const char *, int, ...), open64);
	if (SYS_FAILS("open64", EMFILE))
		return -1;
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return r_open64(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	REAL(int (*)(int, const char *, int, ...), openat);
	if (SYS_FAILS("openat", EMFILE))
		return -1;
	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	return r_openat(dir, path, flags, mode);
}

ssize_t read(int fd, void *buf, size_t n)
{
	REAL(ssize_t(*)(int, void *, size_t), read);
	if (SYS_FAILS("read", EIO))
		return -1;
	return r_read(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	REAL(ssize_t(*)(int, void *, size_t, off_t), pread);
	if (SYS_FAILS("pread", EIO))
		return -1;
	return r_pread(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t(*)(int, const void *, size_t), write);
	if (SYS_FAILS("write", ENOSPC))
		return -1;
	return r_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(ssize_t(*)(int, const void *, size_t, off_t), pwrite);
	if (SYS_FAILS("pwrite", ENOSPC))
		return -1;
	return r_pwrite(fd, buf, n, off);
}

void *mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	REAL(void *(*)(void *, size_t, int, int, int, off_t), mmap);
	if (SYS_FAILS("mmap", ENOMEM))
		return MAP_FAILED;
	return r_mmap(addr, n, prot, flags, fd, off);
}

int fstat(int fd, struct stat *st)
{
	REAL(int (*)(int, struct stat *), fstat);
	if (SYS_FAILS("fstat", ENOMEM))
		return -1;
	return r_fstat(fd, st);
}

int stat(const char *path, struct stat *st)
{
	REAL(int (*)(const char *, struct stat *), stat);
	if (SYS_FAILS("stat", ENOMEM))
		return -1;
	return r_stat(path, st);
}

int lstat(const char *path, struct stat *st)
{
	REAL(int (*)(const char *, struct stat *), lstat);
	if (SYS_FAILS("lstat", ENOMEM))
		return -1;
	return r_lstat(path, st);
}

int fstatat(int dir, const char *path, struct stat *st, int flags)
{
	REAL(int (*)(int, const char *, struct stat *, int), fstatat);
	if (SYS_FAILS("fstatat", ENOMEM))
		return -1;
	return r_fstatat(dir, path, st, flags);
}

int memfd_create(const char *name, unsigned int flags)
{
	REAL(int (*)(const char *, unsigned int), memfd_create);
	if (SYS_FAILS("memfd_create", EMFILE))
		return -1;
	return r_memfd_create(name, flags);
}

int ftruncate(int fd, off_t n)
{
	REAL(int (*)(int, off_t), ftruncate);
	if (SYS_FAILS("ftruncate", EIO))
		return -1;
	return r_ftruncate(fd, n);
}

int rename(const char *from, const char *to)
{
	REAL(int (*)(const char *, const char *), rename);
	if (SYS_FAILS("rename", EIO))
		return -1;
	return r_rename(from, to);
}

int renameat(int d1, const char *from, int d2, const char *to)
{
	REAL(int (*)(int, const char *, int, const char *), renameat);
	if (SYS_FAILS("renameat", EIO))
		return -1;
	return r_renameat(d1, from, d2, to);
}

int fsync(int fd)
{
	REAL(int (*)(int), fsync);
	if (SYS_FAILS("fsync", EIO))
		return -1;
	return r_fsync(fd);
}

int mkdir(const char *path, mode_t mode)
{
	REAL(int (*)(const char *, mode_t), mkdir);
	if (SYS_FAILS("mkdir", ENOSPC))
		return -1;
	return r_mkdir(path, mode);
}

int mkdirat(int dir, const char *path, mode_t mode)
{
	REAL(int (*)(int, const char *, mode_t), mkdirat);
	if (SYS_FAILS("mkdirat", ENOSPC))
		return -1;
	return r_mkdirat(dir, path, mode);
}

char *mkdtemp(char *tmpl)
{
	REAL(char *(*)(char *), mkdtemp);
	if (SYS_FAILS("mkdtemp", ENOSPC))
		return NULL;
	return r_mkdtemp(tmpl);
}

int chmod(const char *path, mode_t mode)
{
	REAL(int (*)(const char *, mode_t), chmod);
	if (SYS_FAILS("chmod", EIO))
		return -1;
	return r_chmod(path, mode);
}

int symlinkat(const char *to, int dir, const char *path)
{
	REAL(int (*)(const char *, int, const char *), symlinkat);
	if (SYS_FAILS("symlinkat", ENOSPC))
		return -1;
	return r_symlinkat(to, dir, path);
}

ssize_t readlinkat(int dir, const char *path, char *buf, size_t n)
{
	REAL(ssize_t(*)(int, const char *, char *, size_t), readlinkat);
	if (SYS_FAILS("readlinkat", EIO))
		return -1;
	return r_readlinkat(dir, path, buf, n);
}

FILE *fopen(const char *path, const char *mode)
{
	REAL(FILE * (*)(const char *, const char *), fopen);
	if (SYS_FAILS("fopen", EMFILE))
		return NULL;
	return r_fopen(path, mode);
}

FILE *fdopen(int fd, const char *mode)
{
	REAL(FILE * (*)(int, const char *), fdopen);
	if (SYS_FAILS("fdopen", ENOMEM))
		return NULL;
	return r_fdopen(fd, mode);
}

FILE *tmpfile(void)
{
	REAL(FILE * (*)(void), tmpfile);
	if (SYS_FAILS("tmpfile", ENOSPC))
		return NULL;
	return r_tmpfile();
}

DIR *opendir(const char *path)
{
	REAL(DIR * (*)(const char *), opendir);
	if (SYS_FAILS("opendir", EMFILE))
		return NULL;
	return r_opendir(path);
}

DIR *fdopendir(int fd)
{
	REAL(DIR * (*)(int), fdopendir);
	if (SYS_FAILS("fdopendir", ENOMEM))
		return NULL;
	return r_fdopendir(fd);
}

struct dirent *readdir(DIR *d)
{
	REAL(struct dirent * (*)(DIR *), readdir);
	if (SYS_FAILS("readdir", EIO))
		return NULL;
	return r_readdir(d);
}

int dup(int fd)
{
	REAL(int (*)(int), dup);
	if (SYS_FAILS("dup", EMFILE))
		return -1;
	return r_dup(fd);
}

char *getcwd(char *buf, size_t n)
{
	REAL(char *(*)(char *, size_t), getcwd);
	if (SYS_FAILS("getcwd", ENOMEM))
		return NULL;
	return r_getcwd(buf, n);
}

ssize_t getrandom(void *buf, size_t n, unsigned int flags)
{
	REAL(ssize_t(*)(void *, size_t, unsigned int), getrandom);
	/* GRND_NONBLOCK before the pool is ready */
	if (SYS_FAILS("getrandom", EAGAIN))
		return -1;
	return r_getrandom(buf, n, flags);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	REAL(int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
		     void *),
	     pthread_create);
	if (SYS_FAILS("pthread_create", EAGAIN))
		return EAGAIN;
	return r_pthread_create(t, attr, fn, arg);
}
