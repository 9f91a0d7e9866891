#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gicdiag on generated machines with 64, 512 and 4096 redistributors and
# 10,000 EFI memreserve entries: wall time (median of RUNS) and, with
# valgrind, the instruction count, which must grow linearly with the RDs.
#   bench/gicdiag.sh [BUILDDIR] [RUNS]
# A benchmark, not a test: it prints figures and fails only if a run fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
runs=${2:-20}
gd=$build/gicdiag/gicdiag
mk=$build/tests/tools/mkmachine
[ -x "$mk" ] || make -s -C "$build" tests/tools/mkmachine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

machine() {	# N: a GICv3 with N RDs, tables covered by 10,000 entries
	cat <<EOM
model linux,dummy-virt (bench $1 RDs)
ram 0x40000000 8G
reserved 0x80000000 0x27100000
cmdline console=ttyAMA0
systab 0x7ffd0000
config 0x7ffd1000
table acpi20 0x7c000000
memreserve 0x7ffe0000
fill 10000 0x80000000 0x10000 0x10000 0x7f000000
gic version 3 dist 0x8000000 redist 0x4000000000 $(($1 * 0x20000))
its 0x8080000
rds $1 prop 0x80000000 pend 0x80010000 log allocated
EOM
}

median_ms() {	# ARGS...: median wall time of $runs runs, in ms
	local t0 t1 times=()

	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$gd" "$@" >/dev/null || [ $? -le 2 ]
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ t[NR] = $1 } END { printf "%.2f", t[int((NR + 1) / 2)] / 1000 }'
}

instructions() {	# ARGS...: instructions executed (valgrind callgrind)
	command -v valgrind >/dev/null || { echo "n/a"; return; }
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$gd" "$@" \
		2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

echo "gicdiag, 10,000 memreserve entries, $(nproc) cores, $(uname -m), median of $runs runs"
printf '%6s %10s %10s %14s %12s\n' RDS TEXT_MS JSON_MS INSTRUCTIONS INSN/RD
for n in 64 512 4096; do
	machine "$n" >"$work/m$n.machine"
	"$mk" "$work/m$n.machine" "$work/m$n" >/dev/null
	v=$("$gd" -s "$work/m$n" -J | grep -c '"reserved": "memreserve"') || true
	[ "$v" = "$n" ] || { echo "bench: $n RDs: only $v reserved" >&2; exit 1; }
	text=$(median_ms -s "$work/m$n")
	json=$(median_ms -s "$work/m$n" -J)
	insn=$(instructions -s "$work/m$n" -J)
	per=n/a
	[ "$insn" != n/a ] && per=$((insn / n))
	printf '%6d %10s %10s %14s %12s\n' "$n" "$text" "$json" "$insn" "$per"
done

# The evidence sources of an aged machine (ring buffer rotated, registers
# refused), each alone with --source, on realistic sizes: a journal holding
# 200,000 kernel messages of this boot (the LPI lines at its start), and a
# 6.12-sized /proc/kallsyms (200,000 lines, the symbols gicdiag needs at
# its end).
aged=$work/aged
if [ -x "$build/tests/unit/test-kmem" ] || make -s -C "$build" tests/unit/test-kmem; then
	rm -rf "$aged" && "$mk" -d "$top/tests/tools/machines/kmem-rotated.machine" "$aged" >/dev/null
	"$build/tests/unit/test-kmem" --write-machine "$aged"
	{ awk 'BEGIN { for (i = 0; i < 200000; i++) printf "ffff8000%08x t filler_%d\n", i * 16, i }'
	  cat "$aged/proc/kallsyms"; } >"$aged/proc/kallsyms.big"
	mv "$aged/proc/kallsyms.big" "$aged/proc/kallsyms"
fi
jr=${JOURNAL_REMOTE:-/lib/systemd/systemd-journal-remote}
if [ -x "$jr" ]; then
	mkdir -p "$aged/var/log/journal/0123456789abcdef0123456789abcdef"
	boot=$(tr -d '-' <"$aged/proc/sys/kernel/random/boot_id")
	awk -v boot="$boot" 'BEGIN {
		n = split("Booting Linux on physical CPU 0x0000000000 [0x000f0510]|GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000|GICv3: using LPI property table @0x000000004a000000|GICv3: CPU0: using allocated LPI pending table @0x0000000049000000|GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000|GICv3: CPU1: using allocated LPI pending table @0x0000000049010000|GICv3: CPU2: found redistributor 2 region 0:0x00000000080e0000|GICv3: CPU2: using allocated LPI pending table @0x0000000049020000", l, "|")
		for (i = 0; i < 200000; i++) {
			m = i < n ? l[i + 1] : sprintf("audit: type=1400 audit(1765000000.%03d:%d): apparmor=\"ALLOWED\"", i % 1000, i)
			printf "__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n_TRANSPORT=kernel\nPRIORITY=6\nSYSLOG_FACILITY=0\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=%s\n\n", 1765000000000000 + i, i * 1000, boot, m
		}
	}' >"$work/big.export"
	"$jr" -o "$aged/var/log/journal/0123456789abcdef0123456789abcdef/system.journal" \
		"$work/big.export" >/dev/null 2>&1
fi
echo
echo "the evidence sources of an aged machine, each alone (--source), median of $runs runs"
printf '%-16s %10s  %s\n' SOURCE MS EVIDENCE
for src in kernel-log journal kernel-memory boot-record inherited-dtb; do
	ev=$("$gd" -s "$aged" -J --source "$src" | sed -n 's/.*"evidence": "\(.*\)",/\1/p') || true
	printf '%-16s %10s  %s\n' "$src" "$(median_ms -s "$aged" --source "$src")" "$ev"
done
printf '%-16s %10s  %s\n' "(all)" "$(median_ms -s "$aged")" \
	"$("$gd" -s "$aged" -J | sed -n 's/.*"evidence": "\(.*\)",/\1/p')"
