#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where a load's time goes (issue 15): kexec -d --dry-run, RUNS times each
# on the real snapshots tests/data/qemu-*.tar.gz and on a generated
# 4096-redistributor machine (tests/tools/machines/gic-4096.machine), with
# a generated 30 MiB Image (raw and gzip'd, as compressible as a kernel's)
# and a 5 MiB initrd; per phase of kexec -d's "kexec: time:" line the
# median in ms, and the preflight's (gather's) share of the total, which
# issue 15 item 5 wants under 5 % on the 4096-RD machine.
#   bench/load-breakdown.sh [BUILDDIR] [RUNS] [SYSCALL]
# SYSCALL: c (kexec_load, the default: the path with the purgatory's
# digest), s (kexec_file_load) or a (kexec's own choice). A dry run's
# "syscall" is its writing of the segments into a temporary directory.
# Builds nothing: make kexec/kexec and tests/tools/mkmachine in BUILDDIR.
# A benchmark, not a test: it prints figures and fails only if a run fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
runs=${2:-10}
sc=${3:-c}
kx=$build/kexec/kexec
mk=$build/tests/tools/mkmachine
for b in "$kx" "$mk"; do
	[ -x "$b" ] || {
		echo "bench/load-breakdown.sh: no $b: make -C $build kexec/kexec tests/tools/mkmachine" >&2
		exit 1
	}
done
case $sc in c | s | a) ;; *) echo "bench/load-breakdown.sh: SYSCALL is c, s or a" >&2; exit 1 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A 30 MiB arm64 Image: the header (text_offset 0, image_size 32 MiB, 4K
# pages, anywhere) and 2-bit random bytes, which gzip -9 (as the kernel's
# Image.gz) to about 30 %, as an arm64 Image does; the initrd is random:
# a compressed cpio compresses no further.
python3 - "$work/Image" <<'PY'
import os, struct, sys
hdr = bytearray(64)
hdr[0:4] = b"\x10\x00\x00\x14"
struct.pack_into("<QQQ", hdr, 8, 0, 32 << 20, 0xa)
hdr[56:60] = b"ARM\x64"
two = bytes(b & 3 for b in range(256))
with open(sys.argv[1], "wb") as f:
    f.write(hdr)
    for _ in range(30):
        f.write(os.urandom(1 << 20).translate(two))
PY
gzip -c -n -9 "$work/Image" >"$work/Image.gz"
head -c $((5 << 20)) /dev/urandom >"$work/initrd"

machines=()
for t in "$top"/tests/data/qemu-*.tar.gz; do
	m=${t##*/}
	m=${m%.tar.gz}
	mkdir -p "$work/$m"
	tar -xzf "$t" -C "$work/$m" --strip-components=1
	machines+=("$m")
done
"$mk" "$top/tests/tools/machines/gic-4096.machine" "$work/gic-4096" >/dev/null
machines+=(gic-4096)

# the 7 figures of each run's time line, one run a line
breakdown() {	# MACHINE IMAGE
	for _ in $(seq "$runs"); do
		rm -rf "$work/out"
		"$kx" -d "-$sc" --ignore-preflight --sysroot "$work/$1" \
			--dry-run "$work/out" -l "$work/$2" \
			--initrd "$work/initrd" 2>"$work/err" >/dev/null || {
			echo "bench/load-breakdown.sh: $1 $2: kexec failed:" >&2
			cat "$work/err" >&2
			exit 1
		}
		grep '^kexec: time: ' "$work/err" | tr -d , |
			awk '{ for (i = 4; i <= NF; i += 3) printf "%s ", $i; print "" }'
	done
}

# per column the median; the gather share is the median of each run's
median() {	# MACHINE IMAGE: one row
	awk -v m="$1" -v img="$2" '
	function med(c,   n, i, j, v, t) {
		for (i = 1; i <= NR; i++) v[i] = a[i, c]
		for (i = 2; i <= NR; i++)	# insertion sort: RUNS is small
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	}
	{ for (c = 1; c <= 7; c++) a[NR, c] = $c
	  a[NR, 8] = $7 > 0 ? 100 * $3 / $7 : 0 }
	END {
		printf "%-26s %-8s", m, img
		for (c = 1; c <= 7; c++) printf " %9.1f", med(c)
		printf " %6.1f %%\n", med(8)
	}'
}

printf 'kexec -d -%s --dry-run, %s runs each: median ms per phase\n' "$sc" "$runs"
printf '%-26s %-8s %9s %9s %9s %9s %9s %9s %9s %8s\n' machine image open \
	decompress gather plan digest syscall total gather
for m in "${machines[@]}"; do
	for img in Image.gz Image; do
		breakdown "$m" "$img" >"$work/runs"
		median "$m" "$img" <"$work/runs" | tee -a "$work/rows"
	done
done
# issue 15 item 5: the preflight inside a load under 5 % on 4096 RDs
awk '$1 == "gic-4096" { s = $(NF - 1)
	printf "gic-4096, %s: gather %.1f %% of the load: %s issue 15'"'"'s < 5 %%\n",
		$2, s, s < 5 ? "meets" : "misses" }' "$work/rows"
