#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build.sh CC OUTDIR: build the arm64 purgatory blob.
#
#   CC      an aarch64 C compiler: aarch64-linux-gnu-gcc (package
#           gcc-aarch64-linux-gnu) on other hosts, gcc on an arm64 host
#   OUTDIR  gets purgatory.elf (to inspect) and purgatory.bin (the blob)
#
# The blob is freestanding and position-independent: compiled -fpie
# -mcmodel=tiny (every address PC-relative, within +-1 MiB), linked -pie
# with purgatory.lds, and refused if any relocation is left for a loader
# to apply. Then objcopy -O binary, and the header's magic is checked at
# offset 0. Environment: OBJCOPY, READELF (default: CC's prefix + name),
# KX_PURG_EXTRA_CFLAGS (e.g. -Werror).
set -eu

die() {
	echo "purgatory/build.sh: $*" >&2
	exit 1
}

[ $# = 2 ] || die "usage: build.sh CC OUTDIR"
CC=$1
OUT=$2
SRC=$(cd "$(dirname "$0")" && pwd)

# binutils that match CC: aarch64-linux-gnu-gcc(-12) -> aarch64-linux-gnu-
prefix=$(basename "$CC" | sed -n 's/^\(.*-\)\{0,1\}gcc\(-[0-9.]*\)\{0,1\}$/\1/p')
OBJCOPY=${OBJCOPY:-${prefix}objcopy}
READELF=${READELF:-${prefix}readelf}

machine=$($CC -dumpmachine 2>/dev/null) || die "cannot run $CC"
case $machine in
aarch64*) ;;
*) die "$CC builds for $machine, not aarch64 (use aarch64-linux-gnu-gcc)" ;;
esac
command -v "$OBJCOPY" >/dev/null || die "$OBJCOPY not found"
command -v "$READELF" >/dev/null || die "$READELF not found"

# Shared by C and assembly.
COMMON="-march=armv8-a -mabi=lp64 -mlittle-endian -fpie -mcmodel=tiny
	-ffreestanding -fno-common -fvisibility=hidden
	-fno-asynchronous-unwind-tables -fno-unwind-tables
	-mbranch-protection=none -I$SRC"
# C only: no FP/SIMD registers (portable parts), no unaligned accesses
# (with the MMU off every access is to Device memory, where they fault),
# nothing that would call libc or libgcc behind our back.
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -mgeneral-regs-only -mstrict-align
	-fno-stack-protector -fno-tree-loop-distribute-patterns
	-mno-outline-atomics -fno-builtin ${KX_PURG_EXTRA_CFLAGS:-}"

LDFLAGS="-nostdlib -static-pie -Wl,-T,$SRC/purgatory.lds -Wl,--build-id=none
	-Wl,-z,norelro -Wl,-z,noexecstack -Wl,-z,max-page-size=4096"
# binutils >= 2.39 warns about the one RWX segment, which is intended.
if $CC -nostdlib -Wl,--no-warn-rwx-segments -Wl,--help >/dev/null 2>&1; then
	LDFLAGS="$LDFLAGS -Wl,--no-warn-rwx-segments"
fi

# Objects in a directory of our own, removed on exit: OUTDIR ends up
# with purgatory.elf and purgatory.bin only (make distcheck counts files).
mkdir -p "$OUT" || die "cannot create $OUT"
OBJDIR=$(mktemp -d "$OUT/.purgatory-obj.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$OBJDIR" "$OUT/purgatory.elf.tmp" "$OUT/purgatory.bin.tmp"' EXIT
OBJS=
for src in entry.S arch.S crc32.c idmap.c purgatory.c; do
	obj=$OBJDIR/${src%.*}.o
	# shellcheck disable=SC2086 # the flag lists split on purpose
	case $src in
	*.S) $CC $COMMON -c "$SRC/$src" -o "$obj" ;;
	*.c) $CC $COMMON $CFLAGS -c "$SRC/$src" -o "$obj" ;;
	esac || die "compiling $src failed"
	OBJS="$OBJS $obj"
done

# shellcheck disable=SC2086
$CC $COMMON $LDFLAGS -o "$OUT/purgatory.elf.tmp" $OBJS || die "link failed"

# Nothing may need fixing up at load time: no relocation section at all,
# no dynamic section, no undefined symbol.
relocs=$($READELF -rW "$OUT/purgatory.elf.tmp")
if ! printf '%s\n' "$relocs" | grep -q 'There are no relocations'; then
	printf '%s\n' "$relocs" >&2
	die "relocations left in the blob (absolute addresses?)"
fi
if $READELF -SW "$OUT/purgatory.elf.tmp" | grep -q -E ' \.(dynamic|got|plt) '; then
	die "the blob has a dynamic, GOT or PLT section"
fi
undef=$($READELF -sW "$OUT/purgatory.elf.tmp" | awk '$7 == "UND" && $8 != "" { print $8 }')
[ -z "$undef" ] || die "undefined symbols: $undef"

$OBJCOPY -O binary "$OUT/purgatory.elf.tmp" "$OUT/purgatory.bin.tmp" ||
	die "objcopy failed"

# The header at offset 0: magic "PURGTORY" (little-endian 0x59524f54...),
# version 2, entry inside the blob and 4-byte aligned; .bss included.
size=$(wc -c <"$OUT/purgatory.bin.tmp")
magic=$(od -An -c -N8 "$OUT/purgatory.bin.tmp" | tr -d ' ')
[ "$magic" = PURGTORY ] || die "no header magic at offset 0 (got '$magic')"
version=$(od -An -tu4 -j8 -N4 "$OUT/purgatory.bin.tmp" | tr -d ' ')
entry=$(od -An -tu4 -j12 -N4 "$OUT/purgatory.bin.tmp" | tr -d ' ')
[ "$version" = 2 ] || die "header version $version (not 2)"
if [ "$entry" -lt 832 ] || [ "$entry" -ge "$size" ] || [ $((entry % 4)) != 0 ]; then
	die "implausible entry offset $entry (blob $size bytes)"
fi
end=$($READELF -sW "$OUT/purgatory.elf.tmp" | awk '$8 == "__purgatory_end" { print $2 }')
if [ -z "$end" ] || [ $((0x$end)) != "$size" ]; then
	die "blob is $size bytes, image ends at 0x$end: .bss not in the blob?"
fi
[ "$size" -le 65536 ] || die "blob is $size bytes, over 64 KiB"

mv "$OUT/purgatory.elf.tmp" "$OUT/purgatory.elf"
mv "$OUT/purgatory.bin.tmp" "$OUT/purgatory.bin"
echo "purgatory.bin: $size bytes, entry at $entry"
