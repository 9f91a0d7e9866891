/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Handing a plan to the kernel, or writing it out (--dry-run). */
#ifndef GK_KEXEC_LOAD_H
#define GK_KEXEC_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "plan.h"
#include "sys.h"

/* one descriptor kexec_file_load is given, as the kernel reads it */
struct kx_file_fd {
	bool present; /* false: none (the initrd without one) */
	bool memfd;   /* a sealed memfd of decoded bytes, else the file */
	uint64_t size;
	uint8_t sha256[32]; /* of the @size bytes the kernel reads */
};

/* What a kexec_file_load was given (kx_load_file fills it). */
struct kx_file_in {
	struct kx_file_fd kernel, initrd;
	unsigned long flags; /* KEXEC_FILE_ON_CRASH, _NO_INITRAMFS */
	bool fallback; /* auto mode: kexec_load on kx_file_load_falls_back */
};

/**
 * kx_manifest - the plan as JSON (version 1): addresses, sizes, digests,
 * the command line, the LPI tables passed on, where the initrd came from
 * @in: NULL for a kexec_load of the plan; for a kexec_file_load, what the
 *	kernel was given (each descriptor's kind, size and SHA-256, the
 *	flags) and no segment, entry or DTB: the kernel places its own, and
 *	passes no table
 */
int kx_manifest(FILE *out, const struct kx_plan *p, const struct kx_opts *o,
		const struct kx_file_in *in, const char *syscall_name);

/**
 * kx_dry_run - write what a load would give the kernel into @dir
 * (created; it must not exist), without any syscall: for kexec_load
 * (@in NULL) every segment, the DTB and manifest.json; for kexec_file_load
 * (@in from kx_load_file through kx_sys_dry) manifest.json and plan.txt,
 * the descriptors, command line and flags in words. The files are
 * written in a directory beside @dir, renamed to @dir once complete: on
 * failure @dir is left absent.
 */
int kx_dry_run(const struct kx_plan *p, const struct kx_opts *o,
	       const struct kx_file_in *in, const char *dir, struct gk_err *e);

/**
 * kx_load - kexec_load(2) the plan (KEXEC_ON_CRASH for a crash plan)
 * through @sys
 *
 * On failure the kernel keeps what it had loaded before. EPERM under
 * lockdown gets its own message, saying what can still load: @file_err
 * is kexec_file_load's errno when it was tried first (0 when not).
 */
int kx_load(const struct kx_sys *sys, const struct sysroot *sr,
	    const struct kx_plan *p, int file_err, struct gk_err *e);

/**
 * kx_load_file - kexec_file_load(2) through @sys: the kernel builds the
 * DTB itself. @kerr is the kernel's errno on failure (0 when the call was
 * not reached), for kx_file_load_falls_back(). @in, unless NULL, gets
 * what the kernel is given, read back from the descriptors just before
 * the call (their bytes hashed), for the manifest and a dry run's plan.
 */
int kx_load_file(const struct kx_sys *sys, const struct sysroot *sr,
		 const struct kx_opts *o, const char *cmdline,
		 struct kx_file_in *in, int *kerr, struct gk_err *e);

/**
 * kx_load_file_plan - kx_load_file() of the load @p was planned for (its
 * command line): an image that had to be decoded goes from @p's kernel
 * segment into the memfd, not decoded a second time
 */
int kx_load_file_plan(const struct kx_sys *sys, const struct sysroot *sr,
		      const struct kx_opts *o, const struct kx_plan *p,
		      struct kx_file_in *in, int *kerr, struct gk_err *e);

/*
 * kexec -u: unload the image (the crash image with @crash): with @file,
 * kexec_file_load(KEXEC_FILE_UNLOAD) first, then (with @fallback, on
 * ENOSYS only) kexec_load, as kexec-tools
 */
int kx_unload(const struct kx_sys *sys, const struct sysroot *sr, bool crash,
	      bool file, bool fallback, struct gk_err *e);

/*
 * kexec -e, -f: reboot into the loaded image; returns only on failure
 * (or at once in a dry run)
 */
int kx_exec(const struct kx_sys *sys, bool sync_first, bool ifdown,
	    struct gk_err *e);

/* kexec IMAGE: shutdown -r now; returns only on failure (or dry run) */
int kx_shutdown(const struct kx_sys *sys, struct gk_err *e);

/*
 * What follows a load without an action (shutdown -r now) or with -f
 * (kx_exec); "Nothing has been loaded!" when the kernel says so
 */
int kx_after_load(const struct kx_sys *sys, bool force, bool sync_first,
		  bool ifdown, struct gk_err *e);

/*
 * What is loaded, for gicdiag and gic-kexec rearm, kept in @rundir
 * (GK_RUNDIR; another directory in tests) and written whole or not at all
 * (lib/atomic): the manifest (GK_MANIFEST_{KEXEC,CRASH}_NAME) and the
 * load's arguments (GK_ARGS_{KEXEC,CRASH}_NAME).
 */
int kx_record(const char *rundir, const struct kx_plan *p,
	      const struct kx_opts *o, const struct kx_file_in *in,
	      const char *syscall_name, struct gk_err *e);
int kx_record_args(const char *rundir, bool crash, int argc, char *const argv[],
		   struct gk_err *e);
/* remove the manifest and arguments of an unloaded image */
void kx_forget(const char *rundir, bool crash);

#endif
