#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-e2e.sh SRCDIR BUILDDIR [SCENARIO.scn...]
#
# The whole lab in one go, as `make check-e2e` runs it: fetch Debian's
# arm64 kernel and tools (cached), build the kexec_file kernel from
# Debian's linux-source-6.1 (cached), cross-build our tools for the guest,
# compile the scenarios into the initramfs, boot every scenario. Prints TAP
# (the runner's), plus "# " lines with the time of each step. A missing
# host package is installed, never a reason to skip.
set -u
if [[ $# -lt 2 ]]; then
	echo "usage: $0 SRCDIR BUILDDIR [SCENARIO.scn...]" >&2
	exit 2
fi
SRC=$(cd "$1" && pwd)
BUILD=$(cd "$2" && pwd)
shift 2
E2E=$SRC/tests/e2e
WORK=${GK_E2E_WORK:-$BUILD/tests/e2e-work}
mkdir -p "$WORK"
[[ $# -gt 0 ]] || set -- "$E2E"/scenarios/*.scn

step() {	# NAME CMD...: run a preparation step, log it, time it
	local name=$1 t0=$EPOCHREALTIME
	shift
	if ! "$@" >"$WORK/$name.log" 2>&1; then
		echo "Bail out! $name failed (see $WORK/$name.log)"
		tail -20 "$WORK/$name.log" | sed 's/^/# /'
		exit 1
	fi
	awk -v n="$name" -v a="$t0" -v b="$EPOCHREALTIME" \
		'BEGIN { printf "# %s: %.1f s\n", n, b - a }'
}

step fetch "$E2E/fetch.sh" "$WORK"
step fetch-trixie "$E2E/fetch-trixie.sh" "$WORK"
step build-kernel "$E2E/build-kernel.sh" "$WORK"
step cross-build "$E2E/cross-build.sh" "$SRC" "$WORK"
rm -rf "$WORK/lab"
step compile python3 "$E2E/lab.py" compile "$@" "$WORK/lab"
step initramfs "$E2E/mkinitrd.sh" "$WORK" "$WORK/lab" "$WORK/initrd.cpio.gz"
exec "$E2E/run-all.sh" "$WORK" "$BUILD" "$@"
