// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our kexec's manifest read back (facts/manifest.c): as JSON, whatever its
 * layout, and a malformed one refused with its name and what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static int parse(const char *text, struct gk_range **r, size_t *n, bool *passed,
		 struct gk_err *e)
{
	return gk_manifest_parse(text, strlen(text), "crash.json", r, n, passed,
				 e);
}

/* compact JSON, keys in another order: the same tables */
static void test_layout_free(void **state)
{
	static const char text[] =
		"{\"lpi_tables\":[{\"end\":\"0x425cffff\","
		"\"start\":\"0x425b0000\"},{\"start\":\"0x425a0000\","
		"\"end\":\"0x425affff\"}],\"lpi_tables_passed\":true,"
		"\"version\":1}";
	struct gk_err e = { 0 };
	struct gk_range *r;
	bool passed;
	size_t n;

	(void)state;
	assert_int_equal(parse(text, &r, &n, &passed, &e), 0);
	assert_true(passed);
	assert_int_equal(n, 1); /* sorted, then merged */
	assert_int_equal(r[0].start, 0x425a0000);
	assert_int_equal(r[0].end, 0x425cffff);
	free(r);
}

/* a command line that spells a key is a string, not the key */
static void test_keys_in_strings(void **state)
{
	static const char text[] =
		"{\"version\": 1, \"cmdline\": \"x \\\"lpi_tables_passed\\\": "
		"true \\\"version\\\": 1\", \"lpi_tables_passed\": false,\n"
		"\"lpi_tables\": []}";
	struct gk_err e = { 0 };
	struct gk_range *r;
	bool passed = true;
	size_t n = 1;

	(void)state;
	assert_int_equal(parse(text, &r, &n, &passed, &e), 0);
	assert_false(passed);
	assert_int_equal(n, 0);
	free(r);
}

static void refused(const char *text, const char *why)
{
	struct gk_err e = { 0 };
	struct gk_range *r = (void *)1;
	bool passed;
	size_t n;

	assert_int_equal(parse(text, &r, &n, &passed, &e), -GK_ERR_FORMAT);
	assert_null(r);
	assert_int_equal(e.code, -GK_ERR_FORMAT);
	assert_non_null(strstr(e.msg, "crash.json: "));
	if (!strstr(e.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", e.msg, why);
}

static void test_malformed(void **state)
{
	(void)state;
	refused("{\"version\": 1, \"lpi_tables_passed\": true, "
		"\"lpi_tables\": [",
		"not JSON");
	refused("{\"version\": 2, \"lpi_tables_passed\": true, "
		"\"lpi_tables\": []}",
		"version 1");
	refused("[1]", "version 1");
	refused("{\"version\": 1, \"lpi_tables_passed\": true}",
		"no lpi_tables");
	refused("{\"version\": 1, \"lpi_tables\": []}", "lpi_tables_passed");
	refused("{\"version\": 1, \"lpi_tables_passed\": true, \"lpi_tables\":"
		" [{\"start\": \"0x2000\", \"end\": \"0x1000\"}]}",
		"ends before it starts");
	refused("{\"version\": 1, \"lpi_tables_passed\": true, \"lpi_tables\":"
		" [{\"start\": 4096, \"end\": \"0x1fff\"}]}",
		"without start and end");
	refused("{\"version\": 1, \"lpi_tables_passed\": true, "
		"\"lpi_tables\": []} {}",
		"more after");
}

static void test_too_big(void **state)
{
	size_t len = GK_MANIFEST_MAX + 1;
	char *big = malloc(len);
	struct gk_err e = { 0 };
	struct gk_range *r;
	bool passed;
	size_t n;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	assert_int_equal(gk_manifest_parse(big, len, "kexec.json", &r, &n,
					   &passed, &e),
			 -GK_ERR_TOOBIG);
	assert_non_null(strstr(e.msg, "kexec.json"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_free),
		cmocka_unit_test(test_keys_in_strings),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
