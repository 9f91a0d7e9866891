// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec - load and boot another kernel on arm64, the way kexec-tools'
 * kexec is called by systemd, kdump-utils and kdump-tools, keeping the
 * GICv3 LPI tables of this kernel reserved for the next one.
 *
 * main() parses and wires: the plan (plan.c) is built whole in memory,
 * then handed to the kernel (load.c) or written out (--dry-run).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "gather.h"
#include "iomem.h"
#include "load.h"
#include "manifest.h"
#include "confine.h"
#include "dl.h"
#include "plan.h"
#include "strutils.h"
#include "verdict.h"

enum action { ACT_NONE, ACT_LOAD, ACT_UNLOAD, ACT_EXEC, ACT_STATUS };
enum syscall_mode { SC_AUTO, SC_LOAD, SC_FILE };

struct args {
	struct kx_opts o;
	enum action action;
	enum syscall_mode sc;
	const char *sysroot, *dry_run;
	bool force, no_ifdown, no_sync, debug, load_and_exec, status;
	bool ignore_preflight, print_ckr_size;
	int argc;
	char **argv;
	uint8_t seed[72];
	struct kx_timing tm; /* a load's, for -d */
};

static void usage(void)
{
	printf("Usage: kexec [options] [kernel]\n\n"
	       "Load a kernel to boot with kexec, or boot it, keeping the GICv3\n"
	       "LPI tables of this kernel reserved for the next one.\n\n"
	       "Options (as kexec-tools'):\n"
	       " -l, --load                load the kernel for kexec -e\n"
	       " -p, --load-panic          load it as the crash kernel (kdump)\n"
	       " -u, --unload              unload (the crash kernel with -p)\n"
	       " -e, --exec                boot the loaded kernel now\n"
	       " -f, --force               load and boot at once, no shutdown\n"
	       " -x, --no-ifdown           leave network interfaces up for -e\n"
	       " -y, --no-sync             no sync before -e\n"
	       " -i, --no-checks           no segment check in the purgatory\n"
	       " -s, --kexec-file-syscall  use kexec_file_load\n"
	       " -c, --kexec-syscall       use kexec_load\n"
	       " -a, --kexec-syscall-auto  kexec_file_load where the tables allow, else kexec_load (default)\n"
	       " -S, --status              exit 1 when a (crash, with -p) kernel is loaded\n"
	       " -d, --debug               say what is done\n"
	       " -t, --type <type>         ignored: the image's content decides\n"
	       "     --initrd, --ramdisk <file>\n"
	       "     --append, --command-line <string>\n"
	       "     --reuse-cmdline       this kernel's command line (no BOOT_IMAGE=,\n"
	       "                           no crashkernel= for -p), then --append\n"
	       "     --dtb <file>          start from this device tree\n"
	       "     --mem-min, --mem-max <addr>\n"
	       "     --print-ckr-size      print the crash kernel memory's size\n"
	       "     --serial <tty>        ignored: our purgatory prints nothing\n"
	       " -v, --version, -h, --help\n\n"
	       "Refused, each with its reason (see kexec(8)): --load-preserve-context,\n"
	       "--load-jump-back-helper, --entry, --load-live-update, --exec-live-update,\n"
	       "--reuseinitrd, --hotplug, and other architectures' options.\n\n"
	       "Extensions:\n"
	       "     --sysroot <dir|tar>   plan for a captured machine (with --dry-run);\n"
	       "                           with -e, only check its tables at the jump\n"
	       "     --dry-run <dir>       write the segments and DTB (kexec_load) or\n"
	       "                           plan.txt (kexec_file_load), and manifest.json;\n"
	       "                           no syscall\n"
	       "     --lpi-reserve <m>     auto (default), always or never: pass the live\n"
	       "                           GICv3 LPI tables as /memreserve/ entries\n"
	       "     --ignore-preflight    load (or -e) even when gicdiag's verdict is\n"
	       "                           WILL-FAIL\n\nSee kexec(8).\n");
}

static int fail_usage(const char *msg, const char *arg)
{
	struct gk_err e;

	/* through gk_fail: one line whatever bytes the argument holds */
	gk_fail(&e, -GK_ERR_INVAL, "%s%s", msg, arg ? arg : "");
	fprintf(stderr, "kexec: %s\n", e.msg);
	return 1;
}

static int set_action(struct args *a, enum action act)
{
	if (a->action != ACT_NONE && a->action != act)
		return fail_usage("conflicting actions (-l, -p, -u, -e, -S)",
				  NULL);
	a->action = act;
	return 0;
}

static int parse_addr(const char *arg, uint64_t *v)
{
	return gk_parse_u64(arg, v) < 0 ? fail_usage("bad address: ", arg) : 0;
}

enum {
	OPT_INITRD = 0x100,
	OPT_APPEND,
	OPT_REUSE,
	OPT_DTB,
	OPT_MEMMIN,
	OPT_MEMMAX,
	OPT_SYSROOT,
	OPT_DRYRUN,
	OPT_LPI,
	OPT_IGNORE,
	OPT_CKR,
	OPT_SERIAL,
	/* kexec-tools 2.0.32 options refused, each in refused[] */
	OPT_PRESERVE,
	OPT_JUMP_BACK,
	OPT_ENTRY,
	OPT_LIVE_LOAD,
	OPT_LIVE_EXEC,
	OPT_REUSEINITRD,
	OPT_HOTPLUG,
};

/*
 * Every option of kexec-tools 2.0.32 on arm64 (kexec.h KEXEC_OPTIONS,
 * arch/arm64 options.h) is in longopts[], so abbreviations resolve as
 * there; the ones that cannot work here are refused, each with its reason.
 */
static const struct refused {
	int opt;
	const char *name, *why;
} refused[] = {
	{ OPT_PRESERVE, "load-preserve-context",
	  "needs the kernel's KEXEC_JUMP, which only x86 has: arm64's kexec_load refuses KEXEC_PRESERVE_CONTEXT (EINVAL)" },
	{ OPT_JUMP_BACK, "load-jump-back-helper",
	  "needs the kernel's KEXEC_JUMP, which only x86 has: arm64's kexec_load refuses KEXEC_PRESERVE_CONTEXT (EINVAL)" },
	{ OPT_ENTRY, "entry",
	  "the jump-back address of --load-preserve-context (KEXEC_JUMP, x86 only); the next kernel is entered through our purgatory" },
	{ OPT_LIVE_LOAD, "load-live-update",
	  "a Xen live update (KEXEC_LIVE_UPDATE): this kexec does not run under Xen" },
	{ OPT_LIVE_EXEC, "exec-live-update",
	  "a Xen live update (KEXEC_LIVE_UPDATE): this kexec does not run under Xen" },
	{ OPT_REUSEINITRD, "reuseinitrd",
	  "kexec-tools on arm64 accepts it and then passes no initrd at all: give the initrd with --initrd" },
	{ OPT_HOTPLUG, "hotplug",
	  "needs the kernel's crash hotplug (CONFIG_CRASH_HOTPLUG), which only x86 and powerpc have; gic-kexec-rearm.service reloads the crash kernel instead" },
};

/*
 * Options of kexec-tools 2.0.32 for other architectures (arch/ARCH
 * options.h and their image loaders' option lists): not in longopts[],
 * so that they change no abbreviation, but named when given.
 */
static const struct {
	const char *name, *arch;
} other_arch[] = {
	{ "args-elf", "x86" },
	{ "args-linux", "x86 and ppc64" },
	{ "args-none", "x86" },
	{ "atags", "arm" },
	{ "bootinfo", "m68k" },
	{ "console-serial", "x86" },
	{ "console-vga", "x86" },
	{ "devicetreeblob", "ppc64" },
	{ "dt-no-old-root", "arm and ppc64" },
	{ "elf32-core-headers", "x86" },
	{ "elf64-core-headers", "x86 and ppc64" },
	{ "empty-zero", "sh" },
	{ "entry-32bit", "x86" },
	{ "gamecube", "ppc" },
	{ "howto", "sh" },
	{ "image-size", "arm" },
	{ "miniroot", "sh" },
	{ "module", "x86" },
	{ "noefi", "x86" },
	{ "noio", "ia64" },
	{ "page-offset", "arm" },
	{ "pass-memmap-cmdline", "x86" },
	{ "real-mode", "x86" },
	{ "reset-vga", "x86" },
	{ "reuse-node", "ppc" },
	{ "reuse-video-type", "x86" },
	{ "serial-baud", "x86" },
	{ "vmm", "ia64" },
};

static const struct option longopts[] = {
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "status", no_argument, NULL, 'S' },
	{ "debug", no_argument, NULL, 'd' },
	{ "type", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "mem-min", required_argument, NULL, OPT_MEMMIN },
	{ "mem-max", required_argument, NULL, OPT_MEMMAX },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "dry-run", required_argument, NULL, OPT_DRYRUN },
	{ "lpi-reserve", required_argument, NULL, OPT_LPI },
	{ "ignore-preflight", no_argument, NULL, OPT_IGNORE },
	{ "print-ckr-size", no_argument, NULL, OPT_CKR },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "load-preserve-context", no_argument, NULL, OPT_PRESERVE },
	{ "load-jump-back-helper", no_argument, NULL, OPT_JUMP_BACK },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "load-live-update", no_argument, NULL, OPT_LIVE_LOAD },
	{ "exec-live-update", no_argument, NULL, OPT_LIVE_EXEC },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSEINITRD },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	{ NULL, 0, NULL, 0 },
};

/* a kexec-tools option that cannot work here: its name and why */
static int refuse(int c)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (refused[i].opt == c) {
			fprintf(stderr, "kexec: --%s: %s\n", refused[i].name,
				refused[i].why);
			return 1;
		}
	return fail_usage("unhandled option", NULL);
}

/* what getopt did not know: another architecture's option, or nothing */
static int bad_option(const char *arg)
{
	size_t len;

	if (!strcmp(arg, "-?")) {
		usage(); /* kexec-tools' -? */
		return 1;
	}
	if (strncmp(arg, "--", 2))
		return fail_usage("bad option or missing argument: ", arg);
	arg += 2;
	len = strcspn(arg, "=");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strlen(refused[i].name) == len &&
		    !strncmp(refused[i].name, arg, len))
			return refuse(refused[i].opt); /* no argument */
	for (size_t i = 0; i < sizeof(other_arch) / sizeof(other_arch[0]); i++)
		if (strlen(other_arch[i].name) == len &&
		    !strncmp(other_arch[i].name, arg, len)) {
			fprintf(stderr,
				"kexec: --%s: kexec-tools' option for %s, not arm64\n",
				other_arch[i].name, other_arch[i].arch);
			return 1;
		}
	return fail_usage("bad option or missing argument: ", arg - 2);
}

static int one_opt(struct args *a, int c)
{
	switch (c) {
	case 'l':
		return set_action(a, ACT_LOAD);
	case 'p':
		a->o.crash = true;
		return 0;
	case 'u':
		return set_action(a, ACT_UNLOAD);
	case 'e':
		return set_action(a, ACT_EXEC);
	case 'S':
		a->status = true;
		return 0;
	case 'f':
		a->force = true;
		return 0;
	case 'x':
		a->no_ifdown = true;
		return 0;
	case 'y':
		a->no_sync = true;
		return 0;
	case 'i':
		a->o.no_checks = true;
		return 0;
	case 's':
		a->sc = SC_FILE;
		return 0;
	case 'c':
		a->sc = SC_LOAD;
		return 0;
	case 'a':
		a->sc = SC_AUTO;
		return 0;
	case 'd':
		a->debug = true;
		return 0;
	case 't':
		return 0;
	case OPT_INITRD:
		a->o.initrd = optarg;
		return 0;
	case OPT_APPEND:
		a->o.append = optarg;
		return 0;
	case OPT_REUSE:
		a->o.reuse_cmdline = true;
		return 0;
	case OPT_DTB:
		a->o.dtb = optarg;
		return 0;
	case OPT_MEMMIN:
		return parse_addr(optarg, &a->o.mem_min);
	case OPT_MEMMAX:
		a->o.mem_max_set = true;
		return parse_addr(optarg, &a->o.mem_max);
	case OPT_SYSROOT:
		a->sysroot = optarg;
		return 0;
	case OPT_DRYRUN:
		a->dry_run = optarg;
		return 0;
	case OPT_IGNORE:
		a->ignore_preflight = true;
		return 0;
	case OPT_CKR:
		a->print_ckr_size = true;
		return 0;
	case OPT_SERIAL:
		return 0; /* the purgatory's console: ours prints nothing */
	case OPT_LPI:
		if (!strcmp(optarg, "auto"))
			a->o.lpi = KX_LPI_AUTO;
		else if (!strcmp(optarg, "always"))
			a->o.lpi = KX_LPI_ALWAYS;
		else if (!strcmp(optarg, "never"))
			a->o.lpi = KX_LPI_NEVER;
		else
			return fail_usage(
				"--lpi-reserve takes auto, always or never: ",
				optarg);
		return 0;
	case 'v':
		printf("kexec from %s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return -1;
	case 'h':
		usage();
		return -1;
	default:
		return refuse(c);
	}
}

static int check_args(struct args *a, int argc, char **argv)
{
	if (a->status) {
		/* kexec-tools: -S and -S -p the crash kernel, -S -l the other */
		a->o.crash = a->o.crash || a->action != ACT_LOAD;
		a->action = ACT_STATUS;
		if (optind < argc)
			return fail_usage("-S takes no kernel", NULL);
		if (a->sysroot || a->dry_run) /* no snapshot answers -S */
			return fail_usage(
				"-S reads this host's /sys: give no --sysroot or --dry-run",
				NULL);
		return 0;
	}
	if (optind < argc)
		a->o.kernel = argv[optind++];
	if (optind < argc)
		return fail_usage("unexpected argument: ", argv[optind]);
	/* "kexec -p KERNEL" loads the crash kernel */
	if (a->o.crash && a->action == ACT_NONE)
		a->action = ACT_LOAD;
	if (a->action == ACT_NONE && a->o.kernel) {
		a->action = ACT_LOAD;
		a->load_and_exec = true; /* as kexec-tools: load, boot */
	}
	if (a->force && a->action == ACT_LOAD)
		a->load_and_exec = !a->o.crash;
	if (a->action == ACT_NONE)
		return fail_usage("nothing to do: give -l, -p, -u, -e or -S",
				  NULL);
	if (a->action == ACT_LOAD && !a->o.kernel)
		return fail_usage("no kernel to load", NULL);
	if (a->o.mem_max_set && a->o.mem_min > a->o.mem_max)
		return fail_usage("--mem-min is above --mem-max", NULL);
	if (a->action != ACT_LOAD && a->o.kernel)
		return fail_usage("a kernel goes only with -l or -p: ",
				  a->o.kernel);
	if (a->sysroot && a->action == ACT_EXEC && !a->dry_run)
		return 0; /* check a captured machine at the jump, no jump */
	if ((a->sysroot || a->dry_run) &&
	    (a->action != ACT_LOAD || !a->dry_run))
		return fail_usage(
			"--sysroot and --dry-run plan a load: give both with -l or -p (or --sysroot with -e)",
			NULL);
	return 0;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	int c, ret;

	opterr = 0; /* our own one-line message, named "kexec" */
	while ((c = getopt_long(argc, argv, "hvdfixyluet:pscaS", longopts,
				NULL)) >= 0) {
		if (c == '?' || c == ':')
			return bad_option(argv[optind - 1]);
		ret = one_opt(a, c);
		if (ret)
			return ret;
	}
	if (a->print_ckr_size)
		return 0; /* kexec-tools does it first, and nothing else */
	return check_args(a, argc, argv);
}

/*
 * kexec-tools' --print-ckr-size: the size of the last (highest) "Crash
 * kernel" range of /proc/iomem, in bytes, 0 when there is none.
 */
static int print_ckr_size(const struct args *a)
{
	struct sysroot *sr = NULL;
	struct iomem *io = NULL;
	struct gk_range *r = NULL;
	uint64_t size = 0;
	struct gk_err e;
	size_t n = 0;
	int ret;

	ret = sysroot_new(a->sysroot, 0, &sr, &e);
	if (!ret)
		ret = iomem_load(sr, &io, &e);
	if (!ret && iomem_zeroed(io))
		ret = gk_fail(&e, -GK_ERR_ACCESS,
			      "/proc/iomem: addresses hidden (not root)");
	if (!ret)
		ret = iomem_find(io, "Crash kernel", &r, &n);
	if (!ret && n)
		size = r[n - 1].end - r[n - 1].start + 1;
	if (!ret)
		printf("%llu\n", (unsigned long long)size);
	else if (ret == -GK_ERR_NOMEM)
		gk_fail(&e, ret, "out of memory");
	if (ret < 0)
		fprintf(stderr, "kexec: --print-ckr-size: %s\n", e.msg);
	free(r);
	iomem_free(io);
	sysroot_free(sr);
	return ret < 0 ? 1 : 0;
}

/*
 * kexec-tools' -S: the exit status is what sysfs says, 1 when loaded, 0
 * when not, 255 when it cannot be read
 */
static int status(const struct args *a)
{
	int v = kx_sys_read_loaded(a->o.crash ?
					   "/sys/kernel/kexec_crash_loaded" :
					   "/sys/kernel/kexec_loaded");

	return v & 0xff;
}

static void debug_plan(const struct kx_plan *p)
{
	fprintf(stderr, "kexec: entry 0x%llx, kernel 0x%llx, dtb 0x%llx\n",
		(unsigned long long)p->entry, (unsigned long long)p->kernel,
		(unsigned long long)p->dtb);
	for (size_t i = 0; i < p->nseg; i++)
		fprintf(stderr,
			"kexec: segment %zu %-10s 0x%llx+0x%llx (%zu bytes)\n",
			i, p->seg[i].what, (unsigned long long)p->seg[i].mem,
			(unsigned long long)p->seg[i].memsz, p->seg[i].bufsz);
	for (size_t i = 0; i < p->nkeep; i++)
		fprintf(stderr,
			"kexec: LPI table 0x%llx-0x%llx kept reserved\n",
			(unsigned long long)p->keep[i].start,
			(unsigned long long)p->keep[i].end);
}

/*
 * kexec_file_load starts from the boot DTB and adds no reservation: for a
 * kexec'd kernel it serves only where the tables are reserved already (the
 * EFI memreserve list, the boot DTB's /memreserve/ or /reserved-memory);
 * a crash kernel needs none, and the kdump verdict says whether a table
 * lies in its memory (gk_file_load_keeps()).
 */
static bool file_load_ok_for(const struct kx_plan *p, enum gk_target t)
{
	return gk_file_load_keeps(p->have_facts ? &p->facts : NULL, t, p->keep,
				  p->nkeep);
}

/*
 * Whether this load goes to kexec_file_load first (then, in auto mode,
 * to kexec_load where the kernel cannot take it): with -s; by default
 * where the tables are safe without our device tree, judged for a
 * kexec'd kernel even for -p, whose device tree from kexec_load carries
 * the tables too. A live load and a dry run decide here alike.
 */
static bool file_load_first(const struct args *a, const struct kx_plan *p)
{
	if (a->sc == SC_AUTO)
		return file_load_ok_for(p, GK_KEXEC);
	return a->sc == SC_FILE;
}

/*
 * gicdiag's verdict for this target, taking into account what this load
 * passes: WILL-FAIL refuses (unless --ignore-preflight), AT-RISK warns.
 */
static int preflight(const struct args *a, const struct kx_plan *p,
		     bool file_load)
{
	enum gk_target t = a->o.crash ? GK_KDUMP : GK_KEXEC;
	enum gk_loader l = p->passed && !file_load ? GK_LOADER_OURS :
						     GK_LOADER_KEXEC_TOOLS;
	const struct gk_finding *fatal = NULL;
	struct gk_report r;
	enum gk_verdict v;
	bool refuse;

	if (!p->have_facts || gk_judge(&p->facts, l, &r) < 0) {
		fprintf(stderr,
			"kexec: preflight: could not diagnose the LPI tables (%s)%s\n",
			p->have_facts ? "out of memory" : p->lpi_why,
			a->ignore_preflight ?
				"" :
				": not loading (--ignore-preflight to override)");
		return a->ignore_preflight ? 0 : -1;
	}
	v = r.verdict[t];
	for (size_t i = 0; i < r.nfindings && !fatal; i++)
		if (r.findings[i].sev[t] == GK_SEV_FATAL)
			fatal = &r.findings[i];
	/* never a jump blind: what cannot be diagnosed is refused too */
	refuse = (v == GK_WILL_FAIL || v == GK_UNKNOWN) && !a->ignore_preflight;
	for (size_t i = 0; i < r.nfindings; i++) {
		const struct gk_finding *fd = &r.findings[i];

		if (refuse && fd == fatal)
			continue; /* the refusal line says it */
		if (fd->sev[t] >= GK_SEV_WARN ||
		    (a->debug && fd->sev[t] == GK_SEV_INFO))
			fprintf(stderr, "kexec: preflight: %s %s: %s\n",
				gk_sev_name(fd->sev[t]), fd->code, fd->msg);
	}
	if (refuse)
		fprintf(stderr,
			"kexec: preflight: %s for %s (%s: %s): not loading (--ignore-preflight to override)\n",
			gk_verdict_name(v), gk_target_name(t),
			fatal ? fatal->code : "?", fatal ? fatal->msg : "");
	gk_report_free(&r);
	return refuse ? -1 : 0;
}

/*
 * kexec_file_load, then kexec_load where auto mode falls back; @in gets
 * what kexec_file_load was given, and *@how the call that loaded
 */
static int load_file(const struct args *a, const struct kx_sys *sys,
		     const struct sysroot *sr, const struct kx_plan *p,
		     struct kx_file_in *in, const char **how, struct gk_err *e)
{
	int ret, kerr;

	*how = "kexec_file_load";
	in->fallback = a->sc == SC_AUTO;
	ret = kx_load_file_plan(sys, sr, &a->o, p, in, &kerr, e);
	if (ret == 0 || a->sc != SC_AUTO || !kx_file_load_falls_back(kerr))
		return ret;
	if (a->debug)
		fprintf(stderr, "kexec: %s; falling back to kexec_load\n",
			e->msg);
	*how = "kexec_load";
	return kx_load(sys, sr, p, kerr, e);
}

/*
 * -s: the verdict's KEXEC-FILE-NONEFI for this target (the next kernel
 * gets the boot device tree as it is, which reserves not every live
 * table); never for -p, a crash kernel needs none reserved. Without facts
 * the preflight refuses, saying why.
 */
static bool file_load_nonefi(const struct args *a, struct kx_plan *p)
{
	enum gk_target t = a->o.crash ? GK_KDUMP : GK_KEXEC;
	struct gk_report r;
	bool nonefi = false;

	if (a->sc != SC_FILE || !p->have_facts)
		return false;
	p->facts.file_load = true; /* for the preflight too */
	if (gk_judge(&p->facts, GK_LOADER_KEXEC_TOOLS, &r) < 0)
		return false; /* out of memory: the preflight says so */
	for (size_t i = 0; i < r.nfindings; i++)
		nonefi |= r.findings[i].id == GK_CODE_KEXEC_FILE_NONEFI &&
			  r.findings[i].sev[t] == GK_SEV_FATAL;
	gk_report_free(&r);
	return nonefi;
}

/* KEXEC-FILE-NONEFI's refusal, the one line scripts match */
static int refuse_file_load(void)
{
	fprintf(stderr,
		"kexec: -s: KEXEC-FILE-NONEFI: kexec_file_load passes no LPI table on, and nothing on this boot reserves them (no EFI memreserve entry, /memreserve/ or /reserved-memory of the boot device tree): not loading (-c passes them; --ignore-preflight to override)\n");
	return 1;
}

/*
 * The plan handed to the kernel, or in a dry run (kx_sys_dry: the same
 * steps, no system call) written out: the kexec_load plan, or what
 * kexec_file_load would be given
 */
static int hand_over(const struct args *a, const struct kx_sys *sys,
		     const struct sysroot *sr, const struct kx_plan *p,
		     struct gk_err *e)
{
	struct kx_file_in in = { 0 };
	const char *how = "kexec_load";
	bool file;
	int ret;

	if (file_load_first(a, p)) {
		ret = load_file(a, sys, sr, p, &in, &how, e);
	} else if (a->dry_run) {
		ret = 0; /* kx_dry_run writes the segments */
	} else {
		if (a->debug && a->sc == SC_AUTO)
			fprintf(stderr,
				"kexec: kexec_load: the LPI tables must be passed in our device tree\n");
		ret = kx_load(sys, sr, p, 0, e);
	}
	file = !strcmp(how, "kexec_file_load"); /* not fallen back */
	if (!ret && a->dry_run)
		return kx_dry_run(p, &a->o, file ? &in : NULL, a->dry_run, e);
	if (!ret && a->debug)
		fprintf(stderr, "kexec: loaded with %s\n", how);
	if (!ret) {
		/* for gicdiag and gic-kexec rearm; best effort */
		kx_record(GK_RUNDIR, p, &a->o, file ? &in : NULL, how, NULL);
		if (!a->load_and_exec)
			kx_record_args(GK_RUNDIR, a->o.crash, a->argc, a->argv,
				       NULL);
	}
	return ret;
}

/* the preflight (gather's time): 0 to load, else the exit status */
static int judged(struct args *a, struct kx_plan *p)
{
	struct kx_span s;
	int ret = 0;

	kx_span_begin(a->o.timing, &s);
	if (file_load_nonefi(a, p) && !a->ignore_preflight)
		ret = refuse_file_load();
	else if (preflight(a, p, a->sc == SC_FILE) < 0)
		ret = 1;
	kx_span_end(a->o.timing, &s, KX_T_GATHER);
	return ret;
}

/* kexec -d: where the load's time went, one line (kexec(8)) */
static void debug_timing(const struct kx_timing *tm)
{
	char line[256];

	if (kx_timing_line(tm, line, sizeof(line)) > 0)
		fprintf(stderr, "kexec: time: %s\n", line);
}

static int do_load(struct args *a, const struct kx_sys *sys,
		   const struct sysroot *sr)
{
	struct kx_timing *tm = &a->tm;
	struct kx_span s;
	struct kx_plan p;
	struct gk_err e;
	int ret;

	kx_timing_begin(tm);
	a->o.timing = tm;
	a->o.file_only = a->sc == SC_FILE;
	kx_span_begin(tm, &s);
	ret = kx_plan_build(sr, &a->o, &p, &e);
	kx_span_end(tm, &s, KX_T_PLAN);
	if (ret < 0)
		goto fail;
	if (a->debug)
		debug_plan(&p);
	ret = judged(a, &p);
	if (ret) {
		kx_plan_free(&p);
		return ret;
	}
	kx_span_begin(tm, &s);
	ret = hand_over(a, sys, sr, &p, &e);
	kx_span_end(tm, &s, KX_T_SYSCALL);
	kx_plan_free(&p);
	if (ret < 0)
		goto fail;
	kx_timing_end(tm);
	if (a->debug)
		debug_timing(tm);
	return 0;
fail:
	fprintf(stderr, "kexec: %s\n", e.msg);
	return 1;
}

/* The LOADED rule's findings, one line each; 1 when there is one. */
static int say_stale(const struct args *a, const struct gk_facts *f,
		     const struct gk_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct gk_rdfact *rd;

		if (r->findings[i].rd < 0) {
			/* KEXEC-FILE-NONEFI: the image as a whole */
			fprintf(stderr, "kexec: %s: %s%s\n",
				r->findings[i].code, r->findings[i].msg,
				a->ignore_preflight ?
					" (ignored)" :
					" (or --ignore-preflight)");
			continue;
		}
		rd = &f->rds[r->findings[i].rd]; /* LOADED-STALE */
		fprintf(stderr,
			"kexec: CPU%d's LPI pending table 0x%llx is live since the load and not reserved for the next kernel: load again%s\n",
			rd->cpu, (unsigned long long)rd->pend,
			a->ignore_preflight ? " (ignored)" :
					      " (or --ignore-preflight)");
	}
	return r->nfindings != 0;
}

/*
 * A dry run (and a plan for a snapshot, always one) confines itself once
 * its root is open, before the first byte of the image, DTB or snapshot is
 * parsed. Those files are opened lazily (the kernel, initrd and DTB
 * through their paths, the snapshot's through the root's fd): Landlock on
 * them and on the root is what keeps those opens to them. A live load
 * cannot confine the process that calls kexec_load; "kexec -e --sysroot"
 * (the check at the jump, alone on a snapshot) confines itself too.
 */
static void confine(const struct args *a, const struct sysroot *sr)
{
	/* and how many CPUs the host has, for the segment check's threads */
	const char *reads[] = { a->o.kernel, a->o.initrd, a->o.dtb,
				"/sys/devices/system/cpu/online", NULL };
	const char *writes[] = { a->dry_run, NULL }, *libs[4];
	struct gk_confine_policy p = {
		.root_fd = sysroot_fd(sr),
		.scratch = sysroot_scratch(sr),
		.devmem_fd = -1,
		.threads = true, /* the gather and segment-check threads */
	};
	struct gk_confinement c;
	struct gk_err e;
	size_t n = 0;
	int ret;

	if (!a->dry_run && !a->sysroot)
		return;
	/* NULL (no initrd, the root's DTB) would end the list early */
	for (size_t i = 0; i < 4; i++)
		if (reads[i])
			reads[n++] = reads[i];
	reads[n] = NULL;
	p.reads = reads;
	p.writes = writes;
	gk_dl_wanted(sr, false, libs);
	p.preload = libs;
	ret = gk_confine(&p, &c, &e);
	gk_confine_report("kexec", &c, ret, &e, a->debug);
}

/*
 * At the jump: a CPU brought online since the load has a live pending
 * table the loaded image does not reserve (the verdict's LOADED rule).
 * Say so and refuse. Also run alone on a snapshot by "kexec -e --sysroot".
 */
static int check_at_jump(const struct args *a)
{
	struct sysroot *sr = NULL;
	struct gk_range *r = NULL;
	struct gk_report rep;
	struct gk_facts f;
	struct gk_err e;
	bool passed;
	size_t n;
	int bad, ret;

	if (sysroot_new(a->sysroot, 0, &sr, &e) < 0)
		goto unknown;
	confine(a, sr);
	/* only whether it is there and ours: the facts hold its tables */
	ret = gk_manifest_tables(sr, GK_MANIFEST_KEXEC, &r, &n, &passed, &e);
	if (ret == -GK_ERR_NOENT) {
		sysroot_free(sr);
		return 0; /* not loaded by us: nothing to compare */
	}
	if (ret < 0)
		goto unknown; /* e names the file and what is wrong */
	if (kx_gather_facts(sr, &f, &e) < 0)
		goto unknown;
	/* jumping: an image is loaded, whatever sysfs could not tell */
	if (f.kexec_loaded < 0)
		f.kexec_loaded = 1;
	if (gk_judge_loaded(&f, GK_KEXEC, &rep) < 0) {
		gk_facts_free(&f);
		gk_fail(&e, -GK_ERR_NOMEM, "out of memory");
		goto unknown;
	}
	bad = say_stale(a, &f, &rep);
	gk_report_free(&rep);
	gk_facts_free(&f);
	sysroot_free(sr);
	free(r);
	return bad && !a->ignore_preflight ? -1 : 0;
unknown:
	/* cannot tell: do not stand in the way of a live jump */
	fprintf(stderr, "kexec: cannot check the LPI tables at the jump: %s\n",
		e.msg);
	sysroot_free(sr);
	free(r);
	return a->sysroot ? -1 : 0;
}

/* kexec-tools: never a shutdown or a jump with nothing to jump to */
static int nothing_loaded(const struct kx_sys *sys)
{
	if (sys->loaded(false) != 0)
		return 0;
	fprintf(stderr, "kexec: Nothing has been loaded!\n");
	return 1;
}

static int unload(const struct args *a, const struct kx_sys *sys,
		  struct gk_err *e)
{
	struct sysroot *sr;
	int ret;

	ret = sysroot_new(a->sysroot, 0, &sr, e);
	if (ret < 0)
		return ret;
	ret = kx_unload(sys, sr, a->o.crash, a->sc != SC_LOAD, a->sc == SC_AUTO,
			e);
	sysroot_free(sr);
	if (!ret && sys == &kx_sys_live)
		kx_forget(GK_RUNDIR, a->o.crash);
	return ret;
}

/* -e: the check at the jump, then sync, interfaces down, reboot */
static int exec_loaded(const struct args *a, const struct kx_sys *sys,
		       struct gk_err *e)
{
	if (a->sysroot)
		return check_at_jump(a) < 0 ? 1 : 0; /* a snapshot: no jump */
	if (nothing_loaded(sys))
		return 1;
	if (check_at_jump(a) < 0)
		return 1;
	return kx_exec(sys, !a->no_sync, !a->no_ifdown, e) < 0 ? -1 : 0;
}

/*
 * A load; then, without an action, a clean shutdown (systemd turns it
 * into the kexec), with -f the jump at once, as kexec-tools.
 */
static int load_then(struct args *a, const struct kx_sys *sys, struct gk_err *e)
{
	struct sysroot *sr;
	int ret;

	if (getrandom(a->seed, sizeof(a->seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(a->seed))
		a->o.seed = a->seed;
	if (sysroot_new(a->sysroot, 0, &sr, e) < 0)
		return -1;
	confine(a, sr);
	ret = do_load(a, sys, sr);
	sysroot_free(sr);
	/* kexec-tools syncs after a plain -l too (not -p, not with -y) */
	if (!ret && !a->load_and_exec && !a->o.crash && !a->no_sync)
		sys->sync();
	if (ret || !a->load_and_exec)
		return ret;
	return kx_after_load(sys, a->force, !a->no_sync, !a->no_ifdown, e) < 0 ?
		       -1 :
		       0;
}

int main(int argc, char **argv)
{
	struct args a = { .sc = SC_AUTO };
	const struct kx_sys *sys;
	struct gk_err e;
	int ret;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? 0 : 1;
	a.argc = argc;
	a.argv = argv;
	if (a.print_ckr_size)
		return print_ckr_size(&a);
	/* chosen once: a dry run has no way to the kernel */
	sys = a.dry_run ? &kx_sys_dry : &kx_sys_live;
	switch (a.action) {
	case ACT_STATUS:
		return status(&a);
	case ACT_UNLOAD:
		ret = unload(&a, sys, &e);
		break;
	case ACT_EXEC:
		ret = exec_loaded(&a, sys, &e);
		break;
	default:
		ret = load_then(&a, sys, &e);
		break;
	}
	if (ret >= 0)
		return ret;
	fprintf(stderr, "kexec: %s\n", e.msg);
	return 1;
}
