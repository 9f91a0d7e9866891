// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for kexec -d's time line (kexec/timing.c): a phase timed
 * within another counts once, in the inner phase; the printed figures
 * keep the phases' sum within the total; a NULL timing times nothing.
 * Only relations between the figures are asserted, never a duration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "timing.h"

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static uint64_t sum(const struct kx_timing *t)
{
	uint64_t s = 0;

	for (int i = 0; i < KX_T_NPHASES; i++)
		s += t->ns[i];
	return s;
}

/* plan around gather around open: each counts its own time only */
static void test_nested(void **state)
{
	struct kx_span outer, mid, inner;
	struct kx_timing t;

	(void)state;
	kx_timing_begin(&t);
	kx_span_begin(&t, &outer);
	pause_ms(2);
	kx_span_begin(&t, &mid);
	kx_span_begin(&t, &inner);
	pause_ms(20);
	kx_span_end(&t, &inner, KX_T_OPEN);
	kx_span_end(&t, &mid, KX_T_GATHER);
	kx_span_end(&t, &outer, KX_T_PLAN);
	kx_timing_end(&t);
	/*
	 * The 20 ms went to open alone, not to gather or plan as well: had
	 * they counted it too, the phases would add up to more than the
	 * total. (No comparison between phases: a loaded machine may
	 * stretch the 2 ms beyond the 20.)
	 */
	assert_true(t.ns[KX_T_OPEN] >= 20000000ull);
	assert_true(t.ns[KX_T_PLAN] >= 2000000ull);
	assert_true(sum(&t) <= t.total);
	assert_int_equal(t.ns[KX_T_DIGEST], 0);
}

/* the same phase twice adds up; a NULL timing is a no-op */
static void test_repeat_and_null(void **state)
{
	struct kx_timing t;
	struct kx_span s;
	uint64_t once;

	(void)state;
	kx_timing_begin(&t);
	kx_span_begin(&t, &s);
	pause_ms(5);
	kx_span_end(&t, &s, KX_T_DIGEST);
	once = t.ns[KX_T_DIGEST];
	kx_span_begin(&t, &s);
	pause_ms(5);
	kx_span_end(&t, &s, KX_T_DIGEST);
	assert_true(t.ns[KX_T_DIGEST] >= once + 5000000ull);
	kx_span_begin(NULL, &s);
	kx_span_end(NULL, &s, KX_T_DIGEST);
	kx_timing_begin(NULL);
	kx_timing_end(NULL);
}

/* phases rounded down, the total up: 0.19 ms prints 0.1, 1.14 ms 1.2 */
static void test_line(void **state)
{
	struct kx_timing t = { .total = 1140000 };
	char buf[256];
	int n;

	(void)state;
	for (int i = 0; i < KX_T_NPHASES; i++)
		t.ns[i] = 190000;
	t.ns[KX_T_SYSCALL] = 0;
	n = kx_timing_line(&t, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(
		buf,
		"open 0.1 ms, decompress 0.1 ms, gather 0.1 ms, plan 0.1 ms, digest 0.1 ms, syscall 0.0 ms, total 1.2 ms");
	/* too small a buffer: truncated, the full length returned */
	assert_int_equal(kx_timing_line(&t, buf, 10), n);
	assert_string_equal(buf, "open 0.1 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_repeat_and_null),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
