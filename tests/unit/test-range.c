// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/range, lib/strutils and lib/cols: the small helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cols.h"
#include "range.h"
#include "strutils.h"

static void test_merge(void **state)
{
	struct gk_range r[] = {
		{ 0x3000, 0x3fff },
		{ 0x1000, 0x1fff },
		{ 0x2000, 0x2fff },
		{ 0x8000, 0x8fff },
		{ 0x8800, 0x87ff + 0x1000 },
		{ 0xfffffffffffff000ull, UINT64_MAX },
		{ 0x10000, 0x10000 },
	};
	struct gk_range want;
	long by;
	size_t n = gk_ranges_merge(r, GK_ARRAY_SIZE(r));

	(void)state;
	assert_int_equal(n, 4);
	assert_true(r[0].start == 0x1000 && r[0].end == 0x3fff);
	assert_true(r[1].start == 0x8000 && r[1].end == 0x97ff);
	assert_true(r[2].start == 0x10000 && r[2].end == 0x10000);
	assert_true(r[3].end == UINT64_MAX);
	gk_range_from_len(&want, 0x1800, 0x2000);
	assert_true(gk_ranges_covers(r, n, &want, &by) && by == 0);
	gk_range_from_len(&want, 0x3800, 0x1000); /* runs past the end */
	assert_false(gk_ranges_covers(r, n, &want, &by));
	assert_int_equal(by, 0);
	gk_range_from_len(&want, 0x5000, 0x1000);
	assert_false(gk_ranges_covers(r, n, &want, &by));
	assert_int_equal(by, -1);
	assert_false(gk_range_from_len(&want, 0x1000, 0));
	assert_false(gk_range_from_len(&want, UINT64_MAX, 2));
	assert_true(gk_range_from_len(&want, UINT64_MAX, 1));
}

static void test_parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(gk_parse_u64("0x425b0000", &v), 0);
	assert_true(v == 0x425b0000);
	assert_int_equal(gk_parse_u64("64K", &v), 0);
	assert_true(v == 65536);
	assert_int_equal(gk_parse_u64("2MiB", &v), 0);
	assert_true(v == 2 << 20);
	assert_int_equal(gk_parse_u64("1g", &v), 0);
	assert_true(v == 1ull << 30);
	assert_int_equal(gk_parse_u64("16T", &v), 0);
	assert_true(v == 16ull << 40);
	assert_int_equal(gk_parse_u64("12", &v), 0);
	assert_true(v == 12);
	assert_int_equal(gk_parse_u64("", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("-1", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("0x", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("12Q", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("12KX", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("0x10000000000000000", &v),
			 -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("20000000E", &v), -GK_ERR_INVAL);
	/* found by fuzz-bootrec: a trailing non-letter is no unit */
	assert_int_equal(gk_parse_u64("0x42c0000 ", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("4@", &v), -GK_ERR_INVAL);
	assert_int_equal(gk_parse_u64("4\x80", &v), -GK_ERR_INVAL);
}

static void test_size_human(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(gk_size_human(0, b, sizeof(b)), "0B");
	assert_string_equal(gk_size_human(1023, b, sizeof(b)), "1023B");
	assert_string_equal(gk_size_human(65536, b, sizeof(b)), "64K");
	assert_string_equal(gk_size_human(3 << 19, b, sizeof(b)), "1.5M");
	assert_string_equal(gk_size_human(1ull << 30, b, sizeof(b)), "1G");
	assert_string_equal(gk_size_human((1ull << 20) - 1, b, sizeof(b)),
			    "1M");
	assert_string_equal(gk_size_human(4096 + 100, b, sizeof(b)), "4.1K");
}

static const struct gk_col cols[] = {
	{ "BASE", 0, 0, 0, "base" },
	{ "END", 0, 0, 0, "end" },
	{ "SIZE", 0, 0, 0, "size" },
};

static void test_cols(void **state)
{
	int ids[GK_COLS_MAX] = { 0, 1 };
	size_t n = 2;
	struct gk_err e;

	(void)state;
	assert_int_equal(gk_cols_parse("+size", cols, 3, ids, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[2], 2);
	assert_int_equal(gk_cols_parse("END,base", cols, 3, ids, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(ids[0] == 1 && ids[1] == 0);
	assert_int_equal(gk_cols_parse("BASE,NOPE", cols, 3, ids, &n, &e),
			 -GK_ERR_INVAL);
	assert_string_equal(e.msg, "unknown column: NOPE");
	assert_int_equal(gk_cols_parse("", cols, 3, ids, &n, &e),
			 -GK_ERR_INVAL);
}

/* A row of the model below: what each column's get() reads. */
struct row {
	long long n;
	uint64_t a;
	bool b;
	const char *s;
};

static void get_n(const void *p, struct gk_cell *c)
{
	const struct row *r = p;

	c->i = r->n;
	c->null = r->n < 0;
}

static void get_a(const void *p, struct gk_cell *c)
{
	c->addr = ((const struct row *)p)->a;
}

static void get_b(const void *p, struct gk_cell *c)
{
	const struct row *r = p;

	c->i = r->b;
	if (!r->b && !r->s)
		c->text = "?";
}

static void get_s(const void *p, struct gk_cell *c)
{
	c->s = ((const struct row *)p)->s;
	c->null = !c->s;
}

static const struct gk_col model[] = {
	{ .name = "NUM", .header = "N", .type = GK_COL_INT, .get = get_n },
	{ .name = "ADDR", .type = GK_COL_ADDR, .get = get_a },
	{ .name = "ON", .type = GK_COL_BOOL, .get = get_b },
	{ .name = "WHO_SAID",
	  .header = "WHO",
	  .type = GK_COL_STR,
	  .get = get_s },
};

static void test_cols_heading(void **state)
{
	int ids[GK_COLS_MAX];
	size_t n = 0;
	struct gk_err e;

	(void)state;
	/* a heading names its column too, in any case; once only */
	assert_int_equal(
		gk_cols_parse("who,n,Num,ON,num", model, 4, ids, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_true(ids[0] == 3 && ids[1] == 0 && ids[2] == 2);
	/* "+" does not add a column already there */
	assert_int_equal(gk_cols_parse("+ADDR,WHO_SAID", model, 4, ids, &n, &e),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[3], 1);
	assert_string_equal(gk_col_header(&model[3]), "WHO");
	assert_string_equal(gk_col_header(&model[1]), "ADDR");
}

static void test_cols_cells(void **state)
{
	struct row r = { 7, 0x425b0000, false, "kernel-log" };
	char buf[GK_CELL_TEXT_MAX], key[GK_COL_KEY_MAX];
	struct gk_cell c;

	(void)state;
	assert_string_equal(gk_col_key(&model[3], key), "who_said");
	gk_col_cell(&model[0], &r, &c);
	assert_string_equal(gk_cell_text(&model[0], &c, buf), "7");
	gk_col_cell(&model[1], &r, &c);
	assert_string_equal(gk_cell_text(&model[1], &c, buf), "0x425b0000");
	gk_col_cell(&model[2], &r, &c);
	assert_string_equal(gk_cell_text(&model[2], &c, buf), "no");
	gk_col_cell(&model[3], &r, &c);
	assert_string_equal(gk_cell_text(&model[3], &c, buf), "kernel-log");
	r.n = -1;
	r.s = NULL;
	gk_col_cell(&model[0], &r, &c);
	assert_string_equal(gk_cell_text(&model[0], &c, buf), "");
	gk_col_cell(&model[2], &r, &c);
	assert_string_equal(gk_cell_text(&model[2], &c, buf), "?");
}

/* JSON: the chosen columns in order, keyed by name, typed, null */
static void test_cols_json(void **state)
{
	struct row r = { -1, 0x80a0000, false, NULL };
	const int ids[] = { 3, 0, 2, 1 };
	struct gk_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	gk_json_init(&j, f);
	gk_cols_json_row(&j, model, ids, 4, &r);
	r.n = 3;
	r.b = true;
	r.s = "journal";
	gk_cols_json_row(&j, model, ids, 2, &r);
	fclose(f);
	assert_string_equal(buf, "{\n"
				 "  \"who_said\": null,\n"
				 "  \"num\": null,\n"
				 "  \"on\": false,\n"
				 "  \"addr\": \"0x80a0000\"\n"
				 "}\n"
				 "{\n"
				 "  \"who_said\": \"journal\",\n"
				 "  \"num\": 3\n"
				 "}\n");
	free(buf);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(gk_strerror(-GK_ERR_CORRUPT), "corrupt structure");
	assert_string_equal(gk_strerror(GK_ERR_NOENT), "no such file");
	assert_string_equal(gk_strerror(-9999), "unknown error");
	for (int i = 1; i < GK_ERR_MAX_; i++)
		assert_string_not_equal(gk_strerror(-i), "unknown error");
}

/* Input bytes quoted in a message never make it two lines (fuzz-image). */
static void test_err_one_line(void **state)
{
	struct gk_err e = { 0 };

	(void)state;
	assert_int_equal(gk_fail(&e, -GK_ERR_FORMAT, "section %s is bad",
				 "a\nb\x1b[2J\x7f"),
			 -GK_ERR_FORMAT);
	assert_string_equal(e.msg, "section a?b?[2J? is bad");
	gk_err_prefix(&e, "file\r%s", "x\ty");
	assert_string_equal(e.msg, "file?x?y: section a?b?[2J? is bad");
	gk_fail(&e, -GK_ERR_FORMAT, "caf\xc3\xa9"); /* UTF-8 kept */
	assert_string_equal(e.msg, "caf\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_size_human),
		cmocka_unit_test(test_cols),
		cmocka_unit_test(test_cols_heading),
		cmocka_unit_test(test_cols_cells),
		cmocka_unit_test(test_cols_json),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_err_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
