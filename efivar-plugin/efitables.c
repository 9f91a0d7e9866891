// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * efitables - list EFI configuration tables and the Linux memreserve list
 *
 * The options and the column handling follow util-linux's lsmem.
 */
#include <getopt.h>
#include <libsmartcols.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "confine.h"
#include "efitables.h"
#include "strutils.h"

/* exit status, as in efitables(8) */
#define EXIT_COVERED 0
#define EXIT_NOT_COVERED 1
#define EXIT_UNKNOWN 3
#define EXIT_USAGE 64

/* Warnings about odd memreserve entries printed before "and N more". */
#define MAX_WARNINGS 16

enum { CMD_LIST, CMD_MEMRESERVE, CMD_CHECK };

struct opts {
	const char *sysroot;
	const char *output;
	bool json, raw, noheadings, bytes, output_all;
	int cmd;
	char **args;
	int nargs;
};

enum { COL_INDEX, COL_GUID, COL_NAME, COL_ADDRESS };
static const struct gk_col list_cols[] = {
	[COL_INDEX] = { "INDEX", 0, SCOLS_FL_RIGHT, GK_COL_INT,
			"position in the configuration table array" },
	[COL_GUID] = { "GUID", 36, 0, GK_COL_STR, "table GUID" },
	[COL_NAME] = { "NAME", 0.1, 0, GK_COL_STR,
		       "table name, as in the kernel's efi: boot line" },
	[COL_ADDRESS] = { "ADDRESS", 0, SCOLS_FL_RIGHT, GK_COL_ADDR,
			  "VendorTable: where the table is" },
};
static const int list_default[] = { COL_GUID, COL_NAME, COL_ADDRESS };

enum { COL_BASE, COL_END, COL_SIZE, COL_BLOCK, COL_SLOT, COL_FLAGS };
static const struct gk_col mr_cols[] = {
	[COL_BASE] = { "BASE", 0, SCOLS_FL_RIGHT, GK_COL_ADDR,
		       "first reserved address" },
	[COL_END] = { "END", 0, SCOLS_FL_RIGHT, GK_COL_ADDR,
		      "last reserved address" },
	[COL_SIZE] = { "SIZE", 0, SCOLS_FL_RIGHT, GK_COL_STR,
		       "size of the reservation" },
	[COL_BLOCK] = { "BLOCK", 0, SCOLS_FL_RIGHT, GK_COL_ADDR,
			"memreserve block holding the entry" },
	[COL_SLOT] = { "SLOT", 0, SCOLS_FL_RIGHT, GK_COL_INT,
		       "slot in that block" },
	[COL_FLAGS] = { "FLAGS", 0.1, 0, GK_COL_STR,
			"what is odd about the entry" },
};
static const int mr_default[] = { COL_BASE, COL_END, COL_SIZE, COL_BLOCK,
				  COL_FLAGS };

enum { COL_RANGE, COL_COVERED, COL_BY };
static const struct gk_col check_cols[] = {
	[COL_RANGE] = { "RANGE", 0, 0, GK_COL_STR, "range asked about" },
	[COL_COVERED] = { "COVERED", 0, 0, GK_COL_STR, "yes, no or partly" },
	[COL_BY] = { "BY", 0, 0, GK_COL_STR,
		     "the merged reservation that covers or overlaps it" },
};
static const int check_default[] = { COL_RANGE, COL_COVERED, COL_BY };

struct table_def {
	const char *name; /* JSON key */
	const struct gk_col *cols;
	size_t ncols;
	const int *defaults;
	size_t ndefaults;
};

static const struct table_def tables[] = {
	[CMD_LIST] = { "tables", list_cols, GK_ARRAY_SIZE(list_cols),
		       list_default, GK_ARRAY_SIZE(list_default) },
	[CMD_MEMRESERVE] = { "memreserve", mr_cols, GK_ARRAY_SIZE(mr_cols),
			     mr_default, GK_ARRAY_SIZE(mr_default) },
	[CMD_CHECK] = { "check", check_cols, GK_ARRAY_SIZE(check_cols),
			check_default, GK_ARRAY_SIZE(check_default) },
};

struct out {
	struct libscols_table *tb;
	int ids[GK_COLS_MAX];
	size_t nids;
};

static void usage(void)
{
	printf("Usage:\n"
	       " efitables [options] [list]\n"
	       " efitables [options] memreserve\n"
	       " efitables [options] check ADDR[+SIZE]...\n\n"
	       "List the EFI configuration tables of an arm64 Linux system "
	       "and\n"
	       "the Linux memreserve list that persists reservations across "
	       "kexec.\n\n"
	       "Options:\n"
	       " -J, --json             use JSON output format\n"
	       " -r, --raw              use raw output format\n"
	       " -n, --noheadings       don't print headings\n"
	       " -o, --output <list>    output columns (+list adds to the "
	       "defaults)\n"
	       "     --output-all       output all columns\n"
	       " -b, --bytes            print SIZE in bytes\n"
	       " -s, --sysroot <dir>    read a snapshot instead of the live "
	       "system\n"
	       " -h, --help             display this help\n"
	       " -V, --version          display version\n");
	for (size_t t = 0; t < GK_ARRAY_SIZE(tables); t++) {
		printf("\nColumns of '%s':\n",
		       t == CMD_LIST ? "list" : tables[t].name);
		gk_cols_usage(stdout, tables[t].cols, tables[t].ncols);
	}
	printf("\nExit status: 0 success (check: covered), 1 check: not "
	       "covered,\n"
	       "3 could not tell (the reason is printed), 64 usage error.\n"
	       "\nFor more details see efitables(8).\n");
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "efitables: %s%s\n", msg, arg ? arg : "");
	fprintf(stderr, "Try 'efitables --help' for more information.\n");
	return EXIT_USAGE;
}

static int parse_cmd(struct opts *o, int argc, char **argv)
{
	static const char *const names[] = { "list", "memreserve", "check" };
	const char *cmd = optind < argc ? argv[optind++] : "list";

	for (size_t i = 0; i < GK_ARRAY_SIZE(names); i++) {
		if (!strcmp(cmd, names[i])) {
			o->cmd = (int)i;
			o->args = argv + optind;
			o->nargs = argc - optind;
			if (o->cmd != CMD_CHECK && o->nargs)
				return usage_error("unexpected argument: ",
						   argv[optind]);
			if (o->cmd == CMD_CHECK && !o->nargs)
				return usage_error("check needs ADDR[+SIZE]",
						   NULL);
			return 0;
		}
	}
	return usage_error("unknown command: ", cmd);
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	enum { OPT_OUTPUT_ALL = 0x100 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "bytes", no_argument, NULL, 'b' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "Jrno:bs:hV", longopts, NULL)) >=
	       0) {
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case 'r':
			o->raw = true;
			break;
		case 'n':
			o->noheadings = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_OUTPUT_ALL:
			o->output_all = true;
			break;
		case 'b':
			o->bytes = true;
			break;
		case 's':
			o->sysroot = optarg;
			break;
		case 'h':
			usage();
			return -1;
		case 'V':
			printf("efitables from %s %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return -1;
		default: /* getopt said what is wrong */
			fprintf(stderr, "Try 'efitables --help' for more "
					"information.\n");
			return EXIT_USAGE;
		}
	}
	if (o->json && o->raw)
		return usage_error(
			"options --json and --raw are mutually exclusive",
			NULL);
	return parse_cmd(o, argc, argv);
}

/* libsmartcols writes the JSON: the cell's type, as its JSON type */
static int json_type(enum gk_col_type t)
{
	return t == GK_COL_INT ? SCOLS_JSON_NUMBER : SCOLS_JSON_STRING;
}

static int out_init(struct out *out, const struct opts *o)
{
	const struct table_def *def = &tables[o->cmd];
	struct gk_err e;

	out->nids = def->ndefaults;
	memcpy(out->ids, def->defaults, def->ndefaults * sizeof(int));
	if (o->output_all) {
		out->nids = def->ncols;
		for (size_t i = 0; i < def->ncols; i++)
			out->ids[i] = (int)i;
	}
	if (o->output && gk_cols_parse(o->output, def->cols, def->ncols,
				       out->ids, &out->nids, &e) < 0)
		return usage_error(e.msg, NULL);
	out->tb = scols_new_table();
	if (!out->tb)
		return EXIT_UNKNOWN;
	scols_table_enable_json(out->tb, o->json);
	scols_table_enable_raw(out->tb, o->raw);
	scols_table_enable_noheadings(out->tb, o->noheadings);
	scols_table_set_name(out->tb, def->name);
	for (size_t i = 0; i < out->nids; i++) {
		const struct gk_col *col = &def->cols[out->ids[i]];
		struct libscols_column *cl;
		int json = json_type(col->type);

		cl = scols_table_new_column(out->tb, col->name, col->whint,
					    col->flags);
		if (!cl)
			return EXIT_UNKNOWN;
		if (o->cmd == CMD_MEMRESERVE && out->ids[i] == COL_SIZE &&
		    o->bytes)
			json = SCOLS_JSON_NUMBER;
		scols_column_set_json_type(cl, json);
	}
	return 0;
}

static int out_print(struct out *out)
{
	int ret = scols_print_table(out->tb);

	if (ret || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "efitables: write error\n");
		return EXIT_UNKNOWN;
	}
	return 0;
}

/* Set the cells of @ln from @vals, indexed by column id. */
static int out_line(struct out *out, char *const *vals)
{
	struct libscols_line *ln = scols_table_new_line(out->tb, NULL);

	if (!ln)
		return -1;
	for (size_t i = 0; i < out->nids; i++)
		if (scols_line_set_data(ln, i, vals[out->ids[i]]))
			return -1;
	return 0;
}

static int fail(const struct gk_err *e)
{
	fprintf(stderr, "efitables: %s\n", e->msg);
	return EXIT_UNKNOWN;
}

static int cmd_list(struct eft_ctx *ctx, struct out *out)
{
	char idx[24], guid[40], name[128], addr[24];
	char *vals[] = { idx, guid, name, addr };
	struct eft_systab st;
	struct eft_table *t;
	struct gk_err e;
	long n;
	int ret = 0;

	if (eft_find_systab(ctx, &st, &e) < 0)
		return fail(&e);
	n = eft_tables_read(eft_ctx_reader(ctx), &st, &t, &e);
	if (n < 0)
		return fail(&e);
	for (long i = 0; i < n && !ret; i++) {
		char *g = guid;

		snprintf(idx, sizeof(idx), "%ld", i);
		efi_guid_to_str(&t[i].guid, &g);
		eft_guid_name(&t[i].guid, name, sizeof(name));
		snprintf(addr, sizeof(addr), "0x%llx",
			 (unsigned long long)t[i].addr);
		ret = out_line(out, vals);
	}
	free(t);
	return ret ? EXIT_UNKNOWN : out_print(out);
}

static void flags_str(unsigned int flags, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ EFT_MR_ZERO, "zero-size" },
		{ EFT_MR_WRAPS, "wraps" },
		{ EFT_MR_UNALIGNED, "unaligned" },
		{ EFT_MR_OVERLAP, "overlap" },
		{ EFT_MR_NOT_RAM, "not-ram" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < GK_ARRAY_SIZE(names) && used < len; i++)
		if (flags & names[i].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "",
						 names[i].name);
}

/* One line per odd entry on stderr: the kernel reserves them as they are. */
static void warn_odd(const struct eft_memreserve *mr)
{
	size_t shown = 0, odd = 0;

	for (size_t i = 0; i < mr->nentries; i++) {
		const struct eft_mr_entry *en = &mr->entries[i];
		char flags[64];

		if (!en->flags)
			continue;
		if (odd++ >= MAX_WARNINGS)
			continue;
		flags_str(en->flags, flags, sizeof(flags));
		fprintf(stderr,
			"efitables: warning: memreserve entry 0x%llx+0x%llx "
			"(block 0x%llx slot %u): %s\n",
			(unsigned long long)en->base,
			(unsigned long long)en->size,
			(unsigned long long)en->block, en->index, flags);
		shown++;
	}
	if (odd > shown)
		fprintf(stderr,
			"efitables: warning: ... and %zu more odd entries\n",
			odd - shown);
	if (mr->odd_blocks)
		fprintf(stderr,
			"efitables: warning: %u memreserve blocks have a size "
			"other than %d slots\n",
			mr->odd_blocks, EFT_MR_BLOCK_SLOTS);
}

static int load_memreserve(struct eft_ctx *ctx, struct eft_memreserve **mr)
{
	enum eft_root_source src;
	struct gk_err e;
	uint64_t root;

	if (eft_find_memreserve(ctx, &root, &src, &e) < 0)
		return fail(&e);
	if (src == EFT_ROOT_KERNEL_LOG)
		fprintf(stderr,
			"efitables: note: EFI system table unreadable, "
			"memreserve root 0x%llx taken from the kernel log\n",
			(unsigned long long)root);
	if (eft_memreserve_walk(eft_ctx_reader(ctx), root, mr, &e) < 0)
		return fail(&e);
	warn_odd(*mr);
	return 0;
}

static void entry_vals(const struct eft_mr_entry *en, bool bytes, char v[][40])
{
	snprintf(v[COL_BASE], 40, "0x%llx", (unsigned long long)en->base);
	/* a zero-sized entry has no last address */
	v[COL_END][0] = '\0';
	if (en->size)
		snprintf(v[COL_END], 40, "0x%llx",
			 (unsigned long long)(en->base + en->size - 1));
	if (bytes)
		snprintf(v[COL_SIZE], 40, "%llu", (unsigned long long)en->size);
	else
		gk_size_human(en->size, v[COL_SIZE], 40);
	snprintf(v[COL_BLOCK], 40, "0x%llx", (unsigned long long)en->block);
	snprintf(v[COL_SLOT], 40, "%u", en->index);
	flags_str(en->flags, v[COL_FLAGS], 40);
}

static int cmd_memreserve(struct eft_ctx *ctx, struct out *out, bool bytes)
{
	struct eft_memreserve *mr;
	char v[GK_ARRAY_SIZE(mr_cols)][40];
	char *vals[GK_ARRAY_SIZE(mr_cols)];
	int ret;

	ret = load_memreserve(ctx, &mr);
	if (ret)
		return ret;
	for (size_t i = 0; i < GK_ARRAY_SIZE(mr_cols); i++)
		vals[i] = v[i];
	for (size_t i = 0; i < mr->nentries && !ret; i++) {
		entry_vals(&mr->entries[i], bytes, v);
		ret = out_line(out, vals);
	}
	eft_memreserve_free(mr);
	return ret ? EXIT_UNKNOWN : out_print(out);
}

static int parse_range(const char *arg, uint64_t *addr, uint64_t *len)
{
	char buf[64];
	char *plus;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	plus = strchr(buf, '+');
	*len = 1;
	if (plus) {
		*plus = '\0';
		if (gk_parse_u64(plus + 1, len) < 0 || !*len)
			return -1;
	}
	if (gk_parse_u64(buf, addr) < 0 || *addr + (*len - 1) < *addr)
		return -1;
	return 0;
}

static int check_one(const struct eft_memreserve *mr, uint64_t addr,
		     uint64_t len, struct out *out, bool *all)
{
	char range[48], by[48] = "", covered[8];
	char *vals[] = { range, covered, by };
	struct gk_range r;
	int c = eft_memreserve_covers(mr, addr, len, &r);

	snprintf(range, sizeof(range), "0x%llx-0x%llx",
		 (unsigned long long)addr,
		 (unsigned long long)(addr + len - 1));
	if (r.end)
		snprintf(by, sizeof(by), "0x%llx-0x%llx",
			 (unsigned long long)r.start,
			 (unsigned long long)r.end);
	snprintf(covered, sizeof(covered), "%s",
		 c == 1 ? "yes" :
		 r.end	? "partly" :
			  "no");
	if (c != 1)
		*all = false;
	return out_line(out, vals);
}

static int cmd_check(struct eft_ctx *ctx, struct out *out, const struct opts *o)
{
	struct eft_memreserve *mr;
	bool all = true;
	int ret;

	for (int i = 0; i < o->nargs; i++) {
		uint64_t addr, len;

		if (parse_range(o->args[i], &addr, &len) < 0)
			return usage_error("bad range (want ADDR[+SIZE]): ",
					   o->args[i]);
	}
	ret = load_memreserve(ctx, &mr);
	if (ret)
		return ret;
	for (int i = 0; i < o->nargs && !ret; i++) {
		uint64_t addr, len;

		parse_range(o->args[i], &addr, &len);
		ret = check_one(mr, addr, len, out, &all);
	}
	eft_memreserve_free(mr);
	if (ret || out_print(out))
		return EXIT_UNKNOWN;
	return all ? EXIT_COVERED : EXIT_NOT_COVERED;
}

/*
 * Once the inputs are open, before the first untrusted byte is parsed (a
 * snapshot's memory image has had its headers read to open it). Nothing
 * is written. A snapshot's files are opened lazily through the root's fd:
 * Landlock on that root is what keeps those opens inside it.
 */
static void confine(const struct sysroot *sr, const struct physmem *pm)
{
	struct gk_confine_policy p = {
		.root_fd = sysroot_fd(sr),
		.scratch = sysroot_scratch(sr),
		.devmem_fd = physmem_devmem_fd(pm),
	};
	struct gk_confinement c;
	struct gk_err e;
	int ret;

	ret = gk_confine(&p, &c, &e);
	gk_confine_report("efitables", &c, ret, &e, false);
}

static int run(const struct opts *o, struct out *out)
{
	struct physmem *pm;
	struct sysroot *sr;
	struct eft_ctx *ctx;
	struct gk_err e;
	int ret;

	if (sysroot_new(o->sysroot, 0, &sr, &e) < 0)
		return fail(&e);
	if (physmem_open(sr, 0, &pm, &e) < 0) {
		sysroot_free(sr);
		return fail(&e);
	}
	confine(sr, pm);
	if (eft_open_pm(sr, pm, &ctx, &e) < 0) {
		physmem_close(pm);
		sysroot_free(sr);
		return fail(&e);
	}
	if (o->cmd == CMD_LIST)
		ret = cmd_list(ctx, out);
	else if (o->cmd == CMD_MEMRESERVE)
		ret = cmd_memreserve(ctx, out, o->bytes);
	else
		ret = cmd_check(ctx, out, o);
	eft_close(ctx);
	physmem_close(pm);
	sysroot_free(sr);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct out out = { 0 };
	int ret;

	ret = parse_opts(&o, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_SUCCESS : ret;
	ret = out_init(&out, &o);
	if (!ret)
		ret = run(&o, &out);
	scols_unref_table(out.tb);
	return ret;
}
