/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every file gic-kexec keeps under /run, named here and nowhere else in C:
 * what our kexec loaded (kexec(8)), the boot record (gicdiag record) and,
 * in a snapshot, what the loader probe said. The shell side spells the
 * directory itself: contrib/gic-kexec.in (RUNDIR, which also writes
 * confirm.json there and reads TYPE.args and boot.json),
 * contrib/udev/98-gic-kexec.rules and contrib/systemd/gic-kexec-*.service.in;
 * the manual pages name the files.
 */
#ifndef GK_RUNDIR_H
#define GK_RUNDIR_H

#define GK_RUNDIR "/run/gic-kexec"

/*
 * The names inside it, for a writer given another directory (tests): the
 * manifests of the images kexec -l and kexec -p loaded, their arguments
 * (for gic-kexec rearm), the boot record, and in a snapshot the line
 * `kexec -v` printed.
 */
#define GK_MANIFEST_KEXEC_NAME "kexec.json"
#define GK_MANIFEST_CRASH_NAME "crash.json"
#define GK_ARGS_KEXEC_NAME "kexec.args"
#define GK_ARGS_CRASH_NAME "crash.args"
#define GK_BOOTREC_NAME "boot.json"
#define GK_LOADER_NAME "loader"

#define GK_MANIFEST_KEXEC GK_RUNDIR "/" GK_MANIFEST_KEXEC_NAME
#define GK_MANIFEST_CRASH GK_RUNDIR "/" GK_MANIFEST_CRASH_NAME
#define GK_BOOTREC_PATH GK_RUNDIR "/" GK_BOOTREC_NAME
#define GK_LOADER_FILE GK_RUNDIR "/" GK_LOADER_NAME

#endif
