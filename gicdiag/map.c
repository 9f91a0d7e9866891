// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One line per System RAM range, GK_MAP_WIDTH cells wide, each cell
 * marked by the most important thing in it: a table that will not stay
 * reserved (X), the property table (P), a pending table (p), the crash
 * kernel (c), a persistent reservation (m), or plain RAM (.). The tables
 * are listed below with what keeps them reserved.
 */
#include <string.h>

#include "json.h"
#include "map.h"
#include "strutils.h"

/* Higher wins a cell. */
static int rank(char c)
{
	static const char order[] = ".mcpPX";
	const char *p = strchr(order, c);

	return p ? (int)(p - order) : 0;
}

static void mark(char *cells, const struct gk_range *ram, uint64_t start,
		 uint64_t len, char c)
{
	uint64_t size = ram->end - ram->start + 1, end;

	if (!len || start > ram->end || start + len - 1 < ram->start)
		return;
	if (start < ram->start)
		start = ram->start;
	end = start + len - 1 > ram->end ? ram->end : start + len - 1;
	for (uint64_t a = (start - ram->start) * GK_MAP_WIDTH / size;
	     a <= (end - ram->start) * GK_MAP_WIDTH / size && a < GK_MAP_WIDTH;
	     a++)
		if (rank(c) > rank(cells[a]))
			cells[a] = c;
}

static void mark_ranges(char *cells, const struct gk_range *ram,
			const struct gk_range *r, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		mark(cells, ram, r[i].start, r[i].end - r[i].start + 1, c);
}

static void mark_tables(char *cells, const struct gk_range *ram,
			const struct gk_facts *f, enum gk_loader l)
{
	for (size_t i = 0; i < f->nrds; i++) {
		const struct gk_rdfact *rd = &f->rds[i];

		if (!rd->lpis)
			continue;
		if (rd->prop)
			mark(cells, ram, rd->prop, f->prop_size,
			     rd->prop_rsv[l] != GK_RSV_NONE ? 'P' : 'X');
		if (rd->pend)
			mark(cells, ram, rd->pend, f->pend_size,
			     rd->pend_rsv[l] != GK_RSV_NONE ? 'p' : 'X');
	}
}

/* @cells: GK_MAP_WIDTH + 1 bytes, the range's cells as a string */
static void ram_cells(char *cells, const struct gk_facts *f,
		      const struct gk_range *ram, enum gk_loader l)
{
	memset(cells, '.', GK_MAP_WIDTH);
	cells[GK_MAP_WIDTH] = '\0';
	if (f->mr == GK_MR_OK)
		mark_ranges(cells, ram, f->memreserve, f->nmemreserve, 'm');
	mark_ranges(cells, ram, f->dt_memrsv, f->ndt_memrsv, 'm');
	mark_ranges(cells, ram, f->resmem, f->nresmem, 'm');
	mark_ranges(cells, ram, f->crash, f->ncrash, 'c');
	mark_tables(cells, ram, f, l);
}

static void ram_line(FILE *out, const struct gk_facts *f,
		     const struct gk_range *ram, enum gk_loader l)
{
	char cells[GK_MAP_WIDTH + 1], size[16];

	ram_cells(cells, f, ram, l);
	fprintf(out, "0x%012llx |%s| %s System RAM\n",
		(unsigned long long)ram->start, cells,
		gk_size_human(ram->end - ram->start + 1, size, sizeof(size)));
}

static void table_list(FILE *out, const struct gk_facts *f, enum gk_loader l)
{
	bool prop_done = false;
	char size[16];

	for (size_t i = 0; i < f->nrds; i++) {
		const struct gk_rdfact *rd = &f->rds[i];

		if (!rd->lpis)
			continue;
		if (rd->prop && !prop_done) {
			fprintf(out, "  property table    0x%llx %s  %s\n",
				(unsigned long long)rd->prop,
				gk_size_human(f->prop_size, size, sizeof(size)),
				gk_rsv_name(rd->prop_rsv[l]));
			prop_done = true;
		}
		if (rd->pend)
			fprintf(out,
				"  pending RD%-3zu CPU%-3d 0x%llx %s  %s\n", i,
				rd->cpu, (unsigned long long)rd->pend,
				gk_size_human(f->pend_size, size, sizeof(size)),
				gk_rsv_name(rd->pend_rsv[l]));
	}
}

int gk_map_text(FILE *out, const struct gk_facts *f, enum gk_loader loader)
{
	if (!f->nram) {
		fputs("gicdiag: no System RAM in /proc/iomem (not root?)\n",
		      out);
		return -1;
	}
	fprintf(out, "Physical memory, %d cells per RAM range:\n",
		GK_MAP_WIDTH);
	for (size_t i = 0; i < f->nram; i++)
		ram_line(out, f, &f->ram[i], loader);
	fputs("\n  X table that will not stay reserved   P property table   p pending table\n"
	      "  c crash kernel   m persistent reservation   . RAM\n\nTables:\n",
	      out);
	table_list(out, f, loader);
	return 0;
}

/* ---- JSON: the same cells and tables (gicdiag(8), map) --------------- */

static void json_table(struct gk_json *j, const char *what, int rd, int cpu,
		       uint64_t start, uint64_t size, enum gk_rsv rsv)
{
	gk_json_open(j, NULL, '{');
	gk_json_str(j, "table", what);
	if (rd >= 0) {
		gk_json_int(j, "rd", rd);
		cpu >= 0 ? gk_json_int(j, "cpu", cpu) : gk_json_null(j, "cpu");
	}
	gk_json_addr(j, "start", start);
	gk_json_addr(j, "size", size);
	gk_json_str(j, "reserved", gk_rsv_name(rsv));
	gk_json_close(j, '}');
}

static void json_tables(struct gk_json *j, const struct gk_facts *f,
			enum gk_loader l)
{
	bool prop_done = false;

	gk_json_open(j, "tables", '[');
	for (size_t i = 0; i < f->nrds; i++) {
		const struct gk_rdfact *rd = &f->rds[i];

		if (!rd->lpis)
			continue;
		if (rd->prop && !prop_done)
			json_table(j, "property", -1, -1, rd->prop,
				   f->prop_size, rd->prop_rsv[l]);
		prop_done |= rd->prop != 0;
		if (rd->pend)
			json_table(j, "pending", (int)i, rd->cpu, rd->pend,
				   f->pend_size, rd->pend_rsv[l]);
	}
	gk_json_close(j, ']');
}

int gk_map_json(FILE *out, const struct gk_facts *f, enum gk_loader loader)
{
	char cells[GK_MAP_WIDTH + 1];
	struct gk_json j;

	if (!f->nram) {
		fputs("gicdiag: no System RAM in /proc/iomem (not root?)\n",
		      stderr);
		return -1;
	}
	gk_json_init(&j, out);
	gk_json_open(&j, NULL, '{');
	gk_json_int(&j, "version", 1);
	gk_json_str(&j, "loader",
		    loader == GK_LOADER_OURS ? "gic-kexec" : "kexec-tools");
	gk_json_int(&j, "cells", GK_MAP_WIDTH);
	gk_json_open(&j, "ram", '[');
	for (size_t i = 0; i < f->nram; i++) {
		ram_cells(cells, f, &f->ram[i], loader);
		gk_json_open(&j, NULL, '{');
		gk_json_addr(&j, "start", f->ram[i].start);
		gk_json_addr(&j, "end", f->ram[i].end);
		gk_json_str(&j, "map", cells);
		gk_json_close(&j, '}');
	}
	gk_json_close(&j, ']');
	json_tables(&j, f, loader);
	gk_json_close(&j, '}');
	fputc('\n', out);
	return 0;
}
