/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-confinement: once a tool's inputs are open, it gives up what a
 * parser bug could abuse. Landlock (best effort: none on kernels without
 * it) limits reads to the input roots and writes to the declared outputs'
 * directories; a seccomp allow-list (libseccomp) allows only the system
 * calls the tools make after that point, opens for writing only when an
 * output was declared, no executable mapping, /dev/mem read-only and
 * shared. A denied call fails with EPERM: a diagnostic degrades, it never
 * dies.
 */
#ifndef GK_CONFINE_H
#define GK_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

#include "gkerr.h"

/* "off": no confinement (debugging); "verbose": say what applied */
#define GK_CONFINE_ENV "GK_CONFINE"
/* test only: after confining, try one forbidden call (gk_confine_selftest) */
#define GK_CONFINE_TEST_ENV "GK_CONFINE_SELFTEST"

/**
 * struct gk_confine_policy - what the process still needs
 * @root_fd: a snapshot root's directory fd, read beneath; -1 when live
 *	(then everything is readable and Landlock only guards writes)
 * @reads: more files or directories read later (NULL-terminated), or NULL
 * @writes: declared outputs (NULL-terminated), or NULL: each is written
 *	beneath the nearest existing directory above it
 * @scratch: a directory the tool removes at the end (an unpacked archive)
 * @devmem_fd: an fd on /dev/mem or alike, mapped PROT_READ + MAP_SHARED
 *	only; -1 when none
 * @threads: the tool starts threads (clone allowed, clone3 ENOSYS)
 * @preload: shared libraries dlopen()ed later, loaded now (their mapping
 *	is executable, which the filter no longer allows), or NULL
 */
struct gk_confine_policy {
	int root_fd;
	const char *const *reads;
	const char *const *writes;
	const char *scratch;
	int devmem_fd;
	bool threads;
	const char *const *preload;
};

/**
 * struct gk_confinement - what applied
 * @landlock_abi: the Landlock ABI enforced, 0 when the kernel has none
 * @seccomp: the system call filter is loaded
 * @off: turned off through GK_CONFINE=off
 */
struct gk_confinement {
	int landlock_abi;
	bool seccomp;
	bool off;
};

/**
 * gk_confine - restrict this process for good
 * @p: the policy
 * @c: output, what applied
 * @e: why it could not, in one line
 *
 * returns: 0; a negative GK_ERR_* code when the filter could not be built
 * or loaded (Landlock missing from the kernel is no error)
 */
int gk_confine(const struct gk_confine_policy *p, struct gk_confinement *c,
	       struct gk_err *e);

/**
 * gk_confine_report - what a tool says after gk_confine()
 * @tool: "gicdiag"
 * @ret: gk_confine()'s return, @e its reason
 * @verbose: the tool's debug option: "TOOL: confined: ..." (or
 *	GK_CONFINE=verbose, for gicdiag, whose -v output is golden)
 *
 * Also runs gk_confine_selftest() when GK_CONFINE_SELFTEST asks
 * ("TOOL: selftest NAME: ERRNO-TEXT"). A confinement that could not be
 * set up is said under @verbose only: the tool goes on, as on a kernel
 * without Landlock.
 */
void gk_confine_report(const char *tool, const struct gk_confinement *c,
		       int ret, const struct gk_err *e, bool verbose);

/*
 * gk_confine_sanitized - built with AddressSanitizer: LeakSanitizer runs at
 * exit and needs what the filter otherwise refuses (ptrace, /proc/self)
 */
bool gk_confine_sanitized(void);

/**
 * gk_confine_describe - "landlock ABI 3, seccomp" and the like
 *
 * returns: @buf
 */
const char *gk_confine_describe(const struct gk_confinement *c, char *buf,
				size_t size);

/**
 * gk_confine_selftest - test only: try the forbidden call named by
 * GK_CONFINE_SELFTEST (write, exec, kexec, mmap-exec, read-outside) and
 * return its errno (0 when it succeeded), or -1 when the variable is unset
 */
int gk_confine_selftest(void);

#endif
