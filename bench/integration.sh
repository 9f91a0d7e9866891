#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the operators' integration costs where it runs:
#  - the kdump preflight drop-in (gic-kexec preflight kdump) on the real DT
#    snapshot and on a generated 4096-RD machine: wall time, median of RUNS;
#  - the crash kernel's capture (gic-kexec capture --save-dir): wall time;
#  - what the dracut module adds to kdump-utils' initrd: gicdiag and the
#    libraries it needs beyond libc.
#   bench/integration.sh [BUILDDIR] [RUNS]
# A benchmark, not a test: it prints figures and fails only if a run fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/default}
runs=${2:-20}
export GICDIAG=$build/gicdiag/gicdiag
helper=$build/contrib/gic-kexec
mk=$build/tests/tools/mkmachine
[ -x "$mk" ] || make -s -C "$build" tests/tools/mkmachine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIC_KEXEC_CONF=$work/conf GIC_KEXEC_RUNDIR=$work/run GIC_KEXEC_PMSG=$work/pmsg
: >"$GIC_KEXEC_CONF"

# a 4096-RD GICv3 from the machine gicdiag's own tests use
"$mk" "$top/tests/tools/machines/gic-4096.machine" "$work/gic-4096" >/dev/null

median_ms() {	# CMD...: median wall time of RUNS runs, in ms
	local t
	for _ in $(seq "$runs"); do
		t=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		echo $((($(date +%s%N) - t) / 1000))
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}
echo "runs: $runs (median wall time)"
for s in "$top/tests/data/qemu-dt-debian12.tar.gz" "$work/gic-4096"; do
	printf 'preflight kdump, %-28s %8s ms\n' "${s##*/}:" \
		"$(GIC_KEXEC_SYSROOT=$s median_ms "$helper" preflight kdump)"
done
snap=$work/snap
mkdir -p "$snap"
tar -xzf "$top/tests/data/qemu-efi-acpi-debian12.tar.gz" -C "$snap" --strip-components=1
printf 'capture --save-dir, %-24s %8s ms\n' "qemu-efi-acpi-debian12:" \
	"$(GIC_KEXEC_SYSROOT=$snap median_ms "$helper" capture --save-dir "$work/crash")"

# bytes in a kdump initrd: gicdiag, the helper, and each library beyond libc
bytes=$(stat -c %s "$GICDIAG" "$helper" | awk '{ s += $1 } END { print s }')
libs=$(ldd "$GICDIAG" | awk '/=>/ && $1 !~ /^(libc|ld-linux)/ { print $3 }')
lib_bytes=$(for l in $libs; do stat -L -c %s "$l"; done | awk '{ s += $1 } END { print s + 0 }')
printf 'initrd: gicdiag + helper %d KiB, %d libraries beyond libc %d KiB (libarchive not among them: dlopen()ed)\n' \
	$((bytes / 1024)) "$(echo "$libs" | wc -w)" $((lib_bytes / 1024))
