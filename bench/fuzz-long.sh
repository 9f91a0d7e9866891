#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make fuzz-long: every libFuzzer target for FUZZ_EXECS executions
# (default 10,000,000) or, when FUZZ_SECONDS is set, that many seconds,
# from its committed corpus, mkseeds' seeds and the real snapshots'
# tables. Prints per target: executions, seconds, coverage (libFuzzer's
# final cov and ft), corpus units, findings (crash, leak, timeout, oom
# files). Needs a libFuzzer build:
#
#	mkdir build-fuzz && cd build-fuzz
#	../configure CC=clang --enable-fuzzing --enable-sanitizers
#	make fuzz-long [FUZZ_EXECS=N | FUZZ_SECONDS=S] [FUZZ_ONLY="a b"]
#
# The corpora grow in build-fuzz/fuzz-long/TARGET/, findings land in
# build-fuzz/fuzz-long/findings/. To keep what a run found, minimise it
# into the committed corpus:
#	tests/fuzz/fuzz-T -merge=1 NEW ../tests/fuzz/corpus/T fuzz-long/T
# (NEW an empty directory that then replaces tests/fuzz/corpus/T).
# returns: 0 when no target found anything
: "${top_srcdir:?}" "${top_builddir:?}"
execs=${FUZZ_EXECS:-10000000}
seconds=${FUZZ_SECONDS:-}
work=$top_builddir/fuzz-long
fz=$top_builddir/tests/fuzz
targets=${FUZZ_ONLY:-$(for f in "$fz"/fuzz-*; do
	case $f in *.o) ;; *) echo "${f##*/fuzz-}" ;; esac
done)}

# the inputs a run starts from (what build.sh's fuzz smoke uses)
seed() {
	local t=$1 dir=$2 snap

	mkdir -p "$dir"
	[ -d "$top_srcdir/tests/fuzz/corpus/$t" ] &&
		cp -r "$top_srcdir/tests/fuzz/corpus/$t/." "$dir/"
	[ -d "$work/seeds/$t" ] && cp -r "$work/seeds/$t/." "$dir/"
	for snap in "$top_srcdir"/tests/data/*.tar.gz; do
		case $t in
		madt) tar -xzOf "$snap" --wildcards '*/APIC' ;;
		gicdt) tar -xzOf "$snap" --wildcards '*/sys/firmware/fdt' ;;
		*) continue ;;
		esac >"$dir/${snap##*/}" 2>/dev/null
	done
	find "$dir" -type f -empty -delete
}

# executions, cov, ft: from libFuzzer's final stats and its last status
# line "#N ... cov: C ft: F corp: U/..."
stats() {
	local log=$1 line

	line=$(grep -E '^#[0-9]+' "$log" | tail -1)
	# the exact count when the run ended well, else the last one shown
	grep -m1 '^stat::number_of_executed_units:' "$log" | grep -oE '[0-9]+' ||
		sed -E 's/^#([0-9]+).*/\1/' <<<"$line"
	sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$line"
	sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$line"
}

one() {
	local t=$1 start end found
	local bin=$fz/fuzz-$t log=$work/$t.log
	local -a lim st

	if [ -n "$seconds" ]; then
		lim=(-max_total_time="$seconds")
	else
		lim=(-runs="$execs")
	fi
	seed "$t" "$work/$t"
	start=$(date +%s)
	"$bin" "${lim[@]}" -print_final_stats=1 \
		-artifact_prefix="$work/findings/$t-" "$work/$t" >"$log" 2>&1
	end=$(date +%s)
	mapfile -t st < <(stats "$log")
	found=$(find "$work/findings" -name "$t-*" -type f | wc -l)
	printf '%-12s %12s %7s %6s %7s %7s %8s\n' "$t" "${st[0]:-?}" \
		$((end - start)) "${st[1]:-?}" "${st[2]:-?}" \
		"$(find "$work/$t" -type f | wc -l)" "$found"
	[ "$found" -eq 0 ]
}

mkdir -p "$work/findings" "$work/empty"
for t in $targets; do	# libFuzzer says its seed; the replay program does not
	"$fz/fuzz-$t" -runs=0 "$work/empty" 2>&1 | grep -q '^INFO: Seed:' || {
		echo "fuzz-long: $fz/fuzz-$t is no libFuzzer target: configure with CC=clang --enable-fuzzing" >&2
		exit 1
	}
done
rm -rf "$work/seeds"
"$fz/mkseeds" "$work/seeds" || exit 1
printf '%-12s %12s %7s %6s %7s %7s %8s\n' target executions seconds cov ft \
	corpus findings
rc=0
for t in $targets; do
	one "$t" || rc=1
done
[ "$rc" -eq 0 ] || echo "findings: $work/findings/ (replay: tests/fuzz/fuzz-T FILE)"
exit $rc
