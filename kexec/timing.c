// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The breakdown of a load's time for kexec -d: CLOCK_MONOTONIC, so that
 * a clock step during the load does not show as a phase.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timing.h"

static const char *const phase_name[KX_T_NPHASES] = {
	[KX_T_OPEN] = "open",	  [KX_T_DECOMPRESS] = "decompress",
	[KX_T_GATHER] = "gather", [KX_T_PLAN] = "plan",
	[KX_T_DIGEST] = "digest", [KX_T_SYSCALL] = "syscall",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t counted(const struct kx_timing *t)
{
	uint64_t sum = 0;

	for (int i = 0; i < KX_T_NPHASES; i++)
		sum += t->ns[i];
	return sum;
}

void kx_timing_begin(struct kx_timing *t)
{
	if (!t)
		return;
	memset(t, 0, sizeof(*t));
	t->begin = now_ns();
}

void kx_timing_end(struct kx_timing *t)
{
	if (t)
		t->total = now_ns() - t->begin;
}

void kx_span_begin(const struct kx_timing *t, struct kx_span *s)
{
	if (!t)
		return;
	s->counted = counted(t);
	s->t0 = now_ns();
}

void kx_span_end(struct kx_timing *t, const struct kx_span *s, enum kx_phase ph)
{
	uint64_t elapsed, inner;

	if (!t)
		return;
	elapsed = now_ns() - s->t0;
	inner = counted(t) - s->counted; /* the phases nested in this one */
	t->ns[ph] += elapsed > inner ? elapsed - inner : 0;
}

/* "NAME T ms" in tenths of a millisecond */
static int put(char *buf, size_t len, size_t n, const char *name,
	       uint64_t tenths, const char *sep)
{
	return snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
			"%s %llu.%llu ms%s", name,
			(unsigned long long)(tenths / 10),
			(unsigned long long)(tenths % 10), sep);
}

/*
 * The phases rounded down and the total up: the printed figures keep
 * the phases' sum within the total, as the measured ones are.
 */
int kx_timing_line(const struct kx_timing *t, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	for (int i = 0; i < KX_T_NPHASES; i++) {
		r = put(buf, len, n, phase_name[i], t->ns[i] / 100000, ", ");
		if (r < 0)
			return r;
		n += (size_t)r;
	}
	r = put(buf, len, n, "total", (t->total + 99999) / 100000, "");
	return r < 0 ? r : (int)(n + (size_t)r);
}
