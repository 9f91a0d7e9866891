#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the segment check costs (issue 15 item 3), the figures kexec(8)'s
# choice of a per-chunk CRC-32 rests on:
#   1. user space on this host, per GiB: nettle's SHA-256 (the check
#      before), zlib's and libdeflate's CRC-32, and kexec's per-chunk job
#      (kexec/segcheck.c) on 1, 2, 4 ... all online CPUs (bench/segcheck.c);
#   2. the purgatory's own code under qemu-aarch64 (user mode), per MiB:
#      SHA-256 portable and with the SHA-2 instructions, CRC-32 by table
#      and by CRC32X (tests/purgatory/test-digest.c --bench), on two CPU
#      models. TCG translates each instruction: these figures compare the
#      variants with each other, they say nothing of silicon.
#   bench/segcheck.sh [BUILDDIR] [MIB] [RUNS]
# Needs BUILDDIR's kexec/libkexec.a and lib/libgkcore.a (make), gcc,
# and for 2. aarch64-linux-gnu-gcc, libc6-dev-arm64-cross, qemu-user.
# A benchmark, not a test: it prints figures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
mib=${2:-256}
runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for a in kexec/libkexec.a lib/libgkcore.a; do
	[ -f "$build/$a" ] || {
		echo "bench/segcheck.sh: no $build/$a: make -C $build" >&2
		exit 1
	}
done
gcc -O2 -Wall -Wextra -I"$top/kexec" -I"$top/lib" -I"$build" \
	"$top/bench/segcheck.c" "$build/kexec/libkexec.a" \
	"$build/lib/libgkcore.a" -ldeflate -lz -lnettle -lpthread \
	-o "$work/segcheck"
echo "# $(nproc) online CPUs; $(uptime | sed 's/.*load/load/')"
"$work/segcheck" "$mib" "$runs"

src=$top/kexec/purgatory
if ! command -v aarch64-linux-gnu-gcc >/dev/null ||
	! command -v qemu-aarch64 >/dev/null; then
	echo "# no aarch64-linux-gnu-gcc or qemu-aarch64: no purgatory figures"
	exit 0
fi
aarch64-linux-gnu-gcc -static -O2 -I"$src" \
	"$top/tests/purgatory/test-digest.c" "$src/sha256.c" \
	"$src/sha256-ce.S" "$src/crc32.c" "$src/idmap.c" \
	-o "$work/test-digest"
for cpu in cortex-a57 max; do
	echo "purgatory code under qemu-aarch64 -cpu $cpu (TCG: relative only), 64 MiB, ms per MiB:"
	qemu-aarch64 -cpu "$cpu" "$work/test-digest" --bench 64 | sed 's/^/  /'
done
