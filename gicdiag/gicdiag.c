// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gicdiag - will the GICv3 LPI tables survive kexec and kdump?
 *
 * main() parses options and wires: gather the facts (gather.c), judge
 * them (lib/verdict), render (render.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "confirm.h"
#include "dl.h"
#include "dump.h"
#include "gather.h"
#include "klog.h"
#include "map.h"
#include "prom.h"
#include "loader.h"
#include "manifest.h"
#include "atomic.h"
#include "bootrec.h"
#include "rundir.h"
#include "render.h"

#define EXIT_DIAG_FAILED 3
#define EXIT_USAGE 64

enum loader_opt {
	LOADER_AUTO,
	LOADER_OURS,
	LOADER_KEXEC_TOOLS,
	LOADER_KEXEC_FILE, /* kexec -s, either's: kdump-utils on aarch64 */
};
enum command { CMD_CHECK, CMD_CONFIRM, CMD_MAP, CMD_RECORD };

struct opts {
	const char *sysroot;
	const char *kmsg;
	const char *output;
	const char *dump;
	const char *prometheus;
	const char *record;   /* record's PATH */
	unsigned int sources; /* --source: 1 << GK_SRC_*, 0 all */
	enum command cmd;
	bool json, oneline, output_all;
	enum loader_opt loader;
	struct render_opts r;
	/* gk_loader_probe(), kexec_tools false and true: before confining */
	struct gk_loader_probe probe[2];
};

static void usage(void)
{
	const struct gk_col *cols;
	const int *def;
	size_t n, nd;

	printf("Usage:\n"
	       " gicdiag [options] [check]\n"
	       " gicdiag [options] confirm\n"
	       " gicdiag [options] map\n"
	       " gicdiag [options] record [PATH]\n\n"
	       "Say, before a kexec or a crash, whether the next kernel will reuse the\n"
	       "GICv3 LPI tables of this one and find them still reserved.\n\n"
	       "Options:\n"
	       " -J, --json               JSON output (schema: gicdiag(8))\n"
	       " -1, --oneline            one line per target: verdict, worst finding\n"
	       " -r, --raw                raw redistributor table, no summary\n"
	       " -n, --noheadings         redistributor table only, no headings\n"
	       " -o, --output <list>      columns, of the table and the JSON (+list adds)\n"
	       "     --output-all         all columns\n"
	       " -t, --target <t>         kexec, kdump or both (default)\n"
	       " -l, --loader <l>         ours, kexec-tools, kexec-file (kexec -s) or\n"
	       "                          auto (default)\n"
	       " -s, --sysroot <dir|tar>  diagnose a snapshot instead of this system\n"
	       " -k, --kmsg <file>        kernel log to read (journalctl -k -b, dmesg)\n"
	       " -v, --verbose            every register, decoded\n"
	       "     --dump <dir|tar.gz>  also write a snapshot of what was read\n"
	       "     --prometheus <file>  also write node_exporter textfile metrics\n"
	       "     --source <list>      only these evidence sources: registers,\n"
	       "                          kernel-memory, kernel-log, journal,\n"
	       "                          boot-record, inherited-dtb\n"
	       "\nCommands:\n"
	       " check     the verdict before a jump (default)\n"
	       " confirm   after a jump: did this boot reuse the tables or lose them?\n"
	       " map       the physical address space: RAM, reservations, tables\n"
	       " record    write this boot's tables to PATH (default, live only:\n"
	       "           " GK_BOOTREC_PATH
	       "), for when the boot lines are gone\n"
	       "\nOptions:\n"
	       " -h, --help               display this help\n"
	       " -V, --version            display version\n\nColumns:\n");
	cols = render_rd_cols(&n, RENDER_TEXT, &def, &nd);
	gk_cols_usage(stdout, cols, n);
	printf("\nFindings:\n");
	for (int c = 0; c < GK_NCODES; c++)
		printf(" %-23s %s\n", gk_code_name((enum gk_code)c),
		       gk_code_what((enum gk_code)c));
	printf("\nExit status: 0 safe, 1 at risk, 2 will fail, 3 could not diagnose,\n"
	       "64 usage error; with --target both, the worse of the two.\n"
	       "\nFor more details see gicdiag(8).\n");
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "gicdiag: %s%s\n", msg, arg ? arg : "");
	fprintf(stderr, "Try 'gicdiag --help' for more information.\n");
	return EXIT_USAGE;
}

static int parse_target(struct opts *o, const char *arg)
{
	bool kexec = !strcmp(arg, "kexec"), kdump = !strcmp(arg, "kdump");

	if (!kexec && !kdump && strcmp(arg, "both"))
		return usage_error("--target takes kexec, kdump or both: ",
				   arg);
	o->r.targets[GK_KEXEC] = !kdump;
	o->r.targets[GK_KDUMP] = !kexec;
	return 0;
}

static int parse_loader(struct opts *o, const char *arg)
{
	if (!strcmp(arg, "ours") || !strcmp(arg, "gic-kexec"))
		o->loader = LOADER_OURS;
	else if (!strcmp(arg, "kexec-tools"))
		o->loader = LOADER_KEXEC_TOOLS;
	else if (!strcmp(arg, "kexec-file"))
		o->loader = LOADER_KEXEC_FILE;
	else if (!strcmp(arg, "auto"))
		o->loader = LOADER_AUTO;
	else
		return usage_error(
			"--loader takes ours, kexec-tools, kexec-file or auto: ",
			arg);
	return 0;
}

/* --source registers,kernel-log,...: read only these evidence sources */
static int parse_sources(struct opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->sources = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int s;

		for (s = GK_SRC_REGS; s < GK_NSRC; s++)
			if (!strcmp(tok, gk_src_name((enum gk_src)s)))
				break;
		if (s == GK_NSRC)
			return usage_error(
				"--source takes registers, kernel-memory, kernel-log, journal, boot-record, inherited-dtb: ",
				tok);
		o->sources |= 1u << s;
	}
	return o->sources ? 0 : usage_error("--source: no source given", NULL);
}

/* -o shapes the table and the JSON alike, from each one's defaults */
static int set_columns(struct opts *o)
{
	enum render_form form = o->json	     ? RENDER_JSON :
				o->r.verbose ? RENDER_VERBOSE :
					       RENDER_TEXT;
	const struct gk_col *cols;
	const int *def;
	size_t n, nd;
	struct gk_err e;

	cols = render_rd_cols(&n, form, &def, &nd);
	o->r.ncols = o->output_all ? n : nd;
	for (size_t i = 0; i < o->r.ncols; i++)
		o->r.cols[i] = o->output_all ? (int)i : def[i];
	if (o->output &&
	    gk_cols_parse(o->output, cols, n, o->r.cols, &o->r.ncols, &e) < 0)
		return usage_error(e.msg, NULL);
	return 0;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	enum { OPT_OUTPUT_ALL = 0x100, OPT_SOURCE };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "oneline", no_argument, NULL, '1' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "target", required_argument, NULL, 't' },
		{ "loader", required_argument, NULL, 'l' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "kmsg", required_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dump", required_argument, NULL, 'd' },
		{ "prometheus", required_argument, NULL, 'P' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	o->r.targets[GK_KEXEC] = o->r.targets[GK_KDUMP] = true;
	while (!ret && (c = getopt_long(argc, argv, "J1rno:t:l:s:k:vd:hV",
					longopts, NULL)) >= 0) {
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case '1':
			o->oneline = true;
			break;
		case 'r':
			o->r.raw = true;
			break;
		case 'n':
			o->r.noheadings = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_OUTPUT_ALL:
			o->output_all = true;
			break;
		case OPT_SOURCE:
			ret = parse_sources(o, optarg);
			break;
		case 't':
			ret = parse_target(o, optarg);
			break;
		case 'l':
			ret = parse_loader(o, optarg);
			break;
		case 's':
			o->sysroot = optarg;
			break;
		case 'k':
			o->kmsg = optarg;
			break;
		case 'v':
			o->r.verbose = true;
			break;
		case 'd':
			o->dump = optarg;
			break;
		case 'P':
			o->prometheus = optarg;
			break;
		case 'h':
			usage();
			return -1;
		case 'V':
			printf("gicdiag from %s %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return -1;
		default:
			fprintf(stderr,
				"Try 'gicdiag --help' for more information.\n");
			return EXIT_USAGE;
		}
	}
	if (ret)
		return ret;
	if (optind < argc) {
		static const char *const cmds[] = { "check", "confirm", "map",
						    "record" };
		size_t i;

		for (i = 0; i < GK_ARRAY_SIZE(cmds); i++)
			if (!strcmp(argv[optind], cmds[i]))
				break;
		if (i == GK_ARRAY_SIZE(cmds))
			return usage_error("unknown command: ", argv[optind]);
		o->cmd = (enum command)i;
		if (o->cmd == CMD_RECORD && optind + 1 < argc)
			o->record = argv[++optind];
		if (++optind < argc)
			return usage_error("unexpected argument: ",
					   argv[optind]);
	}
	if ((o->json || o->oneline) && (o->r.raw || o->r.noheadings))
		return usage_error(
			"--json and --oneline do not go with --raw or --noheadings",
			NULL);
	if (o->json && o->oneline)
		return usage_error("--json does not go with --oneline", NULL);
	/* map draws no redistributor table: say so rather than ignore */
	if (o->cmd == CMD_MAP && (o->output || o->output_all || o->oneline ||
				  o->r.raw || o->r.noheadings))
		return usage_error(
			"map takes --json; --output, --output-all, --oneline, --raw and --noheadings choose what check prints",
			NULL);
	return set_columns(o);
}

/*
 * auto: our kexec leaves its manifest when it loads an image (gathering
 * noted it); else the kexec on PATH says who it is. For kexec-tools, its
 * version is judged.
 */
static enum gk_loader pick_loader(const struct opts *o, struct gk_facts *f)
{
	const struct gk_loader_probe *p;

	if (o->loader == LOADER_OURS)
		return GK_LOADER_OURS;
	if (o->loader == LOADER_KEXEC_FILE) {
		/* passes nothing, as kexec-tools; no version matters */
		f->file_load = true;
		return GK_LOADER_KEXEC_TOOLS;
	}
	if (o->loader == LOADER_AUTO &&
	    (f->loaded[GK_KEXEC].present || f->loaded[GK_KDUMP].present))
		return GK_LOADER_OURS;
	p = &o->probe[o->loader == LOADER_KEXEC_TOOLS];
	if (p->ours && o->loader == LOADER_AUTO)
		return GK_LOADER_OURS;
	f->kt_asked = o->loader == LOADER_KEXEC_TOOLS ? 2 : 1;
	gk_loader_version(p, f);
	/* it falls back to kexec_load only on a kernel without */
	if (gk_kt_file_first(f->kt_version))
		f->file_load = f->kexec_file == 1;
	return GK_LOADER_KEXEC_TOOLS;
}

static int worst_exit(const struct gk_report *r, const struct opts *o)
{
	int worst = 0;

	for (int t = 0; t < GK_NTARGETS; t++) {
		int x = gk_verdict_exit(r->verdict[t]);

		if (o->r.targets[t] && x > worst)
			worst = x;
	}
	return worst;
}

static int render(const struct opts *o, const struct sysroot *sr,
		  const struct gk_facts *f, const struct gk_report *r)
{
	char *text = NULL, *plain;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int ret;

	if (!mem)
		return -1;
	if (o->cmd == CMD_MAP)
		ret = o->json ? gk_map_json(mem, f, o->r.loader) :
				gk_map_text(mem, f, o->r.loader);
	else
		ret = o->json	 ? render_json(mem, f, r, &o->r) :
		      o->oneline ? render_oneline(mem, r, &o->r) :
				   render_text(mem, f, r, &o->r);
	if (fclose(mem) || ret < 0) {
		free(text);
		return -1;
	}
	/* a replay prints what the live run printed: doc/snapshot.md#reading */
	plain = sysroot_unname(sr, text);
	free(text);
	if (!plain)
		return -1;
	fputs(plain, stdout);
	free(plain);
	return fflush(stdout) || ferror(stdout) ? -1 : 0;
}

static int judge_and_render(struct opts *o, const struct sysroot *sr,
			    struct gk_facts *f)
{
	struct gk_report r;
	struct gk_err e;
	int ret;

	o->r.loader = pick_loader(o, f);
	if (gk_judge(f, o->r.loader, &r) < 0) {
		fprintf(stderr, "gicdiag: out of memory\n");
		return EXIT_DIAG_FAILED;
	}
	if (render(o, sr, f, &r) < 0) {
		fprintf(stderr, "gicdiag: write error\n");
		ret = EXIT_DIAG_FAILED;
	} else {
		ret = o->cmd == CMD_MAP ? 0 : worst_exit(&r, o);
	}
	if (o->prometheus &&
	    gk_prom_write(o->prometheus, f, &r, &o->r, &e) < 0) {
		fprintf(stderr, "gicdiag: %s\n", e.msg);
		ret = EXIT_DIAG_FAILED;
	}
	gk_report_free(&r);
	return ret;
}

static int fill_record(FILE *out, void *arg, struct gk_err *e)
{
	(void)e; /* the caller names a failed stream */
	return gk_bootrec_write(out, arg);
}

/* "-": standard output, which is no file to replace */
static int write_record(const char *path, const struct gk_facts *f,
			struct gk_err *e)
{
	int ret;

	if (strcmp(path, "-"))
		return gk_atomic_write(path, 0644, fill_record, (void *)f, e);
	ret = gk_bootrec_write(stdout, f);
	if (!ret && fflush(stdout))
		ret = gk_fail(e, gk_errno(errno), "standard output: %s",
			      strerror(errno));
	return ret;
}

/*
 * The boot record, while this boot's lines are fresh: live to
 * GK_BOOTREC_PATH unless a PATH is given; into a snapshot never
 * unless asked (a replay must not change it).
 */
static int record(const struct opts *o, const struct sysroot *sr,
		  const struct gk_facts *f)
{
	const char *path = o->record ? o->record : GK_BOOTREC_PATH;
	struct gk_err e = { 0 };

	if (!o->record && !sysroot_is_live(sr)) {
		fprintf(stderr,
			"gicdiag: record: give a PATH to record a snapshot's tables\n");
		return EXIT_USAGE;
	}
	if (!f->boot_id[0]) {
		fprintf(stderr,
			"gicdiag: record: no boot id (/proc/sys/kernel/random/boot_id): a record could not be matched to its boot\n");
		return EXIT_DIAG_FAILED;
	}
	if (!o->record && mkdir(GK_RUNDIR, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "gicdiag: " GK_RUNDIR ": %s\n",
			strerror(errno));
		return EXIT_DIAG_FAILED;
	}
	if (write_record(path, f, &e) < 0) {
		fprintf(stderr, "gicdiag: record: %s\n",
			e.msg[0] ? e.msg : path);
		return EXIT_DIAG_FAILED;
	}
	return 0;
}

/*
 * Once the inputs are open, before the first untrusted byte is parsed
 * (a snapshot's memory image has had its headers read to open it). A
 * snapshot's files are opened lazily through the root's fd: Landlock on
 * that root is what keeps those opens inside it. Who `kexec -v` says it
 * is is asked first: running it is no longer allowed after.
 */
static void confine(struct opts *o, const struct sysroot *sr,
		    const struct physmem *pm)
{
	const char *t = getenv("TMPDIR");
	const char *reads[] = { o->kmsg, NULL };
	const char *writes[5] = { 0 }, *libs[4];
	struct gk_confine_policy p = {
		.root_fd = sysroot_fd(sr),
		.reads = reads,
		.writes = writes,
		.scratch = sysroot_scratch(sr),
		.devmem_fd = pm ? physmem_devmem_fd(pm) : -1,
	};
	struct gk_confinement c;
	char tmp[PATH_MAX];
	struct gk_err e;
	size_t n = 0;
	int ret;

	if ((o->cmd != CMD_CONFIRM && o->cmd != CMD_RECORD) || o->dump) {
		gk_loader_probe(sr, false, &o->probe[0]);
		gk_loader_probe(sr, true, &o->probe[1]);
	}
	if (o->prometheus)
		writes[n++] = o->prometheus;
	if (o->dump) {
		/* an archive is made in a directory under $TMPDIR first */
		snprintf(tmp, sizeof(tmp), "%s/gk-dump", t && *t ? t : "/tmp");
		writes[n++] = o->dump;
		writes[n++] = tmp;
	}
	if (o->cmd == CMD_RECORD && (!o->record || strcmp(o->record, "-")))
		writes[n++] = o->record ? o->record : GK_BOOTREC_PATH;
	gk_dl_wanted(sr, o->dump && gk_dump_is_archive(o->dump), libs);
	p.preload = libs;
	ret = gk_confine(&p, &c, &e);
	gk_confine_report("gicdiag", &c, ret, &e, false);
}

static int diagnose(struct opts *o, const struct sysroot *sr)
{
	struct gk_gather_opts go = { .kmsg = o->kmsg, .sources = o->sources };
	struct physmem *pm = NULL;
	struct gk_facts f;
	struct gk_err e;
	int ret;

	if (physmem_open(sr, 0, &pm, &e) < 0)
		goto fail;
	confine(o, sr, pm);
	physmem_record(pm, o->dump != NULL);
	if (gk_gather(sr, pm, &go, &f, &e) < 0)
		goto fail;
	physmem_record(pm, false);
	ret = o->cmd == CMD_RECORD ? record(o, sr, &f) :
				     judge_and_render(o, sr, &f);
	gk_facts_free(&f);
	if (o->dump && gk_dump(sr, pm, o->kmsg, o->dump, o->probe, &e) < 0)
		goto fail;
	physmem_close(pm);
	return ret;
fail:
	fprintf(stderr, "gicdiag: %s\n", e.msg);
	physmem_close(pm);
	return EXIT_DIAG_FAILED;
}

static long long read_tainted(const struct sysroot *sr)
{
	long long t = -1;
	size_t len;
	char *buf;

	if (sysroot_read_file(sr, "/proc/sys/kernel/tainted", 64, &buf, &len,
			      NULL) == 0) {
		if (buf[0] >= '0' && buf[0] <= '9')
			t = strtoll(buf, NULL, 10);
		free(buf);
	}
	return t;
}

static int confirm(struct opts *o, const struct sysroot *sr)
{
	char *text = NULL, *plain;
	struct gk_confirm c;
	struct lpilog ll;
	struct klog *log;
	struct gk_err e;
	size_t len = 0;
	FILE *mem;

	confine(o, sr, NULL);
	if (klog_load(sr, o->kmsg, &log, &e) < 0 ||
	    lpilog_parse(log, &ll, &e) < 0) {
		fprintf(stderr, "gicdiag: %s\n", e.msg);
		return EXIT_DIAG_FAILED;
	}
	klog_free(log);
	gk_confirm(&ll, read_tainted(sr), &c);
	mem = open_memstream(&text, &len);
	if (mem) {
		if (o->json)
			gk_confirm_json(mem, &ll, &c);
		else if (o->oneline)
			gk_confirm_oneline(mem, &c);
		else
			gk_confirm_text(mem, &ll, &c);
		fclose(mem);
	}
	lpilog_free(&ll);
	plain = text ? sysroot_unname(sr, text) : NULL;
	free(text);
	if (!plain || fputs(plain, stdout) < 0 || fflush(stdout)) {
		free(plain);
		fprintf(stderr, "gicdiag: write error\n");
		return EXIT_DIAG_FAILED;
	}
	free(plain);
	return gk_outcome_exit(c.outcome);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sysroot *sr;
	struct gk_err e;
	int ret;

	ret = parse_opts(&o, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_SUCCESS : ret;
	if (sysroot_new(o.sysroot, 0, &sr, &e) < 0) {
		fprintf(stderr, "gicdiag: %s\n", e.msg);
		return EXIT_DIAG_FAILED;
	}
	ret = o.cmd == CMD_CONFIRM ? confirm(&o, sr) : diagnose(&o, sr);
	sysroot_free(sr);
	return ret;
}
