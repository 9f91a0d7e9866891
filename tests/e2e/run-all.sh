#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-all.sh WORKDIR BUILDDIR [SCENARIO.scn...]
#
# Boots the lab's scenarios (default: all of scenarios/) one after the
# other with lab.py and prints one TAP stream: `1..N`, one `ok`/`not ok`
# line per expectation, `# ` lines with each boot's timings, and the whole
# suite's wall time as `# e2e total: S s`. Exit 1 when anything failed,
# 2 on a usage or scenario error.
#
# WORKDIR holds what fetch.sh, cross-build.sh and mkinitrd.sh made
# (kernel/Image, initrd.cpio.gz); BUILDDIR is the host build (efitables,
# tests/tools/gkpeek) for the host-side replays. Each run's files go to
# $GK_E2E_OUT/NAME (default WORKDIR/runs/NAME): console.log, result.json,
# stageN-ID.out, export/; and results.{md,json}. GK_E2E_INITRD picks another initramfs,
# GK_E2E_BOOT another boot.sh (test_lab.py uses a fake one).
set -u

if [[ $# -lt 2 ]]; then
	echo "usage: $0 WORKDIR BUILDDIR [SCENARIO.scn...]" >&2
	exit 2
fi
WORK=$1
BUILD=$2
shift 2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.py
[[ $# -gt 0 ]] || set -- "$HERE"/scenarios/*.scn
OUT=${GK_E2E_OUT:-$WORK/runs}
extra=()
[[ -n ${GK_E2E_INITRD:-} ]] && extra+=(--initrd "$GK_E2E_INITRD")
[[ -n ${GK_E2E_BOOT:-} ]] && extra+=(--boot "$GK_E2E_BOOT")

t0=$EPOCHREALTIME
total=$(python3 "$LAB" plan "$@") || exit 2
mkdir -p "$OUT" || exit 2
echo "1..$total"

n=0
fail=0
for scn in "$@"; do
	name=$(basename "$scn" .scn)
	want=$(python3 "$LAB" plan "$scn") || exit 2
	python3 "$LAB" run "$scn" --work "$WORK" --out "$OUT/$name" \
		--build "$BUILD" --tap-start $((n + 1)) "${extra[@]}" |
		tee "$OUT/$name.tap"
	rc=${PIPESTATUS[0]}
	# lab.py prints one line per expectation even when the boot fails;
	# should it die early, the plan still has to add up
	got=$(grep -cE '^(not )?ok ' "$OUT/$name.tap")
	while [[ $got -lt $want ]]; do
		got=$((got + 1))
		echo "not ok $((n + got)) - $name: lab.py exit $rc before this expectation"
	done
	n=$((n + want))
	[[ $rc -eq 0 ]] || fail=1
done

# the results table (scenario × loader -> outcome, gicdiag's verdict,
# timings), as Markdown and JSON beside the runs
names=()
for scn in "$@"; do names+=("$(basename "$scn" .scn)"); done
python3 "$LAB" results "$OUT" "$OUT/results.md" "$OUT/results.json" \
	"${names[@]}" | sed 's/^/# /'
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "# e2e total: %.1f s\n", b - a }'
exit $fail
