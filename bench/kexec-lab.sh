#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our kexec against Debian's kexec-tools in the same QEMU guest (EFI-DT,
# Debian 12's 6.1, TCG): the time of `kexec -l` (kernel + initrd), and of
# the jump from "Bye!" to the next kernel's first console line with the
# SHA-256 check on. TCG models no caches: the purgatory's cache-on gain
# shows fully only on silicon.
#   bench/kexec-lab.sh [BUILDDIR] [RUNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
runs=${2:-3}
work=$build/tests/e2e-work

# seconds between two console lines matching $2 and $3 (host timestamps)
span() {
	awk -v a="$2" -v b="$3" '
		function stamp(t) { sub(/^\[ */, "", t); sub(/\].*/, "", t); return t + 0 }
		$0 ~ a && !t0 { t0 = stamp($0) }
		$0 ~ b && t0 && !t1 { t1 = stamp($0) }
		END { if (t0 && t1) printf "%.2f", t1 - t0; else print "n/a" }' "$1"
}

declare -A load jump
for i in $(seq "$runs"); do
	GK_E2E_OUT=$work/bench-runs "$top/tests/e2e/check-e2e.sh" "$top" "$build" \
		"$top"/bench/scenarios/bench-*.scn >"$work/bench.tap" 2>&1 ||
		{ grep -E '^not ok|Bail' "$work/bench.tap" >&2; exit 1; }
	for who in kexec-tools ours; do
		c=$work/bench-runs/bench-$who/console.log
		load[$who]+="$(span "$c" '@@LAB cmd-begin load' '@@LAB cmd-end load') "
		jump[$who]+="$(span "$c" 'Bye!' 'Booting Linux on physical CPU') "
	done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-12s %12s %18s\n' "" "kexec -l (s)" "Bye! -> Linux (s)"
for who in kexec-tools ours; do
	printf '%-12s %12s %18s\n' "$who" "$(median <<<"${load[$who]}")" \
		"$(median <<<"${jump[$who]}")"
done
l=$(awk -v a="$(median <<<"${load[ours]}")" -v b="$(median <<<"${load[kexec-tools]}")" 'BEGIN { printf "%.2f", a / b }')
j=$(awk -v a="$(median <<<"${jump[ours]}")" -v b="$(median <<<"${jump[kexec-tools]}")" 'BEGIN { printf "%.3f", a / b }')
echo "ratios (ours / kexec-tools, median of $runs): load $l, jump $j  (targets: <= 0.5, <= 0.3)"
