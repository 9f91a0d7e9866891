#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh [BUILDDIR]: build and test the arm64 purgatory; prints TAP.
#
#   1. the blob (kexec/purgatory/build.sh, with -Werror): header at offset
#      0, a plausible entry, no relocation, under 64 KiB, .bss inside;
#   2. the CRC-32 code of both variants (and SHA-256, the measured
#      alternative) and the identity-map builder, linked from the blob's
#      own sources into a static aarch64 program, under qemu-aarch64 (user
#      mode) on three CPU models;
#   3. the blob itself, bare metal under qemu-system-aarch64: a harness
#      plays loader and kernel, the purgatory checks with the MMU and
#      caches on at EL1, EL2 and EL2+VHE, 4 KiB and 64 KiB granules, and
#      its fallbacks, a flipped bit (the segment and chunk named) and
#      malformed-header paths are checked.
#
# BUILDDIR defaults to $top_builddir (set by make check), else ".". The
# blob tested is the build's own, BUILDDIR/kexec/purgatory/purgatory.bin,
# when there is one, else the one this script builds. Work files go to
# BUILDDIR/tests/purgatory/work/. Needs: gcc-aarch64-linux-gnu (or
# a native arm64 gcc), libc6-dev-arm64-cross (static test program),
# qemu-user, qemu-system-arm, python3. A missing tool is a failed test.
# Environment: PURGATORY_CC overrides the compiler.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SRC=$TOP/kexec/purgatory
B=${1:-${top_builddir:-.}}
mkdir -p "$B/tests/purgatory/work" || exit 1
W=$(cd "$B/tests/purgatory/work" && pwd)

. "$(dirname "$0")/../tap.sh"
# Number the "ok - ..." / "not ok - ..." lines of a test program.
renumber() {	# renumber PREFIX
	local l
	while IFS= read -r l; do
		case $l in
		"ok - "*) ok "$1${l#ok - }" ;;
		"not ok - "*) not_ok "$1${l#not ok - }" ;;
		"#"*) echo "$l" ;;
		*) echo "# $l" ;;
		esac
	done
}

need() {	# need TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	not_ok "$1 is installed (package $2)"
	return 1
}

# ---- tools -----------------------------------------------------------------
CC=${PURGATORY_CC:-}
if [ -z "$CC" ]; then
	if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
		CC=aarch64-linux-gnu-gcc
	elif [ "$(uname -m)" = aarch64 ]; then
		CC=gcc
	else
		CC=aarch64-linux-gnu-gcc
	fi
fi
need "$CC" gcc-aarch64-linux-gnu || finish
need python3 python3 || finish
have_user=1
have_sys=1
need qemu-aarch64 qemu-user || have_user=0
need qemu-system-aarch64 qemu-system-arm || have_sys=0
prefix=${CC%gcc*}
READELF=${prefix}readelf
NM=${prefix}nm

# ---- 1. the blob -------------------------------------------------------------
BLOB=$W/blob
if out=$(KX_PURG_EXTRA_CFLAGS=-Werror "$SRC/build.sh" "$CC" "$BLOB" 2>&1); then
	ok "the purgatory builds with $CC, -Werror"
	echo "# $out"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	not_ok "the purgatory builds with $CC, -Werror"
	finish
fi
check "build.sh leaves only purgatory.bin and purgatory.elf" \
	test "$(find "$BLOB" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = \
	"purgatory.bin purgatory.elf "
if [ -f "$B/kexec/purgatory/purgatory.bin" ] &&
	[ -f "$B/kexec/purgatory/purgatory.elf" ]; then
	BLOB=$(cd "$B/kexec/purgatory" && pwd)
fi
echo "# testing $BLOB/purgatory.bin"

entry_sym=$($NM "$BLOB/purgatory.elf" | awk '$3 == "purgatory_entry" { print $1 }')
end_sym=$($NM "$BLOB/purgatory.elf" | awk '$3 == "__purgatory_end" { print $1 }')
if ! python3 - "$BLOB/purgatory.bin" "$((0x${entry_sym:-0}))" \
	"$((0x${end_sym:-0}))" >"$W/blob-checks.out" 2>&1 <<'EOF'
import struct, sys
blob = open(sys.argv[1], "rb").read()
entry_sym, end_sym = int(sys.argv[2]), int(sys.argv[3])
def ok(cond, what):
    print("%s - %s" % ("ok" if cond else "not ok", what))
magic, version, entry, kentry, dtb, flags, nr, idmap, idsize, failed, _ = \
    struct.unpack_from("<QIIQQIIQQiI", blob, 0)
ok(magic == 0x59524F5447525550 and version == 2,
   "blob: header magic PURGTORY and version 2 at offset 0")
ok(entry == entry_sym and 832 <= entry < len(blob) and entry % 4 == 0,
   "blob: header entry %#x is purgatory_entry, inside the blob" % entry)
# msr daifset, #0xf = 0xd5034fdf: the entry code masks interrupts first
ok(blob[entry:entry + 4] == struct.pack("<I", 0xD5034FDF),
   "blob: the instruction at entry is msr daifset, #0xf")
ok(kentry == dtb == flags == nr == idmap == idsize == 0 and failed == -1,
   "blob: loader fields zero, failed_segment -1")
ok(struct.unpack_from("<Q", blob, 832)[0] == 0x4741494447525550,
   "blob: diagnostic block right after the header (offset 832)")
ok(len(blob) == end_sym and blob[-4096:] == bytes(4096),
   "blob: .bss and the stack are in the image, zero-filled (%d bytes)"
   % len(blob))
ok(len(blob) < 65536, "blob: %d bytes, under 64 KiB" % len(blob))
EOF
then
	not_ok "blob: the header checks ran"
fi
renumber "" <"$W/blob-checks.out"
relocs=$($READELF -rW "$BLOB/purgatory.elf")
check "blob: readelf -r finds no relocation" \
	grep -q 'There are no relocations' <<<"$relocs"
check "blob: no dynamic, GOT, PLT or interpreter section" \
	bash -c "! $READELF -SW '$BLOB/purgatory.elf' | grep -q -E ' \\.(dynamic|got|plt|interp|rela)'"

# ---- 2. digests and identity map, user mode ---------------------------------
if [ $have_user = 1 ]; then
	python3 "$HERE/gen-vectors.py" "$W/vectors.bin" "$W/vectors.txt"
	if out=$($CC -static -O2 -Wall -Wextra -Werror -I"$SRC" \
		"$HERE/test-digest.c" "$SRC/sha256.c" "$SRC/sha256-ce.S" \
		"$SRC/crc32.c" \
		"$SRC/idmap.c" -o "$W/test-digest" 2>&1); then
		ok "test-digest builds (static aarch64, the blob's sources)"
		# QEMU 7.2 models no aarch64 CPU without SHA-2, so the
		# portable path is tested directly and the choice with
		# injected ID register values (test-digest.c).
		for cpu in max cortex-a57 cortex-a53; do
			qemu-aarch64 -cpu $cpu "$W/test-digest" \
				"$W/vectors.bin" "$W/vectors.txt" \
				>"$W/test-digest-$cpu.out" 2>&1
			rc=$?
			renumber "[$cpu] " <"$W/test-digest-$cpu.out"
			[ $rc = 0 ] || not_ok "[$cpu] test-digest exits 0 (got $rc)"
		done
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		not_ok "test-digest builds (needs libc6-dev-arm64-cross)"
	fi
fi

# ---- 3. the blob, bare metal ----------------------------------------------------
run_case() {	# NAME MACHINE CPU LOADER-ARGS EXPECTED
	local name=$1 machine=$2 cpu=$3 args=$4 expect=$5 out result k miss=
	# shellcheck disable=SC2086
	out=$(timeout 120 qemu-system-aarch64 -nodefaults -M "$machine" \
		-cpu "$cpu" -smp 2 -m 3G -display none -monitor none \
		-serial none -semihosting-config enable=on,target=native \
		-kernel "$W/harness.elf" $args 2>&1)
	result=$(grep '^RESULT ' <<<"$out" | tail -1)
	for k in $expect; do
		grep -q -w -e "$k" <<<"$result" || miss="$miss $k"
	done
	if [ -n "$result" ] && [ -z "$miss" ]; then
		ok "bare metal: $name ($cpu, $machine)"
		echo "# $result"
	else
		not_ok "bare metal: $name ($cpu, $machine)"
		echo "# expected:$miss"
		printf '%s\n' "$out" | tail -5 | sed 's/^/# /'
	fi
}

if [ $have_sys = 1 ]; then
	if out=$($CC -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib \
		-fno-pie -no-pie -static -mgeneral-regs-only -mstrict-align \
		-fno-stack-protector -I"$SRC" -Wl,-T,"$HERE/baremetal/harness.lds" \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		"$HERE/baremetal/start.S" "$HERE/baremetal/harness.c" \
		-o "$W/harness.elf" 2>&1); then
		ok "bare-metal harness builds"
		mkdir -p "$W/cases"
		python3 "$HERE/gen-cases.py" "$W/cases" "$BLOB/purgatory.bin"
		while IFS='|' read -r name machine cpu args expect; do
			run_case "$name" "$machine" "$cpu" "$args" "$expect"
		done <"$W/cases/cases.txt"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		not_ok "bare-metal harness builds"
	fi
fi

finish
