#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time `efitables memreserve` on a generated machine whose memreserve list
# holds 10,000 entries in 40 blocks, and print the figures.
#   bench/efitables-memreserve.sh [BUILDDIR] [RUNS]
# A benchmark, not a test: nothing here passes or fails on speed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
runs=${2:-30}
eft=$build/efitables
mk=$build/tests/tools/mkmachine
[ -x "$mk" ] || make -s -C "$build" tests/tools/mkmachine
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
rmdir "$snap"
"$mk" "$top/tests/tools/machines/bench-10000.machine" "$snap"

n=$("$eft" --sysroot "$snap" memreserve -rn | wc -l)
[ "$n" = 10000 ] || { echo "expected 10000 entries, got $n" >&2; exit 1; }

bench() {	# LABEL ARGS...: median and min wall time over $runs runs
	local label=$1 t0 t1 times=()
	shift
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$eft" --sysroot "$snap" "$@" >/dev/null || [ $? = 1 ]
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v r="$runs" '
		{ t[NR] = $1 }
		END { printf "%-34s median %6.2f ms  min %6.2f ms  (%d runs)\n",
		      l, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, r }'
}

echo "efitables memreserve, 10,000 entries in 40 blocks ($(nproc) cores, $(uname -m))"
bench "memreserve (table)" memreserve
bench "memreserve --json" memreserve --json
bench "check 3 ranges" check 0x80000000+64K 0x90000000+1M 0x20000000
if [ -x /usr/bin/time ]; then
	rss=$(/usr/bin/time -f %M "$eft" --sysroot "$snap" memreserve 2>&1 >/dev/null | tail -1)
	echo "max RSS of memreserve: ${rss} KiB"
fi
